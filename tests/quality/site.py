"""The built site as a reader meets it: languages, key pages, HTML files, served over HTTP on localhost."""
from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "mkdocs.yml"

# The pages the issue names, found in mkdocs.yml's nav by path (first match wins), so they follow the nav.
KEY_PAGES = {
    "home": r"index\.md",
    "objective": r"objectives/[a-f]\d\.md",
    "facility": r"facilities/(cf|gf)-[\w-]+\.md",
    "newsletter": r"(.*/)?newsletter(s)?(/index)?\.md|(.*/)?newsletter[\w/-]*\.md",
    "map": r"(.*/)?(map|carte|partners)(/index)?\.md|.*\bmap[\w/-]*\.md",  # the partners map
    "dashboard": r"(.*/)?dashboard(/index)?\.md|.*dashboard[\w/-]*\.md",
}


def load_config(config_file: Path = CONFIG) -> dict:
    from mkdocs.utils import yaml_load  # understands !ENV and the other MkDocs tags

    with open(config_file, encoding="utf-8") as f:
        return yaml_load(f)


def languages(config: dict | None = None) -> dict[str, str]:
    """locale -> URL prefix ("" for the source language, "en/" for English...), in mkdocs.yml's order."""
    config = config or load_config()
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    return {lang["locale"]: ("" if lang.get("default") else f"{lang['locale']}/") for lang in i18n["languages"]}


def nav_paths(config: dict | None = None) -> list[str]:
    """Every Markdown path of the nav, in order."""
    found: list[str] = []

    def walk(item) -> None:
        if isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk((config or load_config())["nav"])
    return [path for path in found if path.endswith(".md")]


def key_pages(config: dict | None = None) -> dict[str, str | None]:
    """name -> docs path of the pages the issue names (None when the nav has no such page)."""
    paths = nav_paths(config)
    return {name: next((p for p in paths if re.fullmatch(pattern, p)), None) for name, pattern in KEY_PAGES.items()}


def url_of(path: str, prefix: str = "") -> str:
    """URL path (relative to the site root) of docs/<lang>/<path> with directory URLs."""
    stem = path[:-3]
    stem = "" if stem == "index" else stem[:-len("index")] if stem.endswith("/index") else stem + "/"
    return prefix + stem


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as URL paths relative to its root ("en/objectives/a6/", "404.html")."""
    pages = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        pages.append(rel[:-len("index.html")] if rel == "index.html" or rel.endswith("/index.html") else rel)
    return pages


def language_of(url_path: str, langs: dict[str, str]) -> str:
    """The language a URL belongs to, by its prefix."""
    return next((lang for lang, prefix in langs.items() if prefix and url_path.startswith(prefix)),
                next(lang for lang, prefix in langs.items() if not prefix))


def source_language(url_path: str, langs: dict[str, str], docs: Path = ROOT / "docs") -> str:
    """The language a page's text is written in: its own language, or the source language when
    mkdocs-static-i18n fell back to the French file because the page has no translation. Pages that
    come from no Markdown file (404.html, pages generated from data) are in their URL's language."""
    lang = language_of(url_path, langs)
    source = next(code for code, prefix in langs.items() if not prefix)
    rest = url_path[len(langs[lang]):]

    def exists(code: str) -> bool:
        names = [f"{rest}index.md", f"{rest.rstrip('/')}.md"] if rest else ["index.md"]
        return any((docs / code / name).is_file() for name in names)

    if rest.endswith(".html") or lang == source or exists(lang) or not exists(source):
        return lang
    return source


@dataclass(frozen=True)
class Served:
    site: Path
    base: str  # "http://127.0.0.1:PORT/"
    site_url: str | None = None  # the public address (mkdocs.yml site_url): the same site, served from here

    def url(self, path: str) -> str:
        return self.base + path.lstrip("/")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a browser that leaves a page mid-download
        pass


@contextmanager
def serve(site: Path, site_url: str | None = None) -> Iterator[Served]:
    """The site over HTTP on 127.0.0.1 with a free port, in a thread, for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(site, f"http://127.0.0.1:{server.server_address[1]}/", site_url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


LANGS_OF_CONFIG = tuple(languages())  # for parametrize: the site's languages, from mkdocs.yml


def required_key_pages(config: dict | None = None) -> dict[str, str]:
    """The key pages; every one must be in the nav."""
    pages = key_pages(config)
    missing = [name for name, path in pages.items() if path is None]
    assert missing == [], f"mkdocs.yml's nav has no {', '.join(missing)} page (looked for {KEY_PAGES})"
    return pages
