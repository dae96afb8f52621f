"""MkDocs hooks of the "4 pour 1000" site: thin handlers that dispatch to the fourpm package."""
from __future__ import annotations

from copy import deepcopy

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from fourpm import site, symlinks
from fourpm.errors import ContentError
from fourpm.safe_text import html_markup, html_text


def _project(config) -> site.Project:
    return site.project_of(config)


def _load(config):
    try:
        return site.load(_project(config))
    except ContentError as error:
        raise PluginError(str(error)) from None


# Read and validate every source once, before anything is written.
def on_config(config):
    project = _project(config)
    try:
        symlinks.check_links(project.root)  # nothing from outside the project is published
    except ContentError as error:
        raise PluginError(str(error)) from None
    site.refresh(project)
    _load(config)


# Replace placeholders with generated blocks.
def on_page_markdown(markdown, page, config, files):
    _catalog, renderer = _load(config)
    ref = site.page_ref(page, config, markdown)
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
        return renderer.link_codes(html, site.page_ref(page, config))
    except ContentError as error:
        raise PluginError(str(error)) from None


# Every page is rendered and no template has run yet: page titles become HTML text, once, for every
# page (a page's title shows in the navigation of all the others). MkDocs' Jinja has no autoescape and
# Material prints titles as they are, in <title>, <h1>, header, navigation, breadcrumbs, footer and
# search index. Templates that escape (`| e`, the PDFs' and blocks' autoescape) leave the Markup as it
# is: nothing is escaped twice. Hooks that read page.title before this point get the raw text.
@event_priority(-100)
def on_env(env, config, files):
    for file in files.documentation_pages():
        page = file.page
        if page is None or page.markdown is None:
            continue  # not read in this build (mkdocs serve --dirty)
        if "title" in page.meta:  # front matter: text
            page.meta["title"] = html_text(page.meta["title"])
        if "title" in vars(page) or "title" in page.meta:  # given by the nav (text), or the front matter
            page.title = html_text(page.title)
        elif page._title_from_render:  # the page's <h1>, which Markdown has already escaped
            page.title = html_markup(page.title)
        else:  # made from the file name
            page.title = html_text(page.title)
    return env


# Theme pages (404.html) are rendered after the last page, whose language links would stick to them:
# give them the languages' home pages instead (and the same output whatever the build order).
def on_template_context(context, template_name, config):
    i18n = config.plugins["i18n"]
    if getattr(i18n, "extra_alternate", None):
        config.extra.alternate = deepcopy(i18n.extra_alternate)
    return context
