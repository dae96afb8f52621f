"""The one reader of the project's files: text, YAML data and front matter.

Every file of docs/ and data/ is read here, as people type it: a byte-order mark and CRLF are
accepted (as MkDocs reads them), anything else odd is one ContentError naming the file, the line and
the fix. Dates stay the text that was written (the schemas parse them), but an impossible unquoted
date is an error here, since MkDocs' own front-matter reader would crash on it.
"""
from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from pathlib import Path

import yaml

from .errors import ContentError

MAX_BYTES = 4 * 1024 * 1024  # no page or data file comes near; a bigger one is a mistake
MAX_DEPTH = 16  # nesting of mappings and lists
MAX_NODES = 50_000  # values once aliases are expanded: a small "alias bomb" grows past any bound

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: every page of every language is parsed
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_LOOKS_LIKE_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}(?:[Tt ].*)?$")


class _Loader(_BASE):
    """Safe YAML whose dates stay text."""


def _line(number: int) -> str:
    return f"line {number}"


_Loader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for key, resolvers in _BASE.yaml_implicit_resolvers.items()}


def decode(raw: bytes, file: str) -> str:
    """The text of a file: UTF-8, with or without a byte-order mark, newlines as \\n."""
    if len(raw) > MAX_BYTES:
        raise ContentError(file, None, f"is {len(raw) // 1024} KB, more than the {MAX_BYTES // 1024} KB a page or "
                           "data file may hold", "split it, or check that it is the file you meant")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise ContentError(file, _line(line), f"byte 0x{raw[err.start]:02x} is not UTF-8 text (latin-1 or binary)",
                           "save the file as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if bad := _CONTROL.search(text):
        line = text.count("\n", 0, bad.start()) + 1
        raise ContentError(file, _line(line), f"holds the control character U+{ord(bad.group()):04X}",
                           "delete it: it is invisible and breaks the feeds and PDFs")
    return text


def read_text(path: Path, file: str) -> str:
    """decode() of a file; a missing or unreadable file is a ContentError too."""
    try:
        if path.is_file() and path.stat().st_size > MAX_BYTES:
            return decode(b"\0" * (MAX_BYTES + 1), file)  # the size error, without reading it
        return decode(path.read_bytes(), file)
    except FileNotFoundError:
        raise ContentError(file, None, "file is missing", "restore it (git checkout -- FILE) or create it") from None
    except IsADirectoryError:
        raise ContentError(file, None, "is a folder, not a file") from None
    except OSError as err:
        raise ContentError(file, None, f"cannot be read ({err.strerror})") from None


def load_yaml(text: str, file: str, first_line: int = 1):
    """The value of a YAML text (first_line: the file's line of its first line). Limits on nesting and
    size are checked on the event stream, before anything is built. A copy of what the same text gave
    before in this process: the same data files and front matter recur from build to build (the live
    preview's rebuilds, each language, the tests' copies of a project), and parsing is 20 times dearer."""
    return copy.deepcopy(_parsed(text, file, first_line))


@functools.lru_cache(maxsize=4096)
def _parsed(text: str, file: str, first_line: int):
    offset = first_line - 1
    try:
        _check_events(text, file, offset)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            _check_nodes(node, file, offset)
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.YAMLError as err:
        raise _yaml_error(err, file, offset, text) from None


def read_yaml(path: Path, file: str):
    """A data file's value."""
    return load_yaml(read_text(path, file), file)


def split_front_matter(text: str, file: str) -> tuple[dict, str, int]:
    """(meta, body, number of the file's lines before the body). No front matter: ({}, text, 0)."""
    match = _FRONT.match(text)
    if not match:
        if re.match(r"---[ \t]*\n", text):
            raise ContentError(file, "line 1", "the front matter is not closed", "end it with a line '---'")
        return {}, text, 0
    meta = load_yaml(match.group(1) or "", file, first_line=2)
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentError(file, "line 2", "the front matter must be 'key: value' lines")
    return meta, text[match.end():], match.group(0).count("\n")


def skip_front_matter(text: str) -> tuple[str, int]:
    """(body, number of lines before it), by the delimiters alone: for a page whose front matter was
    already read and checked (split_front_matter parses the YAML again)."""
    match = _FRONT.match(text)
    return (text[match.end():], match.group(0).count("\n")) if match else (text, 0)


def read_page(path: Path, file: str) -> tuple[dict, str, int]:
    return split_front_matter(read_text(path, file), file)


# -- checks -------------------------------------------------------------------------------------------
def _check_events(text: str, file: str, offset: int) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise ContentError(file, _line(event.start_mark.line + 1 + offset),
                                   f"values are nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _check_nodes(root: yaml.Node, file: str, offset: int) -> None:
    sizes: dict[int, int] = {}

    def line(node: yaml.Node) -> str:
        return _line(node.start_mark.line + 1 + offset)

    def size(node: yaml.Node, field: str) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known  # an alias: the same node again, counted again, walked once
        sizes[id(node)] = 1
        if isinstance(node, yaml.ScalarNode):
            _check_scalar(node, file, field, line(node))
            total = 1
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item, f"{field}[{_item_name(item, i)}]") for i, item in enumerate(node.value))
        else:
            seen: dict[object, yaml.Node] = {}
            total = 1
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else "?"
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise ContentError(file, line(key), f"the key '{key.value}' is written twice (first at "
                                           f"{line(seen[key.value])})", "keep one of them; merge their contents")
                    seen[key.value] = key
                total += size(key, field) + size(value, f"{field}.{name}" if field else name)
        sizes[id(node)] = total
        if total > MAX_NODES:
            raise ContentError(file, line(node), f"expands to more than {MAX_NODES} values (anchors and aliases)",
                               "write the values out instead of repeating an alias")
        return total

    size(root, "")


def _item_name(node: yaml.Node, index: int) -> str:
    """An item of a list as the loaders' errors name it: by its id, else by its number from 1."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "id" and isinstance(value, yaml.ScalarNode) and value.value:
                return value.value
    return str(index + 1)


def _check_scalar(node: yaml.ScalarNode, file: str, field: str, where: str) -> None:
    if node.tag.endswith(":float") and node.value.lower().lstrip("+-") in (".nan", ".inf"):
        raise ContentError(file, field or where, f'"{node.value}" is not a number that can be shown',
                           "write a number, e.g. 40, or quote the text")
    if not node.style and _LOOKS_LIKE_DATE.match(node.value):  # plain, not quoted
        try:
            dt.date.fromisoformat(node.value[:10])
        except ValueError:
            raise ContentError(file, field or where, f'"{node.value}" is not a date',
                               "write YYYY-MM-DD, e.g. 2022-11-16") from None


def _yaml_error(err: yaml.YAMLError, file: str, offset: int, text: str) -> ContentError:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if "flow" in (getattr(err, "context", None) or "") and getattr(err, "context_mark", None):
        mark = err.context_mark  # an unclosed [ or {: name the line where it opens
    # libyaml puts an error at the end of the text on the line after it: name the last line instead
    where = _line(min(mark.line + 1, text.count("\n") + 1) + offset) if mark else None
    problem = (getattr(err, "problem", None) or "").strip() or str(err).splitlines()[0]
    hint = "check the quotes and the indentation; quote a value that holds ': ' or starts with a special character"
    if mark is not None and text[mark.index:mark.index + 1] == "\t":
        problem, hint = "a tab is used where YAML needs spaces", "indent with spaces, not tabs"
    elif "could not determine a constructor" in problem:
        tag = problem.split("'")[1].replace("tag:yaml.org,2002:", "!!") if "'" in problem else "this tag"
        problem, hint = f"the tag {tag} is not allowed", "write a plain value (text, number, list or mapping)"
    elif "expected a single document" in str(err) or "but found another document" in str(err):
        problem, hint = "holds a second YAML document (a line '---')", "keep one document: delete the '---' line"
    elif "found undefined alias" in str(err):
        problem, hint = f"uses an alias that is not defined ({problem})", "define the anchor (&name) before *name"
    return ContentError(file, where, f"is not valid YAML: {problem}", hint)


# -- the pages of a folder, as the publications read them ------------------------------------------
def read_meta(path: Path, file: str) -> dict:
    """The front matter of a Markdown file, dates as text; {} when there is none."""
    return read_page(path, file)[0]


def parse_day(value, file: str, field: str = "date") -> dt.date:
    """A day written YYYY-MM-DD, or a ContentError naming the file and field."""
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ContentError(file, field, f'"{value}" is not a date', "write YYYY-MM-DD, e.g. 2022-11-16") from None


def source_files(docs_dir: Path, lang: str, folder: str) -> list[tuple[str, Path, str]]:
    """(path relative to the language folder, file, file name for messages) of folder/*.md but index.md."""
    root = Path(docs_dir) / lang
    return [(p.relative_to(root).as_posix(), p, f"docs/{lang}/{p.relative_to(root).as_posix()}")
            for p in sorted((root / folder).glob("*.md")) if p.name != "index.md"]


def body_offset(text: str, body: str) -> int:
    """How many lines of the file come before body (as MkDocs gives it: without the front matter and
    the blank lines after it), so errors can name the file's line."""
    rest, head = skip_front_matter(text.lstrip("\ufeff"))
    blank = lambda s: len(s) - len(s.lstrip("\n"))  # noqa: E731
    return head + blank(rest) - blank(body)
