"""Facts that a translation must keep: numbers, months of dates, times, e-mail addresses and URLs.

Each language writes numbers, dates and times its own way (4 000 / 4,000 / 4000 or 4.000; 0,4 / 0.4;
16 novembre 2022 / 16 November 2022 / 16 de noviembre de 2022; 15 h 30 / 3:30 pm / 15:30): values
are read per language and compared as values. A number the French page writes in digits must appear in the translation (in
digits or as a word: "7 chapitres" = "seven chapters"); a number the translation writes in digits
must appear in the French page.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.dates import get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol

from .glossary import Finding, Lines, folded, needles, present, prose

# Per-page results, kept across rebuilds (live preview) and for every page of a large site.
PAGE_CACHE = 16384

# Spaces of every kind group thousands, besides each language's own group symbol (Babel).
_SPACES = " \u00a0\u202f\u2009"

# Times of day: 15 h 30, 18 h, 15h30 / 3:30 pm, 6 pm / 15:30, 18:00 (and p. m.): compared as hh:mm.
# Each with a looser pattern that re scans for much faster (it starts with a digit, not a lookbehind):
# a page without a match of it has none of the time's, and is not scanned for the time.
_TIMES = (
    (re.compile(r"\d:[0-5]\d"),
     re.compile(r"(?<![\w.,:])([01]?\d|2[0-3]):([0-5]\d)(?:\s?([ap])\.?\s?m\b\.?)?(?!\w)", re.I)),
    (re.compile(r"\d\s?[ap]\.?\s?m", re.I),
     re.compile(r"(?<![\w.,:])(1[0-2]|0?[1-9])()\s?([ap])\.?\s?m\b\.?", re.I)),
    (re.compile(r"\d\s?h"),
     re.compile(r"(?<![\w.,:])([01]?\d|2[0-3])\s?h(?:\s?([0-5]\d))?()(?!\w)")),
)
_URL = re.compile(r"https?://[^\s<>\"'()\[\]]+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Footnote references, ordered-list markers and Markdown/HTML entities are not numbers of the text.
_NOISE = re.compile(r"\[\^[^\]]*\]|^[ \t]*\d+[.)][ \t]|&#?\w+;", re.M)


@dataclass(frozen=True)
class Fact:
    kind: str  # number | month | email | url
    value: str  # comparable across languages
    written: str  # as the page writes it
    line: int
    required: bool = True  # numbers in words are not required in the other language


@dataclass(frozen=True)
class _Formats:
    """How one language writes numbers and months (from Babel), and its number words (data/labels.yml)."""
    number: re.Pattern
    months: dict[str, int]
    month_words: tuple[tuple[str, tuple[str, ...]], ...]  # (pattern, its needles) of each month name
    month_flags: int
    words: dict[str, int]
    number_words: tuple[tuple[str, tuple[str, ...]], ...]  # longest first


@functools.lru_cache(maxsize=64)
def _formats(lang: str, words: str) -> _Formats:
    try:
        locale = Locale.parse(lang)
        decimal, group = get_decimal_symbol(locale), get_group_symbol(locale)
        names = [str(name) for _i, name in sorted(get_month_names("wide", locale=locale).items())]
    except (UnknownLocaleError, ValueError):
        decimal, group, names = ".", ",", []
    groups = re.escape(_SPACES + group)
    # Not part of a word or a code (A6, GF.1, COP28), not an ordinal (5e, 5th, 5.ª, 1.er), not a time (9h30).
    number = re.compile(rf"(?<![\w.,])(\d{{1,3}}(?:[{groups}]\d{{3}})+(?!\d)|\d+)(?:{re.escape(decimal)}(\d+))?(?!\w|\.[^\W\d_])")
    # Capitalised month names (January) are matched as written: "may" or "march" are words too.
    cased = bool(names) and all(name[:1].isupper() for name in names)
    months = {(name if cased else name.lower()): i + 1 for i, name in enumerate(names)}
    values = {word.lower(): int(value) for value, word in (pair.split(None, 1) for pair in words.split(",") if pair.strip())}
    return _Formats(number, months, tuple((re.escape(m), needles(m)) for m in months), 0 if cased else re.I,
                    values, tuple((re.escape(w), needles(w)) for w in sorted(values, key=len, reverse=True)))


def _words_re(alternatives: tuple[tuple[str, tuple[str, ...]], ...], body: str, lower: str, before: str,
              after: str, flags: int):
    """The matches in body (lower: its glossary.folded form) of before(alternative)after, group 1 being
    the alternative; only the alternatives whose needles lower holds are scanned for, in their order."""
    chosen = present((runs for _pattern, runs in alternatives), lower)
    if not chosen:
        return ()
    return re.compile(before + "(" + "|".join(alternatives[i][0] for i in chosen) + ")" + after, flags).finditer(body)


def _blanked(text: str, matches: list[re.Match]) -> str:
    """text with each match's characters but newlines made spaces (as pattern.sub(blank, text) does)."""
    if not matches:
        return text
    out, at = [], 0
    for match in matches:
        out += [text[at:match.start()], re.sub(r"[^\n]", " ", match.group(0))]
        at = match.end()
    out.append(text[at:])
    return "".join(out)


def number_value(integer: str, fraction: str | None) -> str:
    """A canonical value: "4 000" -> "4000", "0,40" -> "0.4"."""
    digits = re.sub(r"\D", "", integer)
    try:
        value = Decimal(digits + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return digits
    return format(value.normalize(), "f")


def time_value(hour: str, minutes: str | None, half: str | None) -> str:
    """"15 h 30", "3:30 pm" and "15:30" -> "15:30"."""
    h = int(hour)
    if half and half.lower() == "p" and h < 12:
        h += 12
    elif half and half.lower() == "a" and h == 12:
        h = 0
    return f"{h:02d}:{int(minutes or 0):02d}"


def _url_value(url: str, languages: tuple[str, ...]) -> str:
    """A URL without its trailing punctuation and slash, a language segment standing for any language."""
    url = url.rstrip(".,;:!?")
    parts = url.split("/")
    return "/".join("{lang}" if p in languages and i > 2 else p for i, p in enumerate(parts)).rstrip("/").lower()


@functools.lru_cache(maxsize=PAGE_CACHE)
def facts(text: str, lang: str, languages: tuple[str, ...], words: str = "") -> tuple[Fact, ...]:
    """The facts of a page (text: the whole file), with their lines. words: the language's number words,
    "2 two, 3 three, ..." (label number_words)."""
    found: list[Fact] = []
    fmt = _formats(lang, words)

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    with_links = prose(text, link_targets=True)
    line_of = Lines(with_links)  # blanking keeps every newline where it was: one index serves all
    body = prose(text)
    if "://" in with_links:  # what _URL needs: the scans below are skipped where they cannot match
        for match in _URL.finditer(with_links):
            written = match.group(0).rstrip(".,;:!?")
            found.append(Fact("url", _url_value(written, languages), written, line_of(match.start())))
        body = _URL.sub(blank, body)
    if "@" in body:
        emails = list(_EMAIL.finditer(body))
        for match in emails:
            found.append(Fact("email", match.group(0).lower(), match.group(0), line_of(match.start())))
        body = _blanked(body, emails)
    body = _NOISE.sub(blank, body)
    for loose, pattern in _TIMES:
        times = list(pattern.finditer(body)) if loose.search(body) else []
        for match in times:
            written = match.group(0).strip()
            if written.endswith(".") and not re.search(r"[ap]\.\s?m\.$", written, re.I):
                written = written[:-1]  # the sentence's full stop
            found.append(Fact("time", time_value(*match.groups()), written, line_of(match.start())))
        body = _blanked(body, times)
    for match in fmt.number.finditer(body):
        found.append(Fact("number", number_value(match.group(1), match.group(2)), match.group(0).strip(),
                          line_of(match.start())))
    lower = folded(body)
    for match in _words_re(fmt.month_words, body, lower, r"(?<!\w)", r"(?!\w)", fmt.month_flags):
        month = fmt.months.get(match.group(1)) or fmt.months[match.group(1).lower()]
        found.append(Fact("month", str(month), match.group(1), line_of(match.start())))
    for match in _words_re(fmt.number_words, body, lower, r"(?<![\w-])", r"(?![\w-])", re.I):
        value = fmt.words[match.group(1).lower()]
        found.append(Fact("number", str(value), match.group(1), line_of(match.start()), required=False))
    return tuple(found)


_KIND_NAMES = {"number": "number", "month": "month", "time": "time", "email": "e-mail address", "url": "URL"}


def compare(source: tuple[Fact, ...], translation: tuple[Fact, ...], file: str, source_file: str) -> list[Finding]:
    """What the translation lost or added, compared with its source, one finding per value."""
    present_source = {(f.kind, f.value) for f in source}
    present_translation = {(f.kind, f.value) for f in translation}
    findings = []
    reported = set()
    for fact in source:
        key = (fact.kind, fact.value)
        if fact.required and key not in present_translation and key not in reported:
            reported.add(key)
            findings.append(Finding(file, None, "missing", fact.written,
                                    f'the {_KIND_NAMES[fact.kind]} "{fact.written}" of {source_file} '
                                    f"(line {fact.line}) is missing here"))
    for fact in translation:
        key = (fact.kind, fact.value)
        if fact.required and key not in present_source and key not in reported:
            reported.add(key)
            findings.append(Finding(file, fact.line, "extra", fact.written,
                                    f'the {_KIND_NAMES[fact.kind]} "{fact.written}" is not in {source_file}'))
    return findings


def check(source_text: str, text: str, lang: str, source_lang: str, file: str, source_file: str,
          languages: tuple[str, ...], words: dict[str, str] | None = None) -> list[Finding]:
    """Consistency findings of a translation against its source (words: number words per language)."""
    words = words or {}
    return compare(facts(source_text, source_lang, languages, words.get(source_lang, "")),
                   facts(text, lang, languages, words.get(lang, "")), file, source_file)
