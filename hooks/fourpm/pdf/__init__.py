"""PDF documents of the site: which pages declare one, the download links and media contacts, and the
one HTML document per PDF and language that WeasyPrint renders (see render.py for the rendering).

A page declares a PDF with one front-matter line, in its French page (translations may repeat it):

    pdf: press-kit                      # -> site/pdf/press-kit-fr.pdf, site/en/pdf/press-kit-en.pdf, ...
    pdf_pages: [who.md, messages.md]    # optional: more pages appended as chapters, in order

The PDF is made from the pages' rendered HTML (generated blocks included), laid out by a template of
overrides/pdf/ (one per kind: press-kit.html, newsletter.html, ...; document.html otherwise) and the
print stylesheet overrides/pdf/pdf.css.
"""
from __future__ import annotations

import base64
import datetime as dt
import html as htmllib
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import jinja2
from markupsafe import Markup
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.utils import get_relative_url

from ..core import state
from ..core.errors import ContentError, did_you_mean
from ..core.frontmatter import split
from ..core.blocks import BlockCall, register_block
from ..core.safe_text import strip_controls
from ..core.schema import validate

NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TEMPLATES = "overrides/pdf"
NOT_RENDERED = "PDFs are not rendered (FPM_PDF=0): pages say that their PDF is not built in this preview"
NOT_RENDERED_PREVIEW = ("PDFs are not rendered in the live preview (FPM_PDF=1 renders them): pages say that "
                        "their PDF is not built in this preview")
last_outcome = None  # what the last PDF stage of this process did (pdf_render.Outcome)


# -- declarations ------------------------------------------------------------------------------------
class PdfMeta(Config):
    pdf = c.Optional(c.Type(str))
    pdf_pages = c.Optional(c.ListOfItems(c.Type(str)))


@dataclass(frozen=True)
class Declaration:
    """One PDF document: its name, the page that declares it, the pages appended as chapters."""
    name: str
    path: str  # relative to the language folder: press/press-kit.md
    chapters: tuple[str, ...] = ()  # relative to the language folder, in order
    file: str = ""  # the French source, for messages

    def output(self, lang: str, default_language: str) -> str:
        """Where the PDF of lang lands, relative to the site: pdf/press-kit-fr.pdf, en/pdf/press-kit-en.pdf."""
        return ("" if lang == default_language else f"{lang}/") + f"pdf/{self.name}-{lang}.pdf"

    @property
    def kind(self) -> str:
        """newsletter-3 -> newsletter: the template family of the document."""
        return re.sub(r"-\d+$", "", self.name)


def read_declarations(docs_dir: Path, languages: tuple[str, ...]) -> dict[str, Declaration]:
    """Every PDF the pages declare, by name; or a ContentError naming the file and field."""
    docs_dir = Path(docs_dir)
    source = languages[0]
    found: dict[str, Declaration] = {}
    by_path: dict[str, Declaration] = {}
    for lang in languages:
        root = docs_dir / lang
        for path in sorted(root.rglob("*.md")):
            rel = path.relative_to(root).as_posix()
            file = f"docs/{lang}/{rel}"
            text = path.read_text(encoding="utf-8")
            if "pdf" not in text:
                continue  # most pages: not worth parsing the front matter again (the catalogue checked it)
            meta, _body = split(text, file)
            if "pdf" not in meta and "pdf_pages" not in meta:
                continue
            config = validate(PdfMeta, meta, file)
            if config.pdf is None:
                raise ContentError(file, "pdf_pages", "lists chapters of no PDF", "add a line 'pdf: <name>' above it")
            name = config.pdf.strip()
            chapters = tuple(_chapter(rel, p, file, docs_dir / source) for p in config.pdf_pages or ())
            if lang != source:
                _agree(by_path.get(rel), name, chapters, file, f"{source}/{rel}")
                continue
            if not NAME.match(name):
                raise ContentError(file, "pdf", f'"{name}" is not a PDF name',
                                   "use lowercase letters, digits and hyphens, e.g. press-kit or newsletter-1")
            if name in found:
                raise ContentError(file, "pdf", f'"{name}" is already the PDF of {found[name].file}',
                                   "give each document its own name")
            if len(set(chapters)) != len(chapters) or rel in chapters:
                raise ContentError(file, "pdf_pages", "lists a page twice", "list each chapter once")
            found[name] = by_path[rel] = Declaration(name, rel, chapters, file)
    return found


def _chapter(page: str, chapter: str, file: str, source_root: Path) -> str:
    """A chapter path relative to the page's folder, as a path relative to the language folder."""
    rel = posixpath.normpath(posixpath.join(posixpath.dirname(page), str(chapter).strip()))
    if rel.startswith("../") or rel == ".." or not rel.endswith(".md"):
        raise ContentError(file, "pdf_pages", f'"{chapter}" is not a page of the site',
                           "list Markdown files relative to this page's folder, e.g. messages.md")
    if not (source_root / rel).is_file():
        raise ContentError(file, "pdf_pages", f'"{chapter}" does not exist',
                           f"create {source_root.name}/{rel} or fix the path")
    return rel


def _agree(source: Declaration | None, name: str, chapters: tuple[str, ...], file: str, source_file: str) -> None:
    """A translation may repeat the French page's declaration, never change it."""
    if source is None:
        raise ContentError(file, "pdf", "is not declared by the French page",
                           f"declare the PDF in {source_file}, the translations follow it")
    if name != source.name:
        raise ContentError(file, "pdf", f'"{name}" contradicts the French page', f"the PDF of {source_file} is {source.name}")
    if chapters and chapters != source.chapters:
        raise ContentError(file, "pdf_pages", "contradicts the French page", "list the chapters only in the French page")


# -- generated blocks: download links and media contacts ---------------------------------------------
# A block function receives only the call: the hook tells this module where the current project's
# declarations are (a function returning the cached dict), once per build.
_declarations_source = None


def use(declarations_source) -> None:
    global _declarations_source
    _declarations_source = declarations_source


def _declarations() -> dict[str, Declaration]:
    return _declarations_source() if _declarations_source else {}


def pdf_link(call: BlockCall) -> str:
    """<!-- 4p1000 pdf-link --> (this page's PDF) or <!-- 4p1000 pdf-link name=press-kit -->."""
    declarations = _declarations()
    name = call.args.get("name")
    if name is None:
        found = next((d for d in declarations.values() if d.path == call.page.path), None)
        if found is None:
            raise call.error("this page declares no PDF", "add 'pdf: <name>' to its front matter, or write name=<pdf>")
    else:
        found = declarations.get(name)
        if found is None:
            raise call.error(f'"{name}" is not the PDF of any page',
                             did_you_mean(name, declarations) or "a page declares it with 'pdf: <name>'")
    catalog = call.renderer.catalog
    lang = call.page.lang
    target = found.output(lang, call.renderer.langs.root)
    here = call.renderer.langs.page_url(call.page.path, lang) or "."
    info = catalog.page(found.path, lang)
    view = {"url": get_relative_url(target, here), "lang": lang, "own": name is None,
            "title": info.title if info else found.name, "file": posixpath.basename(target),
            "built": state.current().render_pdfs}
    return call.renderer.template("pdf.html").pdf_link(view, call.renderer.labels(lang))


@dataclass(frozen=True)
class Contact:
    role: dict[str, str]
    email: str | None  # None: the role alone (no address is shown until the team sets one)
    name: dict[str, str] = field(default_factory=dict)


_EMAIL = re.compile(r"^[^@\s<>\"']+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def read_contacts(extra: dict, languages: tuple[str, ...]) -> list[Contact]:
    """mkdocs.yml `extra: contacts:`, checked; the text of each contact in every language."""
    contacts = extra.get("contacts")
    where = "mkdocs.yml"
    if not isinstance(contacts, list) or not contacts:
        raise ContentError(where, "extra.contacts", "is missing or empty",
                           "list the media contacts: role (fr/en/es), optional email and name")
    found = []
    for i, item in enumerate(contacts):
        key = f"extra.contacts[{i}]"
        if not isinstance(item, dict):
            raise ContentError(where, key, "is not a mapping", "write role:, email: and optionally name:")
        unknown = sorted(set(item) - {"role", "email", "name"})
        if unknown:
            raise ContentError(where, f"{key}.{unknown[0]}", "is not a contact field",
                               did_you_mean(unknown[0], ("role", "email", "name")) or "use role, email, name")
        email = item.get("email")
        if email is not None and (not isinstance(email, str) or not _EMAIL.match(email.strip())):
            raise ContentError(where, f"{key}.email", f'"{email}" is not an email address',
                               "write the address the team reads, or leave 'email' out")
        found.append(Contact(_text(item.get("role"), f"{key}.role", languages, required=True),
                             email.strip() if email is not None else None,
                             _text(item.get("name"), f"{key}.name", languages, required=False)))
    return found


def _text(value, key: str, languages: tuple[str, ...], required: bool) -> dict[str, str]:
    """A text in every language: one string for all, or {fr: ..., en: ..., es: ...}."""
    if value is None and not required:
        return {}
    if isinstance(value, str) and value.strip():
        return {lang: value.strip() for lang in languages}
    if isinstance(value, dict):
        for lang in languages:
            if not isinstance(value.get(lang), str) or not value[lang].strip():
                raise ContentError("mkdocs.yml", f"{key}.{lang}", "is missing", "write it in every language")
        return {lang: value[lang].strip() for lang in languages}
    raise ContentError("mkdocs.yml", key, "is missing", "write it once, or in fr, en and es")


def media_contacts(call: BlockCall) -> str:
    """<!-- 4p1000 media-contacts -->: the contacts of mkdocs.yml `extra`, in the page's language."""
    lang = call.page.lang
    try:
        contacts = read_contacts(call.extra or {}, call.renderer.catalog.languages)
    except ContentError as error:
        raise ContentError(error.file, error.field, f"{error.problem} (needed by {call.page.file}, {call.line})",
                           error.hint) from None
    views = [{"role": k.role[lang], "name": k.name.get(lang), "email": k.email} for k in contacts]
    return call.renderer.template("pdf.html").media_contacts(views, call.renderer.labels(lang))


register_block("pdf-link", pdf_link)
register_block("media-contacts", media_contacts)


# -- from rendered pages to one HTML document per PDF ------------------------------------------------
@dataclass(frozen=True)
class RenderedPage:
    """A page as the language build rendered it."""
    path: str  # relative to the language folder
    title: str
    url: str  # relative to the site: en/press/press-kit/
    content: str  # the page's HTML content, generated blocks included
    description: str | None = None


@dataclass(frozen=True)
class Job:
    """One PDF to produce: everything the renderer needs, and nothing that depends on the build folder."""
    name: str
    lang: str
    source: str  # docs/fr/press/press-kit.md, for messages
    output: str  # relative to the site: en/pdf/press-kit-en.pdf
    html: str  # the whole document; relative resource URLs are relative to the site's root

    @property
    def label(self) -> str:
        return posixpath.basename(self.output)


@dataclass(frozen=True)
class Edition:
    """What a language build knows about the documents it prints."""
    lang: str
    default_language: str
    site_url: str
    site_name: str
    day: dt.date
    labels: dict[str, str]
    logo: str | None = None  # data: URI of the site's logo
    date_text: str = ""  # day, as the language writes it (core.languages)
    direction: str = "ltr"  # or "rtl"


_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>")
_ATTR = re.compile(r"""(\s)(id|href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_HEADERLINK = re.compile(r'<a\b[^>]*\bclass="headerlink"[^>]*>.*?</a>', re.S)
_HEADING = re.compile(r"<h([1-6])\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h\1>", re.S)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


def chapter_html(content: str, index: int, page_url: str, site: str, chapters: dict[str, int]) -> str:
    """A page's HTML made to stand in one document: ids prefixed by its chapter, links to the website
    (or to the chapter when it is in the same PDF), resources relative to the site's root."""
    prefix = f"c{index}-"
    base = urljoin(site, page_url)

    def attribute(tag: str, m: re.Match) -> str:
        space, name, value = m.group(1), m.group(2).lower(), m.group(3) if m.group(3) is not None else m.group(4)
        raw = htmllib.unescape(value)
        if name == "id":
            new = prefix + raw
        elif name == "href" and tag in ("a", "area"):
            new = _link(raw, prefix, base, site, chapters)
        elif raw and not _SCHEME.match(raw) and not raw.startswith("#"):  # a resource: src, or <link href>
            new = posixpath.normpath(posixpath.join(page_url, urlsplit(raw).path)) + (
                "?" + urlsplit(raw).query if urlsplit(raw).query else "")
        else:
            new = raw
        return f'{space}{name}="{htmllib.escape(new, quote=True)}"'

    def tag(m: re.Match) -> str:
        name = m.group(1).lower()
        return f"<{m.group(1)}{_ATTR.sub(lambda a: attribute(name, a), m.group(2))}>"

    return _TAG.sub(tag, _HEADERLINK.sub("", content))


def _link(href: str, prefix: str, base: str, site: str, chapters: dict[str, int]) -> str:
    if href.startswith("#"):
        return "#" + prefix + href[1:] if len(href) > 1 else href
    if _SCHEME.match(href) and not href.startswith(site):
        return href  # another site, mailto:, file: (an attachment link goes through the fetcher, which refuses it)
    absolute = urljoin(base, href)
    page, _, fragment = absolute.partition("#")
    if page in chapters:  # a page printed in the same PDF: jump to its chapter
        return f"#c{chapters[page]}-{fragment}" if fragment else f"#c{chapters[page]}"
    return absolute


def headings(html: str, levels: tuple[int, ...]) -> list[dict]:
    """The headings of a chapter for the table of contents: level, id, text (as HTML)."""
    found = []
    for m in _HEADING.finditer(html):
        if int(m.group(1)) in levels:
            text = re.sub(r"<[^>]+>", "", m.group(3)).strip()
            found.append({"level": int(m.group(1)), "id": m.group(2), "text": Markup(text)})
    return found


def css_string(value: str) -> Markup:
    """A CSS string literal: safe inside a <style> element whatever the text."""
    escaped = "".join(c if c.isalnum() or c in " .,;:!?'«»()-–—/&%+" else f"\\{ord(c):x} " for c in str(value))
    return Markup(f'"{escaped}"')


def css_counters(label: str) -> Markup:
    """"Page {page} of {pages}" -> "Page " counter(page) " of " counter(pages), for a CSS content."""
    if "{page}" not in label or "{pages}" not in label:
        raise ContentError("data/labels.yml", "pdf_page_of", f'"{label}" does not show {{page}} and {{pages}}',
                           'write e.g. "Page {page} of {pages}"')
    parts = []
    for piece in re.split(r"(\{pages?\})", label):
        if piece in ("{page}", "{pages}"):
            parts.append(f"counter({piece[1:-1]})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))


def template_env(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(root) / TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["css_string"] = css_string
    env.filters["css_counters"] = css_counters
    return env


def template_name(env: jinja2.Environment, declaration: Declaration) -> str:
    """The kind's own template (press-kit.html, newsletter.html, ...), else document.html."""
    name = f"{declaration.kind}.html"
    return name if name in env.list_templates() else "document.html"


def build_job(declaration: Declaration, pages: dict[str, RenderedPage], edition: Edition,
              env: jinja2.Environment) -> Job:
    """The HTML document of one PDF in one language, from the pages that language's build rendered."""
    lang = edition.lang
    root_file = f"docs/{lang}/{declaration.path}"
    order = (declaration.path, *declaration.chapters)
    missing = [p for p in order if p not in pages]
    if missing:
        raise ContentError(root_file if missing[0] == declaration.path else declaration.file, "pdf_pages",
                           f"the page {missing[0]} was not built in {lang}",
                           "check that it is not excluded from the build")
    site = edition.site_url if edition.site_url.endswith("/") else edition.site_url + "/"
    urls = {urljoin(site, pages[p].url): i for i, p in enumerate(order)}
    chapters = []
    for i, path in enumerate(order):
        page = pages[path]
        body = chapter_html(page.content, i, page.url, site, urls if len(order) > 1 else {})
        chapters.append({"id": f"c{i}", "title": page.title, "html": Markup(body), "headings": headings(body, (2,)),
                         "url": urljoin(site, page.url)})
    main = pages[declaration.path]
    view = {
        "lang": lang, "title": main.title, "description": main.description, "kind": declaration.kind,
        "name": declaration.name, "author": edition.site_name, "date": edition.date_text, "dir": edition.direction,
        "iso_date": edition.day.isoformat(), "url": urljoin(site, main.url),
        "home": site + ("" if lang == edition.default_language else f"{lang}/"),
        "logo": edition.logo, "chapters": chapters, "L": edition.labels,
    }
    # WeasyPrint copies the title into the PDF's XMP metadata, an XML document: no control character.
    html = strip_controls(env.get_template(template_name(env, declaration)).render(**view))
    return Job(declaration.name, lang, f"docs/{lang}/{declaration.path}",
               declaration.output(lang, edition.default_language), html)


FONT = "FPM Sans"  # the family overrides/pdf/pdf.css declares with the fonts it ships


def logo_uri(path: Path) -> str | None:
    """The site's logo as a data: URI: the PDF needs no file of the build for it. Text in an SVG logo
    is set in the shipped font, not in whatever font the machine has."""
    types = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
    if not path.is_file() or path.suffix.lower() not in types:
        return None
    data = path.read_bytes()
    if path.suffix.lower() == ".svg":
        data = re.sub(rb'font-family="[^"]*"', f'font-family="{FONT}"'.encode(), data)
        data = re.sub(rb"font-family:[^;\"']*", f"font-family:{FONT}".encode(), data)
    return f"data:{types[path.suffix.lower()]};base64,{base64.b64encode(data).decode('ascii')}"


# -- the PDF jobs of one process: the languages it builds, nested or one by one -----------------------
class Collector:
    """mkdocs-static-i18n builds the other languages inside the first one's on_post_build, so a language
    build starts (begin) and ends (end) nested in another; the parallel build (tools/build.py) builds
    one language per process. The jobs of every language are handed over once, when the outermost
    build of the process ends, so they are rendered together, one worker per core."""

    def __init__(self):
        self.frames: list[dict] = []
        self.jobs: list[Job] = []

    def begin(self, lang: str, **context) -> None:
        if not self.frames:
            self.jobs = []
        self.frames.append({"pages": {}, **context, "lang": lang})

    def record(self, page: RenderedPage) -> None:
        self.frames[-1]["pages"][page.path] = page

    @property
    def current(self) -> dict | None:
        return self.frames[-1] if self.frames else None

    def end(self, jobs: list[Job]) -> list[Job] | None:
        """Add the ending language's jobs; all of them once the outermost build ends, else None."""
        self.frames.pop()
        self.jobs.extend(jobs)
        if self.frames:
            return None
        jobs, self.jobs = self.jobs, []
        return jobs

    def abort(self) -> None:
        self.frames, self.jobs = [], []

