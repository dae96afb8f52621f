"""The project a build reads, and what features compute from its sources: kept once per process, and
again only when a file of docs/, data/ or overrides/ changes (so `mkdocs serve` sees edits); registered
loaders, which the parallel build runs once before the languages fork; and results kept on disk between
builds (core/cache.py)."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import cache, engine, reader
from .blocks import PageRef
from .languages import Languages, languages_from
from .project import Project, project_at  # noqa: F401 (features import them from here)

T = TypeVar("T")


def project_of(config) -> Project:
    """The project a MkDocs config builds: its folder and languages in the order of mkdocs.yml, the source
    first (not i18n's `default` flag, which build_only_locale moves to the one language `make serve`
    previews). Kept on the config: pages ask for it thousands of times per build."""
    project = config.get("_fpm_project")
    if project is None:
        project = config["_fpm_project"] = Project(Path(config.config_file_path).resolve().parent, languages_of(config))
    return project


def languages_of(config) -> Languages:
    """The languages of mkdocs.yml (mkdocs-static-i18n's list), the root one as i18n builds it, and the
    Babel locales of extra.locales."""
    configured = engine.configured_languages(config)
    entries = [(code, name) for code, name, _default in configured]
    root = next((code for code, _name, default in configured if default), entries[0][0])
    return languages_from(entries, root, dict(config.extra.get("locales") or {}))


def page_ref(page, config, markdown: str | None = None) -> PageRef:
    """The page MkDocs is building, as our functions see it: the build's language, the path inside the
    language folder, and the source file (the French one when the translation is missing). Given the
    Markdown body, it also counts the lines above it, so errors name the line of the file."""
    lang = config.theme["language"]
    file_lang = engine.file_language(page.file, lang)
    uri = page.file.src_uri
    path = uri.split("/", 1)[1] if uri.startswith(f"{file_lang}/") else uri
    offset = reader.body_offset(page.file.content_string, markdown) if markdown is not None else 0
    return PageRef(lang, path, f"docs/{file_lang}/{path}", offset)


def fingerprint(*dirs: Path) -> tuple:
    """Names, sizes and modification times of every file under dirs: cheap to compute, changes on any edit."""
    entries = []
    for top in dirs:
        for folder, _subdirs, files in os.walk(top):
            for name in files:
                stat = os.stat(os.path.join(folder, name))
                entries.append((folder, name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def fingerprint_file(path: Path) -> tuple:
    stat = path.stat()
    return (str(path), stat.st_size, stat.st_mtime_ns)


_cache: dict[tuple[Project, str], tuple[tuple, object]] = {}
_stamps: dict[Project, tuple] = {}


def refresh(project: Project) -> None:
    """Look at the sources again: called once per build (on_config), not per page."""
    folder = cache.folder_for(project.root)
    if cache.current().folder != folder:
        cache.use(cache.Cache(folder))
    stamp = fingerprint(project.docs_dir, project.data_dir, project.templates_dir)
    if _stamps.get(project) != stamp:
        _stamps[project] = stamp  # a new object only on change: cached() compares identities


def cached(project: Project, key: str, loader: Callable[[Project], T]) -> T:
    """loader(project), computed once per process and again only when a file of docs/, data/
    or overrides/ changed at the last refresh (so `mkdocs serve` sees edits). Each feature keeps its
    data under its own key."""
    if project not in _stamps:
        refresh(project)
    stamp = _stamps[project]
    hit = _cache.get((project, key))
    if hit is None or hit[0] is not stamp:
        hit = _cache[(project, key)] = (stamp, loader(project))
    return hit[1]


# What features read from the whole project, registered when their module is imported: the parallel
# build (tools/build.py) computes them once before it forks, and the language processes inherit them.
PRELOADS: list[Callable[[Project], object]] = []


def preload(loader: Callable[[Project], object], first: bool = False) -> None:
    """Register a loader; `first` for the catalogue, whose errors come before the others'."""
    if first:
        PRELOADS.insert(0, loader)
    else:
        PRELOADS.append(loader)


def preload_all(project: Project) -> None:
    """Run every registered loader: bad input is a ContentError, said once, before any language builds."""
    refresh(project)
    for loader in PRELOADS:
        loader(project)


# -- results kept on disk between builds (core/cache.py) --------------------------------------------
def inputs_digest(project: Project) -> str:
    """data/ (catalogue data, glossary, labels), the block templates and mkdocs.yml: what any cached page
    result may depend on besides the page itself. Once per build, and again when a source changes."""
    def digest(p: Project) -> str:
        config = p.root / "mkdocs.yml"  # absent where only the sources are checked (tools, tests)
        return cache.digest(cache.tree_digest(p.data_dir, p.templates_dir),
                            config.read_bytes() if config.is_file() else b"", repr(p.langs))
    return cached(project, "inputs-digest", digest)


def memo(project: Project, namespace: str, inputs: tuple, compute: Callable[[], T]) -> T:
    """compute(), or its result stored by an earlier build with the same inputs, project inputs and code."""
    return cache.current().memo(namespace, (inputs_digest(project), *inputs), compute)


preload(inputs_digest)
