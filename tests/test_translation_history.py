"""What changed in the French since the version a translation records: found in the repository's history
(over several commits, on a fresh clone), shown by `diff`, `status`, `--json` and the status page; and
said plainly when the old version cannot be found."""
from __future__ import annotations

import json
import os
import subprocess

import pytest

from conftest import build, make_mini_site, write_tree
from fourpm import translation as tr
from fourpm.translation import history as th
from test_translation_site import LANGS, html, mark_all, prepare, project, translations_command  # noqa: F401 - fixture

B1 = "docs/fr/objectives/b1.md"
HEAD = "---\ncode: B1\ntitle: Plans d'investissements\n---\n\n"
OLD = "Les CDN et le MRV ; encore les CDN. Le Bureau se réunit de 6 à 8 fois.\n\n- Un plan.\n- Deux plans.\n"
GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=GIT_ENV)


@pytest.fixture
def repo(project):
    """The mini site in a git repository, to change: see in_git."""
    return in_git(project)


@pytest.fixture(scope="module")
def shared_repo(tmp_path_factory):
    """The same repository, for the tests that only read it (and build it: shared_site)."""
    return in_git(prepare(make_mini_site(tmp_path_factory.mktemp("history"))))


@pytest.fixture(scope="module")
def shared_site(shared_repo):
    return build(shared_repo)


def in_git(project):
    """The mini site in a git repository: the translations record the French as first committed, then
    the French changes over two commits."""
    write_tree(project, {B1: HEAD + OLD})
    mark_all(project)
    git(project, "init", "-q")
    git(project, "add", "docs", "data", "mkdocs.yml")
    git(project, "commit", "-qm", "first")
    write_tree(project, {B1: HEAD + OLD.replace("de 6 à 8 fois", "de six à huit fois")})
    git(project, "commit", "-qam", "second")
    write_tree(project, {B1: HEAD + OLD.replace("de 6 à 8 fois", "de six à huit fois").replace("- Deux plans.\n", "")
               + "\nEn 2023, 12 réunions du Bureau sont prévues.\n"})
    git(project, "commit", "-qam", "third")
    return project


cli = translations_command  # the command, run in this process


@pytest.mark.site
def test_the_diff_over_several_commits(shared_repo):
    repo = shared_repo
    diff = th.page_diff(repo, LANGS, "en", "objectives/b1.md")
    assert diff.found and diff.recorded == tr.source_hash(HEAD + OLD)
    kinds = {(c.kind, c.new or c.old) for c in diff.changes}
    assert ("added", "En 2023, 12 réunions du Bureau sont prévues.") in kinds
    assert ("removed", "Deux plans.") in kinds
    changed = [c for c in diff.changes if c.kind == "changed"]
    assert [c.sentences for c in changed] == [(("-", "Le Bureau se réunit de 6 à 8 fois."),
                                               ("+", "Le Bureau se réunit de six à huit fois."))]


@pytest.mark.site
def test_the_diff_command_prints_it(shared_repo):
    repo = shared_repo
    result = cli(repo, "diff", "en", "objectives/b1.md")
    assert result.returncode == 0
    out = result.stdout
    assert "docs/en/objectives/b1.md: changes in docs/fr/objectives/b1.md" in out
    assert "+ added (p[2]): En 2023, 12 réunions du Bureau sont prévues." in out
    assert "- removed (li[2]/p[1]): Deux plans." in out
    assert "~ changed (p[1]):" in out and "- Le Bureau se réunit de 6 à 8 fois." in out
    assert "+ Le Bureau se réunit de six à huit fois." in out


@pytest.mark.site
def test_status_and_json_show_the_changes(shared_repo):
    repo = shared_repo
    text = cli(repo, "status").stdout
    assert "What changed in the French (2 outdated page(s)):" in text
    assert "+ added (p[2]): En 2023, 12 réunions du Bureau sont prévues." in text
    data = json.loads(cli(repo, "status", "--json").stdout)
    item = next(t for t in data["todo"] if t["lang"] == "es" and t["path"] == "objectives/b1.md")
    assert item["changes"]["found"] is True
    assert {"kind": "added", "unit": "p[2]", "old": "", "new": "En 2023, 12 réunions du Bureau sont prévues.",
            "sentences": []} in item["changes"]["changes"]


@pytest.mark.site
def test_a_fresh_clone_finds_the_old_version(shared_repo, tmp_path):
    repo = shared_repo
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    diff = th.page_diff(clone, LANGS, "en", "objectives/b1.md")
    assert diff.found and any(c.kind == "added" for c in diff.changes)


def test_the_old_version_not_found_is_said_plainly(repo):
    page = repo / "docs/en/objectives/b1.md"
    page.write_text(tr.set_source_hash(page.read_text(encoding="utf-8"), "0123456789ab"), encoding="utf-8")
    diff = th.page_diff(repo, LANGS, "en", "objectives/b1.md")
    assert not diff.found
    out = cli(repo, "diff", "en", "objectives/b1.md").stdout
    assert ("the French version this translation records (source_hash 0123456789ab) cannot be found in the "
            "history of docs/fr/objectives/b1.md: compare the whole page with the French") in out


def test_without_a_repository_it_is_not_found_either(project):
    write_tree(project, {B1: HEAD + "Un autre texte.\n"})
    diff = th.page_diff(project, LANGS, "en", "objectives/b1.md")
    assert not diff.found and diff.changes == []


@pytest.mark.site
def test_the_status_page_lists_the_changes(shared_site):
    site = shared_site
    page = html(site, "en/translations/index.html")
    assert 'class="fpm-translation-changes"' in page
    assert "What changed in the French text" in page
    assert '<ins lang="fr">En 2023, 12 réunions du Bureau sont prévues.</ins>' in page
    assert '<del lang="fr">Deux plans.</del>' in page
    french = html(site, "translations/index.html")
    assert "Ce qui a changé dans le texte français" in french


def test_the_sentence_diff_and_unit_pairing_as_functions():
    from fourpm.translation.units import Unit
    old = [Unit("p[1]", "Une phrase. Une autre."), Unit("p[2]", "Tout autre chose ici.")]
    new = [Unit("p[1]", "Une phrase. Une troisième."), Unit("p[2]", "Rien à voir, vraiment.")]
    changes = th.compare(old, new)
    assert changes[0].kind == "changed" and changes[0].sentences == (("-", "Une autre."), ("+", "Une troisième."))
    assert {c.kind for c in changes[1:]} == {"added", "removed"}
    assert th.compare(old, old) == []
