"""Content a journalist can trust, on the real built site: each language's form of the Initiative's
name, no address at an example domain, no "to be defined"; the media contact without a placeholder,
no edit button without a real edit_uri, the theme's strings in the page's language; and the build's
note while site_url is still the example address.

About site_url: feeds, calendars, e-mail editions, the sitemap, PDFs and each page's head (canonical,
hreflang, feed links) need absolute links, so they are made from site_url; until the team sets it, those
links are at the example domain and the build says so (test_an_example_site_url_is_noted_once...).
Everything else is held to "no example address at all": the body of every page (what readers see and
click), and in the other outputs every example address that is not a link made from site_url (a contact,
an edit link, a link written in a page or in data).
"""
from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import build, make_mini_site
from quality.site import html_pages, language_of, languages, load_config

CONFIG = load_config()
LANGS = languages(CONFIG)  # locale -> URL prefix, the source language first
SOURCE = next(iter(LANGS))
SITE_URL = CONFIG["site_url"]
# The Initiative's name in each language (issue 14; the Roadmap itself cites the English form).
NAMES = {"fr": "4 pour 1000", "en": "4 per 1000", "es": "4 por 1000"}
TO_BE_DEFINED = re.compile(r"à\s+définir|to\s+be\s+defined|por\s+definir", re.I)
# A host at an example domain (RFC 2606): the .example TLD, example.com/.net/.org.
EXAMPLE_HOST = re.compile(r"(?<![\w.-])(?:[\w-]+\.)+(?:example|example\.com|example\.net|example\.org)(?![\w-])", re.I)


def name_pattern(name: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, name.split())) + r"(?!\w)", re.I)


class Reading(HTMLParser):
    """What a reader of a page gets: each text (and tooltip, alt text, label) with the language it is
    marked with (the nearest lang attribute), code and scripts left out; the addresses the body links to."""
    SKIP = {"script", "style", "code", "pre", "template", "svg", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SHOWN = ("title", "alt", "aria-label", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # tag, language, skipped
        self.texts: list[tuple[str | None, str]] = []
        self.links: list[str] = []
        self.in_body = False

    def _here(self) -> tuple[str | None, bool]:
        return (self.stack[-1][1], self.stack[-1][2]) if self.stack else (None, False)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang, skipped = self._here()
        lang, skipped = attrs.get("lang") or lang, skipped or tag in self.SKIP
        self.in_body = self.in_body or tag == "body"
        if not skipped:
            self.texts += [(lang, attrs[key]) for key in self.SHOWN if attrs.get(key)]
        if self.in_body:
            self.links += [value for key, value in attrs.items() if key in ("href", "src") and value]
        if tag not in self.VOID:
            self.stack.append((tag, lang, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        lang, skipped = self._here()
        if not skipped and data.strip():
            self.texts.append((lang, data))


def read(path: Path) -> Reading:
    reading = Reading()
    reading.feed(path.read_text(encoding="utf-8"))
    return reading


def own_text(reading: Reading, lang: str) -> str:
    """The text written in the page's own language (quotations marked with another language left out)."""
    return "\n".join(text for text_lang, text in reading.texts if text_lang == lang)


def pages(site: Path) -> list[tuple[str, str, Path]]:
    """(URL path, language, file) of every HTML page a reader opens; e-mail editions are not pages."""
    found = []
    for url in html_pages(site):
        file = site / (url + "index.html" if url.endswith("/") or url == "" else url)
        if file.name != "email.html":
            found.append((url, language_of(url, LANGS), file))
    return found


def outputs(site: Path) -> list[Path]:
    """The other files readers get: feeds, calendars, the sitemap, e-mail editions and their text."""
    return sorted(p for p in site.rglob("*") if p.suffix in (".xml", ".ics", ".txt") or p.name == "email.html")


def not_from_site_url(text: str) -> list[str]:
    """The addresses at an example domain in text that are not links made from site_url (nor a
    calendar event's UID at site_url's host): what no setting other than site_url explains."""
    site_host = re.match(r"https?://([^/]+)", SITE_URL).group(1)
    found = []
    for match in EXAMPLE_HOST.finditer(text):
        start = match.start()
        while start and text[start - 1] not in " \t\r\n\"'<>()":
            start -= 1
        token = text[start:match.end() + 1]
        url = token[token.find("http"):] if "http" in token else ""
        if not (url.startswith(SITE_URL) or re.fullmatch(rf"UID:[\w.-]+@{re.escape(site_host)}\W?", token)):
            found.append(token.strip())
    return found


# -- the Initiative's name --------------------------------------------------------------------------
@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != SOURCE])
def test_translated_pages_write_the_name_in_their_own_language(real_site, lang):
    others = {other: name_pattern(name) for other, name in NAMES.items() if other != lang}
    wrong = []
    for url, page_lang, file in pages(real_site):
        if page_lang != lang:
            continue
        text = own_text(read(file), lang)
        wrong += [f"{url}: {NAMES[other]!r} ({other})" for other, pattern in others.items() if pattern.search(text)]
    for file in outputs(real_site / LANGS[lang]):  # the language's feeds, calendar, e-mail editions
        text = file.read_text(encoding="utf-8")
        wrong += [f"{file.relative_to(real_site)}: {NAMES[other]!r}" for other, pattern in others.items()
                  if pattern.search(text)]
    assert not wrong, f"{len(wrong)} place(s) write another language's form of the name:\n" + "\n".join(wrong[:40])
    home = own_text(read(real_site / LANGS[lang] / "index.html"), lang)
    assert name_pattern(NAMES[lang]).search(home), "the site's name in this language is on its home page"


# -- no placeholder in sight -----------------------------------------------------------------------
def test_no_page_shows_or_links_to_an_example_domain(real_site):
    wrong = []
    for url, _lang, file in pages(real_site):
        html = file.read_text(encoding="utf-8")
        body = html[html.find("<body"):]
        wrong += [f"{url}: {m.group(0)}" for m in EXAMPLE_HOST.finditer(body)]
        wrong += [f"{url} (head): {token}" for token in not_from_site_url(html[:html.find("<body")])]
    assert not wrong, "\n".join(wrong[:40])


def test_feeds_calendars_sitemap_and_email_editions_have_no_example_address_but_site_url(real_site):
    files = outputs(real_site)
    kinds = {p.suffix for p in files} | {p.name for p in files}
    assert {".xml", ".ics", ".txt", "email.html", "rss.xml", "atom.xml", "sitemap.xml"} <= kinds
    wrong = [f"{p.relative_to(real_site)}: {token}" for p in files
             for token in not_from_site_url(p.read_text(encoding="utf-8"))]
    assert not wrong, "\n".join(wrong[:40])


def test_pdfs_have_no_example_address_but_site_url(real_site):
    files = sorted(real_site.rglob("*.pdf"))
    assert files
    wrong = []
    for file in files:
        reader = PdfReader(file)
        text = "\n".join(page.extract_text() for page in reader.pages)
        links = [a.get_object()["/A"].get("/URI") for page in reader.pages for a in page.get("/Annots") or []
                 if "/A" in a.get_object()]
        wrong += [f"{file.name}: {token}" for token in not_from_site_url(text + "\n" + "\n".join(filter(None, links)))]
    assert not wrong, "\n".join(wrong[:40])


def test_the_media_contact_is_the_executive_secretariat_without_a_made_up_address(real_site):
    for lang, prefix in LANGS.items():
        html = (real_site / prefix / "press" / "index.html").read_text(encoding="utf-8")
        block = re.search(r'<ul class="fpm-block fpm-contacts">(.*?)</ul>', html, re.S)
        assert block, f"{lang}: the press room shows the media contacts"
        reading = Reading()
        reading.feed(block.group(1))
        text = " ".join(t for _lang, t in reading.texts)
        assert NAMES[lang] in text and "mailto:" not in block.group(1)


def test_no_edit_button_without_a_real_edit_uri(real_site):
    assert not CONFIG.get("edit_uri")
    edits = [url for url, _lang, file in pages(real_site) if 'rel="edit"' in file.read_text(encoding="utf-8")]
    assert not edits, edits[:5]


def test_no_page_says_to_be_defined(real_site):
    wrong = []
    for url, _lang, file in pages(real_site):
        text = "\n".join(t for _lang, t in read(file).texts)
        wrong += [f"{url}: {m.group(0)!r}" for m in TO_BE_DEFINED.finditer(text)]
    assert not wrong, f"{len(wrong)} place(s):\n" + "\n".join(wrong[:40])


# -- the theme's strings, the site_url note (a small site, every hook of the real one) ---------------
class Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(scope="module")
def themed(tmp_path_factory):
    """The small site (site_url still the example address) with an edit link and permalinks, built once in
    strict mode: (project, site, the build's log records)."""
    mini_site = make_mini_site(tmp_path_factory.mktemp("themed"))
    config = (mini_site / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: docs\n", "docs_dir: docs\nrepo_url: https://git.test/site/\nedit_uri: edit/main/docs/\n")
    config = config.replace("  font: false\n", "  font: false\n  features: [content.action.edit]\n")
    config = config.replace("markdown_extensions: [attr_list, admonition, md_in_html, toc, tables]",
                            "markdown_extensions: [attr_list, admonition, md_in_html, tables, {toc: {permalink: true}}]")
    (mini_site / "mkdocs.yml").write_text(config, encoding="utf-8")
    for lang, heading in (("fr", "Partie"), ("en", "Part"), ("es", "Parte")):
        (mini_site / "docs" / lang / "objectives" / "b1.md").write_text(
            f"---\ncode: B1\ntitle: T {lang}\n---\n\n## {heading}\n\nTexte.\n", encoding="utf-8")
    records, logger = Records(), logging.getLogger()
    logger.addHandler(records)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        site = build(mini_site, strict=True)
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    return mini_site, site, records.records


@pytest.mark.site
def test_theme_strings_and_permalink_tooltips_in_the_page_language(themed):
    mini_site, site, _records = themed
    labels = yaml.safe_load((mini_site / "data" / "labels.yml").read_text(encoding="utf-8"))
    for lang, prefix in LANGS.items():
        html = (site / prefix / "objectives" / "b1" / "index.html").read_text(encoding="utf-8")
        assert set(re.findall(r'class="headerlink" href="#[^"]+" title="([^"]+)"', html)) == {labels["theme_permalink"][lang]}
        edit = re.search(r'<a href="([^"]+)" title="([^"]+)" class="md-content__button md-icon" rel="edit"', html)
        assert edit and edit.group(2) == labels["theme_action_edit"][lang]
        assert edit.group(1) == f"https://git.test/site/edit/main/docs/{lang}/objectives/b1.md"
    assert labels["theme_action_edit"]["fr"] == "Éditer cette page"
    assert len({labels["theme_permalink"][lang] for lang in LANGS}) == len(LANGS)


def test_an_example_site_url_is_noted_once_as_information_and_a_real_one_not(themed, mini_site, caplog):
    themed_site, _site, records = themed  # built in strict mode: information, not a warning, lets it pass
    assert "site_url: https://example.org/" in (themed_site / "mkdocs.yml").read_text(encoding="utf-8")
    notes = [r for r in records if "site_url is still the example address" in r.getMessage()]
    assert [r.levelname for r in notes] == ["INFO"]  # once, for the three languages
    assert "site_url is still the example address https://example.org/: set" in notes[0].getMessage()
    assert "mkdocs.yml" in notes[0].getMessage()

    caplog.set_level(logging.INFO)
    config = mini_site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("https://example.org/", "https://publications.test/"),
                      encoding="utf-8")
    build(mini_site, strict=True)
    assert not [r for r in caplog.records if "site_url is still" in r.getMessage()]
