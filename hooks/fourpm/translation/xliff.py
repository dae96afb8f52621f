"""XLIFF 1.2 files for translation tools (OmegaT, memoQ, Trados, Weblate): export and import.

One <file> per page (original="docs/fr/<path>", its header recording the French page's source_hash),
one <trans-unit> per unit of fourpm.translation.units, the protected elements as <x/> placeables (their
text in equiv-text, for the translator to see). translate-toolkit writes and reads the files.

Export: a unit already translated carries its current translation as <target state="translated">, so a
translation memory can be built from the site; a unit whose French changed since the translation carries
no target, and the old translation as a note. Import: checks everything first (the French version, the
units, their protected elements), then writes each page from the French page's structure, with the
translation's own front matter and the French page's source_hash.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from lxml import etree
from translate.storage import xliff as tt_xliff
from translate.storage.placeables import StringElem, base as tt_base, xliff as tt_place

from ..core import frontmatter
from .. import translation as tr
from . import history as th
from . import units as tu
from ..core.errors import ContentError

VERSION = "1.2"
NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
HASH_NOTE = "source_hash: "
TRANSLATED, NEEDS_TRANSLATION, NEEDS_REVIEW = "translated", "needs-translation", "needs-review-translation"
# Where a page's front matter block ends (its YAML is read by fourpm.core.frontmatter; this only finds the lines).
_HEAD = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)


class _Unit12(tt_xliff.xliffunit):
    namespace = NAMESPACE


class Xliff12(tt_xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2 (it writes 1.1 by default and reads both)."""
    UnitClass = _Unit12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='{VERSION}' xmlns='{NAMESPACE}'>
<file original='NoName' source-language='fr' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""
    namespace = NAMESPACE


@dataclass
class Entry:
    unit: tu.Unit
    target: str | None = None  # the translation as Markdown, or None
    state: str = NEEDS_TRANSLATION
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.state != TRANSLATED


@dataclass
class PagePlan:
    path: str
    source_hash: str
    entries: list[Entry]
    note: str = ""  # about the page as a whole


# -- what is known of a page's translation ---------------------------------------------------------------
def _read(file: Path) -> str | None:
    return file.read_text(encoding="utf-8") if file.is_file() else None


def _aligned(a: list[tu.Unit], b: list[tu.Unit]) -> dict[str, str]:
    """unit id -> text of b, for the units of a that b mirrors: the front matter fields by name, the body
    only if both have the same structure (the same unit ids in the same order)."""
    meta_b = {u.id: u.text for u in b if u.id.startswith(tu.META_PREFIX)}
    body_a = [u.id for u in a if not u.id.startswith(tu.META_PREFIX)]
    body_b = [u for u in b if not u.id.startswith(tu.META_PREFIX)]
    known = {u.id: meta_b[u.id] for u in a if u.id in meta_b}
    if body_a == [u.id for u in body_b]:
        known.update({u.id: u.text for u in body_b})
    return known


def plan(root: Path, languages: tuple[str, ...], lang: str, path: str) -> PagePlan:
    """Every unit of the French page, with what is known of its translation into lang."""
    root, source = Path(root), languages[0]
    file = f"docs/{source}/{path}"
    current = (root / file).read_text(encoding="utf-8")
    units = tu.split(current, file)[2]
    page = PagePlan(path, tr.source_hash(current), [Entry(u) for u in units])
    text = _read(root / "docs" / lang / path)
    if text is None or tr.TODO.search(text):
        return page
    translated = tu.split(text, f"docs/{lang}/{path}")[2]
    recorded = str(frontmatter.split(text, f"docs/{lang}/{path}")[0].get(tr.HASH_KEY) or "").strip()
    old_text = current if recorded == page.source_hash else None
    if old_text is None and recorded:
        found = th.old_source(root, source, path, recorded)
        old_text = found[1] if found else None
    if old_text is None:
        # The French version it translates is unknown: offer what lines up, for review.
        page.note = "the French version this translation was made from cannot be found: check every unit"
        known = _aligned(units, translated)
        for entry in page.entries:
            if entry.unit.id in known:
                _set_target(entry, known[entry.unit.id], NEEDS_REVIEW)
        return page
    old_units = tu.split(old_text, file)[2]
    known = _aligned(old_units, translated)
    if not any(not uid.startswith(tu.META_PREFIX) for uid in known) and len(known) < len(translated):
        page.note = "the translation's structure differs from the French page's: its text is not offered unit by unit"
    by_id = {u.id: u for u in old_units if u.id in known}
    by_text: dict[str, str] = {}
    for u in old_units:
        if u.id in known:
            by_text.setdefault(u.text, known[u.id])
    for entry in page.entries:
        unit = entry.unit
        if unit.id in by_id and by_id[unit.id].text == unit.text:
            _set_target(entry, known[unit.id], TRANSLATED)
        elif unit.text in by_text:
            _set_target(entry, by_text[unit.text], TRANSLATED)
        else:
            old = _most_similar(unit, list(by_id.values()))
            if old is not None:
                entry.notes.append(f"Previous French: {old.text}")
                entry.notes.append(f"Previous translation: {known[old.id]}")
    return page


def _most_similar(unit: tu.Unit, old: list[tu.Unit]) -> tu.Unit | None:
    same = [o for o in old if o.id == unit.id]
    scored = [(difflib.SequenceMatcher(None, o.text, unit.text).ratio(), o) for o in old]
    best = max(scored, key=lambda s: s[0], default=(0.0, None))
    return best[1] if best[0] >= th.SIMILAR else (same[0] if same else None)


def _set_target(entry: Entry, text: str, state: str) -> None:
    """The translation as target, if its protected elements are the French unit's; else as a note."""
    if _match(entry.unit.pieces, tu.pieces(text, entry.unit.id.startswith(tu.META_PREFIX))) is None:
        entry.notes.append(f"Current translation (its tags differ from the French, so it is not offered as target): {text}")
        entry.state = NEEDS_TRANSLATION
        return
    entry.target, entry.state = text, state


def _match(source: list[tu.Piece], target: list[tu.Piece]) -> list[tu.Piece] | None:
    """target's protected elements renumbered as the source's same elements; None if they differ."""
    free = [p for p in source if isinstance(p, tu.Code)]
    out: list[tu.Piece] = []
    for piece in target:
        if isinstance(piece, tu.Code):
            same = next((c for c in free if c.text == piece.text), None)
            if same is None:
                return None
            free.remove(same)
            out.append(same)
        else:
            out.append(piece)
    return out if _droppable(source, {c.id for c in free}) else None


def _droppable(source: list[tu.Piece], ids: set[str]) -> bool:
    """Whether a translation may leave out these protected elements: only whole pairs of emphasis
    markers (a word in italics in French may be plain in English); never a code, link or placeholder."""
    whole = {i for pair in tu.pairs(source) for i in pair
             if all(c.kind == "x-markup" for c in source if isinstance(c, tu.Code) and c.id in pair)
             and set(pair) <= ids}
    return ids <= whole


# -- export -----------------------------------------------------------------------------------------
def _rich(items: list[tu.Piece]) -> list[StringElem]:
    return [StringElem([p if isinstance(p, str) else
                        tt_place.X(id=p.id, xml_attrib={"ctype": p.kind, "equiv-text": p.text}) for p in items])]


def pages_to_export(root: Path, languages: tuple[str, ...], lang: str, paths: list[str] | None,
                    mode: str | None) -> list[str]:
    """The French paths to export: those given, or every page, or the outdated (or missing) ones."""
    if paths:
        for path in paths:
            tr._source_file(Path(root), languages[0], path)
        return paths
    status = tr.compute_status(root, languages)
    if mode is None:
        return sorted(status.pages)
    wanted = tr.OUTDATED if mode == "outdated" else tr.MISSING
    return [p.path for p in status.todo() if p.lang == lang and p.state == wanted]


def export(root: Path, languages: tuple[str, ...], lang: str, paths: list[str] | None = None,
           mode: str | None = None) -> tuple[bytes, int, int]:
    """(the XLIFF file, number of pages, number of units) for lang. mode "outdated" keeps only the units
    whose French changed; "missing" the pages not yet translated."""
    tr._check_language(lang, languages)
    source = languages[0]
    paths = [tr.normalise_path(p, languages) for p in paths] if paths else None
    store = Xliff12(sourcelanguage=source, targetlanguage=lang)
    pages = units = 0
    for path in pages_to_export(root, languages, lang, paths, mode):
        page = plan(root, languages, lang, path)
        entries = [e for e in page.entries if e.changed] if mode == "outdated" else page.entries
        if not entries:
            continue
        original = f"docs/{source}/{path}"
        store.switchfile(original, createifmissing=True)
        node = store.getfilenode(original)
        node.set("datatype", "x-markdown")
        node.set("source-language", source)
        node.set("target-language", lang)
        header = store.getheadernode(node, createifmissing=True)
        node.insert(0, header)  # XLIFF 1.2: the header comes before the body
        etree.SubElement(header, store.namespaced("note")).text = HASH_NOTE + page.source_hash
        if page.note:
            etree.SubElement(header, store.namespaced("note")).text = page.note
        for entry in entries:
            unit = store.addsourceunit(entry.unit.text, filename=original, createifmissing=True)
            unit.setid(entry.unit.id)
            unit.rich_source = _rich(entry.unit.pieces)
            if entry.target is not None:
                unit.rich_target = _rich(_match(entry.unit.pieces, tu.pieces(entry.target, entry.unit.id.startswith(tu.META_PREFIX))))
            unit.set_state_n(unit.statemap[entry.state])
            for note in entry.notes:
                unit.addnote(note, origin="4p1000")
            units += 1
        pages += 1
    store.removedefaultfile()
    return bytes(store), pages, units


# -- import -----------------------------------------------------------------------------------------
def _flat(elem) -> list[str | tuple[str, str | None]]:
    """A rich target as text pieces and (tag, id) of its placeables."""
    out: list = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, (tt_base.X, tt_base.Bx, tt_base.Ex, tt_base.G, tt_base.Ph, tt_place.UnknownXML)):
            out.append((type(node).__name__.lower(), node.id))
        elif type(node) is StringElem and node.isleaf():
            out.append(str(node))
        else:
            for sub in node.sub:
                walk(sub)

    for e in elem or []:
        walk(e)
    return out


def _target_markdown(unit: tu.Unit, flat: list, where: str) -> str:
    """The translated Markdown of a unit: its text, the French unit's protected elements back in place."""
    codes = {p.id: p for p in unit.pieces if isinstance(p, tu.Code)}
    used: list[str] = []
    out: list[str] = []
    for piece in flat:
        if isinstance(piece, str):
            out.append(piece)
            continue
        tag, ident = piece
        if tag != "x" or ident not in codes or ident in used:
            raise ContentError(where, None, f"has an inline tag <{tag} id=\"{ident}\"/> that is not one of the source's",
                               "keep the tags of the source, each once; do not add or change any")
        used.append(ident)
        out.append(codes[ident].text)
    missing = [codes[i] for i in codes if i not in used]
    if missing and not _droppable(unit.pieces, {c.id for c in missing}):
        raise ContentError(where, None, f"dropped the protected element <x id=\"{missing[0].id}\"/> ({missing[0].text})",
                           "put every tag of the source back in the translation")
    position = {ident: n for n, ident in enumerate(used)}
    for opening, closing in tu.pairs(unit.pieces):
        if opening in position and closing in position and position[opening] > position[closing]:
            raise ContentError(where, None, f"puts <x id=\"{closing}\"/> ({codes[closing].text}) before "
                               f"<x id=\"{opening}\"/> ({codes[opening].text})", "keep each pair of tags in order")
    return "".join(out).strip()


def read(data: bytes, name: str, root: Path, languages: tuple[str, ...]) -> tuple[str, dict[str, dict[str, str]]]:
    """(language, French path -> unit id -> translated Markdown) of an XLIFF file, checked against the
    French pages as they are now; ContentError names the file and the unit at the first problem."""
    try:
        store = tt_xliff.xlifffile.parsestring(data)
    except Exception as error:  # lxml and translate-toolkit raise several types for a broken file
        raise ContentError(name, None, f"is not an XLIFF file that can be read ({error})",
                           "give the file the translation tool exported") from None
    source = languages[0]
    result: dict[str, dict[str, str]] = {}
    lang = None
    by_element = {unit.xmlelement: unit for unit in store.units}
    for node in store.document.getroot().iterchildren(store.namespaced("file")):
        original = node.get("original", "")
        target_lang = node.get("target-language", "")
        if target_lang not in languages[1:]:
            raise ContentError(name, None, f"<file original=\"{original}\"> has target-language \"{target_lang}\"",
                               f"use {' or '.join(languages[1:])}")
        if lang not in (None, target_lang):
            raise ContentError(name, None, f"mixes target languages ({lang}, {target_lang})", "import one language per file")
        lang = target_lang
        prefix = f"docs/{source}/"
        path = original[len(prefix):] if original.startswith(prefix) else ""
        french = Path(root) / original
        if not path or not french.is_file():
            raise ContentError(name, None, f"<file original=\"{original}\"> is not a French page of the site",
                               f"export the file again: python -m tools.translations export {lang} ...")
        current = french.read_text(encoding="utf-8")
        header = store.getheadernode(node)
        notes = [n.text or "" for n in (header.iterchildren(store.namespaced("note")) if header is not None else [])]
        exported = next((n[len(HASH_NOTE):].strip() for n in notes if n.startswith(HASH_NOTE)), "")
        now = tr.source_hash(current)
        if exported != now:
            raise ContentError(name, None, f"{original} was exported from an older French version (source_hash "
                               f"{exported or 'missing'}, the page is now at {now})",
                               f"export it again: python -m tools.translations export {lang} {path}; the tool's "
                               "translation memory fills in what was already translated")
        units = {u.id: u for u in tu.split(current, original)[2]}
        page = result.setdefault(path, {})
        for element in node.iter(store.namespaced("trans-unit")):
            unit = by_element[element]
            uid = element.get("id", "")
            where = f"{name}, unit '{uid}' of {original}"
            if uid not in units:
                raise ContentError(name, None, f"unit '{uid}' is not a unit of {original}",
                                   "keep the units of the exported file; export it again if the page changed")
            flat = _flat(unit.rich_target) if unit.get_target_dom() is not None else []
            if not any(not isinstance(p, str) or p.strip() for p in flat):
                continue  # not translated
            page[uid] = _target_markdown(units[uid], flat, where)
    if lang is None:
        raise ContentError(name, None, "has no <file> to import", "export one with python -m tools.translations export")
    return lang, result


def _front_matter(text: str | None, french_meta: dict, values: dict[str, str], source_hash: str) -> str:
    """The translation's own front matter with the translated fields and source_hash; for a new page,
    the French front matter without the facts written only in French."""
    match = _HEAD.match(text) if text else None
    if match is None:
        meta = {k: v for k, v in french_meta.items() if k not in tr.NEUTRAL_KEYS}
        meta.update(values)
        meta[tr.HASH_KEY] = source_hash
        return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000) + "---\n"
    head = match.group(0)
    meta = frontmatter.split(text, "")[0]
    for key, value in values.items():
        if meta.get(key) == value:
            continue  # unchanged: the line stays as written
        line = yaml.safe_dump({key: value}, allow_unicode=True, width=10_000).rstrip("\n")
        pattern = re.compile(rf"^{re.escape(key)}:.*(?:\n[ \t]+.*)*$", re.M)
        if pattern.search(head):
            head = pattern.sub(lambda _m: line, head, count=1)
        else:  # a field the translation did not have: before the closing line
            lines = head.splitlines(keepends=True)
            head = "".join(lines[:-1]) + line + "\n" + lines[-1]
    return tr.set_source_hash(head, source_hash)


def apply(root: Path, languages: tuple[str, ...], lang: str, imported: dict[str, dict[str, str]],
          name: str) -> list[tuple[str, bool]]:
    """Write each page of imported; [(docs/<lang>/<path>, written)]: unchanged pages are not rewritten."""
    root, source = Path(root), languages[0]
    pages = []
    for path, targets in imported.items():
        page = plan(root, languages, lang, path)
        translation: dict[str, str] = {}
        for entry in page.entries:
            value = targets.get(entry.unit.id, entry.target if entry.state == TRANSLATED else None)
            if value is None:
                raise ContentError(name, None, f"unit '{entry.unit.id}' of docs/{source}/{path} has no translation",
                                   "translate it in the tool, then import the file again")
            translation[entry.unit.id] = value
        pages.append((path, page, translation))
    written = []
    for path, page, translation in pages:
        file = root / "docs" / lang / path
        current = _read(file)
        french = (root / "docs" / source / path).read_text(encoding="utf-8")
        french_meta, french_body, _units = tu.split(french, f"docs/{source}/{path}")
        keep = current is not None and not tr.TODO.search(current)
        if keep and all(e.state == TRANSLATED and translation[e.unit.id] == e.target for e in page.entries):
            written.append((f"docs/{lang}/{path}", False))  # nothing changed: the file stays byte for byte
            continue
        values = {u[len(tu.META_PREFIX):]: t for u, t in translation.items() if u.startswith(tu.META_PREFIX)}
        body = tu.render_body(french_body, lambda unit: translation[unit.id])
        head = _front_matter(current if keep else None, french_meta, values, page.source_hash)
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(head + body, encoding="utf-8")
        written.append((f"docs/{lang}/{path}", True))
    return written


def import_file(root: Path, languages: tuple[str, ...], xlf: Path) -> tuple[str, list[tuple[str, bool]]]:
    """Check then apply an XLIFF file; (language, [(file, written)])."""
    xlf = Path(xlf)
    if not xlf.is_file():
        raise ContentError(str(xlf), None, "no such file", "give the XLIFF file the translation tool returned")
    lang, imported = read(xlf.read_bytes(), xlf.name, root, languages)
    return lang, apply(root, languages, lang, imported, xlf.name)
