"""The translation workflow in built sites: banners through each status transition, 404 pages, hreflang,
the sitemap, the language switcher, the status and glossary pages, tooltips; no build warning for a translation."""
from __future__ import annotations

import contextlib
import io
import logging
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import ROOT, build, make_mini_site, write_tree
from fourpm.core import sources
from fourpm import translation as tr
from fourpm.translation import web

LANGS = ("fr", "en", "es")
PREFIX = {"fr": "", "en": "en/", "es": "es/"}
BANNER = {
    "missing": {"en": "This page has not been translated into English yet",
                "es": "Esta página aún no se ha traducido al español"},
    "outdated": {"en": "The French original of this page has changed since this translation was made",
                 "es": "El original francés de esta página ha cambiado desde que se hizo esta traducción"},
}


@pytest.fixture
def project(mini_site):
    """The mini site with the translation hook, the status and glossary pages, every translation current."""
    return prepare(mini_site)


def prepare(mini_site):
    config = (mini_site / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks/main.py" in config  # the one hook file, which runs the translations' hooks
    (mini_site / "mkdocs.yml").write_text(config + "not_in_nav: |\n  /*/translations.md\n", encoding="utf-8")
    for lang in LANGS:
        for name in ("translations.md", "glossary.md"):
            write_tree(mini_site, {f"docs/{lang}/{name}": (ROOT / "docs" / lang / name).read_text(encoding="utf-8")})
    write_tree(mini_site, {
        "docs/fr/objectives/b1.md": "---\ncode: B1\ntitle: Plans d'investissements\n---\n\nLes CDN et le MRV ; encore les CDN.\n",
        "docs/en/objectives/b1.md": "---\ncode: B1\ntitle: Investment plans\n---\n\nThe NDCs and MRV; the NDCs again.\n",
        "docs/es/objectives/b1.md": "---\ncode: B1\ntitle: Planes de inversión\n---\n\nLas CDN y el MRV; otra vez las CDN.\n",
    })
    mark_all(mini_site)
    return mini_site


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One built site for the tests that only read it: the prepared project, then the Spanish a2 page
    deleted (the French one shown), an objectives index page in each language, the English gf-1 page
    scaffolded (not yet translated). Built as `make site` builds it (tools.build: a process per language,
    then the search index; test_build checks it makes the same files as the sequential build).
    Returns (project, site)."""
    from tools.build import build_site

    project = prepare(make_mini_site(tmp_path_factory.mktemp("translation-site")))
    (project / "docs/es/objectives/a2.md").unlink()
    write_tree(project, {f"docs/{lang}/objectives/index.md": f"---\ntitle: {title}\n---\n\nTexte.\n"
                         for lang, title in (("fr", "Objectifs"), ("en", "Objectives"), ("es", "Objetivos"))})
    mark_all(project)
    (project / "docs/en/facilities/gf-1.md").unlink()
    tr.scaffold(project, LANGS, "en", "facilities/gf-1.md")
    with pytest.MonkeyPatch.context() as env:  # build_site sets it when unset: not for the rest of the session
        env.setenv("SOURCE_DATE_EPOCH", "1700000000")
        build_site(project / "site", project / "mkdocs.yml", parallel=True)
    return project, project / "site"


def mark_all(root):
    for lang, path in tr.translations(root, LANGS):
        tr.mark_current(root, LANGS, lang, path)


def html(site, path):
    return (site / path).read_text(encoding="utf-8")


def banner(page_html):
    found = re.search(r'<div class="admonition \w+ fpm-translation-banner fpm-translation-(\w+)" role="note">(.*?)</div>',
                      page_html, re.S)
    return (found.group(1), found.group(2)) if found else None


def translations_command(project, *args) -> subprocess.CompletedProcess:
    """`python -m tools.translations --config-file PROJECT/mkdocs.yml ARGS` run in this process (no new
    interpreter to start): its exit code, standard output and error."""
    from tools import translations

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = translations.main(["--config-file", str(project / "mkdocs.yml"), *args])
        except SystemExit as exit:  # argparse's errors
            code = exit.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def state(root, lang, path):
    return tr.compute_status(root, LANGS).state(lang, path).state


@pytest.mark.site
def test_each_status_transition_shows_in_the_built_pages(shared, project):
    # Every translation current (the shared site has the same a1 pages, all marked): no banner.
    _shared_project, shared_site = shared
    assert all(banner(html(shared_site, f"{PREFIX[lang]}objectives/a1/index.html")) is None for lang in LANGS)

    # Editing the French page: its translations are outdated and say so, in the reader's language.
    a1 = project / "docs/fr/objectives/a1.md"
    a1.write_text(a1.read_text(encoding="utf-8").replace("Texte.", "Texte revu."), encoding="utf-8")
    assert state(project, "en", "objectives/a1.md") == state(project, "es", "objectives/a1.md") == "outdated"
    site = build(project)
    for lang in ("en", "es"):
        kind, text = banner(html(site, f"{lang}/objectives/a1/index.html"))
        assert kind == "outdated" and BANNER["outdated"][lang] in text
        assert '<a href="../../../objectives/a1/" hreflang="fr">' in text  # the French page
    assert "Read the French original</a>" in banner(html(site, "en/objectives/a1/index.html"))[1]
    assert "Leer el original en francés</a>" in banner(html(site, "es/objectives/a1/index.html"))[1]
    assert banner(html(site, "objectives/a1/index.html")) is None
    assert banner(html(site, "es/objectives/a2/index.html")) is None  # still translated, current

    # Marking the English page current again: its banner goes, the Spanish one stays. And (the same
    # build) deleting a translation: the French page is shown, with the "not translated" banner in Spanish.
    tr.mark_current(project, LANGS, "en", "objectives/a1.md")
    assert state(project, "en", "objectives/a1.md") == "current"
    (project / "docs/es/objectives/a2.md").unlink()
    assert state(project, "es", "objectives/a2.md") == "missing"
    site = build(project)
    assert banner(html(site, "en/objectives/a1/index.html")) is None
    assert banner(html(site, "es/objectives/a1/index.html"))[0] == "outdated"
    page = html(site, "es/objectives/a2/index.html")
    kind, text = banner(page)
    assert kind == "missing" and BANNER["missing"]["es"] in text and "<p class=\"admonition-title\">Traducción</p>" in text
    assert '<html lang="es"' in page and re.search(r'<div lang="fr">\s*<h1>[^<]*Projets</h1>', page)
    assert banner(html(site, "en/objectives/a2/index.html")) is None


@pytest.mark.site
def test_a_scaffolded_page_counts_as_not_translated_for_readers(shared):
    project, site = shared  # its English gf-1 page is scaffolded
    assert state(project, "en", "facilities/gf-1.md") == "missing"
    kind, text = banner(html(site, "en/facilities/gf-1/index.html"))
    assert kind == "missing" and BANNER["missing"]["en"] in text


@pytest.mark.site
def test_a_404_page_in_each_language(shared):
    _project, site = shared
    expected = {"fr": ("Page introuvable", "Retour à l'accueil", "/"), "en": ("Page not found", "Back to the home page", "/en/"),
                "es": ("Página no encontrada", "Volver a la página de inicio", "/es/")}
    for lang, (title, home, href) in expected.items():
        page = html(site, f"{PREFIX[lang]}404.html")
        assert f'<html lang="{lang}"' in page
        assert f"<h1>{title}</h1>" in page and f"<title>{title} - Mini</title>" in page
        assert f'<a href="{href}">{home}</a>'.replace("'", "&#39;") in page
        assert '/assets/stylesheets/' in page  # absolute asset links: the page is served at any missing URL
    assert not (site / "en" / "en").exists()


@pytest.mark.site
def test_the_parallel_build_has_the_same_404_pages(shared):
    _project, site = shared  # the parallel build (tools.build)
    assert [re.search(r"<h1>(.*?)</h1>", html(site, f"{PREFIX[lang]}404.html")).group(1) for lang in LANGS] \
        == ["Page introuvable", "Page not found", "Página no encontrada"]


def alternates_of(page_html):
    return re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', page_html)


@pytest.mark.site
def test_every_page_head_has_absolute_hreflang_alternates_and_x_default(shared):
    _project, site = shared  # its Spanish a2 page is the French one
    for lang in LANGS:
        for path in ("", "objectives/a2/", "facilities/gf-1/"):
            page = html(site, f"{PREFIX[lang]}{path}index.html")
            assert alternates_of(page) == [("fr", f"https://example.org/{path}"), ("en", f"https://example.org/en/{path}"),
                                           ("es", f"https://example.org/es/{path}"), ("x-default", f"https://example.org/{path}")]
            assert len(re.findall(r'<link rel="alternate"[^>]*hreflang', page)) == 4  # no relative duplicates
    assert alternates_of(html(site, "404.html")) == []


@pytest.mark.site
def test_the_sitemap_lists_every_page_with_its_alternates_and_x_default(shared):
    _project, site = shared
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.parse(site / "sitemap.xml").getroot().findall("s:url", ns)
    locs = {url.find("s:loc", ns).text: {l.get("hreflang"): l.get("href") for l in url.findall("x:link", ns)} for url in urls}
    assert "https://example.org/en/objectives/a1/" in locs and "https://example.org/es/" in locs
    for loc, links in locs.items():
        assert set(links) == {"fr", "en", "es", "x-default"}, loc
        assert links["x-default"] == links["fr"] and all(href.startswith("https://example.org/") for href in links.values())
    assert locs["https://example.org/es/objectives/a1/"]["en"] == "https://example.org/en/objectives/a1/"


@pytest.mark.site
def test_the_language_switcher_leads_to_the_same_page_translated_or_not(shared):
    _project, site = shared  # its Spanish a2 page is the French one
    for lang in LANGS:
        page = site / f"{PREFIX[lang]}objectives/a2/index.html"
        links = dict((hreflang, href) for href, hreflang in re.findall(
            r'<a href="([^"]+)" hreflang="(\w+)" class="md-select__link">', page.read_text(encoding="utf-8")))
        assert set(links) == set(LANGS)
        for other, href in links.items():
            assert (page.parent / href / "index.html").resolve() == (site / f"{PREFIX[other]}objectives/a2/index.html").resolve()


@pytest.mark.site
def test_materials_language_script_skips_our_alternates(shared):
    project, site = shared
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).read_text(encoding="utf-8")
    assert '"link[rel=alternate]:not([hreflang]):not([type])"' in bundle and '"link[rel=alternate]")' not in bundle
    assert web.patch_material_bundle(site) is False  # already done: nothing changes
    assert web.patch_material_bundle(project / "docs") is None


@pytest.mark.site
def test_the_status_page_in_each_language_outside_the_navigation(shared):
    _project, site = shared  # its Spanish a2 page deleted, an objectives index page in each language
    for lang, todo, label in (("fr", "Pages à traduire ou à revoir", "manquante"), ("en", "Pages to translate or to review", "missing"),
                              ("es", "Páginas por traducir o revisar", "falta")):
        page = html(site, f"{PREFIX[lang]}translations/index.html")
        assert f'<html lang="{lang}"' in page and todo in page
        assert "fpm-late-block" not in page  # the table, put in after the Markdown conversion
        rows = re.findall(r'<tr class="fpm-state-missing"><td>ES</td><td><a href="([^"]+)">([^<]+)</a></td><td>(\w+) ', page)
        assert rows == [("../objectives/a2/", {"fr": "Projets", "en": "Projects", "es": "Projets"}[lang], label)]
        sections = re.findall(r'<tr><th scope="row">([^<]+)</th>', page)
        assert sections[:3] == [{"fr": "Pages générales", "en": "General pages", "es": "Páginas generales"}[lang],
                                "facilities", {"fr": "Objectifs", "en": "Objectives", "es": "Objetivos"}[lang]]
        home = html(site, f"{PREFIX[lang]}index.html")
        assert 'href="translations/"' not in home  # not in the navigation
    assert "Every translation is up to date." not in html(site, "en/translations/index.html")


@pytest.mark.site
def test_the_glossary_page_and_the_tooltips_in_the_page_language(shared):
    project, site = shared
    glossary = web.glossary(sources.project_at(project, LANGS))
    ndc = next(t for t in glossary.terms if t.id == "ndc")
    for lang, word in (("fr", "CDN"), ("en", "NDCs"), ("es", "CDN")):
        page = html(site, f"{PREFIX[lang]}objectives/b1/index.html")
        definition = ndc.definitions[lang].replace("'", "&#39;")
        assert page.count(f'<abbr class="fpm-term" title="{definition}">{word}</abbr>') == 1
        assert page.count('<abbr class="fpm-term"') == 2  # the NDCs and MRV, each once
        listing = html(site, f"{PREFIX[lang]}glossary/index.html")
        assert 'class="fpm-block fpm-glossary"' in listing and 'id="term-ndc"' in listing
        assert f"<dfn>{ndc.forms[lang][0]}</dfn>" in listing and "<dfn>Core Facilities</dfn>" in listing


def test_a_forbidden_variant_in_a_translation_is_listed_not_a_build_warning(project, caplog):
    write_tree(project, {"docs/en/objectives/b1.md": "---\ncode: B1\ntitle: Investment plans\n---\n\n"
                                                       "The NDCs of the 4 pour 1000 Initiative and MRV.\n"})
    mark_all(project)
    caplog.set_level(logging.INFO)
    build(project, strict=True)  # `mkdocs build --strict`, in this process: a warning would abort it
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    check = translations_command(project, "check")
    assert check.returncode == 1
    assert ('docs/en/objectives/b1.md, line 7: "4 pour 1000" is how fr pages write the name: '
            'write "4 per 1000" here') in check.stdout
    assert 'docs/en/objectives/b1.md, line 7: the number "1000" is not in docs/fr/objectives/b1.md' in check.stdout


def test_a_bad_glossary_stops_the_build_with_one_line(project):
    (project / "data" / "glossary.yml").write_text("terms:\n  - id: x\n    term: {fr: [a], en: [b]}\n    definition: {fr: a, en: b, es: c}\n",
                                                  encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, capture_output=True, text=True,
                            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0
    assert "data/glossary.yml, field 'terms[0] (x).term.es': is missing (write the term's forms in this language)" in result.stderr
    assert "Traceback" not in result.stderr


# -- pure functions behind the pages ----------------------------------------------------------------
@pytest.mark.site
def test_banner_and_alternates_as_functions(shared):
    project, _site = shared
    status = tr.compute_status(project, LANGS)
    labels = {key: key for key in ("translation_missing", "translation_outdated", "translation_banner_title",
                                   "translation_read_original")}
    langs = web.Languages(LANGS, LANGS, "fr", "en")
    assert web.banner(status, langs, "objectives/a1.md", "en", labels) is None
    assert web.banner(status, langs, "objectives/a1.md", "fr", labels)["state"] == "missing"  # fell back to French
    assert web.banner(status, web.Languages(LANGS, LANGS, "fr", "fr"), "objectives/a1.md", "fr", labels) is None
    # `make serve lang=en` builds English alone, at the root: no French page to link to, no French alternate.
    preview = web.Languages(LANGS, ("en",), "en", "en")
    assert web.alternates("objectives/a1.md", preview, "http://127.0.0.1:8000/") == [
        {"lang": "en", "href": "http://127.0.0.1:8000/objectives/a1/"},
        {"lang": "x-default", "href": "http://127.0.0.1:8000/objectives/a1/"}]
    assert web.alternates("index.md", langs, "") == []


# -- the real site ---------------------------------------------------------------------------------
def test_the_real_sites_translations_are_current_and_clean():
    """What `make check-translations` checks, on the project itself."""
    status = tr.compute_status(ROOT, LANGS)
    assert [str(f) for f in status.findings] == []
    assert [(p.lang, p.path, p.reason) for p in status.todo()] == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_real_site_has_its_404_glossary_and_status_pages_and_hreflang(real_site, lang):
    prefix = PREFIX[lang]
    assert f'<html lang="{lang}"' in html(real_site, f"{prefix}404.html")
    assert 'class="fpm-block fpm-glossary"' in html(real_site, f"{prefix}glossary/index.html")
    assert 'class="fpm-block fpm-translation-status"' in html(real_site, f"{prefix}translations/index.html")
    links = dict(alternates_of(html(real_site, f"{prefix}objectives/c4/index.html")))
    assert links == {"fr": "https://publications.4p1000.example/objectives/c4/",
                     "en": "https://publications.4p1000.example/en/objectives/c4/",
                     "es": "https://publications.4p1000.example/es/objectives/c4/",
                     "x-default": "https://publications.4p1000.example/objectives/c4/"}
