"""The project being built: its folder and its languages."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .languages import Languages, languages_from

# The folder, inside the wiki, of the page generated per partner of data/partners.yml: the data pages
# write them, the wiki leaves them out of its sheets.
PARTNER_PAGES = "wiki/partners"


@dataclass(frozen=True)
class Project:
    root: Path
    langs: Languages

    @property
    def languages(self) -> tuple[str, ...]:
        return self.langs.codes

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def templates_dir(self) -> Path:
        return self.root / "overrides" / "fpm"


def project_at(root: Path, codes: tuple[str, ...]) -> Project:
    """A project outside MkDocs (commands, tests): its languages with the source at the root."""
    return Project(Path(root), languages_from([(code, code) for code in codes], codes[0]))
