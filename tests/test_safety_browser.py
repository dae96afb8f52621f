"""The hostile site of test_safety_escaping.py in Chromium: no script of the payload runs, on any page,
nor from the search results (Pagefind's index holds the titles; the results show them as text)."""
from __future__ import annotations

import pytest

from fourpm import search
from quality.browser import tab, visit
from quality.search import query
from quality.site import html_pages, serve
from test_safety_escaping import MARK, hostile_site  # noqa: F401 - the module's site, built once

pytestmark = pytest.mark.quality


@pytest.fixture(scope="module")
def hostile_served(hostile_site):  # noqa: F811
    search.build_index(hostile_site)  # as tools.build does after the languages (the fixture builds with MkDocs)
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
        count, results = query(page, MARK)
        assert results, count
        shown = " ".join(r["title"] + " " + r["section"] for r in results)
        assert MARK in shown and "<img src=x" in shown  # the payload shown as text
        page.hover("#__fpm_search_results > li a")
        page.wait_for_timeout(200)
    assert opened == []
