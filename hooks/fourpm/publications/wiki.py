"""The wiki (knowledge bank): sheets with tags, and "pages that link here".

Sheets are the Markdown pages of docs/<lang>/wiki/; their `tags:` are written in each language. The
wiki's page per partner is a data page (fourpm.data.pages, from data/partners.yml). Backlinks are
computed from the rendered content of every page of the language, so they list exactly the pages
whose text links to a wiki page, generated blocks included.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.utils import get_relative_url

from ..core import cache
from ..core.errors import ContentError
from ..core.project import PARTNER_PAGES
from ..core.reader import read_meta
from ..core.texts import sort_key
from ..core.blocks import BlockCall, PageRef, register_block
from ..core.schema import validate
from ..core.sources import Project, cached, preload

FOLDER = "wiki"
TAGS_PAGE = "wiki/tags.md"


def is_wiki(path: str) -> bool:
    return path.startswith(f"{FOLDER}/")


def search_kind(page: PageRef) -> str | None:
    """The search filter's kind of the wiki's sheets (not the indexes of sheets and tags; the partner
    pages under wiki/partners/ are the data pages', which answer first)."""
    path = page.path
    return "wiki" if is_wiki(path) and path not in (f"{FOLDER}/index.md", TAGS_PAGE) else None


# -- sheets and tags -------------------------------------------------------------------------------
class SheetMeta(Config):
    title = c.Type(str)
    description = c.Optional(c.Type(str))
    tags = c.Optional(c.ListOfItems(c.Type(str)))


@dataclass(frozen=True)
class Sheet:
    path: str  # relative to the language folder
    title: str
    description: str | None
    tags: tuple[str, ...]


def load_sheets(docs_dir: Path, languages: tuple[str, ...]) -> dict[str, dict[str, Sheet]]:
    """language -> path -> sheet, for the language's own files of docs/<lang>/wiki/."""
    found: dict[str, dict[str, Sheet]] = {}
    for lang in languages:
        root = Path(docs_dir) / lang
        found[lang] = {}
        for path in sorted((root / FOLDER).rglob("*.md")):
            rel = path.relative_to(root).as_posix()
            file = f"docs/{lang}/{rel}"
            meta = validate(SheetMeta, read_meta(path, file), file)
            tags = tuple(t.strip() for t in (meta.tags or []))
            if any(not t for t in tags):
                raise ContentError(file, "tags", "has an empty tag", "write tags: [Tag one, Tag two]")
            if len(set(map(tag_slug, tags))) != len(tags):
                raise ContentError(file, "tags", "names the same tag twice")
            found[lang][rel] = Sheet(rel, meta.title.strip(), (meta.description or "").strip() or None, tags)
    return found


def sheets_for(sheets: dict[str, dict[str, Sheet]], lang: str, source: str) -> list[Sheet]:
    """The sheets readers of lang see: their own translation, or the French page it falls back to."""
    paths = sorted(set(sheets[source]) | set(sheets.get(lang, {})))
    return [sheets.get(lang, {}).get(p) or sheets[source][p] for p in paths]


def tag_slug(tag: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", sort_key(tag)).strip("-") or "tag"


def tag_index(sheets: list[Sheet]) -> list[tuple[str, list[Sheet]]]:
    """[(tag, sheets with that tag)], tags and sheets in alphabetical order."""
    by_slug: dict[str, tuple[str, list[Sheet]]] = {}
    for sheet in sheets:
        for tag in sheet.tags:
            by_slug.setdefault(tag_slug(tag), (tag, []))[1].append(sheet)
    return [(tag, sorted(pages, key=lambda s: sort_key(s.title)))
            for tag, pages in sorted(by_slug.values(), key=lambda item: sort_key(item[0]))]


# -- backlinks -------------------------------------------------------------------------------------
_HREF = re.compile(r'<a\b[^>]*?\bhref="([^"]*)"', re.I)
_ROOT = "https://site.invalid/"  # a base to resolve relative links against; never written out


def page_links(html: str, page_url: str) -> set[str]:
    """The site URLs (as MkDocs writes page.url, e.g. en/wiki/mrv/) that a page's HTML links to."""
    return cache.current().memo("wiki-links", (html, page_url), lambda: _page_links(html, page_url))


def _page_links(html: str, page_url: str) -> set[str]:
    found = set()
    base = urljoin(_ROOT, page_url)
    for href in _HREF.findall(html):
        target = urldefrag(urljoin(base, href.replace("&amp;", "&")))[0]
        if not target.startswith(_ROOT) or urlsplit(target).query:
            continue
        path = target[len(_ROOT):]
        if path.endswith("index.html"):
            path = path[: -len("index.html")]
        found.add(path)
    return found


def backlinks(links: dict[str, set[str]]) -> dict[str, list[str]]:
    """{page url: urls it links to} -> {page url: [urls of the other pages linking to it]}, in site order."""
    linked: dict[str, list[str]] = {url: [] for url in links}
    for source in sorted(links):
        for target in sorted(links[source]):
            if target in linked and target != source:
                linked[target].append(source)
    return linked


# -- generated blocks -------------------------------------------------------------------------------
def sheets(project: Project) -> dict[str, dict[str, Sheet]]:
    return cached(project, "wiki", lambda p: load_sheets(p.docs_dir, p.languages))



preload(sheets)

def _macros(call: BlockCall):
    return call.renderer.template("publications.html")


def _visible(call: BlockCall) -> list[Sheet]:
    catalog = call.renderer.catalog
    return sheets_for(sheets(call.project), call.page.lang, catalog.default_language)


def _sheet_view(sheet: Sheet, call: BlockCall) -> dict:
    return {"title": sheet.title, "description": sheet.description, "url": call.renderer.url(sheet.path, call.page)}


def tags_block(call: BlockCall) -> str:
    """The index of sheets by tag (wiki/tags.md)."""
    groups = [{"tag": tag, "slug": tag_slug(tag), "pages": [_sheet_view(s, call) for s in pages]}
              for tag, pages in tag_index(_visible(call))]
    return _macros(call).wiki_tag_index(groups, call.renderer.labels(call.page.lang))


def page_tags_block(call: BlockCall) -> str:
    """The tags of the current sheet, each linking to its entry in the tag index."""
    sheet = next((s for s in _visible(call) if s.path == call.page.path), None)
    tags = [{"tag": t, "url": f"{call.renderer.url(TAGS_PAGE, call.page)}#{tag_slug(t)}"} for t in (sheet.tags if sheet else ())]
    return _macros(call).wiki_page_tags(tags, call.renderer.labels(call.page.lang)) if tags else ""


def sheets_block(call: BlockCall) -> str:
    """Every tagged sheet of the wiki, alphabetically (the wiki's home page)."""
    pages = sorted((s for s in _visible(call) if s.tags), key=lambda s: sort_key(s.title))
    return _macros(call).wiki_sheets([_sheet_view(s, call) for s in pages], call.renderer.labels(call.page.lang))


def backlinks_html(template, sources: list[tuple[str, str]], page_url: str, labels: dict) -> str:
    """The "pages that link here" block of a page: sources are (url, title) of the linking pages."""
    pages = [{"title": title, "url": get_relative_url(url or ".", page_url or ".")} for url, title in sources]
    return str(template.wiki_backlinks(pages, labels))


def has_tags(page: PageRef) -> bool:
    """Wiki sheets show their tags (partner pages have none)."""
    return is_wiki(page.path) and not page.path.startswith(f"{PARTNER_PAGES}/")


register_block("wiki-tags", tags_block)
register_block("wiki-page-tags", page_tags_block)
register_block("wiki-sheets", sheets_block)
