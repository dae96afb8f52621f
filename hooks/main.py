"""MkDocs hooks of the "4 pour 1000" site: thin handlers that dispatch to the fourpm package."""
from __future__ import annotations

from copy import deepcopy
from pathlib import Path

from mkdocs.exceptions import PluginError

from fourpm import site
from fourpm.errors import ContentError
from fourpm.render import PageRef


def _project(config) -> site.Project:
    # Computed once per build (on_config) and kept on the config: pages ask for it thousands of times.
    project = config.get("_fpm_project")
    if project is None:
        project = config["_fpm_project"] = _new_project(config)
    return project


def _new_project(config) -> site.Project:
    i18n = config.plugins["i18n"].config
    # In the order of mkdocs.yml, the source language first (not the `default` flag, which
    # build_only_locale moves to the one language `make serve` previews).
    languages = tuple(lang.locale for lang in i18n.languages)
    return site.Project(Path(config.config_file_path).resolve().parent, languages)


def _load(config):
    try:
        return site.load(_project(config))
    except ContentError as error:
        raise PluginError(str(error)) from None


# Read and validate every source once, before anything is written.
def on_config(config):
    site.refresh(_project(config))
    _load(config)


def _page_ref(page, config) -> PageRef:
    lang = config.theme["language"]
    file_lang = getattr(page.file, "locale", lang)  # the French file, when a translation is missing
    path = page.file.src_uri.split("/", 1)[1] if page.file.src_uri.startswith(f"{file_lang}/") else page.file.src_uri
    source, body = page.file.content_string, page.markdown or ""
    return PageRef(lang, path, f"docs/{file_lang}/{path}", max(0, source.count("\n") - body.count("\n")))


# Replace placeholders with generated blocks.
def on_page_markdown(markdown, page, config, files):
    _catalog, renderer = _load(config)
    ref = _page_ref(page, config)
    if title := renderer.title(ref):
        page.meta["title"] = title
    try:
        return renderer.render_page(markdown, ref, config.extra)
    except ContentError as error:
        raise PluginError(str(error)) from None


# Turn objective codes in brackets into links, in the page's language.
def on_page_content(html, page, config, files):
    _catalog, renderer = _load(config)
    try:
        return renderer.link_codes(html, _page_ref(page, config))
    except ContentError as error:
        raise PluginError(str(error)) from None


# Theme pages (404.html) are rendered after the last page, whose language links would stick to them:
# give them the languages' home pages instead (and the same output whatever the build order).
def on_template_context(context, template_name, config):
    i18n = config.plugins["i18n"]
    if getattr(i18n, "extra_alternate", None):
        config.extra.alternate = deepcopy(i18n.extra_alternate)
    return context
