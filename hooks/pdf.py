"""MkDocs hooks of the PDFs (press kit, newsletter issues, guides): thin handlers that dispatch to
fourpm.pdf (declarations, blocks, documents) and fourpm.pdf.render (cache, parallel rendering).

`mkdocs serve` renders no PDF unless FPM_PDF=1; a build always does, unless FPM_PDF=0."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from fourpm import pdf
from fourpm.pdf import render as pdf_render
from fourpm.catalog import site
from fourpm.core import sources
from fourpm.core import state
from fourpm.core.dates import build_date
from fourpm.core.errors import ContentError

log = logging.getLogger("mkdocs.plugins.fourpm.pdf")


def _collector() -> pdf.Collector:
    return state.PROCESS.keep("pdf", pdf.Collector)


def _project(config) -> sources.Project:
    return sources.project_of(config)


def _declarations(project: sources.Project) -> dict[str, pdf.Declaration]:
    return pdf.read_declarations(project.docs_dir, project.languages)


def _rendering() -> bool:
    """FPM_PDF=1 or 0 decides; otherwise a build renders PDFs and the live preview does not."""
    asked = os.environ.get("FPM_PDF")
    return asked == "1" if asked in ("0", "1") else not state.PROCESS.preview


# After mkdocs-static-i18n (priority -100) has set the language up: read the declarations, open
# this language's collection of rendered pages.
@event_priority(-200)
def on_config(config):
    project = _project(config)
    state.current().render_pdfs = _rendering()  # a build without PDFs links to none (the pdf-link block says so)
    pdf.use(lambda: sources.cached(project, "pdf", _declarations))
    try:
        declarations = sources.cached(project, "pdf", _declarations)
    except ContentError as error:
        raise PluginError(str(error)) from None
    wanted = {path for d in declarations.values() for path in (d.path, *d.chapters)}
    lang = config.theme["language"]
    # The pages rendered last, by project and language: `mkdocs serve --dirty` renders only the pages
    # that changed, and a PDF asked for in the preview (FPM_PDF=1) still needs the others.
    rendered = state.PROCESS.keep("pdf-pages", dict)
    _collector().begin(lang, pages=rendered.setdefault((project.root, lang), {}),
                     project=project, declarations=declarations, wanted=wanted,
                     site_url=config.site_url, site_name=config.site_name,
                     logo=config.theme.get("logo"), docs_dir=config.docs_dir)


# overrides/ is Material's custom_dir, whose files MkDocs copies into the site: the PDFs' stylesheet and
# fonts are for the PDFs only.
@event_priority(-200)
def on_files(files, config):
    own = Path(config.config_file_path).resolve().parent / pdf.TEMPLATES
    for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(own)]:
        files.remove(file)
    return files


# Keep the rendered content of the pages that go into a PDF (generated blocks and code links included).
def on_page_context(context, page, config, nav):
    frame = _collector().current
    if frame is None:
        return context
    path = sources.page_ref(page, config).path
    if path in frame["wanted"]:
        _collector().record(pdf.RenderedPage(path, page.title, page.url, page.content or "",
                                           (page.meta or {}).get("description")))
    return context


# After mkdocs-static-i18n, which builds the other languages inside the first one's on_post_build:
# the outermost build renders the PDFs of every language at once.
@event_priority(-200)
def on_post_build(config):
    frame = _collector().current
    if frame is None:
        return
    try:
        jobs = _jobs(frame) if _rendering() and frame["declarations"] else []
    except ContentError as error:
        _collector().abort()
        raise PluginError(str(error)) from None
    jobs = _collector().end(jobs)
    if jobs is None:
        return
    handover = state.PROCESS.kept.get("pdf-handover")
    if handover is not None:  # a language process of tools/build.py: its parent renders
        handover.extend(jobs)
        return
    if not _rendering():
        if frame["declarations"]:
            log.info(pdf.NOT_RENDERED_PREVIEW if state.PROCESS.preview else pdf.NOT_RENDERED)
    elif jobs:
        _report(pdf_render.render_jobs(jobs, Path(config.site_dir), frame["project"].root))
    if not state.PROCESS.preview:  # the live preview rebuilds only some pages: its folder is not the whole site
        pdf_render.report_dead_links(Path(config.site_dir), log)


def on_build_error(error):
    _collector().abort()


def _jobs(frame: dict) -> list[pdf.Job]:
    project = frame["project"]
    if not frame["site_url"]:
        raise ContentError("mkdocs.yml", "site_url", "is needed by the PDFs, which link to the website",
                           "add site_url: https://...")
    catalog, _renderer = site.load(project)
    lang = frame["lang"]
    logo = Path(frame["docs_dir"]) / frame["logo"] if frame["logo"] else None
    day, langs = build_date(project.root), project.langs
    edition = pdf.Edition(lang, langs.root, frame["site_url"], frame["site_name"], day,
                          _renderer.labels(lang), pdf.logo_uri(logo) if logo else None,
                          langs.date(day, lang), langs.get(lang).direction)
    env = pdf.template_env(project.root)
    return [pdf.build_job(d, frame["pages"], edition, env) for d in frame["declarations"].values()]


def _report(outcome: pdf_render.Outcome) -> None:
    pdf.last_outcome = outcome
    error, _warnings = pdf_render.report(outcome, log)  # MkDocs counts the warnings for strict mode
    if error:
        raise PluginError(error)
