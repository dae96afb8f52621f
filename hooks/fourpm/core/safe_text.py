"""Text from front matter and data, made safe for the outputs that do not escape it themselves.

XML 1.0 forbids most control characters (a "\\x0b" in a title made the RSS, Atom and the PDFs' XMP
metadata unreadable), and MkDocs' Jinja environment has no autoescape (Material prints page titles
as they are). These pure functions are the one place where both are handled.
"""
from __future__ import annotations

import re

from markupsafe import Markup

# What XML 1.0 does not allow (C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF), plus DEL
# and the C1 controls, which it discourages and no reader means to write.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def strip_controls(text: str) -> str:
    """text without the characters an XML document cannot hold."""
    return _CONTROL.sub("", text)


class HtmlText(Markup):
    """A title as HTML: & < > escaped for element content, where MkDocs' templates print it as it is
    (Material's double quotes stay as they were). Where a template escapes it (`| e` in an attribute,
    an autoescaping environment), double quotes are escaped too, and nothing else again."""

    def __html__(self) -> Markup:
        return Markup(str.replace(str(self), '"', "&#34;"))


def html_text(value) -> Markup | None:
    """A title given as text (front matter, nav, data) made HTML: control characters dropped, escaped
    once. Markup is already HTML: calling this twice does not escape it again."""
    if value is None or isinstance(value, Markup):
        return value
    text = strip_controls(str(value))
    return HtmlText(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def html_markup(value: str | None) -> Markup | None:
    """A title that is already HTML (MkDocs takes it from the page's rendered <h1>): kept as it is."""
    return None if value is None else HtmlText(strip_controls(str(value)))
