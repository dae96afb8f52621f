"""Fuzzing the catalogue: random front matter, bodies and labels in a small three-language tree. Every
input gives a valid catalogue or the project's clear error (ContentError), never another exception."""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from unittest import mock

import yaml
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from conftest import MINI_FILES, ROOT
from rawtext import raw_edit
from fourpm import catalog as catalog_module
from fourpm.core import frontmatter
from fourpm.catalog import Catalog, load_catalog
from fourpm.core.labels import load_labels
from fourpm.core.errors import ContentError
from fourpm.core.blocks import PageRef
from fourpm.catalog.render import Renderer

LANGS = ("fr", "en", "es")
# FPM_FUZZ_EXAMPLES=2000 for a longer hunt; failing inputs are replayed first on the next run (.hypothesis/).
FUZZ = settings(max_examples=int(os.environ.get("FPM_FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

# Values a writer could type, or mistype, in YAML.
CODES = st.sampled_from(["A1", "A2", "B1", "B2", "C5", "a1", " A1 ", "", "A10", "Z9", "CF.IV", "1"])
IDS = st.sampled_from(["CF.IV", "GF.1", "CF.I", "GF.2", "cf.iv", "CF.XIV", "GF.0", "XX", "", "CF.IV "])
SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=12) | st.dates() | CODES | IDS | st.sampled_from(["core", "global", "both"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                      max_leaves=8)
KEYS = st.sampled_from(["code", "title", "id", "kind", "objectives", "axis", "facility", "baseline_2020",
                        "target_2030", "target_2050", "description"]) | st.text(max_size=8)
META = st.dictionaries(KEYS, VALUES | st.lists(CODES, max_size=4), max_size=7)
RAW_FRONT = st.text(alphabet=st.sampled_from(list("abc:-[]{}'\"\n #&*!|>%@`\t")), max_size=40)
BODY = st.lists(st.sampled_from(["Texte.", "[A1]", "[A2-B1]", "[C5]", "[A1](x.md)", "`[Z9]`", "[A1 – B1]", "\n```\n[Q1]\n```\n",
                                 "<!-- [Z9] -->", "[a1]", "[A1-]", "\n", "# Titre", "---"]), max_size=6).map(" ".join)
PAGES = sorted(MINI_FILES)


def front(meta) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n"


@st.composite
def trees(draw) -> dict[str, str | None]:
    """The mini site with some pages rewritten, added or removed."""
    changes: dict[str, str | None] = {}
    for path in draw(st.lists(st.sampled_from(PAGES + ["docs/fr/objectives/c1.md", "docs/en/objectives/c9.md",
                                                       "docs/fr/facilities/gf-2.md", "docs/es/facilities/cf-x.md",
                                                       "docs/fr/objectives/index.md"]), max_size=4, unique=True)):
        kind = draw(st.sampled_from(["mutate", "mutate", "meta", "raw", "typed", "delete", "body"]))
        if kind == "mutate":  # the page as it was, one or two fields changed: reaches the deeper checks
            meta, body = frontmatter.split(MINI_FILES.get(path, "---\ntitle: T\n---\n"), path)
            changes[path] = front({**meta, **draw(st.dictionaries(KEYS, VALUES | st.lists(CODES, max_size=4),
                                                                  min_size=1, max_size=2))}) + body
        elif kind == "meta":
            changes[path] = front(draw(META)) + draw(BODY)
        elif kind == "raw":
            changes[path] = "---\n" + draw(RAW_FRONT) + "\n---\n" + draw(BODY)
        elif kind == "typed":  # the page edited as raw text, with a typing mistake (rawtext.raw_edit)
            changes[path] = draw(raw_edit(MINI_FILES.get(path, "---\ntitle: T\n---\n")))
        elif kind == "delete":
            changes[path] = None
        else:
            original = MINI_FILES.get(path, "---\ntitle: T\n---\n")
            changes[path] = original + draw(BODY)
    return changes


def write_tree(root: Path, files: dict[str, str | bytes | None]) -> Path:
    """Write files (text, or raw bytes as typed) under root; None leaves one out."""
    for rel, content in files.items():
        if content is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


_PARSED_LABELS: dict = {}


def labels_once(data_dir: Path, languages):
    """load_labels, the same file parsed once: every tree below copies the real, unchanged labels.yml (about
    half the cost of an example); the labels file is fuzzed on its own (test_random_labels_file_...)."""
    key = ((data_dir / "labels.yml").read_bytes(), languages)
    if key not in _PARSED_LABELS:
        _PARSED_LABELS[key] = load_labels(data_dir, languages)
    return copy.deepcopy(_PARSED_LABELS[key])


def check_catalog(catalog: Catalog) -> None:
    """What a valid catalogue promises: one facility per objective, titles in every language."""
    owners = [code for facility in catalog.facilities.values() for code in facility.objectives]
    assert sorted(owners) == sorted(set(owners)) and set(owners) == set(catalog.objectives)
    for objective in catalog.objectives.values():
        assert objective.code in catalog.facilities[objective.facility].objectives
        assert all(isinstance(catalog.title(objective, lang), str) for lang in LANGS)


@FUZZ
@given(trees())
def test_random_front_matter_gives_a_catalogue_or_a_clear_error(changes):
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(Path(tmp), {**MINI_FILES, **changes})
        (root / "data").mkdir()
        (root / "data" / "labels.yml").write_bytes((ROOT / "data" / "labels.yml").read_bytes())
        try:
            with mock.patch.object(catalog_module, "load_labels", labels_once):
                catalog = load_catalog(root / "docs", root / "data", LANGS)
        except ContentError as error:
            assert str(error).startswith("docs/") and "\n" not in str(error).strip()
            return
        check_catalog(catalog)
        # The generated blocks of every page, in every language, render from it.
        renderer = Renderer(catalog, ROOT / "overrides" / "fpm")
        for lang in LANGS:
            for path in catalog.pages[lang]:
                markdown = frontmatter.split((root / "docs" / lang / path).read_text(encoding="utf-8"), path)[1]
                try:
                    assert isinstance(renderer.render_page(markdown, PageRef(lang, path, f"docs/{lang}/{path}")), str)
                except ContentError:
                    pass


@FUZZ
@given(st.text(max_size=80) | RAW_FRONT.map(lambda raw: f"---\n{raw}\n---\nbody"))
def test_any_file_text_splits_or_gives_a_clear_error(text):
    try:
        meta, body = frontmatter.split(text, "docs/fr/x.md")
    except ContentError as error:
        assert str(error).startswith("docs/fr/x.md")
        return
    assert isinstance(meta, dict) and isinstance(body, str)


LABELS = st.one_of(
    st.dictionaries(st.text(max_size=6), st.dictionaries(st.sampled_from(LANGS + ("de",)), VALUES, max_size=4), max_size=3),
    VALUES)


@FUZZ
@given(LABELS | RAW_FRONT)
def test_random_labels_file_gives_labels_or_a_clear_error(labels):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data" / "labels.yml"
        path.parent.mkdir()
        path.write_text(labels if isinstance(labels, str) else yaml.safe_dump(labels, allow_unicode=True), encoding="utf-8")
        try:
            loaded = load_labels(path.parent, LANGS)
        except ContentError as error:
            assert str(error).startswith("data/labels.yml")
            return
        assert all(isinstance(forms[lang], str) for forms in loaded.values() for lang in LANGS)


def outcome(changes) -> str:
    """ "Catalog", or the first words of the clear error a tree gives."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_tree(Path(tmp), {**MINI_FILES, **changes})
        (root / "data").mkdir()
        (root / "data" / "labels.yml").write_bytes((ROOT / "data" / "labels.yml").read_bytes())
        try:
            with mock.patch.object(catalog_module, "load_labels", labels_once):
                return type(load_catalog(root / "docs", root / "data", LANGS)).__name__
        except ContentError as error:
            return str(error)


def test_the_fuzzer_reaches_both_outcomes():
    """The strategy above makes valid trees and invalid ones, raw typing mistakes among them (else the
    properties would test little): hypothesis finds an example of each. Generated only: shrinking the
    example found to a smallest one would cost more than the hunt and show nothing more."""
    quiet = settings(database=None, max_examples=500, deadline=None, suppress_health_check=list(HealthCheck),
                     phases=[Phase.generate])
    assert find(trees(), lambda c: bool(c) and outcome(c) == "Catalog", settings=quiet)
    typed = find(trees(), lambda c: any(isinstance(v, bytes) for v in c.values()) and outcome(c) != "Catalog",
                 settings=quiet)
    assert outcome(typed).startswith("docs/")
