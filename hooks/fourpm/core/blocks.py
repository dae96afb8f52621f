"""What every generated block stands on: the page being rendered, the call a block function receives,
and the registry where each feature puts its blocks (catalog/render.py's own blocks apart)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import ContentError
from .project import Project


@dataclass(frozen=True)
class BlockCall:
    """One placeholder being replaced: what a registered block function receives."""
    page: "PageRef"
    args: dict[str, str]
    line: str  # "line N", for error messages
    renderer: Any  # the catalogue's Renderer (catalog/render.py): catalogue, labels, URLs, templates
    extra: dict  # mkdocs.yml `extra:` (contacts, links), empty in unit tests

    def error(self, problem: str, hint: str | None = None) -> ContentError:
        return ContentError(self.page.file, self.line, problem, hint)

    @property
    def project(self) -> Project:
        """The project the block belongs to, to read its data through the per-build caches."""
        return Project(self.renderer.root, self.renderer.langs)


# Blocks of other features (publications, data pages, ...): name -> function(call) -> HTML or Markdown.
# Feature modules register theirs when imported, so neither core nor catalog/render.py needs to know them.
EXTRA_BLOCKS: dict[str, Callable[[BlockCall], str]] = {}


def register_block(name: str, function: Callable[[BlockCall], str]) -> None:
    EXTRA_BLOCKS[name] = function


@dataclass(frozen=True)
class PageRef:
    """The page being rendered: what links are relative to and what errors name."""
    lang: str
    path: str  # relative to the language folder
    file: str  # the source file, for error messages
    offset: int = 0  # lines of front matter above the Markdown body, so errors give the file's line

    @property
    def is_objective(self) -> bool:
        return self.path.startswith("objectives/") and not self.path.endswith("index.md")

    @property
    def is_facility(self) -> bool:
        return self.path.startswith("facilities/") and not self.path.endswith("index.md")
