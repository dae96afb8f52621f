"""Whole pages from the page cache (hooks/fourpm/core/rendered.py): after each edit that changes pages
other than its own file, the site built with the cache is, byte for byte, the one built without; and
what a page's context is spelled as, for its key."""
from __future__ import annotations

import pytest

from conftest import build, write_tree
from fourpm.core import cache

PAGE = "docs/fr/objectives/a2.md"


def files_of(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


# -- whole pages (core/rendered.py): an edit shows on every page it changes ------------------------------
# Each edit changes pages other than its own file: a title in the navigation of the pages of its section, the
# Markdown settings (permalinks) and a label they show, a new page in every navigation, a link (the linked
# page's backlinks, MkDocs' anchor checks), a translation removed (the page shown in French, language links).
A1 = "docs/fr/objectives/a1.md"
EDITS = [  # grouped so that no edit of a group changes every page another one reaches
    {A1: lambda text: text.replace("title: CDN", "title: Contributions déterminées au niveau national")},
    {"mkdocs.yml": lambda text: text.replace(" toc,", " {toc: {permalink: true}},")},
    {"data/labels.yml": lambda text: text.replace('fr: "Lien permanent"', 'fr: "Lien vers ce titre"'),
     "docs/fr/notes.md": "---\ntitle: Notes\n---\n\nTexte.\n"},
    {PAGE: "---\ncode: A2\ntitle: Projets\n---\n\nCite [A1].\n\n## Étapes\n",
     "docs/fr/objectives/b1.md": "---\ncode: B1\ntitle: Plans d'investissements\n---\n\nVoir [les étapes](a2.md#etapes).\n",
     "docs/es/objectives/a1.md": None},
]


def test_pages_from_the_cache_are_those_a_build_without_it_makes_after_each_edit(mini_site, monkeypatch, tmp_path):
    monkeypatch.setenv("FPM_PDF", "0")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("FPM_PAGE_CACHE", str(tmp_path / "pages"))
    build(mini_site)  # every page stored
    for edit in EDITS:
        for path, change in edit.items():
            target = mini_site / path
            if change is None:
                target.unlink()
                continue
            text = change(target.read_text(encoding="utf-8")) if callable(change) else change
            assert not target.is_file() or text != target.read_text(encoding="utf-8"), path  # the edit applies
            write_tree(mini_site, {path: text})
        store = cache.Cache(tmp_path / "pages")
        cache.use(store)
        cached = files_of(build(mini_site))
        assert store.hits > 0  # the pages an edit does not reach (other languages, at least) came from it
        monkeypatch.setenv("FPM_PAGE_CACHE", "off")
        rebuilt = files_of(build(mini_site))
        monkeypatch.setenv("FPM_PAGE_CACHE", str(tmp_path / "pages"))
        assert sorted(cached) == sorted(rebuilt), edit
        assert [name for name in rebuilt if cached[name] != rebuilt[name]] == [], edit


# -- the keys of whole pages: what a page's context is spelled as ------------------------------------------
def _spelled(value):
    from fourpm.core import rendered
    return rendered._Speller(None, {}).text(value)


def test_a_context_is_spelled_by_its_values_and_a_value_without_a_stable_spelling_leaves_the_page_uncached():
    from fourpm.core import rendered

    class Banner:  # a hook's object: spelled by its attributes
        def __init__(self, text):
            self.text, self.langs = text, {"fr", "en", "es"}

    page = {"title": "Projets", "banner": Banner("Traduction à revoir"), "n": 3, "items": [1.5, None, True]}
    assert _spelled(page) == _spelled({**page, "banner": Banner("Traduction à revoir")})  # same values, same text
    for changed in ({**page, "banner": Banner("Traduction à jour")}, {**page, "n": "3"}, {**page, "items": [1.5, None]},
                    {**page, "title": "Projets "}):
        assert _spelled(changed) != _spelled(page)
    limit = 12
    for unstable in (object(), {"f": lambda: limit}, [threading_lock()]):
        with pytest.raises(rendered.Uncacheable):
            _spelled(unstable)
    cycle: dict = {"name": "a"}
    cycle["self"] = cycle
    assert "cycle" in _spelled(cycle)


def threading_lock():
    import threading
    return threading.Lock()
