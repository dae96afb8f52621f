"""Adding a language is configuration and content, no code: a small site with Portuguese and Arabic
(right to left) added to the three of the real site, built with the real hooks and templates."""
from __future__ import annotations

import re
import xml.dom.minidom
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import MINI_CONFIG, build, write_tree
from quality.links import parse

NEW = ("pt", "ar")  # Portuguese, and Arabic for a right-to-left language
CONFIG = MINI_CONFIG.replace(
    "        - {locale: es, name: Español, build: true}\n",
    "        - {locale: es, name: Español, build: true}\n"
    "        - {locale: pt, name: Português, build: true}\n"
    "        - {locale: ar, name: العربية, build: true}\n")
PAGES = {
    "docs/fr/newsletter/issue-1.md": "---\nnumber: 1\ndate: 2022-11-16\ntitle: Lettre\nsummary: Résumé.\n---\n\nTexte.\n",
    "docs/fr/events/index.md": "---\ntitle: Agenda\n---\n\n<!-- 4p1000 events when=all -->\n\n<!-- 4p1000 events-calendar -->\n",
    "docs/fr/press/kit.md": "---\ntitle: Dossier de presse\npdf: press-kit\n---\n\nLe dossier [A1].\n",
    "docs/pt/index.md": "---\ntitle: Início\n---\n\nVer [A1].\n",
    "docs/pt/press/kit.md": "---\ntitle: Kit de imprensa\n---\n\nO kit [A1].\n",
    "docs/ar/index.md": "---\ntitle: الصفحة الرئيسية\n---\n\nانظر [A1].\n",
}
_VALUE = r"""(?:"(?:[^"\\]|\\.)*"|'[^']*'|\[[^\]]*\]|[^,}\n]+)"""


def add_language(text: str, new: str, like: str = "en") -> str:
    """The data file with a text in language new wherever it has one in like (the translators' work)."""
    out = []
    for line in text.splitlines(keepends=True):
        out.append(line)
        if block := re.match(rf"^(\s*){like}: (.*)$", line):
            out.append(f"{block.group(1)}{new}: {block.group(2)}\n")
        else:
            out[-1] = re.sub(rf"([{{,]\s*){like}: ({_VALUE})", lambda m: f"{m.group(0)}, {new}: {m.group(2)}", line)
    return "".join(out)


@pytest.fixture(scope="module")
def five(tmp_path_factory) -> tuple[Path, Path]:
    from conftest import MINI_FILES, ROOT
    import shutil

    project = tmp_path_factory.mktemp("languages")
    for name in ("hooks", "overrides", "data"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    for path in (project / "data").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for lang in NEW:
            text = add_language(text, lang)
        path.write_text(text, encoding="utf-8")
    write_tree(project, {**MINI_FILES, **PAGES})
    return project, build(project)


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.parametrize("lang, direction", [("pt", "ltr"), ("ar", "rtl")])
def test_a_new_language_has_its_pages_switcher_and_404(five, lang, direction):
    _project, site = five
    home = read(site, f"{lang}/index.html")
    assert f'lang="{lang}"' in html_tag(home)
    assert re.search(r"<body[^>]*\bdir=\"(\w+)\"", home).group(1) == direction  # Material's, from the locale
    links = {url for tag, url in parse(home).links if tag == "a"}
    assert {"/", "/en/", "/es/", "/pt/", "/ar/"} <= links  # the language switcher
    assert (site / lang / "404.html").exists() and f'lang="{lang}"' in html_tag(read(site, f"{lang}/404.html"))


def test_a_page_not_yet_translated_falls_back_with_its_banner(five):
    _project, site = five
    page = read(site, "pt/objectives/a1/index.html")
    assert "fpm-translation-missing" in page and "Texte." in page


def test_dates_are_written_by_babel_in_the_new_language(five):
    _project, site = five
    assert "16 de novembro de 2022" in read(site, "pt/newsletter/issue-1/index.html")
    agenda = read(site, "pt/events/index.html")
    assert re.search(r"\d+(–\d+)? de [a-zç]+ de 20\d\d", agenda), "no Portuguese date in the agenda"


def test_feeds_and_calendar_exist_in_the_new_language(five):
    _project, site = five
    rss = xml.dom.minidom.parseString((site / "pt/newsletter/rss.xml").read_bytes())
    assert rss.getElementsByTagName("language")[0].firstChild.data.startswith("pt")
    calendar = read(site, "pt/events/agenda-pt.ics")
    assert calendar.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in calendar
    page = read(site, "pt/events/index.html")
    assert "agenda-pt.ics" in page


def test_a_pdf_in_the_new_language(five):
    _project, site = five
    reader = PdfReader(site / "pt/pdf/press-kit-pt.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Kit de imprensa" in text and "O kit" in text
    assert str(reader.trailer["/Root"].get("/Lang")) == "pt"
    assert (site / "ar/pdf/press-kit-ar.pdf").exists()


def test_labels_missing_in_an_added_language_are_listed_in_one_error(tmp_path):
    from conftest import MINI_FILES, ROOT
    import shutil
    from mkdocs.config import load_config
    from fourpm.catalog import site
    from fourpm.core import sources
    from fourpm.core.errors import ContentError

    for name in ("hooks", "overrides", "data"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    write_tree(tmp_path, MINI_FILES)
    with pytest.raises(ContentError) as error:
        site.load(sources.project_of(load_config(str(tmp_path / "mkdocs.yml"))))
    message = str(error.value)
    assert message.startswith("data/labels.yml: ") and ".pt" in message and ".ar" in message and "more" in message
