"""Rendering PDF jobs: cached by a hash of everything that goes into them, rendered in parallel worker
processes (WeasyPrint uses one core per document), and copied into the site only whole.

This module runs in the build process and never imports WeasyPrint: the workers (pdf_worker) do, so a
machine without Pango builds the site until a PDF must actually be rendered, and then gets a clear
message naming the Debian packages to install.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .pdf import Job

# Files a PDF may read: these folders of the project, and the site being built (plus data: URIs).
ALLOWED_DIRS = ("docs", "data", "overrides")
PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
STYLESHEET = "overrides/pdf/pdf.css"
KEEP_PER_DOCUMENT = 3  # cached versions kept per PDF: enough to switch branches back and forth
HOOKS_DIR = Path(__file__).resolve().parent.parent
# Bump when the way jobs become PDFs changes in a way the hashed sources below do not show.
FORMAT = "fpm-pdf-1"


def unavailable_message(error: str) -> str:
    return (f"PDFs cannot be rendered: WeasyPrint cannot load its system libraries ({error}). "
            f"Install the Debian packages {PACKAGES} (sudo apt-get install {PACKAGES}; "
            "they are listed in system-packages.txt)")


HARFBUZZ_MESSAGE = ("libharfbuzz-subset0 is not installed: WeasyPrint subsets fonts more slowly without it "
                    "and will require it in future versions (sudo apt-get install libharfbuzz-subset0)")


def allowed_roots(root: Path, site_dir: Path) -> list[Path]:
    return [Path(root) / d for d in ALLOWED_DIRS] + [Path(site_dir)]


def cache_dir(root: Path) -> Path:
    """Outside site/, so a build (which replaces site/) keeps it; FPM_PDF_CACHE moves it."""
    return Path(os.environ.get("FPM_PDF_CACHE") or Path(root) / ".cache" / "pdf")


# -- what a PDF depends on ---------------------------------------------------------------------------
def weasyprint_version() -> str:
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        return "missing"


@functools.cache
def library_versions() -> str:
    """Pango and HarfBuzz lay the text out and subset the fonts: their versions change the bytes too.
    Asked of the libraries themselves (a few milliseconds, without importing WeasyPrint)."""
    found = []
    for soname, function in (("libpango-1.0.so.0", "pango_version_string"), ("libharfbuzz.so.0", "hb_version_string"),
                             ("libharfbuzz-subset.so.0", None)):
        try:
            library = ctypes.CDLL(soname)
        except OSError:
            found.append(f"{soname} missing")
            continue
        if function:
            getattr(library, function).restype = ctypes.c_char_p
            found.append(f"{soname} {getattr(library, function)().decode()}")
        else:
            found.append(f"{soname} present")
    return ", ".join(found)


def inputs_digest(root: Path) -> str:
    """Templates, stylesheet, fonts (everything under overrides/pdf/), this code, the versions of
    WeasyPrint, Pango and HarfBuzz."""
    digest = hashlib.sha256(f"{FORMAT}\0{weasyprint_version()}\0{library_versions()}\0".encode())
    files = sorted(p for p in (Path(root) / "overrides" / "pdf").rglob("*") if p.is_file())
    files += [HOOKS_DIR / "fourpm" / name for name in ("pdf.py", "pdf_render.py", "pdf_worker.py")]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


_RESOURCE = re.compile(r"""<(?:img|link|object|embed|source|video|audio)\b[^>]*?\s(?:src|href|data)=["']([^"'#?]+)""", re.I)


def job_key(job: Job, inputs: str, site_dir: Path) -> str:
    """Hash of everything that goes into one PDF: its HTML (the pages' Markdown, front matter and data
    rendered into it), language, name, the files it embeds from the site, and inputs_digest."""
    digest = hashlib.sha256(f"{inputs}\0{job.name}\0{job.lang}\0{job.output}\0".encode())
    digest.update(job.html.encode("utf-8"))
    for ref in sorted(set(_RESOURCE.findall(job.html))):
        path = Path(site_dir) / ref
        if ":" not in ref and path.is_file():
            digest.update(b"\0" + ref.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# -- rendering ---------------------------------------------------------------------------------------
@dataclass
class Outcome:
    """What the PDF stage did: for the log, the tests and the benchmark."""
    documents: int = 0
    rendered: int = 0
    cached: int = 0
    pages: int = 0
    seconds: float = 0.0
    workers: int = 0
    cpu_seconds: float = 0.0  # the workers' CPU time, imports included: what the load of the machine does not change
    peak_rss_kb: int = 0  # the largest worker's peak resident memory
    refused: list[tuple[Job, str]] = field(default_factory=list)  # (job, URL) that the fetcher refused
    errors: list[tuple[Job, str]] = field(default_factory=list)  # (job, why) for PDFs that failed
    fatal: str | None = None  # WeasyPrint could not start at all
    harfbuzz_subset: bool | None = None  # None: no worker ran


def _entry(cache: Path, job: Job, key: str) -> tuple[Path, Path]:
    stem = f"{job.name}-{job.lang}.{key[:32]}"
    return cache / f"{stem}.pdf", cache / f"{stem}.json"


def _plan(jobs: list[tuple[Job, str]], workers: int) -> list[list[tuple[Job, str]]]:
    """Longest documents first, each to the least loaded worker."""
    shares: list[list] = [[] for _ in range(workers)]
    loads = [0] * workers
    for job, key in sorted(jobs, key=lambda jk: -len(jk[0].html)):
        i = loads.index(min(loads))
        shares[i].append((job, key))
        loads[i] += len(job.html)
    return [s for s in shares if s]


def render_jobs(jobs: list[Job], site_dir: Path, root: Path, workers: int | None = None,
                env: dict | None = None) -> Outcome:
    """Make every job's PDF in site_dir, from the cache or rendered; never a half-written file.
    Workers: one per core unless said (FPM_PDF_WORKERS, for the benchmark)."""
    start = time.perf_counter()
    site_dir, root = Path(site_dir), Path(root)
    cache = cache_dir(root)
    cache.mkdir(parents=True, exist_ok=True)
    inputs = inputs_digest(root)
    outcome = Outcome(documents=len(jobs))
    keyed = [(job, job_key(job, inputs, site_dir)) for job in jobs]
    missing = [(job, key) for job, key in keyed if not all(p.is_file() for p in _entry(cache, job, key))]
    if missing:
        workers = workers or int(os.environ.get("FPM_PDF_WORKERS") or 0) or os.cpu_count() or 1
        _run_workers(missing, site_dir, root, cache, workers, env, outcome)
    failed = {id(job) for job, _why in outcome.errors}
    fresh = {id(job) for job, _key in missing}
    for job, key in keyed:
        if id(job) in failed or outcome.fatal:
            continue
        pdf, meta = _entry(cache, job, key)
        info = json.loads(meta.read_text(encoding="utf-8"))
        outcome.pages += info["pages"]
        outcome.refused += [(job, url) for url in info["refused"]]
        if id(job) not in fresh:
            outcome.cached += 1
            os.utime(pdf)  # recently used: kept by _prune
        _install(pdf, site_dir / job.output)
    _prune(cache, {(job.name, job.lang) for job in jobs})
    outcome.seconds = time.perf_counter() - start
    return outcome


def _install(source: Path, target: Path) -> None:
    """Copy into the site through a temporary file in the same folder, renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out, open(source, "rb") as src:
            shutil.copyfileobj(src, out)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _run_workers(missing: list[tuple[Job, str]], site_dir: Path, root: Path, cache: Path, workers: int,
                 env: dict | None, outcome: Outcome) -> None:
    shares = _plan(missing, max(1, min(workers, len(missing))))
    outcome.workers = len(shares)
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOKS_DIR), environment.get("PYTHONPATH")]))
    with tempfile.TemporaryDirectory(prefix="jobs-", dir=cache) as tmp:
        running = []
        for n, share in enumerate(shares):
            request, answer = Path(tmp) / f"{n}.in.json", Path(tmp) / f"{n}.out.json"
            request.write_text(json.dumps({
                "site_dir": str(site_dir), "stylesheet": str(root / STYLESHEET),
                "roots": [str(p) for p in allowed_roots(root, site_dir)],
                "jobs": [{"label": job.label, "html": job.html, "pdf": str(_entry(cache, job, key)[0]),
                          "meta": str(_entry(cache, job, key)[1])} for job, key in share],
            }), encoding="utf-8")
            process = subprocess.Popen([sys.executable, "-m", "fourpm.pdf_worker", str(request), str(answer)],
                                       env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
            running.append((process, answer, share))
        for process, answer, share in running:
            code = process.wait()
            try:
                result = json.loads(answer.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                outcome.errors += [(job, f"the PDF worker stopped (exit code {code})") for job, _key in share]
                continue
            if result.get("fatal"):
                outcome.fatal = result["fatal"]
                continue
            outcome.harfbuzz_subset = result["harfbuzz_subset"]
            outcome.peak_rss_kb = max(outcome.peak_rss_kb, result["peak_rss_kb"])
            outcome.cpu_seconds += result["cpu_seconds"]
            for (job, _key), done in zip(share, result["jobs"]):
                if done.get("error"):
                    outcome.errors.append((job, done["error"]))
                else:
                    outcome.rendered += 1


def _prune(cache: Path, documents: set[tuple[str, str]]) -> None:
    """Keep the most recently used versions of each document just built."""
    for name, lang in documents:
        pdfs = sorted(cache.glob(f"{name}-{lang}.*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in pdfs[KEEP_PER_DOCUMENT:]:
            old.unlink(missing_ok=True)
            old.with_suffix(".json").unlink(missing_ok=True)
