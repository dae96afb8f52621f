"""Build the whole site atomically: into a temporary folder, swapped into place only on success.

    python -m tools.build [--site-dir site] [--no-strict]

A build that fails leaves the previous site/ exactly as it was.
"""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_site(site_dir: Path, config_file: Path = ROOT / "mkdocs.yml", strict: bool = True) -> None:
    """Build into a sibling temporary folder, then replace site_dir with it. Raises on failure."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
    try:
        config = load_config(str(config_file), site_dir=str(tmp), strict=strict)
        build(config)
        _swap(tmp, site_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _swap(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    from mkdocs.exceptions import Abort, MkDocsException

    try:
        build_site(args.site_dir, args.config_file, strict=not args.no_strict)
    except (Abort, MkDocsException) as error:
        print(f"Build failed: {error}. The previous site was left unchanged.", file=sys.stderr)
        return 1
    print(f"Site built in {args.site_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
