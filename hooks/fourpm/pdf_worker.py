"""A PDF worker process: renders its share of jobs with WeasyPrint into the cache.

    python -m fourpm.pdf_worker REQUEST.json ANSWER.json

Started by pdf_render.render_jobs, one per core. Every URL the documents ask for goes through
SafeFetcher: only data: URIs and regular files of bounded size under the allowed folders are read;
anything else is refused and reported, so the build can name the page. Each file read is recorded with
its hash, so that the cache serves the PDF again only while every file it used is unchanged.

A worker ends with the build that started it: it asks Linux to kill it when its parent dies, and a
Ctrl-C stops it without a traceback (the build reports the interruption once).
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import logging
import os
import resource
import signal
import stat
import sys
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # WeasyPrint warns at import without HarfBuzz subset: reported below
    try:
        from weasyprint import CSS, HTML
        from weasyprint.text import ffi as _ffi
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher
        IMPORT_ERROR = None
    except (ImportError, OSError) as error:  # no Pango, or WeasyPrint itself missing
        IMPORT_ERROR = error
        URLFetcher = object  # noqa: N816 - keeps the class below importable; main() stops first


MAX_FILE_BYTES = 100 * 1024 * 1024  # a PDF embeds no file larger than this (a 6 GB file is refused, not read)


def _local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return os.path.realpath(url2pathname(unquote(parts.path)))


def root_of(path: str, roots) -> str | None:
    """The name under which path is recorded: "<root name>/<relative path>", or None outside the roots.
    roots: a list of folders, or a mapping name -> folder."""
    named = roots.items() if isinstance(roots, dict) else ((str(r), r) for r in roots)
    for name, root in named:
        root = os.path.realpath(root)
        if os.path.commonpath([root, path]) == root:
            return f"{name}/{os.path.relpath(path, root)}"
    return None


def is_allowed(url: str, roots) -> bool:
    """Only data: URIs and local files under one of roots, after resolving '..' and symbolic links."""
    if urlsplit(url).scheme.lower() == "data":
        return True
    path = _local_path(url)
    return path is not None and root_of(path, roots) is not None


def file_digest(path: str, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """sha256 of a regular file of at most max_bytes, read once in blocks; None for anything else (a
    folder, a device, /proc, a FIFO that would never end, a file too large, a file that is gone)."""
    try:
        with open(path, "rb", buffering=0, opener=lambda p, f: os.open(p, f | os.O_NONBLOCK)) as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
                return None
            digest, read = hashlib.sha256(), 0
            while block := file.read(1 << 20):
                read += len(block)
                if read > max_bytes:
                    return None
                digest.update(block)
            return digest.hexdigest()
    except OSError:
        return None


class SafeFetcher(URLFetcher):
    """WeasyPrint 70's fetcher, restricted to data: URIs and regular files of bounded size under the
    allowed roots; it records every file it serves (name and sha256) in `used`."""

    def __init__(self, roots, max_bytes: int = MAX_FILE_BYTES):
        super().__init__(timeout=5, allowed_protocols=("file", "data"), allow_redirects=False)
        self.roots = roots if isinstance(roots, dict) else [Path(r) for r in roots]
        self.max_bytes = max_bytes
        self.refused: list[str] = []
        self.used: dict[str, str] = {}

    def fetch(self, url, headers=None):
        path = _local_path(url)
        name = root_of(path, self.roots) if path else None
        digest = file_digest(path, self.max_bytes) if name else None
        if not is_allowed(url, self.roots) or (path is not None and digest is None):
            if url not in self.refused:
                self.refused.append(url)
            raise ValueError(f"refused: {url} is not a file of the project")
        if name:
            self.used[name] = digest
        return super().fetch(url, headers)


def _write(path: Path, data: bytes) -> None:
    """Write through a temporary file renamed into place: a killed worker leaves no truncated file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render(job: dict, base_url: str, stylesheet: str, roots, max_bytes: int = MAX_FILE_BYTES) -> dict:
    """One job: its PDF and its record (pages, refused URLs, the PDF's hash, the files it used) written
    into the cache. Each document gets its own fetcher and fonts (30 ms): what it renders depends on
    nothing but its own input."""
    start = time.perf_counter()
    fetcher, fonts = SafeFetcher(roots, max_bytes), FontConfiguration()  # without fonts, @font-face is ignored
    css = CSS(filename=stylesheet, url_fetcher=fetcher, font_config=fonts)
    document = HTML(string=job["html"], base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=[css], font_config=fonts)
    # PDF/UA-1: a tagged PDF (structure tree, language, title) that screen readers can read; the
    # identifier is a hash of the content and the dates come from the page: the same bytes every time.
    data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=True)
    meta = {"pages": len(document.pages), "refused": fetcher.refused, "sha256": hashlib.sha256(data).hexdigest(),
            "files": dict(sorted(fetcher.used.items()))}
    _write(Path(job["pdf"]), data)
    _write(Path(job["meta"]), json.dumps(meta).encode())  # last: its presence marks a complete entry
    return {"pages": meta["pages"], "refused": meta["refused"], "seconds": round(time.perf_counter() - start, 3)}


def die_with_parent(parent: int) -> None:
    """Killed by Linux when the process that started this one dies (even by SIGKILL); Ctrl-C ends it
    without a traceback. If the parent is already gone, stop now."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the build kills its workers when it stops normally
        pass
    if parent and os.getppid() != parent:
        os._exit(1)


def main(request_file: str, answer_file: str) -> int:
    die_with_parent(int(os.environ.get("FPM_PDF_PARENT") or 0))
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    if IMPORT_ERROR is not None:
        answer = {"fatal": f"{type(IMPORT_ERROR).__name__}: {IMPORT_ERROR}".splitlines()[0]}
    else:
        logging.getLogger("weasyprint").setLevel(logging.ERROR)  # refusals are reported by the build
        base_url = Path(request["site_dir"]).resolve().as_uri() + "/"
        done = []
        for job in request["jobs"]:
            try:
                done.append(render(job, base_url, request["stylesheet"], request["roots"],
                                   request.get("max_bytes", MAX_FILE_BYTES)))
            except Exception as error:  # one broken document must not stop the others
                done.append({"error": f"{type(error).__name__}: {error}"})
        usage = resource.getrusage(resource.RUSAGE_SELF)
        answer = {"jobs": done, "harfbuzz_subset": _ffi.harfbuzz_subset is not None,
                  "peak_rss_kb": usage.ru_maxrss, "cpu_seconds": usage.ru_utime + usage.ru_stime}
    Path(answer_file).write_text(json.dumps(answer), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
