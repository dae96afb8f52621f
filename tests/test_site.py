"""The real site, built once in strict mode: pages, generated tables, links and backlinks per language."""
from __future__ import annotations

import html as html_lib
import re

import pytest

LANGS = {"fr": "", "en": "en/", "es": "es/"}
OBJECTIVES = [f"{axis}{n}" for axis, count in zip("ABCDEF", (6, 4, 4, 4, 3, 3)) for n in range(1, count + 1)]
FACILITIES = [f"cf-{r}" for r in ("i", "ii", "iii", "iv", "v", "vi", "vii")] + [f"gf-{n}" for n in range(1, 8)]
CARRIED = {"cf-iii": ["C1", "A6", "C4"], "cf-iv": ["A1", "B1"], "cf-v": ["A3", "A4", "D2"], "cf-vi": ["D4", "C3"],
           "cf-vii": ["F1", "F2", "F3"], "gf-1": ["A2", "B2", "B3", "B4", "E1"], "gf-2": ["A5"], "gf-3": ["C2"],
           "gf-4": ["D1"], "gf-5": ["D3"], "gf-6": ["E2"], "gf-7": ["E3"], "cf-i": [], "cf-ii": []}
TBD = {"fr": "non repris dans la Feuille de route 2023", "en": "not given in the 2023 Roadmap", "es": "no recogido en la Hoja de ruta 2023"}


def read(site, path):
    return (site / path).read_text(encoding="utf-8")


def block(html, css_class, end):
    start = html.index(f'class="fpm-block {css_class}"')
    return html[start:html.index(end, start)]


def test_home_pages_exist_in_each_language(real_site):
    for lang, prefix in LANGS.items():
        assert f'<html lang="{lang}"' in read(real_site, f"{prefix}index.html")


@pytest.mark.parametrize("lang", LANGS)
def test_every_objective_and_facility_page_exists_with_its_summary(real_site, lang):
    prefix = LANGS[lang]
    assert len(OBJECTIVES) == 24 and len(FACILITIES) == 14
    for code in OBJECTIVES:
        html = read(real_site, f"{prefix}objectives/{code.lower()}/index.html")
        summary = block(html, "fpm-summary", "</aside>")
        assert f"<strong>{code}</strong>" in summary
        assert summary.count(TBD[lang]) == 3  # the Roadmap gives no baseline and no targets
    for slug in FACILITIES:
        html = read(real_site, f"{prefix}facilities/{slug}/index.html")
        table = block(html, "fpm-facility-objectives", "</table>")
        assert re.findall(r'href="\.\./\.\./objectives/([a-f]\d)/">', table) == [c.lower() for c in CARRIED[slug]]


@pytest.mark.parametrize("lang", LANGS)
def test_facilities_table_carries_the_roadmap_mapping_once(real_site, lang):
    html = read(real_site, f"{LANGS[lang]}facilities/index.html")
    tables = "".join(re.findall(r'class="fpm-block fpm-facilities">(.*?)</div>', html, re.S))
    rows = re.findall(r'<th scope="row"><a href="([\w-]+)/">.*?</th><td>(.*?)</td>', tables, re.S)
    assert {slug: re.findall(r'objectives/([a-f]\d)/', cell) for slug, cell in rows} == \
        {slug: [c.lower() for c in codes] for slug, codes in CARRIED.items()}


@pytest.mark.parametrize("lang", LANGS)
def test_objective_codes_in_text_link_to_the_same_language(real_site, lang):
    html = read(real_site, f"{LANGS[lang]}initiative/governance/index.html")
    links = re.findall(r'&#91;(<a class="fpm-code".*?)&#93;', html)
    assert links, "the governance page cites objectives in brackets"
    for group in links:
        for href, title, code in re.findall(r'<a class="fpm-code" href="([^"]+)" title="([^"]*)">([A-F]\d)</a>', group):
            assert href == f"../../objectives/{code.lower()}/"
            objective = read(real_site, f"{LANGS[lang]}objectives/{code.lower()}/index.html")
            heading = re.search(r"<h1>(.*?)</h1>", objective).group(1)
            assert html_lib.unescape(heading) == f"{code} · {html_lib.unescape(title)}"


@pytest.mark.parametrize("lang", LANGS)
def test_backlinks_list_the_pages_citing_the_objective(real_site, lang):
    prefix = LANGS[lang]
    html = read(real_site, f"{prefix}objectives/a6/index.html")
    backlinks = block(html, "fpm-backlinks", "</nav>")
    hrefs = re.findall(r'<a href="([^"]+)"', backlinks)
    assert "../../initiative/governance/" in hrefs and "../../roadmap/cf-ii/" in hrefs
    for href in hrefs:  # every backlink is a page of the same language that cites A6 in brackets
        target = (real_site / f"{prefix}objectives/a6" / href / "index.html").resolve()
        assert f'<html lang="{lang}"' in target.read_text(encoding="utf-8")
        assert re.search(r'<a class="fpm-code" href="[./]*(?:objectives/)?a6/" title="[^"]+">A6</a>',
                         target.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_language_switcher_leads_to_the_same_page(real_site, lang):
    page = real_site / f"{LANGS[lang]}objectives/c4/index.html"
    links = dict((hreflang, href) for href, hreflang in
                 re.findall(r'<a href="([^"]+)" hreflang="(\w+)" class="md-select__link">', page.read_text("utf-8")))
    assert set(links) == set(LANGS)
    for other, href in links.items():
        target = (page.parent / href / "index.html").resolve()
        assert target == (real_site / f"{LANGS[other]}objectives/c4/index.html").resolve()
        assert f'<html lang="{other}"' in target.read_text("utf-8")


def test_no_third_party_request_in_pages(real_site):
    html = read(real_site, "index.html")
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    fetched = re.findall(r'<script[^>]+src="https?://[^"]*"|<link rel="(?:stylesheet|preload|icon|preconnect)"[^>]+href="https?://[^"]*"', html)
    assert fetched == []
