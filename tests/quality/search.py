"""The header's search box (Pagefind) driven as a reader does: open it, type, read the results."""
from __future__ import annotations

RESULTS = "#__fpm_search_results"
META = ".md-search-result__meta"

# The results as the reader sees them: each page's link, title, section line and highlighted words.
READ = """() => [...document.querySelectorAll('#__fpm_search_results > li')].map(item => ({
  href: item.querySelector('a').getAttribute('href'),
  title: item.querySelector('[data-fpm-title]').textContent,
  section: item.querySelector('[data-fpm-section]').textContent,
  marks: [...item.querySelectorAll('mark')].map(mark => mark.textContent),
  links: [...item.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))}))"""


def query(page, words: str, kind: str | None = None) -> tuple[str, list[dict]]:
    """Open the search with its keyboard shortcut, type words (and choose a kind of page): the count
    line and the results once they are shown."""
    page.keyboard.press("/")
    page.wait_for_function("() => document.getElementById('__search').checked")
    if kind is not None:
        page.select_option(".fpm-search-filter select", kind)
    page.fill(".md-search__input", "")
    idle = "() => document.querySelector('%s').textContent.trim() %s document.querySelector('[data-fpm-search]').dataset.fpmPlaceholder"
    page.wait_for_function(idle % (META, "==="))  # "Type to start searching"
    page.keyboard.type(words, delay=10)
    page.wait_for_function(idle % (META, "!=="), timeout=15000)
    page.wait_for_timeout(300)  # the last keystroke's results
    return page.inner_text(META).strip(), page.evaluate(READ)
