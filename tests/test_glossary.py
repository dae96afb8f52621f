"""The glossary: its data validated, forbidden variants and translated protected names found, tooltips."""
from __future__ import annotations

import pytest

from conftest import ROOT
from fourpm.translation import glossary as gl
from fourpm.core.errors import ContentError

LANGS = ("fr", "en", "es")


@pytest.fixture(scope="module")
def glossary():
    return gl.load_glossary(ROOT / "data", LANGS)


def write(tmp_path, text):
    (tmp_path / "glossary.yml").write_text(text, encoding="utf-8")
    return tmp_path


GOOD = """\
terms:
  - id: mrv
    term: {fr: [MRV], en: [MRV], es: [MRV]}
    definition: {fr: Mesure, en: Measurement, es: Medición}
"""


def test_the_site_glossary_has_every_term_in_every_language(glossary):
    assert len(glossary.terms) >= 15
    for term in glossary.terms:
        for lang in LANGS:
            assert term.forms[lang] and term.definitions[lang]
    names = {name for term in glossary.protected for name in term.forms["en"]}
    assert {"4 per 1000", "Core Facilities", "Global Facilities", "Twin Regions"} <= names
    ids = {t.id for t in glossary.terms}
    assert {"soc", "ndc", "mrv", "strategic-plan", "implementation-plan", "alliance", "partnership", "consortium",
            "executive-secretariat", "stc"} <= ids


@pytest.mark.parametrize("text, message", [
    ("terms: [", "data/glossary.yml, line 1: is not valid YAML"),
    ("terms: {a: 1}\n", "data/glossary.yml, field 'terms': must be a list of terms"),
    (GOOD.replace(", es: Medición", ""), "data/glossary.yml, field 'terms[0] (mrv).definition.es': is missing"),
    (GOOD.replace("es: [MRV]", "es: []"), "data/glossary.yml, field 'terms[0] (mrv).term.es': is missing"),
    (GOOD.replace("    term:", "    protected: [MRV]\n    term:"), "field 'terms[0] (mrv)': needs either 'term'"),
    (GOOD + "    forbidden: {de: [x]}\n", "field 'terms[0] (mrv).forbidden.de': is not a language of the site"),
    (GOOD + "    tooltips: false\n", "field 'terms[0] (mrv).tooltips': is not a field of a term"),
    (GOOD + "    tooltip: maybe\n", "field 'terms[0] (mrv).tooltip': expected"),
    (GOOD + GOOD.replace("terms:\n", ""), "field 'terms[1].id': \"mrv\" is already the id of another term"),
    (GOOD.replace("  - id: mrv\n", "  - ident: mrv\n"), "field 'terms[0].id': is missing"),
])
def test_bad_glossary_data_gives_one_clear_error(tmp_path, text, message):
    with pytest.raises(ContentError) as error:
        gl.load_glossary(write(tmp_path, text), LANGS)
    assert message in str(error.value)


def test_forbidden_variants_whatever_the_case_quotes_and_spacing(glossary):
    text = ('---\ntitle: "The 4 per thousand Initiative"\n---\n\nAn annual rate of 0.4 %, that is 4 per 1000.\n\n'
            'The "4 per mille"\nInitiative and the technical and scientific committee.\n\n`4 per mille Initiative` in code.\n')
    found = gl.check_forbidden(glossary, "en", text, "docs/en/x.md")
    assert [(f.line, f.subject) for f in found] == [
        (2, "4 per thousand Initiative"), (7, "4 per mille Initiative"), (8, "technical and scientific committee")]
    assert str(found[2]) == ('docs/en/x.md, line 8: "technical and scientific committee" is a forbidden variant '
                             '(the glossary writes "Scientific and Technical Committee")')
    assert gl.check_forbidden(glossary, "es", 'La Iniciativa internacional "4 por mil" y el 4 por 1000 anual.', "f")[0].subject \
        == "Iniciativa internacional 4 por mil"
    assert gl.check_forbidden(glossary, "fr", "L'Initiative internationale « 4 pour 1000 ».", "f") == ()


def test_each_language_writes_the_initiative_name_in_its_own_form(glossary):
    name = next(t for t in glossary.protected if t.id == "initiative-name")
    assert name.forms == {"fr": ("4 pour 1000",), "en": ("4 per 1000",), "es": ("4 por 1000",)}
    # The English and Spanish forms are no longer forbidden: each language's own form is fine.
    assert gl.check_forbidden(glossary, "en", 'The International "4 per 1000" Initiative.', "docs/en/x.md") == ()
    assert gl.check_forbidden(glossary, "es", 'La Iniciativa internacional "4 por 1000".', "docs/es/x.md") == ()
    # The French form in an English page is reported, with the line and the form to write.
    found = gl.check_forbidden(glossary, "en", '---\ntitle: T\n---\n\nThe International « 4 pour 1000 » Initiative.\n',
                               "docs/en/x.md")
    assert [(f.kind, f.line, f.subject) for f in found] == [("name", 5, "4 pour 1000")]
    assert str(found[0]).startswith('docs/en/x.md, line 5: "4 pour 1000" is how fr pages write the name: write "4 per 1000" here')
    # So is another translation's form: the Spanish name in an English page, the English one in a Spanish page.
    assert [(f.kind, f.subject) for f in gl.check_forbidden(glossary, "en", 'The "4 por 1000" Initiative.', "f")] \
        == [("name", "4 por 1000")]
    assert [(f.kind, f.subject) for f in gl.check_forbidden(glossary, "es", 'La Iniciativa "4 per 1000".', "f")] \
        == [("name", "4 per 1000")]
    # Not in code, nor a quotation marked with its language; the French source may cite the English form
    # (the Roadmap's Northern European "4 per 1000" regional meeting).
    assert gl.check_forbidden(glossary, "en", 'In French, <span lang="fr">« 4 pour 1000 »</span>; `4 pour 1000`.', "f") == ()
    assert gl.check_forbidden(glossary, "fr", 'La réunion régionale d\'Europe du Nord "4 per 1000".', "f") == ()
    # A name never translated stays one form for every language.
    facilities = next(t for t in glossary.protected if t.id == "core-facilities")
    assert facilities.forms["fr"] == facilities.forms["en"] == facilities.forms["es"]
    assert gl.check_forbidden(glossary, "en", "The Core Facilities and the Twin Regions.", "f") == ()


def test_a_translation_that_drops_the_name_in_its_own_form_is_reported(glossary):
    source = "L'Initiative « 4 pour 1000 » et les pays du « 4 pour 1000 ».\n"
    assert gl.check_protected(glossary, source, 'The "4 per 1000" Initiative and its countries.\n', "e", "f") == ()
    found = gl.check_protected(glossary, source, "The Initiative and its countries.\n", "docs/en/x.md", "docs/fr/x.md")
    assert [(f.kind, f.subject) for f in found] == [("protected", "4 pour 1000")]


@pytest.mark.parametrize("protected, message", [
    ('{fr: ["4 pour 1000"], en: ["4 per 1000"]}', "field 'terms[0] (name).protected.es': must be a list of names"),
    ('{fr: ["4 pour 1000"], en: ["4 per 1000"], es: ["4 por 1000"], de: ["4 pro 1000"]}',
     "field 'terms[0] (name).protected.de': is not a language of the site"),
    ('{fr: ["A", "B"], en: ["A"], es: ["A"]}', "field 'terms[0] (name).protected': has not as many forms in every language"),
    ('{fr: [" "], en: ["A"], es: ["A"]}', "field 'terms[0] (name).protected.fr': is empty"),
    ("[]", "field 'terms[0] (name).protected': is empty"),
    ("12", "field 'terms[0] (name).protected': expected"),
])
def test_bad_protected_names_give_one_clear_error(tmp_path, protected, message):
    text = f"terms:\n  - id: name\n    protected: {protected}\n    definition: {{fr: N, en: N, es: N}}\n"
    with pytest.raises(ContentError) as error:
        gl.load_glossary(write(tmp_path, text), LANGS)
    assert message in str(error.value)


def test_a_translated_protected_name_is_reported_but_not_a_pronoun(glossary):
    source = "Les Core Facilities et les Global Facilities. Chaque Core Facility a un chapitre ; cette Core Facility aussi.\n"
    translated = "Las Instalaciones Centrales y las Global Facilities. Cada Core Facility tiene un capítulo; esta también.\n"
    found = gl.check_protected(glossary, source, translated, "docs/es/x.md", "docs/fr/x.md")
    assert [(f.kind, f.subject) for f in found] == [("protected", "Core Facilities")]
    assert "written 0 time(s) here but 1 in docs/fr/x.md" in found[0].message


def annotate(glossary, html, lang):
    return gl.annotate(html, glossary, lang, lambda text, definition: f'<abbr title="{definition}">{text}</abbr>')


def test_the_first_use_of_each_term_gets_its_definition_in_the_page_language(glossary):
    html = ("<h2>Les CDN</h2><p>Les <a href='x'>CDN</a> et <code>CDN</code>, puis les CDN, encore les CDN.</p>"
            "<p>Le Plan stratégique 2050 et le plan stratégique.</p>")
    out = annotate(glossary, html, "fr")
    assert out.count("<abbr") == 2
    ndc = next(t for t in glossary.terms if t.id == "ndc")
    assert f'puis les <abbr title="{ndc.definitions["fr"]}">CDN</abbr>, encore les CDN.' in out
    assert "<h2>Les CDN</h2>" in out and "<a href='x'>CDN</a>" in out and "<code>CDN</code>" in out
    plan = next(t for t in glossary.terms if t.id == "strategic-plan")
    assert f'<abbr title="{plan.definitions["fr"]}">Plan stratégique 2050</abbr> et le plan stratégique.' in out
    english = annotate(glossary, "<p>Their NDCs and soil organic carbon (SOC).</p>", "en")
    assert f'<abbr title="{ndc.definitions["en"]}">NDCs</abbr>' in english
    assert english.count("<abbr") == 2  # soil organic carbon and SOC are one term: marked once


def test_acronyms_match_in_capitals_only_and_never_inside_words_or_generated_blocks(glossary):
    assert annotate(glossary, "<p>le cos d'un angle, SOCa, MRVs-like</p>", "fr") == "<p>le cos d'un angle, SOCa, MRVs-like</p>"
    block = '<div class="fpm-block fpm-summary"><p>MRV</p></div><p>MRV</p>'
    assert annotate(glossary, block, "fr").count("<abbr") == 1
    assert annotate(glossary, block, "fr").startswith('<div class="fpm-block fpm-summary"><p>MRV</p></div><p><abbr')


def test_terms_without_tooltip_and_the_glossary_view(glossary):
    assert "<abbr" not in annotate(glossary, "<p>Une Alliance et le Bureau.</p>", "fr")
    view = gl.view(glossary, "es")
    forms = [t["forms"][0] for t in view["terms"]]
    assert forms == sorted(forms, key=str.casefold)
    soc = next(t for t in view["terms"] if t["id"] == "soc")
    assert soc["forms"][0] == "carbono orgánico del suelo"
    assert [o["lang"] for o in soc["others"]] == ["fr", "en"]
    assert [t["id"] for t in view["protected"]][:3] == ["initiative-name", "core-facilities", "global-facilities"]
