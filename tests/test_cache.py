"""The page cache (hooks/fourpm/core/cache.py): verified entries, pruning, concurrent builds, and a site
built with it byte for byte the one built without."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, build, write_tree
from fourpm.core import cache

PAGE = "docs/fr/objectives/a2.md"


def files_of(site):
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def entries(folder):
    return sorted(p for p in folder.glob("??/*") if p.is_file() and not p.name.startswith("."))


def counting(calls):
    def compute():
        calls.append(1)
        return {"html": "<p>é</p>", "n": len(calls)}
    return compute


# -- the store ---------------------------------------------------------------------------------------
def test_a_stored_result_is_served_for_the_same_inputs_and_only_for_them(tmp_path):
    store, calls = cache.Cache(tmp_path), []
    first = store.memo("ns", ("a", "page"), counting(calls))
    assert store.memo("ns", ("a", "page"), counting(calls)) == first and len(calls) == 1
    assert store.memo("ns", ("b", "page"), counting(calls))["n"] == 2  # other inputs
    assert store.memo("other", ("a", "page"), counting(calls))["n"] == 3  # other namespace
    assert (store.hits, store.misses) == (1, 3)


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign"])
def test_a_wrong_or_truncated_entry_is_computed_again_never_served(tmp_path, damage):
    store, calls = cache.Cache(tmp_path), []
    store.memo("ns", ("x",), counting(calls))
    [entry] = entries(tmp_path)
    data = entry.read_bytes()
    entry.write_bytes({"flip": data[:-3] + bytes([data[-3] ^ 1]) + data[-2:], "truncate": data[: len(data) - 5],
                       "empty": b"", "foreign": b"not a cache entry\n" + data}[damage])
    again = cache.Cache(tmp_path).memo("ns", ("x",), counting(calls))
    assert again == {"html": "<p>é</p>", "n": 2} and len(calls) == 2  # computed, not read
    assert entry.read_bytes() != b"" and cache.Cache(tmp_path).read(entry.name) == (again,)  # rewritten whole


def test_one_entry_for_many_results_each_found_by_its_own_inputs(tmp_path):
    computed = []

    def items(*texts):
        return [((text,), lambda text=text: computed.append(text) or text.upper()) for text in texts]

    store = cache.Cache(tmp_path)
    assert store.memo_each("ns", ("scope",), items("a", "b", "a")) == ["A", "B", "A"] and computed == ["a", "b"]
    [entry] = entries(tmp_path)
    written = entry.stat().st_ino
    assert store.memo_each("ns", ("scope",), items("b", "a")) == ["B", "A"] and computed == ["a", "b"]
    assert entry.stat().st_ino == written  # nothing new: not written again (a write replaces the file)
    assert store.memo_each("ns", ("scope",), items("a", "c")) == ["A", "C"] and computed == ["a", "b", "c"]
    assert store.memo_each("ns", ("scope",), items("b")) == ["B"] and computed[-1] == "b"  # only the last call's kept
    assert store.memo_each("ns", ("other scope",), items("b")) == ["B"] and computed[-1] == "b" and len(computed) == 5
    entry.write_bytes(entry.read_bytes()[:-4])  # damaged: every result computed again
    assert cache.Cache(tmp_path).memo_each("ns", ("scope",), items("b")) == ["B"] and len(computed) == 6
    assert cache.Cache(None).memo_each("ns", ("scope",), items("b")) == ["B"] and len(computed) == 7


def test_off_computes_everything_and_stores_nothing(tmp_path):
    assert cache.folder_for(tmp_path, {"FPM_PAGE_CACHE": "off"}) is None
    assert cache.folder_for(tmp_path, {}) == tmp_path / ".cache" / "pages"
    store, calls = cache.Cache(None), []
    store.memo("ns", ("x",), counting(calls))
    store.memo("ns", ("x",), counting(calls))
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_prune_removes_what_was_not_used_since_and_keeps_what_was(tmp_path):
    store = cache.Cache(tmp_path)
    for name in ("old", "used", "new"):
        store.memo("ns", (name,), lambda: name)
    old = time.time() - 3600
    for entry in entries(tmp_path):
        os.utime(entry, (old, old))
    since = time.time() - 1
    store.memo("ns", ("used",), lambda: "recomputed")  # a hit: touched
    assert cache.prune(tmp_path, since) == 2  # "old" and "new" (written before since, not used after)
    assert [cache.Cache(tmp_path).read(e.name) for e in entries(tmp_path)] == [("used",)]


def _hammer(args):
    folder, seed = args
    store = cache.Cache(folder)
    wrong = 0
    for i in range(300):
        key = f"k{(i * 7 + seed) % 20}"
        value = store.memo("ns", (key,), lambda: key * 1000)
        wrong += value != key * 1000
    return wrong


def test_two_processes_sharing_the_folder_never_read_a_half_written_entry(tmp_path):
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_hammer, [(tmp_path, 0), (tmp_path, 3)]) == [0, 0]
    assert len(entries(tmp_path)) == 20
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left


# -- builds ------------------------------------------------------------------------------------------
def _tools_build(project, site, env):
    return subprocess.run([sys.executable, "-m", "tools.build", "--config-file", str(project / "mkdocs.yml"),
                           "--site-dir", str(site)], cwd=ROOT, capture_output=True, text=True, env=env)


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "FPM_PDF": "0", "FPM_PAGE_CACHE": str(tmp_path / "pages")}


def test_a_build_with_the_cache_is_byte_identical_to_one_without(mini_site, env, tmp_path):
    runs = {}
    for name, folder in (("off", "off"), ("cold", str(tmp_path / "pages")), ("warm", str(tmp_path / "pages"))):
        result = _tools_build(mini_site, tmp_path / name, {**env, "FPM_PAGE_CACHE": folder})
        assert result.returncode == 0, result.stderr
        runs[name] = files_of(tmp_path / name)
    assert entries(tmp_path / "pages")  # the cold build stored results the warm one could use
    assert sorted(runs["cold"]) == sorted(runs["off"]) == sorted(runs["warm"])
    assert [n for n in runs["off"] if not runs["off"][n] == runs["cold"][n] == runs["warm"][n]] == []
    # Every entry damaged: the next build computes them again, with the same output.
    for entry in entries(tmp_path / "pages"):
        entry.write_bytes(entry.read_bytes()[:-1])
    result = _tools_build(mini_site, tmp_path / "damaged", env)
    assert result.returncode == 0, result.stderr
    assert files_of(tmp_path / "damaged") == runs["off"]
    assert all(cache.Cache(tmp_path / "pages").read(e.name) for e in entries(tmp_path / "pages"))
    # One French page edited: its translations' pages and search indexes come from the cache, the same.
    write_tree(mini_site, {PAGE: "---\ncode: A2\ntitle: Projets\n---\n\nCite [A1], autrement.\n"})
    for name, folder in (("edited-off", "off"), ("edited", str(tmp_path / "pages"))):
        result = _tools_build(mini_site, tmp_path / name, {**env, "FPM_PAGE_CACHE": folder})
        assert result.returncode == 0, result.stderr
        runs[name] = files_of(tmp_path / name)
    assert runs["edited"] == runs["edited-off"] != runs["off"]


@pytest.mark.processes
def test_two_concurrent_builds_sharing_the_cache_both_succeed_with_the_same_site(mini_site, env, tmp_path):
    builds = [subprocess.Popen([sys.executable, "-m", "tools.build", "--config-file", str(mini_site / "mkdocs.yml"),
                                "--site-dir", str(tmp_path / f"site{i}")], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    for process in builds:
        _out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
    assert files_of(tmp_path / "site1") == files_of(tmp_path / "site2")
    result = _tools_build(mini_site, tmp_path / "after", {**env, "FPM_PAGE_CACHE": "off"})
    assert result.returncode == 0 and files_of(tmp_path / "after") == files_of(tmp_path / "site1")


def test_a_build_prunes_what_it_no_longer_uses(mini_site, env, tmp_path):
    assert _tools_build(mini_site, tmp_path / "site", env).returncode == 0
    before = set(entries(tmp_path / "pages"))
    for entry in before:  # written a minute ago: a quick machine would rebuild within prune()'s 2 s margin
        os.utime(entry, (time.time() - 60, time.time() - 60))
    write_tree(mini_site, {PAGE: "---\ncode: A2\ntitle: Projets\n---\n\nCite [A1] et [B1], autrement.\n"})
    assert _tools_build(mini_site, tmp_path / "site", env).returncode == 0
    after = set(entries(tmp_path / "pages"))
    assert before - after and after - before  # the old version's results gone, the new one's stored
    assert len(before & after) > len(before - after)  # the other pages' results kept


def test_a_rebuild_after_one_page_changed_reuses_the_results_of_the_others(mini_site, monkeypatch, tmp_path):
    monkeypatch.setenv("FPM_PAGE_CACHE", str(tmp_path / "pages"))
    monkeypatch.setenv("FPM_PDF", "0")
    build(mini_site)
    write_tree(mini_site, {PAGE: "---\ncode: A2\ntitle: Projets\n---\n\nCite [A1], encore.\n"})
    store = cache.Cache(tmp_path / "pages")
    cache.use(store)  # the build keeps this one (same folder): its counts are this build's
    build(mini_site)
    assert store.hits > 10 * store.misses > 0, (store.hits, store.misses)
    assert "encore" in (mini_site / "site" / "objectives" / "a2" / "index.html").read_text(encoding="utf-8")
