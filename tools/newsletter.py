"""Scaffold the next newsletter issue in every language of the site.

    python -m tools.newsletter [--date YYYY-MM-DD] [--config-file mkdocs.yml]   (make newsletter)

Writes docs/<lang>/newsletter/issue-<n>.md for n = the last issue's number + 1: front matter (number
and date in the French file only), the PDF line, and the four sections the Roadmap names. Existing
issues are validated first; no file is overwritten.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from fourpm.publications import newsletter  # noqa: E402
from fourpm.core import engine  # noqa: E402
from fourpm.core.labels import load_labels  # noqa: E402
from fourpm.core.errors import ContentError  # noqa: E402

DRAFT = "nl_draft_"  # the draft's words are labels of data/labels.yml: nl_draft_title, nl_draft_news...


def draft_texts(root: Path, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """{key: {lang: text}} of the nl_draft_* labels: title, summary, text and the four sections' titles."""
    labels = load_labels(root / "data", languages)
    return {key[len(DRAFT):]: forms for key, forms in labels.items() if key.startswith(DRAFT)}


def languages_of(config_file: Path) -> tuple[str, ...]:
    """The site's languages, in the order of mkdocs.yml (the source language first)."""
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    return tuple(code for code, _name, _default in engine.configured_languages(config))


def scaffold(docs_dir: Path, languages: tuple[str, ...], day: dt.date) -> list[Path]:
    """Write the next issue's files; return them. Raises ContentError on bad existing issues."""
    issues = newsletter.load_issues(docs_dir, languages)
    files = newsletter.next_issue(issues, day, languages, draft_texts(Path(docs_dir).parent, languages))
    targets = {Path(docs_dir) / rel: text for rel, text in files.items()}
    existing = [path for path in targets if path.exists()]
    if existing:
        raise ContentError(existing[0].relative_to(Path(docs_dir).parent).as_posix(), None,
                           "already exists", "no file was written")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(targets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the issue's date, YYYY-MM-DD (default: today)")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    args = parser.parse_args(argv)
    config_file = args.config_file.resolve()
    try:
        written = scaffold(config_file.parent / "docs", languages_of(config_file), args.date)
    except ContentError as error:
        print(f"Nothing written: {error}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path.relative_to(config_file.parent)}")
    print("Next: write the French issue, then translate it; `make serve` to preview.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
