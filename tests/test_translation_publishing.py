"""Publishing never waits for a translation: a change to the French builds in strict mode, the outdated
translations carry their banner, and their problems are listed by `make translations`, shown on the
status page and fail `make check-translations`; they are never build warnings."""
from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from conftest import build, write_tree
from fourpm import translation as tr
from test_translation_site import LANGS, PREFIX, banner, html, mark_all, project, translations_command  # noqa: F401

B1 = "docs/fr/objectives/b1.md"
B1_HEAD = "---\ncode: B1\ntitle: Plans d'investissements\n---\n\n"
B1_TEXT = "Les CDN et le MRV ; encore les CDN."

# Each change to the French page, and the line `make translations` prints for the English page.
CASES = {
    "number": ("En 2023, 12 réunions sont prévues.",
               'docs/en/objectives/b1.md: the number "12" of docs/fr/objectives/b1.md (line 7) is missing here'),
    "date": ("La réunion a eu lieu le 16 novembre 2022.",
             'docs/en/objectives/b1.md: the month "novembre" of docs/fr/objectives/b1.md (line 7) is missing here'),
    "time": ("Elle commence à 15 h 30.",
             'docs/en/objectives/b1.md: the time "15 h 30" of docs/fr/objectives/b1.md (line 7) is missing here'),
    "e-mail": ("Écrire à contact@example.org.",
               'docs/en/objectives/b1.md: the e-mail address "contact@example.org" of docs/fr/objectives/b1.md (line 7) is missing here'),
    "url": ("Voir https://example.org/plans.",
            'docs/en/objectives/b1.md: the URL "https://example.org/plans" of docs/fr/objectives/b1.md (line 7) is missing here'),
}


cli = translations_command  # the command, run in this process


def strict_build(project):
    """`mkdocs build --strict` in the project, as `make site` runs it."""
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=project, capture_output=True,
                          text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize("case", CASES)
def test_a_french_change_is_listed_and_fails_check_but_never_warns(project, case):
    sentence, message = CASES[case]
    write_tree(project, {B1: f"{B1_HEAD}{B1_TEXT}\n{sentence}\n"})
    status = tr.compute_status(project, LANGS)
    assert message in [str(f) for f in status.findings]
    assert status.state("en", "objectives/b1.md").state == tr.OUTDATED
    listing = cli(project, "status")
    assert listing.returncode == 0 and message in listing.stdout
    check = cli(project, "check")
    assert check.returncode == 1 and message in check.stdout
    assert "check-translations: 2 page(s) to do" in check.stderr


def test_the_issues_scenario_builds_in_strict_mode_with_banners_and_a_status_page(project, caplog):
    """Numbers, a title gaining a digit, a new page, a deleted sentence, a translation with a forbidden
    variant and one that drops a protected name: the strict build succeeds and says nothing of them."""
    write_tree(project, {
        B1: f"{B1_HEAD}{B1_TEXT}\nEn 2023, 12 réunions du Bureau sont prévues.\n",
        "docs/fr/objectives/a2.md": "---\ncode: A2\ntitle: Projets 2023\n---\n\nCite [A1].\n",
        "docs/fr/news.md": "---\ntitle: Nouvelles\n---\n\nUne page nouvelle, écrite le 3 mars 2023.\n",
        "docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: CDN\nbaseline_2020:\ntarget_2030: 10 pays\n---\n\n",
    })
    # Translations with their own problems: a forbidden variant, a protected name left out.
    write_tree(project, {
        "docs/en/index.md": "---\ntitle: Home\n---\n\nSee [A1] and [A2-B1] of the 4 per thousand Initiative.\n\n<!-- 4p1000 facilities -->\n",
        "docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: Soutien\nobjectives: [A2]\n---\n\nUne Global Facility.\n",
        "docs/es/facilities/gf-1.md": "---\nid: GF.1\ntitle: Apoyo\n---\n\nUn dispositivo mundial.\n",
    })
    caplog.set_level(logging.INFO)
    site = build(project, strict=True)  # `mkdocs build --strict`, in this process: a warning would abort it
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    for lang in ("en", "es"):
        assert banner(html(site, f"{PREFIX[lang]}objectives/b1/index.html"))[0] == "outdated"
        assert banner(html(site, f"{PREFIX[lang]}objectives/a2/index.html"))[0] == "outdated"
        assert banner(html(site, f"{PREFIX[lang]}news/index.html"))[0] == "missing"
        assert banner(html(site, f"{PREFIX[lang]}objectives/a1/index.html"))[0] == "outdated"  # French text deleted
    assert banner(html(site, "objectives/b1/index.html")) is None
    check = cli(project, "check")
    assert check.returncode == 1
    for line in ('docs/en/objectives/b1.md: the number "12" of docs/fr/objectives/b1.md (line 7) is missing here',
                 'docs/es/objectives/a2.md: the number "2023" of docs/fr/objectives/a2.md (line 3) is missing here',
                 'docs/en/index.md, line 5: "4 per thousand Initiative" is a forbidden variant',
                 'docs/es/facilities/gf-1.md: "Global Facility" is written 0 time(s) here but 1 in docs/fr/facilities/gf-1.md',
                 "en  missing   news.md  (no translation yet)"):
        assert line in check.stdout
    status_page = html(site, "en/translations/index.html")
    assert "docs/en/objectives/b1.md" in status_page and "docs/es/facilities/gf-1.md" in status_page


def test_a_forbidden_variant_in_the_french_source_still_warns(project):
    write_tree(project, {B1: f"{B1_HEAD}Les CDN de l'Initiative 4 pour mille et le MRV.\n"})
    mark_all(project)
    result = strict_build(project)
    assert result.returncode != 0
    assert ('docs/fr/objectives/b1.md, line 6: "Initiative 4 pour mille" is a forbidden variant '
            '(the glossary writes "4 pour 1000")') in result.stderr
    assert "Traceback" not in result.stderr
    build(project, strict=False)  # a warning only: the site still builds when not strict
