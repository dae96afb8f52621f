"""Helpers of the quality gates (tests/test_quality_*.py): the built site as readers meet it.

site.py     the site's languages, key pages (from mkdocs.yml nav), HTML pages, a localhost server
browser.py  Debian's Chromium driven by Playwright, recording console errors and every request
links.py    internal links and anchors of the HTML pages and of the PDFs
vnu.py      the Nu Html Checker and its allowlist
"""
