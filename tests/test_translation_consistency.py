"""Numbers, dates, times, e-mail addresses and URLs of a translation against its French source."""
from __future__ import annotations

import re

import hypothesis
import pytest
from hypothesis import strategies as st

from conftest import ROOT
from fourpm.translation import consistency as tc
from fourpm.core.labels import load_labels

LANGS = ("fr", "en", "es")
WORDS = {lang: load_labels(ROOT / "data", LANGS)["number_words"][lang] for lang in LANGS}


def values(text, lang, kind=None):
    return sorted({(f.kind, f.value) for f in tc.facts(text, lang, LANGS, WORDS[lang])
                   if f.required and (kind is None or f.kind == kind)})


def findings(source, translation, lang="en"):
    return [str(f) for f in tc.check(source, translation, lang, "fr", f"docs/{lang}/x.md", "docs/fr/x.md", LANGS, WORDS)]


@pytest.mark.parametrize("lang, text", [
    ("fr", "plus de 4 000 réponses, 0,4 % et 400 000 EUR"), ("fr", "plus de 4\u202f000 réponses, 0,4 % et 400\u00a0000 EUR"),
    ("en", "over 4,000 answers, 0.4 % and 400,000 EUR"), ("en", "over 4 000 answers, 0.4% and EUR 400 000"),
    ("es", "más de 4000 respuestas, 0,4 % y 400.000 EUR"), ("es", "más de 4.000 respuestas, 0,4 % y 400 000 EUR"),
])
def test_numbers_are_read_the_way_each_language_writes_them(lang, text):
    assert values(text, lang) == [("number", "0.4"), ("number", "4000"), ("number", "400000")]


@pytest.mark.parametrize("lang, text", [
    ("fr", "le 16 novembre 2022, de 15 h 30 à 18 h"), ("fr", "le 16 novembre 2022, de 15h30 à 18h"),
    ("en", "on 16 November 2022, from 3:30 pm to 6:00 pm"), ("en", "on November 16, 2022, from 3:30 p.m. to 6 pm"),
    ("es", "el 16 de noviembre de 2022, de 15:30 a 18:00"),
])
def test_dates_and_times_in_each_language(lang, text):
    assert values(text, lang) == [("month", "11"), ("number", "16"), ("number", "2022"),
                                  ("time", "15:30"), ("time", "18:00")]


@pytest.mark.parametrize("lang, text", [
    ("fr", "la 5e Journée, le 1er semestre, [A2-A6] et GF.1, la COP28, le CO2, 8-5"),
    ("en", "the 5th Day, the 1st half, [A2-A6] and GF.1, COP28, CO2, 8-5"),
    ("es", "la 5.ª Jornada, el 1.er semestre, [A2-A6] y GF.1, la COP28, el CO2, 8-5"),
])
def test_ordinals_codes_and_names_with_digits_are_not_numbers(lang, text):
    assert values(text, lang) == [("number", "5"), ("number", "8")]  # only the document number 8-5


def test_a_changed_number_is_reported_with_its_lines():
    source = "---\ntitle: Bilan\n---\n\nPlus de 4 000 réponses\nde 130 personnes.\n"
    translation = "---\ntitle: Review\n---\n\nOver 3,000 answers\nfrom 130 people.\n"
    assert findings(source, translation) == [
        'docs/en/x.md: the number "4 000" of docs/fr/x.md (line 5) is missing here',
        'docs/en/x.md, line 5: the number "3,000" is not in docs/fr/x.md']


def test_a_changed_month_date_or_time_is_reported():
    source = "Réunion le 16 novembre 2022 à 15 h 30."
    assert findings(source, "Meeting on 16 November 2022 at 3:30 pm.") == []
    assert findings(source, "Meeting on 16 October 2022 at 3:30 pm.") == [
        'docs/en/x.md: the month "novembre" of docs/fr/x.md (line 1) is missing here',
        'docs/en/x.md, line 1: the month "October" is not in docs/fr/x.md']
    assert findings(source, "Meeting on 16 November 2022 at 3:30 am.") == [
        'docs/en/x.md: the time "15 h 30" of docs/fr/x.md (line 1) is missing here',
        'docs/en/x.md, line 1: the time "3:30 am" is not in docs/fr/x.md']


def test_numbers_in_words_count_as_present_but_are_not_required():
    assert findings("La Feuille de route compte 7 chapitres et deux types.", "The Roadmap has seven chapters and both kinds.") == []
    assert findings("Trois réunions régionales.", "3 regional meetings.") == []
    assert findings("7 chapitres.", "Eight chapters.") == ['docs/en/x.md: the number "7" of docs/fr/x.md (line 1) is missing here']


def test_emails_and_urls_must_match_allowing_a_language_segment():
    source = "Écrire à secretariat@4p1000.example ou voir https://4p1000.example/fr/roadmap/ et [le site](https://4p1000.example/a)."
    same = "Write to Secretariat@4p1000.example or see https://4p1000.example/en/roadmap and [the site](https://4p1000.example/a)."
    assert findings(source, same) == []
    changed = "Write to contact@4p1000.example or see https://4p1000.example/en/roadmap."
    assert findings(source, changed) == [
        'docs/en/x.md: the URL "https://4p1000.example/a" of docs/fr/x.md (line 1) is missing here',
        'docs/en/x.md: the e-mail address "secretariat@4p1000.example" of docs/fr/x.md (line 1) is missing here',
        'docs/en/x.md, line 1: the e-mail address "contact@4p1000.example" is not in docs/fr/x.md']


def test_code_placeholders_link_targets_and_front_matter_keys_are_not_text():
    source = "---\ncode: A6\ntitle: Cadre 2023\nbaseline_2020: 10 pays\n---\n\n<!-- 4p1000 facilities kind=core -->\n\n`1234` [page](../a/2019.md)\n"
    translation = "---\ncode: A6\ntitle: Framework 2023\nsource_hash: 123456789012\n---\n\n[page](../a/2019.md)\n"
    assert findings(source, translation) == []
    assert values(source, "fr") == [("number", "2023")]


def test_spanish_ordinals_and_decimal_comma():
    assert findings("La 8e réunion, 0,4 %.", "La 8.ª reunión, 0,4 %.", "es") == []
    assert findings("0,4 %", "0.4 %", "es") == [
        'docs/es/x.md: the number "0,4" of docs/fr/x.md (line 1) is missing here',
        'docs/es/x.md, line 1: the number "0" is not in docs/fr/x.md']


# -- the scans' shortcuts find what the full scans find ---------------------------------------------
def test_folding_covers_every_letter_a_case_insensitive_pattern_matches_with_an_ascii_one():
    import re

    from fourpm.translation.glossary import folded

    ascii_like = re.compile("[a-z0-9]", re.I)
    for point in range(128, 0x110000):
        char = chr(point)
        if ascii_like.fullmatch(char):
            assert folded(char).isascii() and re.fullmatch(re.escape(folded(char)), char, re.I), hex(point)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(st.text(alphabet="0123456789 :hapmAPM.\n\u00a0x", max_size=40))
def test_a_page_with_a_time_passes_its_loose_pattern_and_blanking_is_a_substitution(text):
    for loose, pattern in tc._TIMES:
        matches = list(pattern.finditer(text))
        if matches:
            assert loose.search(text), (pattern.pattern, text)
        assert tc._blanked(text, matches) == pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


@pytest.mark.parametrize("lang", ["fr", "en", "es"])
def test_month_and_number_words_are_found_whatever_their_case(lang):
    labels = load_labels(ROOT / "data", ("fr", "en", "es"))
    words = labels["number_words"][lang]
    fmt = tc._formats(lang, words)
    word = fmt.number_words[0][0].replace("\\", "")
    month = next(iter(fmt.months))
    found = tc.facts(f"x {word.upper()} y {month} z\n", lang, ("fr", "en", "es"), words)
    assert {(f.kind, f.value) for f in found} == {("number", str(fmt.words[word])), ("month", str(fmt.months[month]))}
