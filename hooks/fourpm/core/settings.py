"""The project's settings: what the team sets under `extra:` in mkdocs.yml, typed and checked once per
build (on_config), with the key in the error. The environment overrides a few for one run:
FPM_PDF=0|1 (render PDFs or not), FPM_PDF_WORKERS=N."""
from __future__ import annotations

import os
import re

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .errors import ContentError

FILE = "mkdocs.yml"
_URL = re.compile(r"^https://[^\s/]+\.[^\s]+$")


class MapSettings(Config):
    """The partners map's background tiles: off unless a tile URL with {z}/{x}/{y} is given."""
    tiles = c.Type(str, default="")
    attribution = c.Type(str, default="")


class SupportSettings(Config):
    """The support page's online donation link (empty: a note instead of the button)."""
    donation_url = c.Type(str, default="")


class PdfSettings(Config):
    """The PDF stage: render = auto (a build renders, the live preview does not), yes or no."""
    render = c.Choice(("auto", "yes", "no"), default="auto")
    workers = c.Optional(c.Type(int))  # for the whole build; default: one per core
    cache_dir = c.Type(str, default=".cache/pdf")


class Settings(Config):
    locales = c.Type(dict, default={})  # language code -> Babel locale, where the code alone is not enough
    partners_map = c.SubConfig(MapSettings)
    support = c.SubConfig(SupportSettings)
    pdf = c.SubConfig(PdfSettings)


def read_settings(extra: dict, environ: dict[str, str] | None = None) -> Settings:
    """extra: of mkdocs.yml (other keys, the theme's, are left alone), checked; the environment's
    FPM_PDF and FPM_PDF_WORKERS win for one run."""
    environ = os.environ if environ is None else environ
    ours = {key: extra[key] for key, _option in Settings._schema if key in extra}
    settings = Settings(config_file_path=FILE)
    settings.load_dict(ours)
    failed, _warnings = settings.validate()
    if failed:
        key, error = failed[0]
        message = str(error).replace("\n", " ")
        if sub := re.match(r"Sub-option '(\w+)': (.*)", message):
            key, message = f"{key}.{sub.group(1)}", sub.group(2)
        for raw, name in (("<class 'str'>", "text"), ("<class 'int'>", "a number"), ("<class 'dict'>", "a mapping"),
                          ("<class 'list'>", "a list"), ("<class 'bool'>", "true/false")):
            message = message.replace(raw, name)
        raise ContentError(FILE, f"extra.{key}", message.replace("Expected type: ", "expected ").replace("received: ", "got "))
    if settings.partners_map.tiles and "{z}" not in settings.partners_map.tiles:
        raise ContentError(FILE, "extra.partners_map.tiles", f'"{settings.partners_map.tiles}" is not a tile URL',
                           "write https://.../{z}/{x}/{y}.png, or leave it empty")
    if settings.support.donation_url and not _URL.match(settings.support.donation_url):
        raise ContentError(FILE, "extra.support.donation_url", f'"{settings.support.donation_url}" is not a web address',
                           "write https://...")
    asked = environ.get("FPM_PDF")
    if asked in ("0", "1"):
        settings.pdf.render = "yes" if asked == "1" else "no"
    elif asked:
        raise ContentError("FPM_PDF", None, f'"{asked}" is not 0 or 1', "FPM_PDF=1 renders the PDFs, FPM_PDF=0 skips them")
    if workers := environ.get("FPM_PDF_WORKERS"):
        if not workers.isdigit() or int(workers) < 1:
            raise ContentError("FPM_PDF_WORKERS", None, f'"{workers}" is not a number of workers', "write 1, 2...")
        settings.pdf.workers = int(workers)
    return settings
