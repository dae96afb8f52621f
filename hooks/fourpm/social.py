"""Social cards and Open Graph: the image and the preview a page shows when its link is shared.

A card is a 1200 x 630 PNG per page and language: the page's title, its section and the site's mark,
drawn with Pillow in the project's own fonts, laid out by overrides/social/card.yml (one file for
layout and colours). Material's social plugin is not used: it fetches its fonts from Google Fonts at
build time, needs cairosvg and Debian's libcairo, and under mkdocs-static-i18n the languages
overwrite each other's cards (static-i18n #228). The SVG logo is rasterised by resvg (resvg-py, a
self-contained wheel), with the same fonts.

Cards are cached in .cache/social/ by a hash of everything drawn (text, layout file, fonts, logo):
a build where nothing changed renders none and links the cached files into the site.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .core import reader
from .core.files import write_atomic
from .core.images import BAND, Backdrop, rasterize_svg
from .core.errors import ContentError

LAYOUT_FILE = "overrides/social/card.yml"
OUTPUT = "assets/images/social"  # in the language's folder of the site
VERSION = "3"  # of the drawing and encoding code: part of the cache key
KEEP_DAYS = 30  # cached cards not used for that long are removed
last_outcome = None  # of the last make_cards in this process (tests, benchmarks)


# -- layout ----------------------------------------------------------------------------------------
_TEXT_KEYS = {"x": int, "y": int, "size": int, "max_width": int, "font": str, "color": str}
_SCHEMA = {
    "logo": {"x": int, "y": int, "size": int},
    "section": _TEXT_KEYS,
    "title": {**_TEXT_KEYS, "min_size": int, "line_height": (int, float), "max_lines": int},
    "band": {"y": int, "height": int, "color": str},
    "site_name": _TEXT_KEYS,
}


@dataclass(frozen=True)
class Layout:
    values: dict
    digest: str  # of the layout file, the fonts and the logo: what every card shares
    fonts: dict  # name -> absolute path of the font file
    logo: bytes | None  # the SVG of the site's mark

    @property
    def size(self) -> tuple[int, int]:
        return tuple(self.values["size"])


def _check(value, expected, field: str):
    if isinstance(value, bool) or not isinstance(value, expected):
        raise ContentError(LAYOUT_FILE, field, f"{value!r} is not valid", "write a number" if expected is not str else "write a text")


def _color(value: str, field: str) -> str:
    if not (isinstance(value, str) and len(value) == 7 and value.startswith("#")
            and all(c in "0123456789abcdefABCDEF" for c in value[1:])):
        raise ContentError(LAYOUT_FILE, field, f"{value!r} is not a colour", 'write "#rrggbb", e.g. "#2f6b30"')
    return value


def parse_layout(text: str, root: Path, logo: Path | None) -> Layout:
    """The card layout from the text of card.yml, or a ContentError naming the field."""
    values = reader.load_yaml(text, LAYOUT_FILE)  # the project's one reader: one line, the line named
    if not isinstance(values, dict):
        raise ContentError(LAYOUT_FILE, None, "must be a mapping of 'key: value' lines")
    size = values.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and v > 0 for v in size)):
        raise ContentError(LAYOUT_FILE, "size", f"{size!r} is not a size", "write size: [1200, 630]")
    _color(values.get("background"), "background")
    fonts = values.get("fonts")
    if not isinstance(fonts, dict) or not fonts:
        raise ContentError(LAYOUT_FILE, "fonts", "is missing", "name the font files: fonts: {regular: ..., bold: ...}")
    paths = {}
    for name, rel in fonts.items():
        path = (root / str(rel)).resolve()
        if not path.is_file() or not path.is_relative_to(root.resolve()):
            raise ContentError(LAYOUT_FILE, f"fonts.{name}", f'"{rel}" is not a font file of the project',
                               "give a path such as overrides/pdf/fonts/DejaVuSans.ttf")
        paths[name] = path
    for part, keys in _SCHEMA.items():
        block = values.get(part)
        if not isinstance(block, dict):
            raise ContentError(LAYOUT_FILE, part, "is missing", f"add {part}: {{{', '.join(keys)}}}")
        for key, expected in keys.items():
            if key not in block:
                raise ContentError(LAYOUT_FILE, f"{part}.{key}", "is missing")
            _check(block[key], expected, f"{part}.{key}")
        if "color" in block:
            _color(block["color"], f"{part}.color")
        if "font" in block and block["font"] not in paths:
            raise ContentError(LAYOUT_FILE, f"{part}.font", f'"{block["font"]}" is not one of the fonts',
                               f"use one of {', '.join(paths)}")
    logo_svg = logo.read_bytes() if logo is not None and logo.is_file() else None
    digest = hashlib.sha256()
    for chunk in (VERSION.encode(), text.encode("utf-8"), *(p.read_bytes() for p in paths.values()), logo_svg or b""):
        digest.update(hashlib.sha256(chunk).digest())
    return Layout(values, digest.hexdigest(), paths, logo_svg)


def load_layout(root: Path, logo: Path | None) -> Layout:
    path = Path(root) / LAYOUT_FILE
    if not path.is_file():
        raise ContentError(LAYOUT_FILE, None, "is missing", "restore it from the repository: it lays out the social cards")
    return parse_layout(path.read_text(encoding="utf-8"), Path(root), logo)


# -- what a card shows -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Card:
    title: str
    section: str
    site_name: str
    direction: str = "ltr"  # of the language's script: "rtl" aligns the texts on the right of their boxes

    def key(self, layout: Layout) -> str:
        text = json.dumps([self.title, self.section, self.site_name, self.direction, layout.digest], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def card_name(path: str) -> str:
    """Where the card of docs/<lang>/<path> goes, in the language's folder: assets/images/social/objectives/a6.png."""
    return f"{OUTPUT}/{path[:-3] if path.endswith('.md') else path}.png"


# -- drawing ---------------------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _font(path: Path, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(path), size)


def wrap(text: str, measure, width: int) -> list[str]:
    """Words in lines no wider than width (a word longer than the line stays whole on its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and measure(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def fit(text: str, measure_at, size: int, min_size: int, width: int, max_lines: int) -> tuple[int, list[str]]:
    """The largest font size (size, size-4... min_size) whose wrapped lines are at most max_lines; at
    min_size, the lines beyond are cut and the last one ends with an ellipsis."""
    for candidate in range(size, min_size - 1, -4):
        lines = wrap(text, measure_at(candidate), width)
        if len(lines) <= max_lines and all(measure_at(candidate)(line) <= width for line in lines):
            return candidate, lines
    measure = measure_at(min_size)
    lines = wrap(text, measure, width)
    kept = lines[:max_lines]
    last = kept[-1] if len(lines) > max_lines else None
    if last is not None:
        while last and measure(last + " …") > width:
            last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
        kept[-1] = last + " …"
    return min_size, [_shorten(line, measure, width) for line in kept]


def _shorten(line: str, measure, width: int) -> str:
    if measure(line) <= width:
        return line
    while line and measure(line + "…") > width:
        line = line[:-1]
    return line + "…"


class Drawer:
    """Draws cards of one layout: the background with band and mark is drawn once, per site name."""

    def __init__(self, layout: Layout):
        self.layout = layout
        self._backgrounds: dict[str, object] = {}

    def _font(self, block: dict, size: int | None = None):
        return _font(self.layout.fonts[block["font"]], size or block["size"])

    def _background(self, site_name: str, direction: str) -> Backdrop:
        from PIL import Image, ImageDraw

        if (site_name, direction) in self._backgrounds:
            return self._backgrounds[site_name, direction]
        v = self.layout.values
        image = Image.new("RGB", self.layout.size, v["background"])
        draw = ImageDraw.Draw(image)
        band = v["band"]
        draw.rectangle([0, band["y"], image.width, band["y"] + band["height"]], fill=band["color"])
        if self.layout.logo:
            logo = v["logo"]
            png = rasterize_svg(self.layout.logo, logo["size"], logo["size"], list(self.layout.fonts.values()))
            mark = Image.open(io.BytesIO(png)).convert("RGBA")
            image.paste(mark, (logo["x"], logo["y"]), mark)
        draw.text(**self._line(v["site_name"], site_name, direction))
        self._backgrounds[site_name, direction] = Backdrop(image)
        return self._backgrounds[site_name, direction]

    def _line(self, block: dict, text: str, direction: str = "ltr", font=None, y: int | None = None) -> dict:
        """The arguments of ImageDraw.text that draw one line of a block."""
        font = font or self._font(block)
        right = direction == "rtl"
        return {"xy": (block["x"] + block["max_width"] if right else block["x"], block["y"] if y is None else y),
                "text": _shorten(text, font.getlength, block["max_width"]), "font": font, "fill": block["color"],
                "anchor": "ra" if right else "la", "direction": direction if right else None}

    def lines(self, card: Card) -> list[dict]:
        """The card's own texts (its section, its title fitted in its box), as arguments of ImageDraw.text."""
        v = self.layout.values
        lines = [self._line(v["section"], card.section, card.direction)] if card.section else []
        t = v["title"]
        size, wrapped = fit(card.title, lambda s: _font(self.layout.fonts[t["font"]], s).getlength, t["size"],
                            t["min_size"], t["max_width"], t["max_lines"])
        font = self._font(t, size)
        return lines + [self._line(t, line, card.direction, font, t["y"] + round(number * size * t["line_height"]))
                        for number, line in enumerate(wrapped)]

    def render(self, card: Card) -> bytes:
        """The card as PNG. Its texts are drawn on a copy of the rows they cover (and a band around),
        which alone are deflated: the background's other rows were deflated once (core/images.py)."""
        from PIL import ImageDraw

        backdrop, lines = self._background(card.site_name, card.direction), self.lines(card)
        if not lines:  # no section, and a title of spaces only
            return backdrop.encode()
        boxes = [line["font"].getbbox(line["text"], anchor=line["anchor"], direction=line["direction"])
                 for line in lines]
        ink_top = min(line["xy"][1] + box[1] for line, box in zip(lines, boxes))
        ink_bottom = max(line["xy"][1] + box[3] for line, box in zip(lines, boxes))
        top = max(0, (ink_top // BAND - 1) * BAND)
        bottom = min(backdrop.image.height, (ink_bottom // BAND + 2) * BAND)
        patch = backdrop.image.crop((0, top, backdrop.image.width, bottom))
        draw = ImageDraw.Draw(patch)
        for line in lines:
            draw.text(**{**line, "xy": (line["xy"][0], line["xy"][1] - top)})
        return backdrop.encode(patch, top)


# -- cache and output ------------------------------------------------------------------------------
def cache_dir(root: Path) -> Path:
    """Outside site/, so a build (which replaces site/) keeps it; FPM_SOCIAL_CACHE moves it."""
    return Path(os.environ.get("FPM_SOCIAL_CACHE") or Path(root) / ".cache" / "social")


@dataclass
class Outcome:
    cards: int = 0
    rendered: int = 0
    cached: int = 0
    seconds: float = 0.0
    rendered_keys: list = field(default_factory=list)


def make_cards(jobs: list[tuple[Card, Path]], layout: Layout, cache: Path) -> Outcome:
    """Every job's card written to its target, from the cache or drawn (and then cached)."""
    start, outcome, drawer, folders = time.perf_counter(), Outcome(), None, set()
    cache.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for card, target in jobs:
        key = card.key(layout)
        entry = cache / f"{key}.png"
        if entry.is_file():
            os.utime(entry, (now, now))  # in use: kept by the pruning below
            outcome.cached += 1
        else:
            drawer = drawer or Drawer(layout)
            write_atomic(entry, drawer.render(card))
            outcome.rendered += 1
            outcome.rendered_keys.append(key)
        if target.parent not in folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        _place(entry, target)
        outcome.cards += 1
    for old in cache.glob("*.png"):
        if old.stat().st_mtime < now - KEEP_DAYS * 86400:
            old.unlink(missing_ok=True)
    outcome.seconds = time.perf_counter() - start
    return outcome


def _place(entry: Path, target: Path) -> None:
    """The cached card at target: a hard link, as the cache never writes an entry in place (write_atomic
    replaces it); a copy where the two folders are on different file systems."""
    try:
        os.link(entry, target)
    except FileExistsError:  # make serve builds into the site folder it already wrote
        target.unlink()
        _place(entry, target)
    except OSError:
        shutil.copyfile(entry, target)


# -- Open Graph ------------------------------------------------------------------------------------
@lru_cache(maxsize=64)  # Babel parses its locale data again at each call: 3 calls a page
def og_locale(locale: str) -> str:
    """The Open Graph locale (language_TERRITORY) of a language's Babel locale; one without a territory
    gets its likely one from Babel: fr -> fr_FR, es -> es_ES, en_GB stays en_GB."""
    from babel.core import Locale, get_global

    parsed = Locale.parse(locale.replace("-", "_"))
    if parsed.territory is None:
        likely = get_global("likely_subtags").get(parsed.language)
        parsed = Locale.parse(likely) if likely else parsed
    return f"{parsed.language}_{parsed.territory}" if parsed.territory else parsed.language


def metadata(*, title: str, description: str, url: str | None, image: str | None, site_name: str, locale: str,
             other_locales: tuple[str, ...], published: str | None = None, size: tuple[int, int] = (1200, 630)) -> dict:
    """What the head of a page says to social networks (overrides/partials/fpm-social.html writes it,
    escaped). locale, other_locales: the Babel locales of the page's language and of the others."""
    return {"title": title, "description": description, "url": url, "image": image, "image_alt": title,
            "width": size[0], "height": size[1], "site_name": site_name,
            "type": "article" if published else "website", "published": published,
            "locale": og_locale(locale), "alternates": [og_locale(other) for other in other_locales]}
