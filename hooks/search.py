"""The search's hooks (Pagefind), called from hooks/main.py: thin handlers that dispatch to fourpm.search.

Pagefind indexes the built site after the languages are merged (tools/build.py); these handlers only
give the templates what each page tells the indexer and the search box's labels.
"""
from __future__ import annotations

from mkdocs.exceptions import PluginError

from fourpm.data import pages as datapages
from fourpm.publications import newsletter, press, wiki
from fourpm import search
from fourpm.catalog import site
from fourpm.core import sources
from fourpm.core import state
from fourpm.core.errors import ContentError


# The search box's labels and filter, in the language being built; `make serve` previews without an
# index (the box says so).
def on_env(env, config, files):
    try:
        _catalog, renderer = site.load(sources.project_of(config))
    except ContentError as error:
        raise PluginError(str(error)) from None
    env.globals["fpm_search_box"] = search.box_view(renderer.labels(config.theme["language"]), not state.PROCESS.preview)
    return env


def kinds_of(project: sources.Project) -> tuple[search.KindOf, ...]:
    """Each feature's say on the kind of its pages, for the search filter (the first that answers wins)."""
    catalog, _renderer = site.load(project)
    return (search.catalogue_kinds(catalog), search.roadmap_kind, newsletter.search_kind, press.search_kind,
            datapages.search_kind, wiki.search_kind)


# Whether this page is indexed, and its kind for the filter (after hooks/translations.py's banner).
def on_page_context(context, page, config, nav):
    project = sources.project_of(config)
    kinds = sources.cached(project, "search-kinds", kinds_of)
    banner = context.get("fpm_translation") or {}
    context["fpm_search"] = search.page_view(sources.page_ref(page, config), kinds, page.meta,
                                             shown_in_source_language=bool(banner.get("content_lang")))
    return context
