"""Whole pages from the page cache (core/cache.py): MkDocs' two stages of a page, its Markdown conversion
and its template, skipped when everything they read is what it was in the build that stored their result.

MkDocs converts and renders every page of every build. Python-Markdown and Material's templates were most
of a rebuild's time, though an edit changes one page: the other pages' inputs are the same, so are their
outputs.

- **Markdown** (Page.render). Inputs: the page's Markdown after every on_page_markdown handler; its file;
  every file of the site (which links resolve, and to what address); the Markdown extensions and their
  settings; the link checks' settings; the log level. Stored: the HTML, the table of contents, the title,
  the anchors and the links to anchors, from which MkDocs checks the links across pages after the build,
  cached or not.
- **Template** (the page's template in _build_page). Inputs: the context after every on_page_context
  handler, spelled out whole (the page and everything set on it, the settings, the hooks' own values);
  the navigation (every item's title, address and metadata) and the site's files, spelled once a build;
  the environment's globals; the templates (overrides/; the theme by its version); our code and the
  libraries' versions (cache.code_salt). A context variable or global that no template names is left
  out (the build's date, which the templates do not show). Another page reached from the context counts
  by its address and title: the navigation's spelling holds the rest.

A value the spelling cannot write out stably (an object shown by its memory address, a function with a
closure) makes the stage run as MkDocs' own, not cached: a page is never served stale for want of a key.
A stage that logged anything is not stored either: its message is said again on every build.
FPM_PAGE_CACHE=off turns this off with the rest of the page cache.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
import os
import sysconfig
import types
from collections.abc import Mapping
from pathlib import Path, PurePath

from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import cache, engine, sources, state


class Uncacheable(Exception):
    """A value with no stable spelling: the stage runs uncached."""


# -- spelling: a text that changes when anything a stage may read changes --------------------------
_LIBRARIES = tuple(Path(p).resolve() for p in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
# A File's paths on this machine (the build's temporary folder among them) are not shown by any page.
_FILE_SKIPPED = {"src_dir", "dest_dir", "abs_src_path", "abs_dest_path", "page", "_content"}


def _private_setting(name: str) -> bool:
    """Settings no page shows: the page being built and the hooks' objects (made from the others, in
    `_` keys), `extra` (spelled on its own), and the output folder (tools/build.py's temporary one)."""
    return name.startswith("_") or name in ("extra", "site_dir")


class _Speller:
    """Writes values out as text. `whole` is the page being rendered; other pages, sections and links
    are references (the navigation's spelling covers them); `shared` spells an object once a build."""

    def __init__(self, whole: object, shared: dict):
        self.whole, self.shared, self.parts, self.path = whole, shared, [], set()

    def text(self, value) -> str:
        self.walk(value)
        return "\x1f".join(self.parts)

    def once(self, value, spell) -> None:
        """value spelled by spell(), once a build (navigation, files, the settings' fixed part)."""
        key = id(value)
        if key not in self.shared:
            speller = _Speller(None, self.shared)
            spell(speller, value)
            self.shared[key] = (value, cache.digest(*speller.parts))  # value kept: its id stays its own
        self.parts.append(self.shared[key][1])

    def walk(self, value) -> None:  # noqa: C901 - one case per kind of value, in the order they are tried
        add = self.parts.append
        kind = type(value)
        if kind is str:  # the most common first
            add(f"str:{len(value)}:{value}")
        elif kind is dict and id(value) not in self.path:
            self.inside(value, value)
        elif value is None or kind in (bool, int, float):
            add(repr(value))
        elif isinstance(value, (str, bytes)):
            add(f"{kind.__name__}:{len(value)}:{value if isinstance(value, str) else value.hex()}")  # Markup, bytes
        elif isinstance(value, (dt.date, dt.time, enum.Enum, PurePath)):
            add(f"{kind.__name__}:{value}")
        elif isinstance(value, (types.FunctionType, types.BuiltinFunctionType, types.MethodType, type,
                                types.ModuleType)):
            # Code counts by its name (code_salt has our code and the libraries' versions); what it holds
            # besides (a closure's cells, a bound method's object) is spelled, or makes the page uncached.
            if getattr(value, "__closure__", None):
                raise Uncacheable(f"closure {value.__qualname__}")
            add(f"code:{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', value.__name__)}")
            bound = getattr(value, "__self__", None)
            if bound is not None and not isinstance(bound, types.ModuleType):
                self.walk(bound)
        elif id(value) in self.path:
            add("cycle")
        elif isinstance(value, StructureItem) and value is not self.whole:
            add(f"{kind.__name__}:{getattr(value, 'url', '')}:{value.title}")
        elif isinstance(value, Navigation):
            self.once(value, _Speller.navigation)
        elif isinstance(value, Files) or (type(value) is list and value and all(type(v) is File for v in value)):
            self.once(value, lambda s, files: [s.file(f) for f in files])  # the site's files, or its pages'
        elif isinstance(value, File):
            self.file(value)
        elif isinstance(value, Config):  # settings: set before pages render, but `extra`, set for each page
            self.once(value, lambda s, settings: s.inside(settings, settings))
            if "extra" in value:
                self.walk(value["extra"])
        elif isinstance(value, BasePlugin):  # its settings; its state reaches pages through the context
            add(f"plugin:{kind.__qualname__}")
            self.inside(value, value.config)
        else:
            self.inside(value, value)

    def inside(self, owner, value) -> None:
        """A container or an object: its items or attributes, with cycles cut."""
        self.path.add(id(owner))
        try:
            self.contents(value)
        finally:
            self.path.discard(id(owner))

    def contents(self, value) -> None:
        add = self.parts.append
        if isinstance(value, Mapping):
            items = sorted(((str(k), type(k).__name__, v) for k, v in value.items()), key=lambda item: item[:2])
            if isinstance(value, Config):
                items = [item for item in items if not _private_setting(item[0])]
            add(f"{type(value).__name__}{{{len(items)}")
            for key, kind, item in items:
                add(f"{kind}:{len(key)}:{key}")
                self.walk(item)
            add("}")
        elif isinstance(value, (list, tuple)):
            add(f"{type(value).__name__}[{len(value)}")
            for item in value:
                self.walk(item)
            add("]")
        elif isinstance(value, (set, frozenset)):
            add(f"set[{len(value)}")
            for text in sorted(_Speller(self.whole, self.shared).text(item) for item in value):
                add(text)
            add("]")
        elif hasattr(value, "__dict__") or dataclasses.is_dataclass(value):
            fields = vars(value) if hasattr(value, "__dict__") else \
                {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}  # one with __slots__
            add(f"{type(value).__module__}.{type(value).__qualname__}(")
            for key, item in sorted(fields.items()):
                add(key)
                self.walk(item)
            add(")")
        else:
            text = repr(value)
            if " at 0x" in text:
                raise Uncacheable(type(value).__qualname__)
            add(f"{type(value).__qualname__}:{text}")

    def file(self, file: File) -> None:
        """A file's addresses and what plugins set on it; once a build (the site's files are all set before
        the first page is rendered)."""
        key = ("file", id(file))
        if key not in self.shared:
            speller = _Speller(None, self.shared)
            speller.file = speller.file_reference  # another file it names (i18n's alternates): its addresses
            for name, item in sorted(vars(file).items()):
                if name not in _FILE_SKIPPED:
                    speller.parts.append(name)
                    speller.walk(item)
            self.shared[key] = (file, "\x1f".join(speller.parts))
        self.parts.append(f"File({self.shared[key][1]})")

    def file_reference(self, file: File) -> None:
        self.parts.append(f"File:{file.src_uri}:{file.url}")

    def navigation(self, nav: Navigation) -> None:
        def item(entry) -> None:
            self.parts.append(f"{type(entry).__name__}:{getattr(entry, 'url', '')}:{entry.title}")
            if isinstance(entry, Page):
                self.walk(entry.meta)
                self.parts.append(repr((entry.is_index, entry.file.src_uri)))
            for child in getattr(entry, "children", None) or ():
                item(child)
            self.parts.append("/")
        for entry in nav.items:
            item(entry)


# -- the templates: what they name, what they are ----------------------------------------------------
def _template_dirs(env) -> list[Path]:
    return [Path(p) for p in getattr(env.loader, "searchpath", ())]


class _Templates:
    """The templates of a theme's folders: their digest, and whether a name occurs in any of them (a
    context variable no template names cannot change a page). A folder of an installed library counts by
    its path (its version is in code_salt); the theme's icons, assets and fonts hold no template."""

    def __init__(self, dirs: list[Path]):
        self.digest, self.text = _read_templates(dirs)
        self.names: dict[str, bool] = {}

    def name(self, name: str) -> bool:
        if name not in self.names:
            self.names[name] = name in self.text
        return self.names[name]


def _templates(env) -> _Templates:
    """Once a build (the folders' file times are read), and read again only when they changed."""
    def make() -> _Templates:
        dirs = _template_dirs(env)
        stamp = sources.fingerprint(*(d for d in dirs if not _installed(d)))
        return state.PROCESS.keep(("templates", tuple(map(str, dirs)), stamp), lambda: _Templates(dirs))
    shared, key = _shared(), ("templates", id(env.loader))
    if key not in shared:
        shared[key] = (env.loader, make())  # the loader kept: its id stays its own
    return shared[key][1]


def _installed(folder: Path) -> bool:
    resolved = folder.resolve()
    return any(resolved.is_relative_to(lib) for lib in _LIBRARIES)


def _read_templates(dirs: list[Path]) -> tuple[str, str]:
    digests, texts = [], []
    for folder in dirs:
        digests.append(str(folder) if _installed(folder) else cache.tree_digest(folder))
        for top, subdirs, names in os.walk(folder):
            subdirs[:] = sorted(d for d in subdirs if d not in (".icons", "assets", "fonts"))
            for name in sorted(names):
                with open(os.path.join(top, name), "rb") as file:
                    texts.append(file.read().decode("utf-8", "replace"))
    return cache.digest(*digests), "\n".join(texts)


# -- the two stages --------------------------------------------------------------------------------
class _Heard(logging.Handler):
    """Whether anything was logged while a stage ran (MkDocs' logger does not pass records to the root)."""

    def __init__(self):
        super().__init__(logging.NOTSET)
        self.heard = False

    def emit(self, record) -> None:
        self.heard = True

    def __enter__(self):
        for name in ("mkdocs", ""):
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        for name in ("mkdocs", ""):
            logging.getLogger(name).removeHandler(self)


def _shared() -> dict:
    return state.current().part("rendered", dict)


def _log_levels() -> str:
    return repr([logging.getLogger(n).getEffectiveLevel() for n in ("mkdocs.structure.pages", "markdown", "")])


def render(original, page: Page, config, files: Files) -> None:
    """Page.render: the stored conversion of the same Markdown with the same files and settings."""
    store = cache.current()
    if store.folder is None or page.markdown is None:
        return original(page, config, files)
    speller = _Speller(None, _shared())
    try:
        speller.file(page.file)
        speller.walk(files)
        for name in ("markdown_extensions", "mdx_configs", "validation", "use_directory_urls"):
            speller.walk(config[name])
        settings = speller.text(None)
    except Uncacheable:
        return original(page, config, files)
    key = store.key("markdown", (page.markdown, settings, _log_levels()))
    if (found := store.get(key)) is not None:
        engine.set_rendering(page, found[0], files)
        return None
    with _Heard() as heard:
        original(page, config, files)
    if not heard.heard:
        store.put(key, engine.rendering(page))
    return None


def build_page(original, page, config, doc_files, nav, env, dirty=False, excluded=False):
    """_build_page with the page's template rendered through the cache."""
    if cache.current().folder is None:
        return original(page, config, doc_files, nav, env, dirty, excluded)
    return original(page, config, doc_files, nav, _Environment(env, page), dirty, excluded)


class _Environment:
    """The environment _build_page sees: it only asks it for the page's template."""

    def __init__(self, env, page):
        self.env, self.page = env, page

    def get_template(self, name):
        return _Template(self.env, self.env.get_template(name), name, self.page)

    def __getattr__(self, name):  # anything else, as the environment has it
        return getattr(self.env, name)


class _Template:
    """The page's template: its output from the cache when its key is found there."""

    def __init__(self, env, template, name: str, page):
        self.env, self.template, self.name, self.page = env, template, name, page

    def __getattr__(self, name):  # anything but render, as the template has it
        return getattr(self.template, name)

    def render(self, context) -> str:
        store = cache.current()
        templates = _templates(self.env)
        try:
            speller = _Speller(self.page, _shared())
            speller.walk({k: v for k, v in context.items() if templates.name(k)})
            speller.walk({k: v for k, v in self.env.globals.items() if templates.name(k)})
            spelled = speller.text(None)
        except Uncacheable:
            return self.template.render(context)
        key = store.key("template", (self.name, templates.digest, spelled, _log_levels()))
        if (found := store.get(key)) is not None:
            return found[0]
        with _Heard() as heard:
            output = self.template.render(context)
        if not heard.heard:
            store.put(key, output)
        return output


def install() -> None:
    """Have MkDocs run the two stages through this module (once a process; each falls back to MkDocs' own
    code while the page cache is off)."""
    engine.wrap_page_stages(render, build_page)
