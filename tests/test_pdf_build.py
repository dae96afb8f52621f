"""PDFs of small three-language sites built with MkDocs and our hooks: the files readers get, their
links, the fetcher's refusals, the cache, the live preview and the errors."""
from __future__ import annotations

import http.server
import logging
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, build, make_mini_site, write_tree
from fourpm import pdf
from test_publications import build_error_in_process, logged

pytestmark = pytest.mark.site  # every test here builds a site

SPECIAL = "« » é è ç œ ñ ¿ ¡ …"
CONTACTS = """\
  contacts:
    - role: {fr: Secrétariat exécutif, en: Executive Secretariat, es: Secretaría Ejecutiva}
      email: press@example.org
"""
KIT = {
    "docs/fr/press/kit.md": f"---\ntitle: Dossier de presse\ndescription: Tout sur l'Initiative {SPECIAL}\n"
                            "pdf: press-kit\n---\n\n<!-- 4p1000 pdf-link -->\n\n## Qui sommes-nous\n\n"
                            f"Texte français : {SPECIAL}. Voir [l'accueil](../index.md) et [A1].\n\n"
                            "<!-- 4p1000 facilities -->\n\n## Contacts presse\n\n<!-- 4p1000 media-contacts -->\n",
    "docs/en/press/kit.md": "---\ntitle: Press kit\npdf: press-kit\n---\n\n<!-- 4p1000 pdf-link -->\n\n"
                            f"## Who we are\n\nEnglish text: {SPECIAL}. See [home](../index.md) and [A1].\n\n"
                            "## Press contacts\n\n<!-- 4p1000 media-contacts -->\n",
    "docs/es/press/kit.md": "---\ntitle: Dosier de prensa\n---\n\n<!-- 4p1000 pdf-link -->\n\n"
                            f"## Quiénes somos\n\nTexto español: {SPECIAL}. Ver [inicio](../index.md) y [A1].\n\n"
                            "## Contactos de prensa\n\n<!-- 4p1000 media-contacts -->\n",
    "docs/fr/index.md": "---\ntitle: Accueil\n---\n\nVoir [A1].\n\n<!-- 4p1000 pdf-link name=press-kit -->\n",
}


def with_kit(project: Path) -> Path:
    """The mini site with media contacts and a press kit in three languages."""
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "hooks/main.py" in text  # the one hook file, which runs the PDFs' hooks
    config.write_text(text.replace("\nextra:\n", "\nextra:\n" + CONTACTS, 1), encoding="utf-8")
    return write_tree(project, KIT)


def pdf_env(patch, project: Path) -> None:
    patch.setenv("FPM_PDF_CACHE", str(project / ".cache" / "pdf"))
    patch.setenv("SOURCE_DATE_EPOCH", "1764000000")  # 24 November 2025
    patch.delenv("FPM_PDF", raising=False)


@pytest.fixture
def pdf_site(mini_site, monkeypatch):
    """The mini site with the PDF hook, media contacts and a press kit in three languages."""
    pdf_env(monkeypatch, mini_site)
    return with_kit(mini_site)


@pytest.fixture(scope="module")
def kit_built(tmp_path_factory):
    """The press kit site built once from a cold PDF cache: (project, what its PDF stage did)."""
    with pytest.MonkeyPatch.context() as patch:
        project = with_kit(make_mini_site(tmp_path_factory.mktemp("kit")))
        pdf_env(patch, project)
        build(project)
        return project, pdf.last_outcome


@pytest.fixture
def kit_copy(kit_built, tmp_path, monkeypatch):
    """A copy of the built press kit site, its site/ and warm PDF cache included, for a test that
    changes and rebuilds it (the cache's keys do not depend on the project's folder)."""
    project = tmp_path / "kit"
    shutil.copytree(kit_built[0], project, symlinks=True)
    pdf_env(monkeypatch, project)
    return project


KITS = {"fr": "pdf/press-kit-fr.pdf", "en": "en/pdf/press-kit-en.pdf", "es": "es/pdf/press-kit-es.pdf"}


def texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def fonts(reader: PdfReader) -> list[tuple[str, bool]]:
    """(name, embedded) of every font the pages use, in images (SVG logo) too."""
    found = {}

    def visit(resources) -> None:
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            found[str(font["/BaseFont"])] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for xobject in (resources.get("/XObject") or {}).values():
            if "/Resources" in xobject.get_object():
                visit(xobject.get_object()["/Resources"])

    for page in reader.pages:
        visit(page["/Resources"])
    return sorted(found.items())


def missing_glyphs(text: str) -> set[str]:
    """Characters of the text that the shipped font cannot draw. (Each font of the PDF is "FPM Sans",
    the family of overrides/pdf/pdf.css: a glyph it lacked would come from another, system font.)"""
    from fontTools.ttLib import TTFont
    cmap = TTFont(ROOT / "overrides" / "pdf" / "fonts" / "DejaVuSans.ttf")["cmap"].getBestCmap()
    return {c for c in text if not c.isspace() and ord(c) not in cmap}


def uris(reader: PdfReader) -> list[str]:
    return [a.get_object()["/A"]["/URI"] for page in reader.pages for a in page.get("/Annots") or []
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]


def streams(reader: PdfReader) -> bytes:
    """Every stream of the file, decompressed: what an attacker would look for in it."""
    out = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if hasattr(obj, "get_data"):
            out.append(obj.get_data())
    return b"".join(out)


def test_press_kit_pdf_in_each_language_linked_from_its_pages(kit_built):
    project, outcome = kit_built
    site = project / "site"
    assert outcome.documents == 3 and outcome.rendered == 3
    for lang, own, other in (("fr", "Texte français", "English text"), ("en", "English text", "Texte français"),
                             ("es", "Texto español", "English text")):
        path = site / KITS[lang]
        reader = PdfReader(path)
        text = "\n".join(texts(path))
        assert own in text and other not in text
        assert SPECIAL in text  # « » é è ç œ ñ ¿ ¡ … round-trip: every glyph is there, and mapped to its character
        assert "\ufffd" not in text
        assert fonts(reader) and all(embedded and "FPM-Sans" in name for name, embedded in fonts(reader))
        assert not missing_glyphs(text)
        assert str(reader.trailer["/Root"]["/Lang"]) == lang
        prefix = "" if lang == "fr" else f"{lang}/"
        assert f"https://example.org/{prefix}objectives/a1/" in uris(reader)  # links to the website, same language
        page = (site / prefix / "press/kit/index.html").read_text(encoding="utf-8")
        assert f'href="../../pdf/press-kit-{lang}.pdf"' in page
    assert 'href="pdf/press-kit-fr.pdf"' in (site / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in (site / "pdf").iterdir()] == ["press-kit-fr.pdf"]  # not the PDFs' CSS and fonts
    assert "Secretaría Ejecutiva" in "\n".join(texts(site / KITS["es"]))


def test_the_other_documents_get_their_pdf_by_one_line_of_front_matter(kit_copy):
    pdf_site = kit_copy
    guide = "---\ntitle: Guide\npdf: ambassador-guide\npdf_pages: [messages.md, tools.md]\n---\n\nIntro {lang}.\n"
    write_tree(pdf_site, {
        **{f"docs/{lang}/ambassadors/index.md": guide.format(lang=lang) for lang in ("fr", "en", "es")},
        **{f"docs/{lang}/ambassadors/{name}.md": f"---\ntitle: {name.title()} {lang}\n---\n\n## Part {name}\n\nBody {name} {lang}.\n"
           for lang in ("fr", "en", "es") for name in ("messages", "tools")},
        **{f"docs/{lang}/newsletter/issue-1.md": "---\n" + ("number: 1\ndate: 2022-11-16\n" if lang == "fr" else "")
           + f"title: Lettre {lang}\nsummary: En bref.\npdf: newsletter-1\n---\n\n<!-- 4p1000 pdf-link -->\n\n"
           "## Brèves\n\nTexte.\n" for lang in ("fr", "en", "es")},
        "docs/fr/kit/index.md": "---\ntitle: Kit\npdf: communication-kit\n---\n\n## Logo\n\nTexte.\n",
    })
    site = build(pdf_site)
    for lang, prefix, kind in (("fr", "", "LETTRE D'INFORMATION"), ("en", "en/", "NEWSLETTER"), ("es", "es/", "BOLETÍN")):
        guide_text = "\n".join(texts(site / f"{prefix}pdf/ambassador-guide-{lang}.pdf"))
        assert guide_text.index(f"Intro {lang}") < guide_text.index(f"Body messages {lang}") \
            < guide_text.index(f"Body tools {lang}")  # chapters in the declared order
        reader = PdfReader(site / f"{prefix}pdf/ambassador-guide-{lang}.pdf")
        assert [o.title for o in reader.outline if not isinstance(o, list)] == ["Guide"]
        assert f"Messages {lang}" in str(reader.outline) and "Part tools" in str(reader.outline)
        assert kind in texts(site / f"{prefix}pdf/newsletter-1-{lang}.pdf")[0]
        # A page missing in a language is printed in French for that language, as the site shows it.
        assert (site / f"{prefix}pdf/communication-kit-{lang}.pdf").is_file()
    assert pdf.last_outcome.documents == 12


class Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802
        Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def local_server():
    """A web server on the loopback that records what it is asked for; stopped after this file's tests."""
    Recorder.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def hostile_page(pdf_site, server):
    secret = pdf_site / "secret.txt"  # in the project, but outside docs/, data/, overrides/ and the site
    secret.write_text("TOP-SECRET-3f9a1c", encoding="utf-8")
    write_tree(pdf_site, {f"docs/{lang}/press/kit.md": (  # the same in every language, as translations are
        "---\ntitle: Dossier\npdf: press-kit\n---\n\n## Pièces\n\n"
        '<img src="file:///etc/hostname" alt="h">\n\n'
        '<link rel="attachment" href="file:///etc/hostname">\n\n'
        f'<p><a rel="attachment" href="{secret.as_uri()}">secret</a></p>\n\n'
        f'<img src="{server}/tracker.png" alt="t">\n\n'
        '<img src="../../../../secret.txt" alt="escape">\n') for lang in ("fr", "en", "es")})
    return secret


@pytest.fixture(scope="module")
def hostile_built(local_server, tmp_path_factory):
    """The press kit site with a page asking for local files and the web: built in strict mode, which
    fails, then not strict, from the cache the first build filled. (project, PDF warnings of the
    strict build, site and PDF outcome of the other)."""
    from mkdocs.exceptions import Abort

    with pytest.MonkeyPatch.context() as patch:
        project = with_kit(make_mini_site(tmp_path_factory.mktemp("hostile")))
        pdf_env(patch, project)
        hostile_page(project, local_server)
        with logged(logging.WARNING) as records, pytest.raises(Abort, match="warnings in strict mode"):
            build(project, strict=True)
        warnings = [r.getMessage() for r in records if r.levelname == "WARNING" and r.name.endswith("pdf")]
        site = build(project, strict=False)
        return project, warnings, site, pdf.last_outcome


def test_the_fetcher_refuses_local_files_and_the_web_and_the_build_names_the_page(hostile_built, local_server):
    pdf_site, warnings, _site, _outcome = hostile_built
    for lang in ("fr", "en", "es"):
        for url in ("file:///etc/hostname", f"{local_server}/tracker.png", (pdf_site / "secret.txt").as_uri()):
            assert any(w.startswith(f"docs/{lang}/press/kit.md: {url} is left out of press-kit-{lang}.pdf: a PDF "
                                    "reads only the files of docs/, data/, overrides/ and the built site")
                       for w in warnings), (lang, url)
    # One warning per URL: in en and es the ../ escape is the secret file again; from fr's shallower
    # folder it climbs one level higher, another refused URL.
    assert len(warnings) == 10


def test_refused_files_are_not_in_the_pdf(hostile_built):
    pdf_site, _warnings, site, outcome = hostile_built
    secret = pdf_site / "secret.txt"
    reader = PdfReader(site / KITS["fr"])
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in str(reader.trailer["/Root"].get("/Names", {}))
    assert not [a for page in reader.pages for a in page.get("/Annots") or []
                if a.get_object().get("/Subtype") == "/FileAttachment"]
    assert not [x for page in reader.pages for x in (page["/Resources"].get("/XObject") or {}).values()
                if x.get_object().get("/Subtype") == "/Image"]
    data = site.joinpath(KITS["fr"]).read_bytes() + streams(reader)
    assert secret.read_bytes() not in data and Path("/etc/hostname").read_bytes().strip() not in streams(reader)
    assert Recorder.requests == []  # the web server was never asked
    # A cached PDF with refusals is reported again: a strict build cannot pass because the cache is warm
    # (the strict build, which failed, rendered them; this build took them from the cache).
    assert outcome.cached == 3 and len(outcome.refused) == 10


def test_a_build_where_nothing_changed_renders_no_pdf_and_leaves_identical_files(kit_built, kit_copy):
    pdf_site, cold = kit_copy, kit_built[1]  # the copy: the cold build's site and cache
    site = pdf_site / "site"
    first = {lang: (site / path).read_bytes() for lang, path in KITS.items()}
    assert (cold.rendered, cold.cached, cold.workers) == (3, 0, min(3, os.cpu_count()))  # one worker per core
    site = build(pdf_site)
    warm = pdf.last_outcome
    assert (warm.rendered, warm.cached) == (0, 3)
    assert warm.seconds < 0.05 * cold.seconds
    assert {lang: (site / path).read_bytes() for lang, path in KITS.items()} == first

    write_tree(pdf_site, {"docs/en/press/kit.md": KIT["docs/en/press/kit.md"].replace("English text", "New text")})
    site = build(pdf_site)
    assert (pdf.last_outcome.rendered, pdf.last_outcome.cached) == (1, 2)
    second = {lang: (site / path).read_bytes() for lang, path in KITS.items()}
    assert second["en"] != first["en"] and second["fr"] == first["fr"] and second["es"] == first["es"]

    # Reproducible: rendered again from scratch, the PDFs are the same bytes.
    for entry in (pdf_site / ".cache" / "pdf").iterdir():
        entry.unlink()
    site = build(pdf_site)
    assert pdf.last_outcome.rendered == 3
    assert {lang: (site / path).read_bytes() for lang, path in KITS.items()} == second


def test_data_and_templates_feed_the_cache_key(kit_copy):
    pdf_site = kit_copy  # built once: its cache holds the three PDFs
    labels = pdf_site / "data" / "labels.yml"
    labels.write_text(labels.read_text(encoding="utf-8").replace('es: "Sitio web"', 'es: "Web"')
                       .replace('es: "Índice"', 'es: "Sumario"'), encoding="utf-8")
    site = build(pdf_site)
    assert pdf.last_outcome.rendered == 1  # only the Spanish PDF shows the changed label
    assert "Sumario" in texts(site / KITS["es"])[1]
    css = pdf_site / "overrides" / "pdf" / "pdf.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nh2 { color: #000; }\n", encoding="utf-8")
    build(pdf_site)
    assert pdf.last_outcome.rendered == 3


def test_live_preview_renders_pdfs_only_when_asked(kit_copy, monkeypatch, caplog):
    pdf_site = kit_copy
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    def serve_build(dirty: bool = False) -> list[str]:
        # What `mkdocs serve --dirty` does: on_startup(command="serve"), a build per change, on_shutdown.
        config = load_config(str(pdf_site / "mkdocs.yml"), site_dir=str(pdf_site / "preview"))
        config.plugins.on_startup(command="serve", dirty=dirty)
        try:
            mkdocs_build(config, serve_url="http://127.0.0.1:8000/", dirty=dirty)
        finally:
            config.plugins.on_shutdown()
        return sorted(p.name for p in (pdf_site / "preview").rglob("*.pdf"))

    caplog.set_level(logging.INFO, logger="mkdocs")
    assert serve_build() == []
    assert "PDFs are not rendered in the live preview (FPM_PDF=1 renders them)" in caplog.text
    monkeypatch.setenv("FPM_PDF", "1")
    kits = ["press-kit-en.pdf", "press-kit-es.pdf", "press-kit-fr.pdf"]
    assert serve_build() == kits
    # An edit rebuilds only the edited page: the PDFs still get the pages the preview did not rebuild.
    write_tree(pdf_site, {"docs/fr/index.md": KIT["docs/fr/index.md"] + "\nModifié.\n"})
    (pdf_site / "preview" / "pdf" / "press-kit-fr.pdf").unlink()
    assert serve_build(dirty=True) == kits
    assert "Texte français" in "\n".join(texts(pdf_site / "preview" / "pdf" / "press-kit-fr.pdf"))
    monkeypatch.setenv("FPM_PDF", "0")  # the benchmark's build without PDFs
    assert not list(build(pdf_site).rglob("*.pdf"))
    monkeypatch.delenv("FPM_PDF")
    assert sorted(p.name for p in build(pdf_site).rglob("*.pdf")) == kits


BAD_INPUT = [
    ({"docs/fr/press/kit.md": "---\ntitle: D\npdf: press-kit\npdf_pages: [gone.md]\n---\n"},
     "docs/fr/press/kit.md, field 'pdf_pages': \"gone.md\" does not exist"),
    ({"docs/fr/press/kit.md": "---\ntitle: [D\npdf: press-kit\n---\n"}, "docs/fr/press/kit.md, line 2: is not valid YAML"),
    ({"docs/es/index.md": "x\n\n<!-- 4p1000 pdf-link name=press-kits -->\n"},
     'docs/es/index.md, line 3: "press-kits" is not the PDF of any page (did you mean press-kit?)'),
]


@pytest.mark.parametrize("changes, message", BAD_INPUT[1:])
def test_bad_input_stops_the_build_with_one_clear_line(pdf_site, changes, message, caplog):
    """In process (the command line is checked once, below)."""
    write_tree(pdf_site, changes)
    assert message in build_error_in_process(pdf_site, caplog)
    assert not list((pdf_site / "site").rglob("*.pdf")) if (pdf_site / "site").exists() else True


@pytest.mark.parametrize("changes, message", BAD_INPUT[:1])
def test_bad_input_on_the_command_line_exits_with_one_clear_line(pdf_site, changes, message):
    write_tree(pdf_site, changes)
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q"], cwd=pdf_site,
                            capture_output=True, text=True,
                            env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
                                 "FPM_PDF_CACHE": str(pdf_site / ".cache" / "pdf")})
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not list((pdf_site / "site").rglob("*.pdf")) if (pdf_site / "site").exists() else True


def test_without_pango_the_build_fails_naming_the_debian_packages(pdf_site):
    fake = pdf_site / "fake" / "weasyprint"  # a WeasyPrint that cannot load Pango, as on a bare machine
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise OSError(\"cannot load library 'libpango-1.0-0'\")\n")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=pdf_site, capture_output=True,
                            text=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
                                            "PYTHONPATH": str(pdf_site / "fake"),
                                            "FPM_PDF_CACHE": str(pdf_site / ".cache" / "pdf")})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "WeasyPrint cannot load its system libraries (OSError: cannot load library 'libpango-1.0-0')" in result.stderr
    assert "Install the Debian packages libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" in result.stderr
