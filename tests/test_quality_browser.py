"""The built site in a real browser (Debian's Chromium, driven by Playwright), served on localhost:
language switching, search, console errors, maps and charts, and no request to a third party."""
from __future__ import annotations

import html
import itertools
import re
import unicodedata

import pytest

from quality.browser import is_local, settle, tab, visit
from quality.site import LANGS_OF_CONFIG, html_pages, key_pages, language_of, nav_paths, required_key_pages, url_of

pytestmark = pytest.mark.quality  # make test-quality

PAIRS = list(itertools.permutations(LANGS_OF_CONFIG, 2))


def objective_path(site_config) -> str:
    path = key_pages(site_config)["objective"]
    assert path, "mkdocs.yml's nav has no objective page"
    return path


@pytest.mark.parametrize("source, target", PAIRS)
def test_switching_language_on_an_objective_page_lands_on_the_same_page(browser, served, langs, site_config,
                                                                        source, target):
    path = objective_path(site_config)
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(url_of(path, langs[source])))
        page.hover(".md-header__option .md-select")
        with page.expect_navigation():
            page.click(f'.md-select__link[hreflang="{target}"]')
        settle(page)
        assert page.url == served.url(url_of(path, langs[target]))
        assert page.get_attribute("html", "lang") == target
        assert recorder.console_errors == []


def page_titles(site, locations: list[str]) -> list[dict]:
    """{location, title} of each page: the text of its <h1>, the title the search shows."""
    docs = []
    for location in locations:
        text = (site / location / "index.html").read_text(encoding="utf-8")
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        docs.append({"location": location, "title": html.unescape(re.sub(r"<[^>]+>", "", heading.group(1))).strip()})
    return docs


def stem(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c))[:5]


def searchable_page(docs: list[dict], locations: list[str]) -> tuple[str, str]:
    """A page with a word (5 letters or more) in its title that no other title of the site has,
    in any language; and that word. Typing it, a reader expects that page first. A word written after
    an elided article (d'expériences, l'agroécologie) is preferred: French readers type it without."""
    titles = {doc["location"]: doc["title"] for doc in docs}
    found = []
    for location in locations:
        if location not in titles:
            continue
        others = [title.lower() for other, title in titles.items() if other.split("#")[0] != location]
        title = titles[location].lower()
        words = sorted(set(re.findall(r"\w{5,}", title)), key=lambda w: (-len(w), w))
        # Unique up to its stem, which the search matches ("estratégicos" finds "Estrategia"): no other
        # title has a word with the same first five letters, accents aside.
        stems = {stem(o) for other in others for o in re.findall(r"\w{5,}", other)}
        unique = [w for w in words if stem(w) not in stems]
        found += [(not re.search(rf"\b\w['’]{w}\b", title), location, w) for w in unique[:1]]
    assert found, "no page has a title word of its own"
    _plain, location, word = min(found, key=lambda item: item[0])  # the first elided word, else the first word
    return location, word


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_search_returns_the_page_whose_title_has_the_word_first(browser, served, langs, site_config, lang):
    """A reader types a word of a page's title in their language (objective pages first): that page
    comes first."""
    paths = nav_paths(site_config)
    paths = [p for p in paths if p.startswith("objectives/")] + [p for p in paths if not p.startswith("objectives/")]
    docs = page_titles(served.site, [url_of(p, prefix) for prefix in langs.values() for p in paths])
    location, word = searchable_page(docs, [url_of(p, langs[lang]) for p in paths])
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(langs[lang]))
        page.click(".md-search__input")
        settle(page)
        before = page.inner_text(".md-search-result__meta")  # "type to start searching"
        page.keyboard.type(word, delay=10)
        page.wait_for_function("before => document.querySelector('.md-search-result__meta').textContent.trim() !== before",
                               arg=before.strip(), timeout=15000)
        page.wait_for_timeout(300)  # the last keystroke's results
        first = page.evaluate("() => document.querySelector('.md-search-result__item > a')?.href || 'no result'")
        assert first == served.url(location), f"searching {word!r} on the {lang} site"
        assert recorder.console_errors == []


# Maps (Leaflet) and charts (SVG) must show what they carry once the page has loaded.
SHOWN = """() => {
  const maps = [...document.querySelectorAll('.leaflet-container')].map(map => ({
    markers: map.querySelectorAll('.leaflet-marker-icon, .leaflet-marker-pane > *, path.leaflet-interactive').length,
    height: map.getBoundingClientRect().height}));
  const charts = [...document.querySelectorAll('figure svg, svg[role="img"]')].filter(svg => !svg.closest('.md-header, .md-footer, .md-nav'))
    .map(svg => ({marks: svg.querySelectorAll('rect, path, circle, line, polyline').length,
                  width: svg.getBoundingClientRect().width, height: svg.getBoundingClientRect().height}));
  return {maps, charts};
}"""


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_the_map_shows_its_markers_and_the_dashboard_its_charts(browser, served, langs, site_config, lang):
    pages = required_key_pages(site_config)
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(url_of(pages["map"], langs[lang])))
        maps = page.evaluate(SHOWN)["maps"]
        assert maps and all(m["markers"] > 0 and m["height"] > 0 for m in maps), maps
        visit(page, served.url(url_of(pages["dashboard"], langs[lang])))
        charts = page.evaluate(SHOWN)["charts"]
        assert charts and all(c["marks"] > 0 and c["width"] > 0 and c["height"] > 0 for c in charts), charts
        assert recorder.console_errors == [] and recorder.third_party == []


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_every_page_loads_without_console_error_and_shows_its_maps_and_charts(browser, served, langs, lang):
    pages = [p for p in html_pages(served.site) if language_of(p, langs) == lang]
    assert len(pages) > 10
    problems = []
    with tab(browser, served) as (page, recorder):
        for path in pages:
            recorder.clear()
            visit(page, served.url(path))
            source = (served.site / (path if path.endswith(".html") else path + "index.html")).read_text(encoding="utf-8")
            shown = page.evaluate(SHOWN)
            if re.search(r"<script[^>]+leaflet[^>]*>", source, re.I) and not shown["maps"]:
                problems.append(f"{path}: loads Leaflet but shows no map")
            problems += [f"{path}: a map shows no marker" for m in shown["maps"] if not m["markers"] or not m["height"]]
            problems += [f"{path}: a chart is empty or invisible" for c in shown["charts"]
                         if not c["marks"] or not c["width"] or not c["height"]]
            problems += [f"{path}: console: {error}" for error in recorder.console_errors]
            problems += [f"{path}: third-party request {url}" for url in recorder.third_party]
    assert problems == []


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_key_pages_make_no_request_outside_localhost(browser, served, langs, site_config, lang):
    """Home, an objective, a facility, the newsletter, the map and the dashboard: every request they make,
    and those made while the reader opens the search, stays on localhost."""
    pages = required_key_pages(site_config)
    with tab(browser, served) as (page, recorder):
        for name, path in pages.items():
            visit(page, served.url(url_of(path, langs[lang])))
            page.click(".md-search__input")
            page.keyboard.type("sol", delay=10)
            settle(page)
        assert len(recorder.requests) > len(pages)  # the pages, their styles, scripts and search index
        own = served.site_url or served.base
        assert [url for url in recorder.requests if not is_local(url) and not url.startswith(own)] == []
        assert recorder.third_party == []
