"""The newsletter: one Markdown file per issue and language, read once and validated.

docs/fr/newsletter/issue-<n>.md is the source of an issue's number and date; docs/en/ and docs/es/
carry its translated title, summary and text (a number or date they restate must agree). Shared by
the press releases (press.py): front matter read with dates kept as text, so a bad date becomes an
error naming its field rather than a YAML crash.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.utils import get_relative_url

from ..core.texts import Texts
from ..core import state
from ..core.reader import parse_day, read_meta, source_files
from ..core.errors import ContentError
from ..core.blocks import BlockCall, PageRef, register_block
from ..core.schema import validate
from ..core.sources import Project, cached, preload

FOLDER = "newsletter"
ISSUE_NAME = re.compile(r"^issue-(\d+)\.md$")
SECTIONS = ("news", "success_stories", "key_figures", "practical_sheets")  # the Roadmap's sections


# -- issues ----------------------------------------------------------------------------------------
class IssueMeta(Config):
    """Front matter of an issue in the source language."""
    number = c.Type(int)
    date = c.Type((str, int))
    title = c.Type(str)
    summary = c.Type(str)
    pdf = c.Optional(c.Type(str))


class IssueTranslationMeta(Config):
    """Front matter of a translated issue: the text; number and date only if they agree."""
    number = c.Optional(c.Type(int))
    date = c.Optional(c.Type((str, int)))
    title = c.Type(str)
    summary = c.Type(str)
    pdf = c.Optional(c.Type(str))


@dataclass(frozen=True)
class Issue(Texts):
    number: int
    date: dt.date
    path: str  # relative to the language folder: newsletter/issue-1.md
    source: str  # the source language
    titles: dict[str, str]
    summaries: dict[str, str]
    has_pdf: bool = False  # the French page declares `pdf: newsletter-<n>`

    @property
    def slug(self) -> str:
        return f"issue-{self.number}"

    @property
    def pdf(self) -> str:
        return f"newsletter-{self.number}"


def load_issues(docs_dir: Path, languages: tuple[str, ...]) -> list[Issue]:
    """Every issue, by number; or a ContentError naming the file and field."""
    source = languages[0]
    found: dict[int, tuple[str, dt.date, str, dict, dict]] = {}
    by_path: dict[str, int] = {}
    with_pdf: set[int] = set()
    for rel, path, file in source_files(docs_dir, source, FOLDER):
        meta = validate(IssueMeta, read_meta(path, file), file)
        day = parse_day(meta.date, file)
        if meta.number < 1:
            raise ContentError(file, "number", f"{meta.number} is not an issue number", "number issues 1, 2, 3...")
        if meta.number in found:
            raise ContentError(file, "number", f"{meta.number} is already the number of {found[meta.number][2]}",
                               "give each issue its own number")
        if Path(rel).name != f"issue-{meta.number}.md":
            raise ContentError(file, "number", f"{meta.number} does not match the file name",
                               f"rename the file to issue-{meta.number}.md or fix the number")
        if meta.pdf is not None and meta.pdf != f"newsletter-{meta.number}":
            raise ContentError(file, "pdf", f'"{meta.pdf}" is not the PDF of issue {meta.number}',
                               f"write 'pdf: newsletter-{meta.number}'")
        found[meta.number] = (rel, day, file, {source: meta.title.strip()}, {source: meta.summary.strip()})
        by_path[rel] = meta.number
        if meta.pdf is not None:
            with_pdf.add(meta.number)

    for lang in languages[1:]:
        for rel, path, file in source_files(docs_dir, lang, FOLDER):
            if rel not in by_path:
                raise ContentError(file, None, "has no French source page", f"create {source}/{rel} first")
            number = by_path[rel]
            _rel, day, _file, titles, summaries = found[number]
            meta = validate(IssueTranslationMeta, read_meta(path, file), file)
            if meta.number is not None and meta.number != number:
                raise ContentError(file, "number", f"{meta.number} contradicts the French page",
                                   f"the number of {source}/{rel} is {number}")
            if meta.date is not None and parse_day(meta.date, file) != day:
                raise ContentError(file, "date", f'"{meta.date}" contradicts the French page',
                                   f"the date of {source}/{rel} is {day.isoformat()}")
            if meta.pdf is not None and meta.pdf != f"newsletter-{number}":
                raise ContentError(file, "pdf", f'"{meta.pdf}" is not the PDF of issue {number}',
                                   f"write 'pdf: newsletter-{number}'")
            titles[lang], summaries[lang] = meta.title.strip(), meta.summary.strip()

    return [Issue(n, day, rel, source, titles, summaries, n in with_pdf)
            for n, (rel, day, _file, titles, summaries) in sorted(found.items())]


def newest_first(issues: list[Issue]) -> list[Issue]:
    return sorted(issues, key=lambda i: (i.date, i.number), reverse=True)


def issue_at(issues: list[Issue], path: str) -> Issue | None:
    return next((i for i in issues if i.path == path), None)


# -- where the outputs of an issue live (relative to the language's folder of the site) --------------
def email_name(issue: Issue, kind: str = "html") -> str:
    """newsletter/issue-1/email.html (or email.txt), beside the issue's page."""
    return f"{FOLDER}/{issue.slug}/email.{kind}"


def pdf_name(issue: Issue, lang: str) -> str:
    """pdf/newsletter-1-fr.pdf: where the PDF of an issue lands in the language's folder (as fourpm.pdf
    lays out every declared PDF)."""
    return f"pdf/{issue.pdf}-{lang}.pdf"


def feed_name(kind: str) -> str:
    return f"{FOLDER}/{kind}.xml"  # rss or atom


# -- next issue (make newsletter) -------------------------------------------------------------------
def next_issue(issues: list[Issue], day: dt.date, languages: tuple[str, ...],
               texts: dict[str, dict[str, str]]) -> dict[str, str]:
    """The files of the next issue, {path relative to docs/: text}: number and date in the source
    language only, the sections the Roadmap names. texts: the draft's words, by key and language."""
    number = max((i.number for i in issues), default=0) + 1
    files = {}
    for lang in languages:
        head = [f"number: {number}", f"date: {day.isoformat()}"] if lang == languages[0] else []
        head += [f"title: {json.dumps(texts['title'][lang].format(number=number), ensure_ascii=False)}",
                 f"summary: {json.dumps(texts['summary'][lang], ensure_ascii=False)}", f"pdf: newsletter-{number}"]
        body = "".join(f"## {texts[key][lang]}\n\n{texts['text'][lang]}\n\n" for key in SECTIONS)
        files[f"{lang}/{FOLDER}/issue-{number}.md"] = "---\n" + "\n".join(head) + "\n---\n\n<!-- 4p1000 pdf-link -->\n\n" + body
    return files


# -- generated blocks -------------------------------------------------------------------------------
def issues(project: Project) -> list[Issue]:
    """The project's issues, read once per process and again when a source changes."""
    return cached(project, "newsletter", lambda p: load_issues(p.docs_dir, p.languages))



preload(issues)

def file_url(call: BlockCall, name: str) -> str:
    """Relative link from the page to a file the build writes in the language's folder of the site."""
    langs, lang = call.renderer.langs, call.page.lang
    return get_relative_url(langs.prefix(lang) + name, langs.page_url(call.page.path, lang) or ".")


def _issue_view(issue: Issue, call: BlockCall) -> dict:
    lang = call.page.lang
    return {"number": issue.number, "date": call.renderer.langs.date(issue.date, lang), "iso": issue.date.isoformat(),
            "title": issue.title(lang), "summary": issue.summary(lang), "url": call.renderer.url(issue.path, call.page),
            "email": file_url(call, email_name(issue)), "text": file_url(call, email_name(issue, "txt")),
            # No link to a PDF this build does not make (FPM_PDF=0, the live preview).
            "pdf": file_url(call, pdf_name(issue, lang)) if issue.has_pdf and state.current().render_pdfs else None}


def _feeds_view(call: BlockCall) -> dict:
    return {kind: file_url(call, feed_name(kind)) for kind in ("rss", "atom")}


def archive_block(call: BlockCall) -> str:
    views = [_issue_view(i, call) for i in newest_first(issues(call.project))]
    return call.renderer.template("publications.html").newsletter_archive(
        views, _feeds_view(call), call.renderer.labels(call.page.lang))


def issue_block(call: BlockCall) -> str:
    issue = issue_at(issues(call.project), call.page.path)
    if issue is None:
        raise call.error("newsletter-issue is only for the pages of newsletter issues",
                         "use it in docs/<lang>/newsletter/issue-<n>.md")
    return call.renderer.template("publications.html").newsletter_issue(
        _issue_view(issue, call), _feeds_view(call), call.renderer.labels(call.page.lang))


def is_issue_page(page: PageRef) -> bool:
    return bool(re.fullmatch(rf"{FOLDER}/issue-\d+\.md", page.path))


def search_kind(page: PageRef) -> str | None:
    """The search filter's kind of the newsletter's pages: its issues (not the archive)."""
    return "newsletter" if is_issue_page(page) else None


register_block("newsletter-archive", archive_block)
register_block("newsletter-issue", issue_block)
