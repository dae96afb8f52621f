"""Hypothesis strategies for files as people type them: raw YAML text and bytes, not yaml.safe_dump.

raw_edit(text) draws one typing mistake applied to a real file: an unquoted impossible date, a value
of another shape, a key written twice, a second top-level block, a tab, a byte-order mark, CRLF,
latin-1 or binary bytes, an alias bomb, a !!python tag, .nan, a control character, deep nesting.
"""
from __future__ import annotations

from hypothesis import strategies as st

VALUES = ["2022-02-30", "2023-13-01", "2022-11-16", "'2022-02-30'", "true", "[a, b]", "{a: b}", ".nan", "-.inf",
          "!!python/object/apply:os.system [true]", "*nowhere", "&x v", "a: b", '"unclosed', "12", "", "~",
          "x\ty", "<img src=x onerror=alert(1)>", "[" * 40 + "]" * 40, "\x0b", "é"]
BOMB = "".join([f'b0: &b0 [{",".join(["lol"] * 9)}]\n']
               + [f"b{i}: &b{i} [{','.join([f'*b{i - 1}'] * 9)}]\n" for i in range(1, 7)])


@st.composite
def raw_edit(draw, text: str) -> bytes:
    lines = text.split("\n")
    at = draw(st.integers(0, max(len(lines) - 1, 0)))
    line = lines[at]
    kind = draw(st.sampled_from(["value", "value", "twice", "block", "tab", "bomb", "bytes", "crlf", "bom"]))
    if kind == "value" and ": " in line:
        lines[at] = line.split(": ", 1)[0] + ": " + draw(st.sampled_from(VALUES))
    elif kind == "twice" and ":" in line:
        lines.insert(at, line)
    elif kind == "block":
        top = next((l for l in lines if l and not l[0].isspace() and l.rstrip().endswith(":")), "terms:")
        lines.insert(at, top + " []")
    elif kind == "tab":
        lines[at] = "\t" + line
    elif kind == "bomb":
        lines.insert(at, BOMB.rstrip("\n"))
    data = "\n".join(lines)
    if kind == "crlf":
        data = data.replace("\n", "\r\n")
    raw = data.encode("utf-8")
    if kind == "bom":
        raw = b"\xef\xbb\xbf" + raw
    if kind == "bytes":
        cut = draw(st.integers(0, len(raw)))
        raw = raw[:cut] + draw(st.sampled_from([b"\xe9", b"\x00", b"\xff\xfe", b"\x1b"])) + raw[cut:]
    return raw
