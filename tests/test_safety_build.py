"""Safe outputs of a whole build: nothing from outside the project, a site a web server can read, a PDF
cache that checks what it serves, no process left behind, and no link to a PDF that was not built."""
from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, build, write_tree
from fourpm import pdf
from fourpm.pdf import render as pdf_render
from fourpm.symlinks import check_links
from test_pdf_build import KIT, KITS, pdf_site  # noqa: F401 - the small site with a press kit in 3 languages


@pytest.fixture(scope="module")
def warm_pdf_project(tmp_path_factory) -> Path:
    """A pdf_site built once, cache included, for the tests that start from a built site."""
    import shutil

    from conftest import make_mini_site
    from test_pdf_build import CONTACTS

    project = make_mini_site(tmp_path_factory.mktemp("warm"))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("\nextra:\n", "\nextra:\n" + CONTACTS, 1), encoding="utf-8")
    write_tree(project, KIT)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FPM_PDF_CACHE", str(project / ".cache" / "pdf"))
        env.setenv("SOURCE_DATE_EPOCH", "1764000000")
        env.delenv("FPM_PDF", raising=False)
        build(project)
    return project


@pytest.fixture
def built_pdf_site(pdf_site, warm_pdf_project) -> Path:  # noqa: F811
    """pdf_site as a first build left it: its site and its PDF cache (a copy of warm_pdf_project's)."""
    import shutil

    for folder in ("site", ".cache"):
        shutil.copytree(warm_pdf_project / folder, pdf_site / folder, dirs_exist_ok=True)
    return pdf_site


def tools_build(project: Path, *args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """python -m tools.build on project, as `make site` runs it, with umask 022."""
    return subprocess.run([sys.executable, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"),
                           "--site-dir", str(project / "site"), *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, preexec_fn=lambda: os.umask(0o022), **kwargs)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    return result.stderr


# -- symbolic links ------------------------------------------------------------------------------------
@pytest.mark.parametrize("link, target", [
    ("docs/fr/press/passwd.txt", "file"),  # a file: /etc/passwd would be published
    ("docs/en/outside", "folder"),  # a folder: all of it would be published
    ("overrides/pdf/logo.svg", "file"),
    ("data/extra", "folder"),
])
def test_a_link_outside_the_project_stops_the_build_and_names_itself(mini_site, tmp_path_factory, link, target):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    path = mini_site / link
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(outside / "secret.txt" if target == "file" else outside)
    result = tools_build(mini_site, env={"FPM_PDF": "0"})
    error = one_line_error(result)
    assert f"{link}: is a symbolic link to {outside}" in error and "outside the project" in error
    assert "copy the file into the project, or remove the link" in error
    assert not (mini_site / "site").exists()


def test_an_image_linked_from_outside_never_reaches_a_pdf(pdf_site, tmp_path_factory):  # noqa: F811
    outside = tmp_path_factory.mktemp("outside")
    (outside / "logo.png").write_bytes(b"\x89PNG secret")
    (pdf_site / "docs" / "fr" / "press" / "logo.png").symlink_to(outside / "logo.png")
    write_tree(pdf_site, {"docs/fr/press/kit.md": KIT["docs/fr/press/kit.md"] + '\n<img src="../logo.png" alt="">\n'})
    error = one_line_error(tools_build(pdf_site))
    assert "docs/fr/press/logo.png: is a symbolic link to" in error
    assert not (pdf_site / "site").exists()


def test_a_link_inside_the_project_is_fine(mini_site):
    (mini_site / "shared").mkdir()
    (mini_site / "shared" / "note.txt").write_text("shared", encoding="utf-8")
    (mini_site / "docs" / "fr" / "note.txt").symlink_to(mini_site / "shared" / "note.txt")
    (mini_site / "docs" / "en" / "again").symlink_to(mini_site / "docs" / "en")  # a loop: walked once
    check_links(mini_site)
    (mini_site / "shared" / "away").symlink_to("/etc")  # behind an inner link: still found
    (mini_site / "docs" / "es" / "shared").symlink_to(mini_site / "shared")
    with pytest.raises(Exception, match="docs/es/shared/away: is a symbolic link to /etc"):
        check_links(mini_site)


# -- modes -------------------------------------------------------------------------------------------
@pytest.mark.processes
def test_a_web_server_can_read_the_site_pdfs_included(pdf_site):  # noqa: F811
    result = tools_build(pdf_site)
    assert result.returncode == 0, result.stderr
    site = pdf_site / "site"
    modes = {p.relative_to(site).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [site, *site.rglob("*")]}
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert {m for p, m in modes.items() if (site / p).is_dir()} == {0o755}
    assert {m for p, m in modes.items() if (site / p).is_file()} == {0o644}
    assert all((site / path).is_file() for path in KITS.values())


# -- the PDF cache checks what it serves ---------------------------------------------------------------
def entries(project: Path, suffix: str) -> list[Path]:
    return sorted((project / ".cache" / "pdf").glob(f"press-kit-*.{suffix}"))


def test_a_truncated_cached_pdf_is_rendered_again(built_pdf_site):
    pdf_site, site = built_pdf_site, built_pdf_site / "site"
    good = (site / KITS["fr"]).read_bytes()
    cached = next(p for p in entries(pdf_site, "pdf") if p.name.startswith("press-kit-fr."))
    cached.write_bytes(good[:1000])
    site = build(pdf_site)
    assert (pdf.last_outcome.rendered, pdf.last_outcome.cached) == (1, 2)
    assert (site / KITS["fr"]).read_bytes() == good
    assert len(PdfReader(site / KITS["fr"]).pages) >= 1


# Five ways a record goes bad, spread over the three press kits' records: two builds see them all.
@pytest.mark.parametrize("records", [("{not json", "[]", '{"pages": 1}'),
                                     ('{"pages": "x", "refused": [], "sha256": "0", "files": {}}', "", "[]")])
def test_a_corrupt_record_is_rendered_again_without_a_traceback(built_pdf_site, records):
    pdf_site = built_pdf_site
    metas = entries(pdf_site, "json")
    assert len(metas) == len(records) == 3
    for meta, record in zip(metas, records):
        meta.write_text(record, encoding="utf-8")
    site = build(pdf_site)
    assert (pdf.last_outcome.rendered, pdf.last_outcome.cached) == (3, 0)
    assert all(json.loads(meta.read_text())["sha256"] for meta in entries(pdf_site, "json"))
    assert all((site / path).read_bytes().startswith(b"%PDF-") for path in KITS.values())


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="{}"/></svg>'


def test_an_image_swapped_behind_css_or_an_svg_renders_the_pdf_again(pdf_site):  # noqa: F811
    """Images that the HTML does not name (a CSS url(), an SVG <image>) are in the entry's record."""
    write_tree(pdf_site, {
        "docs/fr/press/band.svg": SVG.format("#ff0000"),
        "docs/fr/press/inner.svg": SVG.format("#00ff00"),
        "docs/fr/press/frame.svg": '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                                   'width="40" height="20"><image href="inner.svg" width="40" height="20"/></svg>',
        # An inline style's url() is resolved against the PDF's base, the site's root.
        "docs/fr/press/kit.md": KIT["docs/fr/press/kit.md"]
        + '\n<div style="height:2cm;background:url(press/band.svg)"></div>\n\n<img src="../frame.svg" alt="">\n',
    })
    site = build(pdf_site)
    record = json.loads(next(p for p in entries(pdf_site, "json") if p.name.startswith("press-kit-fr.")).read_text())
    assert {"site/press/band.svg", "site/press/frame.svg", "site/press/inner.svg"} <= set(record["files"])
    first = (site / KITS["fr"]).read_bytes()
    build(pdf_site)
    assert (pdf.last_outcome.rendered, pdf.last_outcome.cached) == (0, 3)
    for image in ("band.svg", "inner.svg"):  # the HTML stays the same: only the record sees the change
        write_tree(pdf_site, {f"docs/fr/press/{image}": SVG.format("#0000ff")})
        site = build(pdf_site)
        assert (pdf.last_outcome.rendered, pdf.last_outcome.cached) == (1, 2), image
        assert (site / KITS["fr"]).read_bytes() != first
        first = (site / KITS["fr"]).read_bytes()


def test_an_oversized_or_special_file_is_refused_unread(pdf_site, caplog):  # noqa: F811
    big = pdf_site / "data" / "big.img"
    with open(big, "wb") as f:
        f.truncate(6 * 1024 ** 3)  # 6 GB, sparse: costs no disk, would cost 6 GB of memory if read
    images = ('<img src="../../../../../../../../../proc/self/pagemap" alt="">\n\n'
              '<img src="../../../data/big.img" alt="">\n')
    write_tree(pdf_site, {f"docs/{lang}/press/kit.md": KIT[f"docs/{lang}/press/kit.md"] + "\n" + images
                          for lang in ("fr", "en", "es")})
    caplog.set_level(logging.WARNING)
    site = build(pdf_site, strict=False)
    refused = [url for _job, url in pdf.last_outcome.refused]
    assert any(url.endswith("/proc/self/pagemap") for url in refused)
    assert any(url.endswith("/data/big.img") for url in refused)
    assert all((site / path).is_file() for path in KITS.values())
    assert pdf.last_outcome.errors == []


# -- processes end with the build ----------------------------------------------------------------------
def slow_pdfs(project: Path, parts: int = 60) -> None:
    """Press kits long enough for the PDF stage to last a few seconds."""
    body = "\n\n".join(f"## Partie {n}\n\n" + "Texte du dossier, assez long pour remplir des pages. " * 60
                       for n in range(parts))
    write_tree(project, {f"docs/{lang}/press/kit.md": KIT[f"docs/{lang}/press/kit.md"] + "\n" + body
                         for lang in ("fr", "en", "es")})


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False


def start_build(project: Path) -> subprocess.Popen:
    """tools.build in its own session (its process group is its pid), like `make site` in a terminal."""
    return subprocess.Popen([sys.executable, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"),
                             "--site-dir", str(project / "site")], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "FPM_PDF_CACHE": str(project / ".cache" / "pdf")})


def freeze_pdf_stage(project: Path, process: subprocess.Popen) -> list[int]:
    """Wait for the PDF stage, then stop its workers (SIGSTOP) mid-render, so that the stage cannot end
    before the test acts, however fast the machine; returns the stopped workers (SIGCONT resumes them)."""
    deadline = time.monotonic() + 120
    while not (list((project / ".cache" / "pdf").glob("jobs-*/*.in.json")) and (workers := pdf_workers_of(process.pid))):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the PDF stage never started"
        time.sleep(0.01)
    stopped = []
    for pid in map(int, workers):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
    assert stopped and process.poll() is None, "the PDF stage ended before the test could act"
    return stopped


def resume(pids: list[int]) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)


def group_ends(pgid: int, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.processes
def test_killing_the_build_in_the_pdf_stage_leaves_no_process_and_the_next_build_cleans_up(pdf_site):  # noqa: F811
    slow_pdfs(pdf_site)
    process = start_build(pdf_site)
    workers = freeze_pdf_stage(pdf_site, process)
    assert list(pdf_site.glob(".site.build-*")) and list((pdf_site / ".cache" / "pdf").glob("jobs-*"))
    os.kill(process.pid, signal.SIGKILL)
    resume(workers)  # mid-render, their parent's death signal pending
    process.wait()
    try:
        assert group_ends(process.pid), "processes of the killed build are still running"
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert list(pdf_site.glob(".site.build-*"))  # what the killed build left...
    write_tree(pdf_site, KIT)  # the short press kits again: the next build need not render long ones
    result = tools_build(pdf_site, env={"FPM_PDF_CACHE": str(pdf_site / ".cache" / "pdf")})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert not list(pdf_site.glob(".site.build-*"))  # ...is gone after the next one
    assert not list((pdf_site / ".cache" / "pdf").glob("jobs-*"))
    assert not list((pdf_site / ".cache" / "pdf").glob(".*"))
    assert all((pdf_site / "site" / path).is_file() for path in KITS.values())


@pytest.mark.processes
@pytest.mark.parametrize("hammered", [False, True])  # pressed again and again: later presses land in the cleanup
def test_ctrl_c_in_the_pdf_stage_stops_everything_quietly(pdf_site, hammered):  # noqa: F811
    slow_pdfs(pdf_site)
    write_tree(pdf_site, {"site/index.html": "the previous site"})
    process = start_build(pdf_site)
    workers = freeze_pdf_stage(pdf_site, process)
    os.killpg(process.pid, signal.SIGINT)  # what the terminal sends to the whole foreground group
    resume(workers)  # mid-render, the SIGINT pending
    while hammered and process.poll() is None and group_alive(process.pid):
        time.sleep(0.01)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
    try:
        _out, err = process.communicate(timeout=20)
        assert group_ends(process.pid)
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.count("Build interrupted") == 1, err
    assert err.splitlines()[-1] == "Build interrupted. The previous site was left unchanged."
    assert not list(pdf_site.glob(".site.build-*"))
    assert not list((pdf_site / ".cache" / "pdf").glob("jobs-*"))
    assert [p.name for p in (pdf_site / "site").iterdir()] == ["index.html"]
    assert (pdf_site / "site" / "index.html").read_text(encoding="utf-8") == "the previous site"


@pytest.mark.processes
def test_a_language_process_killed_mid_build_fails_the_build_in_one_line(pdf_site):  # noqa: F811
    """The out-of-memory killer, say: the build ends and says which language, instead of waiting forever."""
    write_tree(pdf_site, {"site/index.html": "the previous site"})
    process = start_build(pdf_site)
    deadline = time.monotonic() + 60
    while len(children := [pid for pid, command in processes_of(process.pid) if b"tools.build" in command]) < 3:
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    os.kill(int(children[0]), signal.SIGKILL)
    try:
        _out, err = process.communicate(timeout=60)
    finally:
        if group_alive(process.pid):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 1 and "Traceback" not in err, err
    assert re.fullmatch(r"Build failed: the process building (fr|en|es) ended before it finished \(killed by signal 9: "
                        r"out of memory\?\); build again\. The previous site was left unchanged\.", err.splitlines()[-1])
    assert (pdf_site / "site" / "index.html").read_text(encoding="utf-8") == "the previous site"
    assert not list(pdf_site.glob(".site.build-*"))


def processes_of(parent: int) -> list[tuple[str, bytes]]:
    """(pid, command line) of the running children of parent."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if re.search(r"\nPPid:\t(\d+)\n", (proc / "status").read_text()).group(1) == str(parent):
                found.append((proc.name, (proc / "cmdline").read_bytes()))
        except (OSError, AttributeError):
            continue
    return found


def pdf_workers_of(build: int) -> list[str]:
    """The PDF workers running now that descend from the build process (through its language
    processes or not); the workers' own short-lived forks and other builds on the machine aside."""
    parents, commands = {}, {}
    for proc in Path("/proc").iterdir():
        try:
            parents[proc.name] = re.search(r"\nPPid:\t(\d+)\n", (proc / "status").read_text()).group(1)
            commands[proc.name] = (proc / "cmdline").read_bytes()
        except (OSError, AttributeError):
            continue

    def worker(pid: str) -> bool:
        return b"fourpm.pdf.worker" in commands.get(pid, b"")

    def descends(pid: str) -> bool:
        while pid in parents and pid not in ("0", "1"):
            pid = parents[pid]
            if pid == str(build):
                return True
        return False

    return [pid for pid in parents if worker(pid) and not worker(parents[pid]) and descends(pid)]


@pytest.mark.processes
def test_the_parallel_build_has_one_budget_of_pdf_workers(pdf_site, monkeypatch):  # noqa: F811
    """Three language processes, one budget: never more PDF workers at once than FPM_PDF_WORKERS (each
    language process started its own, one per core: three times too many)."""
    import threading

    from tools.build import build_site

    slow_pdfs(pdf_site, parts=5)  # nine PDFs of a few pages: the languages' PDF stages overlap
    kit = (pdf_site / "docs" / "fr" / "press" / "kit.md").read_text(encoding="utf-8")
    write_tree(pdf_site, {f"docs/{lang}/guide-{n}.md": kit.replace("pdf: press-kit", f"pdf: guide-{n}")
                          .replace("<!-- 4p1000 pdf-link -->", "").replace("<!-- 4p1000 media-contacts -->", "")
                          for lang in ("fr", "en", "es") for n in (1, 2)})  # three long PDFs per language
    monkeypatch.setenv("FPM_PDF_WORKERS", "1")
    pdf_render.stop_workers()  # those an earlier test's builds left to this process: this build's are counted
    seen, done = [], threading.Event()

    def sample():
        while not done.is_set():
            seen.append(pdf_workers_of(os.getpid()))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        build_site(pdf_site / "site", pdf_site / "mkdocs.yml")
    finally:
        done.set()
        sampler.join()
    assert max(len(x) for x in seen) == 1, [x for x in seen if len(x) > 1]
    assert (pdf.last_outcome.documents, pdf.last_outcome.rendered) == (9, 9)


@pytest.mark.processes
def test_two_concurrent_builds_share_the_cache_safely(pdf_site):  # noqa: F811
    env = {"FPM_PDF_CACHE": str(pdf_site / ".cache" / "pdf")}
    first = subprocess.Popen([sys.executable, "-m", "tools.build", "--config-file", str(pdf_site / "mkdocs.yml"),
                              "--site-dir", str(pdf_site / "one")], cwd=ROOT, env={**os.environ, **env},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.run([sys.executable, "-m", "tools.build", "--config-file", str(pdf_site / "mkdocs.yml"),
                             "--site-dir", str(pdf_site / "two")], cwd=ROOT, env={**os.environ, **env},
                            capture_output=True, text=True)
    _out, err = first.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, err + second.stderr
    for path in KITS.values():
        assert (pdf_site / "one" / path).read_bytes() == (pdf_site / "two" / path).read_bytes()
    assert not list((pdf_site / ".cache" / "pdf").glob("jobs-*"))


# -- a build without PDFs links to none ----------------------------------------------------------------
def test_a_build_without_pdfs_says_so_and_links_to_none(pdf_site, caplog, monkeypatch):  # noqa: F811
    monkeypatch.setenv("FPM_PDF", "0")
    caplog.set_level(logging.INFO)
    site = build(pdf_site)
    assert any("PDFs are not rendered (FPM_PDF=0)" in r.getMessage() for r in caplog.records)
    assert not list(site.rglob("*.pdf"))
    for lang, prefix in (("fr", ""), ("en", "en/"), ("es", "es/")):
        page = (site / prefix / "press" / "kit" / "index.html").read_text(encoding="utf-8")
        assert ".pdf\"" not in page
        assert {"fr": "pas produite dans cet aperçu", "en": "not built in this preview",
                "es": "no se genera en esta vista previa"}[lang] in page


def test_a_dead_link_to_a_pdf_fails_a_strict_build(pdf_site, monkeypatch):  # noqa: F811
    from mkdocs.exceptions import Abort

    monkeypatch.setenv("FPM_PDF", "0")
    write_tree(pdf_site, {"docs/fr/index.md": "---\ntitle: Accueil\n---\n\n"
                                              '<a href="pdf/press-kit-fr.pdf">Le dossier</a>\n'})
    with pytest.raises(Abort, match="in strict mode"):
        build(pdf_site, strict=True)
    result = tools_build(pdf_site, env={"FPM_PDF": "0"})
    error = one_line_error(result)
    assert "index.html links to pdf/press-kit-fr.pdf, a PDF this build did not make" in error
    assert "in strict mode" in error
    monkeypatch.delenv("FPM_PDF")
    build(pdf_site, strict=True)  # with the PDFs, the link resolves


def test_dead_pdf_links_are_found_relative_and_absolute(tmp_path):
    write_tree(tmp_path, {"pdf/a-fr.pdf": "%PDF", "x/index.html": '<a href="../pdf/a-fr.pdf">a</a>'
                          '<a href="../pdf/b-fr.pdf#p2">b</a><a href="/pdf/a-fr.pdf">c</a><a href="/pdf/c.pdf">d</a>'
                          '<a href="https://example.org/x.pdf">e</a>'})
    assert pdf_render.dead_pdf_links(tmp_path) == [("x/index.html", "../pdf/b-fr.pdf"), ("x/index.html", "/pdf/c.pdf")]
