"""The hostile site of test_safety_escaping.py in Chromium: no script of the payload runs, on any page,
nor from the search results (Material shows the search index's titles as HTML)."""
from __future__ import annotations

import pytest

from quality.browser import settle, tab, visit
from quality.site import html_pages, serve
from test_safety_escaping import MARK, hostile_site  # noqa: F401 - the module's site, built once

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def hostile_served(hostile_site):  # noqa: F811
    with serve(hostile_site) as served:
        yield served


def watch(page) -> list[str]:
    """Every dialog the page opens (alert(1), alert(2)), dismissed and recorded."""
    opened: list[str] = []

    def on_dialog(dialog):
        opened.append(f"{dialog.type}: {dialog.message} on {page.url}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return opened


def test_no_dialog_opens_on_any_page(browser, hostile_served):
    urls = html_pages(hostile_served.site)
    assert len(urls) > 30
    with tab(browser, hostile_served) as (page, _recorder):
        opened = watch(page)
        for url in urls:
            visit(page, hostile_served.url(url))
            page.wait_for_timeout(50)  # an onerror fires once the broken image has failed
        assert MARK in page.content()
    assert opened == []


@pytest.mark.parametrize("prefix", ["", "en/", "es/"])
def test_no_dialog_opens_after_a_search(browser, hostile_served, prefix):
    with tab(browser, hostile_served) as (page, _recorder):
        opened = watch(page)
        visit(page, hostile_served.url(prefix))
        page.click(".md-search__input")
        settle(page)
        page.keyboard.type(MARK, delay=10)
        page.wait_for_selector(".md-search-result__item", timeout=15000)
        page.wait_for_timeout(500)
        results = page.inner_text(".md-search-result")
        assert MARK in results and "<img src=x" in results  # the payload shown as text
        page.hover(".md-search-result__item")
        page.wait_for_timeout(200)
    assert opened == []
