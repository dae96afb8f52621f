"""The wiki: tags and their index, partner pages generated from data, "pages that link here" (exactly
the pages whose text links to the page), and the "edit this page" link; in small sites and the real one."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest

from conftest import ROOT, build, make_mini_site, write_tree
from fourpm.publications import wiki
from fourpm.core.errors import ContentError
from test_publications import LANGS, add_publications, article, build_error, build_error_in_process, read
from test_publications import pub_built, pub_site  # noqa: F401 - shared fixtures


# -- pure functions ----------------------------------------------------------------------------------
def sheet(path, title, *tags):
    return wiki.Sheet(path, title, None, tuple(tags))


def test_tags_sorted_alphabetically_whatever_the_accents_and_case():
    sheets = [sheet("wiki/b.md", "Béta", "Été", "sols"), sheet("wiki/a.md", "alpha", "Sols"), sheet("wiki/c.md", "Zeta", "Climat")]
    index = wiki.tag_index(sheets)
    assert [(tag, [s.title for s in pages]) for tag, pages in index] == [
        ("Climat", ["Zeta"]), ("Été", ["Béta"]), ("sols", ["alpha", "Béta"])]
    assert wiki.tag_slug("Santé des sols") == "sante-des-sols" and wiki.tag_slug("L'Initiative") == "l-initiative"


def test_an_event_reads_the_same_on_the_agenda_and_on_its_organisers_pages(real_site):
    """One formatter for dates and ranges (core.languages): the same fact, the same words, on every page."""
    import html as html_module

    from conftest import LANGUAGES
    from fourpm.data import load_events, load_partners

    partners = load_partners(ROOT / "data", languages=LANGUAGES.codes)
    events = [e for e in load_events(ROOT / "data", partners, languages=LANGUAGES.codes) if e.exact and e.organisers]
    assert events
    for lang in LANGUAGES.codes:
        prefix = LANGUAGES.prefix(lang)
        agenda = html_module.unescape((real_site / prefix / "events/index.html").read_text(encoding="utf-8"))
        for event in events:
            when = LANGUAGES.date_range(event.start, event.end, lang)
            assert when in agenda, (lang, event.id, when)
            for pid in event.organisers:
                page = (real_site / prefix / "wiki/partners" / pid / "index.html").read_text(encoding="utf-8")
                assert when in html_module.unescape(page), (lang, pid, when)


def test_page_links_resolves_relative_links_to_site_urls():
    html = ('<a href="../mrv/#x">a</a> <a href="../../">b</a> <a href="https://example.org/">c</a> '
            '<a href="#top">d</a> <a href="index.html">e</a> <a href="../tags/?q=1">f</a> <a href="mailto:x@y.z">g</a>')
    assert wiki.page_links(html, "en/wiki/soil/") == {"en/wiki/mrv/", "en/", "en/wiki/soil/"}


def test_backlinks_list_exactly_the_other_pages_linking_in_site_order():
    contents = {"wiki/a/": '<a href="../b/">b</a><a href="">self</a>', "wiki/b/": "<p>none</p>",
                "": '<a href="wiki/b/">b</a><a href="wiki/a/#x">a</a>', "wiki/c/": '<a href="../b/">b</a><a href="../b/">again</a>'}
    links = {url: wiki.page_links(html, url) for url, html in contents.items()}
    assert wiki.backlinks(links) == {"": [], "wiki/a/": [""], "wiki/b/": ["", "wiki/a/", "wiki/c/"], "wiki/c/": []}


@pytest.mark.parametrize("tags, message", [
    ("tags: Sols", "docs/fr/wiki/soil.md, field 'tags': Expected a list of items, but a text was given"),
    ("tags: [Sols, '']", "docs/fr/wiki/soil.md, field 'tags': has an empty tag"),
    ("tags: [Sols, sols]", "docs/fr/wiki/soil.md, field 'tags': names the same tag twice"),
])
def test_bad_tags_get_a_clear_error(pub_site, tags, message):
    write_tree(pub_site, {"docs/fr/wiki/soil.md": f"---\ntitle: Sol\n{tags}\n---\n\nTexte.\n"})
    with pytest.raises(ContentError) as error:
        wiki.load_sheets(pub_site / "docs", tuple(LANGS))
    assert str(error.value).startswith(message)


# -- backlinks in built sites, checked against the links readers find in the pages ------------------
class Site:
    """A built site seen as readers see it: the links of each page's content, per language."""

    def __init__(self, root: Path, lang: str):
        self.root, self.prefix = root, LANGS[lang]
        others = [p for other, p in LANGS.items() if other != lang]
        self.pages = {}
        for html in sorted(root.rglob("index.html")):
            url = html.parent.relative_to(root).as_posix() + "/"
            url = "" if url == "./" else url
            if not url.startswith(self.prefix) or any(url.startswith(p) for p in others if p) or "search" in url:
                continue
            text = html.read_text(encoding="utf-8")
            if '<article class="md-content__inner' in text:
                self.pages[url] = text

    def links(self, url: str) -> set[str]:
        """Pages of this language linked from the content of a page, its backlinks list left out."""
        body = re.sub(r'<nav class="fpm-block fpm-wiki-backlinks".*?</nav>', "", article(self.pages[url]), flags=re.S)
        found = set()
        for href in re.findall(r'<a\b[^>]*?\bhref="([^"]*)"', body):
            target = urldefrag(urljoin("https://x.invalid/" + url, href.replace("&amp;", "&")))[0]
            if target.startswith("https://x.invalid/"):
                found.add(target[len("https://x.invalid/"):].removesuffix("index.html"))
        return {t for t in found if t in self.pages and t != url}

    def backlinks(self, url: str) -> list[str]:
        nav = re.search(r'<nav class="fpm-block fpm-wiki-backlinks".*?</nav>', self.pages[url], re.S)
        assert nav, f"{url} has no backlinks block"
        return [urljoin("https://x.invalid/" + url, href)[len("https://x.invalid/"):]
                for href in re.findall(r'href="([^"]*)"', nav.group(0))]


def check_backlinks(site: Site) -> int:
    wiki_pages = [url for url in site.pages if url.startswith(site.prefix + "wiki/")]
    for url in wiki_pages:
        expected = sorted(source for source in site.pages if url in site.links(source))
        assert sorted(site.backlinks(url)) == expected, url
        assert len(set(site.backlinks(url))) == len(site.backlinks(url))
    return len(wiki_pages)


@pytest.mark.site
@pytest.mark.parametrize("lang", LANGS)
def test_backlinks_list_exactly_the_pages_that_link_there(pub_built, lang):
    site = Site(pub_built, lang)
    assert check_backlinks(site) == 8  # index, tags, 3 sheets, partners index, 2 partner pages
    prefix = LANGS[lang]
    assert sorted(site.backlinks(f"{prefix}wiki/mrv/")) == [f"{prefix}wiki/", f"{prefix}wiki/soil/", f"{prefix}wiki/tags/"]
    assert f"{prefix}newsletter/issue-1/" in site.backlinks(f"{prefix}wiki/soil/")  # pages outside the wiki count
    lonely = site.pages[f"{prefix}wiki/lonely/"]
    assert sorted(site.backlinks(f"{prefix}wiki/lonely/")) == [f"{prefix}wiki/", f"{prefix}wiki/tags/"]
    assert 'id="fpm-wiki-backlinks"' in lonely


@pytest.fixture(scope="module")
def wiki_edited(tmp_path_factory) -> Path:
    """The publications site, built once with two edits that do not meet: in French no page links to
    the lonely sheet any more; in Spanish that sheet is missing (so shown in French)."""
    project = add_publications(make_mini_site(tmp_path_factory.mktemp("wiki-edited")))
    return build(write_tree(project, {"docs/fr/wiki/index.md": "---\ntitle: Wiki\n---\n\nRien.\n",
                                      "docs/fr/wiki/tags.md": "---\ntitle: Tags\n---\n\nRien.\n",
                                      "docs/es/wiki/lonely.md": None}))


@pytest.mark.site
def test_backlinks_say_so_when_no_page_links_there(wiki_edited):
    html = read(wiki_edited, "wiki/lonely/index.html")
    assert "Aucune page ne pointe encore ici." in html


def test_a_dirty_rebuild_keeps_the_backlinks_of_pages_it_does_not_render(pub_site):
    """`make serve` rebuilds only the page that changed: its backlinks still come from every page."""
    import os

    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    # Its own full build just before: a dirty rebuild of a copy of a site built earlier in the run (other
    # builds in between) lost the backlinks of the pages it did not render.
    site = build(pub_site)
    before = read(site, "wiki/mrv/index.html")
    source = pub_site / "docs/fr/wiki/mrv.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nEncore.\n", encoding="utf-8")
    os.utime(source, (source.stat().st_atime, (site / "wiki/mrv/index.html").stat().st_mtime + 10))
    mkdocs_build(load_config(str(pub_site / "mkdocs.yml"), site_dir=str(site)), dirty=True)
    after = read(site, "wiki/mrv/index.html")
    assert "Encore." in after and "Encore." not in before
    nav = re.search(r'<nav class="fpm-block fpm-wiki-backlinks".*?</nav>', after, re.S).group(0)
    assert nav == re.search(r'<nav class="fpm-block fpm-wiki-backlinks".*?</nav>', before, re.S).group(0)
    assert nav.count("<li>") == 3


@pytest.mark.parametrize("lang", LANGS)
def test_backlinks_on_the_real_site(real_site, lang):
    from fourpm.data import load_partners

    pages = len(list((ROOT / "docs" / lang / "wiki").rglob("*.md"))) + len(load_partners(ROOT / "data", languages=tuple(LANGS)))
    assert check_backlinks(Site(real_site, lang)) == pages  # sheets and pages, and one page per partner


# -- tags ----------------------------------------------------------------------------------------------
@pytest.mark.site
def test_tag_index_and_page_tags_in_each_language(pub_built):
    for lang, prefix in LANGS.items():
        index = article(read(pub_built, f"{prefix}wiki/tags/index.html"))
        summer = {"fr": "ete-fr", "en": "ete-en", "es": "ete-es"}[lang]
        assert re.findall(r'<h2 id="([^"]+)">', index) == [summer, "sols", "fpm-wiki-backlinks"]  # Été < Sols
        sols = index[index.index('id="sols"'):index.index('id="fpm-wiki-backlinks"')]
        assert re.findall(r'href="([^"]+)"', sols) == ["../mrv/", "../soil/"]
        soil = article(read(pub_built, f"{prefix}wiki/soil/index.html"))
        tags = re.search(r'<p class="fpm-block fpm-wiki-tags">.*?</p>', soil, re.S).group(0)
        assert re.findall(r'href="([^"]+)">([^<]+)</a>', tags) == [("../tags/#sols", "Sols"), (f"../tags/#{summer}", f"Été {lang}")]


@pytest.mark.site
def test_a_sheet_missing_in_a_language_is_shown_in_french_in_its_index(wiki_edited):
    index = article(read(wiki_edited, "es/wiki/tags/index.html"))
    assert '<a href="../lonely/">Lonely fr</a>' in index and 'id="ete-fr"' in index


# -- partner pages -----------------------------------------------------------------------------------
@pytest.mark.site
def test_partner_pages_are_generated_in_each_language(pub_built):
    country = {"fr": "Finlande", "en": "Finland", "es": "Finlandia"}
    day = {"fr": "6–8 juin 2023", "en": "6–8 June 2023", "es": "6–8 de junio de 2023"}
    for lang, prefix in LANGS.items():
        page = read(pub_built, f"{prefix}wiki/partners/bsag/index.html")
        assert f'<html lang="{lang}"' in page and "<h1>Baltic Sea Action Group (BSAG)</h1>" in page
        body = article(page)
        assert f"<dd>{country[lang]}</dd>" in body and "<dd>Helsinki</dd>" in body and day[lang] in body
        index = article(read(pub_built, f"{prefix}wiki/partners/index.html"))
        assert 'href="bsag/"' in index and 'href="cirad/"' in index
        cirad = article(read(pub_built, f"{prefix}wiki/partners/cirad/index.html"))
        assert '<a href="https://www.cirad.fr">' in cirad and "<dd>2019</dd>" in cirad
    sitemap = read(pub_built, "sitemap.xml")
    assert "https://example.org/es/wiki/partners/cirad/" in sitemap


@pytest.mark.site
def test_language_switch_of_a_partner_page_leads_to_the_same_partner(pub_built):
    page = read(pub_built, "en/wiki/partners/cirad/index.html")
    switch = dict((lang, href) for href, lang in re.findall(r'<a href="([^"]+)" hreflang="([a-z]+)" class="md-select__link">', page))
    assert switch == {"fr": "../../../../wiki/partners/cirad/", "en": "./", "es": "../../../../es/wiki/partners/cirad/"}


def test_a_hand_written_partner_page_is_refused(pub_site):
    write_tree(pub_site, {"docs/fr/wiki/partners/cirad.md": "---\ntitle: CIRAD\n---\n\nTexte.\n"})
    assert "docs/fr/wiki/partners/cirad.md: the wiki's partner pages are generated from data/partners.yml" in build_error(pub_site)


def test_a_partner_block_with_an_unknown_id_gets_a_clear_error(pub_site, caplog):
    write_tree(pub_site, {"docs/fr/wiki/index.md": "---\ntitle: Wiki\n---\n\n<!-- 4p1000 wiki-partner id=cirat -->\n"})
    assert 'docs/fr/wiki/index.md, line 5: id="cirat" is not a partner of data/partners.yml (did you mean cirad?)' \
        in build_error_in_process(pub_site, caplog)  # the command line: the test above


# -- edit this page ----------------------------------------------------------------------------------
@pytest.mark.site
def test_edit_links_open_the_source_file_or_the_partners_data(pub_built):
    for lang, prefix in LANGS.items():
        sheet_page = read(pub_built, f"{prefix}wiki/soil/index.html")
        assert f'href="https://git.example.org/site/edit/main/docs/{lang}/wiki/soil.md"' in sheet_page
        partner = read(pub_built, f"{prefix}wiki/partners/cirad/index.html")
        assert 'href="https://git.example.org/site/edit/main/data/partners.yml"' in partner
