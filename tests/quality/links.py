"""Internal links and anchors of a built site: in its HTML pages, its sitemap and its PDFs."""
from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LOCAL = "http://site.invalid/"  # stands for the site root while resolving relative links
SKIPPED_SCHEMES = ("mailto", "tel", "javascript", "data", "blob")
LINK_ATTRIBUTES = {"a": "href", "area": "href", "link": "href", "script": "src", "img": "src", "source": "src",
                   "iframe": "src", "embed": "src", "video": "src", "audio": "src", "track": "src", "object": "data"}


@dataclass
class Page:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, str]] = field(default_factory=list)  # (tag, url as written)


class _Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.page.ids.add(attrs["id"])
        if tag == "a" and attrs.get("name"):
            self.page.ids.add(attrs["name"])
        value = attrs.get(LINK_ATTRIBUTES.get(tag, ""))
        if "fpm-unsubscribe" in (attrs.get("class") or "").split():
            return  # an e-mail edition's unsubscribe merge tag, which the mailing tool fills when it sends
        if tag == "link" and not {"stylesheet", "icon", "canonical", "prev", "next", "alternate", "manifest",
                                  "preload", "modulepreload"} & set((attrs.get("rel") or "").lower().split()):
            return  # preconnect, dns-prefetch: hosts, not documents
        if value is not None:
            self.page.links.append((tag, value))


def parse(html_text: str) -> Page:
    parser = _Parser()
    parser.feed(html_text)
    return parser.page


class Site:
    """A built site on disk, with site_url standing for its root in absolute links."""

    def __init__(self, root: Path, site_url: str):
        self.root = root
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self._pages: dict[Path, Page] = {}

    def page(self, file: Path) -> Page:
        if file not in self._pages:
            self._pages[file] = parse(file.read_text(encoding="utf-8"))
        return self._pages[file]

    def html_files(self) -> list[Path]:
        return sorted(self.root.rglob("*.html"))

    def to_local(self, url: str) -> str | None:
        """The site-relative path of an absolute URL (on localhost's stand-in or site_url), else None."""
        for base in (LOCAL, self.site_url):
            if url.startswith(base):
                return url[len(base):]
        base_path = urlsplit(self.site_url).path
        parts = urlsplit(url)
        if parts.scheme == "http" and parts.netloc == urlsplit(LOCAL).netloc and parts.path.startswith(base_path):
            return parts.path[len(base_path):] + (f"#{parts.fragment}" if parts.fragment else "")  # "/x" written root-relative
        return None

    def check(self, url: str, page_path: str = "") -> str | None:
        """None if url resolves in the site (file and anchor), else the problem. External URLs are not checked."""
        scheme = urlsplit(url).scheme.lower()
        if scheme in SKIPPED_SCHEMES:
            return None
        if scheme == "file":
            return "points to a file of the build machine"
        local = self.to_local(urljoin(LOCAL + page_path, url))
        if local is None:
            return None  # another host: not ours to check offline
        path, _, fragment = local.partition("#")
        path = unquote(path.split("?")[0])
        target = self.root / path
        if path == "" or path.endswith("/") or target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return f"no file {target.relative_to(self.root).as_posix()}"
        fragment = unquote(fragment)
        if fragment and target.suffix == ".html" and fragment not in self.page(target).ids:
            return f"no anchor #{fragment} in {target.relative_to(self.root).as_posix()}"
        return None

    def broken_html_links(self) -> tuple[list[str], int]:
        """(problems, number of links checked) over every HTML page."""
        problems, checked = [], 0
        for file in self.html_files():
            rel = file.relative_to(self.root).as_posix()
            page_path = rel[:-len("index.html")] if rel.endswith("index.html") else rel
            for tag, url in self.page(file).links:
                if url in ("", "#"):  # "back to top", the current page
                    continue
                checked += 1
                problem = self.check(url, page_path)
                if problem:
                    problems.append(f"{rel}: <{tag}> {url}: {problem}")
        return problems, checked

    def broken_sitemap_links(self) -> tuple[list[str], int]:
        text = (self.root / "sitemap.xml").read_text(encoding="utf-8")
        urls = re.findall(r"<loc>([^<]+)</loc>", text) + re.findall(r'<xhtml:link[^>]*href="([^"]+)"', text)
        problems = []
        for url in urls:
            if self.to_local(url) is None:
                problems.append(f"sitemap.xml: {url}: not under site_url {self.site_url}")
            elif problem := self.check(url):
                problems.append(f"sitemap.xml: {url}: {problem}")
        return problems, len(urls)


def pdf_links(pdf: Path) -> list[str]:
    """Every URI of the PDF's link annotations."""
    from pypdf import PdfReader

    uris = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None:
                action = action.get_object()
                if action.get("/URI") is not None:
                    uris.append(str(action["/URI"]))
    return uris


def broken_pdf_links(site: Site) -> tuple[list[str], int, list[Path]]:
    """(problems, number of links into the site, PDFs read) over every PDF of the site."""
    problems, into_site = [], 0
    pdfs = sorted(site.root.rglob("*.pdf"))
    for pdf in pdfs:
        rel = pdf.relative_to(site.root).as_posix()
        for uri in pdf_links(pdf):
            if urlsplit(uri).scheme == "file":
                problems.append(f"{rel}: {uri}: points to a file of the build machine")
            elif site.to_local(uri) is not None or not urlsplit(uri).scheme:
                into_site += 1
                if problem := site.check(uri, rel):
                    problems.append(f"{rel}: {uri}: {problem}")
    return problems, into_site, pdfs
