"""SVG drawn as PNG, for the social cards and the e-mail editions' logo; Pillow images written as PNG."""
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


BAND = 16  # rows deflated at a time: small buffers (no page faults of a 2 MB one)
_KINDS = {"RGB": (2, 3), "RGBA": (6, 4)}  # PNG colour type, bytes per pixel


def _kind(image) -> tuple[int, int]:
    if image.mode not in _KINDS:
        raise ValueError(f"PNGs are written from RGB or RGBA images, not {image.mode}")
    return _KINDS[image.mode]


def _scanlines(image, top: int, bottom: int) -> bytes:
    """Rows top..bottom of image as PNG scanlines, each unfiltered (filter byte 0)."""
    stride = image.width * _kind(image)[1]
    raw = image.crop((0, top, image.width, bottom)).tobytes()
    return b"".join(b"\0" + raw[y:y + stride] for y in range(0, len(raw), stride))


def _png(image, idat: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, _kind(image)[0], 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _adler32_combine(first: int, second: int, length: int) -> int:
    """The Adler-32 of two byte strings end to end, from theirs and the second's length (zlib's own
    adler32_combine, which Python does not expose)."""
    base, rem = 65521, length % 65521
    a = ((first & 0xFFFF) + (second & 0xFFFF) + base - 1) % base
    b = ((rem * (first & 0xFFFF)) + (first >> 16) + (second >> 16) + base - rem) % base
    return a | (b << 16)


def _deflated(deflate, data: bytes) -> bytes:
    """data deflated, ended by a full flush: bytes that decode on their own, after any others."""
    return deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)


class Backdrop:
    """An image whose bands of rows are deflated once, each on its own (a full flush ends each): a copy
    with a few rows drawn over (a social card: its background and its texts) is encoded by deflating
    those rows only, the others' deflated bytes spliced in. Rows are unfiltered and deflated at level 1:
    the same pixels as Pillow's encoder, in a third of its time (its adaptive filter tries five filters on
    every row), and smaller for flat drawings such as the social cards."""

    def __init__(self, image):
        _kind(image)
        self.image, self.bands = image, []
        deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
        for top in range(0, image.height, BAND):
            data = _scanlines(image, top, min(top + BAND, image.height))
            self.bands.append((_deflated(deflate, data), zlib.adler32(data), len(data)))

    def encode(self, patch=None, top: int = 0) -> bytes:
        """The PNG of this image with its rows from top (a multiple of BAND) replaced by patch, an image of
        the same width and mode; without a patch, the image as it is."""
        if patch is None:
            patch = self.image.crop((0, 0, self.image.width, 0))
        if top % BAND or patch.width != self.image.width or patch.mode != self.image.mode \
                or top + patch.height > self.image.height:
            raise ValueError("the patch must be as wide as the backdrop, start on a band and fit in it")
        first, last = top // BAND, (top + patch.height + BAND - 1) // BAND
        deflate, parts, adler = zlib.compressobj(1, zlib.DEFLATED, -15), [], 1
        for number, (deflated, band_adler, length) in enumerate(self.bands):
            if first <= number < last:
                start = number * BAND - top
                data = _scanlines(patch, start, min(start + BAND, patch.height))
                if len(data) < length:  # the patch ends inside this band: the backdrop's rows below it
                    data += _scanlines(self.image, top + patch.height, min((number + 1) * BAND, self.image.height))
                deflated, band_adler, length = _deflated(deflate, data), zlib.adler32(data), len(data)
            parts.append(deflated)
            adler = _adler32_combine(adler, band_adler, length)
        final = zlib.compressobj(1, zlib.DEFLATED, -15).flush()  # an empty last block
        return _png(self.image, b"\x78\x01" + b"".join(parts) + final + struct.pack(">I", adler))
