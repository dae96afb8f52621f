"""The translation ledger and its commands: hashes, status transitions, scaffold, mark-current, the CLI."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import MINI_FILES, ROOT, write_tree
from fourpm.core import frontmatter
from fourpm import translation as tr
from fourpm.core.errors import ContentError

LANGS = ("fr", "en", "es")


@pytest.fixture
def project(tmp_path):
    """The mini site's pages and the real data (glossary, labels), without building."""
    write_tree(tmp_path, MINI_FILES)
    (tmp_path / "data").mkdir()
    for name in ("labels.yml", "glossary.yml"):
        (tmp_path / "data" / name).write_text((ROOT / "data" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - i18n:\n      languages:\n        - {locale: fr}\n        - {locale: en}\n        - {locale: es}\n")
    return tmp_path


def state(root, lang, path):
    page = tr.compute_status(root, LANGS).state(lang, path)
    return page.state, page.reason


def edit(root, rel, old, new):
    file = root / rel
    file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_source_hash_ignores_line_endings_and_trailing_spaces_but_not_the_text():
    text = "---\ntitle: Accueil\n---\n\nTexte.\n"
    assert tr.source_hash(text) == tr.source_hash(text.replace("\n", "\r\n")) == tr.source_hash("---\ntitle: Accueil  \n---\n\nTexte.\n\n\n")
    assert tr.source_hash(text) != tr.source_hash(text.replace("Texte", "Texte modifié"))
    assert tr.source_hash(text) != tr.source_hash(text.replace("Accueil", "Bienvenue"))  # front matter counts
    assert len(tr.source_hash(text)) == 12


def test_set_source_hash_adds_the_line_then_replaces_only_it():
    text = "---\ntitle: Home\ncode: A1\n---\n\nBody with source_hash: not this one.\n"
    once = tr.set_source_hash(text, "abc123abc123")
    assert once == "---\ntitle: Home\ncode: A1\nsource_hash: abc123abc123\n---\n\nBody with source_hash: not this one.\n"
    assert tr.set_source_hash(once, "def456def456") == once.replace("abc123abc123", "def456def456")
    assert frontmatter.split(once, "x.md")[0] == {"title": "Home", "code": "A1", "source_hash": "abc123abc123"}


def test_each_status_transition(project):
    # Never marked: outdated (the team must check it once); marked: current.
    assert state(project, "en", "objectives/a1.md") == ("outdated", "unmarked")
    tr.mark_current(project, LANGS, "en", "objectives/a1.md")
    assert state(project, "en", "objectives/a1.md") == ("current", "current")
    # Editing the French page makes it outdated; a whitespace-only edit does not.
    edit(project, "docs/fr/objectives/a1.md", "Texte.", "Texte.   ")
    assert state(project, "en", "objectives/a1.md") == ("current", "current")
    edit(project, "docs/fr/objectives/a1.md", "Texte.", "Texte revu.")
    assert state(project, "en", "objectives/a1.md") == ("outdated", "changed")
    # Re-marking makes it current again; deleting the translation makes it missing.
    tr.mark_current(project, LANGS, "en", "objectives/a1.md")
    assert state(project, "en", "objectives/a1.md") == ("current", "current")
    (project / "docs/en/objectives/a1.md").unlink()
    assert state(project, "en", "objectives/a1.md") == ("missing", "no-file")
    # The other language is untouched by all this.
    assert state(project, "es", "objectives/a1.md") == ("outdated", "unmarked")


def test_generated_content_does_not_count_as_a_change(project):
    tr.mark_current(project, LANGS, "en", "index.md")
    # The facilities table of the home page changes when a facility's title changes: not the home page.
    edit(project, "docs/fr/facilities/cf-iv.md", "title: Programmes", "title: Programmes de santé des sols")
    assert state(project, "en", "index.md") == ("current", "current")
    assert state(project, "en", "facilities/cf-iv.md") == ("outdated", "unmarked")


def test_scaffold_prepares_the_page_and_it_counts_as_missing_until_translated_and_marked(project):
    (project / "docs/es/objectives/a1.md").unlink()
    target = tr.scaffold(project, LANGS, "es", "objectives/a1.md")
    assert target == project / "docs/es/objectives/a1.md"
    meta, body = frontmatter.split(target.read_text(encoding="utf-8"), "x")
    source = (project / "docs/fr/objectives/a1.md").read_text(encoding="utf-8")
    # Translated fields kept, facts written only in French left out, the source recorded.
    assert meta == {"code": "A1", "title": "CDN", "source_hash": tr.source_hash(source)}
    assert "translation-todo" in body and "mark-current es objectives/a1.md" in body and "Texte." in body
    assert state(project, "es", "objectives/a1.md") == ("missing", "scaffold")
    with pytest.raises(ContentError, match="still carries the TODO marker"):
        tr.mark_current(project, LANGS, "es", "objectives/a1.md")
    target.write_text(target.read_text(encoding="utf-8").split("-->\n\n")[0].rsplit("<!--", 1)[0] + "Texto.\n",
                      encoding="utf-8")
    assert state(project, "es", "objectives/a1.md") == ("current", "current")  # the hash recorded at scaffold time
    edit(project, "docs/fr/objectives/a1.md", "Texte.", "Texte revu.")
    assert state(project, "es", "objectives/a1.md") == ("outdated", "changed")


def test_scaffold_of_an_ordinary_page_keeps_its_front_matter(project):
    write_tree(project, {"docs/fr/initiative/about.md": "---\ntitle: \"À propos : l'Initiative\"\ndescription: Une phrase.\n---\n\n## Partie\n"})
    target = tr.scaffold(project, LANGS, "en", "docs/fr/initiative/about.md")
    meta, body = frontmatter.split(target.read_text(encoding="utf-8"), "x")
    assert meta["title"] == "À propos : l'Initiative" and meta["description"] == "Une phrase."
    assert body.rstrip().endswith("## Partie")


@pytest.mark.parametrize("call, message", [
    (lambda p: tr.scaffold(p, LANGS, "de", "index.md"), "de: is not a translated language of the site (use en or es)"),
    (lambda p: tr.scaffold(p, LANGS, "fr", "index.md"), "fr: is not a translated language of the site"),
    (lambda p: tr.scaffold(p, LANGS, "en", "objectivs/a1.md"),
     "docs/fr/objectivs/a1.md: no such French page (did you mean objectives/a1.md?)"),
    (lambda p: tr.scaffold(p, LANGS, "en", "index.md"), "docs/en/index.md: already exists (edit it, then run: "),
    (lambda p: tr.mark_current(p, LANGS, "en", "objectives/zz.md"), "docs/fr/objectives/zz.md: no such French page"),
    (lambda p: tr.translations(p, LANGS, "it"), "it: is not a translated language"),
])
def test_commands_give_clear_errors(project, call, message):
    with pytest.raises(ContentError) as error:
        call(project)
    assert message in str(error.value)


def test_mark_current_needs_an_existing_translation(project):
    (project / "docs/en/objectives/b1.md").unlink()
    with pytest.raises(ContentError, match="docs/en/objectives/b1.md: no such translation .*scaffold en objectives/b1.md"):
        tr.mark_current(project, LANGS, "en", "objectives/b1.md")


def test_counts_per_section_and_pages_to_do(project):
    for lang, path in tr.translations(project, LANGS):
        tr.mark_current(project, LANGS, lang, path)
    (project / "docs/es/objectives/a2.md").unlink()
    edit(project, "docs/fr/facilities/gf-1.md", "Texte.", "Texte revu.")
    status = tr.compute_status(project, LANGS)
    assert status.counts() == {
        "": {"en": {"current": 1, "outdated": 0, "missing": 0}, "es": {"current": 1, "outdated": 0, "missing": 0}},
        "facilities": {"en": {"current": 1, "outdated": 1, "missing": 0}, "es": {"current": 1, "outdated": 1, "missing": 0}},
        "objectives": {"en": {"current": 3, "outdated": 0, "missing": 0}, "es": {"current": 2, "outdated": 0, "missing": 1}},
    }
    assert [(p.lang, p.path, p.state) for p in status.todo()] == [
        ("en", "facilities/gf-1.md", "outdated"), ("es", "facilities/gf-1.md", "outdated"),
        ("es", "objectives/a2.md", "missing")]
    text = tr.as_text(status)
    assert "objectives" in text and "es  missing   objectives/a2.md  (no translation yet)" in text
    assert "en  outdated  facilities/gf-1.md  (the French page changed since this translation)" in text


def run_cli(project, *args):
    return subprocess.run([sys.executable, "-m", "tools.translations", "--config-file", str(project / "mkdocs.yml"), *args],
                          cwd=ROOT, capture_output=True, text=True)


def test_the_commands_from_the_shell(project):
    # The exit codes and the one-line errors through a real shell command; the other outputs in-process
    # (the same main(), without starting Python again).
    from test_translation_site import translations_command as in_process

    result = in_process(project, "status", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["languages"] == ["en", "es"]
    assert report["totals"]["en"] == {"current": 0, "outdated": 6, "missing": 0}
    assert {"lang": "en", "path": "index.md", "file": "docs/en/index.md", "state": "outdated", "reason": "unmarked"} in report["todo"]

    result = run_cli(project, "check")
    assert result.returncode == 1 and "12 page(s) to do, 0 problem(s)" in result.stderr

    result = in_process(project, "mark-current", "--all")
    assert result.returncode == 0, result.stderr
    assert "docs/es/objectives/b1.md: current (source_hash " in result.stdout
    result = in_process(project, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "To do: nothing, every translation is current." in result.stdout

    (project / "docs/en/objectives/a2.md").unlink()
    result = in_process(project, "scaffold", "en", "objectives/a2.md")
    assert result.returncode == 0 and "docs/en/objectives/a2.md: scaffolded" in result.stdout
    result = in_process(project, "check")
    assert result.returncode == 1 and "en  missing   objectives/a2.md  (scaffolded, not yet translated" in result.stdout
    result = run_cli(project, "mark-current", "en", "objectives/a2.md")
    assert result.returncode == 2 and "Error: docs/en/objectives/a2.md: still carries the TODO marker" in result.stderr
    assert "Traceback" not in result.stderr

    result = run_cli(project, "mark-current")
    assert result.returncode == 2 and "mark-current needs LANG PATH, or --all [LANG]" in result.stderr


def test_check_fails_on_a_glossary_or_consistency_problem_alone(project):
    from test_translation_site import translations_command  # the command, in this process (the shell: above)

    for lang, path in tr.translations(project, LANGS):
        tr.mark_current(project, LANGS, lang, path)
    assert translations_command(project, "check").returncode == 0
    edit(project, "docs/en/objectives/a2.md", "Cites [A1].", 'Cites [A1] of the "4 por 1000" Initiative, since 2015.')
    tr.mark_current(project, LANGS, "en", "objectives/a2.md")
    result = translations_command(project, "check")
    assert result.returncode == 1
    assert ('docs/en/objectives/a2.md, line 7: "4 por 1000" is how es pages write the name: '
            'write "4 per 1000" here') in result.stdout
    assert 'docs/en/objectives/a2.md, line 7: the number "2015" is not in docs/fr/objectives/a2.md' in result.stdout
    assert "0 page(s) to do, " in result.stderr


@pytest.mark.parametrize("cached", [False, True])
def test_findings_come_in_the_order_of_the_languages_and_pages_cached_or_not(project, cached, monkeypatch):
    from fourpm.core import cache

    monkeypatch.setitem(cache.state.PROCESS.kept, "page-cache", cache.Cache(project / ".cache" if cached else None))
    write_tree(project, {"docs/en/zz-orphan.md": "# Orphan\n", "docs/es/orphan.md": "# Huérfana\n"})
    edit(project, "docs/en/objectives/a2.md", "Cites [A1].", "Cites [A1], since 2015.")
    edit(project, "docs/es/objectives/a2.md", "Cita [A1].", "Cita [A1], desde 2015.")
    for _ in range(2):  # the second time from the cache, when there is one
        found = [(f.file, f.kind) for f in tr.compute_status(project, LANGS).findings]
        english, spanish = found.index(("docs/en/zz-orphan.md", "orphan")), found.index(("docs/es/orphan.md", "orphan"))
        number = [index for index, (file, _kind) in enumerate(found) if file.endswith("objectives/a2.md")]
        assert english < number[0] < spanish < number[-1], found
