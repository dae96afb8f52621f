"""Every value from front matter and data lands as text: a three-language site whose every title, name,
label and description holds markup, a script, "]]>", a control character and a lone "&" builds, no
element of it appears in any page, and every XML output (sitemap, feeds, PDF metadata) parses.
The same site in Chromium (no dialog opens, even after a search) is in test_safety_browser.py."""
from __future__ import annotations

import html.parser
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import build, write_tree
from fourpm.translation import glossary as gl
from fourpm.core.safe_text import html_text, strip_controls

MARK = "Zyxwal"  # a word to find the payload by
PAYLOAD = f' {MARK} "><img src=x onerror=alert(1)> </script><script>alert(2)</script> ]]> \x0b & '
# The fields of data/*.yml that hold text for readers (ids, codes, dates, numbers and URLs keep theirs).
TEXT_KEYS = {"name", "title", "description", "label", "summary", "theme", "notes", "city", "outlet", "definition",
             "section", "role"}
LANGS = ("fr", "en", "es")


def poisoned(value, key: str | None = None):
    """value with PAYLOAD appended to every reader-facing text, at any depth."""
    if isinstance(value, dict):
        if key in TEXT_KEYS and value and set(value) <= set(LANGS):
            return {lang: f"{text}{PAYLOAD}" if isinstance(text, str) else text for lang, text in value.items()}
        return {k: poisoned(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [poisoned(v, key) for v in value]
    if isinstance(value, str) and key in TEXT_KEYS:
        return value + PAYLOAD
    return value


def front(**fields) -> str:
    return "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n\n"


def pages(lang: str) -> dict[str, str]:
    title = {"fr": "Titre", "en": "Title", "es": "Título"}[lang]
    d = f"{title}{PAYLOAD}"
    return {
        f"docs/{lang}/newsletter/index.md": front(title=f"News {d}", description=d) + "<!-- 4p1000 newsletter-archive -->\n",
        f"docs/{lang}/newsletter/issue-1.md": front(number=1, date="2022-11-16", title=f"Issue {d}", summary=d,
                                                    description=d, pdf="newsletter-1")
        + "<!-- 4p1000 pdf-link -->\n\n## Actualités\n\nTexte [A1].\n",
        f"docs/{lang}/events/index.md": front(title=f"Agenda {d}", description=d)
        + "<!-- 4p1000 events-calendar -->\n\n<!-- 4p1000 events -->\n",
        f"docs/{lang}/partners/index.md": front(title=f"Carte {d}") + "<!-- 4p1000 partners-map -->\n",
        f"docs/{lang}/wiki/partners/index.md": front(title=f"Partners {d}") + "<!-- 4p1000 wiki-partners -->\n",
        f"docs/{lang}/glossary.md": front(title=f"Glossaire {d}") + "<!-- 4p1000 glossary -->\n",
        f"docs/{lang}/dashboard.md": front(title=f"Tableau {d}") + "<!-- 4p1000 key-figures -->\n\n<!-- 4p1000 charts -->\n",
    }


def hostile(project: Path) -> Path:
    """The mini site with PAYLOAD in every title, description, name and label of its pages and data."""
    files = {}
    for path in sorted((project / "docs").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        meta, body = text[4:].split("\n---\n", 1) if text.startswith("---\n") else ("{}", text)
        meta = yaml.safe_load(meta) or {}
        meta["title"] = f"{meta.get('title', 'Page')}{PAYLOAD}"
        meta["description"] = f"Description{PAYLOAD}"
        files[path.relative_to(project).as_posix()] = front(**meta) + body
    for lang in LANGS:
        files.update(pages(lang))
    for path in sorted((project / "data").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "labels.yml":
            data = {k: {lang: f"{t}{PAYLOAD}" for lang, t in v.items()} if isinstance(v, dict) else v
                    for k, v in data.items()}
        else:
            data = poisoned(data)
        files[path.relative_to(project).as_posix()] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return write_tree(project, files)


class Elements(html.parser.HTMLParser):
    """Every element of a page, with its attributes, and the text of its scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(path: Path) -> Elements:
    parser = Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile site, built once with its PDFs (the tests only read it)."""
    import os
    import shutil

    from conftest import MINI_CONFIG, MINI_FILES, ROOT

    project = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "hooks", project / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", project / "overrides")
    shutil.copytree(ROOT / "data", project / "data")
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (project / "mkdocs.yml").write_text(MINI_CONFIG, encoding="utf-8")
    write_tree(project, MINI_FILES)
    hostile(project)
    saved = {k: os.environ.get(k) for k in ("FPM_PDF", "FPM_PDF_CACHE", "SOURCE_DATE_EPOCH")}
    os.environ.pop("FPM_PDF", None)
    os.environ["FPM_PDF_CACHE"] = str(project / ".cache" / "pdf")
    os.environ["SOURCE_DATE_EPOCH"] = "1764000000"
    try:
        build(project)
    finally:
        for k, v in saved.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
    return project / "site"


def test_the_payload_reaches_the_pages_as_text(hostile_site):
    """Not vacuous: the payload's words are in the titles, navigation and generated blocks."""
    home = (hostile_site / "es" / "index.html").read_text(encoding="utf-8")
    assert home.count(MARK) > 20
    partner_pages = list((hostile_site / "wiki" / "partners").glob("*/index.html"))
    assert partner_pages and MARK in partner_pages[0].read_text(encoding="utf-8")


def test_no_page_gets_an_element_or_a_script_from_the_payload(hostile_site):
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        parsed = parse(page)
        rel = page.relative_to(hostile_site)
        assert [a for tag, a in parsed.found if tag == "img" and a.get("src") == "x"] == [], rel
        assert [a for _tag, a in parsed.found if any(k.startswith("on") for k in a)] == [], rel
        assert not any("alert(" in script for script in parsed.scripts), rel
        title = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"), re.S)
        assert title and "<" not in title.group(1), rel  # nothing left <title> early
    # Escaped once: "&" shows as "&", not as "&amp;" written out.
    assert "&amp;amp;" not in (hostile_site / "en" / "objectives" / "a1" / "index.html").read_text(encoding="utf-8")


def test_the_search_index_holds_titles_as_text_escaped_once(hostile_site, tmp_path):
    """Pagefind's index keeps the text of the pages' titles (the search box shows it as text, never as
    markup): the payload is there as written, not escaped twice."""
    import gzip
    import json
    import shutil

    from fourpm import search

    site = shutil.copytree(hostile_site, tmp_path / "site")  # the fixture is read only
    search.build_index(site)
    titles = []
    for chunk in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(chunk.read_bytes())
        titles.append(json.loads(data[data.index(b"{"):])["meta"].get("title", ""))
    titles = [t for t in titles if MARK in t]
    assert titles
    assert all("&amp;" not in t and "&lt;" not in t for t in titles)
    assert any(t.startswith("Issue Titre Zyxwal") for t in titles)  # the front matter's title


def test_every_xml_output_parses(hostile_site):
    feeds = sorted(hostile_site.rglob("*.xml"))
    assert {p.name for p in feeds} >= {"sitemap.xml", "rss.xml", "atom.xml"} or len(feeds) >= 7, feeds
    for path in feeds:
        ET.parse(path)  # raises on a control character or a broken CDATA
    rss = [p for p in feeds if "rss" in p.name][0]
    titles = [e.text for e in ET.parse(rss).iter("title")]
    assert any(MARK in t and "<img src=x" in t and "]]>" in t for t in titles)  # as text, once escaped
    pdfs = sorted(hostile_site.rglob("*.pdf"))
    assert len(pdfs) == 3
    for path in pdfs:
        reader = PdfReader(path)
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
        ET.fromstring(xmp)
        assert MARK.encode() in xmp
        assert reader.metadata.title and "\x0b" not in reader.metadata.title
        assert "<img src=x onerror=alert(1)>" in reader.metadata.title  # text, not &lt;img...
        outline = [item.title for item in reader.outline if not isinstance(item, list)]
        assert not any("&lt;" in t or "&amp;" in t for t in outline), outline
    calendars = sorted(hostile_site.rglob("*.ics"))
    assert calendars and all(b"\x0b" not in p.read_bytes() for p in calendars)


# -- the pure functions -------------------------------------------------------------------------------
def test_html_text_escapes_once_and_drops_control_characters():
    text = html_text('a "><b> & c\x0b\x00')
    assert str(text) == 'a "&gt;&lt;b&gt; &amp; c'
    assert html_text(text) is text  # already HTML: not escaped twice
    assert str(text.__html__()) == "a &#34;&gt;&lt;b&gt; &amp; c"  # in an attribute, quotes too
    assert strip_controls("a\tb\nc\r\x0b\x1f\x7f\ufffe") == "a\tb\nc\r"


def test_a_glossary_term_never_matches_inside_a_character_reference():
    term = gl.Term(id="amp", forms={"en": ("amp",)}, definitions={"en": "A unit."}, protected=False, forbidden={})
    glossary = gl.Glossary(("en",), (term,))
    out = gl.annotate("<p>Tom &amp; Jerry &#38; an amp.</p>", glossary, "en", lambda text, d: f"<abbr>{text}</abbr>")
    assert out == "<p>Tom &amp; Jerry &#38; an <abbr>amp</abbr>.</p>"
