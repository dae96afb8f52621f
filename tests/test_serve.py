"""Live preview: the README's own command, `make serve`, on a copy of the real project.

It starts in strict mode, and an edit under docs/, data/ and overrides/ reaches the served page within
a few seconds. With `make serve lang=en` (and es), every link a page gives resolves, PDFs and calendar
files included (FPM_PDF=1: the preview renders PDFs only when asked).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from conftest import ROOT
from quality.links import parse

EDIT_SECONDS = 20  # a clean rebuild of one language takes about 6 s on two busy cores
PROJECT_FILES = ("mkdocs.yml", "Makefile", "requirements.txt", "system-packages.txt", "package.json",
                 "package-lock.json")
PROJECT_DIRS = ("docs", "data", "overrides", "hooks", "tools")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes] | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""
    except OSError:
        return None


def text_of(url: str) -> str | None:
    got = fetch(url)
    return got[1].decode("utf-8") if got and got[0] == 200 else None


def wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.25)
    return None


def copy_project(target: Path) -> Path:
    """The real project without its build outputs; .venv and node_modules shared (copy2 keeps the
    modification times, so make sees them up to date)."""
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"), copy_function=shutil.copy2)
    (target / ".venv").symlink_to(ROOT / ".venv")
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


class Preview:
    def __init__(self, project: Path, *args: str, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process = subprocess.Popen(["make", "serve", f"port={self.port}", *args], cwd=project,
                                        env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def started(self, timeout: float = 90) -> str:
        page = wait_for(lambda: self.process.poll() is None and text_of(self.url), timeout)
        if page is None:
            self.stop()
            pytest.fail(f"`make serve` did not serve {self.url}:\n{self.output()}")
        return page

    def output(self) -> str:
        return self.process.stdout.read() if self.process.poll() is not None else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(15)


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


def edit(path: Path, old: str, new: str) -> None:
    time.sleep(1.1)  # a new modification time, whatever the file system's resolution
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: no {old!r} to edit"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.processes
def test_make_serve_starts_and_sees_edits_of_docs_data_and_overrides(project):
    preview = Preview(project)
    try:
        preview.started()
        page = preview.url + "objectives/a1/"
        assert "fpm-summary" in (text_of(page) or "")
        checks = [
            (project / "docs/fr/objectives/a1.md", "\n---\n", "\n---\n\nMarqueur-docs-7731\n\n", "Marqueur-docs-7731"),
            (project / "data/labels.yml", "fr: ", "fr: Marqueur-data-7732 ", "Marqueur-data-7732"),
            (project / "overrides/main.html", "{% block content %}", "{% block content %}<p>Marqueur-overrides-7733</p>",
             "Marqueur-overrides-7733"),
        ]
        for path, old, new, marker in checks:
            edit(path, old, new)
            started = time.monotonic()
            seen = wait_for(lambda: marker in (text_of(page) or ""), EDIT_SECONDS)
            assert seen, f"an edit of {path.relative_to(project)} did not reach {page} in {EDIT_SECONDS} s"
            assert time.monotonic() - started < EDIT_SECONDS
    finally:
        preview.stop()


def _internal_links(base: str, html_text: str) -> set[str]:
    found = set()
    for _tag, raw in parse(html_text).links:
        if not raw or raw.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urljoin(base, raw).split("#", 1)[0]
        if urlsplit(url).netloc == urlsplit(base).netloc:
            found.add(url)
    return found


@pytest.mark.quality
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_link_of_a_one_language_preview_resolves(project, lang):
    preview = Preview(project, f"lang={lang}", env={"FPM_PDF": "1"})
    try:
        preview.started(timeout=150)
        todo, seen, broken = [preview.url], set(), []
        while todo:
            url = todo.pop()
            if url in seen:
                continue
            seen.add(url)
            got = fetch(url)
            if not got or got[0] != 200:
                broken.append(url)
                continue
            if re.search(r"(/|\.html)$", urlsplit(url).path):
                todo.extend(_internal_links(url, got[1].decode("utf-8", "replace")) - seen)
        assert any(u.endswith(".pdf") for u in seen) and any(u.endswith(".ics") for u in seen)
        assert not broken, f"{len(broken)} links of `make serve lang={lang}` do not resolve: {sorted(broken)[:10]}"
    finally:
        preview.stop()
