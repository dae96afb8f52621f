"""One error type for bad input: it names the file, the field and the fix."""
from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable


class ContentError(Exception):
    """Bad content or data. Its message is what the team reads: no traceback."""

    def __init__(self, file: str, field: str | None, problem: str, hint: str | None = None):
        self.file, self.field, self.problem, self.hint = file, field, problem, hint
        # A location is either a front-matter field or a line of the body ("line 12").
        where = file if not field else f"{file}, {field}" if field.startswith("line ") else f"{file}, field '{field}'"
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        # One line, whatever a key or value holds: line breaks and control characters are shown escaped;
        # the no-break spaces of French typography are kept.
        super().__init__("".join(c.encode("unicode_escape").decode("ascii")
                                 if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in message))


def did_you_mean(value: str, choices: Iterable[str]) -> str | None:
    """A hint naming the nearest valid value, if any is near enough."""
    upper = {c.upper(): c for c in choices}
    match = difflib.get_close_matches(str(value).upper(), list(upper), n=1, cutoff=0.5)
    return f"did you mean {upper[match[0]]}?" if match else None


def listed(items: list[str], limit: int = 12) -> str:
    """The first items, and how many more: a message stays one readable line on a big site."""
    return ", ".join(items[:limit]) + (f" and {len(items) - limit} more" if len(items) > limit else "")
