"""Files the build writes: atomically, and readable by a web server."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def plain_mode(directory: bool = False) -> int:
    """The mode mkdir or a plain `cp` gives under the current umask (0755 / 0644 with umask 022), for
    files made through mkstemp/mkdtemp (0600 / 0700), which a web server running as another user
    cannot read."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def write_atomic(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, renamed into place: a killed process leaves
    no truncated file, and a reader sees the old bytes or the new ones."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            os.fchmod(out.fileno(), plain_mode())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
