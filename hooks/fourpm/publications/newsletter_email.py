"""The e-mail edition of a newsletter issue: one HTML file for mailing tools, and its plain text.

Mail clients drop <style> and <link> and resolve no relative link, so the edition is a 600 px table
layout (overrides/fpm/newsletter-email.html) whose CSS is inlined into style attributes by css-inline,
with every link absolute. The content is the issue page's own rendered HTML: what readers of the web
page read, generated blocks included.
"""
from __future__ import annotations

import io
import re
import textwrap
from html import escape
from html.parser import HTMLParser
from urllib.parse import urljoin

from markupsafe import Markup

from ..core import cache
from ..core.errors import ContentError

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
    """The page's content without its permalinks, its own issue header and the site's markup, links
    made absolute."""
    return absolutize(strip_site_markup(_OWN_BLOCK.sub("", _PERMALINK.sub("", html))), page_url)


# Markup that means something on the website only: glossary tooltips (<abbr title>, shown as dotted
# underlines), tooltips and data for the site's scripts, and elements mail clients drop or refuse.
_DROPPED = {"script", "noscript", "template", "button", "form", "input", "select", "textarea", "iframe",
            "object", "embed", "svg", "video", "audio", "canvas"}
_UNWRAPPED = {"abbr"}
_SITE_ATTRIBUTES = {"title", "download", "tabindex"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Cleaner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.dropping = 0  # depth inside a dropped element

    def _attrs(self, attrs) -> str:
        kept = [(k, v) for k, v in attrs if k not in _SITE_ATTRIBUTES and not k.startswith(("data-", "on"))]
        return "".join(f' {k}="{escape(v, quote=True)}"' if v is not None else f" {k}" for k, v in kept)

    def handle_starttag(self, tag, attrs):
        if self.dropping or tag in _DROPPED:
            self.dropping += tag not in _VOID
        elif tag not in _UNWRAPPED:
            self.out.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_startendtag(self, tag, attrs):
        if not self.dropping and tag not in _DROPPED and tag not in _UNWRAPPED:
            self.out.append(f"<{tag}{self._attrs(attrs)}>")

    def handle_endtag(self, tag):
        if self.dropping:
            self.dropping -= tag not in _VOID
        elif tag not in _UNWRAPPED and tag not in _VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if not self.dropping:
            self.out.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def strip_site_markup(html: str) -> str:
    """The HTML without glossary tooltips (their words stay), tooltips, script data and interactive
    or embedded elements."""
    cleaner = _Cleaner()
    cleaner.feed(html)
    cleaner.close()
    return "".join(cleaner.out)


# -- images ----------------------------------------------------------------------------------------
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r'\bsrc="([^"]*)"')
SHOWN = (".png", ".jpg", ".jpeg", ".gif")  # what Gmail and Outlook display (not SVG, not WebP everywhere)
LOGO_WIDTH = 64  # displayed size of the logo in the header; its PNG is drawn at twice that
CONTENT_WIDTH = 536  # of the body column: 600 px minus its padding


def image_sources(html: str) -> list[str]:
    return [m.group(1) for tag in _IMG.findall(html) if (m := _SRC.search(tag))]


def replace_images(html: str, replacements: dict[str, tuple[str, int, int]]) -> str:
    """Every <img> whose src is in replacements gets the new src and its displayed width and height
    (the file itself is twice as large, for high-density screens)."""
    def fix(match: re.Match) -> str:
        tag = match.group(0)
        src = _SRC.search(tag)
        if not src or src.group(1) not in replacements:
            return tag
        url, width, height = replacements[src.group(1)]
        tag = re.sub(r'\s(width|height)="[^"]*"', "", tag)
        return tag.replace(src.group(0), f'src="{escape(url, quote=True)}" width="{width}" height="{height}"', 1)
    return _IMG.sub(fix, html)


def displayed_size(width: int, height: int, limit: int = CONTENT_WIDTH) -> tuple[int, int]:
    """The size an image of that intrinsic size is shown at in the body column."""
    if width <= limit:
        return width, height
    return limit, max(1, round(height * limit / width))


def inline_css(document: str) -> str:
    """Move the <style> rules into style attributes; drop <style> and <link>; fetch nothing. Kept on
    disk (core/cache.py): a document that did not change is not inlined again."""
    return cache.current().memo("inline-css", (document,), lambda: _inline_css(document))


def _inline_css(document: str) -> str:
    import css_inline  # guarded: only needed when an e-mail is written

    inliner = css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)
    return inliner.inline(document)


MAX_BYTES = 102 * 1024  # Gmail clips a message whose HTML is larger, hiding its end (and its unsubscribe link)


class _Audit(HTMLParser):
    def __init__(self, placeholders: tuple[str, ...]):
        super().__init__(convert_charrefs=True)
        self.placeholders = placeholders
        self.styles = self.links = 0
        self.images_without_alt: list[str] = []
        self.not_shown: list[str] = []
        self.relative: list[str] = []
        self.site_only: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "style":
            self.styles += 1
        elif tag == "link":
            self.links += 1
        elif tag == "img":
            if not (values.get("alt") or "").strip():
                self.images_without_alt.append(values.get("src") or "?")
            if not (values.get("src") or "").lower().split("?")[0].endswith(SHOWN):
                self.not_shown.append(values.get("src") or "?")
        if tag in _DROPPED or tag in _UNWRAPPED:
            self.site_only.append(f"<{tag}>")
        for name in ("href", "src"):
            value = values.get(name)
            if value is not None and not _ABSOLUTE.match(value) and value not in self.placeholders:
                self.relative.append(value)


def audit(document: str, file: str, placeholders: tuple[str, ...] = ()) -> None:
    """What a mailing tool and the inboxes need, or a ContentError: no <style>/<link>, alt text, images
    mail clients show, absolute links (or the mailing tool's placeholders), no site-only markup, and
    under Gmail's 102 KB."""
    found = _Audit(placeholders)
    found.feed(document)
    if found.images_without_alt:
        raise ContentError(file, None, f'the image "{found.images_without_alt[0]}" has no alt text',
                           "describe it: ![what the image shows](image.png)")
    if found.not_shown:
        raise ContentError(file, None, f'the image "{found.not_shown[0]}" is not a PNG, JPEG or GIF file, which '
                           "Gmail and Outlook would not show", "use a PNG or JPEG image (SVG images of the site are converted)")
    if found.relative:
        raise ContentError(file, None, f'the link "{found.relative[0]}" cannot be made absolute in the e-mail edition',
                           "check the link")
    if found.styles or found.links:
        raise ContentError(file, None, "the e-mail edition still has <style> or <link> elements",
                           "remove raw <style> or <link> from the issue")
    if found.site_only:
        raise ContentError(file, None, f"the e-mail edition still has {found.site_only[0]}, which mail clients do not show",
                           "remove it from the issue")
    size = len(document.encode("utf-8"))
    if size > MAX_BYTES:
        raise ContentError(file, None, f"the e-mail edition is {size / 1024:.0f} KB: Gmail clips messages over "
                           f"{MAX_BYTES // 1024} KB", "shorten the issue, or move part of it to a page it links to")


def render(template, *, issue: dict, content: str, links: dict, labels: dict, lang: str, site_name: str,
           logo: dict | None = None) -> str:
    """The complete e-mail document, CSS inlined. template: the macros of newsletter-email.html.
    links: web, archive, rss, home, unsubscribe (the mailing tool's placeholder); logo: url, width, height."""
    document = str(template.email(issue, Markup(content), links, labels, lang, site_name, logo))
    return inline_css(document)


UNSUBSCRIBE_HINT = ("write the unsubscribe merge tag of the mailing tool that sends the newsletter: *|UNSUB|* "
                    "(Mailchimp), {{ unsubscribe }} (Brevo), [[UNSUB_LINK_FR]] (Mailjet); see the README")


def unsubscribe_placeholder(extra: dict, lang: str) -> str | None:
    """The mailing tool's merge tag for the unsubscribe link (extra.newsletter.unsubscribe in
    mkdocs.yml: one text, or one per language); None when it is not set; a ContentError when it is
    set but gives nothing for this language."""
    newsletter = extra.get("newsletter")
    value = newsletter.get("unsubscribe") if isinstance(newsletter, dict) else None
    if value is None:
        return None
    per_language = isinstance(value, dict)
    if per_language:
        value = value.get(lang)
    if not isinstance(value, str) or not value.strip():
        raise ContentError("mkdocs.yml", "extra.newsletter.unsubscribe",
                           f"is empty{' for ' + lang if per_language else ''}", UNSUBSCRIBE_HINT)
    return value.strip()


def svg_as_png(svg: bytes, fonts: list, width: int | None = None) -> tuple[bytes, int, int]:
    """An SVG image as a PNG twice the size it is shown at (sharp on high-density screens), and that
    displayed size: `width` wide if given (the logo), else its own size narrowed to the body column."""
    from PIL import Image

    from ..core.images import rasterize_svg

    natural = Image.open(io.BytesIO(rasterize_svg(svg, None, None, fonts))).size
    if width:
        shown = width, max(1, round(natural[1] * width / natural[0]))
    else:
        shown = displayed_size(*natural)
    return rasterize_svg(svg, 2 * shown[0], 2 * shown[1], fonts), *shown


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
    "a | b", links as "text <url>". Objective codes keep their URL out of the sentence (it would
    drown the text): they are listed with it at the end of the body, under `references`."""

    def __init__(self, references: str = ""):
        super().__init__(convert_charrefs=True)
        self.references = references
        self.codes: dict[str, str] = {}  # code -> url, in order of appearance
        self.code_href = ""  # of the objective code link being read
        self.tds: list[bool] = []  # open <td>s: True for the body's
        self.lines: list[str] = []
        self.line = ""
        self.indent = ""  # of the current list item's continuation lines
        self.skip = 0
        self.depth = 0
        self.links: list[tuple[str, int]] = []
        self.cells = 0  # cells seen in the current table row
        self.divs: list[bool] = []  # open <div>s: True for a hidden one (the preheader), skipped

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
        if tag == "div":
            self.divs.append("display:none" in (values.get("style") or "").replace(" ", ""))
            self.skip += self.divs[-1]
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
        if tag == "td":
            self.tds.append("fpm-body" in (values.get("class") or "").split())
        elif tag == "a":
            code = "fpm-code" in (values.get("class") or "").split()
            self.links.append(("" if code else values.get("href") or "", len(self.line)))
            if code:
                self.code_href = values.get("href") or ""
        elif tag == "img" and values.get("alt"):
            self.line += f" [{values['alt']}] "

    def handle_endtag(self, tag):
        if tag == "div" and self.divs:
            self.skip -= self.divs.pop()
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
            elif not href and self.code_href:
                self.codes.setdefault(self.line[start:].strip(), self.code_href)
                self.code_href = ""
        if tag == "td" and self.tds and self.tds.pop() and self.codes:
            self._blank()  # the end of the body: the objective codes it cites, with their URL
            if self.references:
                self.lines += [self.references, "-" * len(self.references), ""]
            self.lines += [f"- {code}\xa0<{url}>" for code, url in self.codes.items()] + [""]
            self.codes = {}

    def handle_data(self, data):
        if not self.skip:
            self.line += data

    def text(self) -> str:
        self._flush()
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.lines).strip()) + "\n"


def to_text(document: str, references: str = "") -> str:
    """The plain-text version of an e-mail document; references: the heading of the list of the
    objective codes it cites."""
    parser = _Text(references)
    parser.feed(document)
    return parser.text()
