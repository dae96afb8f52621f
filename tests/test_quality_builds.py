"""Reproducible and atomic builds: two builds of the same commit make the same bytes (PDFs included),
"today" is the one build date, and a build that fails or is killed leaves the previous site/ as it was."""
from __future__ import annotations

import datetime as dt
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, write_tree
from fourpm.core.dates import build_date

# What a build reads is the project minus what it writes or caches (and the tools' own folders).
NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "node_modules", "site", ".site.*", ".cache", ".pytest_cache",
                                     ".hypothesis", "__pycache__", "bench")


def files_of(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def first_difference(a: bytes, b: bytes) -> str:
    index = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"at byte {index}: {a[max(0, index - 40):index + 40]!r} / {b[max(0, index - 40):index + 40]!r}"


@pytest.mark.processes
def test_two_builds_of_the_same_commit_make_identical_files(real_site, tmp_path):
    """The second build runs elsewhere (another folder, no PDF cache), later, in another process with
    another hash seed, time zone and locale: only the commit (through SOURCE_DATE_EPOCH) is shared."""
    project = tmp_path / "clone"
    shutil.copytree(ROOT, project, ignore=NOT_SOURCES, symlinks=True)
    (project / "node_modules").symlink_to(ROOT / "node_modules")
    env = {**os.environ, "PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8",
           "SOURCE_DATE_EPOCH": os.environ["SOURCE_DATE_EPOCH"], "FPM_PDF_CACHE": str(tmp_path / "pdf-cache")}
    result = subprocess.run([sys.executable, "-m", "tools.build", "--site-dir", str(tmp_path / "site")],
                            cwd=project, env=env, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    first, second = files_of(real_site), files_of(tmp_path / "site")
    assert sorted(first) == sorted(second)
    differ = {name: first_difference(first[name], second[name]) for name in first if first[name] != second[name]}
    assert differ == {}
    assert any(name.endswith(".pdf") for name in first), "the PDFs are part of the comparison"


def test_everything_that_says_today_says_the_build_date(real_site):
    """SOURCE_DATE_EPOCH (else the last commit) is the one "now": sitemap dates and the gzip header."""
    epoch = int(os.environ["SOURCE_DATE_EPOCH"])  # set by the real_site build from the last commit
    assert build_date(ROOT) == dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc).date()
    sitemap = (real_site / "sitemap.xml").read_text(encoding="utf-8")
    assert set(re.findall(r"<lastmod>([^<]+)</lastmod>", sitemap)) == {build_date(ROOT).isoformat()}
    compressed = (real_site / "sitemap.xml.gz").read_bytes()
    gzip_time = int.from_bytes(compressed[4:8], "little")
    assert dt.datetime.fromtimestamp(gzip_time, tz=dt.timezone.utc).date() == build_date(ROOT)
    assert gzip.decompress(compressed).decode("utf-8") == sitemap


# -- atomic builds ---------------------------------------------------------------------------------------

def build_command(project: Path) -> list[str]:
    return [sys.executable, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"),
            "--site-dir", str(project / "site")]


@pytest.mark.processes
def test_a_build_failing_in_one_language_only_leaves_the_previous_site_as_it_was(mini_site):
    """The Spanish worker fails (an unknown block), French and English succeed: nothing is swapped in."""
    assert subprocess.run(build_command(mini_site), cwd=ROOT, capture_output=True).returncode == 0
    before = files_of(mini_site / "site")
    write_tree(mini_site, {"docs/fr/index.md": "---\ntitle: Accueil modifié\n---\n\nTexte.\n",
                           "docs/es/index.md": "---\ntitle: Inicio\n---\n\n<!-- 4p1000 facilites -->\n"})
    result = subprocess.run(build_command(mini_site), cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert 'docs/es/index.md, line 5: "facilites" is not a generated block' in result.stderr
    assert "Traceback" not in result.stderr
    assert files_of(mini_site / "site") == before
    assert [p.name for p in mini_site.iterdir() if p.name.startswith(".site") or p.name.startswith("site-")] == []


SLOW_HOOK = '''import time
from pathlib import Path


def on_post_build(config):  # the build is stopped here, half done
    Path(config.site_dir, "..", "build-is-slow").resolve().touch()
    time.sleep(120)
'''


@pytest.mark.processes
def test_a_build_killed_midway_leaves_the_previous_site_as_it_was(mini_site):
    assert subprocess.run(build_command(mini_site), cwd=ROOT, capture_output=True).returncode == 0
    before = files_of(mini_site / "site")
    write_tree(mini_site, {"docs/fr/index.md": "---\ntitle: Accueil modifié\n---\n\nTexte.\n",
                           "hooks/slow.py": SLOW_HOOK})
    config = mini_site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - hooks/main.py\n", "  - hooks/main.py\n  - hooks/slow.py\n"),
                      encoding="utf-8")
    build = subprocess.Popen(build_command(mini_site), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(mini_site.rglob("build-is-slow")) and time.monotonic() < deadline and build.poll() is None:
            time.sleep(0.05)
        assert list(mini_site.rglob("build-is-slow")), "the build never reached its slow step"
    finally:
        os.killpg(build.pid, signal.SIGKILL)  # the build and its worker processes
        build.wait(30)
    assert files_of(mini_site / "site") == before
    assert "Accueil modifié" not in (mini_site / "site" / "index.html").read_text(encoding="utf-8")
