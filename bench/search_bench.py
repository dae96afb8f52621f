"""The search benchmark, on the real site: what a reader downloads for a first query, and what the
search costs the build, with Material's search plugin (before) and with Pagefind (after).

    python -m bench.search_bench [--repeats 3] [--output bench/RESULTS.md] [--before-site DIR]

before: the real site built by plain MkDocs + Material + mkdocs-static-i18n with Material's search
plugin, as the site had it (one index of every language, lunr and its stemmers in a web worker);
after: the site as `make site` builds it (tools.build, PDFs off), Pagefind included. --before-site
measures the download of an existing build instead (e.g. one of an older commit).

Download: Chromium opens each language's home page, opens the search and types a query key by key at a
reader's pace (and again slowly); every search file fetched from the page's load to the results counts,
at its size on the wire: gzip for text files (.js, .json, .css), as static hosts serve them; Pagefind's
files (.pagefind, .pf_*) are gzip inside, so hosts send them as they are, and they count as they are.
Build: CPU seconds (user + system of the build and its children), medians of the repeats.
"""
from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "hooks"))

from bench.corpus import make_project  # noqa: E402
from bench.run import PY, measure  # noqa: E402
from fourpm import search  # noqa: E402

SECTION = "## Search"  # this benchmark's section of RESULTS.md, replaced when measured again
QUERY = "carbone"
# Milliseconds between keys: a fluent reader (about 60 words a minute), and a slow one (a phone's keyboard).
# A query runs when typing pauses (search.js), so a slow typist's every key can run one and fetch its results.
PACES = {"reader": 200, "slow": 400}
# The files of each search, by their path in the site; the rest of the page (theme, styles) is the same.
FILES = {"before": re.compile(r"^(search/|assets/javascripts/lunr/|assets/javascripts/workers/search)"),
         "after": re.compile(r"^(pagefind/|assets/javascripts/search\.js|assets/stylesheets/search\.css)")}
# Material's search plugin as mkdocs.yml had it before Pagefind.
MATERIAL_SEARCH = "  - search:\n      separator: '[\\s\\-''’]+'\n"


def wire_bytes(file: Path) -> int:
    data = file.read_bytes()
    return len(gzip.compress(data, 6)) if file.suffix in (".js", ".json", ".css") else len(data)


def first_query(site: Path, kind: str, langs: dict[str, str]) -> dict[str, dict]:
    """lang -> {"load": ..., "query": ..., "slow": ...}, each {files, raw, wire, sizes}: the search files a
    reader's browser fetched when the page loaded (before any search), and by the end of a first query
    typed at a reader's pace, and slowly (each in a new tab: nothing cached)."""
    from quality.browser import chromium, tab, visit
    from quality.site import serve

    found: dict[str, dict] = {}
    with serve(site) as served, chromium() as browser:
        for lang, prefix in langs.items():
            for pace, delay in PACES.items():
                with tab(browser, served) as (page, recorder):
                    urls: list[str] = []
                    page.context.on("request", lambda request: urls.append(request.url))  # workers' too
                    visit(page, served.url(prefix))
                    page.wait_for_timeout(1000)
                    on_load = list(urls)
                    page.click(".md-search__input")
                    page.keyboard.type(QUERY, delay=delay)
                    page.wait_for_selector(".md-search-result__item", timeout=30000)
                    page.wait_for_timeout(1500)
                    assert recorder.third_party == []
                found.setdefault(lang, {"load": _files(site, kind, on_load, served.base)})
                found[lang]["query" if pace == "reader" else pace] = _files(site, kind, urls, served.base)
    return found


def _files(site: Path, kind: str, urls: list[str], base: str) -> dict:
    paths = sorted({unquote(urlsplit(url).path).lstrip("/") for url in urls if url.startswith(base)})
    files = [site / path for path in paths if FILES[kind].match(path) and (site / path).is_file()]
    return {"files": [f.relative_to(site).as_posix() for f in files],
            "raw": sum(f.stat().st_size for f in files), "wire": sum(wire_bytes(f) for f in files),
            "sizes": {f.relative_to(site).as_posix(): wire_bytes(f) for f in files}}


# What each file of a first query is, for the breakdown (the first pattern that matches names it).
PARTS = [("Pagefind's WebAssembly for the language", r"pagefind/wasm\."),
         ("Pagefind's script", r"pagefind/pagefind\.js$"), ("the language's index metadata", r"\.pf_meta$"),
         ("Pagefind's entry file", r"pagefind-entry\.json$"),
         ("word index chunks", r"\.pf_index$"), ("filter chunks", r"\.pf_filter$"),
         ("fragments (one per result shown: its text, title, section)", r"\.pf_fragment$"),
         ("our script and styles (fetched with the page)", r"^assets/(javascripts/search\.js|stylesheets/search\.css)$"),
         ("Material's index of every language", r"^search/"), ("lunr, its stemmers and Material's worker", r".")]


FIXED = {PARTS[0][0], PARTS[1][0], PARTS[2][0], PARTS[3][0]}


def breakdown(query: dict) -> list[tuple[str, int, int]]:
    """(part, files, wire bytes) of one query's files, in PARTS order, the parts it fetched."""
    parts: dict[str, list[int]] = {}
    for path, size in query["sizes"].items():
        name = next(name for name, pattern in PARTS if re.search(pattern, path))
        parts.setdefault(name, []).append(size)
    return [(name, len(parts[name]), sum(parts[name])) for name, _pattern in PARTS if name in parts]


def cpu(cmd: list[str], cwd: Path, env: dict, repeats: int) -> float:
    return statistics.median(measure(cmd, cwd, env).cpu for _ in range(repeats))


def run(repeats: int, before_site: Path | None) -> dict:
    from quality.site import languages

    langs = languages()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "FPM_PDF": "0"}
    with tempfile.TemporaryDirectory(prefix="fpm-search-bench-") as work:
        project = make_project(Path(work) / "project", 0)  # the real site, no generated pages
        plain = (project / "mkdocs-plain.yml").read_text(encoding="utf-8")
        (project / "mkdocs-search.yml").write_text(plain.replace("plugins:\n", "plugins:\n" + MATERIAL_SEARCH, 1),
                                                   encoding="utf-8")
        old, ours = Path(work) / "before", Path(work) / "after"

        def plain_build(config: str) -> list[str]:
            return [PY, "-m", "mkdocs", "build", "-q", "--no-strict", "-f", str(project / config), "-d", str(old)]

        result = {
            "plain_cpu": cpu(plain_build("mkdocs-plain.yml"), project, env, repeats),
            "plain_search_cpu": cpu(plain_build("mkdocs-search.yml"), project, env, repeats),  # leaves `old`
            "ours_cpu": cpu([PY, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"), "--site-dir",
                             str(ours), "--no-strict"], ROOT, env, repeats),
            "pagefind_cpu": cpu([str(search.executable()), "--site", str(ours), "--output-path", str(Path(work) / "pf"),
                                 "--silent"], ROOT, env, repeats),
        }
        started = time.process_time()
        search.settle(Path(work) / "pf")  # what the build does after Pagefind: sorted filters, finer word chunks
        result["settle_cpu"] = time.process_time() - started
        result["before"] = first_query(before_site or old, "before", langs)
        result["before_site"] = (f"an earlier build of the site ({before_site.name}/, --before-site)" if before_site
                                 else "the real site built by plain MkDocs + Material + i18n with Material's search plugin")
        result["after"] = first_query(ours, "after", langs)
        result["index_bytes"] = {"before": sum(f.stat().st_size for f in ((before_site or old) / "search").rglob("*")
                                               if f.is_file()),
                                 "after": sum(f.stat().st_size for f in (ours / "pagefind").rglob("*") if f.is_file())}
    return result


def section(r: dict) -> str:
    kb = lambda n: f"{n / 1024:.1f} KB"  # noqa: E731
    before_wire = max(r["before"][lang]["query"]["wire"] for lang in r["before"])
    lines = [SECTION, "", f"Search files Chromium fetched on each language's home page, on loading it (no search) and "
             f"by the results of a first query, \"{QUERY}\" typed key by key at a reader's pace ({PACES['reader']} ms "
             f"a key) and slowly ({PACES['slow']} ms a key): size on the wire (gzip for .js/.json/.css; Pagefind's "
             f"files are gzip inside and count as they are), and on disk. Before: {r['before_site']}; after: our build.",
             "", "| language | page load, before | page load, after | first query, before: Material (lunr) "
             "| first query, after: Pagefind | after / before, wire | after / before, disk | typed slowly, after "
             "| after / before, slowly |", "|---|---|---|---|---|---|---|---|---|"]
    ratios = {}
    for lang in r["after"]:
        before, after = r["before"][lang], r["after"][lang]
        b, a, slow = before["query"], after["query"], after["slow"]
        ratios[lang] = (a["wire"] / b["wire"], a["raw"] / b["raw"], slow["wire"] / b["wire"])
        lines.append(f"| {lang} | {kb(before['load']['wire'])} | {kb(after['load']['wire'])} | {kb(b['wire'])} "
                     f"({kb(b['raw'])} on disk, {len(b['files'])} files) | {kb(a['wire'])} ({kb(a['raw'])} on disk, "
                     f"{len(a['files'])} files) | {ratios[lang][0]:.2f} | {ratios[lang][1]:.2f} | {kb(slow['wire'])} "
                     f"({len(slow['files'])} files) | {ratios[lang][2]:.2f} |")
    wire, disk, slow = (max(x[i] for x in ratios.values()) for i in range(3))
    lines += ["", f"Target, a first query costs at most a quarter of before ({kb(before_wire / 4)} on the wire): "
              f"{wire:.2f} at a reader's pace ({'met' if wire <= 0.25 else '**not met**'}), {slow:.2f} typed slowly, "
              f"{disk:.2f} on disk (a host that does not compress), worst language.", "",
              "What a first query fetches, on the wire (reader's pace):", "",
              "| part | " + " | ".join(r["after"]) + " |", "|---|" + "---|" * len(r["after"])]
    parts = {lang: {name: (n, size) for name, n, size in breakdown(r["after"][lang]["query"])} for lang in r["after"]}
    for name, _pattern in PARTS:
        if any(name in p for p in parts.values()):
            lines.append(f"| {name} | " + " | ".join(
                f"{kb(p[name][1])} ({p[name][0]} files)" if p.get(name, (0,))[0] > 1 else
                (kb(p[name][1]) if name in p else "–") for p in parts.values()) + " |")
    fixed = max(sum(size for name, _n, size in breakdown(r["after"][lang]["query"]) if name in FIXED)
                for lang in r["after"])
    lines += ["", f"Pagefind's fixed part (its WebAssembly, script, metadata and entry file: fetched for any query) is "
              f"{kb(fixed)}, {fixed / before_wire:.2f} of before on its own: no query made with Pagefind's WebAssembly "
              f"can reach the quarter ({kb(before_wire / 4)}).", "",
              "Build CPU seconds (medians), the real site without PDFs:", "",
              "| build | CPU s |", "|---|---|",
              f"| plain MkDocs + Material + i18n, with Material's search plugin | {r['plain_search_cpu']:.2f} |",
              f"| the same without the search plugin | {r['plain_cpu']:.2f} |",
              f"| → Material's search plugin alone | {r['plain_search_cpu'] - r['plain_cpu']:.2f} |",
              f"| our build (`make site`, PDFs off), Pagefind included | {r['ours_cpu']:.2f} |",
              f"| → Pagefind alone, indexing the merged site | {r['pagefind_cpu']:.2f} |",
              f"| → then settling its output (sorted filters, finer word chunks) | {r['settle_cpu']:.2f} |", "",
              f"Index on disk: Material {kb(r['index_bytes']['before'])} (one file for every language), "
              f"Pagefind {kb(r['index_bytes']['after'])} (every language, with its scripts and WebAssembly; a "
              "reader fetches only the files counted above).", ""]
    return "\n".join(lines)


def write(output: Path, text: str) -> None:
    """Replace this benchmark's section of RESULTS.md (before "## Analysis", or at the end)."""
    current = output.read_text(encoding="utf-8") if output.exists() else ""
    if SECTION in current:
        start = current.index(SECTION)
        rest = current[start + len(SECTION):]
        end = rest.find("\n## ")
        current = current[:start] + (rest[end + 1:] if end >= 0 else "")
    at = current.find("## Analysis")
    output.write_text((current[:at] + text + "\n" + current[at:]) if at >= 0 else current + "\n" + text,
                      encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--before-site", type=Path, help="an existing build with Material's search to download from")
    args = parser.parse_args()
    text = section(run(args.repeats, args.before_site))
    write(args.output, text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
