"""The press kit of the real site, as journalists get it: one PDF per language, checked against the
press kit's web page of the same language."""
from __future__ import annotations

import html
import re

import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT
from test_pdf_build import fonts, missing_glyphs, texts, uris

LABELS = yaml.safe_load((ROOT / "data" / "labels.yml").read_text(encoding="utf-8"))
SITE = "https://publications.4p1000.example/"
LANGS = [("fr", ""), ("en", "en/"), ("es", "es/")]


def page_facts(real_site, prefix: str) -> dict:
    """What the press kit's web page says: its title, its section headings, its contacts."""
    page = (real_site / prefix / "press" / "press-kit" / "index.html").read_text(encoding="utf-8")
    clean = lambda s: html.unescape(re.sub(r"<[^>]+>", "", s)).strip()  # noqa: E731
    article = re.sub(r'<a class="headerlink".*?</a>', "", page[page.index("<article"):], flags=re.S)
    return {"title": clean(re.search(r"<h1[^>]*>(.*?)</h1>", article, re.S).group(1)),
            "sections": [clean(h) for h in re.findall(r"<h2 id=\"[^\"]+\">(.*?)</h2>", article, re.S)],
            "emails": re.findall(r'href="mailto:([^"]+)"', article), "page": page,
            "contacts": [clean(c) for c in re.findall(r'<ul class="fpm-block fpm-contacts">.*?<strong>(.*?)</strong>', article, re.S)]}


@pytest.mark.parametrize("lang, prefix", LANGS)
def test_press_kit_pdf_of_each_language(real_site, lang, prefix):
    path = real_site / prefix / "pdf" / f"press-kit-{lang}.pdf"
    facts = page_facts(real_site, prefix)
    reader = PdfReader(path)
    pages = texts(path)
    count = len(pages)
    assert count >= 4 and len(facts["sections"]) >= 6

    # The web page links to the PDF of its language.
    assert f'href="../../pdf/press-kit-{lang}.pdf"' in facts["page"]

    # Cover: what the document is, its title, no page number.
    cover = pages[0]
    assert LABELS["pdf_kind_press_kit"][lang].upper() in cover and facts["title"] in cover
    assert LABELS["pdf_page_of"][lang].format(page=1, pages=count) not in cover

    # Table of contents: every section with the page it starts on.
    toc = pages[1]
    assert toc.startswith(LABELS["pdf_contents"][lang])
    for section in facts["sections"]:
        listed = re.search(re.escape(section) + r"[ .]*?(\d+)\s*$", toc, re.M)
        assert listed, section
        number = int(listed.group(1))
        assert section in pages[number - 1] and not any(section in p for p in pages[2:number - 1]), section

    # Running header and footer in the language.
    footer = LABELS["pdf_page_of"][lang].format(page=3, pages=count)
    assert footer in pages[2] and facts["title"] in pages[2].replace(footer, "")

    # Text in its language, generated blocks included: facilities, key figures, contacts.
    text = "\n".join(pages)
    for section in facts["sections"]:
        assert section in text
    assert "CF.III" in text and "GF.7" in text
    assert LABELS["kf_source_of_all"][lang] in text
    flat = " ".join(text.split())  # the contact's role may wrap
    assert facts["contacts"] and all(" ".join(c.split()) in flat for c in facts["contacts"])
    assert all(email in text for email in facts["emails"])  # an address, when the team sets one

    # Bookmarks, metadata, tags, fonts, links to the website of the same language.
    outline = reader.outline
    assert outline[0].title == facts["title"]
    assert [o.title for o in outline[1]] == facts["sections"]
    assert reader.metadata.title == facts["title"]
    assert str(reader.trailer["/Root"]["/Lang"]) == lang
    assert reader.metadata.author and reader.metadata.creation_date is not None
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in reader.trailer["/Root"]
    assert fonts(reader) and all(embedded and "FPM-Sans" in name for name, embedded in fonts(reader))
    assert not missing_glyphs(text) and "\ufffd" not in text
    links = uris(reader)
    assert f"{SITE}{prefix}initiative/strategic-plan/" in links and f"{SITE}{prefix}press/press-kit/" in links
    assert not [u for u in links if u.startswith(SITE) and not u.startswith(SITE + prefix)]
