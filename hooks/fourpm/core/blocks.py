"""What every generated block stands on: the page being rendered, the call a block function receives,
and the registry where each feature puts its blocks (catalog/render.py's own blocks apart)."""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import state
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
LATE_BLOCKS: set[str] = set()
_STAND_IN = re.compile(r"<!--fpm-late-block ([0-9a-f]{24})-->")


def register_block(name: str, function: Callable[[BlockCall], str], late: bool = False) -> None:
    """late: the block is raw HTML with no Markdown in it and no anchor another page links to. It goes
    into the page after the Markdown conversion, a comment standing in for it until then, so that
    Python-Markdown does not parse it (its HTML parser took 0.25 s for the translation status table of a
    site of 1,200 pages)."""
    EXTRA_BLOCKS[name] = function
    if late:
        LATE_BLOCKS.add(name)


def stand_in(html: str) -> str:
    """The comment that stands in for a late block's HTML in the page's Markdown. It holds the HTML's
    digest, so the Markdown (a key of the page cache) changes when the HTML does."""
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()[:24]
    state.current().part("late-blocks", dict)[key] = html
    return f"<!--fpm-late-block {key}-->"


def put_back(html: str) -> str:
    """The converted page with its late blocks' HTML in place of their comments (first of on_page_content)."""
    if "<!--fpm-late-block " not in html:
        return html
    late = state.current().part("late-blocks", dict)
    return _STAND_IN.sub(lambda found: late.get(found.group(1), found.group(0)), html)


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
