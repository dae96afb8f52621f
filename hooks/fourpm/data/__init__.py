"""Language-neutral data of the data pages: partners, events and key figures, read and validated.

data/partners.yml, data/events.yml and data/key_figures.yml are loaded by plain functions that
return frozen dataclasses or raise ContentError naming the file and the field. The data pages (the
wiki's partner pages among them: pages.py) and the calendars (ics.py) use them.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from contextvars import ContextVar
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError

from ..core import reader
from ..core.errors import ContentError, did_you_mean
from ..core.schema import validate

# The languages of the site while a loader runs (each loader takes them as `languages=`): the schemas'
# Translated option checks a text exists in each.
_LANGUAGES: ContextVar[tuple[str, ...]] = ContextVar("languages")


def _with_languages(loader):
    @functools.wraps(loader)
    def load(*args, languages: tuple[str, ...], **kwargs):
        token = _LANGUAGES.set(tuple(languages))
        try:
            return loader(*args, **kwargs)
        finally:
            _LANGUAGES.reset(token)
    return load


PARTNER_KINDS = ("ministry", "research", "public-body", "organisation", "company", "un-partnership")
REGIONS = ("africa", "asia", "europe", "latin-america", "north-america", "oceania", "international")
EVENT_KINDS = ("regional-meeting", "initiative-day", "consortium-meeting")
QUALIFIERS = ("over", "about", "at-least", "at-most")
UNITS = ("eur", "percent")
CHART_TYPES = ("bars", "share")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COUNTRIES = frozenset(code for code in Locale.parse("en").territories if re.fullmatch(r"[A-Z]{2}", code))


# -- options for the Config schemas ---------------------------------------------------------------
class Translated(c.BaseConfigOption):
    """Text in every language: {fr: ..., en: ..., es: ...}; or one string when it is the same in all
    (names of places and organisations), if same_everywhere."""

    def __init__(self, same_everywhere: bool = False, required: bool = True):
        super().__init__()
        self.same_everywhere, self.needed = same_everywhere, required

    def run_validation(self, value):
        if value is None or value == "":
            if self.needed:
                raise ValidationError("is missing")
            return None
        languages = _LANGUAGES.get()
        if isinstance(value, (str, int, float)) and self.same_everywhere:
            return {lang: str(value).strip() for lang in languages}
        if not isinstance(value, dict):
            form = "{" + ", ".join(f"{lang}: ..." for lang in languages) + "}"
            raise ValidationError(f"expected {form}" + (" or one text" if self.same_everywhere else ""))
        missing = [lang for lang in languages
                   if not isinstance(value.get(lang), (str, int, float)) or not str(value[lang]).strip()]
        if missing:
            raise ValidationError(f"missing in {', '.join(repr(lang) for lang in missing)}")
        unknown = sorted(set(value) - set(languages))
        if unknown:
            raise ValidationError(f"'{unknown[0]}' is not a language of the site (use {', '.join(languages)})")
        return {lang: str(value[lang]).strip() for lang in languages}


class Day(c.BaseConfigOption):
    """A calendar day written YYYY-MM-DD."""

    def run_validation(self, value):
        if value is None or value == "":
            return None
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValidationError(f'"{value}" is not a date (write YYYY-MM-DD, e.g. 2023-02-07)') from None


class Number(c.BaseConfigOption):
    def __init__(self, low: float | None = None, high: float | None = None, what: str = "number"):
        super().__init__()
        self.low, self.high, self.what = low, high, what

    def run_validation(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValidationError(f'"{value}" is not a number')
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise ValidationError(f"{value} is out of range ({self.what} is between {self.low} and {self.high})")
        return value


def _choice(value: str, choices: tuple[str, ...], file: str, field: str) -> str:
    if value not in choices:
        raise ContentError(file, field, f'"{value}" is not one of {", ".join(choices)}',
                           did_you_mean(value, choices))
    return value


def _validate(schema: type[Config], values, file: str, field: str) -> Config:
    """validate() for one item of a list: the error names the item, e.g. partners[cirad].lat."""
    if not isinstance(values, dict):
        raise ContentError(file, field, "expected a mapping of fields (key: value)")
    unknown = sorted(set(values) - set(schema(config_file_path=file)._schema_keys))
    if unknown:
        raise ContentError(file, f"{field}.{unknown[0]}", "is not a known field",
                           did_you_mean(unknown[0], schema(config_file_path=file)._schema_keys))
    try:
        return validate(schema, values, file)
    except ContentError as error:
        hint = error.hint or ("add it" if error.problem == "is missing" else None)
        raise ContentError(file, f"{field}.{error.field}", error.problem, hint) from None


def _items(data, key: str, file: str) -> list:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ContentError(file, key, f"expected a list under '{key}:'")
    return data[key]


def _label(item, index: int) -> str:
    return str(item.get("id")) if isinstance(item, dict) and item.get("id") else f"#{index + 1}"


def _id(value, file: str, field: str, seen: dict) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise ContentError(file, field, f'"{value}" is not a valid id', "lowercase letters, digits and dashes, e.g. cirad")
    if value in seen:
        raise ContentError(file, field, f'"{value}" is a duplicate id', f"item {seen[value]} has it already")
    return value


def _entries(data, key: str, schema: type[Config], file: str) -> Iterator[tuple[str, Config]]:
    """(field, validated item) for each item of the list `key`, each with a valid id not seen before."""
    seen: dict[str, str] = {}
    for index, item in enumerate(_items(data, key, file)):
        field = f"{key}[{_label(item, index)}]"
        cfg = _validate(schema, item, file, field)
        seen[_id(cfg.id, file, f"{field}.id", seen)] = f"#{index + 1}"
        yield field, cfg


def _place(cfg: Config, file: str, field: str) -> None:
    """Coordinates come in pairs, and a point needs a city to say where it is."""
    if (cfg.lat is None) != (cfg.lon is None):
        missing = "lon" if cfg.lon is None else "lat"
        raise ContentError(file, f"{field}.{missing}", "is missing", "give both lat and lon, or neither")
    if cfg.lat is not None and not cfg.city:
        raise ContentError(file, f"{field}.city", "is missing", "coordinates are those of a city: name it")
    if cfg.country is not None and cfg.country not in COUNTRIES:
        raise ContentError(file, f"{field}.country", f'"{cfg.country}" is not a country code',
                           "use the two-letter ISO 3166 code, e.g. FR, IN, CI")


# -- partners -------------------------------------------------------------------------------------
class _PartnerSchema(Config):
    id = c.Type(str)
    name = Translated(same_everywhere=True)
    kind = c.Type(str)
    country = c.Optional(c.Type(str))
    city = Translated(same_everywhere=True, required=False)
    lat = Number(-90, 90, "latitude")
    lon = Number(-180, 180, "longitude")
    year = c.Optional(c.Type(int))
    website = c.Optional(c.Type(str))
    description = Translated()


@dataclass(frozen=True)
class Partner:
    id: str
    names: dict[str, str]
    kind: str
    country: str | None  # ISO 3166 code of the seat; None for a partnership with no seat
    region: str
    cities: dict[str, str] | None
    lat: float | None
    lon: float | None
    year: int | None
    website: str | None
    descriptions: dict[str, str]

    def name(self, lang: str) -> str:
        return self.names[lang]

    def city(self, lang: str) -> str | None:
        return self.cities[lang] if self.cities else None

    def description(self, lang: str) -> str:
        return self.descriptions[lang]

    @property
    def located(self) -> bool:
        return self.lat is not None


def _regions(data, file: str) -> dict[str, str]:
    """country code -> region, from the `regions:` table of partners.yml."""
    table = data.get("regions") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        raise ContentError(file, "regions", "expected a table of regions and their country codes",
                           "e.g. europe: [FR, ES, DE]")
    found: dict[str, str] = {}
    for region, countries in table.items():
        _choice(region, REGIONS, file, f"regions.{region}")
        if not isinstance(countries, list):
            raise ContentError(file, f"regions.{region}", "expected a list of country codes")
        for code in countries:
            if not isinstance(code, str) or code not in COUNTRIES:
                raise ContentError(file, f"regions.{region}", f'"{code}" is not a country code',
                                   "use the two-letter ISO 3166 code, e.g. FR")
            if code in found:
                raise ContentError(file, f"regions.{region}", f"{code} is already in {found[code]}")
            found[code] = region
    return found


def load_regions(data_dir: Path, file: str = "data/partners.yml") -> dict[str, str]:
    """country code -> region, from the `regions:` table at the top of data/partners.yml."""
    return _regions(reader.read_yaml(Path(data_dir) / "partners.yml", file), file)


@_with_languages
def load_partners(data_dir: Path, file: str = "data/partners.yml") -> dict[str, Partner]:
    """Partners and members by id, in the order of the file."""
    data = reader.read_yaml(Path(data_dir) / "partners.yml", file)
    regions = _regions(data, file)
    partners: dict[str, Partner] = {}
    for field, cfg in _entries(data, "partners", _PartnerSchema, file):
        pid = cfg.id
        _choice(cfg.kind, PARTNER_KINDS, file, f"{field}.kind")
        _place(cfg, file, field)
        if cfg.country is None:
            region = "international"
        elif cfg.country in regions:
            region = regions[cfg.country]
        else:
            raise ContentError(file, f"{field}.country", f"{cfg.country} is in no region",
                               "add it to the `regions:` table at the top of the file")
        if cfg.website and not re.match(r"^https://[^\s/]+\.[^\s]+$", cfg.website):
            raise ContentError(file, f"{field}.website", f'"{cfg.website}" is not a web address', "write https://...")
        if cfg.year is not None and not 2015 <= cfg.year <= 2100:
            raise ContentError(file, f"{field}.year", f"{cfg.year} is not a year of the Initiative (launched in 2015)")
        partners[pid] = Partner(pid, cfg.name, cfg.kind, cfg.country, region, cfg.city,
                                None if cfg.lat is None else float(cfg.lat), None if cfg.lon is None else float(cfg.lon),
                                cfg.year, cfg.website or None, cfg.description)
    return partners


# -- events ---------------------------------------------------------------------------------------
class _PeriodSchema(Config):
    name = Translated()
    start = Day()
    end = Day()
    note = Translated()


class _EventSchema(Config):
    id = c.Type(str)
    kind = c.Type(str)
    name = Translated()
    theme = Translated(required=False)
    start = Day()
    end = Day()
    during = c.Optional(c.Type(dict))
    city = Translated(same_everywhere=True, required=False)
    country = c.Optional(c.Type(str))
    lat = Number(-90, 90, "latitude")
    lon = Number(-180, 180, "longitude")
    organisers = c.ListOfItems(c.Type(str), default=[])
    website = c.Optional(c.Type(str))


@dataclass(frozen=True)
class Period:
    """When an event's own date is unknown: the period it falls in (e.g. a COP) and why."""
    names: dict[str, str]
    start: dt.date
    end: dt.date
    notes: dict[str, str]


@dataclass(frozen=True)
class Event:
    id: str
    kind: str
    names: dict[str, str]
    themes: dict[str, str] | None
    start: dt.date | None  # None: the exact date is unknown, see `during`
    end: dt.date | None
    during: Period | None
    cities: dict[str, str] | None
    country: str | None
    lat: float | None
    lon: float | None
    organisers: tuple[str, ...]  # partner ids
    website: str | None

    @property
    def exact(self) -> bool:
        return self.start is not None

    @property
    def first_day(self) -> dt.date:
        return self.start or self.during.start

    @property
    def last_day(self) -> dt.date:
        return self.end or self.during.end

    @property
    def located(self) -> bool:
        return self.lat is not None

    def city(self, lang: str) -> str | None:
        return self.cities[lang] if self.cities else None

    def is_past(self, today: dt.date) -> bool:
        """Past once its last day is over; an event under way is still upcoming."""
        return self.last_day < today


@_with_languages
def load_events(data_dir: Path, partners: dict[str, Partner] | None = None,
                file: str = "data/events.yml") -> list[Event]:
    """Events sorted by first day; organisers must be ids of data/partners.yml when partners are given."""
    data = reader.read_yaml(Path(data_dir) / "events.yml", file)
    events: list[Event] = []
    for field, cfg in _entries(data, "events", _EventSchema, file):
        eid = cfg.id
        _choice(cfg.kind, EVENT_KINDS, file, f"{field}.kind")
        _place(cfg, file, field)
        during = None
        if cfg.start is None and cfg.during is None:
            raise ContentError(file, f"{field}.start", "is missing",
                               "give start (and end), or `during:` when the exact date is unknown")
        if cfg.start is not None and cfg.during is not None:
            raise ContentError(file, f"{field}.during", "cannot be given with start",
                               "`during:` is only for an event whose exact date is unknown")
        if cfg.start is None and cfg.end is not None:
            raise ContentError(file, f"{field}.end", "is given without start")
        if cfg.during is not None:
            period = _validate(_PeriodSchema, cfg.during, file, f"{field}.during")
            for key in ("start", "end"):
                if period[key] is None:
                    raise ContentError(file, f"{field}.during.{key}", "is missing", "write YYYY-MM-DD")
            if period.end < period.start:
                raise ContentError(file, f"{field}.during.end", f"{period.end} is before the start {period.start}")
            during = Period(period.name, period.start, period.end, period.note)
        end = cfg.end or cfg.start
        if end is not None and end < cfg.start:
            raise ContentError(file, f"{field}.end", f"{end} is before the start {cfg.start}")
        if partners is not None:
            for organiser in cfg.organisers:
                if organiser not in partners:
                    raise ContentError(file, f"{field}.organisers", f'"{organiser}" is not a partner of data/partners.yml',
                                       did_you_mean(organiser, partners))
        events.append(Event(eid, cfg.kind, cfg.name, cfg.theme, cfg.start, end, during, cfg.city, cfg.country,
                            None if cfg.lat is None else float(cfg.lat), None if cfg.lon is None else float(cfg.lon),
                            tuple(cfg.organisers), cfg.website or None))
    return sorted(events, key=lambda e: (e.first_day, e.id))


# -- key figures ----------------------------------------------------------------------------------
class _SourceSchema(Config):
    title = Translated()
    date = Day()


class _FigureSchema(Config):
    id = c.Type(str)
    value = Number(0, None, "a figure")
    qualifier = c.Optional(c.Type(str))
    unit = c.Optional(c.Type(str))
    as_of = c.Type((int, str))
    label = Translated()
    section = Translated()


class _ChartSchema(Config):
    id = c.Type(str)
    type = c.Type(str)
    figures = c.ListOfItems(c.Type(str))
    title = Translated()
    description = Translated()


@dataclass(frozen=True)
class Source:
    titles: dict[str, str]
    date: dt.date


@dataclass(frozen=True)
class Figure:
    id: str
    value: int | float
    qualifier: str | None
    unit: str | None
    as_of: int | dt.date  # a year, or a day
    labels: dict[str, str]
    sections: dict[str, str]  # where in the source


@dataclass(frozen=True)
class Chart:
    id: str
    type: str  # bars: one bar per figure; share: one percentage drawn as a part of 100
    figures: tuple[str, ...]
    titles: dict[str, str]
    descriptions: dict[str, str]


@dataclass(frozen=True)
class KeyFigures:
    source: Source
    figures: dict[str, Figure]
    charts: dict[str, Chart]


def _as_of(value, file: str, field: str) -> int | dt.date:
    if isinstance(value, int) and 2000 <= value <= 2100:
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(file, field, f'"{value}" is not a year or a date', "write 2021 or 2022-11-16") from None


@_with_languages
def load_key_figures(data_dir: Path, file: str = "data/key_figures.yml") -> KeyFigures:
    data = reader.read_yaml(Path(data_dir) / "key_figures.yml", file)
    if not isinstance(data, dict) or "source" not in data:
        raise ContentError(file, "source", "is missing", "name the document the figures come from, with its date")
    src = _validate(_SourceSchema, data["source"], file, "source")
    if src.date is None:
        raise ContentError(file, "source.date", "is missing", "write YYYY-MM-DD")
    figures: dict[str, Figure] = {}
    for field, cfg in _entries(data, "figures", _FigureSchema, file):
        fid = cfg.id
        if cfg.value is None:
            raise ContentError(file, f"{field}.value", "is missing")
        if cfg.qualifier is not None:
            _choice(cfg.qualifier, QUALIFIERS, file, f"{field}.qualifier")
        if cfg.unit is not None:
            _choice(cfg.unit, UNITS, file, f"{field}.unit")
        if cfg.unit == "percent" and cfg.value > 100:
            raise ContentError(file, f"{field}.value", f"{cfg.value} is out of range (a percentage is between 0 and 100)")
        figures[fid] = Figure(fid, cfg.value, cfg.qualifier, cfg.unit, _as_of(cfg.as_of, file, f"{field}.as_of"),
                              cfg.label, cfg.section)
    charts: dict[str, Chart] = {}
    seen = {}
    if not isinstance(data.get("charts") or [], list):
        raise ContentError(file, "charts", "expected a list under 'charts:'", "write '- id: ...' items, or delete the key")
    for index, item in enumerate(data.get("charts") or []):
        field = f"charts[{_label(item, index)}]"
        cfg = _validate(_ChartSchema, item, file, field)
        cid = _id(cfg.id, file, f"{field}.id", seen)
        seen[cid] = f"#{index + 1}"
        _choice(cfg.type, CHART_TYPES, file, f"{field}.type")
        for fid in cfg.figures:
            if fid not in figures:
                raise ContentError(file, f"{field}.figures", f'"{fid}" is not a figure', did_you_mean(fid, figures))
        units = {figures[f].unit for f in cfg.figures}
        if not cfg.figures or len(units) > 1:
            raise ContentError(file, f"{field}.figures", "a chart needs figures of one same unit")
        if cfg.type == "share" and (len(cfg.figures) != 1 or units != {"percent"}):
            raise ContentError(file, f"{field}.figures", "a share chart draws exactly one percentage")
        charts[cid] = Chart(cid, cfg.type, tuple(cfg.figures), cfg.title, cfg.description)
    return KeyFigures(Source(src.title, src.date), figures, charts)
