"""Shared fixtures: small three-language sites written into tmp_path, and the real site built once."""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# The test sites are copies of a few projects: they share their caches, as one user's rebuilds would, so
# a template is compiled, a card drawn and a page's checks run once for the run, not once per test site.
# The caches' own tests (test_cache.py, test_social.py, the PDF tests) set folders of their own; a build
# that shows stale results here has a key that misses an input.
for _name, _folder in (("FPM_TEMPLATE_CACHE", "templates"), ("FPM_SOCIAL_CACHE", "tests/social"),
                       ("FPM_PAGE_CACHE", "tests/pages")):
    os.environ.setdefault(_name, str(ROOT / ".cache" / _folder))

import subprocess  # noqa: E402

from quality.fixtures import browser, langs, served, site_config  # noqa: E402,F401 - the quality gates' fixtures
from fourpm.core.languages import languages_from  # noqa: E402

# The real site's languages, as mkdocs.yml declares them, for unit tests of pure functions.
LANGUAGES = languages_from([("fr", "Français"), ("en", "English"), ("es", "Español")], "fr", {"en": "en_GB"})

MINI_CONFIG = """\
site_name: Mini
site_url: https://example.org/
docs_dir: docs
theme:
  name: material
  custom_dir: overrides
  language: fr
  font: false
markdown_extensions: [attr_list, admonition, md_in_html, toc, tables]
plugins:
  - i18n:
      docs_structure: folder
      build_only_locale: !ENV FPM_LANG
      languages:
        - {locale: fr, name: Français, default: true, build: true}
        - {locale: en, name: English, build: true}
        - {locale: es, name: Español, build: true}
extra:
  locales: {en: en_GB}
"""
# The mini site runs every hook of the real site, as listed in mkdocs.yml.
MINI_CONFIG += re.search(r"^hooks:\n(?:  - .*\n)+", (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M).group(0)

# A valid small site: two facilities carrying three objectives, pages in three languages.
MINI_FILES = {
    "docs/fr/index.md": "---\ntitle: Accueil\n---\n\nVoir [A1] et [A2-B1].\n\n<!-- 4p1000 facilities -->\n",
    "docs/en/index.md": "---\ntitle: Home\n---\n\nSee [A1] and [A2-B1].\n\n<!-- 4p1000 facilities -->\n",
    "docs/es/index.md": "---\ntitle: Inicio\n---\n\nVer [A1] y [A2-B1].\n\n<!-- 4p1000 facilities -->\n",
    "docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: CDN\nbaseline_2020:\ntarget_2030: 10 pays\n---\n\nTexte.\n",
    "docs/fr/objectives/a2.md": "---\ncode: A2\ntitle: Projets\n---\n\nCite [A1].\n",
    "docs/fr/objectives/b1.md": "---\ncode: B1\ntitle: Plans d'investissements\n---\n\nTexte.\n",
    "docs/en/objectives/a1.md": "---\ncode: A1\ntitle: NDCs\n---\n\nText.\n",
    "docs/en/objectives/a2.md": "---\ncode: A2\ntitle: Projects\n---\n\nCites [A1].\n",
    "docs/en/objectives/b1.md": "---\ncode: B1\ntitle: Investment plans\n---\n\nText.\n",
    "docs/es/objectives/a1.md": "---\ncode: A1\ntitle: CDN (es)\n---\n\nTexto.\n",
    "docs/es/objectives/a2.md": "---\ncode: A2\ntitle: Proyectos\n---\n\nCita [A1].\n",
    "docs/es/objectives/b1.md": "---\ncode: B1\ntitle: Planes de inversión\n---\n\nTexto.\n",
    "docs/fr/facilities/cf-iv.md": "---\nid: CF.IV\nkind: core\ntitle: Programmes\nobjectives: [A1, B1]\n---\n\nTexte.\n",
    "docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: Soutien\nobjectives: [A2]\n---\n\nTexte.\n",
    "docs/en/facilities/cf-iv.md": "---\nid: CF.IV\ntitle: Programmes (en)\n---\n\nText.\n",
    "docs/en/facilities/gf-1.md": "---\nid: GF.1\ntitle: Support\n---\n\nText.\n",
    "docs/es/facilities/cf-iv.md": "---\nid: CF.IV\ntitle: Programas\n---\n\nTexto.\n",
    "docs/es/facilities/gf-1.md": "---\nid: GF.1\ntitle: Apoyo\n---\n\nTexto.\n",
}


def write_tree(root: Path, files: dict[str, str | None]) -> Path:
    """Write files (None deletes one) under root."""
    for rel, text in files.items():
        path = root / rel
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def make_mini_site(root: Path) -> Path:
    """A small valid three-language project using the real hooks, templates and labels, at root."""
    shutil.copytree(ROOT / "hooks", root / "hooks", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "overrides", root / "overrides")
    shutil.copytree(ROOT / "data", root / "data")
    _keep_some_partners(root / "data")
    (root / "node_modules").symlink_to(ROOT / "node_modules")  # front-end packages (npm ci)
    (root / "mkdocs.yml").write_text(MINI_CONFIG, encoding="utf-8")
    return write_tree(root, MINI_FILES)


def _keep_some_partners(data: Path) -> None:
    """The events' organisers and the first partner of each kind, region and with no point on the map:
    half of the real ones, whose generated wiki pages were five in six of the small site's pages."""
    partners = yaml.safe_load((data / "partners.yml").read_text(encoding="utf-8"))
    events = yaml.safe_load((data / "events.yml").read_text(encoding="utf-8"))["events"]
    keep = {id_ for event in events for id_ in event.get("organisers") or []}
    regions = {country: region for region, countries in partners["regions"].items() for country in countries}
    seen: set = set()
    for partner in partners["partners"]:
        traits = {("kind", partner["kind"]), ("region", regions.get(partner.get("country"))),
                  ("located", partner.get("lat") not in (None, ""))}
        if traits - seen:
            keep.add(partner["id"])
            seen |= traits
    kept = [partner for partner in partners["partners"] if partner["id"] in keep]
    (data / "partners.yml").write_text(yaml.safe_dump({**partners, "partners": kept}, allow_unicode=True,
                                                      sort_keys=False), encoding="utf-8")


@pytest.fixture
def mini_site(tmp_path: Path) -> Path:
    """A small valid three-language project, to change and build in one test."""
    return make_mini_site(tmp_path)


def build(project: Path, strict: bool = True) -> Path:
    """Build a project with MkDocs' own API, as `mkdocs build` would; return the site folder."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    site = project / "site"
    mkdocs_build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=strict))
    return site


def shared(tmp_path_factory, name: str, make) -> Path:
    """What make(folder) builds, once per test run: pytest-xdist's workers share it (the first one to ask
    builds it, under a lock; the others wait, then read it)."""
    import fcntl

    top = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        top = top.parent  # the run's folder, above each worker's own
    folder, done = top / f"shared-{name}", top / f"shared-{name}.done"
    with open(top / f"shared-{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            done.write_text(str(make(folder)), encoding="utf-8")
    return Path(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mini_built(tmp_path_factory) -> Path:
    """The small site, its Spanish a2 page left to fall back to the French one, built once for the tests
    that only read it."""
    def make(folder: Path) -> Path:
        project = make_mini_site(folder)
        write_tree(project, {"docs/es/objectives/a2.md": None})
        return build(project)
    return shared(tmp_path_factory, "mini", make)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real site, built once per test run in strict mode, atomically. Its "now" (the last commit, as
    `make site` takes it) is set in every worker, for the tests that build it again to compare."""
    from fourpm.core.dates import build_epoch
    from tools.build import build_site

    os.environ.setdefault("SOURCE_DATE_EPOCH", str(build_epoch(ROOT)))

    def make(folder: Path) -> Path:
        build_site(folder / "site", ROOT / "mkdocs.yml", strict=True)
        return folder / "site"
    return shared(tmp_path_factory, "real", make)


# -- unit tests and site tests ------------------------------------------------------------------------
# A test is a site test when it uses a fixture that makes a project or a built site (or is marked
# `site`); every other test is a unit test of pure functions, and is kept one: building a site there
# fails and says to mark it.
SITE_FIXTURES = {"mini_site", "mini_built", "real_site", "data_built", "five", "hostile_site", "served", "browser"}


# The modules that take longest (measured with --durations; a hint, kept roughly up to date): run first,
# since pytest-xdist hands whole modules to its workers in collection order, and a long module started
# last keeps one worker busy while the other waits. Alphabetical order put most of them last.
LONGEST_FIRST = ("test_safety_build", "test_pdf_build", "test_xliff", "test_build", "test_newsletter", "test_rendered",
                 "test_cache", "test_data_pages", "test_content", "test_wiki")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("site") is None and SITE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.site)
        if not any(item.get_closest_marker(name) for name in ("site", "quality", "processes")):
            item.add_marker(pytest.mark.unit)

    def rank(item) -> int:
        name = item.module.__name__ if item.module else ""
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)
    items.sort(key=rank)  # stable: each module's tests keep their order


def _builds(args) -> bool:
    """Whether a command line builds a site (`mkdocs build`, `python -m tools.build`)."""
    words = [str(a) for a in (args if isinstance(args, (list, tuple)) else [args])]
    return "tools.build" in words or ("build" in words and any(w.endswith("mkdocs") for w in words))


@pytest.fixture(autouse=True)
def _unit_tests_build_no_site(request, monkeypatch):
    if request.node.get_closest_marker("unit") is None:
        return
    import mkdocs.commands.build

    def refuse(*_args, **_kwargs):
        raise AssertionError(f"{request.node.nodeid} builds a site: mark it @pytest.mark.site, or use a site fixture")

    popen = subprocess.Popen

    class Guarded(popen):
        def __init__(self, args, *rest, **kwargs):
            if _builds(args):
                refuse()
            super().__init__(args, *rest, **kwargs)

    monkeypatch.setattr(mkdocs.commands.build, "build", refuse)
    monkeypatch.setattr(subprocess, "Popen", Guarded)
