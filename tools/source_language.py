"""Print the source language of mkdocs.yml (the first of mkdocs-static-i18n's languages): what `make serve`
previews when no lang= is given."""
from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent


def source_language(config_file: Path = ROOT / "mkdocs.yml") -> str:
    with open(config_file, encoding="utf-8") as f:
        config = yaml_load(f)
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            return plugin["i18n"]["languages"][0]["locale"]
    raise SystemExit("mkdocs.yml: no i18n plugin with languages")


if __name__ == "__main__":
    print(source_language(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "mkdocs.yml"))
