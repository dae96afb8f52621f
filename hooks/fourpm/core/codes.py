"""Objective codes written in brackets, as the Roadmap writes them: [A6], [A2-A3-A6-B3]."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator

# A bracketed group of codes not followed by "(", "[" or ":" (which would make it a Markdown link).
BRACKETS = re.compile(r"\[(?P<codes>[A-Z]\d{1,2}(?:\s*[-–/]\s*[A-Z]\d{1,2})*)\](?![(\[:])")
_CODE = re.compile(r"[A-Z]\d{1,2}")
# What is never prose: inline code spans and HTML comments (fenced blocks are handled by lines).
_NOT_PROSE = re.compile(r"<!--.*?-->|(`+).+?\1", re.S)
_CODE_SPAN = re.compile(r"(`+).+?\1", re.S)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")


def segments(markdown: str, comments: bool = False) -> Iterator[tuple[bool, str]]:
    """Yield (is_prose, text) pieces that join back into the Markdown unchanged; HTML comments count
    as prose only if `comments` (placeholders are comments, and are not replaced inside code)."""
    split = _split_code if comments else split_by
    fence: str | None = None
    prose: list[str] = []
    for line in markdown.splitlines(keepends=True):
        opener = _FENCE.match(line)
        if fence is None and opener:
            yield from split("".join(prose))
            prose, fence = [], opener.group(1)
            yield False, line
        elif fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            yield False, line
        else:
            prose.append(line)
    yield from split("".join(prose))


def _split_code(text: str) -> Iterator[tuple[bool, str]]:
    return split_by(text, _CODE_SPAN)


def split_by(text: str, not_prose: re.Pattern = _NOT_PROSE) -> Iterator[tuple[bool, str]]:
    """(is_prose, piece) for the runs of text around the matches of not_prose, in order."""
    start = 0
    for match in not_prose.finditer(text):
        if match.start() > start:
            yield True, text[start:match.start()]
        yield False, match.group(0)
        start = match.end()
    if start < len(text):
        yield True, text[start:]


def find(markdown: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, codes) for each bracketed group in prose."""
    line = 1
    for is_prose, text in segments(markdown):
        if is_prose:
            for match in BRACKETS.finditer(text):
                yield line + text.count("\n", 0, match.start()), _CODE.findall(match.group("codes"))
        line += text.count("\n")


# In HTML: text outside tags, and outside code, preformatted text, links and scripts.
_HTML_SKIP = re.compile(r"<(pre|code|a|script|style|textarea)\b.*?</\1>|<!--.*?-->|<[^>]+>", re.S | re.I)


def replace_in_html(html: str, render: Callable[[list[str]], str]) -> str:
    """Replace each bracketed group in the text of rendered HTML by render(codes).

    Done on HTML rather than Markdown so Python-Markdown never has to parse the generated links."""
    if "[" not in html:
        return html
    out, start = [], 0
    for match in _HTML_SKIP.finditer(html):
        out.append(BRACKETS.sub(lambda m: render(_CODE.findall(m.group("codes"))), html[start:match.start()]))
        out.append(match.group(0))
        start = match.end()
    out.append(BRACKETS.sub(lambda m: render(_CODE.findall(m.group("codes"))), html[start:]))
    return "".join(out)
