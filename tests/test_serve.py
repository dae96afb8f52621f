"""Live preview: `mkdocs serve` as `make serve` runs it picks up an edit and rebuilds the page."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

from conftest import write_tree


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return None


def test_live_preview_picks_up_an_edit(mini_site):
    port = free_port()
    env = {**os.environ, "FPM_LANG": "fr", "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
                              cwd=mini_site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/objectives/a1/"
        first = wait_for(lambda: fetch(url), 60)
        assert first and "fpm-summary" in first and "Marqueur-7731" not in first
        time.sleep(1.1)  # a new modification time, whatever the file system's resolution
        write_tree(mini_site, {"docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: CDN\n---\n\nMarqueur-7731 [B1].\n"})
        started = time.monotonic()
        after = wait_for(lambda: (page := fetch(url)) and "Marqueur-7731" in page and page, 30)
        assert after, "the edit never reached the served page"
        assert 'title="Plans d&#39;investissements">B1</a>' in after  # hooks ran on the rebuild
        assert time.monotonic() - started < 30
    finally:
        server.terminate()
        server.wait(10)
