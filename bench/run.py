"""The build benchmark: one run measures, on the same synthetic corpus,

  (a) plain MkDocs + Material + mkdocs-static-i18n, without our hooks (sequential, as the plugin builds);
  (b) our full build without PDFs: sequential (one process) and parallel (one process per language);
  (c) our full build with PDFs, cold cache then warm cache;
  (d) live preview: from saving one page to `make serve` serving the rebuilt page;
  (e) our full build without PDFs after one page changed, with the caches of the previous build;
  (h) Hugo (Debian's `hugo`) on the same Markdown pages with a one-line template: the physical anchor;
  and, on the real site, the search (bench/search_bench.py): bytes of a first query and CPU, before and
  after Pagefind;

at N = 100, 300 and 1000 pages per language, with medians over repeats, CPU time and peak memory.

    python -m bench.run [--sizes 100 300 1000] [--repeats 3] [--large-repeats 1] [--output bench/RESULTS.md]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from bench import hugo
from bench.corpus import make_project

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PDF_LINE = re.compile(r"PDF: \d+ documents .* in ([\d.]+) s")  # hooks/fourpm/pdf/render.py's report
ANALYSIS = "## Analysis"  # a hand-written section of RESULTS.md, kept when the tables are measured again
SEARCH = "## Search"  # bench/search_bench.py's section, kept by --no-search


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mib: float
    pdf_seconds: float | None = None  # the PDF stage, as the build's own "PDF: ..." line gives it


def measure(cmd: list[str], cwd: Path, env: dict) -> Run:
    """Wall and CPU seconds and peak memory of a command and the processes it waited for."""
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=log)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            log.seek(0)
            raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{log.read().decode()[-3000:]}")
        log.seek(0)
        pdf = PDF_LINE.search(log.read().decode("utf-8", "replace"))
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, float(pdf.group(1)) if pdf else None)


def median(runs: list[Run]) -> Run:
    pdfs = [r.pdf_seconds for r in runs if r.pdf_seconds is not None]
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               max(r.rss_mib for r in runs), statistics.median(pdfs) if pdfs else None)


def repeat(times: int, cmd: list[str], cwd: Path, env: dict, before=None) -> Run:
    runs = []
    for _ in range(times):
        if before:
            before()
        runs.append(measure(cmd, cwd, env))
    return median(runs)


def paired(times: int, cmd: list[str], plain: list[str], project: Path, env: dict, before=None) -> tuple[Run, float, float, list]:
    """Each run of cmd right after a run of the plain peer, so that both see the machine at the same speed
    (a shared machine's speed drifts over minutes): (cmd's median run, median wall ratio, median CPU ratio,
    the plain runs)."""
    runs, plains, walls, cpus = [], [], [], []
    for _ in range(times):
        plains.append(measure(plain, project, env))
        if before:
            before()
        runs.append(measure(cmd, ROOT, env))
        walls.append(runs[-1].wall / plains[-1].wall)
        cpus.append(runs[-1].cpu / plains[-1].cpu)
    return median(runs), statistics.median(walls), statistics.median(cpus), plains


def cold_triples(times: int, plain: list[str], ours: list[str], project: Path, env: dict, cold) -> dict:
    """Each repeat runs plain, then our build sequential and parallel, both cold: the three see the
    machine at about the same speed. Medians of the runs and of each repeat's ratios."""
    plains, seqs, pars = [], [], []
    for _ in range(times):
        plains.append(measure(plain, project, env))
        cold()
        seqs.append(measure(ours + ["--sequential"], ROOT, env))
        cold()
        pars.append(measure(ours, ROOT, env))

    def ratio(runs: list[Run], others: list[Run], what: str) -> float:
        return statistics.median(getattr(x, what) / getattr(y, what) for x, y in zip(runs, others))
    return {"b_seq": median(seqs), "b": median(pars), "b_wall": ratio(pars, plains, "wall"),
            "b_cpu": ratio(pars, plains, "cpu"), "b_par_seq": ratio(pars, seqs, "wall"), "plains": plains}


def live_preview(project: Path, env: dict, edits: int) -> float:
    """Median seconds from saving one page to the served page showing the edit."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([PY, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "-a", f"127.0.0.1:{port}"],
                              cwd=project, env={**env, "FPM_LANG": "fr"},
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = project / "docs" / "fr" / "bench" / "s00" / "p00.md"
    url = f"http://127.0.0.1:{port}/bench/s00/p00/"
    try:
        _wait(lambda: _fetch(url), 600)
        times = []
        for i in range(edits):
            marker = f"Mesure-{i}-{time.time_ns()}"
            time.sleep(1.1)  # a new modification time
            start = time.perf_counter()
            page.write_text(page.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
            _wait(lambda: marker in (_fetch(url) or ""), 300)
            times.append(time.perf_counter() - start)
        return statistics.median(times)
    finally:
        server.terminate()
        server.wait(30)


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit("live preview never showed the edit")


def edit_one_page(project: Path) -> None:
    """Add a paragraph to one French page (its translations become outdated): a typical edit."""
    page = project / "docs" / "fr" / "bench" / "s00" / "p00.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\nModification {time.time_ns()}.\n", encoding="utf-8")


def bench_size(n: int, repeats: int, work: Path) -> dict:
    project = make_project(work / f"corpus-{n}", n)
    out = work / f"site-{n}"
    cache, pages = work / f"pdf-cache-{n}", work / f"page-cache-{n}"
    cards, templates = work / f"social-cache-{n}", work / f"template-cache-{n}"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "FPM_PDF_CACHE": str(cache), "FPM_PAGE_CACHE": str(pages),
           "FPM_SOCIAL_CACHE": str(cards), "FPM_TEMPLATE_CACHE": str(templates)}

    def cold() -> None:  # no cache of any kind: pages' results, social cards, compiled templates
        for folder in (pages, cards, templates):
            shutil.rmtree(folder, ignore_errors=True)
    no_pdf, with_pdf = {**env, "FPM_PDF": "0"}, {**env, "FPM_PDF": "1"}
    ours = [PY, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"), "--site-dir", str(out), "--no-strict"]
    plain = [PY, "-m", "mkdocs", "build", "-q", "--no-strict", "-f", str(project / "mkdocs-plain.yml"), "-d", str(out)]
    print(f"N={n}: corpus ready in {project}", flush=True)
    result = {"n": n, "pages": 3 * len(list((project / "docs" / "fr").rglob("*.md")))}
    if hugo.available():
        result["h"] = repeat(repeats, hugo.make_site(project, work / f"hugo-{n}"), ROOT, no_pdf)
    result.update(cold_triples(repeats, plain, ours, project, no_pdf, cold))  # the last run leaves the cache warm
    plains = result.pop("plains")
    result["e"], result["e_wall"], _cpu, more = paired(repeats, ours, plain, project, no_pdf,
                                                      lambda: edit_one_page(project))
    result["a"] = median(plains + more)
    shutil.rmtree(cache, ignore_errors=True)
    cold()
    result["c_cold"] = measure(ours, ROOT, with_pdf)
    result["c_warm"] = repeat(max(1, repeats - 1), ours, ROOT, with_pdf)
    result["d"] = live_preview(project, no_pdf, max(3, repeats))
    print(f"N={n}: " + ", ".join(f"{k}={v.wall:.2f}s" for k, v in result.items() if isinstance(v, Run))
          + f", d={result['d']:.2f}s", flush=True)
    return result


def table(results: list[dict]) -> str:
    head = ("| N/lang | pages | (h) Hugo s | (h) CPU s | (a) plain s | (a) CPU s | (b) seq s | (b) par s | (b) CPU s "
            "| (e) one page s | (e) CPU s | (c) cold s | (c) warm s | (d) preview s | ms/page (b) | peak MiB |\n|"
            + "---|" * 16)
    rows = []
    for r in results:
        h = f"{r['h'].wall:.2f} | {r['h'].cpu:.2f}" if "h" in r else "– | –"
        rows.append(f"| {r['n']} | {r['pages']} | {h} | {r['a'].wall:.2f} | {r['a'].cpu:.2f} | {r['b_seq'].wall:.2f} | "
                    f"{r['b'].wall:.2f} | {r['b'].cpu:.2f} | {r['e'].wall:.2f} | {r['e'].cpu:.2f} | "
                    f"{r['c_cold'].wall:.2f} | {r['c_warm'].wall:.2f} | "
                    f"{r['d']:.2f} | {1000 * r['b'].wall / r['pages']:.1f} | "
                    f"{max(r[k].rss_mib for k in ('b', 'b_seq', 'c_cold', 'c_warm')):.0f} |")
    return "\n".join([head] + rows)


def targets(results: list[dict]) -> list[tuple[str, str, bool]]:
    by_n = {r["n"]: r for r in results}
    checks = []
    if 300 in by_n:
        r = by_n[300]
        checks.append(("(b) cold CPU ≤ 1.5 × (a) CPU at N=300", f"{r['b_cpu']:.2f}", r['b_cpu'] <= 1.5))
        checks.append(("(e) one page changed, warm caches ≤ 0.50 × (a) wall at N=300", f"{r['e_wall']:.2f}",
                       r['e_wall'] <= 0.50))
        checks.append(("(d) ≤ 0.2 × (b) full three-language build at N=300", f"{r['d'] / r['b'].wall:.2f}",
                       r['d'] / r['b'].wall <= 0.2))
    for r in results:
        if r["n"] >= 300:
            ratio = r["b_wall"]
            checks.append((f"(b) par cold wall ≤ 0.80 × (a) plain wall at N={r['n']}", f"{ratio:.2f}", ratio <= 0.80))
    for r in results:
        ratio = r["b_par_seq"]
        checks.append((f"parallel ≤ 0.70 × sequential wall at N={r['n']}", f"{ratio:.2f}", ratio <= 0.70))
    if 100 in by_n and 1000 in by_n:
        small, big = by_n[100], by_n[1000]
        growth = (big["b"].cpu / big["pages"]) / (small["b"].cpu / small["pages"])
        checks.append(("CPU per page at N=1000 ≤ 1.2 × at N=100", f"{growth:.2f}", growth <= 1.2))
        peak = max(big[k].rss_mib for k in ("b", "b_seq"))
        checks.append(("peak memory at N=1000 < 512 MiB", f"{peak:.0f} MiB", peak < 512))
    for r in results:
        cold, warm = r["c_cold"].pdf_seconds, r["c_warm"].pdf_seconds
        if cold is None or warm is None:
            checks.append((f"warm PDF stage ≤ 5 % of cold at N={r['n']}", "no PDF line in the build's output", False))
            continue
        share = warm / cold if cold > 0 else float("nan")
        checks.append((f"warm PDF stage ≤ 5 % of cold at N={r['n']}", f"{100 * share:.1f} % ({warm:.2f} s of {cold:.2f} s)",
                       share <= 0.05))
    return checks


def _hugo_version() -> str:
    if not hugo.available():
        return "(not installed: `python3 tools/system_packages.py bench`)"
    return subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout.split()[1].split("+")[0]


def report(results: list[dict], started: float) -> str:
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in
                         ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "weasyprint", "Markdown"))
    lines = [
        "# Build benchmark", "",
        f"Measured {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC by `python -m bench.run` in "
        f"{time.monotonic() - started:.0f} s, on {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.platform()}.",
        f"Versions: {versions}.", "",
        "Corpus: the real site plus N generated pages per language (about 600 words each: headings, a "
        "table, lists, an admonition, internal links, objective codes in brackets; sections of 25 pages "
        "in the navigation). Times are medians of the repeats; CPU is user + system time of the build "
        "and its worker processes; peak memory is the largest resident set of one process.", "",
        table(results), "",
        "(b) seq: our build, the languages one after the other in one process (as mkdocs-static-i18n "
        "does); (b) par: our build as `make site` runs it, one process per language, without PDFs; "
        "(b) seq and par are cold: the page cache (.cache/pages), the social cards and the compiled templates are "
        "emptied before each run; "
        "(e) the parallel build again after one French page got a new paragraph, with the page cache of the "
        "previous build; (c) with PDFs (cold: every cache emptied; warm: nothing changed); (d) live "
        "preview of one language as `make serve` runs it; (h) Hugo " + _hugo_version() + " on the same "
        "Markdown files of the three languages, with a one-line template (no theme, navigation or generated "
        "blocks).", "",
        "## Targets", "",
        "Ratios are paired (the machine's speed drifts over minutes): each repeat of (b) runs (a), then "
        "(b) seq and (b) par, and each run of (e) comes right after a run of (a); a ratio is the median of "
        "the repeats' ratios ((a) in the table is the median of all its runs). The PDF stage's seconds are "
        "those the build itself reports (its \"PDF: ...\" line), cold and warm.", "",
        "| target | measured | met |", "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {'yes' if ok else '**no**'} |" for name, value, ok in targets(results)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["100,300,1000"], help="e.g. 100 300 1000, or 100,300")
    parser.add_argument("--repeats", type=int, default=3, help="repeats at N < 1000")
    parser.add_argument("--large-repeats", type=int, default=1, help="repeats at N >= 1000 (a repeat takes minutes)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--no-search", action="store_true", help="skip the search benchmark (bench/search_bench.py)")
    args = parser.parse_args()
    started = time.monotonic()
    results = []
    with tempfile.TemporaryDirectory(prefix="fpm-bench-") as work:
        for n in (int(size) for sizes in args.sizes for size in sizes.split(",")):
            results.append(bench_size(n, args.repeats if n < 1000 else args.large_repeats, Path(work)))
    text = report(results, started)
    previous = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if not args.no_search:  # the search's download and build cost, before and after Pagefind
        from bench import search_bench

        text += "\n" + search_bench.section(search_bench.run(args.repeats, None))
    elif SEARCH in previous:  # kept as last measured
        text += "\n" + previous[previous.index(SEARCH):previous.index(ANALYSIS) if ANALYSIS in previous else None]
    if ANALYSIS in previous:  # keep the hand-written analysis of the last results
        text += "\n" + previous[previous.index(ANALYSIS):]
    args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
