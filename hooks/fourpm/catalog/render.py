"""Generated blocks: placeholders, objective links, summary boxes and backlinks.

Pure functions of a Catalog, a language and the page being rendered; markup lives in
overrides/fpm/blocks.html, rendered with autoescape so data always lands as text.
"""
from __future__ import annotations

import re
import shlex
from dataclasses import replace
from pathlib import Path

import jinja2
from mkdocs.utils import get_relative_url

from ..core import cache, codes
from . import Catalog, Facility, Objective
from ..core.labels import labels_for
from ..core.blocks import EXTRA_BLOCKS, LATE_BLOCKS, BlockCall, PageRef, stand_in
from ..core.languages import Languages, languages_from
from ..core.errors import ContentError, did_you_mean

PLACEHOLDER = re.compile(r"<!--\s*4p1000\s+(?P<name>[\w-]+)(?P<args>[^>]*?)\s*-->")
BLOCKS = ("facilities", "facility-objectives", "objectives-by-axis", "objective-summary", "backlinks")
# The page (and its heading's id, the same in every language) that explains the baselines and targets.
STRATEGIC_PLAN = "initiative/strategic-plan.md"
TARGETS_ANCHOR = "baselines-targets"


class Renderer:
    """Renders generated blocks for one catalogue."""

    def __init__(self, catalog: Catalog, templates_dir: Path, root: Path | None = None, langs: Languages | None = None):
        self.catalog = catalog
        # Unit tests give no languages: the catalogue's, with the source at the root.
        self.langs = langs or languages_from([(c, c) for c in catalog.languages], catalog.languages[0])
        self.root = root or templates_dir.parent.parent  # the project folder (docs/, data/, overrides/)
        # Compiled templates kept between builds and language processes (core/cache.py).
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir)), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                      bytecode_cache=cache.template_cache(self.root, kind="blocks"))
        self.macros = self.env.get_template("blocks.html").module

    def template(self, name: str):
        """The macros of another template of overrides/fpm/, rendered with the same autoescape rules."""
        return self.env.get_template(name).module

    def url(self, path: str, page: PageRef) -> str:
        """Link from page to docs/<page.lang>/<path>, e.g. url("newsletter/index.md", page)."""
        return self._url(path, page)

    def labels(self, lang: str) -> dict[str, str]:
        return self._labels(lang)

    # -- view models ----------------------------------------------------------------------
    def _labels(self, lang: str) -> dict[str, str]:
        return labels_for(self.catalog.labels, lang)

    def _url(self, path: str, page: PageRef) -> str:
        target = self.langs.page_url(path, page.lang)
        return get_relative_url(target or ".", self.langs.page_url(page.path, page.lang) or ".")

    def _facility(self, facility: Facility, page: PageRef) -> dict:
        lang = page.lang
        return {"id": facility.id, "title": self.catalog.title(facility, lang), "url": self._url(facility.path, page),
                "kind": facility.kind, "kind_label": self.catalog.label(f"kind_{facility.kind}", lang),
                "objectives": [self._objective(self.catalog.objectives[c], page, deep=False) for c in facility.objectives]}

    def _objective(self, objective: Objective, page: PageRef, deep: bool = True) -> dict:
        view = {"code": objective.code, "axis": objective.axis, "title": self.catalog.title(objective, page.lang),
                "url": self._url(objective.path, page), "baseline_2020": objective.baseline_2020,
                "target_2030": objective.target_2030, "target_2050": objective.target_2050}
        if deep:
            view["facility"] = self._facility(self.catalog.facilities[objective.facility], page)
        return view

    # -- blocks ---------------------------------------------------------------------------
    def facilities(self, page: PageRef, kind: str = "all") -> str:
        L = self._labels(page.lang)
        groups = []
        for group_kind in ("core", "global"):
            if kind in ("all", group_kind):
                rows = [self._facility(f, page) for f in self.catalog.facilities.values() if f.kind == group_kind]
                groups.append({"caption": L[f"{group_kind}_facilities"], "note": L[f"led_{group_kind}"], "facilities": rows})
        return self.macros.facilities(groups, L)

    def facility_objectives(self, page: PageRef, facility_id: str) -> str:
        return self.macros.facility_objectives(self._facility(self.catalog.facilities[facility_id], page),
                                               self._labels(page.lang))

    def objectives_by_axis(self, page: PageRef) -> str:
        axes: dict[str, list] = {}
        for objective in self.catalog.objectives.values():
            axes.setdefault(objective.axis, []).append(self._objective(objective, page))
        return self.macros.objectives_by_axis([{"axis": a, "objectives": o} for a, o in axes.items()],
                                              self._labels(page.lang))

    def objective_summary(self, page: PageRef, code: str) -> str:
        # Baselines and targets the Roadmap does not give link to where the Strategic Plan is presented.
        view = self._objective(self.catalog.objectives[code], page)
        view["plan_url"] = self._url(STRATEGIC_PLAN, page) + "#" + TARGETS_ANCHOR
        return self.macros.objective_summary(view, self._labels(page.lang))

    def backlinks(self, page: PageRef, code: str) -> str:
        pages = [{"title": p.title, "url": self._url(p.path, page)} for p in self.catalog.backlinks(code, page.lang)]
        heading = self.catalog.label("cited_by", page.lang)
        return f"## {heading} {{ #fpm-backlinks }}\n\n" + self.macros.backlinks(pages, self._labels(page.lang))

    def code_links(self, page: PageRef, found: list[str]) -> str:
        links = []
        for code in found:
            objective = self.catalog.objectives.get(code)
            if objective is None:
                raise ContentError(page.file, None, f'"[{code}]" is not an objective',
                                   did_you_mean(code, self.catalog.objectives))
            links.append({"code": code, "title": self.catalog.title(objective, page.lang),
                          "url": self._url(objective.path, page)})
        return self.macros.code_links(links)

    # -- a whole page ---------------------------------------------------------------------
    def render_page(self, markdown: str, page: PageRef, extra: dict | None = None) -> str:
        """Markdown with its placeholders, and the automatic blocks of objective and facility pages, replaced."""
        own_code = self._own_code(page)
        if page.is_objective and own_code and "objective-summary" not in markdown:
            markdown = f"<!-- 4p1000 objective-summary code={own_code} -->\n\n" + markdown
            page = replace(page, offset=page.offset - 2)  # errors still name the line of the file
        if page.is_objective and own_code and "4p1000 backlinks" not in markdown:
            markdown = markdown.rstrip() + f"\n\n<!-- 4p1000 backlinks code={own_code} -->\n"
        if page.is_facility and "4p1000 facility-objectives" not in markdown:
            facility_id = self._own_facility(page)
            if facility_id:
                markdown = markdown.rstrip() + f"\n\n<!-- 4p1000 facility-objectives id={facility_id} -->\n"
        if "<!--" not in markdown:  # no placeholder: most pages
            return markdown
        out, line = [], 0  # placeholders in prose only: a page may show one as code
        for is_prose, text in codes.segments(markdown, comments=True):
            if is_prose:
                at = replace(page, offset=page.offset + line)
                out.append(PLACEHOLDER.sub(lambda m: "\n\n" + self._block(m, text, at, extra or {}) + "\n\n", text))
            else:
                out.append(text)
            line += text.count("\n")
        return "".join(out)

    def link_codes(self, html: str, page: PageRef) -> str:
        """Rendered HTML with bracketed objective codes turned into links (code and links left alone)."""
        return codes.replace_in_html(html, lambda found: self.code_links(page, found))

    def title(self, page: PageRef) -> str | None:
        """Objective and facility pages are titled with their code ("C4 · Marque & certification"), in
        the heading, the navigation and search; other pages keep their own title (None)."""
        own = self._own_code(page)
        item = self.catalog.objectives.get(own) if own else self.catalog.facilities.get(self._own_facility(page))
        if item is None:
            return None
        return f"{own or item.id} · {self.catalog.title(item, page.lang)}"

    def _own_code(self, page: PageRef) -> str | None:
        return next((o.code for o in self.catalog.objectives.values() if o.path == page.path), None)

    def _own_facility(self, page: PageRef) -> str | None:
        return next((f.id for f in self.catalog.facilities.values() if f.path == page.path), None)

    def _block(self, match: re.Match, markdown: str, page: PageRef, extra: dict) -> str:
        name = match.group("name")
        line = f"line {markdown.count(chr(10), 0, match.start()) + 1 + page.offset}"
        names = BLOCKS + tuple(EXTRA_BLOCKS)
        if name not in names:
            raise ContentError(page.file, line, f'"{name}" is not a generated block',
                               did_you_mean(name, names) or f"use one of {', '.join(names)}")
        try:
            args = dict(part.split("=", 1) for part in shlex.split(match.group("args")))
        except ValueError:
            raise ContentError(page.file, line, f"cannot read the options of '{name}'",
                               "write them as key=value, e.g. kind=core") from None
        if name in EXTRA_BLOCKS:
            html = EXTRA_BLOCKS[name](BlockCall(page, args, line, self, extra))
            return stand_in(html) if name in LATE_BLOCKS else html
        if name == "facilities":
            kind = args.get("kind", "all")
            if kind not in ("all", "core", "global"):
                raise ContentError(page.file, line, f'kind="{kind}" is not a facility kind', "use core, global or all")
            return self.facilities(page, kind)
        if name == "facility-objectives":
            facility_id = args.get("id") or self._own_facility(page)
            if facility_id not in self.catalog.facilities:
                raise ContentError(page.file, line, f'id="{facility_id}" is not a facility',
                                   did_you_mean(str(facility_id), self.catalog.facilities))
            return self.facility_objectives(page, facility_id)
        if name == "objectives-by-axis":
            return self.objectives_by_axis(page)
        code = args.get("code") or self._own_code(page)
        if code not in self.catalog.objectives:
            raise ContentError(page.file, line, f'code="{code}" is not an objective',
                               did_you_mean(str(code), self.catalog.objectives))
        return self.objective_summary(page, code) if name == "objective-summary" else self.backlinks(page, code)
