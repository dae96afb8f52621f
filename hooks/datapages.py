"""MkDocs hooks of the data pages (partners map, agenda, dashboard, support): thin handlers.

Importing fourpm.data.pages registers its generated blocks; the logic lives there.
"""
from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError

from fourpm.data import pages as datapages, geo
from fourpm.catalog import site
from fourpm.core import sources
from fourpm.core.errors import ContentError


# Validate data/partners.yml, events.yml and key_figures.yml, and find Leaflet, before anything is written.
def on_config(config):
    project = sources.project_of(config)
    try:
        datapages.dataset(project)
        geo.require(project.root, geo.LEAFLET_DIR / "leaflet.js")
    except ContentError as error:
        raise PluginError(str(error)) from None
    except geo.MissingPackage as missing:
        raise PluginError(str(missing)) from None


# Add the calendar of the language being built, and Leaflet with the map's land.
def on_post_build(config):
    project = sources.project_of(config)
    lang = config.theme["language"]
    labels = site.load(project)[1].labels(lang)
    try:
        datapages.write_calendar(project, Path(config.site_dir), lang, labels, config.site_url)
        datapages.copy_assets(project.root, Path(config.site_dir))
    except geo.MissingPackage as missing:
        raise PluginError(str(missing)) from None
