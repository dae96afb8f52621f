"""RSS 2.0 and Atom feeds of the newsletter, one pair per language.

Pure functions of the issues, the language and absolute URLs. Dates come from the issues only (the
newest issue's date stands for the feed's update), so a rebuild writes the same bytes.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime

from .newsletter import Issue, newest_first
from ..core.safe_text import strip_controls

ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Channel:
    """What a feed says about itself, in one language."""
    lang: str
    title: str
    description: str
    home: str  # absolute URL of the archive page
    self_url: str  # absolute URL of this feed
    today: dt.date  # the build's reproducible "today": the update date of a feed with no issue yet


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc)


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _serialize(root: ET.Element) -> bytes:
    ET.indent(root)
    # ElementTree writes a control character ("\x0b" in a title) as it is: no reader could parse the feed.
    text = ET.tostring(root, encoding="utf-8", xml_declaration=True).decode("utf-8")
    return strip_controls(text).encode("utf-8") + b"\n"


def rss(issues: list[Issue], channel: Channel, link: Callable[[Issue], str]) -> bytes:
    """RSS 2.0: one <item> per issue, newest first; link(issue) is the issue page's absolute URL."""
    ET.register_namespace("atom", ATOM)
    root = ET.Element("rss", {"version": "2.0"})
    ch = ET.SubElement(root, "channel")
    _text(ch, "title", channel.title)
    _text(ch, "link", channel.home)
    _text(ch, "description", channel.description)
    _text(ch, "language", channel.lang)
    ET.SubElement(ch, f"{{{ATOM}}}link", {"href": channel.self_url, "rel": "self", "type": "application/rss+xml"})
    ordered = newest_first(issues)
    if ordered:
        _text(ch, "lastBuildDate", format_datetime(_moment(ordered[0].date)))
    for issue in ordered:
        item = ET.SubElement(ch, "item")
        _text(item, "title", issue.title(channel.lang))
        _text(item, "link", link(issue))
        _text(item, "description", issue.summary(channel.lang))
        _text(item, "pubDate", format_datetime(_moment(issue.date)))
        _text(item, "guid", link(issue), isPermaLink="true")
    return _serialize(root)


def atom(issues: list[Issue], channel: Channel, link: Callable[[Issue], str]) -> bytes:
    """Atom 1.0: one <entry> per issue, newest first, the feed in the channel's language (xml:lang)."""
    ET.register_namespace("", ATOM)
    a = f"{{{ATOM}}}"
    root = ET.Element(f"{a}feed", {"{http://www.w3.org/XML/1998/namespace}lang": channel.lang})
    _text(root, f"{a}title", channel.title)
    _text(root, f"{a}subtitle", channel.description)
    _text(root, f"{a}id", channel.self_url)
    ET.SubElement(root, f"{a}link", {"href": channel.home, "rel": "alternate", "type": "text/html"})
    ET.SubElement(root, f"{a}link", {"href": channel.self_url, "rel": "self", "type": "application/atom+xml"})
    ordered = newest_first(issues)
    updated = ordered[0].date if ordered else channel.today
    _text(root, f"{a}updated", _moment(updated).isoformat().replace("+00:00", "Z"))
    author = ET.SubElement(root, f"{a}author")
    _text(author, f"{a}name", channel.title)
    for issue in ordered:
        entry = ET.SubElement(root, f"{a}entry")
        _text(entry, f"{a}title", issue.title(channel.lang))
        ET.SubElement(entry, f"{a}link", {"href": link(issue), "rel": "alternate", "type": "text/html"})
        _text(entry, f"{a}id", link(issue))
        stamp = _moment(issue.date).isoformat().replace("+00:00", "Z")
        _text(entry, f"{a}published", stamp)
        _text(entry, f"{a}updated", stamp)
        _text(entry, f"{a}summary", issue.summary(channel.lang))
    return _serialize(root)
