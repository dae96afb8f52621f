"""Fuzzing the generators: random Markdown (placeholders with random names and options, bracketed
codes, code spans and fences) rendered for random pages and languages. Each input gives the page's
Markdown or the project's clear error (ContentError), never another exception.

The core blocks are fuzzed on the mini site's catalogue; every block registered by a feature module
(data pages, publications, PDFs, translations...) on the real project, set up as a build sets it up."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from fourpm.catalog import render, site
from fourpm.core import sources
from fourpm.core.errors import ContentError
from fourpm.core.blocks import PageRef

LANGS = ("fr", "en", "es")
FUZZ = settings(max_examples=int(os.environ.get("FPM_FUZZ_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

ARG_NAMES = ["id", "code", "kind", "name", "chart", "ids", "issue", "lang", "page", "file", "tag", "partner", "type",
             "limit", "year", "region", "release", "show", "only"]
ARG_VALUES = st.sampled_from(["CF.III", "CF.IV", "GF.1", "A1", "A6", "C5", "core", "global", "all", "press-kit",
                              "newsletter", "1", "0", "-1", "", "../../etc/passwd", "<b>x</b>", "a b", "é", "None",
                              "2023", "fr", "xx"]) | st.text(max_size=8)


def option(name: str, value: str) -> str:
    if not value or any(c in value for c in " '\"\\"):
        return f"{name}={value!r}" if "'" not in value else f'{name}="{value}"'
    return f"{name}={value}"


@st.composite
def placeholders(draw, names) -> str:
    name = draw(st.sampled_from(names) | st.sampled_from(names) | st.text(alphabet="abcdefgh-", min_size=1, max_size=10))
    args = draw(st.dictionaries(st.sampled_from(ARG_NAMES), ARG_VALUES, max_size=3))
    raw = " ".join(option(k, v) for k, v in args.items())
    if draw(st.booleans()):
        raw += draw(st.sampled_from([" '", ' "', " =", " x", " a=b=c", " \\"]))
    return f"\n\n<!-- 4p1000 {name} {raw} -->\n\n"


def markdown(names):
    fragments = st.sampled_from(["Texte.", "[A1]", "[A2-B1]", "[C5]", "[A6]", "[CF.III]", "`[A1]`", "\n```\n[Z1]\n```\n",
                                 "[A1](x.md)", "## Titre", "\n\n", "<!-- 4p1000 -->", "<!--4p1000 facilities-->",
                                 "~~~\n<!-- 4p1000 nope -->\n~~~"])
    return st.lists(fragments | placeholders(names), max_size=6).map("".join)


def pages(catalog):
    known = sorted((lang, path) for lang in catalog.pages for path in catalog.pages[lang])
    return st.sampled_from(known) | st.tuples(st.sampled_from(LANGS), st.sampled_from(
        ["objectives/a1.md", "objectives/z9.md", "facilities/cf-iv.md", "facilities/index.md", "index.md", "x/y.md"]))


def render_or_clear_error(renderer, text: str, lang: str, path: str, extra: dict) -> None:
    try:
        result = renderer.render_page(text, PageRef(lang, path, f"docs/{lang}/{path}"), extra)
    except ContentError as error:
        assert str(error).startswith(f"docs/{lang}/{path}") or str(error).startswith(("docs/", "data/", "mkdocs.yml"))
        return
    assert isinstance(result, str)


# -- the core blocks, on the mini site ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini_renderer(tmp_path_factory):
    import shutil

    from conftest import MINI_FILES, write_tree

    root = write_tree(tmp_path_factory.mktemp("fuzz-mini"), MINI_FILES)
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "overrides", root / "overrides")
    return site.load(sources.project_at(root, LANGS))


@FUZZ
@given(data=st.data())
def test_random_markdown_renders_or_gives_a_clear_error(mini_renderer, data):
    catalog, renderer = mini_renderer
    lang, path = data.draw(pages(catalog))
    text = data.draw(markdown(list(render.BLOCKS)))
    render_or_clear_error(renderer, text, lang, path, {})


# -- every registered block, on the real project ------------------------------------------------------------

@pytest.fixture(scope="module")
def real_renderer():
    """The real project after every hook's on_config, as a build starts: feature modules registered
    their blocks and know where their data is."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    catalog, renderer = site.load(sources.project_of(config))
    return catalog, renderer, dict(config.extra)


def test_every_placeholder_of_the_real_pages_is_a_block_the_fuzzer_tries(real_renderer):
    """The fuzzer below draws from the registered blocks: each placeholder the pages use must be one."""
    used = {m.group("name") for path in (ROOT / "docs").rglob("*.md")
            for m in render.PLACEHOLDER.finditer(path.read_text(encoding="utf-8"))}
    known = set(render.BLOCKS) | set(render.EXTRA_BLOCKS)
    assert used and not used - known, sorted(used - known)
    assert {"newsletter-archive", "press-releases", "events", "wiki-tags", "pdf-link"} <= set(render.EXTRA_BLOCKS)


@FUZZ
@given(data=st.data())
def test_every_block_with_random_options_renders_or_gives_a_clear_error(real_renderer, data):
    catalog, renderer, extra = real_renderer
    lang, path = data.draw(pages(catalog))
    text = data.draw(markdown(list(render.BLOCKS) + sorted(render.EXTRA_BLOCKS)))
    render_or_clear_error(renderer, text, lang, path, extra)
