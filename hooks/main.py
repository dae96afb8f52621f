"""The MkDocs hooks of the site: the one hook file mkdocs.yml loads.

Each event's handlers run from here, in lifecycle order, with every priority in one place. The work is
in the feature hook modules beside this file (datapages, pdf, publications, translations, search), thin
adapters of the fourpm package, and in the site's own handlers below (settings, catalogue, generated
blocks, code links, the live preview). mkdocs-static-i18n runs its on_config, on_files, on_nav and
on_post_build at priority -100 and its on_page_markdown, on_page_context and on_template_context at 50;
it builds each language in turn, so every event from on_config to on_post_build fires once per language.
"""
from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority, get_plugin_logger
from mkdocs.utils import clean_directory

from fourpm import deployment, symlinks
from fourpm.catalog import site
from fourpm.core import sources
from fourpm.core import blocks, cache, engine, rendered, state
from fourpm.core.settings import read_settings
from fourpm.core.errors import ContentError
from fourpm.core.safe_text import html_markup, html_text

log = get_plugin_logger("site")


def _sibling(name: str):
    """A feature's hook module beside this file, loaded afresh with this file, as MkDocs loads a hook file
    for each build: their per-build state never outlives the build that made it."""
    spec = importlib.util.spec_from_file_location(f"fpm_hooks_{name}", Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there; the next load replaces it
    spec.loader.exec_module(module)
    return module


data_pages = _sibling("datapages")
pdfs = _sibling("pdf")
publications = _sibling("publications")
search = _sibling("search")
translations = _sibling("translations")


def _project(config) -> sources.Project:
    return sources.project_of(config)


def _load(config):
    try:
        return site.load(_project(config))
    except ContentError as error:
        raise PluginError(str(error)) from None


class _DirtyNotice(logging.Filter):
    """`make serve` asks for a dirty build on purpose: MkDocs' warning about it is information there
    (as a warning it would stop the strict preview before it starts)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING and "'dirty' build" in record.getMessage():
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def _site_startup(command, dirty):
    state.PROCESS.command, state.PROCESS.dirty = command, dirty
    state.PROCESS.kept.pop("stamp", None)
    if dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_DirtyNotice())


# A dirty rebuild renders only the pages whose file changed; an edit of data/, overrides/ or mkdocs.yml
# changes what every page shows, so it rebuilds them all.
def _site_pre_build(config):
    if not state.PROCESS.dirty:
        return
    project = _project(config)
    stamp = sources.fingerprint(project.data_dir, project.root / "overrides") + (
        sources.fingerprint_file(project.root / "mkdocs.yml"),)
    if state.PROCESS.kept.get("stamp") not in (None, stamp):
        clean_directory(config.site_dir)
    state.PROCESS.kept["stamp"] = stamp


# Read and validate the settings and every source once, before anything is written.
def _site_config(config):
    try:
        config["_fpm_settings"] = read_settings(config.extra)
    except ContentError as error:
        raise PluginError(str(error)) from None
    project = _project(config)
    try:
        symlinks.check_links(project.root)  # nothing from outside the project is published
    except ContentError as error:
        raise PluginError(str(error)) from None
    sources.refresh(project)
    _load(config)


# In the language being built (set by mkdocs-static-i18n's on_config, which runs last), before pages
# are read and rendered: the headings' permalink tooltip. Said once per build (in the first language):
# an example site_url, as information; a MkDocs, Material or i18n release engine.py was not written for.
def _site_files(files, config):
    _catalog, renderer = _load(config)
    toc = config.mdx_configs.setdefault("toc", {})
    if toc.get("permalink"):
        toc["permalink_title"] = renderer.labels(config.theme["language"])[deployment.PERMALINK_LABEL]
    if config.theme["language"] == engine.build_languages(config)[0]:
        if note := deployment.site_url_note(config.site_url):
            log.info(note)
        for problem in engine.version_problems():
            log.warning(problem)
    return files


# Material's strings that the site words itself, in the language being built (partials/language.html);
# the templates compiled once for every build (core/cache.py).
def _site_env(env, config, files):
    env.bytecode_cache = cache.template_cache(_project(config).root)
    _catalog, renderer = _load(config)
    env.globals["fpm_theme_strings"] = deployment.theme_strings(renderer.labels(config.theme["language"]))
    return env


# Replace placeholders with generated blocks.
def _site_page_markdown(markdown, page, config, files):
    _catalog, renderer = _load(config)
    ref = sources.page_ref(page, config, markdown)
    if title := renderer.title(ref):
        page.meta["title"] = title
    try:
        return renderer.render_page(markdown, ref, config.extra)
    except ContentError as error:
        raise PluginError(str(error)) from None


# Turn objective codes in brackets into links, in the page's language.
def _site_page_content(html, page, config, files):
    if "[" not in html:  # no code in brackets: nothing to link, nothing to keep
        return html
    _catalog, renderer = _load(config)
    ref, project = sources.page_ref(page, config), _project(config)
    try:  # kept on disk: the links depend on the page, the objectives and the languages only
        return sources.memo(project, "code-links", (repr(ref), site.objectives_digest(project), html),
                         lambda: renderer.link_codes(html, ref))
    except ContentError as error:
        raise PluginError(str(error)) from None


# Every page is rendered and no template has run yet: page titles become HTML text, once, for every
# page (a page's title shows in the navigation of all the others). MkDocs' Jinja has no autoescape and
# Material prints titles as they are, in <title>, <h1>, header, navigation, breadcrumbs, footer and
# search index. Templates that escape (`| e`, the PDFs' and blocks' autoescape) leave the Markup as it
# is: nothing is escaped twice. Hooks that read page.title before this point get the raw text.
def _site_escape_titles(env, config, files):
    for file in files.documentation_pages():
        page = file.page
        if page is None or page.markdown is None:
            continue  # not read in this build (mkdocs serve --dirty)
        if "title" in page.meta:  # front matter: text
            page.meta["title"] = html_text(page.meta["title"])
        if "title" in vars(page) or "title" in page.meta:  # given by the nav (text), or the front matter
            page.title = html_text(page.title)
        elif engine.title_from_heading(page):  # the page's <h1>, which Markdown has already escaped
            page.title = html_markup(page.title)
        else:  # made from the file name
            page.title = html_text(page.title)
    return env


# Theme pages (404.html) are rendered after the last page, whose language links would stick to them:
# give them the languages' home pages instead (and the same output whatever the build order).
def _site_template_context(context, template_name, config):
    if alternates := engine.home_alternates(config):
        config.extra.alternate = alternates
    return context


# -- the events, in lifecycle order -----------------------------------------------------------------
def on_startup(command, dirty):
    _site_startup(command, dirty)


def on_shutdown():
    state.PROCESS.command, state.PROCESS.dirty = None, False


# Each language's build opens its state first and closes it last (core/state.py); then the
# publications' dates (their errors are clearer than the catalogue's); then the settings and
# the catalogue, the data pages, the translations; the PDFs once mkdocs-static-i18n has set the language up.
@event_priority(100)
def _config_begin(config):
    state.PROCESS.begin()
    engine.keep_theme_listing()
    rendered.install()


@event_priority(10)
def _config_publications(config):
    publications.on_config(config)


def _config_site(config):
    _site_config(config)
    data_pages.on_config(config)
    translations.on_config(config)


@event_priority(-200)
def _config_pdfs(config):
    pdfs.on_config(config)


on_config = CombinedEvent(_config_begin, _config_publications, _config_site, _config_pdfs)


def on_pre_build(config):
    _site_pre_build(config)


# The site's own settings of the language before mkdocs-static-i18n lays its files out (-100); the
# wiki's partner pages after it (they keep the paths we give them); the PDFs' own files out last.
def _files_site(files, config):
    return _site_files(files, config)


@event_priority(-110)
def _files_publications(files, config):
    return publications.on_files(files, config)


@event_priority(-200)
def _files_pdfs(files, config):
    return pdfs.on_files(files, config)


on_files = CombinedEvent(_files_site, _files_publications, _files_pdfs)


# The theme's strings and the wiki's backlinks first (the graph needs every page's text title); the page
# titles made HTML text after mkdocs-static-i18n (-100), once, before any template runs.
def _env_site(env, config, files):
    env = _site_env(env, config, files)
    env = search.on_env(env, config, files)
    return publications.on_env(env, config, files)


@event_priority(-110)
def _env_titles(env, config, files):
    return _site_escape_titles(env, config, files)


on_env = CombinedEvent(_env_site, _env_titles)


def on_page_markdown(markdown, page, config, files):
    markdown = _site_page_markdown(markdown, page, config, files)
    return translations.on_page_markdown(markdown, page, config, files)


# Code links and glossary tooltips first; the publications' blocks at the top of the page after them.
def _content_site(html, page, config, files):
    html = _site_page_content(html, page, config, files)
    return translations.on_page_content(html, page, config, files)


@event_priority(-50)
def _content_publications(html, page, config, files):
    return publications.on_page_content(html, page, config, files)


# Before any other handler: they see the page as a whole.
@event_priority(100)
def _content_late_blocks(html, page, config, files):
    return blocks.put_back(html)


on_page_content = CombinedEvent(_content_late_blocks, _content_site, _content_publications)


def on_page_context(context, page, config, nav):
    context = pdfs.on_page_context(context, page, config, nav)
    context = publications.on_page_context(context, page, config, nav)
    context = translations.on_page_context(context, page, config, nav)
    return search.on_page_context(context, page, config, nav)  # after the banner: a page shown in French


def on_template_context(context, template_name, config):
    context = _site_template_context(context, template_name, config)
    return translations.on_template_context(context, template_name, config)


def on_post_template(output, template_name, config):
    return translations.on_post_template(output, template_name, config)


# Each language's files; the PDFs of every language after mkdocs-static-i18n has built the others.
def _post_build_languages(config):
    data_pages.on_post_build(config)
    publications.on_post_build(config)
    translations.on_post_build(config)


@event_priority(-200)
def _post_build_pdfs(config):
    pdfs.on_post_build(config)


@event_priority(-300)
def _post_build_end(config):
    state.PROCESS.end()


on_post_build = CombinedEvent(_post_build_languages, _post_build_pdfs, _post_build_end)


def on_build_error(error):
    pdfs.on_build_error(error)
    state.PROCESS.abort()
    engine.undo_failed_nested_build()
