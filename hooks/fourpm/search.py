"""Search with Pagefind: what each page tells the indexer, and the index of each language's pages.

Pagefind (https://pagefind.app) reads the built HTML: it finds each page's language in <html lang>,
indexes the element marked data-pagefind-body, and writes one index per language under pagefind/,
in small chunks that the reader's browser fetches only when a query needs them. This module decides,
from the project's own data, which pages are indexed and with which filter (the kind of page); the
attributes are written by overrides/main.html, the search box is overrides/partials/search.html.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from .core import cache
from .core.processes import die_with_parent
from .core.errors import ContentError
from .core.blocks import PageRef

# The kinds a reader can filter on, in the order the filter offers them; each has a label
# "search_kind_<kind>" in data/labels.yml.
KINDS = ("objective", "facility", "roadmap", "newsletter", "press", "wiki", "partner")
ROADMAP = "roadmap"  # docs/<lang>/roadmap/: the Roadmap's chapters, one per Core Facility, and its summary
BUNDLE = "pagefind"  # the folder of the index and its scripts, at the site's root
INSTALL = f"{sys.executable} -m pip install -r requirements.txt"
# Parts of the indexed content that are not its text: heading permalinks (¶), the edit button, and the
# generated lists of the pages that cite or link to this one (navigation, which would rank every page
# that is cited for the words of the citing pages' titles).
EXCLUDE = (".headerlink", ".md-content__button", ".fpm-backlinks", "#fpm-backlinks", ".fpm-wiki-backlinks",
           "#fpm-wiki-backlinks")


# Which kind a page is, for the filter: each feature that owns a kind of page says which of its pages
# are (a function of the page giving its kind, "" for a page of its own without a kind, or None for a
# page it does not own); hooks/search.py gathers them, so this module knows no other feature.
KindOf = Callable[[PageRef], "str | None"]


def catalogue_kinds(catalog) -> KindOf:
    """Objective and facility pages, as the catalogue knows them (not by their folder)."""
    objectives = frozenset(o.path for o in catalog.objectives.values())
    facilities = frozenset(f.path for f in catalog.facilities.values())
    return lambda page: "objective" if page.path in objectives else "facility" if page.path in facilities else None


def roadmap_kind(page: PageRef) -> str | None:
    return "roadmap" if page.path.startswith(f"{ROADMAP}/") else None


def page_kind(page: PageRef, kinds: tuple[KindOf, ...]) -> str | None:
    """The kind of a page for the search filter, or None for the other pages (home, governance...)."""
    return next((kind for kind in (kind_of(page) for kind_of in kinds) if kind is not None), None) or None


def page_view(page: PageRef, kinds: tuple[KindOf, ...], meta: dict, shown_in_source_language: bool) -> dict:
    """What overrides/main.html writes for Pagefind: whether the page is indexed, and its kind.

    A page shown in French under another language (translation missing, or only scaffolded) is not
    indexed: its text is indexed once, in French, at the French page, and readers of the other language
    are not offered French text as if it were translated. Nor is a page whose front matter says
    `search: {exclude: true}` (Material's own key; the team's translation status)."""
    kind = page_kind(page, kinds)
    search = meta.get("search")
    excluded = isinstance(search, dict) and search.get("exclude") is True
    return {"indexed": not (shown_in_source_language or excluded), "kind": kind}


def box_view(labels: dict[str, str], available: bool) -> dict:
    """What the search box shows, in the page's language: its labels (the search_* ones only: every page's
    template context is spelled for the page cache) and the filter's choices."""
    return {"available": available, "labels": {k: v for k, v in labels.items() if k.startswith("search_")},
            "kinds": [(kind, labels[f"search_kind_{kind}"]) for kind in KINDS]}


def executable() -> Path | None:
    """The pinned Pagefind binary (PyPI pagefind-bin, under pagefind[bin]), run without a Python wrapper."""
    try:
        import pagefind_bin

        return pagefind_bin.get_executable()
    except (ImportError, FileNotFoundError):
        return None


def installed() -> bool:
    return executable() is not None


def require() -> None:
    """Raises ContentError with the command to run when Pagefind is not installed."""
    if not installed():
        raise ContentError("requirements.txt", "pagefind[bin]", "Pagefind is not installed, the search index "
                           "cannot be built", f"run: {INSTALL}")


def build_index(site_dir: Path, lean: Path | None = None) -> None:
    """Index the site (or one language's part of it) with the pinned Pagefind (requirements.txt) into
    site_dir/pagefind/. Raises ContentError when Pagefind is missing or fails.

    Pagefind reads lean copies of the pages (`lean_pages`), written in the folder lean (a new temporary
    one by default) and removed after: half of its time went to parsing the navigation around the indexed
    element. The index is the same, byte for byte (a test builds it both ways). The bundle is kept in the
    page cache (core/cache.py) under a digest of those copies: a language whose indexed pages did not
    change (an edit in another language, or outside what is indexed) gets its bundle back, not indexed
    again."""
    require()
    copies = lean_pages(site_dir)
    store, bundle = cache.current(), site_dir / BUNDLE
    key = store.key("pagefind", (_pagefind_version(), EXCLUDE, *(part for item in copies.items() for part in item)))
    if (found := store.get(key)) is not None:
        for name, data in found[0].items():
            (bundle / name).parent.mkdir(parents=True, exist_ok=True)
            (bundle / name).write_bytes(data)
        return
    lean = Path(tempfile.mkdtemp()) if lean is None else lean
    try:
        lean.mkdir(exist_ok=True)
        for name, data in copies.items():
            (lean / name).parent.mkdir(parents=True, exist_ok=True)
            (lean / name).write_bytes(data)
        _pagefind(lean, bundle)
    finally:
        shutil.rmtree(lean, ignore_errors=True)
    settle(bundle)
    store.put(key, {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()})


def _pagefind_version() -> str:
    try:
        return metadata.version("pagefind-bin")
    except metadata.PackageNotFoundError:
        return "unknown"


def _pagefind(site_dir: Path, bundle: Path) -> None:
    excluded = [arg for selector in EXCLUDE for arg in ("--exclude-selectors", selector)]
    done = subprocess.run([str(executable()), "--site", str(site_dir), "--output-path", str(bundle), *excluded,
                           "--silent"], capture_output=True, text=True,
                          preexec_fn=functools.partial(die_with_parent, os.getpid()))  # not left by a killed build
    if done.returncode != 0:
        raise ContentError(str(site_dir), None, "Pagefind could not index the site: "
                           + (done.stderr or done.stdout).strip().replace("\n", " ")[-500:])


ENTRY = "pagefind-entry.json"  # the bundle's list of languages and their metadata files


def merged_entry(bundles: list[Path]) -> bytes:
    """The entry file of the bundles of separate languages laid over each other (their other files have
    distinct names, or the same bytes): what Pagefind and settle() write for the whole site at once.
    Raises ContentError if two bundles index the same language."""
    entries = [json.loads((bundle / ENTRY).read_text(encoding="utf-8")) for bundle in bundles]
    languages: dict = {}
    for bundle, entry in zip(bundles, entries):
        for lang, index in entry["languages"].items():
            if lang in languages:
                raise ContentError(str(bundle / ENTRY), None, f"two language builds indexed pages in '{lang}'",
                                   "a page's <html lang> is the language it is built in: check its template")
            languages[lang] = index
    merged = {**entries[0], "languages": dict(sorted(languages.items()))}
    return json.dumps(merged, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# overrides/main.html marks the element Pagefind indexes with these comments.
INDEXED_START, INDEXED_END = b"<!--fpm:indexed-->", b"<!--/fpm:indexed-->"


def lean_pages(site_dir: Path) -> dict[str, bytes]:
    """What Pagefind is given of the pages of a site, {path: lean copy}, read one at a time (the copies
    are a third of the pages' size). A page without data-pagefind-body is left out when another page has
    the marks, as Pagefind would leave it out."""
    copies, unmarked, marked = {}, [], False
    for path in sorted(site_dir.rglob("*.html")):
        html, name = path.read_bytes(), path.relative_to(site_dir).as_posix()
        copy = lean_page(html)
        marked = marked or copy is not html
        if copy is html and b"data-pagefind-body" not in html:
            unmarked.append(name)
        else:
            copies[name] = copy
    if not marked:  # no page marked: Pagefind indexes every page whole
        copies.update((name, (site_dir / name).read_bytes()) for name in unmarked)
    return dict(sorted(copies.items()))


def lean_page(html: bytes) -> bytes:
    """What Pagefind reads of a page: everything up to its <body> tag (<html lang>, <head>) and the
    indexed element, marked in overrides/main.html. A page without the marks is given whole."""
    start = html.find(INDEXED_START)
    end = html.find(INDEXED_END, start)
    body = html.find(b"<body")
    body_end = html.find(b">", body) + 1
    if start < 0 or end < 0 or not 0 < body_end <= start:
        return html
    return html[:body_end] + html[start:end] + b"</body></html>\n"


# -- the same bytes from the same site, in smaller pieces --------------------------------------------------
# Pagefind 1.5 writes each language's filter chunk in the order of a Rust HashMap, which changes from run
# to run: the chunk's bytes, its hash-based name, the language's metadata file that names it and
# pagefind-entry.json that names that. settle() writes the filter chunks with their values sorted, under a
# name hashed from the sorted bytes, and renames what refers to them; the other files are already stable.
# It also cuts the word index finer (rechunk): Pagefind's indexer cuts it every 20,000 word positions,
# a constant of its code, about 30 KB gzipped, and a first query fetches a whole such chunk for a word.
SIGNATURE = b"pagefind_dcd"
META_CHUNKS = 2  # a language's metadata: [version, pages, word index chunks, filters, sorts, meta fields]
CHUNK_POSITIONS = 2500  # word positions per chunk of the word index: a few KB gzipped


def settle(bundle: Path) -> None:
    renamed: dict[str, str] = {}
    for chunk in sorted((bundle / "filter").glob("*.pf_filter")):
        data = SIGNATURE + _cbor(_sorted(_uncbor(_read(chunk))))
        old, lang = chunk.name.removesuffix(".pf_filter"), chunk.name.split("_")[0]
        renamed[old] = f"{lang}_{hashlib.sha256(data).hexdigest()[:len(old) - len(lang) - 1]}"
        chunk.unlink()
        _write(bundle / "filter" / f"{renamed[old]}.pf_filter", data)
    entry_file = bundle / ENTRY
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for lang, index in entry["languages"].items():
        meta = bundle / f"pagefind.{index['hash']}.pf_meta"
        fields = _uncbor(_read(meta))
        fields[META_CHUNKS] = rechunk(bundle / "index", lang, fields[META_CHUNKS])
        data = SIGNATURE + _cbor(fields)
        for before, after in renamed.items():  # names of the same length: the CBOR around them holds
            data = data.replace(before.encode(), after.encode())
        meta.unlink()
        index["hash"] = f"{lang}_{hashlib.sha256(data).hexdigest()[:len(index['hash']) - len(lang) - 1]}"
        _write(bundle / f"pagefind.{index['hash']}.pf_meta", data)
    entry["languages"] = dict(sorted(entry["languages"].items()))
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def rechunk(folder: Path, lang: str, chunks: list, positions: int = CHUNK_POSITIONS) -> list:
    """Cut a language's word index chunks (folder/<hash>.pf_index, named by the metadata's [from, to,
    hash] entries, in word order) into chunks of about `positions` word positions, as Pagefind's indexer
    cuts them (its chunk_index): returns the new entries.

    Pagefind's WebAssembly loads, for each word of a query, the chunk whose [from, to] holds it. Here a
    chunk runs to its last word, and the next one from the shortest beginning of its first word that
    sorts after that (the first one from ""): every word, and every beginning of a word being typed,
    falls in one chunk, which holds a word it begins. (Pagefind cuts `to` short too, so that a chunk's
    last words can fall between two chunks: rare with a handful of chunks, not with dozens.)"""
    words = []  # (stem, word positions, its CBOR bytes, copied as they are: re-encoding costs more than Pagefind)
    for _from, _to, name in chunks:
        data = _read(folder / f"{name}.pf_index")
        _major, _one, at = _header(data, 0)  # [[word, ...]]
        _major, count, at = _header(data, at)
        for _ in range(count):  # a word: [stem, [[page, positions, meta positions]...], [[variant, pages]...]]
            stem, size, end = _word(data, at)
            words.append((stem, size, data[at:end]))
            at = end
        (folder / f"{name}.pf_index").unlink()
    pieces, piece, size = [], [], 0
    for word in words:
        size += word[1]
        piece.append(word)
        if size >= positions:
            pieces.append(piece)
            piece, size = [], 0
    pieces += [piece] if piece else []
    entries = [["" if n == 0 else piece[0][0], piece[-1][0], None] for n, piece in enumerate(pieces)]
    for left, right in zip(entries, entries[1:]):
        right[0] = next(right[0][:n] for n in range(1, len(right[0]) + 1) if right[0][:n] > left[1])
    for entry, piece in zip(entries, pieces):
        data = SIGNATURE + _head(4, 1) + _head(4, len(piece)) + b"".join(word[2] for word in piece)
        digest, length = hashlib.sha256(data).hexdigest(), 7
        while (folder / f"{lang}_{digest[:length]}.pf_index").exists():  # Pagefind lengthens names that collide
            length += 1
        entry[2] = f"{lang}_{digest[:length]}"
        _write(folder / f"{entry[2]}.pf_index", data)
    return entries


def _read(chunk: Path) -> bytes:
    data = gzip.decompress(chunk.read_bytes())
    return data[len(SIGNATURE):] if data.startswith(SIGNATURE) else data


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(gzip.compress(data, mtime=0))


def _sorted(value):
    """A filter chunk is [name, [[value, [page, ...]], ...]]: the [value, pages] pairs sorted by value."""
    if not isinstance(value, list):
        return value
    items = [_sorted(v) for v in value]
    if items and all(isinstance(v, list) and v and isinstance(v[0], str) for v in items):
        items.sort(key=lambda v: v[0])
    return items


# The little of CBOR (RFC 8949) that Pagefind's chunks and metadata use: integers, text, arrays (maps too).
def _uncbor(data: bytes):
    value, end = _item(data, 0)
    if end != len(data):
        raise ValueError("trailing bytes in a Pagefind chunk")
    return value


def _header(data: bytes, at: int) -> tuple[int, int, int]:
    """An item's major type, its number (value or length) and where its content starts."""
    major, info, at = data[at] >> 5, data[at] & 31, at + 1
    if info < 24:
        return major, info, at
    if info <= 27:
        size = 1 << (info - 24)
        return major, int.from_bytes(data[at:at + size], "big"), at + size
    raise ValueError(f"unexpected CBOR item {data[at - 1]:#x} in a Pagefind chunk")


def _item(data: bytes, at: int):
    major, n, at = _header(data, at)
    if major == 0:
        return n, at
    if major == 1:  # negative: Pagefind marks a word's weight with negative positions
        return -1 - n, at
    if major == 3:
        return data[at:at + n].decode("utf-8"), at + n
    if major == 4:
        items = []
        for _ in range(n):
            item, at = _item(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = {}
        for _ in range(n):
            key, at = _item(data, at)
            pairs[key], at = _item(data, at)
        return pairs, at
    raise ValueError(f"unexpected CBOR type {major} in a Pagefind chunk")


# Bytes of an integer item by its header's low five bits: in the header (< 24), or 1, 2, 4 or 8 more.
_INT_SIZE = bytes([1] * 24 + [2, 3, 5, 9] + [0] * 4)


def _skip(data: bytes, at: int) -> int:
    """Where the item at `at` ends, without decoding it (positions are most of a chunk)."""
    first = data[at]
    if first >> 5 <= 1 and _INT_SIZE[first & 31]:
        return at + _INT_SIZE[first & 31]
    major, n, at = _header(data, at)
    if major in (2, 3):
        return at + n
    if major in (4, 5):
        for _ in range(n if major == 4 else 2 * n):
            first = data[at]  # an integer, inline: the call is most of the cost
            at = at + _INT_SIZE[first & 31] if first >> 5 <= 1 and _INT_SIZE[first & 31] else _skip(data, at)
        return at
    raise ValueError(f"unexpected CBOR type {major} in a Pagefind chunk")


def _word(data: bytes, at: int) -> tuple[str, int, int]:
    """A word's stem, its number of positions plus pages (how much of a chunk it fills) and its end:
    [stem, [[page, [positions], [meta positions]], ...], ...]."""
    _major, items, at = _header(data, at)
    stem, at = _item(data, at)
    _major, pages, at = _header(data, at)
    positions = 0
    for _ in range(pages):
        _major, fields, at = _header(data, at)
        at = _skip(data, at)  # the page's number
        positions += _header(data, at)[1] + 1
        for _ in range(fields - 1):
            at = _skip(data, at)
    for _ in range(items - 2):
        at = _skip(data, at)
    return stem, positions, at


def _head(major: int, n: int) -> bytes:
    if n < 24:
        return bytes([major << 5 | n])
    size = next(s for s in (1, 2, 4, 8) if n < 1 << (8 * s))
    return bytes([major << 5 | (24 + (1, 2, 4, 8).index(size))]) + n.to_bytes(size, "big")


def _cbor(value) -> bytes:
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(map(_cbor, value))
    return _head(5, len(value)) + b"".join(_cbor(k) + _cbor(v) for k, v in value.items())
