"""Helpers of the quality gates (tests/test_quality_*.py): the built site as readers meet it.

site.py      the site's languages, key pages (from mkdocs.yml's nav), HTML pages, a localhost server
browser.py   Debian's Chromium driven by Playwright, recording console errors and every request
axe.py       axe-core injected into a page
vnu.py       the Nu Html Checker and its allowlist (tests/vnu-allowlist.txt)
links.py     internal links and anchors of the HTML pages, the sitemap and the PDFs
fixtures.py  session fixtures (tests/conftest.py imports them): site_config, langs, served, browser
"""
