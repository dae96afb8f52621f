"""A PDF worker process: renders its share of jobs with WeasyPrint into the cache.

    python -m fourpm.pdf.worker

Started by render.render_jobs, one per core, and kept by the process that started it for its next PDF
stages (the next language, the next build of the live preview or of a test run): WeasyPrint's import
(0.6 s) is paid once per worker, not once per stage. Each line on its standard input is a request,
["REQUEST.json", "ANSWER.json"]; it writes the answer file, then says "done" on a line.

Every URL the documents ask for goes through SafeFetcher: only data: URIs and regular files of bounded
size under the allowed folders are read; anything else is refused and reported, so the build can name
the page. Each file read is recorded with
its hash, so that the cache serves the PDF again only while every file it used is unchanged.

A worker ends with the build that started it: it asks Linux to kill it when its parent dies, and a
Ctrl-C stops it without a traceback (the build reports the interruption once).
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import resource
import sys
import time
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from fourpm.core.files import write_atomic
from fourpm.core.processes import die_with_parent
from fourpm.pdf.safety import MAX_FILE_BYTES, file_digest, root_of

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


def _local_path(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    return os.path.realpath(url2pathname(unquote(parts.path)))


def is_allowed(url: str, roots) -> bool:
    """Only data: URIs and local files under one of roots, after resolving '..' and symbolic links."""
    if urlsplit(url).scheme.lower() == "data":
        return True
    path = _local_path(url)
    return path is not None and root_of(path, roots) is not None


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
    write_atomic(Path(job["pdf"]), data)
    write_atomic(Path(job["meta"]), json.dumps(meta).encode())  # last: its presence marks a complete entry
    return {"pages": meta["pages"], "refused": meta["refused"], "seconds": round(time.perf_counter() - start, 3)}


def serve(request_file: str, answer_file: str, cpu_before: float) -> float:
    """One request: its jobs rendered, the answer written; returns the CPU time used so far."""
    request = json.loads(Path(request_file).read_text(encoding="utf-8"))
    if IMPORT_ERROR is not None:
        answer = {"fatal": f"{type(IMPORT_ERROR).__name__}: {IMPORT_ERROR}".splitlines()[0]}
        cpu = cpu_before
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
        cpu = usage.ru_utime + usage.ru_stime
        answer = {"jobs": done, "harfbuzz_subset": _ffi.harfbuzz_subset is not None,
                  "peak_rss_kb": usage.ru_maxrss, "cpu_seconds": cpu - cpu_before}
    write_atomic(Path(answer_file), json.dumps(answer).encode())
    return cpu


def main() -> int:
    die_with_parent(int(os.environ.get("FPM_PDF_PARENT") or 0))
    # The requests' answers go out on a descriptor of our own: a library printing on standard output
    # cannot garble them.
    said = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    cpu = 0.0  # the first request's CPU time includes the imports
    for line in sys.stdin:  # until the build closes it, or dies (die_with_parent)
        request_file, answer_file = json.loads(line)
        cpu = serve(request_file, answer_file, cpu)
        said.write("done\n")
        said.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
