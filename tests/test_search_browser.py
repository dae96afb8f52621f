"""The search box in a real browser (Debian's Chromium, driven by Playwright), on the real site served on
localhost: each language's pages only, stemming and accents, codes, the filter, the keyboard, axe-core,
and no request that leaves localhost."""
from __future__ import annotations

import pytest

from quality import axe
from quality.browser import is_local, tab, visit
from quality.search import RESULTS, query
from quality.site import LANGS_OF_CONFIG, url_of

pytestmark = pytest.mark.quality  # make test-quality


def in_language(href: str, lang: str, langs: dict[str, str]) -> bool:
    """Whether a result's URL (from the site's root) is a page of lang's part of the site."""
    path = href.lstrip("/")
    others = [prefix for code, prefix in langs.items() if prefix and code != lang]
    return path.startswith(langs[lang]) and not any(path.startswith(prefix) for prefix in others)


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_a_name_common_to_every_language_finds_only_pages_of_the_reader_language(browser, served, langs, lang):
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(langs[lang]))
        count, results = query(page, "CIRAD")
        assert results, f"{lang}: {count}"
        links = [link for result in results for link in result["links"]]
        assert [href for href in links if not in_language(href, lang, langs)] == []
        assert recorder.console_errors == []


# Words of one language and a page that only a search that knows the language finds: its stems
# ("réunion" finds "réunions") and its accents ("evaluation" finds "évaluation").
WORDS = [("es", "carbono", "carbono"), ("fr", "carbone", "carbone"), ("fr", "evaluation", "évaluation"),
         ("fr", "réunion", "réunions")]


@pytest.mark.parametrize("lang, words, highlighted", [w for w in WORDS if w[0] in LANGS_OF_CONFIG])
def test_words_are_found_in_their_language_with_stems_and_without_accents(browser, served, langs, lang, words,
                                                                         highlighted):
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(langs[lang]))
        count, results = query(page, words)
        assert results and all(in_language(r["href"], lang, langs) for r in results), count
        marks = {mark.lower() for result in results for mark in result["marks"]}
        assert highlighted in marks, f"{words!r} on the {lang} site highlights {sorted(marks)[:20]}"
        assert all(r["title"] for r in results)
        assert recorder.console_errors == []


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
@pytest.mark.parametrize("code, path", [("A6", "objectives/a6.md"), ("C4", "objectives/c4.md"),
                                        ("CF.III", "facilities/cf-iii.md")])
def test_a_code_lands_on_its_page_first(browser, served, langs, lang, code, path):
    with tab(browser, served) as (page, _recorder):
        visit(page, served.url(langs[lang]))
        _count, results = query(page, code)
        assert results and results[0]["href"] == "/" + url_of(path, langs[lang]), [r["href"] for r in results[:3]]
        assert results[0]["section"]  # "Strategic objectives", the section the page belongs to


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_the_kind_filter_narrows_the_results_to_that_kind(browser, served, langs, site_config, lang):
    objectives = {"/" + url_of(p, langs[lang]) for p in _nav(site_config) if p.startswith("objectives/")
                  and not p.endswith("index.md")}
    with tab(browser, served) as (page, _recorder):
        visit(page, served.url(langs[lang]))
        every, _results = query(page, "CIRAD")
        narrowed, results = query(page, "CIRAD", kind="objective")
        assert results and {r["href"] for r in results} <= objectives
        assert _number(narrowed) < _number(every), (narrowed, every)


def _nav(site_config) -> list[str]:
    from quality.site import nav_paths

    return nav_paths(site_config)


def _number(count_line: str) -> int:
    digits = "".join(ch for ch in count_line if ch.isdigit())
    return int(digits) if digits else 1  # "1 matching document" has its digit; "one" forms are 1


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_results_are_reached_and_opened_with_the_keyboard_alone(browser, served, langs, lang):
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(langs[lang]))
        _count, results = query(page, "CIRAD")
        links = [link for result in results for link in result["links"]]
        focused = "() => document.activeElement.getAttribute('href')"
        page.keyboard.press("ArrowDown")
        assert page.evaluate(focused) == links[0]
        page.keyboard.press("ArrowDown")
        assert page.evaluate(focused) == links[1]
        page.keyboard.press("ArrowUp")
        page.keyboard.press("ArrowUp")
        assert page.evaluate("() => document.activeElement.classList.contains('md-search__input')")
        page.keyboard.press("Tab")  # the filter, then the first result
        assert page.evaluate("() => document.activeElement.tagName") == "SELECT"
        page.keyboard.press("Tab")
        assert page.evaluate(focused) == links[0]
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.url.split("#")[0] == served.url(results[0]["href"].lstrip("/"))
        page.keyboard.press("s")  # Material's other shortcut opens it too, and Escape closes it
        assert page.evaluate("() => document.getElementById('__search').checked")
        page.keyboard.press("Escape")
        assert not page.evaluate("() => document.getElementById('__search').checked")
        assert recorder.console_errors == []


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_the_open_search_with_results_has_no_serious_accessibility_violation(browser, served, langs, lang):
    with tab(browser, served) as (page, _recorder):
        visit(page, served.url(langs[lang]))
        _count, results = query(page, "CIRAD")
        assert results
        assert axe.blocking(page) == []
        _count, results = query(page, "zzzzqqq")  # and with no result
        assert results == [] and axe.blocking(page) == []


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_searching_requests_only_the_site_own_files(browser, served, langs, lang):
    """Pagefind's script, its language's WebAssembly and the chunks the query needs, from the site itself:
    nothing from another host, and nothing of the other languages' indexes."""
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(langs[lang]))
        recorder.clear()
        query(page, "CIRAD")
        fetched = [url for url in recorder.requests if "/pagefind/" in url]
        assert any(url.endswith("/pagefind/pagefind.js") for url in fetched)
        assert any(url.endswith(f"/pagefind/wasm.{lang}.pagefind") for url in fetched)
        others = [code for code in LANGS_OF_CONFIG if code != lang]
        assert [url for url in fetched if any(f"/{code}_" in url or f".{code}." in url for code in others)] == []
        assert [url for url in recorder.requests if not is_local(url)] == [] and recorder.third_party == []


def test_a_result_list_holds_what_the_template_gives(browser, served, langs):
    """The results are filled into the templates of partials/search.html: a link per page and per section."""
    lang = LANGS_OF_CONFIG[0]
    with tab(browser, served) as (page, _recorder):
        visit(page, served.url(langs[lang]))
        _count, results = query(page, "carbone")
        assert page.eval_on_selector_all(f"{RESULTS} > li", "items => items.length") == len(results) <= 10  # drawn
        assert any(len(r["links"]) > 1 and all(link.startswith(r["href"] + "#") for link in r["links"][1:])
                   for r in results)


def test_more_results_are_drawn_as_the_reader_scrolls_to_the_end_of_the_list(browser, served, langs):
    """The first results are drawn at once; the next ones, and the fragments they need, only when the
    reader scrolls near the end of the list, as Material draws its results."""
    with tab(browser, served) as (page, recorder):
        visit(page, served.url(langs[LANGS_OF_CONFIG[0]]))
        count, results = query(page, "carbone")
        assert _number(count) > len(results) > 0, count
        fragments = lambda: [url for url in recorder.requests if url.endswith(".pf_fragment")]  # noqa: E731
        assert len(fragments()) == len(results)  # only those of the results drawn
        for _batch in range(2):
            drawn = page.eval_on_selector_all(f"{RESULTS} > li", "items => items.length")
            page.eval_on_selector(".md-search__scrollwrap", "wrap => { wrap.scrollTop = wrap.scrollHeight; }")
            page.wait_for_function(f"() => document.querySelectorAll('{RESULTS} > li').length > {drawn}")
        assert len(fragments()) == page.eval_on_selector_all(f"{RESULTS} > li", "items => items.length") > len(results)
        assert recorder.console_errors == []


def test_the_search_keeps_working_with_material_instant_navigation(browser, mini_site):
    """With theme.features navigation.instant, a result opens without reloading the page (Material
    swaps the content) and the next search still works. The site is built for the local address it is
    served from: Material's instant navigation follows only the links its sitemap lists.

    The reader searches again once the new page is shown, as a reader can: the URL changes at the click,
    before the page is fetched, and Material closes the search 125 ms after every navigation (its
    bundle.ts), so a search opened in between is closed under the reader's fingers, with Material's own
    search as with ours."""
    import functools
    import socket
    import threading

    from quality.site import Served, _QuietHandler, _Server
    from tools.build import build_site

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = mini_site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("site_url: https://example.org/", f"site_url: http://127.0.0.1:{port}/")
    config.write_text(text.replace("  font: false\n", "  font: false\n  features: [navigation.instant]\n"), encoding="utf-8")
    build_site(mini_site / "site", config, strict=False)  # static-i18n warns that its language links are not instant
    server = _Server(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(mini_site / "site")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with tab(browser) as (page, recorder):
            visit(page, Served(mini_site / "site", f"http://127.0.0.1:{port}/").url(""))
            page.evaluate("() => { window.fpmSameDocument = true; }")
            _count, results = query(page, "CDN")
            assert results and results[0]["href"] == "/objectives/a1/"
            page.evaluate("() => { document.querySelector('[data-md-component=container]').dataset.fpmOld = ''; }")
            page.click(f"{RESULTS} > li > a")
            page.wait_for_url("**/objectives/a1/")
            page.wait_for_selector("[data-md-component=container]:not([data-fpm-old])", state="attached")  # swapped
            # Material's close was timed at the click: a timer as long, set now, fires after it.
            page.evaluate("() => new Promise(done => setTimeout(done, 125))")
            assert page.evaluate("() => window.fpmSameDocument === true")  # no reload: instant navigation
            assert not page.evaluate("() => document.getElementById('__search').checked")
            _count, results = query(page, "Programmes")
            assert results and results[0]["href"] == "/facilities/cf-iv/"
            assert recorder.console_errors == []
    finally:
        server.shutdown()
        server.server_close()
