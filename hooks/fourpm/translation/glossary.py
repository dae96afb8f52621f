"""The glossary (data/glossary.yml): terms in every language, protected names, forbidden variants.

A protected name is written one way in each language: either the same in every language (Core
Facilities) or in each language's own form (« 4 pour 1000 », "4 per 1000", "4 por 1000"). A translation
that writes another language's form in running text is reported, like a forbidden variant.

Pure functions: load and validate the glossary, check a page's text against it, mark the first use of
each term in a page's HTML with its definition (an <abbr> tooltip), and render the glossary page.
"""
from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path


from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..core import codes
from ..core import reader
from ..core.errors import ContentError
from ..core.schema import validate

# Per-page results, kept across rebuilds (live preview) and for every page of a large site.
PAGE_CACHE = 16384

FILE = "data/glossary.yml"
ALL = "all"  # forbidden variants for every language


class TermSchema(Config):
    id = c.Type(str)
    term = c.Optional(c.DictOfItems(c.ListOfItems(c.Type(str))))
    protected = c.Optional(c.Type((list, dict)))  # [names] for every language, or {lang: [names]}
    definition = c.DictOfItems(c.Type(str))
    forbidden = c.Optional(c.DictOfItems(c.ListOfItems(c.Type(str))))
    tooltip = c.Type(bool, default=True)


@dataclass(frozen=True)
class Term:
    id: str
    forms: dict[str, tuple[str, ...]]  # language -> forms, the preferred first
    definitions: dict[str, str]
    protected: bool  # a name: the same in every language, or one form per language (forms)
    forbidden: dict[str, tuple[str, ...]]  # language or "all" -> variants
    tooltip: bool = True

    def forbidden_in(self, lang: str) -> tuple[str, ...]:
        return self.forbidden.get(lang, ()) + self.forbidden.get(ALL, ())

    def foreign_forms(self, lang: str) -> Iterator[tuple[str, str, str]]:
        """(other language, its form, the form of lang) for a protected name written differently in
        another language: the n-th form of each language is the same name."""
        if not self.protected:
            return
        own = {f.casefold() for f in self.forms[lang]}
        for other, forms in self.forms.items():
            for index, form in enumerate(forms):
                if other != lang and form.casefold() not in own:
                    yield other, form, self.forms[lang][index]


@dataclass(frozen=True, eq=False)  # hashed by identity: the checks below are cached per glossary
class Glossary:
    languages: tuple[str, ...]
    terms: tuple[Term, ...]

    @property
    def protected(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.protected)


@dataclass(frozen=True)
class Finding:
    """A problem in a page: what `check` lists, the build warns about and the status page shows."""
    file: str  # docs/<lang>/<path>
    line: int | None
    kind: str  # forbidden | protected | missing | extra | orphan
    subject: str  # the words or values in question, as written
    message: str  # for the team (English, like build errors)

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" if self.line else self.file
        return f"{where}: {self.message}"


# -- loading --------------------------------------------------------------------------------------
def load_glossary(data_dir: Path, languages: tuple[str, ...]) -> Glossary:
    """data/glossary.yml, validated; a missing file is an empty glossary."""
    path = Path(data_dir) / "glossary.yml"
    if not path.exists():
        return Glossary(languages, ())
    raw = reader.read_yaml(path, FILE) or {}
    items = raw.get("terms") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ContentError(FILE, "terms", "must be a list of terms", "start the file with 'terms:' and '- id: ...' items")
    terms, seen = [], set()
    for index, item in enumerate(items):
        term = _term(item, index, languages)
        if term.id in seen:
            raise ContentError(FILE, f"terms[{index}].id", f'"{term.id}" is already the id of another term')
        seen.add(term.id)
        terms.append(term)
    return Glossary(languages, tuple(terms))


def _term(item, index: int, languages: tuple[str, ...]) -> Term:
    where = f"terms[{index}]"
    if not isinstance(item, dict):
        raise ContentError(FILE, where, "must be a mapping with id, term or protected, and definition")
    where = f"terms[{index}] ({item.get('id')})" if isinstance(item.get("id"), str) else where
    try:
        config = validate(TermSchema, item, FILE)
    except ContentError as error:
        raise ContentError(FILE, f"{where}.{error.field}", error.problem, error.hint) from None
    unknown = sorted(set(item) - set(config._schema_keys))
    if unknown:
        raise ContentError(FILE, f"{where}.{unknown[0]}", "is not a field of a term",
                           "use id, term or protected, definition, forbidden, tooltip")
    if (config.term is None) == (config.protected is None):
        raise ContentError(FILE, where, "needs either 'term' (its forms per language) or 'protected' (a name)")
    if config.protected is not None:
        forms = _protected_forms(config.protected, f"{where}.protected", languages)
    else:
        forms = {}
        for lang in languages:
            values = tuple(f.strip() for f in config.term.get(lang) or () if f.strip())
            if not values:
                raise ContentError(FILE, f"{where}.term.{lang}", "is missing", "write the term's forms in this language")
            forms[lang] = values
        _only_languages(config.term, f"{where}.term", languages)
    for lang in languages:
        if not (config.definition.get(lang) or "").strip():
            raise ContentError(FILE, f"{where}.definition.{lang}", "is missing", "write the definition in this language")
    _only_languages(config.definition, f"{where}.definition", languages)
    forbidden = {key: tuple(v.strip() for v in values if v.strip()) for key, values in (config.forbidden or {}).items()}
    _only_languages(forbidden, f"{where}.forbidden", languages + (ALL,))
    return Term(config.id.strip(), forms, {lang: config.definition[lang].strip() for lang in languages},
                config.protected is not None, forbidden, config.tooltip)


def _protected_forms(value: list | dict, where: str, languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A name the same in every language ([names]), or its own form in each language ({lang: [names]})."""
    if isinstance(value, dict):
        _only_languages(value, where, languages)
    forms = {}
    for lang in languages:
        names, key = (value.get(lang), f"{where}.{lang}") if isinstance(value, dict) else (value, where)
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise ContentError(FILE, key, "must be a list of names", 'write ["Name"], or {fr: [...], en: [...]} per language')
        forms[lang] = tuple(n.strip() for n in names if n.strip())
        if not forms[lang]:
            raise ContentError(FILE, key, "is empty", "write the name as it is written in this language")
    if len({len(names) for names in forms.values()}) > 1:
        raise ContentError(FILE, where, "has not as many forms in every language",
                           "the n-th form of each language is the same name: write each name in every language")
    return forms


def _only_languages(mapping: dict, where: str, allowed: tuple[str, ...]) -> None:
    for key in mapping:
        if key not in allowed:
            raise ContentError(FILE, f"{where}.{key}", "is not a language of the site", f"use {', '.join(allowed)}")


# -- the text of a page that is prose ----------------------------------------------------------
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_ATTR_LIST = re.compile(r"\{:?\s*[#.][^}\n]*\}")
_META_TEXT = ("title", "description")


@functools.lru_cache(maxsize=PAGE_CACHE)
def prose(text: str, link_targets: bool = False) -> str:
    """The page as readers read it: front matter reduced to its title and description, code, comments
    (placeholders), link targets (unless link_targets) and attribute lists blanked. Line numbers are
    kept (same newlines)."""
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() in ("---", "..."):
                for i in range(end + 1):
                    key = lines[i].split(":", 1)[0].strip()
                    if i == 0 or i == end or key not in _META_TEXT:
                        lines[i] = ""
                    else:
                        lines[i] = lines[i].split(":", 1)[1]
                break
    out = []
    for is_prose, part in codes.segments("\n".join(lines)):
        out.append(part if is_prose else re.sub(r"[^\n]", " ", part))
    text = "".join(out)
    if not link_targets:
        text = _LINK_TARGET.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    return _ATTR_LIST.sub(lambda m: " " * len(m.group(0)), text)


class Lines:
    """Line numbers of positions in a text (1 for the first line)."""

    def __init__(self, text: str):
        self.starts = [m.start() for m in re.finditer("\n", text)]

    def __call__(self, index: int) -> int:
        return bisect.bisect_left(self.starts, index) + 1


# -- checks ---------------------------------------------------------------------------------------
_QUOTES = "\"'“”«»‘’„"


@functools.lru_cache(maxsize=PAGE_CACHE)
def phrase_pattern(phrase: str) -> re.Pattern:
    """A phrase whatever its case, quotes and spacing: "4 per 1000 Initiative" also finds
    'the "4 per 1000" Initiative'."""
    words = [re.escape(w) for w in phrase.strip(_QUOTES + " ").split()]
    sep = rf"[\s{_QUOTES}]+"
    return re.compile(r"(?<!\w)" + sep.join(words) + r"(?!\w)", re.I)


def count(pattern: re.Pattern, text: str) -> int:
    return len(pattern.findall(text))


# The patterns below scan every page, and Python's re tries each alternative at each position of it. A
# page that lacks one of a phrase's ASCII words (its "needles") has no match of it, so only the
# alternatives whose needles the page holds are scanned for: the same matches, in a fraction of the time.
# re.IGNORECASE also matches four non-ASCII letters with ASCII ones (İ ı ſ K): made those first.
_ODD_LETTERS = (("\u0130", "i"), ("\u0131", "i"), ("\u017f", "s"), ("\u212a", "k"))


def folded(text: str) -> str:
    """text as a case-insensitive pattern sees its ASCII letters: lower case."""
    for odd, plain in _ODD_LETTERS:
        if odd in text:  # a scan in C: str.translate with a table is ten times slower
            text = text.replace(odd, plain)
    return text.lower()


_ASCII_RUN = re.compile(r"[A-Za-z0-9]+")


def needles(phrase: str) -> tuple[str, ...]:
    """The runs of ASCII letters and digits of a phrase, lower-cased: every match of the phrase, whatever
    its case, holds each of them."""
    return tuple(run.lower() for run in _ASCII_RUN.findall(phrase))


def present(wanted: Iterable[tuple[str, ...]], text: str) -> tuple[int, ...]:
    """The indexes of the needle tuples whose needles folded(text) holds, all of them."""
    return tuple(i for i, runs in enumerate(wanted) if all(run in text for run in runs))


@functools.lru_cache(maxsize=256)
def name_pattern(name: str) -> re.Pattern:
    """A protected name exactly as written (its case too), whatever the spacing."""
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in name.split()) + r"(?!\w)")


@functools.lru_cache(maxsize=16)
def _forbidden(glossary: Glossary, lang: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], list]:
    """The pattern of every forbidden variant of lang, its needles, and (the preferred form, None) of each,
    or (the form of lang, the other language) for another language's form of a name. The source
    language may cite another form (the Roadmap names the Northern European "4 per 1000" meeting)."""
    preferred, parts, wanted = [], [], []
    for term in glossary.terms:
        for variant in term.forbidden_in(lang):
            preferred.append((term.forms[lang][0], None))
            parts.append(phrase_pattern(variant).pattern)
            wanted.append(needles(variant))
        if lang != glossary.languages[0]:
            for other, form, own in term.foreign_forms(lang):
                preferred.append((own, other))
                parts.append(phrase_pattern(form).pattern)
                wanted.append(needles(form))
    return tuple(parts), tuple(wanted), preferred


# An inline element marked with another language (<span lang="fr">…</span>) is a quotation in that
# language, not the page's own text.
_FOREIGN = re.compile(r"""<(\w+)\b[^>]*\blang\s*=\s*["']?([\w-]+)[^>]*>.*?</\1\s*>""", re.S)


def _without_quotations(body: str, lang: str) -> str:
    return _FOREIGN.sub(lambda m: m.group(0) if m.group(2) == lang else re.sub(r"[^\n]", " ", m.group(0)), body)


@functools.lru_cache(maxsize=PAGE_CACHE)
def check_forbidden(glossary: Glossary, lang: str, text: str, file: str) -> tuple[Finding, ...]:
    """Forbidden variants written in a page (text: the whole file), and in a translation the name of
    another language's form (the French name in an English page)."""
    parts, wanted, preferred = _forbidden(glossary, lang)
    body = _without_quotations(prose(text), lang)
    chosen = present(wanted, folded(body))
    if not chosen:
        return ()
    pattern = re.compile("|".join(f"({parts[i]})" for i in chosen), re.I)  # re keeps the compiled ones
    line = Lines(body)
    found = []
    for match in pattern.finditer(body):
        written = " ".join(re.sub(f"[{_QUOTES}]", " ", match.group(0)).split())
        own, other = preferred[chosen[match.lastindex - 1]]
        if other is None:
            found.append(Finding(file, line(match.start()), "forbidden", written,
                                 f'"{written}" is a forbidden variant (the glossary writes "{own}")'))
        else:
            found.append(Finding(file, line(match.start()), "name", written,
                                 f'"{written}" is how {other} pages write the name: write "{own}" here '
                                 f'(a quotation in {other}: <span lang="{other}">{written}</span>)'))
    return tuple(found)


@functools.lru_cache(maxsize=PAGE_CACHE)
def check_protected(glossary: Glossary, source_text: str, text: str, file: str, source_file: str) -> tuple[Finding, ...]:
    """Protected names that a translation writes less than half as often as its French source: translated
    (a translator may say "it" for a name written twice, not replace most of its uses). A use in any
    language's form counts here: check_forbidden reports a form of the wrong language."""
    source_body, body = prose(source_text), prose(text)
    found = []
    for term in glossary.protected:
        for index, name in enumerate(term.forms[glossary.languages[0]]):
            forms = dict.fromkeys(forms[index] for forms in term.forms.values())
            expected = _count_name(name, source_body)
            written = sum(_count_name(form, body) for form in forms)
            if written * 2 < expected:
                found.append(Finding(file, None, "protected", name,
                                     f'"{name}" is written {written} time(s) here but {expected} in {source_file}: '
                                     "a protected name was translated or left out (write it as the glossary does in this language)"))
    return tuple(found)


def _count_name(name: str, text: str) -> int:
    """How often text writes a protected name (case-sensitive: its needle is looked for as written)."""
    if not all(run in text for run in _ASCII_RUN.findall(name)):
        return 0
    return count(name_pattern(name), text)


# -- tooltips: the first use of each term in a page's HTML ----------------------------------------
_TOKENS = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_TAG = re.compile(r"<\s*(/)?\s*([a-zA-Z][\w:-]*)([^>]*?)(/)?\s*>", re.S)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Where a tooltip would be wrong or useless: links, code, headings, existing abbreviations, generated blocks.
_SKIP = {"a", "abbr", "code", "pre", "kbd", "samp", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6",
         "button", "label", "select", "option", "textarea", "svg", "math", "title", "dt", "figcaption"}
_SKIP_CLASS = re.compile(r"""class\s*=\s*["'][^"']*\b(?:fpm-block|fpm-glossary|fpm-translation-banner)\b""")


def _pieces(html: str) -> Iterator[tuple[bool, str]]:
    """(is_text, piece) for each text run and tag of html, in order."""
    return codes.split_by(html, _TOKENS)


@functools.lru_cache(maxsize=16)
def term_matcher(glossary: Glossary, lang: str) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], dict[str, Term]]:
    """The pattern of every form of every term with a tooltip (longest first) with its needles, and
    form -> term."""
    by_form: dict[str, Term] = {}
    for term in glossary.terms:
        if term.tooltip:
            for form in term.forms[lang]:
                by_form.setdefault(form.casefold(), term)
    forms = sorted(by_form, key=len, reverse=True)
    return tuple((r"\s+".join(re.escape(w) for w in f.split()), needles(f)) for f in forms), by_form


def annotate(html: str, glossary: Glossary, lang: str, render: Callable[[Markup, str], str]) -> str:
    """The page's HTML with the first use of each glossary term wrapped by render(text, definition)."""
    forms, by_form = term_matcher(glossary, lang)
    chosen = present((runs for _form, runs in forms), folded(html))  # only the forms the page may hold
    if not chosen:
        return html
    alternatives = "|".join(forms[i][0] for i in chosen)
    # A plural "s" is part of the use (NDCs, Alliances); case-insensitive but acronyms stay acronyms.
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?:s|es)?(?![\w-])", re.I)
    used: set[str] = set()
    stack: list[tuple[str, bool]] = []  # open elements, and whether each one starts a skipped region
    skipping = 0
    out = []
    for is_text, piece in _pieces(html):
        if not is_text:
            out.append(piece)
            tag = _TAG.match(piece)
            if not tag or piece.startswith("<!"):
                continue
            closing, name, attrs, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3), tag.group(4)
            if closing:
                while stack:
                    open_name, skips = stack.pop()
                    skipping -= skips
                    if open_name == name:
                        break
            elif name not in _VOID and not self_closing:
                skips = name in _SKIP or bool(_SKIP_CLASS.search(attrs or ""))
                stack.append((name, skips))
                skipping += skips
            continue
        if skipping:
            out.append(piece)
            continue
        # Character references (&amp;, &#39;) are markup too: a term "amp" must not match inside one.
        out += [part if i % 2 else pattern.sub(lambda m: _mark(m, by_form, used, lang, render), part)
                for i, part in enumerate(_ENTITY.split(piece))]
    return "".join(out)


_ENTITY = re.compile(r"(&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


def _mark(match: re.Match, by_form: dict[str, Term], used: set[str], lang: str, render) -> str:
    written = match.group(0)
    key = " ".join(written.split()).casefold()
    term = by_form.get(key) or by_form.get(key[:-1]) or by_form.get(key[:-2])
    if term is None:
        return written
    # An acronym matches only in capitals: "COS" and not "cos".
    form = next(f for f in term.forms[lang] if f.casefold() in (key, key[:-1], key[:-2]))
    if form.isupper() and not written.startswith(form):
        return written
    if term.id in used:
        return written
    used.add(term.id)
    return str(render(Markup(written), term.definitions[lang]))


# -- the glossary page ----------------------------------------------------------------------------
def view(glossary: Glossary, lang: str) -> dict:
    """What the glossary page shows in lang: terms sorted in that language, then the protected names."""
    def entry(term: Term) -> dict:
        return {"id": term.id, "forms": term.forms[lang], "definition": term.definitions[lang],
                "others": [{"lang": other, "forms": term.forms[other]} for other in glossary.languages
                           if other != lang and (not term.protected or term.forms[other] != term.forms[lang])],
                "forbidden": term.forbidden_in(lang)}
    terms = sorted((t for t in glossary.terms if not t.protected), key=lambda t: t.forms[lang][0].casefold())
    return {"terms": [entry(t) for t in terms], "protected": [entry(t) for t in glossary.protected]}
