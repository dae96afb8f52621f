"""Build the whole site atomically: into a temporary folder, swapped into place only on success.

    python -m tools.build [--site-dir site] [--no-strict] [--sequential]

The three languages are built in parallel processes (mkdocs-static-i18n alone builds them one after
the other, on one core); the result is the same files as the sequential build. Each language process
has Pagefind index its language once it is built (pagefind/, one index per language; the parent merges
their entry files). A build that fails leaves the previous site/ exactly as it was.

Every process of a build ends with it: the language processes and the PDF workers die with their
parent, even when it is killed; the next build removes what an interrupted one left (.site.build-*
folders; fourpm.pdf.render removes its job folders). The site is readable by a web server (0755/0644 under
umask 022). The build process renders the PDFs of each language as soon as it is built, one language
at a time: one worker per core for the whole build, not per language process.
"""
from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import gzip
import io
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from fourpm import pdf, search  # noqa: E402
from fourpm.pdf import render as pdf_render  # noqa: E402
from fourpm.core import sources
from fourpm.core import cache, engine, state  # noqa: E402
from fourpm.core.files import plain_mode  # noqa: E402
from fourpm.core.dates import build_epoch  # noqa: E402
from fourpm.core.errors import ContentError  # noqa: E402
from fourpm.core.processes import die_with_parent  # noqa: E402

log = logging.getLogger("mkdocs.plugins.fourpm.pdf")


class BuildFailed(Exception):
    """A build error already reported by MkDocs; its message says what to fix."""


def build_site(site_dir: Path, config_file: Path = ROOT / "mkdocs.yml", strict: bool = True,
               parallel: bool = True) -> None:
    """Build into a sibling temporary folder, then replace site_dir with it. Raises on failure."""
    # One reproducible "now" for every date the build writes (sitemap, feeds, PDFs).
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(build_epoch(Path(config_file).resolve().parent)))
    _index_search(None)  # without Pagefind, stop before building anything
    started = time.time()
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(site_dir)
    pdf_render.remove_leftovers(Path(config_file).resolve().parent)
    with _build_folder(site_dir) as tmp:
        if parallel:
            _build_parallel(Path(config_file), tmp, strict)  # each language indexed by its own process
        else:
            _build_sequential(Path(config_file), tmp, strict)
            _index_search(tmp)
        _swap(tmp, site_dir)
    # What this build's processes did not read or write goes; what a concurrent build touched stays.
    cache.prune(cache.folder_for(Path(config_file).resolve().parent), started - 2)


# -- build folders: readable by a web server, locked while in use, removed when an interrupted build left them
@contextlib.contextmanager
def _build_folder(site_dir: Path):
    """A new sibling folder of site_dir (mkdtemp makes it 0700: given the mode mkdir gives), locked
    while this build uses it, removed after."""
    tmp = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.build-", dir=site_dir.parent))
    os.chmod(tmp, plain_mode(directory=True))
    fd = os.open(tmp, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # released by the kernel if this process dies
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        os.close(fd)


def _remove_leftovers(site_dir: Path) -> None:
    """Remove the build folders of builds that were killed: those whose main folder no live build
    holds locked (a language's part, .site.build-XXXX-en, belongs to .site.build-XXXX)."""
    prefix = f".{site_dir.name}.build-"
    for folder in site_dir.parent.glob(prefix + "*"):
        owner = site_dir.parent / (prefix + folder.name[len(prefix):].split("-")[0])
        if owner.is_dir() and _in_use(owner):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _in_use(folder: Path) -> bool:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def _build_sequential(config_file: Path, out: Path, strict: bool) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    build(load_config(str(config_file), site_dir=str(out), strict=strict))


def _index_search(out: Path | None) -> None:
    """One Pagefind index per language of the site or language part at out (pagefind/ at its root); with
    no site, only check that Pagefind is installed."""
    try:
        search.build_index(out, _lean_folder(out)) if out else search.require()
    except ContentError as error:
        raise BuildFailed(str(error)) from None


def _lean_folder(out: Path) -> Path:
    """Where the pages Pagefind reads are written while it indexes out (a sibling, removed after)."""
    return out.with_name(f"{out.name}-search")


def _build_one_language(config_file: Path, out: Path, strict: bool, lang: str) -> list:
    """Build one language as mkdocs-static-i18n would within its loop; return its PDF jobs."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(config_file), site_dir=str(out), strict=strict)
    engine.build_only(config, lang)
    # This language's PDF jobs go to the parent, which renders each language's as soon as it is built,
    # one language at a time: one budget of PDF workers for the whole build, not per language process.
    handover = state.PROCESS.kept["pdf-handover"] = []
    build(config)
    _index_search(out)  # here, while the other languages build: Pagefind's time overlaps theirs
    return handover


class _Errors(logging.Handler):
    """MkDocs logs a build error, then aborts with "Aborted with a BuildError!": keep the error (the
    parent says each one once, for all languages) and print nothing here."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if not (message.startswith(("Error reading page", "Error building page")) and message.endswith(":")):
            self.messages.append(message)  # not MkDocs' "Error reading page 'x':", said before the error itself


def _quiet_errors(record: logging.LogRecord) -> bool:
    return record.levelno < logging.ERROR


def _language_process(parent: int, index: int, job: tuple, answer) -> None:
    """One language in a forked process: it dies with the build process, even if that is killed
    (SIGKILL), and Ctrl-C ends it quietly; its result goes back through its own pipe."""
    die_with_parent(parent)
    answer.send(_worker((index, job)))


def _worker(args: tuple) -> tuple[int, str, object]:
    from mkdocs.exceptions import Abort, MkDocsException

    index, args = args
    errors, mkdocs_log = _Errors(), logging.getLogger("mkdocs")
    mkdocs_log.addHandler(errors)
    for handler in logging.getLogger().handlers + mkdocs_log.handlers:
        if handler is not errors:
            handler.addFilter(_quiet_errors)
    try:
        return index, "ok", _build_one_language(*args)
    except (Abort, MkDocsException) as error:
        return index, "error", errors.messages or [str(error)]
    except BuildFailed as error:
        return index, "error", [str(error)]
    except Exception as error:  # a bug of ours: say where, not a traceback of the pool
        return index, "error", [_internal(error, args[3])]


def _internal(error: BaseException, where: str) -> str:
    if os.environ.get("FPM_DEBUG"):
        import traceback
        traceback.print_exception(error)
    return (f"internal error while building {where}: {type(error).__name__}: {error} (a bug: please report it; "
            "FPM_DEBUG=1 prints where it happened)")


def _build_parallel(config_file: Path, out: Path, strict: bool) -> None:
    from mkdocs.config import load_config

    config = load_config(str(config_file))  # imports the hooks, which register what they preload
    languages = engine.build_languages(config)  # the default language first, as the plugin builds them
    root = Path(config_file).resolve().parent
    # Read and check the whole project once (catalogue, translation status...): the forked language
    # processes inherit it instead of each computing it again.
    try:
        sources.preload_all(sources.project_of(config))
        engine.keep_theme_listing(config)
    except ContentError as error:
        raise BuildFailed(str(error)) from None
    parts = [out.with_name(f"{out.name}-{lang}") for lang in languages]
    running: dict = {}
    try:
        jobs = [(config_file, part, strict, lang) for part, lang in zip(parts, languages)]
        results: list = [None] * len(jobs)
        stages: list[pdf_render.Outcome] = []
        _start_languages(jobs, running)
        for index, status, value in _finished(running, languages):
            results[index] = (status, value)
            # A language's PDFs are rendered as soon as it is built, while the others build: one
            # PDF stage at a time, so one budget of workers (a core each) for the whole build.
            if status == "ok" and value and all(r is None or r[0] == "ok" for r in results):
                stages.append(pdf_render.render_jobs(value, parts[index], root))
        errors = [message for status, value in results if status == "error" for message in value]
        if errors:  # the same bad input stops every language: say it once
            raise BuildFailed("; ".join(dict.fromkeys(errors)))
        try:
            entry = search.merged_entry([part / search.BUNDLE for part in parts])
        except ContentError as error:
            raise BuildFailed(str(error)) from None
        _merge(parts, out)
        (out / search.BUNDLE / search.ENTRY).write_bytes(entry)
        _report_pdfs(stages, out, strict)
    finally:  # interrupted (Ctrl-C, an error): no language process outlives the build
        _stop(running)
        for part in parts:
            shutil.rmtree(part, ignore_errors=True)
            shutil.rmtree(_lean_folder(part), ignore_errors=True)  # a process stopped while Pagefind ran


# One process per language, even on fewer cores: three equal jobs on two cores finish in 1.5 units of
# time, not 2. fork: they start with MkDocs, Material and our hooks imported. Not multiprocessing.Pool:
# a pool process that has finished its language waits for more work holding the pool's queue lock;
# Ctrl-C kills it with the lock held, and Pool.terminate() then waits for that lock forever.
def _start_languages(jobs: list[tuple], running: dict) -> None:
    """Start one process per job, each in running as {pipe: (index, process)} once started."""
    context = multiprocessing.get_context("fork")
    for index, job in enumerate(jobs):
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_language_process, args=(os.getpid(), index, job, writer))
        process.start()
        writer.close()  # the child holds the only writer left: its death reads as end of file
        running[reader] = (index, process)


def _finished(running: dict, languages: list[str]):
    """Yield (index, status, value) of each language as it ends, removing it from running."""
    while running:
        for reader in multiprocessing.connection.wait(list(running)):
            index, process = running[reader]
            try:
                result = reader.recv()
            except EOFError:  # it died without an answer
                result = None
            process.join()
            del running[reader]  # only now: if interrupted before, _stop still ends it
            reader.close()
            code = process.exitcode
            why = f"killed by signal {-code}: out of memory?" if code < 0 else f"exit code {code}"
            yield result or (index, "error", [f"the process building {languages[index]} ended before it "
                                              f"finished ({why}); build again"])


def _stop(running: dict) -> None:
    """Kill the language processes still running (none after a build that went to its end)."""
    for reader, (_index, process) in running.items():
        process.kill()
        process.join()
        reader.close()


def _report_pdfs(stages: list, out: Path, strict: bool) -> None:
    """Say once what the PDF stages of the languages did; no link to a PDF that was not built."""
    warnings = 0
    if stages:
        outcome = pdf_render.Outcome()
        for stage in stages:
            for name in ("documents", "rendered", "cached", "pages", "seconds", "cpu_seconds", "refused", "errors"):
                setattr(outcome, name, getattr(outcome, name) + getattr(stage, name))
            outcome.workers = max(outcome.workers, stage.workers)
            outcome.peak_rss_kb = max(outcome.peak_rss_kb, stage.peak_rss_kb)
            outcome.fatal = outcome.fatal or stage.fatal
            if stage.harfbuzz_subset is not None:
                outcome.harfbuzz_subset = stage.harfbuzz_subset
        pdf.last_outcome = outcome
        error, warnings = pdf_render.report(outcome, log)
        if error:
            raise BuildFailed(error)
    elif os.environ.get("FPM_PDF") == "0":
        log.info(pdf.NOT_RENDERED)
    warnings += pdf_render.report_dead_links(out, log)
    if strict and warnings:
        raise BuildFailed(f"{warnings} warning{'s' if warnings > 1 else ''} in strict mode")


def _merge(parts: list[Path], out: Path) -> None:
    """Lay the languages' outputs over each other in build order (later ones win on shared files, as
    in the sequential build), then write what the sequential build accumulates: a sitemap of every
    language."""
    sitemaps = [(part / "sitemap.xml").read_text(encoding="utf-8") for part in parts]
    gz_mtime = int.from_bytes((parts[-1] / "sitemap.xml.gz").read_bytes()[4:8], "little")
    for part in parts:
        for folder, _dirs, files in os.walk(part):
            target = out / Path(folder).relative_to(part)
            target.mkdir(parents=True, exist_ok=True)
            for name in files:
                os.replace(os.path.join(folder, name), target / name)

    def url_lines(text: str) -> tuple[int, int]:  # from the line of the first <url> to </urlset>
        first = text.find("<url>")
        return (text.rfind("\n", 0, first) + 1, text.rfind("</urlset>")) if first >= 0 else (0, 0)

    spans = [url_lines(text) for text in sitemaps]
    head = sitemaps[0][:spans[0][0]] if spans[0][1] else sitemaps[0][:sitemaps[0].rfind("</urlset>")]
    bodies = "".join(text[start:end] for text, (start, end) in zip(sitemaps, spans))
    sitemap = (head + bodies + sitemaps[-1][sitemaps[-1].rfind("</urlset>"):]).encode("utf-8")
    (out / "sitemap.xml").write_bytes(sitemap)
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, filename=str(out / "sitemap.xml.gz"), mode="wb", mtime=gz_mtime) as gz:
        gz.write(sitemap)
    (out / "sitemap.xml.gz").write_bytes(buffer.getvalue())


def _swap(new: Path, target: Path) -> None:
    """Put new in target's place. Where the kernel can exchange two folders in one step (Linux
    renameat2), there is no moment without a site/, even if the build is killed."""
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # new now holds the previous site
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    AT_FDCWD, RENAME_EXCHANGE = -100, 2
    return renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def _reason(error: BaseException) -> str:
    """What failed, for the last line: MkDocs' own abort messages say only that it aborted."""
    text = str(error).rstrip(".!")
    if text == "Aborted with a BuildError":
        return "an error above stopped it"
    if match := __import__("re").fullmatch(r"Aborted with (\d+) warnings in strict mode", text):
        return f"{match.group(1)} warnings above (strict mode fails on any warning)"
    return text


def _interrupted(_signum, _frame) -> None:
    """The first Ctrl-C stops the build; a second one must not stop it while it cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--no-strict", action="store_true", help="do not fail on warnings")
    parser.add_argument("--sequential", action="store_true", help="one language after the other, in one process")
    args = parser.parse_args(argv)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    from mkdocs.exceptions import Abort, MkDocsException

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when started with Ctrl-C ignored
        signal.signal(signal.SIGINT, _interrupted)
    try:
        build_site(args.site_dir, args.config_file, strict=not args.no_strict, parallel=not args.sequential)
    except (Abort, MkDocsException, BuildFailed, ContentError) as error:
        print(f"Build failed: {_reason(error)}. The previous site was left unchanged.", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - the last line says what failed, never a traceback
        print(f"Build failed: {_internal(error, 'the site')}. The previous site was left unchanged.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Build interrupted. The previous site was left unchanged.", file=sys.stderr)
        return 130
    print(f"Site built in {args.site_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
