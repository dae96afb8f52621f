"""Rendering PDF jobs: cached by a hash of everything that goes into them, rendered in parallel worker
processes (WeasyPrint uses one core per document), and copied into the site only whole.

The cache checks what it serves: an entry is used only if its record reads, its PDF has the hash the
record gives, and every file the fetcher served to it (images, fonts, CSS url(), SVG <image>) has
the hash it had. One build at a time works in the cache (a lock), so two concurrent builds never see
each other's half-made entries; what an interrupted build left (jobs-* folders) is removed.

This module runs in the build process and never imports WeasyPrint: the workers (worker.py) do, so a
machine without Pango builds the site until a PDF must actually be rendered, and then gets a clear
message naming the Debian packages to install.
"""
from __future__ import annotations

import contextlib
import ctypes
import fcntl
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
from urllib.parse import unquote

from . import Job
from ..core import state
from ..core.files import write_atomic
from .safety import MAX_FILE_BYTES, file_digest, ignore_interrupt

# Files a PDF may read: these folders of the project, and the site being built (plus data: URIs).
ALLOWED_DIRS = ("docs", "data", "overrides")
PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
STYLESHEET = "overrides/pdf/pdf.css"
KEEP_PER_DOCUMENT = 3  # cached versions kept per PDF: enough to switch branches back and forth
HOOKS_DIR = Path(__file__).resolve().parents[2]
# Bump when the way jobs become PDFs changes in a way the hashed sources below do not show.
FORMAT = "fpm-pdf-2"


def unavailable_message(error: str) -> str:
    return (f"PDFs cannot be rendered: WeasyPrint cannot load its system libraries ({error}). "
            f"Install the Debian packages {PACKAGES} (sudo apt-get install {PACKAGES}; "
            "they are listed in system-packages.txt)")


HARFBUZZ_MESSAGE = ("libharfbuzz-subset0 is not installed: WeasyPrint subsets fonts more slowly without it "
                    "and will require it in future versions (sudo apt-get install libharfbuzz-subset0)")


def report(outcome: "Outcome", log) -> tuple[str | None, int]:
    """Say what the PDF stage did; return the error that fails the build (None if none) and the number
    of warnings said (a strict build fails on them)."""
    if outcome.fatal:
        return unavailable_message(outcome.fatal), 0
    warnings = 0
    if outcome.harfbuzz_subset is False:
        log.info(HARFBUZZ_MESSAGE)  # a speed-up, not needed: never fails a strict build
    for job, url in outcome.refused:
        log.warning(f"{job.source}: {url} is left out of {job.label}: a PDF reads only the files of docs/, "
                    "data/, overrides/ and the built site, and data: URIs")
        warnings += 1
    log.info(f"PDF: {outcome.documents} documents ({outcome.pages} pages): {outcome.rendered} rendered "
             f"by {outcome.workers} workers, {outcome.cached} from the cache, in {outcome.seconds:.1f} s")
    if outcome.errors:
        return "; ".join(f"{job.source} ({job.lang}): {job.label} could not be rendered: {why}"
                         for job, why in outcome.errors), warnings
    return None, warnings


_ANY_PDF = re.compile(rb"\.pdf", re.I)
_PDF_HREF = re.compile(r"""<a\b[^>]*?\shref=["']([^"'#?]+\.pdf)(?:[#?][^"']*)?["']""", re.I)


def dead_pdf_links(site_dir: Path) -> list[tuple[str, str]]:
    """(page, href) of every link of the built site to a PDF of the site that does not exist: a build
    that skipped PDFs, or a hand-written link to a document no page declares."""
    site_dir = Path(site_dir)
    dead = []
    for page in sorted(site_dir.rglob("*.html")):
        data = page.read_bytes()
        if not _ANY_PDF.search(data):
            continue  # most pages: no need for the slower scan of every link
        rel = page.relative_to(site_dir).as_posix()
        for href in dict.fromkeys(_PDF_HREF.findall(data.decode("utf-8", errors="replace"))):
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", href):
                continue  # another site's document
            target = site_dir / unquote(href.lstrip("/")) if href.startswith("/") else page.parent / unquote(href)
            if not target.is_file():
                dead.append((rel, href))
    return dead


def report_dead_links(site_dir: Path, log) -> int:
    """Warn about each dead link to a PDF (a strict build fails); return how many."""
    dead = dead_pdf_links(site_dir)
    for page, href in dead:
        log.warning(f"{page} links to {href}, a PDF this build did not make (FPM_PDF=0, or no page declares it)")
    return len(dead)


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
    files += sorted((HOOKS_DIR / "fourpm" / "pdf").glob("*.py"))
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def job_key(job: Job, inputs: str) -> str:
    """Hash of everything a PDF is made from that is known before rendering: its HTML (the pages'
    Markdown, front matter and data rendered into it), language, name and inputs_digest. The files
    it embeds are checked through the entry's record (entry_data): only those the fetcher allowed."""
    digest = hashlib.sha256(f"{inputs}\0{job.name}\0{job.lang}\0{job.output}\0".encode())
    digest.update(job.html.encode("utf-8"))
    return digest.hexdigest()


def named_roots(root: Path, site_dir: Path) -> dict[str, str]:
    """The allowed folders by the name a record gives them: the site under "site", whatever the
    temporary folder it is built in."""
    return {**{d: str(Path(root) / d) for d in ALLOWED_DIRS}, "site": str(site_dir)}


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
    cpu_seconds: float = 0.0  # the workers' CPU time (imports of those the stage started included): load-independent
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


def entry_data(cache: Path, job: Job, key: str, roots: dict[str, str], digests: dict) -> tuple[bytes, dict] | None:
    """The cached PDF of job and its record, if the entry is whole and still true; else None. digests
    memoises file hashes for one build: each file is read at most once."""
    pdf, meta = _entry(cache, job, key)
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        files, pages, refused, expected = info["files"], info["pages"], info["refused"], info["sha256"]
        if not (isinstance(files, dict) and isinstance(pages, int) and isinstance(refused, list)
                and isinstance(expected, str)):
            return None
        for name, digest in files.items():
            where, _, rel = str(name).partition("/")
            if where not in roots:
                return None
            path = os.path.realpath(os.path.join(roots[where], rel))
            if path not in digests:
                inside = os.path.commonpath([os.path.realpath(roots[where]), path]) == os.path.realpath(roots[where])
                digests[path] = file_digest(path, MAX_FILE_BYTES) if inside else None
            if digests[path] is None or digests[path] != digest:
                return None
        data = pdf.read_bytes()
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # missing, unreadable, corrupt
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        return None  # a truncated or altered PDF
    return data, info


@contextlib.contextmanager
def locked(cache: Path, wait: bool = True):
    """The cache to this build alone while it renders and installs, then the leftovers of interrupted
    builds removed (their job folders: no other build can be using them while we hold the lock).
    wait=False: yields False at once if another build holds the cache."""
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / "build.lock", "a+b") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            for left in cache.glob("jobs-*"):
                shutil.rmtree(left, ignore_errors=True)
            for left in [*cache.glob(".*.pdf.*"), *cache.glob(".*.json.*")]:
                left.unlink(missing_ok=True)  # a worker's temporary file, killed before its rename
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def remove_leftovers(root: Path) -> None:
    """What interrupted builds left in the cache, removed now unless another build is using it."""
    if cache_dir(root).is_dir():
        with locked(cache_dir(root), wait=False):
            pass


def render_jobs(jobs: list[Job], site_dir: Path, root: Path, workers: int | None = None,
                env: dict | None = None) -> Outcome:
    """Make every job's PDF in site_dir, from the cache or rendered; never a half-written file.
    Workers: one per core unless said (FPM_PDF_WORKERS, for the benchmark). The parallel build calls
    this once for every language: the cores are one budget for the whole build."""
    start = time.perf_counter()
    site_dir, root = Path(site_dir), Path(root)
    cache = cache_dir(root)
    outcome = Outcome(documents=len(jobs))
    with locked(cache):
        inputs = inputs_digest(root)
        roots, digests = named_roots(root, site_dir), {}
        keyed = [(job, job_key(job, inputs)) for job in jobs]
        ready = {id(job): entry_data(cache, job, key, roots, digests) for job, key in keyed}
        missing = [(job, key) for job, key in keyed if ready[id(job)] is None]
        if missing:
            workers = workers or int(os.environ.get("FPM_PDF_WORKERS") or 0) or os.cpu_count() or 1
            _run_workers(missing, site_dir, root, cache, workers, env, outcome)
        failed = {id(job) for job, _why in outcome.errors}
        for job, key in keyed:
            if id(job) in failed or outcome.fatal:
                continue
            fresh = ready[id(job)] is None
            found = entry_data(cache, job, key, roots, {}) if fresh else ready[id(job)]
            if found is None:
                outcome.errors.append((job, "its rendered PDF did not match its record"))
                continue
            data, info = found
            outcome.pages += info["pages"]
            outcome.refused += [(job, url) for url in info["refused"]]
            if not fresh:
                outcome.cached += 1
                os.utime(_entry(cache, job, key)[0])  # recently used: kept by _prune
            write_atomic(site_dir / job.output, data)
        _prune(cache, {(job.name, job.lang) for job in jobs})
    outcome.seconds = time.perf_counter() - start
    return outcome


def _run_workers(missing: list[tuple[Job, str]], site_dir: Path, root: Path, cache: Path, workers: int,
                 env: dict | None, outcome: Outcome) -> None:
    shares = _plan(missing, max(1, min(workers, len(missing))))
    outcome.workers = len(shares)
    environment = dict(os.environ if env is None else env)
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HOOKS_DIR), environment.get("PYTHONPATH")]))
    environment["FPM_PDF_PARENT"] = str(os.getpid())  # a worker dies with this process (safety.die_with_parent)
    with tempfile.TemporaryDirectory(prefix="jobs-", dir=cache) as tmp:
        running = []
        try:
            for n, (share, process) in enumerate(zip(shares, _workers(environment, len(shares)))):
                request, answer = Path(tmp) / f"{n}.in.json", Path(tmp) / f"{n}.out.json"
                request.write_text(json.dumps({
                    "site_dir": str(site_dir), "stylesheet": str(root / STYLESHEET),
                    "roots": named_roots(root, site_dir), "max_bytes": MAX_FILE_BYTES,
                    "jobs": [{"label": job.label, "html": job.html, "pdf": str(_entry(cache, job, key)[0]),
                              "meta": str(_entry(cache, job, key)[1])} for job, key in share],
                }), encoding="utf-8")
                running.append((process, answer, share))
                with contextlib.suppress(BrokenPipeError):  # a worker that died: _collect says so
                    process.stdin.write(json.dumps([str(request), str(answer)]) + "\n")
                    process.stdin.flush()
            _collect(running, outcome)
            running = []
        finally:  # interrupted (Ctrl-C, an error): no worker outlives the stage in the middle of a job
            for process, _answer, _share in running:
                _stop(process)


def _workers(environment: dict, count: int) -> list[subprocess.Popen]:
    """count idle workers started with this environment: those this process kept from its earlier PDF
    stages first, then new ones. Workers of another environment, and any beyond count, are stopped: never
    more workers alive than the stage's budget."""
    # The workers read none of our FPM_ settings (a request carries the cache, the site and the rest), nor
    # the name pytest gives the running test: builds that differ only by those share them. Anything else
    # can change what a worker imports or how it renders (PYTHONPATH, library paths, fontconfig,
    # SOURCE_DATE_EPOCH for fontTools).
    key = json.dumps(sorted((name, value) for name, value in environment.items()
                            if not name.startswith("FPM_") and name != "PYTEST_CURRENT_TEST"))
    kept: dict = state.PROCESS.keep("pdf-workers", dict)
    for other in [k for k in kept if k != key]:
        for process in kept.pop(other):
            _stop(process)
    alive = [process for process in kept.get(key, []) if process.poll() is None]
    for process in alive[count:]:
        _stop(process)
    alive = alive[:count]
    while len(alive) < count:
        alive.append(subprocess.Popen([sys.executable, "-m", "fourpm.pdf.worker"], env=environment, text=True,
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, preexec_fn=ignore_interrupt))
    kept[key] = alive
    return alive


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    for pipe in (process.stdin, process.stdout):
        with contextlib.suppress(OSError):
            pipe.close()


def stop_workers() -> None:
    """Stop the workers this process keeps (they also end when it does)."""
    for processes in state.PROCESS.kept.pop("pdf-workers", {}).values():
        for process in processes:
            _stop(process)


def _collect(running: list, outcome: Outcome) -> None:
    for process, answer, share in running:
        said = process.stdout.readline()
        try:
            if said != "done\n":
                raise OSError("no answer")
            result = json.loads(answer.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            _stop(process)
            outcome.errors += [(job, f"the PDF worker stopped (exit code {process.returncode})")
                               for job, _key in share]
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
