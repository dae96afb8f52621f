"""On-disk caches: results keyed by a sha256 of everything that goes into them, checked when read.

An entry is one file, <folder>/<key[:2]>/<key>: a header line with the sha256 and the length of its
payload, then the payload (a pickle). A read checks both before unpickling: a wrong, truncated or
foreign file is a miss (the value is computed again and the entry rewritten), never served. Entries are
written atomically (core/files.py), so two builds sharing the folder see whole entries only; both may
write the same entry, with the same bytes. A read or write sets the entry's modification time: prune()
removes the entries no build has touched since a given time, so what a build did not use goes, and what
a concurrent build uses stays.

The key's inputs are given by the caller (the page's text, the glossary...) plus a salt made once per
process of our code and the versions of the libraries that shape the output. FPM_PAGE_CACHE moves the
folder (default .cache/pages/); FPM_PAGE_CACHE=off computes everything and stores nothing.
"""
from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

import jinja2
from jinja2.bccache import Bucket

from . import state
from .files import write_atomic
from .reader import MAX_BYTES

T = TypeVar("T")
MAGIC = b"fpm-cache-1"
DEFAULT_DIR = ".cache/pages"
# The libraries whose output the cached results carry (a new version may change it).
LIBRARIES = ("mkdocs", "properdocs", "mkdocs-material", "mkdocs-static-i18n", "Markdown", "pymdown-extensions",
             "Jinja2", "MarkupSafe", "PyYAML", "babel", "css-inline")


def digest(*parts) -> str:
    """sha256 of parts (text, bytes or anything with a stable repr), each one length-prefixed."""
    h = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass")
        h.update(b"%d:" % len(data))
        h.update(data)
    return h.hexdigest()


def tree_digest(*folders: Path, pattern: str = "*") -> str:
    """sha256 of the names and bytes of every file under folders (templates, data) whose name matches
    pattern. A file bigger than any source the build reads (an image kept in data/, say) counts by its
    size and time instead: never read."""
    h = hashlib.sha256()
    for top in folders:
        top = Path(top)
        for path in sorted(p for p in top.rglob(pattern) if p.is_file()) if top.is_dir() else ():
            size = path.stat()
            content = path.read_bytes() if size.st_size <= MAX_BYTES else f"{size.st_size}:{size.st_mtime_ns}"
            h.update(digest(path.relative_to(top).as_posix(), content).encode())
    return h.hexdigest()


@functools.cache
def code_salt() -> str:
    """Our code (the fourpm package and the hook files beside it) and the libraries' versions."""
    hooks = Path(__file__).resolve().parents[2]
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=missing")
    # Sources only: Python's compiled files (__pycache__) come and go with PYTHONDONTWRITEBYTECODE.
    return digest(tree_digest(hooks / "fourpm", pattern="*.py"), *sorted(
        digest(p.name, p.read_bytes()) for p in hooks.glob("*.py")), *versions)


class SourceKeyed(jinja2.FileSystemBytecodeCache):
    """Jinja's compiled templates keyed by the template's name and source, not its file: the same templates
    in another copy of the project (a test's, a second checkout's) are compiled once. The file is set back
    on the code, for the messages of a template error."""

    def __init__(self, directory: str, kind: str):
        super().__init__(directory)
        self.kind = kind  # environments of other settings (autoescape...) compile the same source differently

    def get_bucket(self, environment, name, filename, source):
        checksum = self.get_source_checksum(source)
        bucket = Bucket(environment, self.get_cache_key(f"{self.kind}\0{name}\0{checksum}"), checksum)
        self.load_bytecode(bucket)
        if bucket.code is not None and filename and bucket.code.co_filename != filename:
            bucket.code = bucket.code.replace(co_filename=filename)
        return bucket


class Cache:
    """One folder of entries; `memo` is the way in."""

    def __init__(self, folder: Path | None):
        self.folder = Path(folder) if folder is not None else None  # None: off
        self.hits = self.misses = 0

    def memo(self, namespace: str, inputs: tuple, compute: Callable[[], T]) -> T:
        """compute(), or its stored result for the same namespace, inputs and code."""
        if self.folder is None:
            return compute()
        key = self.key(namespace, inputs)
        if (found := self.get(key)) is not None:
            return found[0]
        value = compute()
        self.write(key, value)
        return value

    def memo_each(self, namespace: str, scope: tuple, items: list[tuple[tuple, Callable[[], T]]]) -> list[T]:
        """compute() of each (inputs, compute), or its result from the last call for the same namespace and
        scope: many small results in one entry (one file each cost more to create than they take to
        compute). A result is found by the digest of its own inputs, never by its place; the entry is
        written again when the inputs changed, with this call's results only."""
        if self.folder is None:
            return [compute() for _inputs, compute in items]
        key = self.key(namespace, scope)
        found = self.get(key)
        known = found[0] if found is not None and isinstance(found[0], dict) else {}
        digests, table = [digest(*inputs) for inputs, _compute in items], {}
        for item, (_inputs, compute) in zip(digests, items):
            if item not in table:
                table[item] = known[item] if item in known else compute()
        if table.keys() != known.keys():
            self.write(key, table)
        return [table[item] for item in digests]

    def key(self, namespace: str, inputs: tuple) -> str:
        """The key of a result (for `get` and `put`, when memo's compute-and-store does not fit)."""
        return digest(code_salt(), namespace, *inputs)

    def get(self, key: str) -> tuple | None:
        """(value,) stored under key, counted as a hit; None, counted as a miss."""
        found = self.read(key) if self.folder is not None else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def put(self, key: str, value) -> None:
        if self.folder is not None:
            self.write(key, value)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def read(self, key: str) -> tuple | None:
        """(value,) if the entry is whole and its payload has the recorded hash; else None."""
        path = self.path(key)
        try:
            with open(path, "rb") as file:
                data = file.read()
        except OSError:
            return None
        head, _, payload = data.partition(b"\n")
        fields = head.split(b" ")
        if len(fields) != 3 or fields[0] != MAGIC or fields[2] != b"%d" % len(payload) or \
                hashlib.sha256(payload).hexdigest().encode() != fields[1]:
            return None  # truncated or not ours: computed again, and overwritten
        try:
            value = pickle.loads(payload)
        except Exception:  # noqa: BLE001 - an entry of a class that changed: a miss
            return None
        try:
            os.utime(path)  # used by this build: prune() keeps it
        except OSError:
            pass
        return (value,)

    def write(self, key: str, value) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        head = b"%s %s %d\n" % (MAGIC, hashlib.sha256(payload).hexdigest().encode(), len(payload))
        try:
            write_atomic(self.path(key), head + payload)
        except OSError:
            pass  # a full or read-only disk makes a slower build, not a failed one


def folder_for(root: Path, environ: dict | None = None) -> Path | None:
    """The page cache of the project at root: FPM_PAGE_CACHE, else .cache/pages; None when off."""
    environ = os.environ if environ is None else environ
    asked = environ.get("FPM_PAGE_CACHE", "")
    if asked == "off":
        return None
    return Path(asked) if asked else Path(root) / DEFAULT_DIR


def template_cache(root: Path, environ: dict | None = None, kind: str = "theme"):
    """Jinja's compiled templates (Material's and ours), kept between builds and language processes, so a
    template is compiled once instead of once per language and build. Each is keyed by the template's
    name and source, and written atomically (by Jinja). FPM_TEMPLATE_CACHE moves the folder (default
    .cache/templates/); FPM_PAGE_CACHE=off turns it off too. `kind` names the environment (its settings)."""
    environ = os.environ if environ is None else environ
    if folder_for(root, environ) is None:
        return None
    folder = Path(environ.get("FPM_TEMPLATE_CACHE") or Path(root) / ".cache" / "templates")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only disk makes a slower build, not a failed one
    return SourceKeyed(str(folder), kind)


def prune(folder: Path | None, since: float) -> int:
    """Remove the entries that no build read or wrote since `since` (a time.time()); return how many.
    A concurrent build's entries are newer than its start, so a build started earlier keeps them."""
    removed = 0
    if folder is None or not Path(folder).is_dir():
        return 0
    for sub in Path(folder).iterdir():
        if not sub.is_dir() or len(sub.name) != 2:
            continue
        for entry in sub.iterdir():
            try:
                if entry.stat().st_mtime < since:
                    entry.unlink()
                    removed += 1
            except OSError:
                pass  # removed meanwhile by another build
    return removed


# The cache of the builds of this process, on its state (core/state.py): set once per build (on_config);
# pure functions called outside a build (unit tests, commands) get a cache that is off.
_OFF = Cache(None)


def use(cache: Cache) -> None:
    state.PROCESS.kept["page-cache"] = cache


def current() -> Cache:
    return state.PROCESS.kept.get("page-cache", _OFF)
