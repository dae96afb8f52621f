"""Split a Markdown file into its YAML front matter and its body (through the one reader, core.reader)."""
from __future__ import annotations

from .core import reader


def split(text: str, file: str) -> tuple[dict, str]:
    """Return (meta, body). A file without front matter has empty meta."""
    meta, body, _lines = reader.split_front_matter(text.lstrip("\ufeff"), file)
    return meta, body


def body_offset(text: str, body: str) -> int:
    """How many lines of the file come before body (as MkDocs gives it: without the front matter and
    the blank lines after it), so errors can name the file's line."""
    rest, head = reader.skip_front_matter(text.lstrip("\ufeff"))
    blank = lambda s: len(s) - len(s.lstrip("\n"))  # noqa: E731
    return head + blank(rest) - blank(body)
