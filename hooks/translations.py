"""MkDocs hooks of the translation workflow: thin handlers that dispatch to fourpm.translation.web.

mkdocs-static-i18n builds each language in turn (fr, en, es): every handler below runs once per
language, for the pages of that language (or the French pages it falls back to).
"""
from __future__ import annotations

import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.utils import write_file

from fourpm.catalog import site
from fourpm.core import sources
from fourpm.translation import web
from fourpm.core import engine
from fourpm.core.errors import ContentError

log = get_plugin_logger("translations")


def _project(config) -> sources.Project:
    return sources.project_of(config)


def _languages(config) -> web.Languages:
    return web.Languages(tuple(code for code, _name, _default in engine.configured_languages(config)),
                         engine.build_languages(config), engine.default_language(config),
                         engine.current_language(config))


def _labels(config) -> dict[str, str]:
    _catalog, renderer = site.load(_project(config))
    return renderer.labels(config.theme["language"])


def _page(page, config) -> tuple[str, str]:
    """(path inside the language folder, language of the file): a missing translation's file is French."""
    ref = sources.page_ref(page, config)
    return ref.path, ref.file.split("/")[1]  # docs/<file language>/<path>


# Validate the glossary and read the status once, before any page is written.
def on_config(config):
    project = _project(config)
    sources.refresh(project)
    try:
        web.glossary(project)
        web.status(project)
    except ContentError as error:
        raise PluginError(str(error)) from None


# Warn about a French page's glossary problems (a forbidden variant written in the source). A
# translation's problems never warn: publishing does not wait for a translation; `make translations`
# lists them, the status page shows them and `make check-translations` fails on them.
def on_page_markdown(markdown, page, config, files):
    path, file_lang = _page(page, config)
    source = _project(config).languages[0]
    if file_lang == source == config.theme["language"]:
        for finding in web.status(_project(config)).findings_of(file_lang, path):
            log.warning(str(finding))
    return markdown


# The first use of each glossary term shows its definition, in the language of the page's text.
def on_page_content(html, page, config, files):
    project = _project(config)
    _path, file_lang = _page(page, config)
    _catalog, renderer = site.load(project)
    return sources.memo(project, "tooltips", (file_lang, html),  # the glossary is in the key (data/)
                     lambda: web.tooltips(html, web.glossary(project), file_lang, renderer))


# The banner of a missing or outdated translation, and the page's hreflang alternates.
def on_page_context(context, page, config, nav):
    path, file_lang = _page(page, config)
    langs = _languages(config)
    context["fpm_translation"] = web.banner(web.status(_project(config)), langs, path, file_lang, _labels(config))
    context["fpm_hreflang"] = web.alternates(path, langs, config.site_url or "")
    return context


# The 404 page's text in the reader's language; x-default for the sitemap.
def on_template_context(context, template_name, config):
    if template_name == "404.html":
        context["fpm_404"] = web.not_found(_labels(config), _languages(config), config.site_url or "")
    elif template_name == "sitemap.xml":
        langs = _languages(config)
        context["fpm_x_default"] = langs.source if langs.source in langs.built else langs.root
    return context


# Each language gets its own 404 page (/en/404.html): MkDocs writes every language's to /404.html.
def on_post_template(output, template_name, config):
    langs = _languages(config)
    if template_name == "404.html" and langs.current != langs.root:
        write_file(output.encode("utf-8"), os.path.join(config.site_dir, langs.current, "404.html"))
        return ""  # MkDocs skips an empty template: the root 404.html stays the French one
    return output


# Material's language script must not fetch sitemap.xml under our hreflang and feed links.
def on_post_build(config):
    if web.patch_material_bundle(Path(config.site_dir)) is None:
        log.warning("Material's bundle.*.min.js has no 'link[rel=alternate]' selector to patch: check "
                    "hooks/fourpm/translation/web.py (patch_material_bundle) against this Material version")
