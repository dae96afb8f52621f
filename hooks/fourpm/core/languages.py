"""The languages of the site, from mkdocs.yml, and the one way each value is written in each of them.

No other module names a language: the source is the first language of mkdocs.yml, the language at the
site's root is the one mkdocs-static-i18n builds there (the source, or the one `make serve lang=xx`
previews), and every link, file name, date and number goes through a Languages value.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_date, format_skeleton
from babel.numbers import format_decimal, format_percent

from .errors import ContentError


@dataclass(frozen=True)
class Language:
    code: str  # the folder under docs/ and the URL prefix
    name: str  # as the language switcher shows it
    locale: str  # Babel's locale: month names, number formats, writing direction

    @property
    def direction(self) -> str:
        return "rtl" if Locale.parse(self.locale).character_order == "right-to-left" else "ltr"


@dataclass(frozen=True)
class Languages:
    items: tuple[Language, ...]  # in the order of mkdocs.yml, the source first
    root: str  # the language built at the site's root

    # -- which languages -------------------------------------------------------------------
    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    @property
    def source(self) -> str:
        return self.items[0].code

    def get(self, code: str) -> Language:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def others(self, code: str) -> tuple[str, ...]:
        return tuple(c for c in self.codes if c != code)

    # -- where things are --------------------------------------------------------------------
    def prefix(self, code: str) -> str:
        """The folder of a language in the built site: "" for the root language, else "en/"."""
        return "" if code == self.root else f"{code}/"

    def page_url(self, path: str, code: str) -> str:
        """The URL, relative to the site's root, of docs/<code>/<path> (directory URLs)."""
        return page_url(path, code, self.root)

    # -- how values are written --------------------------------------------------------------
    def locale(self, code: str) -> str:
        return self.get(code).locale

    def date(self, day: dt.date, code: str, style: str = "long") -> str:
        """16 novembre 2022 / 16 November 2022 / 16 de noviembre de 2022."""
        return _babel_date(day, format=style, locale=self.locale(code))

    def date_range(self, first: dt.date, last: dt.date, code: str) -> str:
        """7–10 février 2023 / 30 May – 2 June 2023 / 30 de mayo – 2 de junio de 2023: the year (and the
        month) once when both days share it."""
        end = self.date(last, code)
        if first == last:
            return end
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{end}"
        if first.year == last.year:
            return f"{format_skeleton('MMMMd', first, locale=self.locale(code))} – {end}"
        return f"{self.date(first, code)} – {end}"

    def month(self, year: int, month: int, code: str) -> str:
        """novembre 2022 / November 2022 / noviembre de 2022."""
        return format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale(code))

    def language_name(self, other: str, code: str) -> str:
        """The name of any language (other: a code such as de), in language code."""
        return Locale.parse(other).get_display_name(self.locale(code)) or other

    def country(self, territory: str | None, code: str) -> str | None:
        """The name of a country (an ISO code such as SN) in language code."""
        return Locale.parse(self.locale(code)).territories.get(territory, territory) if territory else None

    def number(self, value: float, code: str) -> str:
        return format_decimal(value, locale=self.locale(code))

    def percent(self, value: float, code: str) -> str:
        """value in percent: 40 -> "40 %" / "40%"."""
        return format_percent(value / 100, locale=self.locale(code))


def page_url(path: str, code: str, root: str) -> str:
    """The URL of docs/<code>/<path> when root is the language at the site's root."""
    stem = path[:-3] if path.endswith(".md") else path
    stem = "" if stem == "index" else stem[:-len("index")] if stem.endswith("/index") else stem + "/"
    return ("" if code == root else f"{code}/") + stem


def languages_from(entries: list[tuple[str, str]], root: str, locales: dict[str, str] | None = None,
                   file: str = "mkdocs.yml") -> Languages:
    """Languages from (code, name) pairs in mkdocs.yml's order; locales maps a code to its Babel locale
    where it is not the code itself (en -> en_GB: "16 November 2022")."""
    locales = locales or {}
    items = []
    for code, name in entries:
        locale = locales.get(code, code)
        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            raise ContentError(file, f"extra.locales.{code}", f'"{locale}" is not a locale Babel knows',
                               "write a language code such as pt or pt_BR") from None
        items.append(Language(code, name, locale))
    return Languages(tuple(items), root)
