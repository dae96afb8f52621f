"""The catalogue of a project, loaded once per process and reloaded only when a source changes."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, load_catalog
from .render import Renderer


@dataclass(frozen=True)
class Project:
    root: Path
    languages: tuple[str, ...]

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def templates_dir(self) -> Path:
        return self.root / "overrides" / "fpm"


def fingerprint(*dirs: Path) -> tuple:
    """Names, sizes and modification times of every file under dirs: cheap to compute, changes on any edit."""
    entries = []
    for top in dirs:
        for folder, _subdirs, files in os.walk(top):
            for name in files:
                stat = os.stat(os.path.join(folder, name))
                entries.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


_cache: dict[Project, tuple[tuple, Catalog, Renderer]] = {}


def load(project: Project) -> tuple[Catalog, Renderer]:
    """The project's catalogue and renderer; the same objects until a source file changes."""
    stamp = fingerprint(project.docs_dir, project.data_dir, project.templates_dir)
    cached = _cache.get(project)
    if cached is None or cached[0] != stamp:
        catalog = load_catalog(project.docs_dir, project.data_dir, project.languages)
        cached = _cache[project] = (stamp, catalog, Renderer(catalog, project.templates_dir))
    return cached[1], cached[2]
