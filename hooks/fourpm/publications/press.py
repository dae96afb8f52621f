"""The press room: press releases (Markdown pages) and the press review (data/press_review.yml).

A press release is docs/<lang>/press/releases/<name>.md; its date is written once, in the French
page. The press review lists what the media published about the Initiative, in any language, grouped
by month; a date known only to the month is written YYYY-MM, and `approximate: true` says so.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..core.texts import Texts
from ..core.languages import Languages
from ..core.errors import ContentError, did_you_mean
from ..core.reader import parse_day, read_meta, read_yaml, source_files
from ..core.blocks import BlockCall, PageRef, register_block
from ..core.schema import validate
from ..core.sources import Project, cached, preload

FOLDER = "press"  # docs/<lang>/press/: press room, kit, releases, review
RELEASES = f"{FOLDER}/releases"
REVIEW_FILE = "data/press_review.yml"


# -- press releases --------------------------------------------------------------------------------
class ReleaseMeta(Config):
    date = c.Type((str, int))
    title = c.Type(str)
    summary = c.Type(str)


class ReleaseTranslationMeta(Config):
    date = c.Optional(c.Type((str, int)))
    title = c.Type(str)
    summary = c.Type(str)


@dataclass(frozen=True)
class Release(Texts):
    path: str
    date: dt.date
    source: str
    titles: dict[str, str]
    summaries: dict[str, str]



def load_releases(docs_dir: Path, languages: tuple[str, ...]) -> list[Release]:
    """Press releases, newest first; or a ContentError naming the file and field."""
    source = languages[0]
    found: dict[str, Release] = {}
    for rel, path, file in source_files(docs_dir, source, RELEASES):
        meta = validate(ReleaseMeta, read_meta(path, file), file)
        found[rel] = Release(rel, parse_day(meta.date, file), source, {source: meta.title.strip()},
                             {source: meta.summary.strip()})
    for lang in languages[1:]:
        for rel, path, file in source_files(docs_dir, lang, RELEASES):
            release = found.get(rel)
            if release is None:
                raise ContentError(file, None, "has no French source page", f"create {source}/{rel} first")
            meta = validate(ReleaseTranslationMeta, read_meta(path, file), file)
            if meta.date is not None and parse_day(meta.date, file) != release.date:
                raise ContentError(file, "date", f'"{meta.date}" contradicts the French page',
                                   f"the date of {source}/{rel} is {release.date.isoformat()}")
            release.titles[lang], release.summaries[lang] = meta.title.strip(), meta.summary.strip()
    return sorted(found.values(), key=lambda r: (r.date, r.path), reverse=True)


# -- press review ----------------------------------------------------------------------------------
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class ReviewEntryMeta(Config):
    date = c.Type((str, int))
    approximate = c.Type(bool, default=False)
    outlet = c.Type(str)
    title = c.Type(str)
    url = c.Type(str)
    language = c.Type(str)


@dataclass(frozen=True)
class ReviewEntry:
    year: int
    month: int
    day: int | None  # None: only the month is known
    approximate: bool
    outlet: str
    title: str
    url: str
    language: str  # ISO 639-1 code of the article's language

    @property
    def sort_key(self) -> tuple:
        return (self.year, self.month, self.day or 0)


def _review_date(value, file: str, field: str) -> tuple[int, int, int | None]:
    text = str(value).strip()
    month = _MONTH.match(text)
    if month:
        try:
            dt.date(int(month.group(1)), int(month.group(2)), 1)
            return int(month.group(1)), int(month.group(2)), None
        except ValueError:
            pass
    else:
        try:
            day = dt.date.fromisoformat(text)
            return day.year, day.month, day.day
        except ValueError:
            pass
    raise ContentError(file, field, f'"{value}" is not a date',
                       "write YYYY-MM-DD, or YYYY-MM when only the month is known")


def _language(value: str, file: str, field: str) -> str:
    code = value.strip()
    try:
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValueError
        Locale.parse(code)
    except (ValueError, UnknownLocaleError):
        raise ContentError(file, field, f'"{value}" is not a known language',
                           "write the article's language as an ISO 639 code, as in mkdocs.yml's languages") from None
    return code


def load_press_review(data_dir: Path, file: str = REVIEW_FILE) -> list[ReviewEntry]:
    """The press review, newest first; an absent file is an empty review."""
    path = Path(data_dir) / "press_review.yml"
    if not path.exists():
        return []
    data = read_yaml(path, file) or {}
    items = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise ContentError(file, "entries", "expected a list under 'entries:'")
    entries = []
    for index, item in enumerate(items):
        field = f"entries[{index + 1}]"
        if not isinstance(item, dict):
            raise ContentError(file, field, "expected a mapping of fields (date, outlet, title, url, language)")
        known = set(ReviewEntryMeta(config_file_path=file)._schema_keys)
        for key in item:
            if key not in known:
                raise ContentError(file, f"{field}.{key}", "is not a known field", did_you_mean(key, known))
        try:
            meta = validate(ReviewEntryMeta, item, file)
        except ContentError as error:
            hint = f"add '{error.field}: ...' to this entry" if error.problem == "is missing" else error.hint
            raise ContentError(file, f"{field}.{error.field}", error.problem, hint) from None
        url = meta.url.strip()
        if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
            raise ContentError(file, f"{field}.url", f'"{url}" is not a web address', "write https://...")
        year, month, day = _review_date(meta.date, file, f"{field}.date")
        entries.append(ReviewEntry(year, month, day, meta.approximate, meta.outlet.strip(), meta.title.strip(), url,
                                   _language(meta.language, file, f"{field}.language")))
    return sorted(entries, key=lambda e: e.sort_key, reverse=True)


def review_by_month(entries: list[ReviewEntry], langs: Languages, lang: str) -> list[dict]:
    """[{month: "novembre 2022", entries: [...]}], newest month first."""
    groups: list[dict] = []
    for entry in entries:
        month = langs.month(entry.year, entry.month, lang)
        if not groups or groups[-1]["key"] != (entry.year, entry.month):
            groups.append({"key": (entry.year, entry.month), "month": month[:1].upper() + month[1:], "entries": []})
        day = langs.date(dt.date(entry.year, entry.month, entry.day), lang) if entry.day else month
        groups[-1]["entries"].append({"date": day, "approximate": entry.approximate, "outlet": entry.outlet,
                                      "title": entry.title, "url": entry.url, "language": entry.language,
                                      "language_name": langs.language_name(entry.language, lang)})
    return groups


# -- generated blocks -------------------------------------------------------------------------------
def releases(project: Project) -> list[Release]:
    return cached(project, "press-releases", lambda p: load_releases(p.docs_dir, p.languages))


def review(project: Project) -> list[ReviewEntry]:
    return cached(project, "press-review", lambda p: load_press_review(p.data_dir))



preload(releases)
preload(review)

def releases_block(call: BlockCall) -> str:
    lang = call.page.lang
    views = [{"title": r.title(lang), "summary": r.summary(lang), "date": call.renderer.langs.date(r.date, lang),
              "iso": r.date.isoformat(), "url": call.renderer.url(r.path, call.page)} for r in releases(call.project)]
    return call.renderer.template("publications.html").press_releases(views, call.renderer.labels(lang))


def release_block(call: BlockCall) -> str:
    release = next((r for r in releases(call.project) if r.path == call.page.path), None)
    if release is None:
        raise call.error("press-release is only for the pages of press releases",
                         f"use it in docs/<lang>/{RELEASES}/<name>.md")
    lang = call.page.lang
    return call.renderer.template("publications.html").press_release(
        {"date": call.renderer.langs.date(release.date, lang), "iso": release.date.isoformat()}, call.renderer.labels(lang))


def review_block(call: BlockCall) -> str:
    lang = call.page.lang
    return call.renderer.template("publications.html").press_review(
        review_by_month(review(call.project), call.renderer.langs, lang), call.renderer.labels(lang))


def is_release_page(page: PageRef) -> bool:
    return page.path.startswith(f"{RELEASES}/") and not page.path.endswith("/index.md")


def search_kind(page: PageRef) -> str | None:
    """The search filter's kind of the press room's pages: all of them."""
    return "press" if page.path.startswith(f"{FOLDER}/") else None


register_block("press-releases", releases_block)
register_block("press-release", release_block)
register_block("press-review", review_block)
