"""The translation ledger: which version of its French source each translated page translates.

Each page of docs/en/ and docs/es/ records in its front matter `source_hash:`, a hash of the French
file as written (front matter and body: placeholders count, the tables they generate do not). A
translation is then
  - missing:  no file, or a scaffold still carrying its TODO marker (French text, not yet translated);
  - outdated: the French page changed since the hash was recorded (or none was ever recorded);
  - current:  the recorded hash is the French page's hash.
The same status feeds `python -m tools.translations`, the build (banners; a warning only for a forbidden
variant in a French page: publishing never waits for a translation) and the status page.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import yaml

from ..core import frontmatter
from ..core.labels import load_labels
from ..core import cache
from . import consistency
from ..core.errors import ContentError, did_you_mean
from .glossary import Finding, Glossary, check_forbidden, check_protected, load_glossary

HASH_KEY = "source_hash"
MISSING, OUTDATED, CURRENT = "missing", "outdated", "current"
STATES = (CURRENT, OUTDATED, MISSING)
# Why a page is missing or outdated: a key, shown in words by the CLI and (in each language) by the site.
REASONS = {
    "no-file": "no translation yet",
    "scaffold": "scaffolded, not yet translated (remove the TODO marker, then mark it current)",
    "unmarked": "no source_hash recorded: check it against the French page, then mark it current",
    "changed": "the French page changed since this translation",
    "current": "up to date",
}
TODO = re.compile(r"<!--\s*translation-todo\b")
TODO_MARKER = ("<!-- translation-todo: translate this page from the French, remove this line, then run "
               "`python -m tools.translations mark-current {lang} {path}` -->")
# Front matter a translation does not repeat: facts written once, in the French page.
NEUTRAL_KEYS = ("kind", "objectives", "axis", "facility", "baseline_2020", "target_2030", "target_2050", HASH_KEY)


def source_hash(text: str) -> str:
    """The hash of a French page as written; line endings and trailing spaces do not count."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip("\n").encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class PageState:
    lang: str
    path: str  # relative to the language folder
    state: str  # missing | outdated | current
    reason: str  # a key of REASONS

    @property
    def file(self) -> str:
        return f"docs/{self.lang}/{self.path}"

    @property
    def section(self) -> str:
        return section_of(self.path)


def section_of(path: str) -> str:
    """The folder a page belongs to; "" for the pages at the top (home, glossary...)."""
    return path.split("/", 1)[0] if "/" in path else ""


@dataclass
class Status:
    source: str
    languages: tuple[str, ...]  # the source first
    pages: dict[str, dict[str, PageState]]  # French path -> translated language -> state
    findings: list[Finding] = field(default_factory=list)

    @property
    def targets(self) -> tuple[str, ...]:
        return self.languages[1:]

    def state(self, lang: str, path: str) -> PageState | None:
        return self.pages.get(path, {}).get(lang)

    def counts(self) -> dict[str, dict[str, dict[str, int]]]:
        """section -> language -> state -> number of pages, sections in order, "" first."""
        table: dict[str, dict[str, dict[str, int]]] = {}
        for path in sorted(self.pages, key=lambda p: (section_of(p) != "", section_of(p), p)):
            for lang, page in self.pages[path].items():
                row = table.setdefault(page.section, {l: {s: 0 for s in STATES} for l in self.targets})
                row[lang][page.state] += 1
        return table

    def totals(self) -> dict[str, dict[str, int]]:
        totals = {lang: {s: 0 for s in STATES} for lang in self.targets}
        for states in self.pages.values():
            for lang, page in states.items():
                totals[lang][page.state] += 1
        return totals

    def todo(self) -> list[PageState]:
        """Pages to translate or to review, language by language, in site order."""
        return [self.pages[path][lang] for lang in self.targets for path in sorted(self.pages)
                if self.pages[path][lang].state != CURRENT]

    def findings_of(self, lang: str, path: str) -> list[Finding]:
        file = f"docs/{lang}/{path}"
        return [f for f in self.findings if f.file == file]

    @property
    def ok(self) -> bool:
        return not self.todo() and not self.findings


# -- reading the pages ----------------------------------------------------------------------------
def _pages(docs_dir: Path, lang: str) -> dict[str, Path]:
    root = docs_dir / lang
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*.md"))} if root.is_dir() else {}


def _meta(text: str, file: str) -> dict:
    return frontmatter.split(text, file)[0]


def compute_status(root: Path, languages: tuple[str, ...], glossary: Glossary | None = None) -> Status:
    """The status of every translation of the project at root, with the glossary and consistency findings."""
    root = Path(root)
    docs_dir = root / "docs"
    source = languages[0]
    glossary = glossary if glossary is not None else load_glossary(root / "data", languages)
    sources = {path: file.read_text(encoding="utf-8") for path, file in _pages(docs_dir, source).items()}
    status = Status(source, languages, {path: {} for path in sources})
    labels = load_labels(root / "data", languages)
    words = {lang: labels.get("number_words", {}).get(lang, "") for lang in languages}
    # The checks of a page are kept on disk (core/cache.py), keyed by everything they read: most pages
    # do not change from one build to the next. One entry holds them all (memo_each).
    checked = cache.digest(repr(glossary), repr(sorted(words.items())), languages)
    checks: list[tuple[tuple, Callable[[], list[Finding]]]] = []  # (inputs, compute) of each page's checks
    order: list[list[Finding] | int] = []  # the findings in order: found here, or the index of a page's checks
    for path, text in sources.items():
        file = f"docs/{source}/{path}"
        order.append(len(checks))
        checks.append((("source", checked, file, text), partial(check_forbidden, glossary, source, text, file)))
    for lang in languages[1:]:
        translations = _pages(docs_dir, lang)
        for path, file in translations.items():
            if path not in sources:
                order.append([Finding(f"docs/{lang}/{path}", None, "orphan", path,
                                      f"has no French source page (create docs/{source}/{path}, or remove this file)")])
        for path, source_text in sources.items():
            if path not in translations:
                status.pages[path][lang] = PageState(lang, path, MISSING, "no-file")
                continue
            text = translations[path].read_text(encoding="utf-8")
            file = f"docs/{lang}/{path}"
            if TODO.search(text):
                status.pages[path][lang] = PageState(lang, path, MISSING, "scaffold")
                continue
            recorded = _meta(text, file).get(HASH_KEY)
            if recorded is None or str(recorded).strip() == "":
                state = PageState(lang, path, OUTDATED, "unmarked")
            elif str(recorded).strip() != source_hash(source_text):
                state = PageState(lang, path, OUTDATED, "changed")
            else:
                state = PageState(lang, path, CURRENT, "current")
            status.pages[path][lang] = state
            order.append(len(checks))
            checks.append((("translation", checked, lang, file, source_text, text),
                           partial(_checks, glossary, lang, source, text, source_text, file, path, languages, words)))
    results = cache.current().memo_each("translation-checks", (str(root),), checks)
    for part in order:
        status.findings += part if isinstance(part, list) else results[part]
    return status


def _checks(glossary: Glossary, lang: str, source: str, text: str, source_text: str, file: str, path: str,
            languages: tuple[str, ...], words: dict[str, str]) -> list[Finding]:
    """The glossary and consistency findings of one translation against its French source."""
    source_file = f"docs/{source}/{path}"
    return [*check_forbidden(glossary, lang, text, file),
            *check_protected(glossary, source_text, text, file, source_file),
            *consistency.check(source_text, text, lang, source, file, source_file, languages, words)]


# -- commands -------------------------------------------------------------------------------------
def _source_file(root: Path, source: str, path: str) -> Path:
    file = root / "docs" / source / path
    if not file.is_file():
        known = list(_pages(root / "docs", source))
        hint = did_you_mean(path, known) if known else None
        raise ContentError(f"docs/{source}/{path}", None, "no such French page", hint or "give the path inside docs/fr/, e.g. roadmap/cf-iii.md")
    return file


def _check_language(lang: str, languages: tuple[str, ...]) -> None:
    if lang not in languages[1:]:
        raise ContentError(lang, None, "is not a translated language of the site", f"use {' or '.join(languages[1:])}")


def scaffold(root: Path, languages: tuple[str, ...], lang: str, path: str) -> Path:
    """Copy the French page to docs/<lang>/<path>: its front matter without the facts written only in
    French, the source hash recorded, and a TODO marker; the page counts as missing until translated."""
    root, source = Path(root), languages[0]
    _check_language(lang, languages)
    path = normalise_path(path, languages)
    source_text = _source_file(root, source, path).read_text(encoding="utf-8")
    target = root / "docs" / lang / path
    if target.exists():
        raise ContentError(f"docs/{lang}/{path}", None, "already exists",
                           f"edit it, then run: python -m tools.translations mark-current {lang} {path}")
    meta, body = frontmatter.split(source_text, f"docs/{source}/{path}")
    kept = {k: v for k, v in meta.items() if k not in NEUTRAL_KEYS}
    kept[HASH_KEY] = source_hash(source_text)
    head = yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=10_000)
    marker = TODO_MARKER.format(lang=lang, path=path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(f"---\n{head}---\n\n{marker}\n\n{body.lstrip(chr(10))}", encoding="utf-8")
    return target


def set_source_hash(text: str, value: str) -> str:
    """text with `source_hash: value` in its front matter (replaced if present), nothing else changed."""
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^(---|\.\.\.)[ \t]*(\r?\n|\Z)", text, re.S | re.M)
    line = f"{HASH_KEY}: {value}"
    if not match:
        return f"---\n{line}\n---\n\n{text}"
    head = match.group(1)
    if re.search(rf"^{HASH_KEY}:.*$", head, re.M):
        head = re.sub(rf"^{HASH_KEY}:.*$", line, head, count=1, flags=re.M)
    else:
        head = head + ("" if head.endswith("\n") or not head else "\n") + line + "\n"
    return text[:match.start(1)] + head + text[match.end(1):]


def mark_current(root: Path, languages: tuple[str, ...], lang: str, path: str) -> str:
    """Record the French page's current hash in docs/<lang>/<path>; return the hash."""
    root, source = Path(root), languages[0]
    _check_language(lang, languages)
    path = normalise_path(path, languages)
    source_text = _source_file(root, source, path).read_text(encoding="utf-8")
    target = root / "docs" / lang / path
    if not target.is_file():
        raise ContentError(f"docs/{lang}/{path}", None, "no such translation",
                           f"create it first: python -m tools.translations scaffold {lang} {path}")
    text = target.read_text(encoding="utf-8")
    if TODO.search(text):
        raise ContentError(f"docs/{lang}/{path}", None, "still carries the TODO marker of its scaffold",
                           "translate the page and remove the '<!-- translation-todo ... -->' line first")
    _meta(text, f"docs/{lang}/{path}")  # a broken front matter is reported, not overwritten
    value = source_hash(source_text)
    updated = set_source_hash(text, value)
    if updated != text:
        target.write_text(updated, encoding="utf-8")
    return value


def translations(root: Path, languages: tuple[str, ...], lang: str | None = None) -> list[tuple[str, str]]:
    """(language, path) of every existing translation that has a French source and no TODO marker."""
    root, result = Path(root), []
    if lang is not None:
        _check_language(lang, languages)
    sources = _pages(root / "docs", languages[0])
    for target in languages[1:] if lang is None else (lang,):
        for path, file in _pages(root / "docs", target).items():
            if path in sources and not TODO.search(file.read_text(encoding="utf-8")):
                result.append((target, path))
    return result


def normalise_path(path: str, languages: tuple[str, ...]) -> str:
    """Accept docs/fr/x.md, fr/x.md or x.md; and x for x.md."""
    path = path.strip().replace("\\", "/").lstrip("./")
    if path.startswith("docs/"):
        path = path[len("docs/"):]
    first = path.split("/", 1)[0]
    if first in languages and "/" in path:
        path = path.split("/", 1)[1]
    return path if path.endswith(".md") else path + ".md"


# -- output ---------------------------------------------------------------------------------------
def as_json(status: Status) -> dict:
    return {
        "source": status.source,
        "languages": list(status.targets),
        "ok": status.ok,
        "totals": status.totals(),
        "sections": status.counts(),
        "pages": [{"path": path, "section": section_of(path),
                   "translations": {lang: {"state": s.state, "reason": s.reason} for lang, s in states.items()}}
                  for path, states in sorted(status.pages.items())],
        "todo": [{"lang": s.lang, "path": s.path, "file": s.file, "state": s.state, "reason": s.reason}
                 for s in status.todo()],
        "findings": [{"file": f.file, "line": f.line, "kind": f.kind, "subject": f.subject, "message": f.message}
                     for f in status.findings],
    }


def as_text(status: Status) -> str:
    """The report `make translations` prints."""
    langs = status.targets
    width = max([len(s or "(top)") for s in status.counts()] + [len("section"), len("total")])
    lines = [f"Translations of the {len(status.pages)} French pages (current / outdated / missing)", ""]
    lines.append(f"{'':<{width}}  " + "  ".join(f"{lang:^23}" for lang in langs))
    lines.append(f"{'section':<{width}}  " + "  ".join(f"{'current':>7} {'outdated':>8} {'missing':>7}" for _ in langs))

    def row(name: str, cells: dict[str, dict[str, int]]) -> str:
        return f"{name:<{width}}  " + "  ".join(
            f"{cells[lang][CURRENT]:>7} {cells[lang][OUTDATED]:>8} {cells[lang][MISSING]:>7}" for lang in langs)

    for section, cells in status.counts().items():
        lines.append(row(section or "(top)", cells))
    lines.append(row("total", status.totals()))
    todo = status.todo()
    lines += ["", f"To do ({len(todo)}):" if todo else "To do: nothing, every translation is current."]
    for page in todo:
        lines.append(f"  {page.lang}  {page.state:<8}  {page.path}  ({REASONS[page.reason]})")
    if status.findings:
        lines += ["", f"Glossary and consistency ({len(status.findings)}):"]
        lines += [f"  {finding}" for finding in status.findings]
    return "\n".join(lines)
