"""Files the build writes: atomically, and readable by a web server."""
from __future__ import annotations

import itertools
import os
from pathlib import Path


def plain_mode(directory: bool = False) -> int:
    """The mode mkdir or a plain `cp` gives under the current umask (0755 / 0644 with umask 022), for
    files made through mkstemp/mkdtemp (0600 / 0700), which a web server running as another user
    cannot read."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


_serial = itertools.count()


def write_atomic(target: Path, data: bytes) -> None:
    """Write through a temporary file in the same folder, renamed into place: a killed process leaves
    no truncated file, and a reader sees the old bytes or the new ones. The temporary file is opened
    with the plain mode (the umask applies, as for `cp`), and its name is this process's own."""
    target = Path(target)
    while True:
        tmp = target.parent / f".{target.name}.{os.getpid()}.{next(_serial)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileNotFoundError:
            target.parent.mkdir(parents=True, exist_ok=True)  # the first file of a folder
        except FileExistsError:
            continue  # left by a killed process that had this number: take the next
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
