"""What changed in a French page since the version a translation records (its `source_hash`).

The old version is looked up in the repository's history: the commits that touched the French file
(following renames), newest first, until one's text has the recorded hash. A fresh clone has the whole
history, so this works there too; a shallow clone, a file never committed, or a hash typed by hand may
leave it unfound, and the report then says so plainly.

The diff compares the two versions unit by unit (headings, paragraphs, list items, table cells, front
matter fields): units added, removed, and changed, a changed unit shown sentence by sentence.
"""
from __future__ import annotations

import difflib
import functools
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from .. import translation as tr
from ..core import frontmatter
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a diff is made: translate-toolkit and mistletoe take a second or two
    from . import units as tu

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
# A changed unit is one that looks like an old one (else it is an old one removed and a new one added).
SIMILAR = 0.5
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+(?=\S)")


@dataclass(frozen=True)
class Change:
    kind: str  # added | removed | changed
    unit: str  # the unit's id in the new version (in the old one, for a removed unit)
    old: str = ""
    new: str = ""
    sentences: tuple[tuple[str, str], ...] = ()  # for a changed unit: ("-", old sentence), ("+", new one)


@dataclass
class Diff:
    path: str  # inside the language folder
    found: bool  # the old French version was found
    recorded: str  # the source_hash the translation records
    commit: str = ""  # where the old version was found
    changes: list[Change] = field(default_factory=list)


# -- the old version ------------------------------------------------------------------------------
def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None


@functools.lru_cache(maxsize=1024)
def _find(root: Path, file: str, recorded: str, head: str) -> tuple[str, str] | None:
    """(commit, text) of the newest committed version of file whose hash is recorded (head: the cache key)."""
    listing = _git(root, "log", "--follow", "--format=%H", "--name-only", "--", file)
    if not listing:
        return None
    commit = None
    for line in listing.splitlines():
        line = line.strip()
        if re.fullmatch(r"[0-9a-f]{40}", line):
            commit = line
        elif line and commit:  # the file's name in that commit (it may have been renamed since)
            text = _git(root, "show", f"{commit}:{line}")
            if text is not None and tr.source_hash(text) == recorded:
                return commit, text
    return None


def old_source(root: Path, source: str, path: str, recorded: str) -> tuple[str, str] | None:
    """(commit, text) of the French page docs/<source>/<path> whose hash is recorded, or None."""
    root = Path(root).resolve()
    head = (_git(root, "rev-parse", "HEAD") or "").strip()
    return _find(root, f"docs/{source}/{path}", recorded, head)


def recorded_hash(root: Path, lang: str, path: str) -> str:
    file = Path(root) / "docs" / lang / path
    meta = frontmatter.split(file.read_text(encoding="utf-8"), f"docs/{lang}/{path}")[0]
    return str(meta.get(tr.HASH_KEY) or "").strip()


# -- the diff --------------------------------------------------------------------------------------
def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(" ".join(text.split())) if s]


def _sentence_diff(old: str, new: str) -> tuple[tuple[str, str], ...]:
    a, b = sentences(old), sentences(new)
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out += [("-", s) for s in a[i1:i2]] + [("+", s) for s in b[j1:j2]]
    return tuple(out)


def compare(old: list[tu.Unit], new: list[tu.Unit]) -> list[Change]:
    """The changes from old units to new ones, in the new page's order."""
    a, b = [u.text for u in old], [u.text for u in new]
    changes: list[Change] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        gone, came = list(old[i1:i2]), list(new[j1:j2])
        # Pair each new unit with the most similar old one of the same stretch, if similar enough.
        for unit in came:
            scores = [(difflib.SequenceMatcher(None, o.text, unit.text).ratio(), o) for o in gone]
            best = max(scores, key=lambda s: s[0], default=(0.0, None))
            if best[1] is not None and best[0] >= SIMILAR:
                gone.remove(best[1])
                changes.append(Change(CHANGED, unit.id, best[1].text, unit.text, _sentence_diff(best[1].text, unit.text)))
            else:
                changes.append(Change(ADDED, unit.id, "", unit.text))
        changes += [Change(REMOVED, o.id, o.text, "") for o in gone]
    return changes


def page_diff(root: Path, languages: tuple[str, ...], lang: str, path: str) -> Diff:
    """What changed in the French page since the version docs/<lang>/<path> translates."""
    root, source = Path(root), languages[0]
    file = f"docs/{source}/{path}"
    recorded = recorded_hash(root, lang, path)
    current = (root / file).read_text(encoding="utf-8")
    if recorded and recorded == tr.source_hash(current):
        return Diff(path, True, recorded)
    found = old_source(root, source, path, recorded) if recorded else None
    if found is None:
        return Diff(path, False, recorded)
    commit, old_text = found
    from . import units as tu

    old_units = tu.split(old_text, file)[2]
    new_units = tu.split(current, file)[2]
    return Diff(path, True, recorded, commit, compare(old_units, new_units))


def diffs(root: Path, status: tr.Status) -> dict[tuple[str, str], Diff]:
    """(language, path) -> the diff of every translation outdated because its French page changed."""
    return {(page.lang, page.path): page_diff(root, status.languages, page.lang, page.path)
            for page in status.todo() if page.reason == "changed"}


# -- output -----------------------------------------------------------------------------------------
def not_found_text(diff: Diff, source: str) -> str:
    return (f"the French version this translation records (source_hash {diff.recorded or 'none'}) cannot be found "
            f"in the history of docs/{source}/{diff.path}: compare the whole page with the French")


def as_text(diff: Diff, source: str) -> str:
    """A readable diff of the French text."""
    if not diff.found:
        return f"  {not_found_text(diff, source)}"
    if not diff.changes:
        return "  no change in the French text" + (" (only markup outside the text changed)" if diff.commit else "")
    lines = [f"  since commit {diff.commit[:10]} (source_hash {diff.recorded}):"]
    for change in diff.changes:
        if change.kind == ADDED:
            lines.append(f"  + added ({change.unit}): {change.new}")
        elif change.kind == REMOVED:
            lines.append(f"  - removed ({change.unit}): {change.old}")
        else:
            lines.append(f"  ~ changed ({change.unit}):")
            lines += [f"      {sign} {sentence}" for sign, sentence in change.sentences]
    return "\n".join(lines)


def as_json(diff: Diff) -> dict:
    return {"found": diff.found, "source_hash": diff.recorded, "commit": diff.commit,
            "changes": [{"kind": c.kind, "unit": c.unit, "old": c.old, "new": c.new,
                         "sentences": [{"sign": s, "text": t} for s, t in c.sentences]} for c in diff.changes]}


def report_text(diffs: dict[tuple[str, str], Diff], source: str) -> str:
    """The section `make translations` adds for outdated pages: what changed in the French."""
    if not diffs:
        return ""
    lines = ["", "", f"What changed in the French ({len(diffs)} outdated page(s)):"]
    for (lang, path), diff in diffs.items():
        lines += [f"  {lang}  {path}", as_text(diff, source)]
    return "\n".join(lines)


def with_json(data: dict, diffs: dict[tuple[str, str], Diff]) -> dict:
    """The status as JSON, each outdated page of its to-do list with its French changes."""
    for item in data["todo"]:
        diff = diffs.get((item["lang"], item["path"]))
        if diff is not None:
            item["changes"] = as_json(diff)
    return data
