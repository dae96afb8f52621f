"""A small three-language site built with MkDocs and our hooks: the HTML readers get, and clean failures."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT, build, write_tree


def html(site, path):
    return (site / path).read_text(encoding="utf-8")


def test_each_language_gets_its_pages_and_generated_blocks(mini_built):
    site = mini_built
    for prefix, home, ndc in (("", "Accueil", "CDN"), ("en/", "Home", "NDCs"), ("es/", "Inicio", "CDN (es)")):
        page = html(site, f"{prefix}index.html")
        assert f"<title>{home}" in page
        assert f'href="objectives/a1/" title="{ndc}">A1</a>' in page
        assert '<table>' in page and "fpm-facilities" in page
        objective = html(site, f"{prefix}objectives/a1/index.html")
        assert "fpm-summary" in objective and "fpm-backlinks" in objective
    assert 'lang="en"' in html(site, "en/index.html") and 'lang="es"' in html(site, "es/index.html")
    assert "no recogido en la Hoja de ruta 2023" in html(site, "es/objectives/b1/index.html")


def test_backlinks_in_built_pages(mini_built):
    site = mini_built
    page = html(site, "en/objectives/a1/index.html")
    backlinks = page[page.index('class="fpm-block fpm-backlinks"'):]
    backlinks = backlinks[:backlinks.index("</nav>")]
    assert '<a href="../../">Home</a>' in backlinks and '<a href="../a2/">Projects</a>' in backlinks
    assert backlinks.count("<li>") == 2


def test_missing_translation_falls_back_to_french_with_links_in_reader_language(mini_built):
    page = html(mini_built, "es/objectives/a2/index.html")
    assert "Cite" in page and 'href="../a1/" title="CDN (es)"' in page


@pytest.mark.parametrize("changes, message", [
    ({"docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: a: b\n---\n"}, "docs/fr/objectives/a1.md, line 3: is not valid YAML"),
    ({"docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: S\nobjectives: [A2, B2]\n---\n"},
     "docs/fr/facilities/gf-1.md, field 'objectives': \"B2\" is not an objective (did you mean B1?)"),
    ({"docs/en/index.md": "x\n\n<!-- 4p1000 facilites -->\n"}, "docs/en/index.md, line 3: \"facilites\" is not a generated block"),
    ({"docs/es/index.md": "---\ntitle: Inicio\n---\n\nx\n\n<!-- 4p1000 facilities kind=cor -->\n"},
     "docs/es/index.md, line 7: kind=\"cor\" is not a facility kind"),
])
def test_bad_input_stops_the_build_with_one_clear_line_and_no_traceback(mini_site, changes, message):
    write_tree(mini_site, changes)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=mini_site,
                            capture_output=True, text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_failed_build_leaves_the_previous_site_unchanged(mini_site):
    result = subprocess.run([sys.executable, "-m", "tools.build", "--config-file", str(mini_site / "mkdocs.yml"),
                             "--site-dir", str(mini_site / "site")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    before = {p: p.read_bytes() for p in (mini_site / "site").rglob("*") if p.is_file()}
    write_tree(mini_site, {"docs/fr/objectives/a1.md": "---\ncode: A1\n---\n"})
    result = subprocess.run([sys.executable, "-m", "tools.build", "--config-file", str(mini_site / "mkdocs.yml"),
                             "--site-dir", str(mini_site / "site")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert "docs/fr/objectives/a1.md, field 'title': is missing" in result.stderr
    assert "previous site was left unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in (mini_site / "site").rglob("*") if p.is_file()}
    assert after == before
    assert not [p for p in mini_site.iterdir() if p.name.startswith(".site")]


def files_of(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_parallel_build_makes_the_same_files_as_the_sequential_build(mini_site, monkeypatch):
    from tools.build import build_site

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_tree(mini_site, {"docs/es/objectives/a2.md": None})  # a fallback page too
    build_site(mini_site / "seq", mini_site / "mkdocs.yml", parallel=False)
    build_site(mini_site / "par", mini_site / "mkdocs.yml", parallel=True)
    sequential, parallel = files_of(mini_site / "seq"), files_of(mini_site / "par")
    assert sorted(parallel) == sorted(sequential)
    assert [name for name in sequential if sequential[name] != parallel[name]] == []
    assert {"index.html", "en/index.html", "es/index.html", "pagefind/pagefind-entry.json", "sitemap.xml"} <= set(parallel)


def test_the_one_hook_file_dispatches_every_handler_of_the_feature_hook_modules():
    """mkdocs.yml loads hooks/main.py only: a handler added to a feature's hook module must be called there."""
    import re as regex

    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert regex.search(r"^hooks:\n  - hooks/main.py\n(?!  - )", config, regex.M)
    main = (ROOT / "hooks/main.py").read_text(encoding="utf-8")
    aliases = {module: alias for alias, module in regex.findall(r'^(\w+) = _sibling\("(\w+)"\)$', main, regex.M)}
    assert len(aliases) == 5, aliases
    for module, alias in aliases.items():
        if not (ROOT / "hooks" / f"{module}.py").exists():
            continue
        handlers = regex.findall(r"^def (on_\w+)\(", (ROOT / "hooks" / f"{module}.py").read_text(encoding="utf-8"), regex.M)
        called = set(regex.findall(rf"\b{alias or module}\.(on_\w+)\(", main))
        assert handlers and set(handlers) <= called, (module, sorted(set(handlers) - called))


# What MkDocs, Material and mkdocs-static-i18n keep for themselves, read or set only in core/engine.py.
INTERNALS = [r'plugins\["i18n"\]', r'plugins\.get\("i18n"\)', r"_title_from_render", r"i18n_files_per_language",
             r"extra_alternate", r"\.building = ", r"\.current_language = ", r"\.locale_alternate_of",
             r"add_files_from_theme"]


def test_only_the_engine_adapter_touches_the_internals_of_mkdocs_material_and_i18n():
    import re as regex

    engine = ROOT / "hooks/fourpm/core/engine.py"
    sources = [p for top in ("hooks", "tools") for p in (ROOT / top).rglob("*.py") if p != engine]
    found = [f"{p.relative_to(ROOT)}: {pattern}" for p in sources for pattern in INTERNALS
             if regex.search(pattern, p.read_text(encoding="utf-8"))]
    assert found == []
    text = engine.read_text(encoding="utf-8")
    assert all(regex.search(pattern, text) for pattern in INTERNALS[2:])  # the patterns match what it does


def test_the_engine_adapter_names_a_release_it_was_not_written_for():
    from fourpm.core import engine

    assert engine.version_problems() == []  # the pinned releases of requirements.txt
    installed = {"mkdocs": "1.6.1", "mkdocs-material": "10.0.0", "mkdocs-static-i18n": "1.3.1"}
    assert engine.version_problems(installed.get) == [
        "mkdocs-material 10.0.0 is installed, but hooks/fourpm/core/engine.py was written for mkdocs-material "
        "9.x (pin mkdocs-material to that series in requirements.txt, or check this file against the new "
        "release and update WRITTEN_FOR)"]


def test_a_strict_build_on_another_release_of_i18n_stops_and_says_why(mini_site, monkeypatch, caplog):
    from mkdocs.exceptions import Abort

    from fourpm.core import engine

    monkeypatch.setitem(engine.WRITTEN_FOR, "mkdocs-static-i18n", "9.9.")
    with pytest.raises(Abort, match="warning"):
        build(mini_site)
    said = [r.getMessage() for r in caplog.records if "engine.py was written for" in r.getMessage()]
    assert said == ["site: mkdocs-static-i18n 1.3.1 is installed, but hooks/fourpm/core/engine.py was written for "
                    "mkdocs-static-i18n 9.9.x (pin mkdocs-static-i18n to that series in requirements.txt, or "
                    "check this file against the new release and update WRITTEN_FOR)"]


def test_each_language_build_has_its_own_state_and_leaves_none_behind():
    """mkdocs-static-i18n builds en and es inside fr's on_post_build: each gets its own state, and what a
    build decided (no PDFs, say) does not stick to the next one, nor to blocks rendered outside a build."""
    from fourpm.core.state import Process

    process = Process()
    fr = process.begin()
    fr.render_pdfs = False
    fr.part("publications", list).append("fr page")
    en = process.begin()  # nested
    assert process.builds[-1] is en and en.render_pdfs and en.part("publications", list) == []
    assert not process.outermost
    process.end()
    assert process.builds[-1] is fr and fr.part("publications", list) == ["fr page"] and process.outermost
    process.keep("links", dict)["fr"] = 1
    process.end()
    assert process.builds == [] and process.keep("links", dict) == {"fr": 1}  # kept for the live preview
    process.begin()
    process.begin()
    process.abort()  # a failed build
    assert process.builds == []


def test_after_a_build_failing_in_another_language_the_next_build_still_cleans_its_folder(mini_site):
    """mkdocs-static-i18n stops MkDocs cleaning the folder while it builds the other languages and puts
    it back only on success: the live preview's next build, or a test's, kept stale files."""
    from mkdocs.exceptions import Abort, PluginError

    bad = {"docs/en/index.md": "x\n\n<!-- 4p1000 facilites -->\n"}
    write_tree(mini_site, bad)
    with pytest.raises((Abort, PluginError)):
        build(mini_site)
    write_tree(mini_site, {"docs/en/index.md": "---\ntitle: Home\n---\n\nText.\n", "site/stale.html": "old"})
    site = build(mini_site)
    assert not (site / "stale.html").exists() and (site / "en" / "index.html").is_file()


def test_the_installed_themes_files_are_listed_once_and_the_projects_own_on_every_build(mini_site):
    """The live preview builds again in the same process: a file added to overrides/ is published by the
    next build and one removed is gone; Material's 14,500 files are listed by the first build only."""
    from fourpm.core import engine

    build(mini_site)
    material = [key for key in engine._THEME_LISTINGS if "material" in key[0]]
    assert material and not any(name.startswith(".icons/") for name in engine._THEME_LISTINGS[material[0]])
    assert any(name.startswith("assets/stylesheets/main.") for name in engine._THEME_LISTINGS[material[0]])
    assert not any(str(mini_site) in key[0] for key in engine._THEME_LISTINGS)  # overrides/: never kept
    write_tree(mini_site, {"overrides/assets/added.txt": "new"})
    site = build(mini_site)
    assert (site / "assets" / "added.txt").read_text(encoding="utf-8") == "new"
    write_tree(mini_site, {"overrides/assets/added.txt": None})
    site = build(mini_site)
    assert not (site / "assets" / "added.txt").exists()
    assert (site / "assets" / "javascripts").is_dir()  # the installed theme's files, from the kept listing
