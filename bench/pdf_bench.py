"""The PDF benchmark: the PDF stage of the real site, cold (empty cache) then warm (nothing changed).

    python -m bench.pdf_bench [--config-file mkdocs.yml] [--workers N] [--warm-runs 3]

Each run builds the whole site in one process (`tools.build --sequential`), so that the PDF stage is
one step: the PDFs of every language are rendered together at the end, in worker processes, one per
core (or --workers). The figures are those of that stage alone: seconds, documents, pages, pages per
second, and the peak resident memory of the largest worker and of the build process.
"""
from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
sys.path.insert(0, str(ROOT))

from fourpm import pdf  # noqa: E402
from fourpm.core.dates import build_epoch  # noqa: E402
from tools.build import build_site  # noqa: E402


def run(config: Path, site: Path) -> dict:
    build_site(site, config, strict=False, parallel=False)
    outcome = pdf.last_outcome
    if outcome is None:
        raise SystemExit("no PDF was rendered: does a page declare one ('pdf: <name>')?")
    pdf.last_outcome = None
    return {"seconds": outcome.seconds, "documents": outcome.documents, "rendered": outcome.rendered,
            "cached": outcome.cached, "pages": outcome.pages, "workers": outcome.workers, "cpu": outcome.cpu_seconds,
            "worker_mib": outcome.peak_rss_kb / 1024,
            "build_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--workers", type=int, help="worker processes (default: one per core)")
    parser.add_argument("--warm-runs", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(build_epoch(args.config_file.resolve().parent)))
    os.environ.pop("FPM_PDF", None)
    if args.workers:
        os.environ["FPM_PDF_WORKERS"] = str(args.workers)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)-7s -  %(message)s")
    load = os.getloadavg()[0]  # the machine may be shared: figures under load are slower
    with tempfile.TemporaryDirectory(prefix="pdf-bench-") as tmp:
        os.environ["FPM_PDF_CACHE"] = str(Path(tmp) / "cache")  # empty: the first run is cold
        cold = run(args.config_file, Path(tmp) / "site")
        warm = [run(args.config_file, Path(tmp) / "site") for _ in range(args.warm_runs)]
    median = statistics.median(w["seconds"] for w in warm)
    print(f"PDF stage of {args.config_file} on {os.cpu_count()} cores (load average before: {load:.1f})")
    print("| run | seconds | documents | rendered | from cache | pages | pages/s | workers | worker CPU s "
          "| rendered pages per CPU s | peak MiB (worker) | peak MiB (build) |\n|" + "---|" * 12)
    for name, r in [("cold", cold)] + [(f"warm {i + 1}", w) for i, w in enumerate(warm)]:
        per_cpu = f"{r['pages'] / r['cpu']:.1f}" if r["cpu"] else "-"
        print(f"| {name} | {r['seconds']:.3f} | {r['documents']} | {r['rendered']} | {r['cached']} | {r['pages']} | "
              f"{r['pages'] / r['seconds']:.1f} | {r['workers']} | {r['cpu']:.1f} | {per_cpu} | "
              f"{r['worker_mib']:.0f} | {r['build_mib']:.0f} |")
    share = median / cold["seconds"]
    print(f"\nwarm (median) / cold: {100 * share:.2f} % (target: under 5 %), "
          f"warm runs rendered {sum(w['rendered'] for w in warm)} PDFs")
    return 0 if share < 0.05 and not any(w["rendered"] for w in warm) else 1


if __name__ == "__main__":
    sys.exit(main())
