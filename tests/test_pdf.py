"""PDFs, the pure parts: declarations, links and contacts per language, the HTML document of a PDF,
the URL policy of the fetcher, cache keys, and the worker pool's failures."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import signal
import time
from pathlib import Path

import dataclasses

import pytest
import yaml

from conftest import LANGUAGES, MINI_FILES, ROOT, write_tree
from fourpm import pdf
from fourpm.pdf import render as pdf_render
from fourpm.catalog import load_catalog
from fourpm.core.errors import ContentError
from fourpm.pdf import Declaration, Edition, RenderedPage
from fourpm.pdf.worker import is_allowed
from fourpm.core.blocks import PageRef
from fourpm.catalog.render import Renderer

LABELS = yaml.safe_load((ROOT / "data" / "labels.yml").read_text(encoding="utf-8"))
KIT = {
    "docs/fr/press/kit.md": "---\ntitle: Dossier\npdf: press-kit\npdf_pages: [who.md, ../index.md]\n---\n\nTexte.\n",
    "docs/fr/press/who.md": "---\ntitle: Qui\n---\n\nNous.\n",
    "docs/en/press/kit.md": "---\ntitle: Kit\npdf: press-kit\n---\n\nText.\n",
    "docs/es/press/kit.md": "---\ntitle: Dosier\n---\n\nTexto.\n",
}


def declarations(tmp_path, changes=None):
    write_tree(tmp_path, {**MINI_FILES, **KIT, **(changes or {})})
    return pdf.read_declarations(tmp_path / "docs", ("fr", "en", "es"))


# -- declarations ------------------------------------------------------------------------------------
def test_a_page_declares_its_pdf_once_for_every_language(tmp_path):
    found = declarations(tmp_path)
    assert found == {"press-kit": Declaration("press-kit", "press/kit.md", ("press/who.md", "index.md"),
                                              "docs/fr/press/kit.md")}
    kit = found["press-kit"]
    assert [kit.output(lang, "fr") for lang in ("fr", "en", "es")] == \
        ["pdf/press-kit-fr.pdf", "en/pdf/press-kit-en.pdf", "es/pdf/press-kit-es.pdf"]
    assert kit.kind == "press-kit" and Declaration("newsletter-12", "n.md").kind == "newsletter"


@pytest.mark.parametrize("changes, message", [
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf: Press Kit\n---\n"},
     "docs/fr/press/kit.md, field 'pdf': \"Press Kit\" is not a PDF name (use lowercase letters, digits and "
     "hyphens, e.g. press-kit or newsletter-1)"),
    ({"docs/fr/index.md": "---\ntitle: A\npdf: press-kit\n---\n"},
     "docs/fr/press/kit.md, field 'pdf': \"press-kit\" is already the PDF of docs/fr/index.md"),
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf: press-kit\npdf_pages: [whom.md]\n---\n"},
     "docs/fr/press/kit.md, field 'pdf_pages': \"whom.md\" does not exist (create fr/press/whom.md or fix the path)"),
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf: press-kit\npdf_pages: [../../mkdocs.yml]\n---\n"},
     "docs/fr/press/kit.md, field 'pdf_pages': \"../../mkdocs.yml\" is not a page of the site"),
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf: press-kit\npdf_pages: [who.md, who.md]\n---\n"},
     "docs/fr/press/kit.md, field 'pdf_pages': lists a page twice"),
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf_pages: [who.md]\n---\n"},
     "docs/fr/press/kit.md, field 'pdf_pages': lists chapters of no PDF"),
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf: [press-kit]\n---\n"},
     "docs/fr/press/kit.md, field 'pdf': expected text but got a list"),
    ({"docs/en/press/kit.md": "---\ntitle: K\npdf: press-kits\n---\n"},
     "docs/en/press/kit.md, field 'pdf': \"press-kits\" contradicts the French page (the PDF of fr/press/kit.md "
     "is press-kit)"),
    ({"docs/en/index.md": "---\ntitle: H\npdf: home\n---\n"},
     "docs/en/index.md, field 'pdf': is not declared by the French page (declare the PDF in fr/index.md"),
    ({"docs/es/press/kit.md": "---\ntitle: D\npdf: press-kit\npdf_pages: [who.md]\n---\n"},
     "docs/es/press/kit.md, field 'pdf_pages': contradicts the French page"),
    ({"docs/fr/press/kit.md": "---\ntitle: a: b\npdf: press-kit\n---\n"},
     "docs/fr/press/kit.md, line 2: is not valid YAML"),
])
def test_bad_declarations_name_the_file_and_field(tmp_path, changes, message):
    with pytest.raises(ContentError) as error:
        declarations(tmp_path, changes)
    assert message in str(error.value)


# -- blocks: download links and media contacts -------------------------------------------------------
CONTACTS = {"contacts": [{"role": {"fr": "Secrétariat <exécutif>", "en": "Secretariat", "es": "Secretaría"},
                          "email": "press@example.org"},
                         {"role": "Presse", "name": {"fr": "Équipe", "en": "Team", "es": "Equipo"},
                          "email": "team@example.org"}]}


@pytest.fixture
def renderer(tmp_path):
    found = declarations(tmp_path)
    shutil.copytree(ROOT / "data", tmp_path / "data", dirs_exist_ok=True)
    pdf.use(lambda: found)
    yield Renderer(load_catalog(tmp_path / "docs", tmp_path / "data"), ROOT / "overrides" / "fpm")
    pdf.use(None)


@pytest.mark.parametrize("lang, path, args, href, text", [
    ("fr", "press/kit.md", "", "../../pdf/press-kit-fr.pdf", "Télécharger la version PDF"),
    ("en", "press/kit.md", "", "../../pdf/press-kit-en.pdf", "Download the PDF version"),
    ("es", "press/kit.md", "", "../../pdf/press-kit-es.pdf", "Descargar la versión PDF"),
    ("fr", "index.md", " name=press-kit", "pdf/press-kit-fr.pdf", "Télécharger « Dossier » en PDF"),
    ("en", "objectives/a1.md", " name=press-kit", "../../pdf/press-kit-en.pdf", "Download &#34;Kit&#34; as a PDF"),
    ("es", "index.md", " name=press-kit", "pdf/press-kit-es.pdf", "Descargar &#34;Dosier&#34; en PDF"),
])
def test_pdf_link_in_the_reader_language(renderer, lang, path, args, href, text):
    html = renderer.render_page(f"<!-- 4p1000 pdf-link{args} -->\n", PageRef(lang, path, f"docs/{lang}/{path}"))
    assert f'<a href="{href}" type="application/pdf" hreflang="{lang}" download>{text}</a>' in html
    assert f"press-kit-{lang}.pdf)" in html


@pytest.mark.parametrize("markdown, path, message", [
    ("<!-- 4p1000 pdf-link name=press-kt -->", "index.md",
     'docs/fr/index.md, line 1: "press-kt" is not the PDF of any page (did you mean press-kit?)'),
    ("x\n\n<!-- 4p1000 pdf-link -->", "index.md",
     "docs/fr/index.md, line 3: this page declares no PDF (add 'pdf: <name>' to its front matter"),
])
def test_pdf_link_errors(renderer, markdown, path, message):
    with pytest.raises(ContentError) as error:
        renderer.render_page(markdown, PageRef("fr", path, f"docs/fr/{path}"))
    assert message in str(error.value)


@pytest.mark.parametrize("lang, first, second", [
    ("fr", "<strong>Secrétariat &lt;exécutif&gt;</strong>", "<strong>Presse</strong>, Équipe"),
    ("en", "<strong>Secretariat</strong>", "<strong>Presse</strong>, Team"),
    ("es", "<strong>Secretaría</strong>", "<strong>Presse</strong>, Equipo"),
])
def test_media_contacts_in_each_language_escaped(renderer, lang, first, second):
    html = renderer.render_page("<!-- 4p1000 media-contacts -->", PageRef(lang, "index.md", "x"), CONTACTS)
    assert first in html and second in html
    assert '<a href="mailto:press@example.org">press@example.org</a>' in html
    assert LABELS["contact_email"][lang] in html


@pytest.mark.parametrize("contacts, message", [
    (None, "mkdocs.yml, field 'extra.contacts': is missing or empty"),
    ([{"role": "R", "email": "not-an-address"}],
     "mkdocs.yml, field 'extra.contacts[0].email': \"not-an-address\" is not an email address"),
    ([{"role": {"fr": "R", "en": "R"}, "email": "a@b.org"}], "mkdocs.yml, field 'extra.contacts[0].role.es': is missing"),
    ([{"role": "R", "email": "a@b.org", "phone": "1"}],
     "mkdocs.yml, field 'extra.contacts[0].phone': is not a contact field"),
    ([{"email": "a@b.org"}], "mkdocs.yml, field 'extra.contacts[0].role': is missing"),
])
def test_bad_contacts_name_the_field(renderer, contacts, message):
    with pytest.raises(ContentError) as error:
        renderer.render_page("<!-- 4p1000 media-contacts -->", PageRef("fr", "index.md", "docs/fr/index.md"),
                               {"contacts": contacts} if contacts is not None else {})
    assert message in str(error.value)
    assert "needed by docs/fr/index.md, line 1" in str(error.value)


# -- the HTML document of a PDF ----------------------------------------------------------------------
def test_chapter_html_prefixes_ids_and_points_links_to_the_website_or_the_chapter():
    content = ('<h2 id="who">Who<a class="headerlink" href="#who" title="Permanent link">&para;</a></h2>\n'
               '<p><a href="#who">here</a> <a href="../../objectives/a1/">A1</a> <a href="../messages/#m">m</a> '
               '<a href="https://other.org/x">o</a> <a href="mailto:a@b.org">mail</a> '
               '<img src="../img/logo.png" alt=""> <img src="file:///etc/hostname"> <link rel="attachment" '
               "href='../../../../secret.txt'></p>")
    chapters = {"https://site.org/en/guide/messages/": 2}
    html = pdf.chapter_html(content, 1, "en/guide/who/", "https://site.org/", chapters)
    assert "headerlink" not in html and "&para;" not in html
    assert '<h2 id="c1-who">' in html and '<a href="#c1-who">here</a>' in html
    assert '<a href="https://site.org/en/objectives/a1/">A1</a>' in html
    assert '<a href="#c2-m">m</a>' in html  # a page printed in the same PDF
    assert '<a href="https://other.org/x">' in html and '<a href="mailto:a@b.org">' in html
    assert '<img src="en/guide/img/logo.png"' in html  # relative to the site's root, the PDF's base
    assert '<img src="file:///etc/hostname">' in html  # left for the fetcher to refuse
    assert 'href="../secret.txt"' in html  # an escape stays an escape: refused by the fetcher


def test_headings_for_the_table_of_contents():
    html = '<h2 id="c0-a">A &amp; <em>b</em></h2><h3 id="c0-x">x</h3><h2 id="c0-c">C</h2>'
    assert [(h["id"], str(h["text"])) for h in pdf.headings(html, (2,))] == [("c0-a", "A &amp; b"), ("c0-c", "C")]


@pytest.mark.parametrize("lang, css", [
    ("fr", '"Page " counter(page) " sur " counter(pages)'),
    ("en", '"Page " counter(page) " of " counter(pages)'),
    ("es", '"Página " counter(page) " de " counter(pages)'),
])
def test_page_n_of_m_in_each_language(lang, css):
    assert pdf.css_counters(LABELS["pdf_page_of"][lang]) == css


def test_css_strings_cannot_break_out_of_the_style_element():
    assert pdf.css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'
    with pytest.raises(ContentError, match="pdf_page_of"):
        pdf.css_counters("Page {page}")


def edition(lang: str) -> Edition:
    return Edition(lang, "fr", "https://site.org", f"Initiative ({lang})", __import__("datetime").date(2026, 3, 5),
                   {k: v[lang] for k, v in LABELS.items()}, "data:image/svg+xml;base64,PHN2Zy8+",
                   LANGUAGES.date(__import__("datetime").date(2026, 3, 5), lang))


def pages(lang: str) -> dict[str, RenderedPage]:
    prefix = "" if lang == "fr" else f"{lang}/"
    return {"guide/index.md": RenderedPage("guide/index.md", f"Guide {lang}", f"{prefix}guide/",
                                           '<h2 id="intro">Intro</h2><p><a href="who/">who</a></p>', "Un guide"),
            "guide/who.md": RenderedPage("guide/who.md", f"Who {lang}", f"{prefix}guide/who/", '<h2 id="a">A</h2>'),
            "guide/end.md": RenderedPage("guide/end.md", f"End {lang}", f"{prefix}guide/end/", '<h2 id="a">B</h2>')}


@pytest.mark.parametrize("lang, date, contents, kind", [
    ("fr", "5 mars 2026", "Sommaire", "Guide des Ambassadeurs"),
    ("en", "5 March 2026", "Contents", "Ambassador guide"),
    ("es", "5 de marzo de 2026", "Índice", "Guía de los Embajadores"),
])
def test_a_multi_page_document_in_each_language(lang, date, contents, kind):
    guide = Declaration("ambassador-guide", "guide/index.md", ("guide/who.md", "guide/end.md"))
    job = pdf.build_job(guide, pages(lang), edition(lang), pdf.template_env(ROOT))
    assert job.output == ("" if lang == "fr" else f"{lang}/") + f"pdf/ambassador-guide-{lang}.pdf"
    html = job.html
    assert f'<html lang="{lang}" dir="ltr">' in html and f"<title>Guide {lang}</title>" in html
    assert '<meta name="dcterms.created" content="2026-03-05">' in html
    assert f'<meta name="author" content="Initiative ({lang})">' in html
    assert date in html and contents in html and f'<p class="cover-kind">{kind}</p>' in html
    assert html.index(f"Who {lang}") < html.index(f"End {lang}")  # chapters in the declared order
    for anchor in ('href="#c0-intro"', 'href="#c1"', 'href="#c1-a"', 'href="#c2"', 'href="#c2-a"'):
        assert anchor in html  # table of contents: sections and chapters
    assert '<a href="#c1">who</a>' in html  # a link to a page of the same PDF jumps to its chapter
    assert "counter(pages)" in html and 'src="data:image/svg+xml;base64,PHN2Zy8+"' in html


@pytest.mark.parametrize("name, label", [("newsletter-3", "pdf_kind_newsletter"), ("press-kit", "pdf_kind_press_kit"),
                                         ("communication-kit", "pdf_kind_communication_kit"),
                                         ("annual-report", "pdf_kind_document")])
def test_each_kind_has_its_template(name, label):
    job = pdf.build_job(Declaration(name, "guide/index.md"), pages("es"), edition("es"), pdf.template_env(ROOT))
    assert f'<p class="cover-kind">{LABELS[label]["es"]}</p>' in job.html


def test_a_chapter_that_was_not_built_is_an_error():
    guide = Declaration("ambassador-guide", "guide/index.md", ("guide/gone.md",), "docs/fr/guide/index.md")
    with pytest.raises(ContentError, match="docs/fr/guide/index.md, field 'pdf_pages': the page guide/gone.md "
                                           "was not built in en"):
        pdf.build_job(guide, pages("en"), edition("en"), pdf.template_env(ROOT))


def test_an_svg_logo_is_drawn_with_the_shipped_font(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text('<svg><text font-family="sans-serif">4</text><text style="font-family:Arial;fill:red">x</text></svg>')
    svg = base64.b64decode(pdf.logo_uri(logo).removeprefix("data:image/svg+xml;base64,")).decode()
    assert svg == '<svg><text font-family="FPM Sans">4</text><text style="font-family:FPM Sans;fill:red">x</text></svg>'
    assert pdf.FONT in (ROOT / "overrides" / "pdf" / "pdf.css").read_text(encoding="utf-8")
    assert pdf.logo_uri(tmp_path / "missing.svg") is None


def test_the_collector_hands_over_every_language_once_the_outermost_build_ends():
    collector = pdf.Collector()
    job = lambda lang: pdf.Job("k", lang, "s", f"{lang}.pdf", "")  # noqa: E731
    collector.begin("fr")  # mkdocs-static-i18n: en and es are built inside fr's on_post_build
    collector.begin("en")
    assert collector.current["lang"] == "en" and collector.end([job("en")]) is None
    collector.begin("es")
    assert collector.end([job("es")]) is None
    assert [j.lang for j in collector.end([job("fr")])] == ["en", "es", "fr"]
    collector.begin("es")  # tools/build.py: one language per process
    assert [j.lang for j in collector.end([job("es")])] == ["es"]
    collector.begin("fr")
    collector.abort()  # a failed build leaves nothing behind
    assert collector.current is None


# -- the fetcher's URL policy ------------------------------------------------------------------------
def test_the_fetcher_reads_only_project_files_and_data_uris(tmp_path):
    project, site = tmp_path / "p", tmp_path / "site"
    for folder in ("docs", "data", "overrides", "hooks"):
        (project / folder).mkdir(parents=True)
    site.mkdir()
    (project / "docs" / "link").symlink_to("/etc")
    roots = pdf_render.allowed_roots(project, site)
    assert is_allowed((project / "overrides" / "a.ttf").as_uri(), roots)
    assert is_allowed((site / "en" / "x.png").as_uri(), roots)
    assert is_allowed("data:image/png;base64,AAAA", roots)
    for url in ("file:///etc/hostname", f"file://{project}/overrides/../hooks/main.py",
                f"file://{project}/docs/../hooks/main.py", f"file://{project}/docs/%2e%2e/mkdocs.yml",
                f"file://{project}/docs/link/hostname", "http://127.0.0.1/x.png", "https://example.org/a.css",
                "ftp://example.org/x", f"file://remote-host{project}/docs/a.md", "file:///etc/passwd?x=1"):
        assert not is_allowed(url, roots), url


# -- cache keys --------------------------------------------------------------------------------------
def test_the_cache_key_follows_everything_that_goes_into_a_pdf(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "overrides" / "pdf", tmp_path / "overrides" / "pdf")
    (tmp_path / "site" / "img").mkdir(parents=True)
    (tmp_path / "site" / "img" / "a.png").write_bytes(b"one")
    job = pdf.Job("press-kit", "fr", "docs/fr/k.md", "pdf/press-kit-fr.pdf", '<p>x</p><img src="img/a.png">')
    key = lambda j=job: pdf_render.job_key(j, pdf_render.inputs_digest(tmp_path))  # noqa: E731
    first = key()
    assert key() == first
    assert key(pdf.Job("press-kit", "fr", "docs/fr/k.md", "pdf/press-kit-fr.pdf", '<p>y</p><img src="img/a.png">')) != first
    assert key(pdf.Job("press-kit", "en", "docs/fr/k.md", "pdf/press-kit-fr.pdf", job.html)) != first
    # The files a PDF embeds are checked by the entry's record (test_safety_pdf_cache.py), not read here.
    second = key()
    with open(tmp_path / "overrides" / "pdf" / "pdf.css", "a") as css:
        css.write("\n/* changed */\n")
    assert key() != second
    third = key()
    (tmp_path / "overrides" / "pdf" / "fonts" / "DejaVuSans.ttf").write_bytes(b"other font")
    assert key() != third
    fourth = key()
    assert "libpango-1.0.so.0 1." in pdf_render.library_versions()
    monkeypatch.setattr(pdf_render, "library_versions", lambda: "libpango-1.0.so.0 9.0")  # another machine
    assert key() != fourth
    fifth = key()
    monkeypatch.setattr(pdf_render, "weasyprint_version", lambda: "71.0")
    assert key() != fifth


# -- the worker pool ---------------------------------------------------------------------------------
def minimal_job(name: str, html: str) -> pdf.Job:
    return pdf.Job(name, "fr", f"docs/fr/{name}.md", f"pdf/{name}-fr.pdf", html)


def pool_project(tmp_path) -> Path:
    shutil.copytree(ROOT / "overrides" / "pdf", tmp_path / "overrides" / "pdf")
    return tmp_path


def test_a_failed_render_names_the_document_and_the_others_are_still_produced(tmp_path, monkeypatch):
    monkeypatch.setenv("FPM_PDF_CACHE", str(tmp_path / "cache"))
    project = pool_project(tmp_path)
    good = minimal_job("good", '<html lang="fr"><title>Bon</title><p>Bonjour « é »</p></html>')
    broken = minimal_job("broken", "<div>" * 3000 + "x" + "</div>" * 3000)  # too deep for WeasyPrint
    outcome = pdf_render.render_jobs([good, broken], tmp_path / "site", project, workers=2)
    assert outcome.rendered == 1 and outcome.pages == 1
    assert [(job.label, why.split(":")[0]) for job, why in outcome.errors] == [("broken-fr.pdf", "RecursionError")]
    assert (tmp_path / "site" / "pdf" / "good-fr.pdf").read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in (tmp_path / "site" / "pdf").iterdir()) == ["good-fr.pdf"]  # nothing half-written
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.startswith(("broken", ".", "jobs-"))]


def test_without_pango_the_build_says_which_debian_packages_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("FPM_PDF_CACHE", str(tmp_path / "cache"))
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0': no such file\")\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "fake")}
    outcome = pdf_render.render_jobs([minimal_job("kit", "<p>x</p>")], tmp_path / "site", pool_project(tmp_path),
                                     env=env)
    assert outcome.fatal == "OSError: cannot load library 'libpango-1.0-0': no such file"
    message = pdf_render.unavailable_message(outcome.fatal)
    assert "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in message and "apt-get install" in message
    assert not (tmp_path / "site" / "pdf").exists()


def test_the_worker_reports_harfbuzz_subset_and_its_memory(tmp_path, monkeypatch):
    monkeypatch.setenv("FPM_PDF_CACHE", str(tmp_path / "cache"))
    outcome = pdf_render.render_jobs([minimal_job("kit", "<p>x</p>")], tmp_path / "site", pool_project(tmp_path))
    assert outcome.harfbuzz_subset is True  # libharfbuzz-subset0 is in system-packages.txt
    assert outcome.peak_rss_kb > 10_000 and outcome.workers == 1
    meta = next((tmp_path / "cache").glob("kit-fr.*.json"))
    record = json.loads(meta.read_text())
    assert (record["pages"], record["refused"]) == (1, [])
    assert record["sha256"] == hashlib.sha256((tmp_path / "site" / "pdf" / "kit-fr.pdf").read_bytes()).hexdigest()
    assert "overrides/pdf/fonts/DejaVuSans.ttf" in record["files"]  # @font-face: served by the fetcher, recorded


def pdf_workers() -> list[int]:
    """The PDF workers this process started that are alive now."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            status, command = (proc / "status").read_text(), (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if f"\nPPid:\t{os.getpid()}\n" in status and b"fourpm.pdf.worker" in command and "\nState:\tZ" not in status:
            found.append(int(proc.name))
    return sorted(found)


def test_the_next_stage_reuses_the_idle_workers_and_replaces_a_dead_one(tmp_path, monkeypatch):
    """A worker imports WeasyPrint once, not once per PDF stage (each language, each rebuild of the live
    preview, another project's build); one that died while idle is replaced, not reported as a failed
    document."""
    project = pool_project(tmp_path)
    pdf_render.stop_workers()
    stages, pids = [], []
    for name in ("one", "two"):
        monkeypatch.setenv("FPM_PDF_CACHE", str(tmp_path / f"cache-{name}"))  # the worker reads no FPM_ setting
        stages.append(pdf_render.render_jobs([minimal_job(name, f"<p>{name}</p>")], tmp_path / "site", project,
                                             workers=1))
        pids.append(pdf_workers())
    assert [(s.rendered, s.errors) for s in stages] == [(1, []), (1, [])]
    assert len(pids[0]) == 1 and pids[0] == pids[1]  # the same worker
    assert stages[1].cpu_seconds < stages[0].cpu_seconds / 3  # no second import of WeasyPrint
    os.kill(pids[1][0], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pdf_workers() and time.monotonic() < deadline:  # dead: a zombie until the build reaps it
        time.sleep(0.01)
    third = pdf_render.render_jobs([minimal_job("three", "<p>3</p>")], tmp_path / "site", project, workers=1)
    assert (third.rendered, third.errors) == (1, []) and pdf_workers() not in ([], pids[1])
    pdf_render.stop_workers()
    assert pdf_workers() == []


# -- what the build says about the PDF stage ---------------------------------------------------------
@pytest.fixture
def hook():
    import importlib.util
    spec = importlib.util.spec_from_file_location("fpm_pdf_hook", ROOT / "hooks" / "pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_reports_refusals_missing_harfbuzz_and_failed_documents(hook, caplog):
    from mkdocs.exceptions import PluginError
    kit, guide = minimal_job("press-kit", "x"), pdf.Job("guide", "es", "docs/es/guide.md", "es/pdf/guide-es.pdf", "x")
    caplog.set_level("INFO")
    outcome = pdf_render.Outcome(documents=2, rendered=1, harfbuzz_subset=False,
                                 refused=[(kit, "file:///etc/hostname")], errors=[(guide, "RecursionError: deep")])
    with pytest.raises(PluginError) as error:
        hook._report(outcome)
    assert str(error.value) == "docs/es/guide.md (es): guide-es.pdf could not be rendered: RecursionError: deep"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    infos = [r.getMessage() for r in caplog.records if r.levelname == "INFO"]
    # A missing HarfBuzz subset only makes fonts slower to subset: information, never a failed strict build.
    assert any(m.startswith("libharfbuzz-subset0 is not installed") for m in infos)
    assert not any("harfbuzz" in m for m in warnings)
    assert warnings[0].startswith("docs/fr/press-kit.md: file:///etc/hostname is left out of press-kit-fr.pdf")
    with pytest.raises(PluginError, match="Install the Debian packages libpango-1.0-0 libpangoft2-1.0-0"):
        hook._report(pdf_render.Outcome(fatal="OSError: cannot load library 'libpango-1.0-0'"))


def test_a_right_to_left_language_gets_a_right_to_left_pdf():
    guide = Declaration("ambassador-guide", "guide/index.md", ())
    job = pdf.build_job(guide, pages("fr"), dataclasses.replace(edition("fr"), direction="rtl"), pdf.template_env(ROOT))
    assert '<html lang="fr" dir="rtl">' in job.html
