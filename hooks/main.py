"""MkDocs hooks of the "4 pour 1000" site: thin handlers that dispatch to the fourpm package."""
from __future__ import annotations

import logging
from copy import deepcopy

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.utils import clean_directory

from fourpm import deployment, site
from fourpm.core.settings import read_settings
from fourpm.errors import ContentError

log = get_plugin_logger("site")


def _project(config) -> site.Project:
    return site.project_of(config)


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


_preview = {"dirty": False, "stamp": None}  # the live preview's process; reset by on_startup


def on_startup(command, dirty):
    _preview.update(dirty=dirty, stamp=None)
    if dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_DirtyNotice())


# A dirty rebuild renders only the pages whose file changed; an edit of data/, overrides/ or mkdocs.yml
# changes what every page shows, so it rebuilds them all.
def on_pre_build(config):
    if not _preview["dirty"]:
        return
    project = _project(config)
    stamp = site.fingerprint(project.data_dir, project.root / "overrides") + (
        site.fingerprint_file(project.root / "mkdocs.yml"),)
    if _preview["stamp"] is not None and stamp != _preview["stamp"]:
        clean_directory(config.site_dir)
    _preview["stamp"] = stamp


# Read and validate the settings and every source once, before anything is written.
def on_config(config):
    try:
        config["_fpm_settings"] = read_settings(config.extra)
    except ContentError as error:
        raise PluginError(str(error)) from None
    site.refresh(_project(config))
    _load(config)


# In the language being built (set by mkdocs-static-i18n's on_config, which runs last), before pages
# are read and rendered: the headings' permalink tooltip; an example site_url said once per build (in
# the first language), as information.
def on_files(files, config):
    _catalog, renderer = _load(config)
    toc = config.mdx_configs.setdefault("toc", {})
    if toc.get("permalink"):
        toc["permalink_title"] = renderer.labels(config.theme["language"])[deployment.PERMALINK_LABEL]
    note = deployment.site_url_note(config.site_url)
    if note and config.theme["language"] == config.plugins["i18n"].build_languages[0]:
        log.info(note)
    return files


# Material's strings that the site words itself, in the language being built (partials/language.html).
def on_env(env, config, files):
    _catalog, renderer = _load(config)
    env.globals["fpm_theme_strings"] = deployment.theme_strings(renderer.labels(config.theme["language"]))
    return env


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


# Theme pages (404.html) are rendered after the last page, whose language links would stick to them:
# give them the languages' home pages instead (and the same output whatever the build order).
def on_template_context(context, template_name, config):
    i18n = config.plugins["i18n"]
    if getattr(i18n, "extra_alternate", None):
        config.extra.alternate = deepcopy(i18n.extra_alternate)
    return context
