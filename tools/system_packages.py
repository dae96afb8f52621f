"""Install the Debian packages of system-packages.txt that this machine lacks, where it can.

    python3 tools/system_packages.py site|quality|bench

Runs with the system's Python before .venv exists (standard library only). As root, or with sudo that
asks no password, it runs apt-get; otherwise it stops with one line naming the command to run. A
missing optional package is said once, as information, and never fails.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

LIST = Path(__file__).resolve().parent.parent / "system-packages.txt"
GROUPS = {"site": ("site",), "quality": ("site", "quality"), "bench": ("site", "bench")}


def wanted(text: str, group: str) -> list[tuple[str, bool]]:
    """(package, optional) of the lines of system-packages.txt that group needs on this machine."""
    found = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if len(words) < 2 or words[1] not in GROUPS[group]:
            continue
        unless = [w.split(":", 1)[1] for w in words[2:] if w.startswith("if-no:")]
        if unless and shutil.which(unless[0]):
            continue  # e.g. npm already on the PATH, from elsewhere than Debian
        found.append((words[0], "optional" in words[2:]))
    return found


def missing(packages: list[str]) -> list[str]:
    if not packages or not shutil.which("dpkg-query"):
        return []  # not a Debian machine: nothing we can check or install
    result = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *packages],
                            capture_output=True, text=True)
    installed = {line.split()[0] for line in result.stdout.splitlines() if line.endswith(" installed")}
    return [p for p in packages if p not in installed]


def install_command() -> list[str] | None:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo") and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0:
        return ["sudo"]
    return None


def main(argv: list[str]) -> int:
    group = argv[0] if argv else "site"
    packages = wanted(LIST.read_text(encoding="utf-8"), group)
    absent = missing([p for p, _optional in packages])
    if not absent:
        return 0
    optional = {p for p, is_optional in packages if is_optional}
    prefix = install_command()
    if prefix is None:
        required = [p for p in absent if p not in optional]
        if not required:
            print(f"info: {' '.join(absent)} not installed (optional; sudo apt-get install {' '.join(absent)})")
            return 0
        print(f"Missing Debian packages: run  sudo apt-get install -y {' '.join(absent)}", file=sys.stderr)
        return 1
    print(f"Installing the Debian packages {' '.join(absent)} (system-packages.txt)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = [*prefix, "apt-get"]
    if subprocess.run([*apt, "update", "-qq"], env=env).returncode == 0 and subprocess.run(
            [*apt, "install", "-y", "-qq", "--no-install-recommends", *absent], env=env).returncode == 0:
        return 0
    still = [p for p in missing(absent) if p not in optional]
    if still:
        print(f"Could not install {' '.join(still)}: run  sudo apt-get install -y {' '.join(still)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
