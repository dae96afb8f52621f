"""SVG drawn as PNG, for the social cards and the e-mail editions' logo."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

from .errors import ContentError


def rasterize_svg(svg: bytes, width: int | None, height: int | None, fonts: list[Path]) -> bytes:
    """An SVG drawn as a PNG of that size (None: its own), its text in the given fonts only (no system font)."""
    try:
        import resvg_py  # guarded: only needed when an image is drawn
    except ImportError:
        raise ContentError("requirements.txt", None, "resvg-py is not installed, the SVG logo cannot be drawn",
                           "run make site, which installs requirements.txt") from None
    from PIL import ImageFont

    family = ImageFont.truetype(str(fonts[0]), 12).getname()[0] if fonts else None
    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width=width, height=height,
                                           skip_system_fonts=True, font_files=[str(f) for f in fonts],
                                           font_family=family, sans_serif_family=family))
    except ValueError as error:
        raise ContentError("docs/assets/logo.svg", None, f"cannot be drawn: {error}", "check that it is a valid SVG") from None


def encode_png(image) -> bytes:
    """A Pillow RGB or RGBA image as PNG, every row unfiltered and deflated at level 1: the same pixels
    as Pillow's encoder gives, in a third of its time (its adaptive filter tries five filters on every
    row), and smaller for flat drawings such as the social cards."""
    kinds = {"RGB": (2, 3), "RGBA": (6, 4)}
    if image.mode not in kinds:
        raise ValueError(f"encode_png takes RGB or RGBA images, not {image.mode}")
    colour, channels = kinds[image.mode]
    width, height = image.size
    stride, band = width * channels, 16  # rows at a time: small buffers, no page faults of a 2 MB one
    deflate, idat = zlib.compressobj(1), []
    for top in range(0, height, band):
        raw = image.crop((0, top, width, min(top + band, height))).tobytes()
        idat.append(deflate.compress(b"".join(b"\0" + raw[y:y + stride] for y in range(0, len(raw), stride))))
    idat.append(deflate.flush())

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", b"".join(idat)) + chunk(b"IEND", b""))
