"""The Nu Html Checker (vnu.jar from the npm package vnu-jar, run with the machine's Java) and the
allowlist of the errors that come from the theme and cannot be fixed (tests/vnu-allowlist.txt)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .site import ROOT

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ALLOWLIST = ROOT / "tests" / "vnu-allowlist.txt"


@dataclass(frozen=True)
class Message:
    file: str  # relative to the checked folder
    line: int | None
    message: str
    extract: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message} [{self.extract}]"


@dataclass(frozen=True)
class Allowed:
    message: str  # a substring of the checker's message
    extract: str  # a substring of the markup it quotes (whitespace collapsed)
    reason: str

    def matches(self, error: Message) -> bool:
        return self.message in error.message and self.extract in error.extract


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check(files: list[Path], base: Path) -> list[Message]:
    """The checker's errors over files (one Java run for all of them)."""
    java = shutil.which("java")
    assert java, "java is missing: install the Debian package default-jre-headless (system-packages.txt)"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `npm ci` (the Makefile's test targets do)"
    result = subprocess.run([java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout",
                             "--exit-zero-always", *map(str, files)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    errors = []
    for raw in json.loads(result.stdout)["messages"]:
        url = raw.get("url", "")
        path = Path(url.removeprefix("file:")) if url.startswith("file:") else None
        file = path.relative_to(base).as_posix() if path and path.is_relative_to(base) else url
        errors.append(Message(file, raw.get("lastLine"), raw.get("message", ""), _squash(raw.get("extract", ""))))
    return errors


def load_allowlist(path: Path = ALLOWLIST) -> list[Allowed]:
    """Entries `message | extract`, each after one or more `# reason` lines; blank lines separate groups."""
    entries, reason = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            reason = []
        elif line.startswith("#"):
            reason.append(line.lstrip("# ").strip())
        else:
            message, sep, extract = line.partition(" | ")
            if not sep or not message.strip() or not extract.strip():
                raise ValueError(f"{path.name}, line {number}: write 'message | extract'")
            if not " ".join(reason).strip():
                raise ValueError(f"{path.name}, line {number}: give the reason in '#' lines above the entry")
            entries.append(Allowed(message.strip(), _squash(extract), " ".join(reason)))
    return entries


def triage(errors: list[Message], allowlist: list[Allowed]) -> tuple[list[Message], list[Allowed]]:
    """(errors no entry allows, entries that allow nothing)."""
    remaining = [e for e in errors if not any(a.matches(e) for a in allowlist)]
    unused = [a for a in allowlist if not any(a.matches(e) for e in errors)]
    return remaining, unused
