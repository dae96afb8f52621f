"""Build the site with MkDocs and with ProperDocs and compare every file.

    python -m tools.check_properdocs MKDOCS_BIN PROPERDOCS_BIN

ProperDocs 1.6 is a drop-in continuation of MkDocs 1.x: the two builds must give the same files, apart
from the generator meta tag of the HTML pages. Exit 1 and list the files that differ otherwise.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from fourpm.core.dates import build_epoch  # noqa: E402
GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def build(command: str, out: Path, epoch: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": epoch}  # one "now" for both
    result = subprocess.run([command, "build", "--strict", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{Path(command).name} build failed:\n{result.stdout}{result.stderr}")


def files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}


def differences(a: Path, b: Path) -> list[str]:
    left, right = files(a), files(b)
    found = [f"only in the MkDocs build: {name}" for name in sorted(left.keys() - right.keys())]
    found += [f"only in the ProperDocs build: {name}" for name in sorted(right.keys() - left.keys())]
    for name in sorted(left.keys() & right.keys()):
        one, two = left[name].read_bytes(), right[name].read_bytes()
        if name.endswith(".html"):
            one, two = GENERATOR.sub(b"", one), GENERATOR.sub(b"", two)
        if one != two:
            found.append(f"differs: {name}")
    return found


def main(argv: list[str]) -> int:
    mkdocs_bin, properdocs_bin = argv
    with tempfile.TemporaryDirectory() as tmp:
        one, two = Path(tmp) / "mkdocs", Path(tmp) / "properdocs"
        epoch = os.environ.get("SOURCE_DATE_EPOCH") or str(build_epoch(ROOT))
        build(mkdocs_bin, one, epoch)
        build(properdocs_bin, two, epoch)
        found = differences(one, two)
        count = len(files(one))
    if found:
        print(f"ProperDocs and MkDocs builds differ in {len(found)} files:", *found[:20], sep="\n  ", file=sys.stderr)
        return 1
    print(f"ProperDocs and MkDocs give the same {count} files (the generator meta tag apart)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
