"""Search with Pagefind: which pages are indexed, in which language's index, with which kind; the
search box's labels in each language; a build without Pagefind; the live preview without an index.

The index is read back from Pagefind's own output: each page is a gzipped "fragment" (its URL, text,
metadata and filters) filed under the language of the index it belongs to."""
from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, write_tree
from fourpm import search
from fourpm.core.project import project_at
from fourpm.core.blocks import PageRef
from quality.site import languages

LANGS = tuple(languages())  # the languages of mkdocs.yml, the source first
LABELS = yaml.safe_load((ROOT / "data" / "labels.yml").read_text(encoding="utf-8"))


def fragments(site_dir: Path) -> dict[str, list[dict]]:
    """language -> the pages of its Pagefind index (url, content, meta, filters)."""
    found: dict[str, list[dict]] = {}
    for file in sorted((site_dir / search.BUNDLE / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(file.read_bytes())
        found.setdefault(file.name.split("_")[0], []).append(json.loads(data[data.index(b"{"):]))
    return found


class Tags(HTMLParser):
    """Start tags with their attributes, and the text inside each element with an id or a for."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        key = attrs.get("for") or (f"option={attrs['value']}" if tag == "option" else None)
        self._open.append(key or "")

    def handle_endtag(self, tag):
        if self._open:
            self._open.pop()

    def handle_data(self, data):
        for key in self._open:
            if key:
                self.texts[key] = self.texts.get(key, "") + data

    def find(self, tag: str, attribute: str | None = None) -> list[dict]:
        return [a for t, a in self.tags if t == tag and (attribute is None or attribute in a)]


def prefix(lang: str) -> str:
    return "/" if lang == LANGS[0] else f"/{lang}/"


# -- the kind of page, from the project's own data ----------------------------------------------------
@pytest.fixture(scope="module")
def kinds():
    """The kinds as the build gathers them (hooks/search.py, loaded as hooks/main.py loads it)."""
    spec = importlib.util.spec_from_file_location("fpm_hooks_search_test", ROOT / "hooks" / "search.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    return hook.kinds_of(project_at(ROOT, LANGS))


@pytest.mark.parametrize("path, kind", [
    ("objectives/a6.md", "objective"), ("objectives/index.md", None), ("facilities/cf-iii.md", "facility"),
    ("facilities/gf-2.md", "facility"), ("facilities/index.md", None), ("roadmap/cf-iv.md", "roadmap"),
    ("newsletter/issue-1.md", "newsletter"), ("newsletter/index.md", None), ("press/press-kit.md", "press"),
    ("press/releases/index.md", "press"), ("wiki/mrv.md", "wiki"), ("wiki/index.md", None), ("wiki/tags.md", None),
    ("wiki/partners/cirad.md", "partner"), ("wiki/partners/index.md", None), ("index.md", None),
    ("initiative/governance.md", None),
])
def test_the_kind_of_a_page_comes_from_the_catalogue_and_the_sections(kinds, path, kind):
    for lang in LANGS:
        assert search.page_kind(PageRef(lang, path, f"docs/{lang}/{path}"), kinds) == kind


def test_an_objective_the_catalogue_does_not_know_is_not_filed_as_one(kinds):
    assert search.page_kind(PageRef(LANGS[0], "objectives/z9.md", "docs/x"), kinds) is None


def test_a_page_shown_in_french_or_excluded_by_its_front_matter_is_not_indexed(kinds):
    page = PageRef(LANGS[-1], "objectives/a6.md", f"docs/{LANGS[0]}/objectives/a6.md")
    assert search.page_view(page, kinds, {}, shown_in_source_language=False) == {"indexed": True, "kind": "objective"}
    assert search.page_view(page, kinds, {}, shown_in_source_language=True)["indexed"] is False
    assert search.page_view(page, kinds, {"search": {"exclude": True}}, False)["indexed"] is False
    assert search.page_view(page, kinds, {"search": "exclude"}, False)["indexed"] is True  # not Material's key


def test_every_kind_has_a_label_in_every_language():
    for kind in search.KINDS:
        assert set(LABELS[f"search_kind_{kind}"]) >= set(LANGS)


# -- the real site's indexes ------------------------------------------------------------------------
def test_each_language_has_its_own_index_of_its_own_pages(real_site):
    entry = json.loads((real_site / search.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == set(LANGS)
    indexes = fragments(real_site)
    assert set(indexes) == set(LANGS)
    others = [prefix(lang) for lang in LANGS if lang != LANGS[0]]
    for lang, pages in indexes.items():
        assert entry["languages"][lang]["page_count"] == len(pages) > 100
        for page in pages:
            url = page["url"]
            in_lang = url.startswith(prefix(lang)) and (lang != LANGS[0] or not any(url.startswith(o) for o in others))
            assert in_lang, f"{url} is in the {lang} index"


def test_pagefind_given_the_lean_pages_writes_the_index_it_writes_from_the_whole_pages(real_site, tmp_path):
    whole = tmp_path / "whole"
    search._pagefind(real_site, whole)  # as the build ran it before lean pages
    search.settle(whole)
    built = {p.relative_to(real_site / search.BUNDLE): p.read_bytes() for p in (real_site / search.BUNDLE).rglob("*")
             if p.is_file()}
    assert built == {p.relative_to(whole): p.read_bytes() for p in whole.rglob("*") if p.is_file()}
    page = (real_site / "objectives" / "a1" / "index.html").read_bytes()
    lean = search.lean_page(page)
    assert b'data-pagefind-body' in lean and b'<html lang="fr"' in lean and len(lean) < len(page) / 2
    assert b'class="md-nav' in page and b'class="md-nav' not in lean
    assert search.lean_page(b"<html><body><p>no marks</p></body></html>") == b"<html><body><p>no marks</p></body></html>"


def test_what_is_indexed_is_the_content_not_the_navigation_banners_or_tooltips(real_site):
    pages = {page["url"]: page for pages in fragments(real_site).values() for page in pages}
    for lang in LANGS:
        a6 = pages[f"{prefix(lang)}objectives/a6/"]
        labels = {key: LABELS[key][lang] for key in ("cited_by", "objective", "facility")}
        assert a6["meta"]["title"].startswith("A6")
        assert labels["facility"] in a6["content"]  # the summary box is content
        assert labels["cited_by"] not in a6["content"]  # the generated list of citing pages is navigation
        assert "¶" not in a6["content"]  # heading permalinks
        nav_top = LABELS["objectives"][lang]
        assert a6["meta"]["section"] == nav_top
    # The glossary tooltips (title attributes on the terms' first use) are not text: only the glossary
    # page itself has the definitions.
    terms = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))["terms"]
    for lang in LANGS:
        definitions = [t["definition"][lang][:60] for t in terms if t.get("tooltip", True)]
        with_definitions = {url for url, page in pages.items() if any(d in page["content"] for d in definitions)}
        assert with_definitions == {f"{prefix(lang)}glossary/"}, lang
    assert not [url for url in pages if url.endswith("/translations/")]  # the team's page (search: exclude)
    assert not [url for url in pages if "404" in url]


def test_every_kind_is_a_filter_of_each_index(real_site):
    for lang, pages in fragments(real_site).items():
        kinds = {page["url"]: page.get("filters", {}).get("kind", [None])[0] for page in pages}
        assert set(kinds.values()) - {None} == set(search.KINDS), lang
        assert kinds[f"{prefix(lang)}objectives/a6/"] == "objective"
        assert kinds[f"{prefix(lang)}facilities/cf-iii/"] == "facility"
        assert kinds[f"{prefix(lang)}"] is None


def test_the_search_box_speaks_the_language_of_the_page(real_site):
    for lang in LANGS:
        for path in ("index.html", "objectives/a6/index.html", "404.html"):
            tags = Tags((real_site / prefix(lang).lstrip("/") / path).read_text(encoding="utf-8"))
            box = tags.find("div", "data-fpm-search")
            assert len(box) == 1 and box[0]["data-fpm-available"] == "true"
            assert tags.texts["__fpm_search_kind"].strip() == LABELS["search_filter"][lang]
            assert [tags.texts[f"option={kind}"].strip() for kind in ("",) + search.KINDS] == \
                [LABELS["search_filter_all"][lang]] + [LABELS[f"search_kind_{kind}"][lang] for kind in search.KINDS]
            assert box[0]["data-fpm-bundle"].endswith("/pagefind/")
            assert not tags.find("form", "name") or all(f["name"] != "search" for f in tags.find("form", "name"))
    assert not (real_site / "search" / "search_index.json").exists()  # Material's index is gone


# -- a fallback page, a build without Pagefind, the live preview ----------------------------------
def test_a_page_shown_in_french_is_indexed_only_in_french_and_marked_parts_are_left_out(mini_site):
    from tools.build import build_site

    write_tree(mini_site, {"docs/es/objectives/b1.md": None,  # shown in French to Spanish readers
                           "docs/en/objectives/a2.md": "---\ncode: A2\ntitle: Projects\n---\n\nCites [A1].\n\n"
                           "<div data-pagefind-ignore markdown>\nLeft out of the search.\n</div>\n"})
    out = mini_site / "site"
    build_site(out, mini_site / "mkdocs.yml")
    indexes = fragments(out)
    fallback_url = f"{prefix(LANGS[-1])}objectives/b1/"
    assert fallback_url not in {page["url"] for page in indexes[LANGS[-1]]}
    assert f"{prefix(LANGS[1])}objectives/b1/" in {page["url"] for page in indexes[LANGS[1]]}
    french = next(page for page in indexes[LANGS[0]] if page["url"] == "/objectives/b1/")
    assert "Plans d'investissements" in french["meta"]["title"]
    projects = next(page for page in indexes[LANGS[1]] if page["url"] == f"{prefix(LANGS[1])}objectives/a2/")
    assert "Cites" in projects["content"] and "Left out" not in projects["content"]  # data-pagefind-ignore
    html = (out / fallback_url.lstrip("/") / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" not in html and "fpm-translation-missing" in html


def test_a_build_without_pagefind_stops_at_once_with_the_command_to_run(mini_site, monkeypatch, capsys):
    from tools import build as build_tool

    out = mini_site / "site"
    out.mkdir()
    (out / "previous.html").write_text("previous", encoding="utf-8")
    monkeypatch.setattr(search, "installed", lambda: False)
    assert build_tool.main(["--config-file", str(mini_site / "mkdocs.yml"), "--site-dir", str(out)]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "Traceback" not in error
    assert "Pagefind is not installed" in error and "-m pip install -r requirements.txt" in error
    assert [p.name for p in out.iterdir()] == ["previous.html"]


def test_the_live_preview_says_search_is_not_available_there(mini_site):
    """`mkdocs serve` fires on_startup(command="serve"); it builds no Pagefind index."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(mini_site / "mkdocs.yml"), site_dir=str(mini_site / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:  # the hook modules are imported once per process: the builds after this one are not previews
        config.plugins.on_startup(command="build", dirty=False)
    for lang in LANGS:
        tags = Tags((mini_site / "preview" / prefix(lang).lstrip("/") / "index.html").read_text(encoding="utf-8"))
        box = tags.find("div", "data-fpm-search")[0]
        assert box["data-fpm-available"] == "false"
        html = (mini_site / "preview" / prefix(lang).lstrip("/") / "index.html").read_text(encoding="utf-8")
        assert LABELS["search_unavailable"][lang].replace("'", "&#39;") in html or LABELS["search_unavailable"][lang] in html
    assert not (mini_site / "preview" / search.BUNDLE).exists()


def test_pagefind_is_pinned_in_requirements():
    pins = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    from importlib import metadata

    assert f"pagefind-bin=={metadata.version('pagefind-bin')}" in pins
    assert f"pagefind[bin]=={metadata.version('pagefind')}" in pins
    done = subprocess.run([sys.executable, "-m", "pagefind", "--version"], capture_output=True, text=True)
    assert done.stdout.strip().endswith(metadata.version("pagefind-bin"))


def test_pagefind_filter_chunks_come_out_the_same_whatever_order_pagefind_wrote(tmp_path):
    """Pagefind writes a filter's values in a random order (and names the chunk by its hash): settle()
    makes two such outputs the same bytes, and the language's metadata names the settled chunk."""
    import gzip

    def bundle(name: str, values: list, chunk: str) -> Path:
        root = tmp_path / name
        (root / "filter").mkdir(parents=True)
        pack = lambda data: gzip.compress(search.SIGNATURE + data, mtime=0)  # noqa: E731
        (root / "filter" / f"en_{chunk}.pf_filter").write_bytes(pack(search._cbor(["kind", values])))
        (root / "index").mkdir()
        # [version, pages, word index chunks, filters, sorts, meta fields], as Pagefind 1.5.2 writes it
        meta = ["1.5.2", [], [], [["kind", f"en_{chunk}"]], [], []]
        (root / "pagefind.en_0123456789.pf_meta").write_bytes(pack(search._cbor(meta)))
        (root / "pagefind-entry.json").write_text(json.dumps({"languages": {"en": {"hash": "en_0123456789"}}}))
        return root

    one = bundle("one", [["wiki", [3, 4]], ["objective", [0, 1, 300]]], "aaaaaaa")
    two = bundle("two", [["objective", [0, 1, 300]], ["wiki", [3, 4]]], "bbbbbbb")
    for root in (one, two):
        search.settle(root)
    files = [{p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
             for root in (one, two)]
    assert files[0] == files[1]
    entry = json.loads((one / "pagefind-entry.json").read_text())
    meta = search._uncbor(search._read(one / f"pagefind.{entry['languages']['en']['hash']}.pf_meta"))
    chunk = one / "filter" / f"{meta[3][0][1]}.pf_filter"
    assert search._uncbor(search._read(chunk)) == ["kind", [["objective", [0, 1, 300]], ["wiki", [3, 4]]]]


def test_the_word_index_is_cut_in_small_chunks_that_the_metadata_finds_by_word(tmp_path):
    """rechunk() cuts Pagefind's word index chunks into smaller ones: every word kept, in order, once;
    each chunk under the size (plus its last word); each word, and each beginning of a word as a reader
    types it, falls in one chunk's [from, to] (as Pagefind's WebAssembly looks them up), which holds a
    word it begins."""
    import gzip
    import random

    rng = random.Random(13)
    words = sorted({"".join(rng.choice("abcdeéz") for _ in range(rng.randint(3, 9))) for _ in range(400)})
    # [stem, [[page, positions (a negative one sets a weight), meta positions]], variants], as in 1.5.2
    packed = [[w, [[rng.randint(0, 90), [-25, *rng.sample(range(1, 900), rng.randint(1, 12))], []]
                   for _ in range(rng.randint(1, 4))], []] for w in words]
    folder = tmp_path / "index"
    folder.mkdir()
    old = []
    for n, part in enumerate((packed[:250], packed[250:])):  # two chunks, as Pagefind might write them
        name = f"fr_{n:07d}"
        (folder / f"{name}.pf_index").write_bytes(gzip.compress(search.SIGNATURE + search._cbor([part])))
        old.append([part[0][0], part[-1][0], name])

    chunks = search.rechunk(folder, "fr", old, positions=200)
    assert sorted(p.stem for p in folder.iterdir()) == sorted(name for _f, _t, name in chunks)  # old ones gone
    assert 10 < len(chunks) < 60
    pieces = [search._uncbor(search._read(folder / f"{name}.pf_index"))[0] for _f, _t, name in chunks]
    assert [w for piece in pieces for w in piece] == packed
    assert all(sum(len(p[1]) + 1 for w in piece[:-1] for p in w[1]) < 200 for piece in pieces)
    for word in words:
        for typed in (word[:n] for n in range(1, len(word) + 1)):
            holding = [n for n, (start, end, _name) in enumerate(chunks) if start <= typed <= end]
            assert len(holding) == 1 and any(w[0].startswith(typed) for w in pieces[holding[0]]), (word, typed)
        assert word in [w[0] for w in pieces[holding[0]]]
    assert search.rechunk(folder, "fr", chunks, positions=200) == chunks  # settled: a second pass changes nothing
