"""The translation workflow's commands (French is the source; see hooks/fourpm/translation/__init__.py).

    python -m tools.translations status [--json]       counts per section and language, pages to do
    python -m tools.translations check                 the same; exits 1 if anything is missing or
                                                       outdated, or a glossary/consistency problem is found
    python -m tools.translations scaffold LANG PATH    copy the French page to docs/LANG/PATH to translate
    python -m tools.translations mark-current LANG PATH   record that docs/LANG/PATH translates the
                                                       French page as it is now
    python -m tools.translations mark-current --all [LANG]   the same for every existing translation
    python -m tools.translations diff LANG PATH        what changed in the French page since the version
                                                       docs/LANG/PATH translates
    python -m tools.translations export LANG [--outdated|--missing|PATH...] -o FILE.xlf
                                                       an XLIFF 1.2 file for a translation tool (every page,
                                                       the outdated pages' changed units, the missing pages,
                                                       or the pages given)
    python -m tools.translations import FILE.xlf       write the translations it carries into docs/LANG/

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
from fourpm.translation import history as th  # noqa: E402
from fourpm.translation import xliff  # noqa: E402
from fourpm.core.errors import ContentError  # noqa: E402


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
    diff = commands.add_parser("diff", help="what changed in the French page since its translation")
    diff.add_argument("lang")
    diff.add_argument("path")
    export = commands.add_parser("export", help="write an XLIFF file for a translation tool")
    export.add_argument("lang")
    export.add_argument("paths", nargs="*", metavar="PATH", help="pages to export (every page if none is given)")
    export.add_argument("--outdated", action="store_true", help="only the units whose French changed, in outdated pages")
    export.add_argument("--missing", action="store_true", help="only the pages not yet translated")
    export.add_argument("-o", "--output", type=Path, required=True, help="the XLIFF file to write")
    importer = commands.add_parser("import", help="write the translations of an XLIFF file into docs/LANG/")
    importer.add_argument("file", type=Path)
    args = parser.parse_args(argv)

    root = args.config_file.resolve().parent
    langs = languages(args.config_file)
    try:
        if args.command in ("status", "check"):
            report = tr.compute_status(root, langs)
            changes = th.diffs(root, report)
            if getattr(args, "json", False):
                print(json.dumps(th.with_json(tr.as_json(report), changes), ensure_ascii=False, indent=2))
            else:
                print(tr.as_text(report) + th.report_text(changes, langs[0]))
            if args.command == "check" and not report.ok:
                print(f"\ncheck-translations: {len(report.todo())} page(s) to do, {len(report.findings)} problem(s).",
                      file=sys.stderr)
                return 1
            return 0
        if args.command == "diff":
            tr._check_language(args.lang, langs)
            path = tr.normalise_path(args.path, langs)
            tr._source_file(root, langs[0], path)
            if not (root / "docs" / args.lang / path).is_file():
                print(f"docs/{args.lang}/{path}: no translation yet: the whole French page is to translate")
                return 0
            print(f"docs/{args.lang}/{path}: changes in docs/{langs[0]}/{path}")
            print(th.as_text(th.page_diff(root, langs, args.lang, path), langs[0]))
            return 0
        if args.command == "export":
            if args.outdated and args.missing:
                parser.error("export takes --outdated or --missing, not both")
            mode = "outdated" if args.outdated else "missing" if args.missing else None
            data, pages, units = xliff.export(root, langs, args.lang, args.paths, mode)
            args.output.write_bytes(data)
            print(f"{args.output}: {units} unit(s) of {pages} page(s) to translate into {args.lang} "
                  f"(XLIFF {xliff.VERSION}); send it, then: python -m tools.translations import {args.output}")
            return 0
        if args.command == "import":
            lang, written = xliff.import_file(root, langs, args.file)
            for file, changed in written:
                print(f"{file}: {'written' if changed else 'unchanged'}")
            print(f"Review with `git diff docs/{lang}`, then run `make check-translations` and `make site`.")
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
