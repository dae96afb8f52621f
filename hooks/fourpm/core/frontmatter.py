"""Split a Markdown file into its YAML front matter and its body (through the one reader, core.reader)."""
from __future__ import annotations

from . import reader


def split(text: str, file: str) -> tuple[dict, str]:
    """Return (meta, body). A file without front matter has empty meta."""
    meta, body, _lines = reader.split_front_matter(text.lstrip("\ufeff"), file)
    return meta, body
