"""What the PDF stage may read and how its workers take Ctrl-C: light helpers shared by the build process
(render.py) and the workers (worker.py), without importing WeasyPrint."""
from __future__ import annotations

import hashlib
import os
import signal
import stat

MAX_FILE_BYTES = 100 * 1024 * 1024  # a PDF embeds no file larger than this (a 6 GB file is refused, not read)


def root_of(path: str, roots) -> str | None:
    """The name under which path is recorded: "<root name>/<relative path>", or None outside the roots.
    roots: a list of folders, or a mapping name -> folder."""
    named = roots.items() if isinstance(roots, dict) else ((str(r), r) for r in roots)
    for name, root in named:
        root = os.path.realpath(root)
        if os.path.commonpath([root, path]) == root:
            return f"{name}/{os.path.relpath(path, root)}"
    return None


def file_digest(path: str, max_bytes: int = MAX_FILE_BYTES) -> str | None:
    """sha256 of a regular file of at most max_bytes, read once in blocks; None for anything else (a
    folder, a device, /proc, a FIFO that would never end, a file too large, a file that is gone)."""
    try:
        with open(path, "rb", buffering=0, opener=lambda p, f: os.open(p, f | os.O_NONBLOCK)) as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
                return None
            digest, read = hashlib.sha256(), 0
            while block := file.read(1 << 20):
                read += len(block)
                if read > max_bytes:
                    return None
                digest.update(block)
            return digest.hexdigest()
    except OSError:
        return None


def ignore_interrupt() -> None:
    """For a worker before it starts (Popen preexec_fn): Ctrl-C reaches the whole terminal's process
    group, and a worker still importing WeasyPrint would print a KeyboardInterrupt traceback; the build
    process stops its workers itself."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
