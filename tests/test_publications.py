"""Publications: every one exists in the three languages of the real site; the press room (releases,
press review) in small built sites; clear errors on bad press data. The small publications site
(`pub_site`) defined here is shared by test_newsletter.py and test_wiki.py."""
from __future__ import annotations

import contextlib
import html
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import LANGUAGES, ROOT, build, make_mini_site, shared, write_tree
from fourpm.core.errors import ContentError
from fourpm.core.frontmatter import split
from fourpm.publications.press import load_press_review, load_releases, review_by_month

LANGS = {"fr": "", "en": "en/", "es": "es/"}
SITE_URL = "https://example.org/"

# -- a small site with every publication ------------------------------------------------------------
PARTNERS = """\
regions:
  europe: [FR, FI]
partners:
  - id: cirad
    name: CIRAD
    kind: research
    country: FR
    city: Montpellier
    lat: 43.61
    lon: 3.88
    year: 2019
    website: https://www.cirad.fr
    description: {fr: Partenaire de recherche., en: Research partner., es: Socio de investigación.}
  - id: bsag
    name: Baltic Sea Action Group (BSAG)
    kind: organisation
    country: FI
    city: Helsinki
    lat: 60.17
    lon: 24.94
    description: {fr: Co-organisateur., en: Co-organiser., es: Coorganizador.}
"""

EVENTS = """\
events:
  - id: meeting-helsinki
    kind: regional-meeting
    start: 2023-06-06
    end: 2023-06-08
    city: Helsinki
    country: FI
    organisers: [bsag]
    name: {fr: Réunion Europe du Nord, en: Northern Europe meeting, es: Reunión de Europa del Norte}
"""

REVIEW = """\
entries:
  - date: 2022-11
    approximate: true
    outlet: bsag.fi
    title: A meeting & more
    url: https://www.bsag.fi/
    language: en
  - date: 2023-02-10
    outlet: Exemple
    title: Un article
    url: https://example.org/a
    language: fr
  - date: 2023-02-03
    outlet: Otro
    title: Un artículo
    url: https://example.org/b
    language: es
"""

WORDS = {"fr": ("Numéro", "Voir"), "en": ("Issue", "See"), "es": ("Número", "Ver")}


def issue_text(lang: str, number: int, day: str = "") -> str:
    word, see = WORDS[lang]
    head = f"number: {number}\ndate: {day or f'2022-11-{number + 10}'}\n" if lang == "fr" else ""
    return (f"---\n{head}title: {word} {number}\nsummary: Résumé {number} ({lang}) & <plus>\n---\n\n"
            f"## News {lang}\n\n{see} [la fiche](../wiki/soil.md), [A1] et [un site](https://example.net/x).\n\n"
            f"![Logo {lang}](../assets/logo.svg)\n\n- un\n- deux\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")


def pub_files() -> dict[str, str]:
    files = {
        "docs/assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="4"/></svg>\n',
        "data/partners.yml": PARTNERS,
        "data/events.yml": EVENTS,
        "data/press_review.yml": REVIEW,
    }
    for lang in LANGS:
        files.update({
            f"docs/{lang}/newsletter/index.md": f"---\ntitle: Newsletter {lang}\n---\n\n<!-- 4p1000 newsletter-archive -->\n",
            f"docs/{lang}/newsletter/issue-1.md": issue_text(lang, 1),
            f"docs/{lang}/newsletter/issue-2.md": issue_text(lang, 2),
            f"docs/{lang}/press/index.md": f"---\ntitle: Press {lang}\n---\n\n[Review](review.md), [releases](releases/index.md)\n",
            f"docs/{lang}/press/review.md": f"---\ntitle: Review {lang}\n---\n\n<!-- 4p1000 press-review -->\n",
            f"docs/{lang}/press/releases/index.md": f"---\ntitle: Releases {lang}\n---\n\n<!-- 4p1000 press-releases -->\n",
            f"docs/{lang}/press/releases/roadmap.md": ("---\ndate: 2022-11-16\n" if lang == "fr" else "---\n")
            + f"title: Roadmap {lang}\nsummary: Summary {lang}\n---\n\nText.\n",
            f"docs/{lang}/press/releases/farm.md": ("---\ndate: 2022-10-14\n" if lang == "fr" else "---\n")
            + f"title: FARM {lang}\nsummary: FARM summary {lang}\n---\n\nText.\n",
            f"docs/{lang}/wiki/index.md": f"---\ntitle: Wiki {lang}\n---\n\n<!-- 4p1000 wiki-sheets -->\n\n[Tags](tags.md)\n",
            f"docs/{lang}/wiki/tags.md": f"---\ntitle: Tags {lang}\n---\n\n<!-- 4p1000 wiki-tags -->\n",
            f"docs/{lang}/wiki/soil.md": f"---\ntitle: Soil {lang}\ntags: [Sols, Été {lang}]\n---\n\nSee [MRV](mrv.md#x).\n",
            f"docs/{lang}/wiki/mrv.md": f"---\ntitle: MRV {lang}\ntags: [Sols]\n---\n\nSee [CIRAD](partners/cirad.md) and [home](../index.md).\n",
            f"docs/{lang}/wiki/lonely.md": f"---\ntitle: Lonely {lang}\ntags: [Été {lang}]\n---\n\nNo link.\n",
            f"docs/{lang}/wiki/partners/index.md": f"---\ntitle: Partners {lang}\n---\n\n<!-- 4p1000 wiki-partners -->\n",
        })
    return files


def add_publications(project: Path) -> Path:
    """The conftest mini site (which runs every hook of mkdocs.yml), with publications, a logo and an
    "edit this page" address."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "hooks/main.py" in text  # the one hook file, which runs the publications' hooks
    text = text.replace("docs_dir: docs\n", "docs_dir: docs\nrepo_url: https://git.example.org/site/\nedit_uri: edit/main/docs/\n")
    text = text.replace("  font: false\n", "  font: false\n  logo: assets/logo.svg\n  features: [content.action.edit]\n")
    newsletter = "  newsletter: {unsubscribe: '*|UNSUB|*'}\n"  # the mailing tool's merge tag (e-mail editions)
    text = text.replace("extra:\n", "extra:\n" + newsletter, 1) if "\nextra:\n" in text else text + "extra:\n" + newsletter
    config.write_text(text, encoding="utf-8")
    return write_tree(project, pub_files())


@pytest.fixture
def pub_site(mini_site: Path) -> Path:
    return add_publications(mini_site)


@pytest.fixture(scope="session")
def pub_built(tmp_path_factory) -> Path:
    """The publications site built once per test run (the wiki, newsletter and publications tests share
    it), for the tests that only read it (mark them `site`: this fixture's name is not one conftest knows)."""
    return shared(tmp_path_factory, "pub", lambda folder: build(add_publications(make_mini_site(folder))))


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def article(html: str) -> str:
    start = html.index('<article class="md-content__inner')
    return html[start:html.index("</article>", start)]


def build_error(project: Path) -> str:
    """Build in a subprocess, as `mkdocs build --strict`; return stderr of the failure."""
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=project,
                            capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0, "the build should fail"
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


@contextlib.contextmanager
def logged(level: int = logging.INFO):
    """The log records of what runs inside, as caplog would keep them, for a fixture shared by several
    tests (caplog is one test's)."""
    records: list[logging.LogRecord] = []
    handler, root = logging.Handler(logging.DEBUG), logging.getLogger()
    handler.emit = records.append
    before = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(before)


def build_error_in_process(project: Path, caplog) -> str:
    """Build in this process, as `mkdocs build --strict`: it must stop with an error MkDocs reports (a
    BuildError, then Abort, which the command prints without a traceback; any other exception escapes
    pytest.raises). Return the errors it logged, one a line. Cheaper than build_error's new process."""
    from mkdocs.exceptions import Abort

    with pytest.raises(Abort, match="Aborted with a BuildError"):
        build(project)
    assert not [r for r in caplog.records if r.exc_info] and "Traceback" not in caplog.text
    return "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


# -- the real site: every publication in every language ---------------------------------------------
SECTIONS = ("newsletter", "press", "ambassadors", "communication-kit", "wiki")


def _source_pages(lang: str) -> list[str]:
    root = ROOT / "docs" / lang
    return sorted(p.relative_to(root).as_posix() for s in SECTIONS for p in (root / s).rglob("*.md"))


def _out(path: str) -> str:
    return path[:-len("index.md")] + "index.html" if path.endswith("index.md") else path[:-3] + "/index.html"


def test_each_section_has_the_same_pages_in_the_three_languages():
    pages = {lang: _source_pages(lang) for lang in LANGS}
    assert len(pages["fr"]) >= 30
    assert pages["en"] == pages["fr"] and pages["es"] == pages["fr"]


@pytest.mark.parametrize("lang", LANGS)
def test_every_publication_page_is_built_from_its_own_language(real_site, lang):
    for path in _source_pages(lang):
        meta, _body = split((ROOT / "docs" / lang / path).read_text(encoding="utf-8"), path)
        page = read(real_site, LANGS[lang] + _out(path))
        assert f'<html lang="{lang}"' in page, path
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
        assert html.unescape(heading.strip()) == meta["title"], path


@pytest.mark.parametrize("lang", LANGS)
def test_documents_feeds_and_email_editions_exist_in_each_language(real_site, lang):
    prefix = LANGS[lang]
    for name in ("newsletter-1", "ambassador-guide", "communication-kit", "press-kit"):
        assert (real_site / f"{prefix}pdf/{name}-{lang}.pdf").read_bytes()[:5] == b"%PDF-"
    for name in ("rss.xml", "atom.xml", "issue-1/email.html", "issue-1/email.txt"):
        assert (real_site / f"{prefix}newsletter/{name}").stat().st_size > 500
    issue = article(read(real_site, f"{prefix}newsletter/issue-1/index.html"))
    assert 'href="email.html"' in issue and 'href="email.txt"' in issue
    assert f"pdf/newsletter-1-{lang}.pdf" in issue
    for page, pdf in (("ambassadors/index.html", "ambassador-guide"), ("communication-kit/index.html", "communication-kit"),
                      ("press/index.html", "press-kit")):
        assert f"pdf/{pdf}-{lang}.pdf" in article(read(real_site, prefix + page)), page


@pytest.mark.parametrize("lang", LANGS)
def test_press_room_has_contacts_releases_and_review(real_site, lang):
    prefix = LANGS[lang]
    room = article(read(real_site, f"{prefix}press/index.html"))
    assert 'class="fpm-block fpm-contacts"' in room and 'href="press-kit/"' in room and 'href="releases/roadmap-2023/"' in room
    review = article(read(real_site, f"{prefix}press/review/index.html"))
    entries = yaml.safe_load((ROOT / "data/press_review.yml").read_text())["entries"]
    assert review.count("<li>") == len(entries)
    if not entries:  # the review says plainly that it has no article yet
        none = yaml.safe_load((ROOT / "data/labels.yml").read_text(encoding="utf-8"))["press_review_none"][lang]
        assert html.escape(none, quote=True) in review or none in review
    # BSAG's page is not press coverage: the Roadmap cites it with the Helsinki meeting (chapter V).
    assert 'bsag.fi' not in review
    assert 'href="https://www.bsag.fi/"' in article(read(real_site, f"{prefix}roadmap/cf-v/index.html"))


@pytest.mark.parametrize("lang", LANGS)
def test_every_partner_has_a_wiki_page(real_site, lang):
    from fourpm.data import load_partners

    partners = load_partners(ROOT / "data", languages=tuple(LANGS))
    index = article(read(real_site, f"{LANGS[lang]}wiki/partners/index.html"))
    for partner in partners.values():
        page = read(real_site, f"{LANGS[lang]}wiki/partners/{partner.id}/index.html")
        assert f'<html lang="{lang}"' in page
        assert f"<h1>{partner.name(lang)}</h1>" in html.unescape(page) and f'href="{partner.id}/"' in index


# -- press releases ----------------------------------------------------------------------------------
def test_releases_newest_first_with_dates_from_the_french_page(pub_site):
    releases = load_releases(pub_site / "docs", tuple(LANGS))
    assert [r.path for r in releases] == ["press/releases/roadmap.md", "press/releases/farm.md"]
    assert releases[0].title("es") == "Roadmap es" and releases[0].date.isoformat() == "2022-11-16"


@pytest.mark.site
def test_release_pages_and_list_in_built_site(pub_built):
    for lang, prefix in LANGS.items():
        listing = article(read(pub_built, f"{prefix}press/releases/index.html"))
        assert listing.index(f"Roadmap {lang}") < listing.index(f"FARM {lang}")
        page = article(read(pub_built, f"{prefix}press/releases/roadmap/index.html"))
        # No date of issue is shown: the Roadmap mentions no release (the date only orders the list).
        assert "fpm-press-release" in page and "<time" not in page and "<time" not in listing


@pytest.mark.parametrize("changes, message", [
    ({"docs/fr/press/releases/farm.md": "---\ndate: 2022-14-01\ntitle: F\nsummary: S\n---\n"},
     "docs/fr/press/releases/farm.md, field 'date': \"2022-14-01\" is not a date"),
    ({"docs/fr/press/releases/farm.md": "---\ndate: 2022-10-14\ntitle: F\n---\n"},
     "docs/fr/press/releases/farm.md, field 'summary': is missing"),
    ({"docs/en/press/releases/farm.md": "---\ndate: 2022-10-15\ntitle: F\nsummary: S\n---\n"},
     "docs/en/press/releases/farm.md, field 'date': \"2022-10-15\" contradicts the French page"),
    ({"docs/es/press/releases/other.md": "---\ntitle: F\nsummary: S\n---\n"},
     "docs/es/press/releases/other.md: has no French source page"),
])
def test_bad_release_gets_a_clear_error(pub_site, changes, message):
    write_tree(pub_site, changes)
    with pytest.raises(ContentError) as error:
        load_releases(pub_site / "docs", tuple(LANGS))
    assert str(error.value).startswith(message)


# -- press review ------------------------------------------------------------------------------------
def test_press_review_grouped_by_month_newest_first(pub_site):
    entries = load_press_review(pub_site / "data")
    groups = {lang: review_by_month(entries, LANGUAGES, lang) for lang in LANGS}
    assert [g["month"] for g in groups["fr"]] == ["Février 2023", "Novembre 2022"]
    assert [g["month"] for g in groups["es"]] == ["Febrero de 2023", "Noviembre de 2022"]
    february = groups["en"][0]["entries"]
    assert [e["date"] for e in february] == ["10 February 2023", "3 February 2023"]
    assert [e["language_name"] for e in february] == ["French", "Spanish"]
    november = groups["fr"][1]["entries"][0]
    assert november["approximate"] and november["date"] == "novembre 2022" and november["language_name"] == "anglais"


@pytest.mark.site
def test_press_review_page_in_each_language(pub_built):
    for lang, prefix in LANGS.items():
        review = article(read(pub_built, f"{prefix}press/review/index.html"))
        approximate = {"fr": "date approximative", "en": "approximate date", "es": "fecha aproximada"}[lang]
        assert review.count("<h2>") == 2 and review.count("<li>") == 3 and review.count(approximate) == 1
        assert '<a href="https://www.bsag.fi/" hreflang="en" lang="en">A meeting &amp; more</a>' in review


REVIEW_ENTRY = "entries:\n  - date: 2023-02-10\n    outlet: O\n    title: T\n{rest}"


@pytest.mark.parametrize("rest, message", [
    ("    language: en\n", "data/press_review.yml, field 'entries[1].url': is missing (add 'url: ...' to this entry)"),
    ("    url: https://example.org/\n    language: english\n",
     "data/press_review.yml, field 'entries[1].language': \"english\" is not a known language"),
    ("    url: https://example.org/\n    language: xx\n",
     "data/press_review.yml, field 'entries[1].language': \"xx\" is not a known language"),
    ("    url: example.org\n    language: en\n",
     "data/press_review.yml, field 'entries[1].url': \"example.org\" is not a web address"),
    ("    url: https://example.org/\n    language: en\n    lang: en\n",
     "data/press_review.yml, field 'entries[1].lang': is not a known field"),
])
def test_bad_press_review_entry_gets_a_clear_error(tmp_path, rest, message):
    (tmp_path / "press_review.yml").write_text(REVIEW_ENTRY.format(rest=rest), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_press_review(tmp_path)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("date", ["2023-13", "2023-02-30", "février 2023", "2023"])
def test_press_review_date_that_does_not_parse(tmp_path, date):
    (tmp_path / "press_review.yml").write_text(
        REVIEW_ENTRY.format(rest="    url: https://example.org/\n    language: en\n").replace("2023-02-10", date))
    with pytest.raises(ContentError) as error:
        load_press_review(tmp_path)
    assert str(error.value).startswith(f"data/press_review.yml, field 'entries[1].date': \"{date}\" is not a date")


def test_press_review_error_stops_the_build_in_one_line(pub_site):
    write_tree(pub_site, {"data/press_review.yml": REVIEW_ENTRY.format(rest="    language: en\n")})
    assert "data/press_review.yml, field 'entries[1].url': is missing" in build_error(pub_site)
