"""A page's translatable units, and the page written again with their translations.

translate-toolkit's Markdown reader (mistletoe underneath, the reader Weblate uses) splits the body
into units: one per heading, paragraph, list item, table cell and (here) admonition title; an image's
alt text stays in its paragraph, between protected brackets. Each unit's text is cut into prose and
protected elements that a translator must keep as they are: objective codes in brackets, placeholder
comments, link and image targets, inline code, HTML tags, URLs and Markdown markup. The front matter's
translatable fields (title, description, summary) are units too.

Rendering walks the French page again and asks for each unit's translation, so a translated page keeps
the French page's structure. Two additions to the reader keep this project's pages as they are written:
admonitions (`!!! note "Title"` and an indented body) and tables without column padding.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from mistletoe import block_token
from translate.storage.markdown import MarkdownFile, TranslatingMarkdownRenderer

from ..core import codes, frontmatter

META_FIELDS = ("title", "description", "summary")
META_PREFIX = "meta."

# Protected elements, by kind (the kind becomes the XLIFF ctype). Order matters: the first that matches wins.
_KINDS = {
    "x-placeholder": r"<!--.*?-->",
    "x-code": r"``.+?``|`[^`]+`",
    "x-link-target": r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)",
    # Inside a unit "[D2]:" is a code too: only a whole line "[x]: url" defines a link.
    "x-objective": codes.BRACKETS.pattern.replace("?P<codes>", "?:").replace("(?![(\\[:])", "(?![(\\[])"),
    "x-link-start": r"!?\[",
    "x-html": r"</?[A-Za-z][^<>]*>",
    # An attribute list, {#contacts}: the same anchor in every language, so links to it work in each.
    "x-attrs": r"\{:?[ \t]*[#.][^{}\n]*\}",
    "x-url": r"https?://[^\s<>()\[\]]*[^\s<>()\[\].,;:!?»\"']",
    "x-escape": r"\\[\\`*_{}\[\]()#+\-.!|]",
    "x-markup": r"\*{1,3}|(?<![\w])_{1,3}|_{1,3}(?![\w])|~~",
}
_PROTECTED = re.compile("|".join(f"(?P<{k.replace('-', '_')}>{p})" for k, p in _KINDS.items()), re.S)


@dataclass(frozen=True)
class Code:
    """A protected element of a unit: its id inside the unit, its text as written, its kind."""
    id: str
    text: str
    kind: str


Piece = str | Code


@dataclass(frozen=True)
class Unit:
    id: str  # the place in the page: "h2[1]/li[3]/p[1]", "table[1]/r[2]/c[1]", "meta.title"
    text: str  # as the page writes it (Markdown for the body's units)

    @property
    def pieces(self) -> list[Piece]:
        return pieces(self.text, self.id.startswith(META_PREFIX))


def pieces(text: str, plain: bool = False) -> list[Piece]:
    """text cut into prose (str) and protected elements (Code, numbered from 1); plain text has none."""
    if plain:
        return [text] if text else []
    result: list[Piece] = []
    at = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > at:
            result.append(text[at:match.start()])
        kind = match.lastgroup.replace("_", "-")
        result.append(Code(str(sum(isinstance(p, Code) for p in result) + 1), match.group(0), kind))
        at = match.end()
    if at < len(text):
        result.append(text[at:])
    return result


def pairs(items: list[Piece]) -> list[tuple[str, str]]:
    """(opening id, closing id) of the paired elements: a link's brackets, emphasis markers."""
    found, links, marks = [], [], {}
    for item in items:
        if not isinstance(item, Code):
            continue
        if item.kind == "x-link-start":
            links.append(item.id)
        elif item.kind == "x-link-target" and links:
            found.append((links.pop(), item.id))
        elif item.kind == "x-markup":
            if item.text in marks:
                found.append((marks.pop(item.text), item.id))
            else:
                marks[item.text] = item.id
    return found


# -- the Markdown reader, with this project's admonitions and unpadded tables --------------------------
class Admonition(block_token.BlockToken):
    """Python-Markdown's admonition: `!!! kind "Title"` (or ??? / ???+) and a body indented by 4 spaces."""
    pattern = re.compile(r'^(!!!|\?\?\?\+?)[ \t]+([\w-]+(?:[ \t]+[\w-]+)*)(?:[ \t]+"([^"]*)")?[ \t]*$')

    def __init__(self, match):
        self.marker, self.kind, self.title, lines = match
        super().__init__(lines, block_token.tokenize)

    @classmethod
    def start(cls, line: str) -> bool:
        return cls.pattern.match(line.rstrip("\n")) is not None

    @classmethod
    def read(cls, lines):
        head = cls.pattern.match(next(lines).rstrip("\n"))
        body = []
        while (line := lines.peek()) is not None and (not line.strip() or line.startswith(("    ", "\t"))):
            body.append(line[4:] if line.startswith("    ") else line[1:] if line.startswith("\t") else line)
            next(lines)
        while body and not body[-1].strip():  # blank lines after the body belong to the page
            body.pop()
            lines.backstep()
        return head.group(1), head.group(2), head.group(3), body


class _Renderer(TranslatingMarkdownRenderer):
    def render_admonition(self, token: Admonition, max_line_length):
        self._enter_container("admonition")
        head = f"{token.marker} {token.kind}"
        if token.title is not None:
            self._current_docpath = self._build_docpath("title")
            title = self.translate_callback(token.title, self.path, self._current_docpath) if token.title else ""
            head += f' "{title}"'
        body = list(self.blocks_to_lines(token.children, max_line_length=max_line_length))
        self._exit_container()
        return [head, *(("    " + line) if line.strip() else "" for line in body)]

    @classmethod
    def table_separator_line_to_text(cls, col_widths, col_align):
        return [{None: "---", 0: ":-:", 1: "--:"}.get(align, "---") for align in
                (col_align[i] if i < len(col_align) else None for i in range(len(col_widths)))]

    @classmethod
    def table_row_to_line(cls, col_text, col_widths, col_align) -> str:
        cells = [col_text[i] if i < len(col_text) else "" for i in range(len(col_widths))]
        if all(re.fullmatch(r":?-+:?", c) for c in cells):
            return "|" + "|".join(cells) + "|"
        return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


class _Page(MarkdownFile):
    """One page body read (and written again) through translate-toolkit's Markdown store."""

    def __init__(self, body: str, translate: Callable[[str, str], str]):
        super().__init__(no_placeholders=True, extract_code_blocks=False)
        self._translate, self._seen = translate, Counter()
        with _Renderer(self._translate_callback, block_token.Table, Admonition, no_placeholders=True,
                       extract_code_blocks=False) as renderer:
            self.filesrc = renderer.render(block_token.Document(body.splitlines()))

    def _translate_callback(self, text: str, path, docpath: str = "") -> str:
        text = text.strip()
        if not text:
            return ""
        self._seen[docpath] += 1
        uid = docpath if self._seen[docpath] == 1 else f"{docpath}#{self._seen[docpath]}"
        self.addsourceunit(text).setdocpath(uid)
        return self._translate(uid, text)


# -- a page's units, and the page written with translations ---------------------------------------------
def split(text: str, file: str) -> tuple[dict, str, list[Unit]]:
    """(front matter, body, units) of a page: the front matter's translatable fields first."""
    meta, body = frontmatter.split(text, file)
    units = [Unit(META_PREFIX + key, str(meta[key]).strip()) for key in META_FIELDS
             if isinstance(meta.get(key), str) and meta[key].strip()]
    found: list[Unit] = []
    _Page(body, lambda uid, source: found.append(Unit(uid, source)) or source)
    return meta, body, units + found


def render_body(body: str, translation: Callable[[Unit], str]) -> str:
    """The body with each unit replaced by translation(unit)."""
    return _Page(body, lambda uid, source: translation(Unit(uid, source))).filesrc


def join(items: list[Piece]) -> str:
    return "".join(p.text if isinstance(p, Code) else p for p in items)
