"""Split a Markdown file into its YAML front matter and its body."""
from __future__ import annotations

import re

import yaml

from .errors import ContentError

# libyaml when available: the catalogue parses every page of every language.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def split(text: str, file: str) -> tuple[dict, str]:
    """Return (meta, body). A file without front matter has empty meta."""
    match = _FRONT.match(text)
    if not match:
        if text.startswith("---"):
            raise ContentError(file, None, "front matter is not closed", "end it with a line '---'")
        return {}, text
    try:
        meta = yaml.load(match.group(1), Loader=YAML_LOADER)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f" at line {mark.line + 2}" if mark else ""
        reason = getattr(err, "problem", None) or "invalid YAML"
        raise ContentError(file, None, f"front matter is not valid YAML{line}: {reason}",
                           "check the quotes and the indentation; a title with ':' must be quoted") from None
    except ValueError as err:  # a date that does not exist, e.g. 2022-11-31
        raise ContentError(file, None, f"front matter has a value that is not a valid date ({err})",
                           "write dates as YYYY-MM-DD, or quote the value") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(file, None, "front matter must be a mapping of 'key: value' lines")
    return meta, text[match.end():]


def body_offset(text: str, body: str) -> int:
    """How many lines of the file come before body (as MkDocs gives it: without the front matter and
    the blank lines after it), so errors can name the file's line."""
    match = _FRONT.match(text)
    head = match.group(0) if match else ""
    rest = text[len(head):]
    blank = lambda s: len(s) - len(s.lstrip("\n"))  # noqa: E731
    return head.count("\n") + blank(rest) - blank(body)
