"""What the hooks keep between MkDocs' events: one object per language build, on one process object.

MkDocs calls the hooks event by event, and mkdocs-static-i18n builds the other languages inside the
first one's on_post_build, so language builds nest. hooks/main.py opens a `Build` in on_config (before
any feature's handler) and closes it after the last on_post_build handler or on a build error; a
feature keeps what it collects in its part of the current build. The `Process` outlives the builds: the
live preview's rebuilds share it (what a dirty rebuild needs of the pages it does not render).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Build:
    """One language's build."""
    render_pdfs: bool = True  # if not, the pages say their PDF is not built instead of linking to it
    parts: dict[str, Any] = field(default_factory=dict)

    def part(self, name: str, make: Callable[[], T]) -> T:
        """A feature's own state in this build, made on first use."""
        if name not in self.parts:
            self.parts[name] = make()
        return self.parts[name]


@dataclass
class Process:
    """The builds of this process, innermost last, and what outlives them."""
    command: str | None = None  # "serve" in the live preview (on_startup); None for a plain build
    dirty: bool = False
    kept: dict[str, Any] = field(default_factory=dict)
    builds: list[Build] = field(default_factory=list)

    @property
    def preview(self) -> bool:
        return self.command == "serve"

    def begin(self) -> Build:
        self.builds.append(Build())
        return self.builds[-1]

    def end(self) -> None:
        if self.builds:
            self.builds.pop()

    def abort(self) -> None:
        self.builds.clear()

    @property
    def outermost(self) -> bool:
        """Whether the current build is the only one open (no language build around it)."""
        return len(self.builds) <= 1

    def keep(self, name: str, make: Callable[[], T]) -> T:
        """What a feature keeps for the whole process, made on first use."""
        if name not in self.kept:
            self.kept[name] = make()
        return self.kept[name]


PROCESS = Process()


def current() -> Build:
    """The language build in progress; outside any (a block rendered by a unit test), a default one."""
    return PROCESS.builds[-1] if PROCESS.builds else Build()
