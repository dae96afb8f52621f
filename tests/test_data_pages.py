"""Data pages in built sites: the HTML, calendars, SVG and scripts readers get, in the three languages,
and clean build failures on bad data or a missing Leaflet."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest
import yaml

from conftest import MINI_CONFIG, ROOT, build, make_mini_site, write_tree
from fourpm.data import load_events, load_partners

LANGS = ("fr", "en", "es")
PREFIX = {"fr": "", "en": "en/", "es": "es/"}
EPOCH = str(int(dt.datetime(2023, 5, 16, 12, tzinfo=dt.timezone.utc).timestamp()))  # during the Abidjan meeting
PAGES = {
    "partners/index.md": "---\ntitle: Partners {lang}\n---\n\n<!-- 4p1000 partners-map -->\n",
    "events/index.md": ("---\ntitle: Agenda {lang}\n---\n\n<!-- 4p1000 events-calendar -->\n\n## Up\n\n"
                        "<!-- 4p1000 events when=upcoming -->\n\n## Past\n\n<!-- 4p1000 events when=past -->\n"),
    "dashboard.md": "---\ntitle: Dashboard {lang}\n---\n\n<!-- 4p1000 key-figures -->\n\n<!-- 4p1000 charts -->\n",
    "support.md": "---\ntitle: Support {lang}\n---\n\nGive.\n\n<!-- 4p1000 donate -->\n",
    "press.md": "---\ntitle: Press {lang}\n---\n\n<!-- 4p1000 map-svg -->\n\n<!-- 4p1000 events when=all -->\n",
}


def config(tiles: str = "", donation: str = "") -> str:
    text = MINI_CONFIG  # hooks/main.py runs the data pages' hooks too
    assert "\nextra:\n" in text
    return text.replace("\nextra:\n", "\nextra:\n"
                        f"  partners_map: {{tiles: '{tiles}', attribution: ''}}\n  support: {{donation_url: '{donation}'}}\n")


def with_data_pages(project: Path) -> Path:
    """The mini site with the data pages in three languages, Leaflet and the map script."""
    script = "docs/assets/javascripts/partners-map.js"
    (project / script).parent.mkdir(parents=True)
    shutil.copy(ROOT / script, project / script)
    (project / "mkdocs.yml").write_text(config(), encoding="utf-8")
    return write_tree(project, {f"docs/{lang}/{path}": text.format(lang=lang)
                                for lang in LANGS for path, text in PAGES.items()})


@pytest.fixture
def data_site(mini_site: Path, monkeypatch) -> Path:
    """The data pages' mini site, for a test that changes it."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return with_data_pages(mini_site)


@pytest.fixture(scope="module")
def data_built(tmp_path_factory) -> Path:
    """The data pages' mini site built once, for the tests that only read it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return build(with_data_pages(make_mini_site(tmp_path_factory.mktemp("data-pages"))))


TILES, DONATION = "https://tiles.invalid/{z}/{x}/{y}.png", "https://donate.example.org/4p1000"


@pytest.fixture(scope="module")
def configured_built(tmp_path_factory) -> Path:
    """The data pages' mini site with map tiles and a donation link set (two settings that do not
    meet: one is read by the map only, the other by the donate block only), built once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        project = with_data_pages(make_mini_site(tmp_path_factory.mktemp("data-configured")))
        (project / "mkdocs.yml").write_text(config(tiles=TILES, donation=DONATION), encoding="utf-8")
        return build(project)


def html(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


class Elements(HTMLParser):
    """Start tags with their attributes, and the text of <title>/<desc>/<text>/<td>/<th>."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.texts.append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def data(project: Path = ROOT):
    """The partners and events of the project a site was built from."""
    partners = load_partners(project / "data", languages=LANGS)
    return partners, load_events(project / "data", partners, languages=LANGS)


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i)]


# -- pages in three languages ---------------------------------------------------------------------
def test_each_data_page_exists_in_the_three_languages(data_built):
    site = data_built
    words = {"fr": ("Chiffres clés", "Événements", "Réunion régionale « 4 pour 1000 » Asie", "7–10 février 2023"),
             "en": ("Key figures", "Events", "Regional Meeting for Asia", "7–10 February 2023"),
             "es": ("Cifras clave", "Eventos", "Reunión regional &#34;4 por 1000&#34; de Asia", "7–10 de febrero de 2023")}
    for lang in LANGS:
        pages = {p: html(site, f"{PREFIX[lang]}{p}") for p in
                 ("partners/index.html", "events/index.html", "dashboard/index.html", "support/index.html")}
        for page in pages.values():
            assert f'<html lang="{lang}"' in page
        assert words[lang][0] in pages["dashboard/index.html"]
        assert words[lang][1] in pages["partners/index.html"]
        assert words[lang][2] in pages["events/index.html"] and words[lang][3] in pages["events/index.html"]


def test_agenda_splits_upcoming_and_past_at_the_build_date(data_built):
    site = data_built
    page = html(site, "en/events/index.html")
    upcoming = between(page, "fpm-events-upcoming", "</ol>")
    past = between(page, "fpm-events-past", "</ol>")
    # Built on 16 May 2023: Abidjan (15-17 May) is under way, so upcoming; Hyderabad is past.
    assert 'id="event-regional-meeting-west-africa-2023"' in upcoming
    assert 'id="event-regional-meeting-northern-europe-2023"' in upcoming
    assert 'id="event-regional-meeting-asia-2023"' in past and "Hyderabad" not in upcoming
    assert "during COP28, 30 November – 12 December 2023 (exact date not given)" in upcoming
    assert "ICRISAT" in past  # co-organisers


def test_calendar_file_per_language_parses_with_the_right_dates(data_built):
    site = data_built
    _partners, events = data(data_built.parent)
    uids = {}
    for lang in LANGS:
        page = html(site, f"{PREFIX[lang]}events/index.html")
        href = re.search(r'<a href="([^"]+\.ics)"', page).group(1)
        ics_file = (site / f"{PREFIX[lang]}events" / href).resolve()
        assert ics_file == (site / f"{PREFIX[lang]}events/agenda-{lang}.ics").resolve() and ics_file.exists()
        cal = icalendar.Calendar.from_ical(ics_file.read_bytes())
        found = {str(e["UID"]): e for e in cal.walk("VEVENT")}
        uids[lang] = set(found)
        assert len(found) == len(events)
        for event in events:
            item = next(v for k, v in found.items() if k.startswith(event.id + "@"))
            assert item.decoded("DTSTART") == event.first_day
            assert item.decoded("DTEND") == event.last_day + dt.timedelta(days=1)  # exclusive end
            assert str(item["SUMMARY"]) == event.names[lang]
            assert item.decoded("DTSTAMP") == dt.datetime.fromtimestamp(int(EPOCH), tz=dt.timezone.utc)
        helsinki = next(v for k, v in found.items() if k.startswith("regional-meeting-northern-europe-2023@"))
        assert (helsinki.decoded("DTSTART"), helsinki.decoded("DTEND")) == (dt.date(2023, 6, 6), dt.date(2023, 6, 9))
    assert uids["fr"] == uids["en"] == uids["es"]  # stable: one UID per event, whatever the language


# -- the map --------------------------------------------------------------------------------------
def test_map_page_has_one_marker_per_partner_with_its_coordinates(data_built):
    site = data_built
    partners, events = data(data_built.parent)
    for lang in LANGS:
        page = Elements(html(site, f"{PREFIX[lang]}partners/index.html"))
        items = {a["data-id"]: a for a in page.find("li", **{"data-type": "partner"})}
        assert list(items) == list(partners)  # every partner listed, located or not
        for pid, partner in partners.items():
            if partner.located:
                assert (float(items[pid]["data-lat"]), float(items[pid]["data-lon"])) == (partner.lat, partner.lon)
            else:
                assert "data-lat" not in items[pid]
            assert items[pid]["data-kind"] == partner.kind and items[pid]["data-region"] == partner.region
        assert len(page.find("li", **{"data-type": "event"})) == len(events)
        # The static SVG map: one dot per located partner, one diamond per located event.
        dots = page.find("circle", **{"class": "fpm-point-partner"})
        assert sorted((d["data-id"], float(d["data-lat"]), float(d["data-lon"])) for d in dots) == sorted(
            (p.id, p.lat, p.lon) for p in partners.values() if p.located)
        assert len(page.find("rect", **{"class": "fpm-point-event"})) == sum(e.located for e in events)


def test_map_page_loads_only_files_of_the_site(data_built):
    site = data_built
    page = Elements(html(site, "es/partners/index.html"))
    block = page.find("div", **{"class": "fpm-block fpm-partners-map"})[0]
    assert block["data-tiles"] == ""  # tiles are off by default
    sources = [a["src"] for a in page.find("script") if "src" in a] + [
        a["href"] for a in page.find("link") if a.get("rel") not in ("canonical", "alternate")]  # loaded, not just named
    assert not [s for s in sources if re.match(r"(https?:)?//", s)]
    assert (site / "assets/fpm/leaflet.js").read_bytes() == (ROOT / "node_modules/leaflet/dist/leaflet.js").read_bytes()
    for name in ("leaflet.css", "land.js", "images/marker-icon.png"):
        assert (site / "assets/fpm" / name).exists()
    assert (site / "assets/javascripts/partners-map.js").exists()


def run_map(site: Path, page: str, kind: str = "", region: str = "") -> dict:
    result = subprocess.run(["node", str(ROOT / "tests/test_data_map_dom.cjs"), str(site), page, kind, region],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "NODE_PATH": str(ROOT / "node_modules")},
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.site
def test_map_markers_list_and_filters_work_with_tiles_blocked(configured_built):
    site = configured_built
    partners, events = data(configured_built.parent)
    everything = run_map(site, "en/partners/index.html")
    assert everything["tiles"] == "https://tiles.invalid/{z}/{x}/{y}.png"
    assert everything["leaflet"] and everything["errors"] == []
    assert all(url.startswith("https://tiles.invalid/") for url in everything["refused"])  # only tiles, all refused
    located = [p.name("en") for p in partners.values() if p.located] + [e.names["en"] for e in events if e.located]
    assert sorted(everything["markers"]) == sorted(located) and everything["ready"] == str(len(located))
    assert everything["land"] > 50 and everything["filtersVisible"] and everything["staticMapHidden"]
    assert everything["count"] == str(len(partners) + len(events))

    research_europe = run_map(site, "en/partners/index.html", "research", "europe")
    expected = [p.id for p in partners.values() if p.kind == "research" and p.region == "europe"]
    assert research_europe["shown"] == expected and research_europe["count"] == str(len(expected))
    assert sorted(research_europe["markers"]) == sorted(p.name("en") for p in partners.values()
                                                       if p.id in expected and p.located)
    asia_events = run_map(site, "partners/index.html", "event", "asia")
    assert asia_events["shown"] == [e.id for e in events if e.country in ("IN", "AE")]


# -- dashboard and support ------------------------------------------------------------------------
def test_charts_are_accessible_svg_with_their_data_next_to_them(data_built):
    site = data_built
    figures = yaml.safe_load((ROOT / "data/key_figures.yml").read_text(encoding="utf-8"))
    values = {f["id"]: f["value"] for f in figures["figures"]}
    for lang in LANGS:
        page = html(site, f"{PREFIX[lang]}dashboard/index.html")
        for chart in figures["charts"]:
            block = between(page, f'id="chart-{chart["id"]}"', "</figure>")
            svg = between(block, "<svg", "</svg>")
            assert 'role="img"' in svg and f'<title id="chart-{chart["id"]}-title">' in svg and "<desc" in svg
            assert chart["title"][lang].replace("'", "&#39;") in svg
            table = between(block, "<table", "</table>")
            for fid in chart["figures"]:
                assert f'data-value="{values[fid]}"' in svg
                label = next(f for f in figures["figures"] if f["id"] == fid)["label"][lang]
                assert label.replace("'", "&#39;") in table and label.replace("'", "&#39;") in svg
            assert "<script" not in block
        assert "350" in page and "130" in page and ">13<" in page and ">11<" in page
    fr = html(site, "dashboard/index.html")
    assert "environ 40\xa0%" in fr and "plus de 4\u202f000" in fr and "Feuille de route 2023" in fr


@pytest.mark.site
def test_donation_link_comes_from_mkdocs_extra(data_built, configured_built):
    assert "Pas de lien de don en ligne pour le moment" in html(data_built, "support/index.html")  # none set
    site = configured_built
    for lang, word in (("fr", "Faire un don"), ("en", "Donate"), ("es", "Donar")):
        assert f'href="https://donate.example.org/4p1000" rel="noopener">{word}</a>' in html(site, f"{PREFIX[lang]}support/index.html")


def test_press_kit_blocks_are_plain_html(data_built):
    site = data_built
    page = html(site, "en/press/index.html")
    block = between(page, '<figure class="fpm-block fpm-svg-map">', "</figure>")
    assert "<script" not in block and "<title" in block and "Paris, France (48.857, 2.352)" in block
    assert page.count('class="fpm-event"') == len(data(data_built.parent)[1])


# -- failures -------------------------------------------------------------------------------------
def mkdocs_build(project: Path):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=project, capture_output=True,
                          text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH})


BAD_DATA = [
    ({"data/partners.yml": lambda t: t.replace("lat: 48.8566", "lat: 148.8566", 1)},
     "data/partners.yml, field 'partners[ministry-agriculture-france].lat': 148.8566 is out of range"),
    ({"data/partners.yml": lambda t: t.replace("kind: research", "kind: reserch", 1)},
     "data/partners.yml, field 'partners[cgiar].kind': \"reserch\" is not one of"),
    ({"data/events.yml": lambda t: t.replace("end: 2023-02-10", "end: 2023-02-31", 1)},
     "data/events.yml, field 'events[regional-meeting-asia-2023].end': \"2023-02-31\" is not a date"),
    ({"docs/en/events/index.md": lambda t: t.replace("when=upcoming", "when=soon")},
     re.compile(r'docs/en/events/index.md, line \d+: when="soon" is not a choice \(use upcoming, past or all\)')),
    ({"docs/es/dashboard.md": lambda t: t.replace("<!-- 4p1000 charts -->", "<!-- 4p1000 chart id=budget -->")},
     re.compile(r'docs/es/dashboard.md, line \d+: id="budget" is not a chart of data/key_figures.yml \(did you mean budget-share\?\)')),
]


def change(project: Path, changes: dict) -> None:
    for rel, edit in changes.items():
        path = project / rel
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


def said(message, text: str) -> bool:
    return bool(message.search(text)) if isinstance(message, re.Pattern) else message in text


@pytest.mark.parametrize("changes, message", BAD_DATA[1:])
def test_bad_data_stops_the_build_with_one_clear_line(data_site, changes, message, caplog):
    """In process (the command line is checked once, below)."""
    from test_publications import build_error_in_process

    change(data_site, changes)
    assert said(message, build_error_in_process(data_site, caplog))


@pytest.mark.parametrize("changes, message", BAD_DATA[:1])
def test_bad_data_on_the_command_line_exits_with_one_clear_line(data_site, changes, message):
    change(data_site, changes)
    result = mkdocs_build(data_site)
    assert result.returncode != 0
    assert said(message, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout


def test_a_missing_leaflet_stops_the_build_and_says_how_to_install_it(data_site):
    (data_site / "node_modules").unlink()
    result = mkdocs_build(data_site)
    assert result.returncode != 0
    assert "leaflet is missing (node_modules/leaflet/dist/leaflet.js not found): run `npm ci`" in result.stderr
    assert "Traceback" not in result.stderr


# -- the real site --------------------------------------------------------------------------------
def test_real_site_has_the_data_pages_and_calendars_in_three_languages(real_site):
    partners, events = data()
    for lang in LANGS:
        for page in ("partners/index.html", "events/index.html", "dashboard/index.html", "support/index.html"):
            assert f'<html lang="{lang}"' in html(real_site, PREFIX[lang] + page)
        cal = icalendar.Calendar.from_ical((real_site / f"{PREFIX[lang]}events/agenda-{lang}.ics").read_bytes())
        assert len(cal.walk("VEVENT")) == len(events)
        support = html(real_site, PREFIX[lang] + "support/index.html")
        assert "Les agriculteurs ont la Terre entre leurs mains" in support and "25, 50, 100" in support
        page = Elements(html(real_site, PREFIX[lang] + "partners/index.html"))
        assert len(page.find("li", **{"data-type": "partner"})) == len(partners)
    assert run_map(real_site, "partners/index.html")["ready"] == str(
        sum(p.located for p in partners.values()) + sum(e.located for e in events))
