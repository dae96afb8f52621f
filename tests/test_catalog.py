"""The catalogue: what it derives, and a clear error for each kind of bad input."""
from __future__ import annotations

import pytest

import shutil

from conftest import MINI_FILES, ROOT, write_tree
from fourpm.catalog import load_catalog
from fourpm.core.errors import ContentError


def catalog_of(tmp_path, changes: dict | None = None):
    """The catalogue of the mini site, with some files changed (None deletes one)."""
    write_tree(tmp_path, {**MINI_FILES, **(changes or {})})
    shutil.copytree(ROOT / "data", tmp_path / "data", dirs_exist_ok=True)
    return load_catalog(tmp_path / "docs", tmp_path / "data")


def error_of(tmp_path, changes: dict) -> ContentError:
    with pytest.raises(ContentError) as caught:
        catalog_of(tmp_path, changes)
    return caught.value


def test_mapping_is_derived_from_the_facility_pages(tmp_path):
    catalog = catalog_of(tmp_path)
    assert list(catalog.objectives) == ["A1", "A2", "B1"]
    assert catalog.objectives["A1"].facility == "CF.IV"
    assert catalog.objectives["A2"].facility == "GF.1"
    assert catalog.objectives["B1"].axis == "B"
    assert catalog.facilities["CF.IV"].objectives == ("A1", "B1")
    assert catalog.facilities["GF.1"].kind == "global"


def test_titles_per_language_and_empty_targets(tmp_path):
    catalog = catalog_of(tmp_path)
    a1 = catalog.objectives["A1"]
    assert [catalog.title(a1, lang) for lang in ("fr", "en", "es")] == ["CDN", "NDCs", "CDN (es)"]
    assert a1.baseline_2020 is None and a1.target_2030 == "10 pays" and a1.target_2050 is None


def test_backlinks_list_pages_citing_an_objective_per_language(tmp_path):
    catalog = catalog_of(tmp_path)
    assert [p.title for p in catalog.backlinks("A1", "en")] == ["Home", "Projects"]
    assert [p.title for p in catalog.backlinks("A1", "es")] == ["Inicio", "Proyectos"]
    assert [p.path for p in catalog.backlinks("B1", "fr")] == ["index.md"]


def test_backlinks_fall_back_to_the_french_page_when_a_translation_is_missing(tmp_path):
    catalog = catalog_of(tmp_path, {"docs/es/objectives/a2.md": None})
    assert [p.title for p in catalog.backlinks("A1", "es")] == ["Inicio", "Projets"]


@pytest.mark.parametrize("files, file, field, words", [
    ({"docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: a: b\n---\n"}, "docs/fr/objectives/a1.md", "line 3", "is not valid YAML"),
    ({"docs/fr/objectives/a1.md": "---\ncode: A1\n---\n"}, "docs/fr/objectives/a1.md", "title", "is missing"),
    ({"docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: 12\n---\n"}, "docs/fr/objectives/a1.md", "title", "expected text"),
    ({"docs/fr/objectives/a1.md": "---\ncode: A1\ntitle: x\n"}, "docs/fr/objectives/a1.md", "line 1", "not closed"),
    ({"docs/fr/index.md": "---\ntitle: x\ndate: 2022-11-31\n---\n"}, "docs/fr/index.md", "date", "is not a date"),
    ({"docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: S\nobjectives: [A2, C5]\n---\n"},
     "docs/fr/facilities/gf-1.md", "objectives", '"C5" is not an objective'),
    ({"docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: S\nobjectives: [A2, B1]\n---\n"},
     "docs/fr/facilities/gf-1.md", "objectives", "B1 is already carried by CF.IV"),
    ({"docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: S\nobjectives: []\n---\n"},
     "docs/fr/objectives/a2.md", "code", "A2 is carried by no facility"),
    ({"docs/fr/objectives/b1.md": "---\ncode: A2\ntitle: x\n---\n"}, "docs/fr/objectives/b1.md", "code", '"A2" is already the code of'),
    ({"docs/fr/objectives/b1.md": "---\ncode: G1\ntitle: x\n---\n"}, "docs/fr/objectives/b1.md", "code", "not an objective code"),
    ({"docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: core\ntitle: S\nobjectives: [A2]\n---\n"},
     "docs/fr/facilities/gf-1.md", "kind", "contradicts the id GF.1"),
    ({"docs/fr/facilities/gf-1.md": "---\nid: GF.I\nkind: global\ntitle: S\nobjectives: [A2]\n---\n"},
     "docs/fr/facilities/gf-1.md", "id", "is not a facility id"),
    ({"docs/fr/facilities/gf-1.md": "---\nid: CF.IV\nkind: core\ntitle: S\nobjectives: [A2]\n---\n"},
     "docs/fr/facilities/gf-1.md", "id", "already the id of"),
    ({"docs/en/objectives/a1.md": "---\ncode: A2\ntitle: NDCs\n---\n"}, "docs/en/objectives/a1.md", "code", "contradicts the French page"),
    ({"docs/es/objectives/a1.md": "---\ncode: A1\ntitle: CDN\nfacility: GF.1\n---\n"}, "docs/es/objectives/a1.md", "facility", "carried by CF.IV"),
    ({"docs/en/objectives/b1.md": "---\ncode: B1\ntitle: x\naxis: C\n---\n"}, "docs/en/objectives/b1.md", "axis", "the axis of B1 is B"),
    ({"docs/en/objectives/b1.md": "---\ncode: B1\ntitle: x\ntarget_2030: 50\n---\n"}, "docs/en/objectives/b1.md", "target_2030", "contradicts"),
    ({"docs/en/facilities/gf-1.md": "---\nid: GF.2\ntitle: S\n---\n"}, "docs/en/facilities/gf-1.md", "id", "contradicts the French page"),
    ({"docs/es/facilities/cf-iv.md": "---\nid: CF.IV\ntitle: P\nobjectives: [B1, A1]\n---\n"}, "docs/es/facilities/cf-iv.md", "objectives", "contradicts"),
    ({"docs/en/objectives/c1.md": "---\ncode: C1\ntitle: x\n---\n"}, "docs/en/objectives/c1.md", None, "has no French source page"),
    ({"docs/en/index.md": "---\ntitle: Home\n---\n\nLine two\n\nSee [C5].\n"}, "docs/en/index.md", "line 7", '"[C5]" is not an objective'),
])
def test_bad_input_names_file_field_and_problem(tmp_path, files, file, field, words):
    error = error_of(tmp_path, files)
    assert error.file == file
    where = f"{file}, {field}" if field and field.startswith("line") else f"{file}, field '{field}'" if field else file
    assert str(error).startswith(f"{where}: ")
    assert error.field == field
    assert words in str(error)


def test_unknown_code_suggests_the_nearest(tmp_path):
    error = error_of(tmp_path, {"docs/fr/facilities/gf-1.md": "---\nid: GF.1\nkind: global\ntitle: S\nobjectives: [A3]\n---\n"})
    assert "did you mean A2?" in str(error) or "did you mean A1?" in str(error)
    error = error_of(tmp_path, {"docs/fr/index.md": "Voir [B2].\n"})
    assert "did you mean B1?" in str(error)


def test_codes_in_code_blocks_and_links_are_not_citations(tmp_path):
    page = "---\ntitle: T\n---\n\n```\n[Z9]\n```\n\nInline `[Z9]`, link [A1](objectives/a1.md), ref [B1]: x\n"
    catalog = catalog_of(tmp_path, {"docs/fr/index.md": page})
    assert catalog.pages["fr"]["index.md"].cites == ()
