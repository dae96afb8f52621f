"""XLIFF for translation tools: the units of a page, the protected elements, the file translate-toolkit
reads (with its word count), the round trips on the real site, --outdated and --missing, and the
refusals of import (one line naming the file and the unit)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from lxml import etree
from translate.storage import factory
from translate.tools import pocount

from conftest import ROOT
from fourpm import translation as tr
from fourpm.translation import units as tu
from fourpm.translation import xliff
from fourpm.core.errors import ContentError

LANGS = ("fr", "en", "es")
NS = {"x": xliff.NAMESPACE}
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
GOVERNANCE = "initiative/governance.md"

PAGE = """---
title: Un titre
description: Une description.
summary: Un résumé.
kind: core
---

Un paragraphe avec [A6] et [A2-A3-A6-B3], un [lien](../x.md), du `code`, du **gras** et <br> une balise.

## Un titre de section

- Un élément.
- Un autre, voir https://example.org/page.

| Colonne | Autre |
|---|---|
| Une cellule | `#2f7d32` |

![Le texte de l'image](../assets/logo.svg)

<!-- 4p1000 key-figures -->

!!! note "Un encadré"
    Le texte de l'encadré.

```
du code qui ne se traduit pas
```
"""


# -- the units of a page ---------------------------------------------------------------------------
def test_one_unit_per_field_heading_paragraph_item_cell_alt_text_and_admonition():
    units = {u.id: u.text for u in tu.split(PAGE, "docs/fr/x.md")[2]}
    assert units == {
        "meta.title": "Un titre", "meta.description": "Une description.", "meta.summary": "Un résumé.",
        "p[1]": "Un paragraphe avec [A6] et [A2-A3-A6-B3], un [lien](../x.md), du `code`, du **gras** et <br> une balise.",
        "h2[1]": "Un titre de section",
        "h2[1]/li[1]/p[1]": "Un élément.",
        "h2[1]/li[2]/p[1]": "Un autre, voir https://example.org/page.",
        "h2[1]/table[1]/r[1]/c[1]": "Colonne", "h2[1]/table[1]/r[1]/c[2]": "Autre",
        "h2[1]/table[1]/r[2]/c[1]": "Une cellule", "h2[1]/table[1]/r[2]/c[2]": "`#2f7d32`",
        "h2[1]/p[1]": "![Le texte de l'image](../assets/logo.svg)",
        "h2[1]/admonition[1]/title[1]": "Un encadré",
        "h2[1]/admonition[1]/p[1]": "Le texte de l'encadré.",
    }


def test_codes_placeholders_links_code_html_urls_and_markup_are_protected():
    unit = tu.Unit("p[1]", "Voir [A6] et [A2-B3] : [le lien](../x.md \"t\"), `x`, **gras**, <br>, "
                           "<!-- 4p1000 donate -->, https://example.org/a et \\*.")
    kinds = [(p.kind, p.text) for p in unit.pieces if isinstance(p, tu.Code)]
    assert kinds == [("x-objective", "[A6]"), ("x-objective", "[A2-B3]"), ("x-link-start", "["),
                     ("x-link-target", '](../x.md "t")'), ("x-code", "`x`"), ("x-markup", "**"), ("x-markup", "**"),
                     ("x-html", "<br>"), ("x-placeholder", "<!-- 4p1000 donate -->"), ("x-url", "https://example.org/a"),
                     ("x-escape", "\\*")]
    assert tu.join(unit.pieces) == unit.text
    assert tu.pairs(unit.pieces) == [("3", "4"), ("6", "7")]
    assert [p for p in tu.Unit("meta.title", "Titre [A6]").pieces] == ["Titre [A6]"]  # front matter: plain text


def test_the_page_renders_back_as_written():
    meta, body, _units = tu.split(PAGE, "docs/fr/x.md")
    assert tu.render_body(body, lambda unit: unit.text) == body


# -- the file ------------------------------------------------------------------------------------
def copy_of_the_project(root: Path) -> Path:
    """The real project's pages, data and mkdocs.yml: what export and import read and write."""
    for name in ("docs", "data"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    return root


def buildable(root: Path) -> Path:
    """The copy with the templates, hooks and front-end packages a build needs as well."""
    for name in ("overrides", "hooks"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "node_modules").symlink_to(ROOT / "node_modules")
    return root


@pytest.fixture
def real(tmp_path):
    """A copy of the real project, to export from and import into."""
    return copy_of_the_project(tmp_path / "project")


@pytest.fixture(scope="module")
def real_read_only(tmp_path_factory):
    """A copy for the tests that only export from it, and its whole export into each language (the
    same bytes as an export of any other copy)."""
    root = copy_of_the_project(tmp_path_factory.mktemp("xliff") / "project")
    return root, {lang: xliff.export(root, LANGS, lang) for lang in ("en", "es")}


def test_the_file_is_xliff_12_that_translate_toolkit_reads_with_the_right_word_count(tmp_path):
    root = tmp_path / "p"
    shutil.copytree(ROOT / "data", root / "data")
    (root / "docs/fr").mkdir(parents=True)
    (root / "docs/fr/x.md").write_text(PAGE, encoding="utf-8")
    data, pages, units = xliff.export(root, LANGS, "en")
    assert (pages, units) == (1, 14)
    tree = etree.fromstring(data)
    assert tree.get("version") == "1.2" and tree.tag == f"{{{xliff.NAMESPACE}}}xliff"
    file = tree.find("x:file", NS)
    assert (file.get("original"), file.get("source-language"), file.get("target-language")) == ("docs/fr/x.md", "fr", "en")
    assert file.find("x:header/x:note", NS).text == "source_hash: " + tr.source_hash(PAGE)
    first = file.find("x:body/x:trans-unit[@id='p[1]']/x:source", NS)
    assert [(x.get("id"), x.get("ctype"), x.get("equiv-text")) for x in first.findall("x:x", NS)][:3] == [
        ("1", "x-objective", "[A6]"), ("2", "x-objective", "[A2-A3-A6-B3]"), ("3", "x-link-start", "[")]
    path = tmp_path / "en.xlf"
    path.write_bytes(data)
    store = factory.getobject(str(path))
    assert len(store.units) == 14
    # Only the prose counts: "Un titre" 2, "Une description." 2, "Un résumé." 2, paragraph 12 ("Un paragraphe
    # avec et un lien du du gras et une balise"), heading 4, items 2 + 3, cells 1 + 1 + 2 + 0, alt text 4, admonition 2 + 4.
    assert pocount.calcstats(str(path))["totalsourcewords"] == 2 + 2 + 2 + 12 + 4 + 2 + 3 + 1 + 1 + 2 + 0 + 4 + 2 + 4


def test_the_real_sites_file_carries_every_current_translation(real_read_only, tmp_path):
    real, exports = real_read_only
    data, pages, units = exports["es"]
    path = tmp_path / "es.xlf"
    path.write_bytes(data)
    stats = pocount.calcstats(str(path))
    assert pages == len(list((real / "docs/fr").rglob("*.md")))
    assert stats["translated"] == units and stats["untranslated"] == 0 and stats["fuzzy"] == 0
    words = sum(pocount.wordcount("".join(p for p in u.pieces if isinstance(p, str)))
                for file in sorted((real / "docs/fr").rglob("*.md"))
                for u in tu.split(file.read_text(encoding="utf-8"), str(file))[2])
    assert stats["totalsourcewords"] == words


# -- round trips on the real site ---------------------------------------------------------------------
def snapshot(root: Path, lang: str) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "docs" / lang).rglob("*.md"))}


@pytest.mark.parametrize("lang", ["en", "es"])
def test_export_then_import_of_every_current_page_leaves_the_markdown_byte_identical(real, real_read_only, tmp_path, lang):
    before = snapshot(real, lang)
    path = tmp_path / f"{lang}.xlf"
    path.write_bytes(real_read_only[1][lang][0])  # exported from an identical copy
    assert snapshot(real_read_only[0], lang) == before
    imported_lang, written = xliff.import_file(real, LANGS, path)
    assert imported_lang == lang and len(written) == len(before)
    assert snapshot(real, lang) == before


def test_the_page_written_from_the_units_is_the_page_as_it_is(real_read_only):
    """Not only an import that changes nothing: the page rendered again from its units is the same bytes
    (every page whose paragraphs are not wrapped by hand)."""
    real = real_read_only[0]
    text = (real / "docs/en" / GOVERNANCE).read_text(encoding="utf-8")
    imported = xliff.read(xliff.export(real, LANGS, "en", [GOVERNANCE])[0], "en.xlf", real, LANGS)[1][GOVERNANCE]
    head = xliff._front_matter(text, {}, {k[5:]: v for k, v in imported.items() if k.startswith("meta.")},
                               tr.source_hash((real / "docs/fr" / GOVERNANCE).read_text(encoding="utf-8")))
    body = tu.render_body(tu.split((real / "docs/fr" / GOVERNANCE).read_text(encoding="utf-8"), "")[1],
                          lambda unit: imported[unit.id])
    assert head + body == text


def upper_case(data: bytes) -> bytes:
    """What a test translator does: every unit's target is its source in capitals, the tags kept."""
    tree = etree.fromstring(data)
    for unit in tree.iter(f"{{{xliff.NAMESPACE}}}trans-unit"):
        for old in unit.findall("x:target", NS):
            unit.remove(old)
        target = etree.fromstring(etree.tostring(unit.find("x:source", NS)))
        target.tag = f"{{{xliff.NAMESPACE}}}target"
        for node in target.iter():
            node.text = node.text.upper() if node.text else node.text
            node.tail = node.tail.upper() if node.tail and node is not target else node.tail
        target.set("state", "translated")
        unit.find("x:source", NS).addnext(target)
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


class Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.links = [], []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href"))


def parse(path: Path) -> Text:
    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


PAGES = [GOVERNANCE, "initiative/operational-framework.md", "ambassadors/key-messages.md",
         "communication-kit/logo.md", "events/index.md"]


@pytest.mark.site
def test_a_translation_of_every_unit_imports_and_builds_with_codes_placeholders_and_links_kept(real, tmp_path, monkeypatch):
    path = tmp_path / "en.xlf"
    path.write_bytes(upper_case(xliff.export(real, LANGS, "en", PAGES)[0]))
    _lang, written = xliff.import_file(real, LANGS, path)
    assert all(changed for _file, changed in written) and len(written) == len(PAGES)
    for page in PAGES:
        french = (real / "docs/fr" / page).read_text(encoding="utf-8")
        english = (real / "docs/en" / page).read_text(encoding="utf-8")
        for pattern in (tu.codes.BRACKETS.pattern, r"<!--.*?-->", r"\]\([^)]*\)", r"`[^`]+`", r"^!!! \w+", r"^\|"):
            assert len(re.findall(pattern, english, re.M)) == len(re.findall(pattern, french, re.M)), (page, pattern)
        meta = tr.frontmatter.split(english, page)[0]
        assert meta[tr.HASH_KEY] == tr.source_hash(french)
        assert meta["title"] == tr.frontmatter.split(french, page)[0]["title"].upper()
    assert tr.compute_status(real, LANGS).state("en", GOVERNANCE).state == tr.CURRENT
    # The pages build, in strict mode, with the objective codes as links.
    from tools.build import build_site
    monkeypatch.setenv("FPM_PDF", "0")
    site = tmp_path / "site"
    build_site(site, buildable(real) / "mkdocs.yml", strict=True)
    built = parse(site / "en/initiative/governance/index.html")
    assert "LE BUREAU" in "".join(built.text)
    assert "../../objectives/a6/" in built.links and "../../roadmap/cf-ii/" in built.links
    assert "fpm-translation-banner" not in (site / "en/initiative/governance/index.html").read_text(encoding="utf-8")
    box = site / "en/ambassadors/key-messages/index.html"
    assert 'class="admonition note"' in box.read_text(encoding="utf-8") and "RÈGLE D'OR" in "".join(parse(box).text)


# -- outdated and missing pages ---------------------------------------------------------------------
def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=GIT_ENV)


@pytest.fixture
def changed(real):
    """The real project in git, then the French governance page changed: a sentence edited, one added."""
    git(real, "init", "-q")
    git(real, "add", "docs")
    git(real, "commit", "-qm", "as it is")
    page = real / "docs/fr" / GOVERNANCE
    text = page.read_text(encoding="utf-8").replace("de 6 à 8 fois", "de six à huit fois")
    page.write_text(text + "\nEn 2023, 12 réunions du Bureau sont prévues.\n", encoding="utf-8")
    return real


def test_outdated_exports_only_the_changed_units_with_the_old_translation_as_a_note(changed, tmp_path):
    data, pages, units = xliff.export(changed, LANGS, "en", mode="outdated")
    assert (pages, units) == (1, 2)
    tree = etree.fromstring(data)
    ids = [u.get("id") for u in tree.iter(f"{{{xliff.NAMESPACE}}}trans-unit")]
    assert ids == ["h2[1]/p[1]", "h2[5]/p[2]"]
    edited = tree.find(".//x:trans-unit[@id='h2[1]/p[1]']", NS)
    assert edited.find("x:target", NS) is None
    notes = [n.text for n in edited.findall("x:note", NS)]
    assert any(n.startswith("Previous translation: Created in 2019") and n.endswith("6 to 8 times.") for n in notes)
    assert any("de 6 à 8 fois" in n for n in notes)
    assert tree.find(".//x:trans-unit[@id='h2[5]/p[2]']/x:note", NS) is None  # a new sentence: nothing before it
    # The translator's file comes back; the other units keep their translation, the page is current.
    for unit, text in (("h2[1]/p[1]", "TRANSLATED ONE."), ("h2[5]/p[2]", "In 2023, 12 meetings of the Bureau are planned.")):
        node = tree.find(f".//x:trans-unit[@id='{unit}']", NS)
        target = etree.SubElement(node, f"{{{xliff.NAMESPACE}}}target")
        target.text = text
    path = tmp_path / "en.xlf"
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    xliff.import_file(changed, LANGS, path)
    english = (changed / "docs/en" / GOVERNANCE).read_text(encoding="utf-8")
    assert "\nTRANSLATED ONE.\n" in english and english.endswith("\nIn 2023, 12 meetings of the Bureau are planned.\n")
    assert "Together with the Executive Secretariat, the Bureau is also drawing up" in english
    status = tr.compute_status(changed, LANGS)
    assert status.state("en", GOVERNANCE).state == tr.CURRENT and status.state("es", GOVERNANCE).state == tr.OUTDATED


def test_missing_exports_the_pages_not_yet_translated_and_import_creates_them(real, tmp_path):
    (real / "docs/en/objectives/a6.md").unlink()
    data, pages, units = xliff.export(real, LANGS, "en", mode="missing")
    assert pages == 1 and b'original="docs/fr/objectives/a6.md"' in data and b"<target" not in data
    path = tmp_path / "en.xlf"
    path.write_bytes(upper_case(data))
    xliff.import_file(real, LANGS, path)
    meta = tr.frontmatter.split((real / "docs/en/objectives/a6.md").read_text(encoding="utf-8"), "a6")[0]
    french = tr.frontmatter.split((real / "docs/fr/objectives/a6.md").read_text(encoding="utf-8"), "a6")[0]
    assert meta["title"] == french["title"].upper() and meta["code"] == "A6"
    assert not set(meta) & (set(tr.NEUTRAL_KEYS) - {tr.HASH_KEY})
    assert tr.compute_status(real, LANGS).state("en", "objectives/a6.md").state == tr.CURRENT


# -- refusals -------------------------------------------------------------------------------------
def exported(real, tmp_path, edit) -> Path:
    tree = etree.fromstring(upper_case(xliff.export(real, LANGS, "en", [GOVERNANCE])[0]))
    edit(tree)
    path = tmp_path / "en.xlf"
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="UTF-8"))
    return path


def refusal(real, path) -> str:
    before = snapshot(real, "en")
    with pytest.raises(ContentError) as error:
        xliff.import_file(real, LANGS, path)
    assert snapshot(real, "en") == before  # nothing written
    message = str(error.value)
    assert "\n" not in message
    return message


def unit_target(tree, uid):
    return tree.find(f".//x:trans-unit[@id='{uid}']/x:target", NS)


def test_import_refuses_a_file_exported_from_an_older_french_version(real, tmp_path):
    path = exported(real, tmp_path, lambda tree: None)
    page = real / "docs/fr" / GOVERNANCE
    page.write_text(page.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    assert refusal(real, path).startswith(
        "en.xlf: docs/fr/initiative/governance.md was exported from an older French version (source_hash ")


def test_import_refuses_a_dropped_protected_element(real, tmp_path):
    def drop(tree):
        target = unit_target(tree, "h2[2]/li[1]/p[1]")
        for x in target.findall("x:x", NS):
            if x.get("id") == "3":  # the objective code [A6]
                x.getparent().remove(x)
    message = refusal(real, exported(real, tmp_path, drop))
    assert message == ("en.xlf, unit 'h2[2]/li[1]/p[1]' of docs/fr/initiative/governance.md: dropped the protected "
                       'element <x id="3"/> ([A6]) (put every tag of the source back in the translation)')


def test_import_refuses_a_changed_protected_element(real, tmp_path):
    def change(tree):
        unit_target(tree, "h2[2]/li[1]/p[1]").find("x:x", NS).set("id", "9")
    message = refusal(real, exported(real, tmp_path, change))
    assert message.startswith("en.xlf, unit 'h2[2]/li[1]/p[1]' of docs/fr/initiative/governance.md: has an inline "
                              'tag <x id="9"/> that is not one of the source\'s')


def test_import_refuses_a_link_whose_brackets_are_swapped(real, tmp_path):
    def swap(tree):
        target = unit_target(tree, "p[1]")
        first, second = target.findall("x:x", NS)[:2]
        first.set("id", second.get("id"))
        second.set("id", "1")
    message = refusal(real, exported(real, tmp_path, swap))
    assert message.startswith("en.xlf, unit 'p[1]' of docs/fr/initiative/governance.md: puts <x id=\"2\"/>")


def test_import_refuses_an_unknown_unit(real, tmp_path):
    def rename(tree):
        tree.find(".//x:trans-unit[@id='h2[1]']", NS).set("id", "h2[9]")
    assert refusal(real, exported(real, tmp_path, rename)) == (
        "en.xlf: unit 'h2[9]' is not a unit of docs/fr/initiative/governance.md (keep the units of the exported "
        "file; export it again if the page changed)")


def test_import_refuses_a_language_the_site_does_not_translate_into(real, tmp_path):
    def german(tree):
        tree.find("x:file", NS).set("target-language", "de")
    assert refusal(real, exported(real, tmp_path, german)) == (
        'en.xlf: <file original="docs/fr/initiative/governance.md"> has target-language "de" (use en or es)')


def test_the_commands_export_and_import(real, tmp_path):
    out = tmp_path / "en.xlf"
    run = lambda *args: subprocess.run([sys.executable, "-m", "tools.translations", "--config-file",  # noqa: E731
                                        str(real / "mkdocs.yml"), *args], cwd=ROOT, capture_output=True, text=True)
    result = run("export", "en", GOVERNANCE, "-o", str(out))
    assert result.returncode == 0 and "units of 1 page(s) to translate into en (XLIFF 1.2)" in result.stdout.replace("unit(s)", "units")
    result = run("import", str(out))
    assert result.returncode == 0 and "docs/en/initiative/governance.md: unchanged" in result.stdout
    out.write_bytes(out.read_bytes().replace(b'id="h2[1]"', b'id="h2[9]"'))
    result = run("import", str(out))
    assert result.returncode == 2 and result.stderr.startswith("Error: en.xlf: unit 'h2[9]' is not a unit of")
    assert "Traceback" not in result.stderr
