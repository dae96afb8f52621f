"""MkDocs hooks of the data pages (partners map, agenda, dashboard, support): thin handlers.

Importing fourpm.datapages registers its generated blocks; the logic lives there.
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from fourpm import datapages, geo
from fourpm.catalog import load_labels
from fourpm.errors import ContentError


def _context(config) -> tuple[Path, tuple[str, ...]]:
    languages = tuple(lang.locale for lang in config.plugins["i18n"].config.languages)
    return Path(config.config_file_path).resolve().parent, languages


# Validate data/partners.yml, events.yml and key_figures.yml, and find Leaflet, before anything is written.
def on_config(config):
    root, languages = _context(config)
    try:
        datapages.dataset(root, languages)
        geo.require(root, geo.LEAFLET_DIR / "leaflet.js")
    except ContentError as error:
        raise PluginError(str(error)) from None
    except geo.MissingPackage as missing:
        raise PluginError(str(missing)) from None


# Add the calendar of the language being built, and Leaflet with the map's land.
def on_post_build(config):
    root, languages = _context(config)
    lang = config.theme["language"]
    labels = {key: forms[lang] for key, forms in load_labels(root / "data", languages).items()}
    try:
        datapages.write_calendar(root, Path(config.site_dir), lang, languages, labels, config.site_url)
        datapages.copy_assets(root, Path(config.site_dir))
    except geo.MissingPackage as missing:
        raise PluginError(str(missing)) from None
