"""Generated blocks, per language: links, titles, 'to be defined', escaping, placeholder errors."""
from __future__ import annotations

import shutil

import pytest

from conftest import MINI_FILES, ROOT, write_tree
from fourpm.core import codes
from fourpm.catalog import load_catalog
from fourpm.core.errors import ContentError
from fourpm.core.blocks import PageRef
from fourpm.core.languages import page_url as site_url
from fourpm.catalog.render import Renderer


@pytest.fixture
def renderer(tmp_path):
    def make(changes=None):
        write_tree(tmp_path, {**MINI_FILES, **(changes or {})})
        shutil.copytree(ROOT / "data", tmp_path / "data", dirs_exist_ok=True)
        return Renderer(load_catalog(tmp_path / "docs", tmp_path / "data"), ROOT / "overrides" / "fpm")
    return make


@pytest.mark.parametrize("path, lang, url", [
    ("index.md", "fr", ""), ("index.md", "en", "en/"), ("objectives/a6.md", "fr", "objectives/a6/"),
    ("objectives/index.md", "es", "es/objectives/"), ("roadmap/cf-iii.md", "en", "en/roadmap/cf-iii/"),
])
def test_site_url(path, lang, url):
    assert site_url(path, lang, "fr") == url


def test_segments_join_back_and_skip_code():
    text = "a [A1]\n```\n[B1]\n```\n`[C1]` <!-- [D1] --> [E1]\n~~~~\n[F1]\n~~~~\n"
    assert "".join(t for _, t in codes.segments(text)) == text
    assert [c for _, c in codes.find(text)] == [["A1"], ["E1"]]
    assert [line for line, _ in codes.find(text)] == [1, 5]


def test_groups_of_codes_are_found_with_any_dash():
    assert [c for _, c in codes.find("[A2-A3-A6-B3] and [C1 – C2] but not [A1](x) or [B1][ref]")] == \
        [["A2", "A3", "A6", "B3"], ["C1", "C2"]]


@pytest.mark.parametrize("lang, title, page, href", [
    ("fr", "CDN", "initiative/index.md", "../objectives/a1/"),
    ("en", "NDCs", "index.md", "objectives/a1/"),
    ("es", "CDN (es)", "initiative/governance.md", "../../objectives/a1/"),
])
def test_codes_become_links_in_the_page_language(renderer, lang, title, page, href):
    out = renderer().link_codes("<p>Voir [A1].</p>", PageRef(lang, page, "x.md"))
    assert f'<a class="fpm-code" href="{href}" title="{title}">A1</a>' in out
    assert out.startswith('<p>Voir &#91;<a class="fpm-code"')


def test_codes_in_html_code_links_and_attributes_stay_as_written(renderer):
    html = '<p><code>[A1]</code> <a href="x">[A1]</a> <img alt="[A1]"> <pre>[B1]</pre> [A2-B1]</p>'
    out = renderer().link_codes(html, PageRef("en", "index.md", "x.md"))
    assert out.startswith('<p><code>[A1]</code> <a href="x">[A1]</a> <img alt="[A1]"> <pre>[B1]</pre> &#91;<a')
    assert '>A2</a>-<a class="fpm-code" href="objectives/b1/" title="Investment plans">B1</a>&#93;</p>' in out


def test_facilities_table_links_ids_and_objectives_in_language(renderer):
    html = renderer().facilities(PageRef("en", "index.md", "x.md"))
    assert '<a href="facilities/cf-iv/"><strong>CF.IV</strong> Programmes (en)</a>' in html
    assert '<a href="objectives/a1/"><strong>A1</strong> NDCs</a>' in html
    assert html.index("CF.IV") < html.index("GF.1")
    core_only = renderer().facilities(PageRef("es", "index.md", "x.md"), "core")
    assert "GF.1" not in core_only and "Planes de inversión" in core_only


def test_objective_summary_says_what_the_roadmap_does_not_give_in_language(renderer):
    r = renderer()
    fr = r.objective_summary(PageRef("fr", "objectives/a1.md", "x.md"), "A1")
    assert "10 pays" in fr and fr.count("non repris dans la Feuille de route 2023") == 2 and "CF.IV Programmes" in fr
    # Each missing value links to the Strategic Plan page's section on baselines and targets.
    assert fr.count('href="../../initiative/strategic-plan/#baselines-targets"') == 2
    es = r.objective_summary(PageRef("es", "objectives/a1.md", "x.md"), "A1")
    assert es.count("no recogido en la Hoja de ruta 2023") == 2 and "Línea de base 2020" in es and "CF.IV Programas" in es
    assert "definir" not in fr + es


def test_objectives_by_axis_groups_and_names_facility(renderer):
    html = renderer().objectives_by_axis(PageRef("en", "objectives/index.md", "x.md"))
    assert html.index("Letter A") < html.index("Letter B") and "Axis" not in html  # the Roadmap names no axes
    assert '<a href="../facilities/gf-1/" title="Support">GF.1</a>' in html


def test_objective_pages_get_summary_and_backlinks(renderer):
    out = renderer().render_page("Body.\n", PageRef("en", "objectives/a1.md", "x.md"))
    assert out.index("fpm-summary") < out.index("Body.") < out.index("Pages that cite this objective")
    assert '<a href="../../">Home</a>' in out and '<a href="../a2/">Projects</a>' in out


def test_facility_pages_get_their_objectives(renderer):
    out = renderer().render_page("Body.\n", PageRef("es", "facilities/cf-iv.md", "x.md"))
    assert "fpm-facility-objectives" in out and '<a href="../../objectives/b1/">B1</a>' in out


def test_values_from_front_matter_are_escaped(renderer):
    evil = '<script>alert(1)</script> "q" & co'
    r = renderer({"docs/en/objectives/a1.md": f"---\ncode: A1\ntitle: '{evil}'\n---\n",
                  "docs/fr/facilities/cf-iv.md": f"---\nid: CF.IV\nkind: core\ntitle: '{evil}'\nobjectives: [A1, B1]\n---\n"})
    page = PageRef("en", "index.md", "x.md")
    for html in (r.facilities(page), r.objective_summary(page, "A1"), r.link_codes("<p>[A1]</p>", page),
                 r.objectives_by_axis(page)):
        assert "<script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("markdown, words", [
    ("<!-- 4p1000 facilites -->", '"facilites" is not a generated block (did you mean facilities?)'),
    ("x\n\n<!-- 4p1000 facilities kind=cor -->", 'line 3: kind="cor" is not a facility kind'),
    ("<!-- 4p1000 facility-objectives id=CF.VI -->", 'id="CF.VI" is not a facility (did you mean CF.IV?)'),
    ("<!-- 4p1000 objective-summary code=C5 -->", 'code="C5" is not an objective'),
])
def test_placeholder_errors(renderer, markdown, words):
    with pytest.raises(ContentError) as caught:
        renderer().render_page(markdown, PageRef("fr", "index.md", "docs/fr/index.md"))
    assert str(caught.value).startswith("docs/fr/index.md, line ")
    assert words in str(caught.value)


def test_objective_and_facility_pages_are_titled_with_their_code(renderer):
    r = renderer()
    assert r.title(PageRef("en", "objectives/a1.md", "x.md")) == "A1 · NDCs"
    assert r.title(PageRef("es", "facilities/cf-iv.md", "x.md")) == "CF.IV · Programas"
    assert r.title(PageRef("fr", "index.md", "x.md")) is None


def test_placeholder_errors_on_objective_pages_name_the_line_of_the_file(renderer):
    with pytest.raises(ContentError) as caught:
        renderer().render_page("Texte.\n\n<!-- 4p1000 facilities kind=x -->\n", PageRef("fr", "objectives/a1.md", "f.md", 5))
    assert str(caught.value).startswith("f.md, line 8: ")


def test_placeholders_shown_as_code_stay_as_written(renderer):
    markdown = "Write `<!-- 4p1000 facilities -->`:\n\n```\n<!-- 4p1000 facilities -->\n```\n\n<!-- 4p1000 facilities kind=core -->\n"
    out = renderer().render_page(markdown, PageRef("fr", "index.md", "x.md"))
    assert out.count("<!-- 4p1000 facilities -->") == 2 and out.count("fpm-facilities") == 1
    with pytest.raises(ContentError) as caught:
        renderer().render_page("```\nx\n```\n\n<!-- 4p1000 nope -->\n", PageRef("fr", "index.md", "x.md", 3))
    assert str(caught.value).startswith("x.md, line 8: ")
