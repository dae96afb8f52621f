"""What readers and the team see of the translation workflow: banners, hreflang alternates, the
translated 404 pages, the status page and the glossary page (generated blocks), the glossary tooltips.

Plain functions of the project's status and glossary, the page's path and languages; the markup is
in overrides/ (partials/fpm-*.html, 404.html, sitemap.xml) and overrides/fpm/translations.html.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup
from mkdocs.utils import get_relative_url

from . import glossary as gl
from ..core import sources
from .. import translation as tr
from . import history as th
from ..core.blocks import BlockCall, register_block
from ..core.languages import page_url as site_url

TEMPLATE = "translations.html"


@dataclass(frozen=True)
class Languages:
    """The languages of one build: all of them (source first), those built, the one at the root."""
    all: tuple[str, ...]
    built: tuple[str, ...]
    root: str  # the language built at / (the source, or the one language `make serve` previews)
    current: str  # the language being built

    @property
    def source(self) -> str:
        return self.all[0]


# -- the project's status and glossary, once per process and again when a source changes -----------
def status(project: sources.Project) -> tr.Status:
    return sources.cached(project, "translations", lambda p: tr.compute_status(p.root, p.languages, glossary(p)))


sources.preload(status)  # the parallel build computes it once, before the language processes fork


def glossary(project: sources.Project) -> gl.Glossary:
    # Keyed by the glossary file alone: the checks are cached per Glossary object, and editing a page
    # must not throw away the checks of every other page.
    path = project.data_dir / "glossary.yml"
    stat = path.stat() if path.exists() else None  # no file: an empty glossary
    return _glossary(project, stat.st_mtime_ns if stat else 0, stat.st_size if stat else -1)


@functools.lru_cache(maxsize=8)
def _glossary(project: sources.Project, _mtime: int, _size: int) -> gl.Glossary:
    return gl.load_glossary(project.data_dir, project.languages)


# -- banners ------------------------------------------------------------------------------------
def banner(state: tr.Status, langs: Languages, path: str, file_lang: str, labels: dict[str, str]) -> dict | None:
    """The banner of a page for readers of langs.current, or None: a page shown in French because its
    translation is missing (or only scaffolded), or a translation whose French original changed since."""
    lang = langs.current
    if lang == langs.source and file_lang == lang:
        return None
    page = state.state(lang, path)
    if file_lang != lang or (page is not None and page.state == tr.MISSING):
        return {"state": "missing", "text": labels["translation_missing"], "title": labels["translation_banner_title"],
                "content_lang": langs.source}
    # A translation never marked may well be current: `check` asks the team, readers see no banner.
    if page is None or page.reason != "changed":
        return None
    view = {"state": "outdated", "text": labels["translation_outdated"], "title": labels["translation_banner_title"],
            "content_lang": None}
    if langs.source in langs.built:
        here = site_url(path, lang, langs.root) or "."
        view["link"] = get_relative_url(site_url(path, langs.source, langs.root) or ".", here)
        view["link_text"] = labels["translation_read_original"]
        view["link_lang"] = langs.source
    return view


# -- hreflang -----------------------------------------------------------------------------------
def alternates(path: str, langs: Languages, base_url: str) -> list[dict]:
    """Absolute URLs of the page in every built language, and x-default (the French page)."""
    if not base_url:
        return []
    base = base_url if base_url.endswith("/") else base_url + "/"
    links = [{"lang": lang, "href": base + site_url(path, lang, langs.root)} for lang in langs.built]
    default = langs.source if langs.source in langs.built else langs.root
    links.append({"lang": "x-default", "href": base + site_url(path, default, langs.root)})
    return links


# -- Material's language script --------------------------------------------------------------------
# Material's bundle reads every <link rel=alternate> as another version of the site and fetches its
# "sitemap.xml" (…/en/objectives/a6/sitemap.xml: a 404 on every page, and a request to site_url's host
# when the built site is browsed elsewhere). Our alternates are pages in other languages (hreflang) or
# feeds (type): it must skip both. The language selector itself links to the same page in each language.
_SELECTOR = '"link[rel=alternate]"'
_PATCHED = '"link[rel=alternate]:not([hreflang]):not([type])"'


def patch_material_bundle(site_dir: Path) -> bool | None:
    """Patch the copied bundle in site_dir; True if patched now, False if already, None if not found."""
    result = None
    for bundle in sorted((Path(site_dir) / "assets" / "javascripts").glob("bundle.*.min.js")):
        text = bundle.read_text(encoding="utf-8")
        if _PATCHED in text:
            result = bool(result)
        elif text.count(_SELECTOR) == 1:
            bundle.write_text(text.replace(_SELECTOR, _PATCHED), encoding="utf-8")
            result = True
    return result


# -- 404 ----------------------------------------------------------------------------------------
def not_found(labels: dict[str, str], langs: Languages, base_url: str) -> dict:
    """The 404 page's text, and its link to the home page of its language, absolute: a 404 page is
    served at any missing address."""
    root = urlsplit(base_url or "/").path or "/"
    home = (root if root.endswith("/") else root + "/") + site_url("index.md", langs.current, langs.root)
    return {"title": labels["not_found_title"], "text": labels["not_found_text"], "home": labels["not_found_home"],
            "home_url": home}


# -- the status page ------------------------------------------------------------------------------
def change_view(diff: th.Diff | None, labels: dict[str, str]) -> dict | None:
    """An outdated page's French changes as the status page lists them."""
    if diff is None:
        return None
    items = [{"kind": c.kind, "label": labels[f"change_{c.kind}"], "text": c.new or c.old,
              "sentences": [{"sign": sign, "text": text} for sign, text in c.sentences]} for c in diff.changes]
    note = (labels["translations_old_version_missing"] if not diff.found
            else labels["translations_no_text_change"] if not items else None)
    return {"items": items, "note": note}


def status_view(state: tr.Status, lang: str, labels: dict[str, str], link, title,
                diffs: dict[tuple[str, str], th.Diff] | None = None) -> dict:
    """What the status page shows to readers of lang. link(path) and title(path) give a page's URL and
    title; diffs, what changed in the French of the outdated pages."""
    diffs = diffs or {}
    def section_name(section: str) -> str:
        # A folder is named by the title of its index page, in the reader's language.
        return title(f"{section}/index.md") if section else labels["translations_top"]

    rows = [{"section": section_name(section), "cells": [dict(cells[target], lang=target) for target in state.targets]}
            for section, cells in state.counts().items()]
    totals = state.totals()
    todo = [{"lang": p.lang, "path": p.path, "file": p.file, "url": link(p.path), "title": title(p.path) or p.path,
             "state": labels[f"state_{p.state}"], "state_key": p.state,
             "reason": labels["reason_" + p.reason.replace("-", "_")],
             "changes": change_view(diffs.get((p.lang, p.path)), labels)} for p in state.todo()]
    findings = [{"file": f.file, "line": f.line, "kind": labels[f"finding_{f.kind}"], "subject": f.subject}
                for f in state.findings]
    return {"languages": list(state.targets), "rows": rows, "source": state.source,
            "totals": [dict(totals[target], lang=target) for target in state.targets],
            "todo": todo, "findings": findings, "states": tr.STATES}


def _status_block(call: BlockCall) -> str:
    state = status(call.project)
    lang = call.page.lang
    catalog = call.renderer.catalog

    def title(path: str) -> str:
        page = catalog.page(path, lang)
        return page.title if page else path.rsplit("/", 1)[0] if path.endswith("/index.md") else path

    # What changed in the French of each outdated page, from the repository's history (only those pages).
    view = status_view(state, lang, call.renderer.labels(lang), lambda path: call.renderer.url(path, call.page), title,
                       th.diffs(call.renderer.root, state))
    return call.renderer.template(TEMPLATE).status(view, call.renderer.labels(lang))


def _glossary_block(call: BlockCall) -> str:
    lang = call.page.lang
    return call.renderer.template(TEMPLATE).glossary(gl.view(glossary(call.project), lang), call.renderer.labels(lang))


register_block("translation-status", _status_block, late=True)  # a table of every page
register_block("glossary", _glossary_block)


# -- tooltips -------------------------------------------------------------------------------------
def tooltips(html: str, terms: gl.Glossary, lang: str, renderer) -> str:
    """The first use of each glossary term of lang in html, with its definition as a tooltip."""
    macro = renderer.template(TEMPLATE).term
    return gl.annotate(html, terms, lang, lambda text, definition: Markup(macro(text, definition)))

