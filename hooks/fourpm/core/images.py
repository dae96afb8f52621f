"""SVG drawn as PNG, for the social cards and the e-mail editions' logo."""
from __future__ import annotations

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
