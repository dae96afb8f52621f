"""Data pages, pure functions: loaders and their errors, dates and figures per language, calendars,
the SVG map's points and the charts' geometry."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import icalendar
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import LANGUAGES, ROOT
from fourpm.data import charts, pages as datapages, geo, ics
from fourpm.core import sources
from fourpm.core.labels import load_labels
from fourpm.data import load_events, load_key_figures, load_partners, load_regions
from fourpm.core.errors import ContentError

LANGS = ("fr", "en", "es")
DATA = ROOT / "data"


def labels(lang):
    return {key: forms[lang] for key, forms in load_labels(DATA, LANGS).items()}


@pytest.fixture(scope="module")
def data():
    return datapages.load(sources.project_at(ROOT, LANGS))


# -- the real data -------------------------------------------------------------------------------
def test_real_data_loads_with_text_in_every_language(data):
    assert len(data.partners) >= 25 and len(data.events) >= 4 and len(data.figures.figures) >= 10
    for partner in data.partners.values():
        assert all(partner.name(lang) and partner.description(lang) for lang in LANGS)
        assert (partner.lat is None) == (partner.lon is None) == (partner.city("fr") is None)
    for event in data.events:
        assert all(event.names[lang] for lang in LANGS)
        assert all(o in data.partners for o in event.organisers)


def test_partner_fields_other_features_rely_on_are_stable(data):
    partner = data.partners["cirad"]
    assert (partner.id, partner.kind, partner.country, partner.region) == ("cirad", "research", "FR", "europe")
    assert {"id", "names", "kind", "country", "cities", "lat", "lon", "year", "website", "descriptions"} <= set(vars(partner))
    assert data.partners["danone"].year == 2019 and data.partners["ca4sh"].region == "international"


def test_an_event_without_its_own_date_is_modelled_as_a_period(data):
    day = next(e for e in data.events if not e.exact)
    assert day.start is None and day.end is None
    assert (day.first_day, day.last_day) == (day.during.start, day.during.end)
    assert all(day.during.notes[lang] for lang in LANGS)


# -- formatting per language ----------------------------------------------------------------------
@pytest.mark.parametrize("lang, same_month, two_months, one_day", [
    ("fr", "7–10 février 2023", "30 novembre – 12 décembre 2023", "16 novembre 2022"),
    ("en", "7–10 February 2023", "30 November – 12 December 2023", "16 November 2022"),
    ("es", "7–10 de febrero de 2023", "30 de noviembre – 12 de diciembre de 2023", "16 de noviembre de 2022"),
])
def test_date_ranges_are_written_for_the_language(lang, same_month, two_months, one_day):
    assert LANGUAGES.date_range(dt.date(2023, 2, 7), dt.date(2023, 2, 10), lang) == same_month
    assert LANGUAGES.date_range(dt.date(2023, 11, 30), dt.date(2023, 12, 12), lang) == two_months
    assert LANGUAGES.date_range(dt.date(2022, 11, 16), dt.date(2022, 11, 16), lang) == one_day


@pytest.mark.parametrize("lang, answers, budget, share", [
    ("fr", "plus de 4\u202f000", "au plus 400\u202f000 EUR", "environ 40\xa0%"),
    ("en", "over 4,000", "at most 400,000 EUR", "about 40%"),
    ("es", "más de 4.000", "como máximo 400.000 EUR", "alrededor de 40\xa0%"),
])
def test_figures_are_written_for_the_language(data, lang, answers, budget, share):
    figures = data.figures.figures
    assert datapages.format_figure(figures["answers"], LANGUAGES, lang, labels(lang)) == answers
    assert datapages.format_figure(figures["available-budget"], LANGUAGES, lang, labels(lang)) == budget
    assert datapages.format_figure(figures["available-budget-share"], LANGUAGES, lang, labels(lang)) == share


def test_upcoming_and_past_are_relative_to_the_build_date(data):
    upcoming, past = datapages.split_events(data.events, dt.date(2023, 5, 16))
    assert "regional-meeting-west-africa-2023" in [e.id for e in upcoming]  # under way: still upcoming
    assert [e.id for e in upcoming][:2] == ["regional-meeting-west-africa-2023", "regional-meeting-northern-europe-2023"]
    assert past[0].id == "regional-meeting-asia-2023"  # latest first
    upcoming, past = datapages.split_events(data.events, dt.date(2023, 5, 18))
    assert "regional-meeting-west-africa-2023" in [e.id for e in past]
    upcoming, past = datapages.split_events(data.events, dt.date(2030, 1, 1))
    assert upcoming == [] and len(past) == len(data.events)


def test_build_date_comes_from_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2023, 3, 1, tzinfo=dt.timezone.utc).timestamp())))
    from fourpm.core import dates
    assert dates.build_date(ROOT) == dt.date(2023, 3, 1)


# -- calendars ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_calendar_parses_with_all_day_events_and_exclusive_end(data, lang):
    content = ics.calendar(data.events, data.partners, LANGUAGES, lang, labels(lang), 1700000000, "example.org", "https://example.org/")
    cal = icalendar.Calendar.from_ical(content)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert len(events) == len(data.events)
    for event in data.events:
        item = events[f"{event.id}@example.org"]
        start, end = item.decoded("DTSTART"), item.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date  # all-day, not date-times
        assert start == event.first_day and end == event.last_day + dt.timedelta(days=1)
        assert str(item["SUMMARY"]) == event.names[lang]
        assert item.decoded("DTSTAMP") == dt.datetime.fromtimestamp(1700000000, tz=dt.timezone.utc)
        assert str(item["STATUS"]) == ("CONFIRMED" if event.exact else "TENTATIVE")
    asia = events["regional-meeting-asia-2023@example.org"]
    assert (asia.decoded("DTSTART"), asia.decoded("DTEND")) == (dt.date(2023, 2, 7), dt.date(2023, 2, 11))
    cop = events["initiative-day-7-cop28@example.org"]
    assert labels(lang)["ev_date_unknown"] in str(cop["DESCRIPTION"])


def test_calendar_is_reproducible(data):
    one = ics.calendar(data.events, data.partners, LANGUAGES, "en", labels("en"), 1700000000, "example.org")
    two = ics.calendar(data.events, data.partners, LANGUAGES, "en", labels("en"), 1700000000, "example.org")
    assert one == two


# -- the static map and the charts ----------------------------------------------------------------
def test_svg_map_has_one_point_per_located_partner_and_event(data):
    view = datapages.svg_map_view(data, ROOT, LANGUAGES, "en", labels("en"))
    located = [p for p in data.partners.values() if p.located]
    assert view["count_partners"] == len(located) and view["count_events"] == len([e for e in data.events if e.located])
    by_id = {(p["type"], p["id"]): p for p in view["points"]}
    for partner in located:
        point = by_id[("partner", partner.id)]
        assert (point["lat"], point["lon"]) == (partner.lat, partner.lon)
        x, y = geo.project(partner.lon, partner.lat)
        assert abs(point["x"] - x) <= 7.1 and abs(point["y"] - y) <= 7.1  # spread around shared cities
    assert view["land"].startswith("M") and view["land"].count("Z") > 50


def test_projection_and_spreading():
    assert geo.project(-180, geo.NORTH) == (0, 0)
    assert geo.project(180, geo.SOUTH) == (geo.WIDTH, pytest.approx(geo.HEIGHT, abs=0.5))
    spread = geo.spread([(10.0, 10.0), (10.0, 10.0), (50.0, 50.0)])
    assert spread[2] == (50.0, 50.0) and spread[0] != spread[1]


def test_bars_are_proportional_to_values():
    g = charts.bars([{"label": "a", "value": 350, "text": "350"}, {"label": "b", "value": 130, "text": "130"}])
    assert g["rows"][0]["width"] == charts.WIDTH - charts.VALUE_ROOM
    assert g["rows"][1]["width"] == pytest.approx(g["rows"][0]["width"] * 130 / 350, abs=0.1)
    share = charts.share({"label": "x", "value": 40, "text": "40 %"}, "rest", "60 %")
    assert share["filled"] == pytest.approx(share["room"] * 0.4, abs=0.1)


def test_missing_npm_package_says_how_to_install_it(tmp_path):
    with pytest.raises(geo.MissingPackage, match=r"leaflet is missing .*run `npm ci`"):
        geo.require(tmp_path, geo.LEAFLET_DIR / "leaflet.js")


# -- bad data: one clear error naming file and field ----------------------------------------------
def _data_dir(tmp_path: Path, file: str, change) -> Path:
    shutil.copytree(DATA, tmp_path / "data")
    path = tmp_path / "data" / file
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return tmp_path / "data"


def _set(items_key, index, **values):
    def change(content):
        content[items_key][index].update(values)
    return change


def _drop(items_key, index, key):
    def change(content):
        content[items_key][index].pop(key)
    return change


@pytest.mark.parametrize("file, change, message", [
    ("partners.yml", _set("partners", 0, kind="ministere"),
     "data/partners.yml, field 'partners[ministry-agriculture-france].kind': \"ministere\" is not one of"),
    ("partners.yml", _set("partners", 0, lat=95.2),
     "field 'partners[ministry-agriculture-france].lat': 95.2 is out of range (latitude is between -90 and 90)"),
    ("partners.yml", _set("partners", 1, lon=-200),
     "field 'partners[ministry-agriculture-spain].lon': -200 is out of range (longitude is between -180 and 180)"),
    ("partners.yml", _set("partners", 1, id="ministry-agriculture-france"),
     "field 'partners[ministry-agriculture-france].id': \"ministry-agriculture-france\" is a duplicate id (item #1 has it already)"),
    ("partners.yml", _drop("partners", 0, "lon"),
     "field 'partners[ministry-agriculture-france].lon': is missing (give both lat and lon, or neither)"),
    ("partners.yml", _set("partners", 0, country="FRA"),
     "field 'partners[ministry-agriculture-france].country': \"FRA\" is not a country code"),
    ("partners.yml", _set("partners", 0, country="BR"),
     "field 'partners[ministry-agriculture-france].country': BR is in no region (add it to the `regions:` table"),
    ("partners.yml", _set("partners", 0, name={"fr": "Ministère", "en": "Ministry"}),
     "field 'partners[ministry-agriculture-france].name': missing in 'es'"),
    ("partners.yml", _set("partners", 0, webiste="https://x.org"),
     "field 'partners[ministry-agriculture-france].webiste': is not a known field (did you mean website?)"),
    ("partners.yml", _set("partners", 0, website="agriculture.gouv.fr"),
     "field 'partners[ministry-agriculture-france].website': \"agriculture.gouv.fr\" is not a web address"),
    ("events.yml", _set("events", 0, start="2023-02-30"),
     "data/events.yml, field 'events[regional-meeting-asia-2023].start': \"2023-02-30\" is not a date (write YYYY-MM-DD"),
    ("events.yml", _set("events", 0, end="2023-02-01"),
     "field 'events[regional-meeting-asia-2023].end': 2023-02-01 is before the start 2023-02-07"),
    ("events.yml", _set("events", 0, kind="meeting"),
     "field 'events[regional-meeting-asia-2023].kind': \"meeting\" is not one of"),
    ("events.yml", _set("events", 0, organisers=["icrisatt"]),
     "field 'events[regional-meeting-asia-2023].organisers': \"icrisatt\" is not a partner of data/partners.yml (did you mean icrisat?)"),
    ("events.yml", _set("events", 1, id="regional-meeting-asia-2023"),
     "field 'events[regional-meeting-asia-2023].id': \"regional-meeting-asia-2023\" is a duplicate id"),
    ("events.yml", _drop("events", 0, "start"),
     "field 'events[regional-meeting-asia-2023].start': is missing (give start (and end), or `during:`"),
    ("events.yml", _set("events", 3, start="2023-12-01"),
     "field 'events[initiative-day-7-cop28].during': cannot be given with start"),
    ("key_figures.yml", _set("figures", 0, qualifier="around"),
     "data/key_figures.yml, field 'figures[strategic-objectives].qualifier': \"around\" is not one of"),
    ("key_figures.yml", _set("figures", 0, value="twenty-four"),
     "field 'figures[strategic-objectives].value': \"twenty-four\" is not a number"),
    ("key_figures.yml", _set("figures", 0, as_of="last year"),
     "field 'figures[strategic-objectives].as_of': \"last year\" is not a year or a date"),
    ("key_figures.yml", _set("charts", 0, figures=["core-objectives", "global-objectivs"]),
     "field 'charts[objectives-by-facility].figures': \"global-objectivs\" is not a figure (did you mean global-objectives?)"),
    ("key_figures.yml", _set("charts", 0, figures=["core-objectives", "available-budget"]),
     "field 'charts[objectives-by-facility].figures': a chart needs figures of one same unit"),
])
def test_bad_data_gives_one_clear_error(tmp_path, file, change, message):
    data_dir = _data_dir(tmp_path, file, change)
    with pytest.raises(ContentError) as error:
        partners = load_partners(data_dir, languages=LANGS)
        load_regions(data_dir)
        load_events(data_dir, partners, languages=LANGS)
        load_key_figures(data_dir, languages=LANGS)
    assert message in str(error.value)


def test_invalid_yaml_names_the_line(tmp_path):
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "data" / "events.yml").write_text("events:\n  - id: x\n    name: {fr: a: b}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"data/events.yml, line 3: is not valid YAML"):
        load_events(tmp_path / "data", languages=LANGS)


def test_country_names_come_from_the_languages_babel_locale():
    assert [LANGUAGES.country("MA", lang) for lang in LANGS] == ["Maroc", "Morocco", "Marruecos"]
    assert LANGUAGES.country("SN", "es") == "Senegal" and LANGUAGES.country(None, "fr") is None
    assert LANGUAGES.country("ZZX", "fr") == "ZZX"  # unknown: the code as written


@settings(max_examples=200, deadline=None)
@given(st.text(), st.one_of(st.none(), st.text()))
def test_a_generated_partner_page_reads_back_its_name_and_description(name, description):
    """The partner pages' front matter is written by libyaml's emitter: any text reads back the same
    through the project's reader (what MkDocs reads), or is refused as it would be when typed."""
    from types import SimpleNamespace

    from fourpm.core import frontmatter

    partner = SimpleNamespace(id="x", name=lambda lang: name, description=lambda lang: description)
    try:
        meta, body = frontmatter.split(datapages.partner_markdown(partner, "fr"), "docs/fr/wiki/partners/x.md")
    except ContentError:  # a control character, as in data/partners.yml itself
        assert any(ord(c) < 32 and c not in "\t\n" or 0x7f <= ord(c) <= 0x9f for c in name + (description or ""))
        return
    assert meta == {"title": name, "description": description}
    assert body.strip() == "<!-- 4p1000 wiki-partner id=x -->"
