"""The translation workflow's commands (French is the source; see hooks/fourpm/translation.py).

    python -m tools.translations status [--json]       counts per section and language, pages to do
    python -m tools.translations check                 the same; exits 1 if anything is missing or
                                                       outdated, or a glossary/consistency problem is found
    python -m tools.translations scaffold LANG PATH    copy the French page to docs/LANG/PATH to translate
    python -m tools.translations mark-current LANG PATH   record that docs/LANG/PATH translates the
                                                       French page as it is now
    python -m tools.translations mark-current --all [LANG]   the same for every existing translation

PATH is relative to the language folder (roadmap/cf-iii.md); docs/fr/roadmap/cf-iii.md works too.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from fourpm import translation as tr  # noqa: E402
from fourpm.errors import ContentError  # noqa: E402


def languages(config_file: Path) -> tuple[str, ...]:
    """The languages of mkdocs.yml's i18n plugin, the source first."""
    from mkdocs.utils import yaml_load

    with open(config_file, encoding="utf-8") as handle:
        config = yaml_load(handle) or {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "i18n" in plugin:
            return tuple(lang["locale"] for lang in plugin["i18n"]["languages"])
    raise SystemExit(f"{config_file}: no i18n plugin with languages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.translations", description=__doc__.splitlines()[0])
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml", help="the site's mkdocs.yml")
    commands = parser.add_subparsers(dest="command", required=True)
    status = commands.add_parser("status", help="print the status of every translation")
    status.add_argument("--json", action="store_true", help="as JSON")
    commands.add_parser("check", help="print the status; exit 1 unless every translation is current and clean")
    scaffold = commands.add_parser("scaffold", help="copy a French page into a language folder, to translate")
    scaffold.add_argument("lang")
    scaffold.add_argument("path")
    mark = commands.add_parser("mark-current", help="record that translations match their French page as it is now")
    mark.add_argument("--all", action="store_true", help="every existing translation (of LANG, if given)")
    mark.add_argument("lang", nargs="?")
    mark.add_argument("path", nargs="?")
    args = parser.parse_args(argv)

    root = args.config_file.resolve().parent
    langs = languages(args.config_file)
    try:
        if args.command in ("status", "check"):
            report = tr.compute_status(root, langs)
            if getattr(args, "json", False):
                print(json.dumps(tr.as_json(report), ensure_ascii=False, indent=2))
            else:
                print(tr.as_text(report))
            if args.command == "check" and not report.ok:
                print(f"\ncheck-translations: {len(report.todo())} page(s) to do, {len(report.findings)} problem(s).",
                      file=sys.stderr)
                return 1
            return 0
        if args.command == "scaffold":
            target = tr.scaffold(root, langs, args.lang, args.path)
            print(f"{target.relative_to(root)}: scaffolded from the French page; translate it, remove the "
                  f"TODO line, then run: python -m tools.translations mark-current {args.lang} "
                  f"{target.relative_to(root / 'docs' / args.lang).as_posix()}")
            return 0
        if args.all:
            if args.path:
                parser.error("mark-current --all takes at most a language, not a path")
            pages = tr.translations(root, langs, args.lang)
        elif args.lang and args.path:
            pages = [(args.lang, args.path)]
        else:
            parser.error("mark-current needs LANG PATH, or --all [LANG]")
        for lang, path in pages:
            value = tr.mark_current(root, langs, lang, path)
            print(f"docs/{lang}/{tr.normalise_path(path, langs)}: current (source_hash {value})")
        return 0
    except ContentError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
