"""The catalogue of a project and its renderer, loaded once per process and reloaded only when a
source changes (through core.sources)."""
from __future__ import annotations

from . import Catalog, load_catalog
from ..core import cache
from ..core.project import Project
from ..core.sources import cached, preload
from .render import Renderer


def _load_core(project: Project) -> tuple[Catalog, Renderer]:
    catalog = load_catalog(project.docs_dir, project.data_dir, project.languages)
    return catalog, Renderer(catalog, project.templates_dir, project.root, project.langs)


def load(project: Project) -> tuple[Catalog, Renderer]:
    """The project's catalogue and renderer; the same objects until a source file changes."""
    return cached(project, "core", _load_core)


def objectives_digest(project: Project) -> str:
    """The objectives of the catalogue (codes, pages, titles): what the code links show. Once per build."""
    return cached(project, "objectives-digest", lambda p: cache.digest(repr(load(p)[0].objectives)))


preload(load, first=True)
