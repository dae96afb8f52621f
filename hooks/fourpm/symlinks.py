"""Nothing from outside the project reaches the site or a PDF: MkDocs copies what a symbolic link
points to, and the PDF fetcher reads the copy, so a link under docs/, data/ or overrides/ to a file
or folder outside the project would publish it (`ln -s /etc/passwd docs/fr/press/passwd.txt`)."""
from __future__ import annotations

import os
from pathlib import Path

from .core.errors import ContentError

FOLDERS = ("docs", "data", "overrides")


def check_links(root: Path, folders: tuple[str, ...] = FOLDERS) -> None:
    """Raise a ContentError naming the first symbolic link under folders of root that leads outside
    root. Links that stay inside the project are followed (what they lead to is checked too)."""
    root = Path(os.path.realpath(root))
    seen: set[str] = set()
    for folder in folders:
        top = root / folder
        if not top.exists() and not top.is_symlink():
            continue
        for here, dirs, files in os.walk(top, followlinks=True):
            real = os.path.realpath(here)
            if real in seen:  # a link back to a folder already walked
                dirs[:] = []
                continue
            seen.add(real)
            for name in sorted(dirs) + sorted(files):
                path = Path(here) / name
                if path.is_symlink() and not _inside(os.path.realpath(path), root):
                    rel = path.relative_to(root).as_posix() if _inside(str(path), root) else str(path)
                    raise ContentError(rel, None, f"is a symbolic link to {os.path.realpath(path)}, outside the "
                                       "project, which the build would publish",
                                       "copy the file into the project, or remove the link")


def _inside(path: str, root: Path) -> bool:
    return os.path.commonpath([str(root), path]) == str(root)
