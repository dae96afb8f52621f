"""Bad input written as people type it (raw text, not yaml.safe_dump): one line naming the file, the
field or line and the fix; never a traceback, never silent loss, and site/ left as it was."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import MINI_FILES, ROOT, write_tree
from fourpm.catalog import site
from fourpm.core import sources
from fourpm.core import reader
from fourpm.core.errors import ContentError

LANGS = ("fr", "en", "es")
PAGE = "docs/fr/objectives/a1.md"
GOOD_PAGE = "---\ncode: A1\ntitle: CDN\n---\n\nTexte.\n"
BOMB = "".join([f'a0: &a0 [{",".join(["lol"] * 9)}]\n']
               + [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 7)])


@pytest.fixture
def project(tmp_path):
    """The small site's pages and a copy of the real data, the real templates beside them: what the
    loaders read (no build, so no hooks or front-end packages)."""
    write_tree(tmp_path, MINI_FILES)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "overrides").symlink_to(ROOT / "overrides")  # only read
    return tmp_path


def check(project) -> None:
    """What the build checks before it writes anything: every loader of every feature."""
    import datapages, main, pdf, publications, translations  # noqa: F401,E401 - the hooks import every feature,
    # which registers its loaders
    sources.preload_all(sources.project_at(project, LANGS))


def error_of(project) -> str:
    with pytest.raises(ContentError) as caught:
        check(project)
    return str(caught.value)


@pytest.mark.parametrize("text, expected", [
    ("---\ncode: A1\ntitle: [CDN, x]\n---\n", f"{PAGE}, field 'title': expected text but got a list"),
    ("---\ncode: A1\ntitle: {a: b}\n---\n", f"{PAGE}, field 'title': expected text but got a mapping"),
    ("---\ncode: A1\ntitle: true\n---\n", f"{PAGE}, field 'title': expected text but got true/false"),
    ("---\ncode: A1\ncode: A1\ntitle: CDN\n---\n", f"{PAGE}, line 3: the key 'code' is written twice (first at line 2)"),
    ("---\ncode: A1\ntitle: CDN\nupdated: 2022-02-30\n---\n", f"{PAGE}, field 'updated': \"2022-02-30\" is not a date"),
    ("---\ncode: A1\ntitle: CDN\nnotes:\n\t- x\n---\n", f"{PAGE}, line 5: is not valid YAML: a tab is used where YAML needs spaces"),
    ("---\ncode: A1\ntitle: CDN\n", f"{PAGE}, line 1: the front matter is not closed"),
    ("---\ncode: A1\ntitle: !!python/object/apply:os.system [true]\n---\n",
     f"{PAGE}, line 3: is not valid YAML: the tag !!python/object/apply:os.system is not allowed"),
    ("---\ncode: A1\ntitle: CDN\nbaseline_2020: .nan\n---\n", f"{PAGE}, field 'baseline_2020': \".nan\" is not a number"),
    ("---\ncode: A1\ntitle: C\x0bDN\n---\n", f"{PAGE}, line 3: holds the control character U+000B"),
    ("---\ncode: A1\ntitle: CDN\nx: " + "[" * 30 + "]" * 30 + "\n---\n", f"{PAGE}, line 4: values are nested more than"),
    ("---\ncode: A1\ntitle: CDN\n" + BOMB + "---\n", f"{PAGE}, line 8: expands to more than"),
])
def test_raw_front_matter_gives_one_clear_line(project, text, expected):
    write_tree(project, {PAGE: text})
    assert error_of(project).startswith(expected)


@pytest.mark.parametrize("raw, expected", [
    (GOOD_PAGE.replace("CDN", "CDN é").encode("latin-1"), f"{PAGE}, line 3: byte 0xe9 is not UTF-8 text"),
    (GOOD_PAGE.encode() + b"\x00\xff", f"{PAGE}, line 7: byte 0xff is not UTF-8 text"),
    (GOOD_PAGE.encode() + b"\x00", f"{PAGE}, line 7: holds the control character U+0000"),
])
def test_bytes_that_are_not_text_give_the_line(project, raw, expected):
    (project / PAGE).write_bytes(raw)
    assert error_of(project).startswith(expected)


def test_a_byte_order_mark_and_crlf_are_read_as_mkdocs_reads_them(project):
    (project / PAGE).write_bytes(b"\xef\xbb\xbf" + GOOD_PAGE.replace("CDN", "CDN-BOM").encode().replace(b"\n", b"\r\n"))
    check(project)
    catalog, _renderer = site.load(sources.project_at(project, LANGS))
    assert catalog.objectives["A1"].titles["fr"] == "CDN-BOM"


@pytest.mark.parametrize("file, edit, expected", [
    ("data/key_figures.yml", lambda t: t.replace("charts:", "charts: 5\nold_charts:", 1),
     "data/key_figures.yml, field 'charts': expected a list under 'charts:'"),
    ("data/labels.yml", lambda t: "released: 2022-02-30\n" + t, "data/labels.yml, field 'released': \"2022-02-30\" is not a date"),
    ("data/glossary.yml", lambda t: "updated: 2022-02-30\n" + t, "data/glossary.yml, field 'updated': \"2022-02-30\" is not a date"),
    ("data/glossary.yml", lambda t: t + "\nterms: []\n", "the key 'terms' is written twice (first at line"),
    ("data/key_figures.yml", lambda t: t.replace("value: ", "value: .inf #", 1), "is not a number that can be shown"),
    ("data/partners.yml", lambda t: t.replace("\n", "\n\t", 1), "is not valid YAML"),
])
def test_raw_data_files_give_one_clear_line(project, file, edit, expected):
    path = project / file
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    message = error_of(project)
    assert message.startswith(file) and expected in message, message


def test_a_label_the_code_needs_is_named_when_missing(project):
    path = project / "data/labels.yml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.startswith("translation_missing:")), encoding="utf-8")
    catalog, renderer = site.load(sources.project_at(project, LANGS))
    with pytest.raises(ContentError, match=r"data/labels.yml, field 'translation_missing': label is missing"):
        renderer.labels("fr")["translation_missing"]


def test_labels_missing_in_a_language_are_listed_in_one_error(project):
    path = project / "data/labels.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r""", es: (?:"(?:[^"\\]|\\.)*"|'[^']*')""", "", text), encoding="utf-8")
    message = error_of(project)
    assert message.startswith("data/labels.yml: ") and "labels are missing or not text" in message
    assert message.count(".es") >= 12 and "more" in message


def test_a_deleted_glossary_is_an_empty_glossary_not_a_crash(project):
    (project / "data/glossary.yml").unlink()
    check(project)


def test_file_size_is_bounded_before_reading(tmp_path):
    big = tmp_path / "big.yml"
    with open(big, "wb") as f:
        f.truncate(reader.MAX_BYTES + 1)
    with pytest.raises(ContentError, match="more than"):
        reader.read_yaml(big, "data/big.yml")


# -- through the command users type: said once, last line says what failed, site/ untouched ---------
def run_build(project):
    env = {**os.environ, "FPM_PDF": "0", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"),
                           "--site-dir", str(project / "site")], cwd=project, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("edit, expected", [
    ({PAGE: "---\ncode: A1\ntitle: [CDN]\n---\n"}, f"{PAGE}, field 'title': expected text but got a list"),
    ({"docs/fr/index.md": "---\ntitle: Accueil\n---\n\n<!-- 4p1000 no-such-block -->\n"}, "docs/fr/index.md, line 5"),
])
def test_the_build_says_each_error_once_and_last(mini_site, edit, expected):
    shutil.copytree(ROOT / "tools", mini_site / "tools")
    (mini_site / "site").mkdir()
    (mini_site / "site" / "index.html").write_text("previous site", encoding="utf-8")
    write_tree(mini_site, edit)
    result = run_build(mini_site)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output
    last = output.strip().splitlines()[-1]
    assert last.startswith(f"Build failed: {expected}") and last.endswith("The previous site was left unchanged.")
    assert output.count(expected) == 1, output
    assert (mini_site / "site" / "index.html").read_text(encoding="utf-8") == "previous site"


def test_the_same_yaml_read_again_is_a_fresh_value_and_a_bad_one_fails_again():
    """load_yaml keeps what a text gave (the same files recur from build to build): a caller that changes
    its value changes nobody else's, and a bad text is refused every time, not once."""
    text = "terms:\n  - fr: sol\n    en: soil\n"
    first = reader.load_yaml(text, "data/glossary.yml")
    first["terms"][0]["fr"] = "changed"
    assert reader.load_yaml(text, "data/glossary.yml") == {"terms": [{"fr": "sol", "en": "soil"}]}
    for _ in range(2):
        with pytest.raises(ContentError, match="written twice"):
            reader.load_yaml("a: 1\na: 2\n", "data/x.yml")


def test_a_key_holding_a_newline_is_named_on_one_line(project):
    """A quoted key may hold any character: the error still fits on one line (found by the fuzzer)."""
    write_tree(project, {PAGE: "---\ncode: A1\ntitle: CDN\n? '\n\n  '\n: .inf\n---\n"})
    assert "\n" not in error_of(project)
    assert error_of(project).startswith(PAGE)
    french = ContentError(PAGE, "title", "« 4\u202fpour\u00a01000 »\u2028x\ty")
    assert str(french).endswith("« 4\u202fpour\u00a01000 »\\u2028x\\ty")  # no-break spaces kept, breaks escaped
