"""The catalogue: every page and fact of the site, read once and validated.

Every generated table, link and list is a pure function of a Catalog and a language.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..core import cache, codes
from ..core import reader
from ..core.labels import load_labels
from ..core.errors import ContentError, did_you_mean
from ..core.schema import FacilityMeta, ObjectiveMeta, PageMeta, validate

OBJECTIVE_CODE = re.compile(r"^[A-F][1-9]$")
FACILITY_ID = re.compile(r"^(?:(?P<prefix>CF)\.(?P<roman>[IVX]+)|(?P<gprefix>GF)\.(?P<num>[1-9]\d*))$")
KIND_OF_PREFIX = {"CF": "core", "GF": "global"}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10}


@dataclass(frozen=True)
class Objective:
    code: str
    facility: str
    titles: dict[str, str]
    baseline_2020: str | None = None
    target_2030: str | None = None
    target_2050: str | None = None

    @property
    def axis(self) -> str:
        # The axis is the code's letter: derived, never written twice.
        return self.code[0]

    @property
    def path(self) -> str:
        return f"objectives/{self.code.lower()}.md"


@dataclass(frozen=True)
class Facility:
    id: str
    objectives: tuple[str, ...]
    titles: dict[str, str]

    @property
    def kind(self) -> str:
        return KIND_OF_PREFIX[self.id[:2]]

    @property
    def path(self) -> str:
        return f"facilities/{facility_slug(self.id)}.md"


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the language folder, e.g. "roadmap/cf-iii.md"
    title: str
    cites: tuple[str, ...]  # objective codes cited in brackets, in order, without repeats


@dataclass
class Catalog:
    languages: tuple[str, ...]
    objectives: dict[str, Objective]
    facilities: dict[str, Facility]
    pages: dict[str, dict[str, PageInfo]]  # language -> path -> page (the language's own files only)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def default_language(self) -> str:
        return self.languages[0]

    def title(self, item: Objective | Facility, lang: str) -> str:
        return item.titles.get(lang) or item.titles[self.default_language]

    def label(self, key: str, lang: str) -> str:
        return self.labels[key][lang]

    def page(self, path: str, lang: str) -> PageInfo | None:
        """The page as readers of lang see it: its translation, or the French page it falls back to."""
        return self.pages.get(lang, {}).get(path) or self.pages[self.default_language].get(path)

    def backlinks(self, code: str, lang: str) -> list[PageInfo]:
        """Pages that cite an objective, as readers of lang see them, in site order."""
        found = (self.page(path, lang) for path in sorted(self.pages[self.default_language]))
        return [p for p in found if p and code in p.cites and p.path != self.objectives[code].path]


def facility_slug(facility_id: str) -> str:
    return facility_id.lower().replace(".", "-")


def _facility_order(facility_id: str) -> tuple[int, int]:
    """Core before global, then by number: CF.II before CF.IV, GF.2 before GF.10."""
    m = FACILITY_ID.match(facility_id)
    if m.group("roman"):
        return (0, _ROMAN.get(m.group("roman"), 99))
    return (1, int(m.group("num")))


def _text(value) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _page_title(meta: dict, body: str, path: Path) -> str:
    if isinstance(meta.get("title"), str) and meta["title"].strip():
        return meta["title"].strip()
    heading = re.search(r"^#\s+(.+?)\s*#*\s*$", body, re.M)
    return heading.group(1) if heading else path.stem.replace("-", " ").capitalize()


def load_catalog(docs_dir: Path, data_dir: Path, languages: tuple[str, ...] = ("fr", "en", "es")) -> Catalog:
    """Read docs/<lang>/ and data/ into one validated catalogue, or raise ContentError."""
    docs_dir, data_dir = Path(docs_dir), Path(data_dir)
    source = languages[0]
    labels = load_labels(data_dir, languages)
    found = [(lang, path, _rel(path, docs_dir), path.relative_to(docs_dir / lang).as_posix())
             for lang in languages for path in sorted((docs_dir / lang).rglob("*.md"))]
    # lang -> rel path -> (meta, (title, cited codes), file, lines before body)
    parsed: dict[str, dict[str, tuple]] = {lang: {} for lang in languages}
    for (lang, _path, file, rel), (meta, title, cited, offset) in zip(found, _read_pages(docs_dir, found)):
        parsed[lang][rel] = (meta, (title, cited), file, offset)

    facilities = _load_facilities(parsed, source)
    objectives = _load_objectives(parsed, source, facilities)
    _check_translations(parsed, source, objectives, facilities)

    pages = {}
    for lang, files in parsed.items():
        pages[lang] = {}
        for rel, (meta, (title, cited), file, offset) in files.items():
            validate(PageMeta, meta, file)
            cites: list[str] = []
            for line, found in cited:
                for code in found:
                    if code not in objectives:
                        hint = did_you_mean(code, objectives)
                        raise ContentError(file, f"line {line + offset}",
                                           f'"[{code}]" is not an objective', hint)
                    if code not in cites:
                        cites.append(code)
            pages[lang][rel] = PageInfo(rel, title, tuple(cites))
    return Catalog(languages, objectives, facilities, pages, labels)


def _read_pages(docs_dir: Path, found: list[tuple[str, Path, str, str]]) -> list[tuple[dict, str, list, int]]:
    """Each page's front matter, title, cited codes (line, codes) and lines above its body. Kept in the
    page cache by the file's bytes: every build reads every page of every language, and few change."""
    def read(path: Path, file: str, rel: str) -> tuple[dict, str, list, int]:
        meta, body, offset = reader.read_page(path, file)
        return meta, _page_title(meta, body, Path(rel)), list(codes.find(body)), offset

    def inputs(path: Path, file: str, rel: str) -> tuple:
        try:
            return (file, rel, path.read_bytes())
        except OSError:
            read(path, file, rel)  # unreadable: the reader's error says why
            raise

    return cache.current().memo_each("catalogue-pages", (str(docs_dir),), [
        (inputs(path, file, rel), partial(read, path, file, rel)) for _lang, path, file, rel in found])


def _load_facilities(parsed, source) -> dict[str, Facility]:
    found: dict[str, tuple[FacilityMeta, str]] = {}
    for rel, (meta, _facts, file, _offset) in parsed[source].items():
        if not rel.startswith("facilities/") or rel.endswith("index.md"):
            continue
        config = validate(FacilityMeta, meta, file)
        fid = config.id.strip()
        m = FACILITY_ID.match(fid)
        if not m:
            raise ContentError(file, "id", f'"{fid}" is not a facility id', "write CF.I to CF.VII or GF.1 to GF.7")
        if fid in found:
            raise ContentError(file, "id", f'"{fid}" is already the id of {found[fid][1]}')
        if f"facilities/{facility_slug(fid)}.md" != rel:
            raise ContentError(file, "id", f'"{fid}" does not match the file name',
                               f"rename the file to {facility_slug(fid)}.md or fix the id")
        prefix = m.group("prefix") or m.group("gprefix")
        expected_kind = KIND_OF_PREFIX[prefix]
        if config.kind is None:
            raise ContentError(file, "kind", "is missing", f"add 'kind: {expected_kind}'")
        if config.kind != expected_kind:
            raise ContentError(file, "kind", f'"{config.kind}" contradicts the id {fid}',
                               f"{prefix} facilities are {expected_kind}")
        if config.objectives is None:
            raise ContentError(file, "objectives", "is missing", "list the objective codes, or [] for none")
        found[fid] = (config, file)
    facilities = {}
    for fid in sorted(found, key=_facility_order):
        config, file = found[fid]
        facilities[fid] = Facility(fid, tuple(str(o).strip() for o in config.objectives), {source: config.title})
    return facilities


def _load_objectives(parsed, source, facilities) -> dict[str, Objective]:
    metas: dict[str, tuple[ObjectiveMeta, str]] = {}
    for rel, (meta, _facts, file, _offset) in parsed[source].items():
        if not rel.startswith("objectives/") or rel.endswith("index.md"):
            continue
        config = validate(ObjectiveMeta, meta, file)
        code = config.code.strip()
        if not OBJECTIVE_CODE.match(code):
            raise ContentError(file, "code", f'"{code}" is not an objective code', "write a letter A-F and a digit, e.g. A6")
        if code in metas:
            raise ContentError(file, "code", f'"{code}" is already the code of {metas[code][1]}')
        if f"objectives/{code.lower()}.md" != rel:
            raise ContentError(file, "code", f'"{code}" does not match the file name',
                               f"rename the file to {code.lower()}.md or fix the code")
        metas[code] = (config, file)

    # The facility pages carry the mapping: each objective must appear in exactly one of them.
    owner: dict[str, str] = {}
    for fid, facility in facilities.items():
        file = parsed[source][facility.path][2]
        for code in facility.objectives:
            if code not in metas:
                raise ContentError(file, "objectives", f'"{code}" is not an objective', did_you_mean(code, metas))
            if code in owner:
                raise ContentError(file, "objectives", f"{code} is already carried by {owner[code]}",
                                   "an objective belongs to exactly one facility")
            owner[code] = fid
    objectives = {}
    for code in sorted(metas):
        config, file = metas[code]
        if code not in owner:
            raise ContentError(file, "code", f"{code} is carried by no facility",
                               "add it to the 'objectives' list of one facility page")
        _agree(config, file, code, owner[code])
        objectives[code] = Objective(code, owner[code], {source: config.title},
                                     _text(config.baseline_2020), _text(config.target_2030), _text(config.target_2050))
    return objectives


def _agree(config: ObjectiveMeta, file: str, code: str, facility: str) -> None:
    """An objective page may restate its axis or facility, but only if it agrees."""
    if config.axis is not None and config.axis.strip() != code[0]:
        raise ContentError(file, "axis", f'"{config.axis}" contradicts the code {code}', f"the axis of {code} is {code[0]}")
    if config.facility is not None and config.facility.strip() != facility:
        raise ContentError(file, "facility", f'"{config.facility}" contradicts the facility pages',
                           f"{code} is carried by {facility}")


def _check_translations(parsed, source, objectives, facilities) -> None:
    """Translations carry translated text only; a contradiction with the source stops the build."""
    by_path = {o.path: o for o in objectives.values()}
    fac_by_path = {f.path: f for f in facilities.values()}
    for lang, files in parsed.items():
        if lang == source:
            continue
        for rel, (meta, _facts, file, _offset) in files.items():
            if rel.startswith("objectives/") and not rel.endswith("index.md"):
                objective = by_path.get(rel)
                if objective is None:
                    raise ContentError(file, None, "has no French source page", f"create {source}/{rel} first")
                config = validate(ObjectiveMeta, meta, file)
                if config.code.strip() != objective.code:
                    raise ContentError(file, "code", f'"{config.code}" contradicts the French page',
                                       f"the code of {source}/{rel} is {objective.code}")
                _agree(config, file, objective.code, objective.facility)
                for key in ("baseline_2020", "target_2030", "target_2050"):
                    if _text(config[key]) not in (None, getattr(objective, key)):
                        raise ContentError(file, key, "contradicts the French page",
                                           "write baselines and targets only in the French page")
                objective.titles[lang] = config.title
            elif rel.startswith("facilities/") and not rel.endswith("index.md"):
                facility = fac_by_path.get(rel)
                if facility is None:
                    raise ContentError(file, None, "has no French source page", f"create {source}/{rel} first")
                config = validate(FacilityMeta, meta, file)
                if config.id.strip() != facility.id:
                    raise ContentError(file, "id", f'"{config.id}" contradicts the French page',
                                       f"the id of {source}/{rel} is {facility.id}")
                if config.kind is not None and config.kind != facility.kind:
                    raise ContentError(file, "kind", f'"{config.kind}" contradicts the French page',
                                       f"{facility.id} is {facility.kind}")
                if config.objectives is not None and tuple(config.objectives) != facility.objectives:
                    raise ContentError(file, "objectives", "contradicts the French page",
                                       "list the objectives only in the French page")
                facility.titles[lang] = config.title
