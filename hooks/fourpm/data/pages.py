"""Data pages: generated blocks for key figures, the agenda, the partners map, the dashboard's charts
and the support page; the files the build adds (calendars, Leaflet, the map's land).

Placeholders (each on its own line in a page):
    <!-- 4p1000 key-figures -->                       figures with their source and date (ids=a,b for some)
    <!-- 4p1000 events when=upcoming|past|all -->      events, relative to the build date
    <!-- 4p1000 events-calendar -->                   link to the page language's .ics file
    <!-- 4p1000 partners-map -->                      interactive map, filters, lists (static SVG inside)
    <!-- 4p1000 map-svg -->                           the static SVG map alone (press kit)
    <!-- 4p1000 chart id=objectives-by-facility -->   one chart of data/key_figures.yml and its table
    <!-- 4p1000 charts -->                            every chart
    <!-- 4p1000 donate -->                            the donation link of mkdocs.yml `extra.support`
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml
from mkdocs.utils import get_relative_url

from . import charts, geo, ics
from ..core import dates
from . import (Event, Figure, KeyFigures, Partner, PARTNER_KINDS, REGIONS, load_events,
                   load_key_figures, load_partners, load_regions)
from ..core.languages import Languages
from ..core.errors import ContentError, did_you_mean
from ..core.blocks import BlockCall, PageRef, register_block
from ..core.project import PARTNER_PAGES
from ..core.sources import Project, cached, preload
from ..core.texts import sort_key

ASSETS = "assets/fpm"  # where the build copies Leaflet and the map's land, from the site's root
CALENDAR = "events/agenda-{lang}.ics"  # in each language's folder of the site
MAP_SCRIPT = "assets/javascripts/partners-map.js"  # docs/assets/javascripts/, copied by MkDocs
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's: 7 times faster, the same YAML read back


@dataclass(frozen=True)
class DataSet:
    partners: dict[str, Partner]
    regions: dict[str, str]  # country code -> region
    events: list[Event]
    figures: KeyFigures

    def region_of_event(self, event: Event) -> str:
        return self.regions.get(event.country, "international") if event.country else "international"


def load(project: Project) -> DataSet:
    data_dir, languages = project.data_dir, project.languages
    partners = load_partners(data_dir, languages=languages)
    regions = load_regions(data_dir)
    events = load_events(data_dir, partners, languages=languages)
    for event in events:
        if event.country and event.country not in regions:
            raise ContentError("data/events.yml", f"events[{event.id}].country", f"{event.country} is in no region",
                               "add it to the `regions:` table of data/partners.yml")
    return DataSet(partners, regions, events, load_key_figures(data_dir, languages=languages))


def dataset(project: Project) -> DataSet:
    """The validated data, read once per process and again when a file of data/ changes."""
    return cached(project, "datapages", load)



preload(dataset)  # checked once by the parallel build, before the languages fork

def _root(call: BlockCall) -> Path:
    # The renderer's templates are the project's overrides/fpm/: the project is two levels up.
    return Path(call.renderer.env.loader.searchpath[0]).parent.parent


# -- text formatting: through the languages' one formatter (core.languages) --------------------------
def format_figure(figure: Figure, langs: Languages, lang: str, labels: dict[str, str]) -> str:
    """ "plus de 4 000", "400,000 EUR", "environ 40 %"."""
    if figure.unit == "percent":
        text = langs.percent(figure.value, lang)
    else:
        text = langs.number(figure.value, lang) + (" EUR" if figure.unit == "eur" else "")
    return f"{labels['q_' + figure.qualifier]} {text}" if figure.qualifier else text


def format_as_of(value: int | dt.date, langs: Languages, lang: str) -> str:
    return str(value) if isinstance(value, int) else langs.date(value, lang)


# -- view models ---------------------------------------------------------------------------------
def figure_rows(data: DataSet, langs: Languages, lang: str, labels: dict[str, str],
                ids: list[str] | None = None) -> list[dict]:
    figures = data.figures.figures
    return [{"id": f.id, "label": f.labels[lang], "value": format_figure(f, langs, lang, labels),
             "as_of": format_as_of(f.as_of, langs, lang), "section": f.sections[lang]}
            for f in (figures[i] for i in (ids or figures))]


def source_view(data: DataSet, langs: Languages, lang: str) -> dict:
    src = data.figures.source
    return {"title": src.titles[lang], "date": langs.date(src.date, lang), "iso": src.date.isoformat()}


def event_view(event: Event, data: DataSet, langs: Languages, lang: str, labels: dict[str, str],
               partner_url=None) -> dict:
    if event.exact:
        when = langs.date_range(event.start, event.end, lang)
        note = None
    else:
        when = (f"{labels['ev_during']} {event.during.names[lang]}, "
                f"{langs.date_range(event.during.start, event.during.end, lang)} ({labels['ev_date_unknown']})")
        note = event.during.notes[lang]
    organisers = [{"name": data.partners[o].name(lang), "url": partner_url(o) if partner_url else None}
                  for o in event.organisers]
    return {"id": event.id, "name": event.names[lang], "kind": event.kind, "kind_label": labels[f"ev_kind_{event.kind}"],
            "when": when, "start": event.first_day.isoformat(), "end": event.last_day.isoformat(), "exact": event.exact,
            "note": note, "city": event.city(lang), "country": langs.country(event.country, lang),
            "place": ", ".join(p for p in (event.city(lang), langs.country(event.country, lang)) if p),
            "theme": event.themes[lang] if event.themes else None, "organisers": organisers,
            "region": data.region_of_event(event), "region_label": labels[f"rg_{data.region_of_event(event)}"],
            "lat": event.lat, "lon": event.lon}


def split_events(events: list[Event], today: dt.date) -> tuple[list[Event], list[Event]]:
    """(upcoming, soonest first; past, latest first), relative to the build date."""
    upcoming = [e for e in events if not e.is_past(today)]
    past = sorted((e for e in events if e.is_past(today)), key=lambda e: (e.last_day, e.id), reverse=True)
    return upcoming, past


def partner_view(partner: Partner, langs: Languages, lang: str, labels: dict[str, str]) -> dict:
    return {"id": partner.id, "name": partner.name(lang), "kind": partner.kind, "kind_label": labels[f"pk_{partner.kind}"],
            "region": partner.region, "region_label": labels[f"rg_{partner.region}"],
            "country": langs.country(partner.country, lang), "city": partner.city(lang),
            "place": ", ".join(p for p in (partner.city(lang), langs.country(partner.country, lang)) if p),
            "lat": partner.lat, "lon": partner.lon, "year": partner.year, "website": partner.website,
            "description": partner.description(lang)}


def svg_map_view(data: DataSet, root: Path, langs: Languages, lang: str, labels: dict[str, str]) -> dict:
    """Points of the static map: one per located partner (dot) and per located event (diamond)."""
    items = ([("partner", partner_view(p, langs, lang, labels)) for p in data.partners.values() if p.located]
             + [("event", event_view(e, data, langs, lang, labels)) for e in data.events if e.located])
    spots = geo.spread([geo.project(view["lon"], view["lat"]) for _kind, view in items])
    points = [{"type": kind, "id": view["id"], "name": view["name"], "place": view["place"],
               "lat": view["lat"], "lon": view["lon"], "x": x, "y": y,
               "lat_text": langs.number(view["lat"], lang), "lon_text": langs.number(view["lon"], lang)}
              for (kind, view), (x, y) in zip(items, spots)]
    partners = sum(1 for p in points if p["type"] == "partner")
    return {"width": geo.WIDTH, "height": geo.HEIGHT, "land": geo.land_path(root), "points": points,
            "count_partners": partners, "count_events": len(points) - partners}


# -- blocks --------------------------------------------------------------------------------------
def _macros(call: BlockCall):
    return call.renderer.template("datapages.html")


def _data(call: BlockCall) -> DataSet:
    return dataset(call.project)


def _partner_url(call: BlockCall):
    """Organisers link to their entry on the partners page, when the site has that page."""
    if call.renderer.catalog.page("partners/index.md", call.page.lang) is None:
        return None
    base = call.renderer.url("partners/index.md", call.page)
    return lambda pid: f"{base}#partner-{pid}"


def _asset(call: BlockCall, path: str) -> str:
    """URL of a file of the site's root folder (assets/...), relative to the page."""
    here = call.renderer.langs.page_url(call.page.path, call.page.lang) or "."
    return get_relative_url(path, here)


def block_key_figures(call: BlockCall) -> str:
    data, lang = _data(call), call.page.lang
    ids = [i for i in call.args.get("ids", "").split(",") if i]
    for fid in ids:
        if fid not in data.figures.figures:
            raise call.error(f'"{fid}" is not a key figure', did_you_mean(fid, data.figures.figures)
                             or "see data/key_figures.yml")
    labels = call.renderer.labels(lang)
    return _macros(call).key_figures(figure_rows(data, call.renderer.langs, lang, labels, ids or None),
                                     source_view(data, call.renderer.langs, lang), labels)


def block_events(call: BlockCall) -> str:
    when = call.args.get("when", "all")
    if when not in ("upcoming", "past", "all"):
        raise call.error(f'when="{when}" is not a choice', "use upcoming, past or all")
    data, lang = _data(call), call.page.lang
    labels = call.renderer.labels(lang)
    latest = _latest_count(call)
    upcoming, past = split_events(data.events, dates.build_date(_root(call)))
    chosen = {"upcoming": upcoming, "past": past, "all": data.events}[when]
    # latest=N: with nothing upcoming, a reader still sees what happened last (the press kit).
    fallback = when == "upcoming" and not chosen and latest > 0 and bool(past)
    if fallback:
        chosen = past[:latest]
    url = _partner_url(call)
    views = [event_view(e, data, call.renderer.langs, lang, labels, url) for e in chosen]
    empty = labels["ev_none_upcoming"] if when == "upcoming" else labels["ev_none_past"]
    return _macros(call).events(views, when, empty, labels, fallback)


def _latest_count(call: BlockCall) -> int:
    value = call.args.get("latest")
    if value is None:
        return 0
    if call.args.get("when") != "upcoming":
        raise call.error("latest= goes with when=upcoming only", "write <!-- 4p1000 events when=upcoming latest=3 -->")
    if not value.isdigit() or int(value) < 1:
        raise call.error(f'latest="{value}" is not a number of events', "write a whole number such as latest=3")
    return int(value)


def block_events_calendar(call: BlockCall) -> str:
    lang = call.page.lang
    here = call.renderer.langs.page_url(call.page.path, lang) or "."
    target = call.renderer.langs.page_url("index.md", lang) + CALENDAR.format(lang=lang)
    return _macros(call).events_calendar(get_relative_url(target, here), call.renderer.labels(lang))


def _map_settings(call: BlockCall) -> dict:
    """mkdocs.yml `extra.partners_map`: tiles are off unless a tile URL is given."""
    settings = (call.extra or {}).get("partners_map") or {}
    if not isinstance(settings, dict):
        raise call.error("mkdocs.yml extra.partners_map must be a mapping", "e.g. partners_map: {tiles: ''}")
    tiles = settings.get("tiles") or ""
    if tiles and not (tiles.startswith("https://") and "{z}" in tiles and "{x}" in tiles and "{y}" in tiles):
        raise call.error(f'mkdocs.yml extra.partners_map.tiles "{tiles}" is not a tile URL',
                         "write https://.../{z}/{x}/{y}.png, or leave it empty for no tiles")
    return {"tiles": tiles, "attribution": settings.get("attribution") or ""}


def block_map_svg(call: BlockCall) -> str:
    lang, root = call.page.lang, _root(call)
    labels = call.renderer.labels(lang)
    try:
        view = svg_map_view(_data(call), root, call.renderer.langs, lang, labels)
    except geo.MissingPackage as missing:
        raise call.error(str(missing)) from None
    return _macros(call).svg_map(view, labels)


def block_partners_map(call: BlockCall) -> str:
    data, lang, root = _data(call), call.page.lang, _root(call)
    labels = call.renderer.labels(lang)
    try:
        geo.require(root, geo.LEAFLET_DIR / "leaflet.js")
        view = svg_map_view(data, root, call.renderer.langs, lang, labels)
    except geo.MissingPackage as missing:
        raise call.error(str(missing)) from None
    partners = [partner_view(p, call.renderer.langs, lang, labels) for p in data.partners.values()]
    events = [event_view(e, data, call.renderer.langs, lang, labels, None) for e in data.events]
    used_regions = {p["region"] for p in partners} | {e["region"] for e in events}
    kinds = [{"id": k, "label": labels[f"pk_{k}"]} for k in PARTNER_KINDS if any(p["kind"] == k for p in partners)]
    regions = [{"id": r, "label": labels[f"rg_{r}"]} for r in REGIONS if r in used_regions]
    assets = {name.split("/")[-1]: _asset(call, name) for name in (
        f"{ASSETS}/leaflet.css", f"{ASSETS}/leaflet.js", f"{ASSETS}/land.js", MAP_SCRIPT)}
    return _macros(call).partners_map(view, partners, events, kinds, regions, _map_settings(call), assets, labels)


def _chart(call: BlockCall, chart_id: str) -> str:
    data, lang = _data(call), call.page.lang
    labels = call.renderer.labels(lang)
    chart = data.figures.charts[chart_id]
    items = [{"id": f.id, "label": f.labels[lang], "value": f.value, "text": format_figure(f, call.renderer.langs, lang, labels)}
             for f in (data.figures.figures[i] for i in chart.figures)]
    head = {"id": chart.id, "title": chart.titles[lang], "description": chart.descriptions[lang],
            "source": source_view(data, call.renderer.langs, lang), "data": items}
    if chart.type == "bars":
        return _macros(call).chart_bars(head, charts.bars(items), labels)
    rest = 100 - items[0]["value"]
    rest_text = call.renderer.langs.percent(rest, lang)
    if data.figures.figures[chart.figures[0]].qualifier:
        rest_text = f"{labels['q_' + data.figures.figures[chart.figures[0]].qualifier]} {rest_text}"
    return _macros(call).chart_share(head, charts.share(items[0], labels["ch_rest"], rest_text), labels)


def block_chart(call: BlockCall) -> str:
    chart_id = call.args.get("id")
    known = _data(call).figures.charts
    if chart_id not in known:
        raise call.error(f'id="{chart_id}" is not a chart of data/key_figures.yml',
                         did_you_mean(str(chart_id), known) or f"use one of {', '.join(known)}")
    return _chart(call, chart_id)


def block_charts(call: BlockCall) -> str:
    return "\n".join(_chart(call, chart_id) for chart_id in _data(call).figures.charts)


def block_donate(call: BlockCall) -> str:
    """The donation link of mkdocs.yml `extra.support.donation_url`; a note when it is not set yet."""
    support = (call.extra or {}).get("support") or {}
    url = support.get("donation_url") if isinstance(support, dict) else None
    if url and not str(url).startswith("https://"):
        raise call.error(f'mkdocs.yml extra.support.donation_url "{url}" is not a web address', "write https://...")
    return _macros(call).donate(url or None, call.renderer.labels(call.page.lang))


# -- the wiki's partner pages: one per partner of data/partners.yml, under wiki/partners/ ---------
def partner_path(partner_id: str) -> str:
    return f"{PARTNER_PAGES}/{partner_id}.md"


def partner_markdown(partner, lang: str) -> str:
    """The source of a generated partner page: its title, and the block that shows the partner."""
    front = yaml.dump({"title": partner.name(lang), "description": partner.description(lang)}, Dumper=SAFE_DUMPER,
                      allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{front}---\n\n<!-- 4p1000 wiki-partner id={partner.id} -->\n"


def search_kind(page: PageRef) -> str | None:
    """The search filter's kind of a partner's page; "" for their index (no kind, not a wiki sheet)."""
    if page.path.startswith(f"{PARTNER_PAGES}/"):
        return "" if page.path.endswith("/index.md") else "partner"
    return None


def _wiki_macros(call: BlockCall):
    return call.renderer.template("publications.html")  # the wiki's templates, shared with its sheets


def partners_block(call: BlockCall) -> str:
    """The partners of data/partners.yml by kind, each linking to its generated page."""
    lang, labels = call.page.lang, call.renderer.labels(call.page.lang)
    groups: dict[str, list] = {}
    for partner in dataset(call.project).partners.values():
        groups.setdefault(partner.kind, []).append(
            {"name": partner.name(lang), "url": call.renderer.url(partner_path(partner.id), call.page)})
    view = [{"kind": labels[f"pk_{kind}"], "partners": sorted(items, key=lambda p: sort_key(p["name"]))}
            for kind, items in groups.items()]
    return _wiki_macros(call).wiki_partners(view, labels)


def partner_block(call: BlockCall) -> str:
    """A partner's page: what data/partners.yml says of it, and the events it co-organises."""
    data = dataset(call.project)
    partners = data.partners
    pid = call.args.get("id", "")
    partner = partners.get(pid)
    if partner is None:
        raise call.error(f'id="{pid}" is not a partner of data/partners.yml', did_you_mean(pid, partners))
    lang, labels = call.page.lang, call.renderer.labels(call.page.lang)
    events = []
    for event in data.events:
        if partner.id in event.organisers:
            when = call.renderer.langs.date_range(event.start, event.end, lang) if event.exact else event.during.names[lang]
            events.append({"name": event.names[lang], "when": when, "city": event.city(lang)})
    view = {"name": partner.name(lang), "kind": labels[f"pk_{partner.kind}"],
            "country": call.renderer.langs.country(partner.country, lang), "city": partner.city(lang), "year": partner.year,
            "website": partner.website, "description": partner.description(lang), "events": events,
            "index": call.renderer.url(f"{PARTNER_PAGES}/index.md", call.page)}
    return _wiki_macros(call).wiki_partner(view, labels)


for _name, _function in (("key-figures", block_key_figures), ("events", block_events),
                         ("events-calendar", block_events_calendar), ("partners-map", block_partners_map),
                         ("map-svg", block_map_svg), ("chart", block_chart), ("charts", block_charts),
                         ("donate", block_donate), ("wiki-partners", partners_block),
                         ("wiki-partner", partner_block)):
    register_block(_name, _function)


# -- files the build adds ------------------------------------------------------------------------
def write_if_changed(path: Path, content: bytes) -> None:
    """Write only when the content changes (mkdocs serve, and reproducible modification times)."""
    if path.exists() and path.read_bytes() == content:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def write_calendar(project: Project, site_dir: Path, lang: str, labels: dict[str, str],
                   site_address: str | None) -> Path:
    """site/<lang prefix>events/agenda-<lang>.ics."""
    root, data = project.root, dataset(project)
    prefix = project.langs.prefix(lang)
    page = (site_address.rstrip("/") + "/" + prefix + "events/") if site_address else None
    domain = urlparse(site_address).hostname if site_address else None
    content = ics.calendar(data.events, data.partners, project.langs, lang, labels, dates.build_epoch(root),
                           domain or "4p1000-publications", page)
    target = Path(site_dir) / (prefix + CALENDAR.format(lang=lang))
    write_if_changed(target, content)
    return target


def copy_assets(root: Path, site_dir: Path) -> None:
    """Leaflet (from node_modules, pinned in package-lock.json) and the map's land, into site/assets/fpm/."""
    leaflet = geo.require(root, geo.LEAFLET_DIR / "leaflet.js").parent
    out = Path(site_dir) / ASSETS
    for name in ("leaflet.js", "leaflet.css"):
        write_if_changed(out / name, (leaflet / name).read_bytes())
    for image in sorted((leaflet / "images").glob("*.png")):
        write_if_changed(out / "images" / image.name, image.read_bytes())
    write_if_changed(out / "land.js", geo.land_script(root).encode("utf-8"))
