"""Fuzzing the data loaders of every feature: the project's own data files and front matter, with one
or two values changed at random (another type, an empty value, a missing key, a wrong id...). Each
input gives a valid result or the project's clear error (ContentError), never another exception."""
from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from rawtext import raw_edit
from fourpm import data, pdf
from fourpm.translation import glossary
from fourpm.publications import newsletter, press, wiki
from fourpm.core import frontmatter
from fourpm.catalog import load_catalog
from fourpm.core.labels import load_labels
from fourpm.core.errors import ContentError

LANGS = ("fr", "en", "es")
FUZZ = settings(max_examples=int(os.environ.get("FPM_FUZZ_EXAMPLES", 100)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

SCALARS = (st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=10) | st.dates() | st.sampled_from(["", " ", "fr", "xx", "A1", "CF.III", "2023-02-30",
                                                                  "2023-01-01", "-1", "1e309", "<b>x</b>", "FR", "ZZ"]))
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["fr", "en", "es", "id", "name", "title", "date", "value", "xx"]) | st.text(max_size=5), inner, max_size=3),
    max_leaves=6)


def paths_in(tree, prefix=()) -> list[tuple]:
    """Every path to a node of a YAML tree, the root included."""
    found = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += paths_in(value, prefix + (key,))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += paths_in(value, prefix + (index,))
    return found


def mutate(draw, tree):
    """The tree with one node replaced, removed or duplicated."""
    import copy

    tree = copy.deepcopy(tree)
    path = draw(st.sampled_from(paths_in(tree)))
    if not path:
        return draw(VALUES)
    parent = tree
    for step in path[:-1]:
        parent = parent[step]
    action = draw(st.sampled_from(["replace", "replace", "delete", "duplicate"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "duplicate" and isinstance(parent, list):
        parent.insert(path[-1], copy.deepcopy(parent[path[-1]]))
    else:
        parent[path[-1]] = draw(VALUES)
    return tree


# libyaml's emitter when there is one: the same text as yaml.safe_dump (the real data files give the same
# bytes), several times faster, so each example costs less.
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(tree) -> str:
    return yaml.dump(tree, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


@functools.cache
def original_tree(name: str):
    """The real data file, parsed once (mutate copies it)."""
    return yaml.safe_load((ROOT / "data" / name).read_text(encoding="utf-8"))


# -- data/*.yml -----------------------------------------------------------------------------------------------

DATA_LOADERS: dict[str, Callable[[Path], object]] = {
    "labels.yml": lambda d: load_labels(d, LANGS),
    "partners.yml": lambda d: data.load_partners(d, languages=LANGS),
    "events.yml": lambda d: data.load_events(d, data.load_partners(d, languages=LANGS), languages=LANGS),
    "key_figures.yml": lambda d: data.load_key_figures(d, languages=LANGS),
    "glossary.yml": lambda d: glossary.load_glossary(d, LANGS),
    Path(press.REVIEW_FILE).name: lambda d: press.load_press_review(d),
}


@pytest.fixture(scope="module")
def data_copy(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-data") / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder


def test_every_data_file_has_a_fuzzed_loader(data_copy):
    assert sorted(p.name for p in (ROOT / "data").glob("*.yml")) == sorted(DATA_LOADERS)
    for name, loader in DATA_LOADERS.items():
        loader(data_copy)  # the real data loads


@FUZZ
@given(data_=st.data(), name=st.sampled_from(sorted(DATA_LOADERS)))
def test_changed_data_files_load_or_give_a_clear_error(data_copy, data_, name):
    original = (ROOT / "data" / name).read_text(encoding="utf-8")
    changed = dump(mutate(data_.draw, original_tree(name)))
    (data_copy / name).write_text(changed, encoding="utf-8")
    try:
        DATA_LOADERS[name](data_copy)
    except ContentError as error:
        assert str(error).startswith("data/"), str(error)
    finally:
        (data_copy / name).write_text(original, encoding="utf-8")


@FUZZ
@given(data_=st.data(), name=st.sampled_from(sorted(DATA_LOADERS)))
def test_data_files_typed_with_mistakes_load_or_give_one_clear_line(data_copy, data_, name):
    """The same files edited as raw text (rawtext.raw_edit), the way people type them."""
    original = (ROOT / "data" / name).read_bytes()
    (data_copy / name).write_bytes(data_.draw(raw_edit(original.decode("utf-8"))))
    try:
        DATA_LOADERS[name](data_copy)
    except ContentError as error:
        message = str(error)
        assert message.startswith(f"data/{name}") and "\n" not in message, message
    finally:
        (data_copy / name).write_bytes(original)


# -- front matter of the pages the features read -----------------------------------------------------------

DOCS_LOADERS: dict[str, Callable[[Path], object]] = {
    "catalogue": lambda docs: load_catalog(docs, docs.parent / "data", LANGS),
    "newsletter": lambda docs: newsletter.load_issues(docs, LANGS),
    "pdf": lambda docs: pdf.read_declarations(docs, LANGS),
    "press": lambda docs: press.load_releases(docs, LANGS),
    "wiki": lambda docs: wiki.load_sheets(docs, LANGS),
}


@pytest.fixture(scope="module")
def docs_copy(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("fuzz-docs")
    shutil.copytree(ROOT / "docs", root / "docs", ignore=shutil.ignore_patterns("assets"))
    shutil.copytree(ROOT / "data", root / "data")
    return root / "docs"


# The pages each loader reads: a change elsewhere would not reach it.
READS = {
    "catalogue": lambda rel, meta: "/objectives/" in rel or "/facilities/" in rel,
    "newsletter": lambda rel, meta: f"/{newsletter.FOLDER}/" in rel,
    "pdf": lambda rel, meta: "pdf" in meta,
    "press": lambda rel, meta: "/press/" in rel,
    "wiki": lambda rel, meta: f"/{wiki.FOLDER}/" in rel,
}


def targets() -> list[tuple[str, str]]:
    """(loader, page) pairs: each page with front matter that a loader reads."""
    found = []
    for path in sorted((ROOT / "docs").rglob("*.md")):
        rel = path.relative_to(ROOT / "docs").as_posix()
        meta = frontmatter.split(path.read_text(encoding="utf-8"), rel)[0]
        found += [(name, rel) for name, reads in READS.items() if meta and reads(rel, meta)]
    return found


TARGETS = targets()


def test_the_real_pages_load_and_every_loader_has_pages_to_fuzz(docs_copy):
    assert sorted(DOCS_LOADERS) == sorted(READS) == sorted({name for name, _rel in TARGETS})
    for loader in DOCS_LOADERS.values():
        loader(docs_copy)


@FUZZ
@given(data_=st.data(), target=st.sampled_from(TARGETS))
def test_changed_front_matter_loads_or_gives_a_clear_error(docs_copy, data_, target):
    loader, rel = target
    file = docs_copy / rel
    original = file.read_text(encoding="utf-8")
    meta, body = frontmatter.split(original, rel)
    file.write_text("---\n" + dump(mutate(data_.draw, meta)) + "---\n" + body, encoding="utf-8")
    try:
        DOCS_LOADERS[loader](docs_copy)
    except ContentError as error:
        assert str(error).startswith(("docs/", "data/")), str(error)
    finally:
        file.write_text(original, encoding="utf-8")


# -- inputs the fuzzer found, kept as plain tests ----------------------------------------------------------

@pytest.mark.parametrize("countries", [[["FR"]], [{"FR": 1}]])
def test_found_by_fuzzing_a_region_listing_a_list_instead_of_a_country_code(data_copy, countries):
    original = (data_copy / "partners.yml").read_text(encoding="utf-8")
    tree = yaml.safe_load(original)
    tree["regions"][next(iter(tree["regions"]))] = countries
    (data_copy / "partners.yml").write_text(dump(tree), encoding="utf-8")
    try:
        with pytest.raises(ContentError, match=r"^data/partners\.yml, field 'regions\."):
            data.load_partners(data_copy, languages=LANGS)
    finally:
        (data_copy / "partners.yml").write_text(original, encoding="utf-8")


def test_found_by_fuzzing_a_labels_file_that_is_not_a_mapping(data_copy):
    original = (data_copy / "labels.yml").read_text(encoding="utf-8")
    try:
        for text in (":>\n", "- a\n- b\n", "42\n"):
            (data_copy / "labels.yml").write_text(text, encoding="utf-8")
            with pytest.raises(ContentError, match=r"^data/labels\.yml"):
                load_labels(data_copy, LANGS)
    finally:
        (data_copy / "labels.yml").write_text(original, encoding="utf-8")
