"""The agenda as an iCalendar file per language, for calendar applications.

All-day events: DTSTART is the first day, DTEND the day after the last (RFC 5545: the end is
exclusive). UIDs come from the events' ids, so a re-import updates instead of duplicating; DTSTAMP
is the build's reproducible "now", so two builds of the same sources give the same bytes.
"""
from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event as VEvent

from ..core.languages import Languages
from . import Event, Partner
from ..core.safe_text import strip_controls


def uid(event: Event, domain: str) -> str:
    return f"{event.id}@{domain}"


def calendar(events: list[Event], partners: dict[str, Partner], langs: Languages, lang: str, labels: dict[str, str],
             epoch: int, domain: str, page_url: str | None = None) -> bytes:
    """The .ics bytes of events, in lang. labels: the language's labels (data/labels.yml)."""
    cal = Calendar()
    cal.add("prodid", f"-//{labels['ev_calendar_name']}//{lang.upper()}")  # the name in the language
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", labels["ev_calendar_name"])
    stamp = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    for event in events:
        item = VEvent()
        item.add("uid", uid(event, domain))
        item.add("dtstamp", stamp)
        item.add("dtstart", event.first_day)
        item.add("dtend", event.last_day + dt.timedelta(days=1))
        item.add("summary", event.names[lang])
        place = ", ".join(p for p in (event.city(lang), langs.country(event.country, lang)) if p)
        if place:
            item.add("location", place)
        if event.located:
            item.add("geo", (event.lat, event.lon))
        lines = []
        if event.themes:
            lines.append(f"{labels['ev_theme']}{labels['colon']}{event.themes[lang]}")
        if event.organisers:
            names = ", ".join(partners[o].name(lang) for o in event.organisers if o in partners)
            lines.append(f"{labels['ev_organisers']}{labels['colon']}{names}")
        if not event.exact:
            # The calendar shows the whole period; say that the Day's own date is not known.
            lines.append(f"{labels['ev_during']} {event.during.names[lang]} ({labels['ev_date_unknown']}). "
                         f"{event.during.notes[lang]}")
        if lines:
            item.add("description", "\n".join(lines))
        item.add("status", "CONFIRMED" if event.exact else "TENTATIVE")
        item.add("transp", "TRANSPARENT")
        item.add("categories", [labels[f"ev_kind_{event.kind}"]])
        if page_url:
            item.add("url", page_url)
        cal.add_component(item)
    return strip_controls(cal.to_ical().decode("utf-8")).encode("utf-8")  # RFC 5545 allows no control character in text
