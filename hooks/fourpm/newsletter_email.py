"""The e-mail edition of a newsletter issue: one HTML file for mailing tools, and its plain text.

Mail clients drop <style> and <link> and resolve no relative link, so the edition is a 600 px table
layout (overrides/fpm/newsletter-email.html) whose CSS is inlined into style attributes by css-inline,
with every link absolute. The content is the issue page's own rendered HTML: what readers of the web
page read, generated blocks included.
"""
from __future__ import annotations

import re
import textwrap
from html.parser import HTMLParser
from urllib.parse import urljoin

from markupsafe import Markup

from .errors import ContentError

_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_OWN_BLOCK = re.compile(r'<(div|nav|aside) class="fpm-block fpm-newsletter-issue".*?</\1>', re.S)
_URL_ATTR = re.compile(r'\b(href|src)="([^"]*)"')
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def absolutize(html: str, page_url: str) -> str:
    """Every href and src made absolute, relative to the page's absolute URL."""
    def fix(match: re.Match) -> str:
        attr, value = match.groups()
        return match.group(0) if _ABSOLUTE.match(value) else f'{attr}="{urljoin(page_url, value)}"'
    return _URL_ATTR.sub(fix, html)


def content_for_email(html: str, page_url: str) -> str:
    """The page's content without its permalinks and its own issue header, links made absolute."""
    return absolutize(_OWN_BLOCK.sub("", _PERMALINK.sub("", html)), page_url)


def inline_css(document: str) -> str:
    """Move the <style> rules into style attributes; drop <style> and <link>; fetch nothing."""
    import css_inline  # guarded: only needed when an e-mail is written

    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    return inliner.inline(document)


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.styles = self.links = 0
        self.images_without_alt: list[str] = []
        self.relative: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "style":
            self.styles += 1
        elif tag == "link":
            self.links += 1
        elif tag == "img" and not (values.get("alt") or "").strip():
            self.images_without_alt.append(values.get("src") or "?")
        for name in ("href", "src"):
            value = values.get(name)
            if value is not None and not _ABSOLUTE.match(value):
                self.relative.append(value)


def audit(document: str, file: str) -> None:
    """What a mailing tool needs, or a ContentError: no <style>/<link>, alt text, absolute links."""
    found = _Audit()
    found.feed(document)
    if found.images_without_alt:
        raise ContentError(file, None, f'the image "{found.images_without_alt[0]}" has no alt text',
                           "describe it: ![what the image shows](image.png)")
    if found.relative:
        raise ContentError(file, None, f'the link "{found.relative[0]}" cannot be made absolute in the e-mail edition',
                           "check the link")
    if found.styles or found.links:
        raise ContentError(file, None, "the e-mail edition still has <style> or <link> elements",
                           "remove raw <style> or <link> from the issue")


def render(template, *, issue: dict, content: str, links: dict, labels: dict, lang: str, site_name: str) -> str:
    """The complete e-mail document, CSS inlined. template: the macros of newsletter-email.html."""
    document = str(template.email(issue, Markup(content), links, labels, lang, site_name))
    return inline_css(document)


# -- plain text ------------------------------------------------------------------------------------
_BLOCKS = {"p", "div", "table", "ul", "ol", "section", "article", "aside", "nav", "blockquote", "dl", "hr", "caption"}
_HEADINGS = {"h1": "=", "h2": "=", "h3": "-", "h4": "-"}
_SKIP = {"head", "style", "script", "title"}


def _squash(text: str) -> str:
    """One line of text: spaces collapsed (no-break spaces kept), and no break before French high
    punctuation nor after an opening guillemet."""
    text = re.sub(r"[ \t\r\n\f\v]+", " ", text).strip().replace("« ", "«\xa0")
    return re.sub(r" ([;:!?»])", "\xa0\\1", text)


class _Text(HTMLParser):
    """HTML to plain text for mail clients: headings underlined, "- " bullets, table rows as
    "a | b", links as "text <url>" (objective codes without their URL: they would drown the text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.indent = ""  # of the current list item's continuation lines
        self.skip = 0
        self.depth = 0
        self.links: list[tuple[str, int]] = []
        self.cells = 0  # cells seen in the current table row

    def _flush(self):
        text = _squash(self.line)
        if text:
            lead = re.match(r"^\s*", self.line).group(0) if self.line.lstrip().startswith("- ") else ""
            self.lines.extend(textwrap.wrap(lead + text, 76, subsequent_indent=self.indent,
                                            break_long_words=False, break_on_hyphens=False))
        self.line, self.indent = "", ""

    def _blank(self):
        self._flush()
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in _SKIP:
            self.skip += 1
        elif tag in _HEADINGS or tag in _BLOCKS:
            self._blank()
            self.depth += tag in ("ul", "ol")
        elif tag == "li":
            self._flush()
            self.line = "  " * (self.depth - 1) + "- "
            self.indent = "  " * self.depth
        elif tag in ("br", "tr", "dt", "dd"):
            self._flush()
            self.cells = 0
        elif tag in ("td", "th"):
            self.line += " | " if self.cells else ""
            self.cells += 1
        elif tag == "a":
            code = "fpm-code" in (values.get("class") or "").split()
            self.links.append(("" if code else values.get("href") or "", len(self.line)))
        elif tag == "img" and values.get("alt"):
            self.line += f" [{values['alt']}] "

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip -= 1
        elif tag in _HEADINGS:
            text = _squash(self.line)
            self.line = ""
            if text:
                self.lines += [text, _HEADINGS[tag] * len(text), ""]
        elif tag in _BLOCKS:
            self.depth -= tag in ("ul", "ol")
            self._blank()
        elif tag == "tr":
            self._flush()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            if href and not href.startswith("#") and href != self.line[start:].strip():
                self.line += f"\xa0<{href}>"  # kept on the line of its text

    def handle_data(self, data):
        if not self.skip:
            self.line += data

    def text(self) -> str:
        self._flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.lines).strip()) + "\n"


def to_text(document: str) -> str:
    """The plain-text version of an e-mail document."""
    parser = _Text()
    parser.feed(document)
    return parser.text()
