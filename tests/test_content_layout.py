"""The objective summary box as readers see it in a real browser: on a phone (390 px wide) each label
stands above its value, which gets the box's width; on a wide screen labels and values are side by side."""
from __future__ import annotations

import pytest

from quality.browser import tab, visit
from quality.site import LANGS_OF_CONFIG, required_key_pages, url_of

pytestmark = pytest.mark.quality  # make test-quality

# Each row of the box: the label's and the value's boxes, and the list's width.
ROWS = """() => [...document.querySelectorAll('.fpm-summary dl > div')].map(row => {
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, top: r.top, bottom: r.bottom, width: r.width}; };
  return {dt: box(row.querySelector('dt')), dd: box(row.querySelector('dd')), list: box(row.closest('dl')),
          text: row.querySelector('dd').innerText};
})"""


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_the_summary_box_stacks_labels_above_values_on_a_phone(browser, served, langs, site_config, lang):
    url = served.url(url_of(required_key_pages(site_config)["objective"], langs[lang]))
    with tab(browser, served, width=390, height=844) as (page, _recorder):
        visit(page, url)
        rows = page.evaluate(ROWS)
        assert len(rows) >= 4
        for row in rows:
            assert row["dd"]["top"] >= row["dt"]["bottom"] - 1, row  # the value below its label
            assert abs(row["dd"]["left"] - row["dt"]["left"]) < 2, row
            assert row["dd"]["width"] >= 0.95 * row["list"]["width"], row  # the whole width, not a column
    with tab(browser, served, width=1280, height=900) as (page, _recorder):
        visit(page, url)
        for row in page.evaluate(ROWS):
            assert row["dd"]["left"] > row["dt"]["left"] + row["dt"]["width"] - 1, row  # side by side
            assert abs(row["dd"]["top"] - row["dt"]["top"]) < 4, row
