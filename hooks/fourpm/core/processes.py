"""Processes that end with the process that started them."""
from __future__ import annotations

import ctypes
import os
import signal


def die_with_parent(parent: int) -> None:
    """Killed by Linux when the process that started this one dies (even by SIGKILL); Ctrl-C ends it
    quietly (the build says once that it was interrupted). If the parent is already gone, stop now."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the build still stops its workers when it ends normally
        pass
    if parent and os.getppid() != parent:
        os._exit(1)
