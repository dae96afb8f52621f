"""Content faithful to the 2023 Roadmap (issue 14, content part): the name in each language, no
overclaim coming back, the press room's ready-made stories, and the agenda that shows the latest
events when none is upcoming."""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import MINI_CONFIG, ROOT, build, write_tree
from fourpm.translation import glossary as gl

CONFIG = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
PLUGIN = next(p["i18n"] for p in CONFIG["plugins"] if isinstance(p, dict) and "i18n" in p)
LANGS = tuple(lang["locale"] for lang in PLUGIN["languages"])
SOURCE = next(lang["locale"] for lang in PLUGIN["languages"] if lang.get("default") == "true")
PREFIX = {lang: "" if lang == SOURCE else f"{lang}/" for lang in LANGS}


def pages(lang: str):
    root = ROOT / "docs" / lang
    return sorted((p.relative_to(root).as_posix(), p.read_text(encoding="utf-8")) for p in root.rglob("*.md"))


class Links(HTMLParser):
    """The href of every <a>, and the text of the page's <h2> headings."""

    def __init__(self, text: str):
        super().__init__()
        self.hrefs, self.h2, self._in_h2 = [], [], False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._in_h2:
            self.h2[-1] += data


# -- the Initiative's name, per language ----------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_no_page_writes_another_languages_form_of_the_name(lang):
    """The glossary gives the name per language and forbids the others' forms: every page passes."""
    glossary = gl.load_glossary(ROOT / "data", LANGS)
    forms = next(t for t in glossary.terms if t.id == "initiative-name").forms
    assert len({forms[code][0] for code in LANGS}) == len(LANGS)  # one form per language
    found = [str(f) for path, text in pages(lang) for f in gl.check_forbidden(glossary, lang, text, f"docs/{lang}/{path}")]
    assert found == []


def test_the_check_reports_the_french_form_in_an_english_page():
    glossary = gl.load_glossary(ROOT / "data", LANGS)
    other = next(lang for lang in LANGS if lang != SOURCE)
    source_form = next(t for t in glossary.terms if t.id == "initiative-name").forms[SOURCE][0]
    found = gl.check_forbidden(glossary, other, f"---\ntitle: x\n---\n\nThe « {source_form} » Initiative.\n", "docs/x.md")
    assert [f.subject for f in found] == [source_form]


# -- overclaims and placeholders that must not come back ------------------------------------------
# (pattern, why): each was written once and contradicts the Roadmap's own words.
BANNED = [
    (r"à définir|to be defined|por definir", "the Strategic Plan defines the baselines and targets"),
    (r"premier numéro|first issue|primer número", "the Roadmap gives the newsletter no place in a series"),
    (r"^## (Success stories|Casos de éxito)", "the newsletter's milestones are internal, not success stories"),
    (r"devenu annuel|made annual|now annual|pasa a ser anual|pasó a ser anual|ahora anual",
     "the Roadmap wants to put an annual call on a lasting footing"),
    (r"\b(Axe|Axis|Eje)s? [A-F]\b|\bpar axe\b|\bby axis\b|\bpor eje\b", "the Roadmap names no axes"),
    (r"^\*\*Sharm El Sheikh", "the Roadmap mentions no press release issued that day"),
    (r"règles d'usage|usage rules|reglas de uso|assets/logo\.svg", "the site's mark is not the Initiative's logo"),
    (r"sa mission comporte|its mission has|su misión tiene", "the Roadmap states no mission"),
    (r"partenaires de la région|partners from the region|socios de la región", "CIAT and CIRAD are not"),
    (r"ne se traduit pas, dans aucune langue|is never translated, in any language", "the name has a form per language"),
]


@pytest.mark.parametrize("pattern, why", BANNED, ids=[why for _p, why in BANNED])
def test_no_page_says_what_the_roadmap_does_not(pattern, why):
    regex = re.compile(pattern, re.M)
    hits = [f"docs/{lang}/{path}" for lang in LANGS for path, text in pages(lang) if regex.search(text)]
    assert hits == [], why


def test_labels_claim_nothing_the_roadmap_does_not_say():
    labels = yaml.safe_load((ROOT / "data" / "labels.yml").read_text(encoding="utf-8"))
    assert "sera publié" not in labels["sp_donate_soon"][SOURCE]  # the appeal "pourrait" be made
    assert all(not re.search(r"Axe|Axis|Eje", labels["axis"][lang]) for lang in LANGS)
    assert "Membres" not in labels["map_title"][SOURCE]  # the map shows no Member


def test_the_press_review_lists_no_partner_page_and_the_days_have_no_invented_theme():
    review = yaml.safe_load((ROOT / "data" / "press_review.yml").read_text(encoding="utf-8"))
    assert all("bsag.fi" not in entry.get("url", "") for entry in review["entries"])
    events = yaml.safe_load((ROOT / "data" / "events.yml").read_text(encoding="utf-8"))["events"]
    assert [e["id"] for e in events if e["kind"] == "initiative-day" and "theme" in e] == []


# -- the press room's ready-made stories ----------------------------------------------------------
def test_story_angles_are_in_the_nav_and_in_every_language():
    press = next(item for item in CONFIG["nav"] if "Publications" in item)["Publications"]
    room = next(item for item in press if "Espace presse" in item)["Espace presse"]
    assert "press/story-angles.md" in room
    for lang in LANGS:
        text = (ROOT / "docs" / lang / "press" / "story-angles.md").read_text(encoding="utf-8")
        stories = re.findall(r"^## \d\. ", text, re.M)
        assert 3 <= len(stories) <= 5, lang
        # Every story gives objective codes, except the consultation, which covers all 24.
        sections = re.split(r"^## \d\. ", text, flags=re.M)[1:]
        assert sum(bool(re.search(r"\[[A-F]\d\]", s)) for s in sections) >= len(sections) - 1, lang


@pytest.mark.parametrize("lang", LANGS)
def test_story_angles_page_links_codes_and_pages_in_the_built_site(real_site, lang):
    page = (real_site / f"{PREFIX[lang]}press/story-angles/index.html").read_text(encoding="utf-8")
    links = Links(page[page.index('<article'):page.index('</article>')])
    assert sum(re.fullmatch(r"\.\./\.\./objectives/[a-f]\d/", h) is not None for h in links.hrefs) >= 4
    assert "../../roadmap/cf-vii/" in links.hrefs and "../../support/" in links.hrefs
    assert len([h for h in links.h2 if re.match(r"\d\. ", h)]) == 5
    room = (real_site / f"{PREFIX[lang]}press/index.html").read_text(encoding="utf-8")
    assert 'href="story-angles/"' in room


# -- the agenda: the latest events when none is upcoming ----------------------------------------
def epoch(day: dt.date) -> str:
    return str(int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.timezone.utc).timestamp()))


@pytest.fixture
def agenda_site(mini_site: Path) -> Path:
    config = MINI_CONFIG  # hooks/main.py runs the data pages' hooks too
    (mini_site / "mkdocs.yml").write_text(config + "extra:\n  partners_map: {tiles: '', attribution: ''}\n", encoding="utf-8")
    return write_tree(mini_site, {f"docs/{lang}/kit.md": "---\ntitle: Kit\n---\n\n<!-- 4p1000 events when=upcoming latest=2 -->\n"
                                  for lang in LANGS})


def event_ids(page: str) -> list[str]:
    return re.findall(r'id="event-([\w-]+)"', page)


def test_with_nothing_upcoming_the_agenda_shows_the_latest_events(agenda_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2024, 6, 1)))  # after every event of the data
    site = build(agenda_site)
    labels = yaml.safe_load((ROOT / "data" / "labels.yml").read_text(encoding="utf-8"))
    for lang in LANGS:
        page = (site / f"{PREFIX[lang]}kit/index.html").read_text(encoding="utf-8")
        block = page[page.index("fpm-events-upcoming"):]
        block = block[:block.index("</ol>")]
        assert "fpm-events-latest" in page
        # Newest first: the 7th Day (during COP28, December 2023), then Helsinki (June 2023).
        assert event_ids(block) == ["initiative-day-7-cop28", "regional-meeting-northern-europe-2023"]
        text = block.replace("&#39;", "'")
        assert labels["ev_none_upcoming"][lang] in text and labels["ev_latest"][lang] in text


def test_with_events_upcoming_the_agenda_shows_them_only(agenda_site, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch(dt.date(2023, 6, 1)))  # before Helsinki
    site = build(agenda_site)
    page = (site / "en/kit/index.html").read_text(encoding="utf-8")
    assert "fpm-events-latest" not in page
    assert event_ids(page) == ["regional-meeting-northern-europe-2023", "initiative-day-7-cop28"]


BAD_LATEST = [
    ("when=upcoming latest=two", 'latest="two" is not a number of events'),
    ("when=past latest=2", "latest= goes with when=upcoming only"),
]


@pytest.mark.parametrize("args, message", BAD_LATEST[1:])
def test_a_bad_latest_value_gives_one_clear_error(agenda_site, args, message, caplog):
    """In process (the command line is checked once, below)."""
    from test_publications import build_error_in_process

    write_tree(agenda_site, {"docs/en/kit.md": f"---\ntitle: Kit\n---\n\n<!-- 4p1000 events {args} -->\n"})
    errors = build_error_in_process(agenda_site, caplog)
    assert re.search(r"docs/en/kit\.md, line \d+: " + re.escape(message), errors), errors


@pytest.mark.parametrize("args, message", BAD_LATEST[:1])
def test_a_bad_latest_value_on_the_command_line_exits_with_one_clear_error(agenda_site, args, message):
    write_tree(agenda_site, {"docs/en/kit.md": f"---\ntitle: Kit\n---\n\n<!-- 4p1000 events {args} -->\n"})
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=agenda_site,
                            capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert re.search(r"docs/en/kit\.md, line \d+: " + re.escape(message), result.stderr), result.stderr[-800:]
    assert "Traceback" not in result.stderr + result.stdout
