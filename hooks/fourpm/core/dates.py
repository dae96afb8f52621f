"""The one build date that stands for "today" (dates are written by core.languages)."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

def build_epoch(root: Path) -> int:
    """Reproducible "now", in seconds: SOURCE_DATE_EPOCH, else the last commit's date, else the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        try:
            epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True,
                                   text=True, check=True, timeout=10).stdout.strip() or None
        except (OSError, subprocess.SubprocessError):
            epoch = None
    return int(epoch) if epoch else int(dt.datetime.now(tz=dt.timezone.utc).timestamp())


def build_date(root: Path) -> dt.date:
    """Reproducible "today" (see build_epoch): what the agenda, feeds and PDFs call today."""
    return dt.datetime.fromtimestamp(build_epoch(root), tz=dt.timezone.utc).date()
