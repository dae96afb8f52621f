"""The one place that reads or sets what MkDocs, Material and mkdocs-static-i18n keep for themselves.

Everything else uses MkDocs' public API (config options, File, get_relative_url) or these functions.
They were written for the versions of WRITTEN_FOR; `version_problems` says when another one is installed,
so an upgrade is checked here, in one file, instead of failing somewhere in a feature.
"""
from __future__ import annotations

import logging
import os
import sysconfig
from copy import deepcopy
from importlib import metadata

import jinja2
from mkdocs import utils as _mkdocs_utils
from mkdocs.structure import files as _mkdocs_files

_clean_directory = _mkdocs_utils.clean_directory  # as MkDocs defines it (see undo_failed_nested_build)

# distribution -> the release series these functions were written and tested for (ProperDocs, the
# maintained continuation of MkDocs 1.x, provides the same API).
WRITTEN_FOR = {"mkdocs": "1.6.", "properdocs": "1.6.", "mkdocs-material": "9.", "mkdocs-static-i18n": "1.3."}


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def version_problems(installed=_installed) -> list[str]:
    """One line per installed package of another series than the one this file was written for."""
    problems = []
    for name, series in WRITTEN_FOR.items():
        version = installed(name)
        if version is not None and not version.startswith(series):
            problems.append(f"{name} {version} is installed, but hooks/fourpm/core/engine.py was written for "
                            f"{name} {series}x (pin {name} to that series in requirements.txt, or check this "
                            f"file against the new release and update WRITTEN_FOR)")
    return problems


def _i18n(config):
    return config.plugins["i18n"]


def configured_languages(config) -> list[tuple[str, str, bool]]:
    """(code, name, default) of each language of mkdocs.yml, in its order."""
    return [(lang.locale, lang.name, bool(lang.default)) for lang in _i18n(config).config.languages]


def build_languages(config) -> tuple[str, ...]:
    """The languages this build makes, the one at the site's root first."""
    return tuple(_i18n(config).build_languages)


def default_language(config) -> str:
    return _i18n(config).default_language


def current_language(config) -> str:
    """The language being built (mkdocs-static-i18n sets the theme's language for each one)."""
    return config.theme["language"]


def build_only(config, lang: str) -> None:
    """Make this config build one language, as mkdocs-static-i18n does inside its own loop, without the
    loop over the others (tools/build.py builds each language in its own process)."""
    i18n = _i18n(config)
    i18n.current_language = lang
    i18n.building = True


def file_language(file, default: str) -> str:
    """The language folder a file comes from (the source language's for a page shown untranslated)."""
    return getattr(file, "locale", default)


def mark_generated(file, lang: str, path: str, versions: dict) -> None:
    """A generated page as mkdocs-static-i18n marks its own: its language and its versions in the others."""
    file.locale = file.localization = file.locale_alternate_of = lang
    file.norm_src_uri, file.alternates = path, versions


def list_in_sitemap(config, lang: str, files: list) -> None:
    """Generated pages of a language, added to mkdocs-static-i18n's list so sitemap.xml has them too."""
    i18n = config.plugins.get("i18n")
    if i18n is not None and lang in getattr(i18n, "i18n_files_per_language", {}):
        i18n.i18n_files_per_language[lang].extend(files)


def home_alternates(config) -> list | None:
    """The language switcher's entries for the home pages (mkdocs-static-i18n's extra_alternate)."""
    alternates = getattr(_i18n(config), "extra_alternate", None)
    return deepcopy(alternates) if alternates else None


def title_from_heading(page) -> bool:
    """Whether MkDocs took the page's title from its rendered <h1> (already HTML)."""
    return bool(getattr(page, "_title_from_render", False))


def undo_failed_nested_build() -> None:
    """mkdocs-static-i18n replaces mkdocs.utils.clean_directory (and filters MkDocs' build log) while it
    builds the other languages, and puts them back only when every language succeeded: after a failed
    build, the next build in the same process (the live preview, tests) would not clean its folder."""
    _mkdocs_utils.clean_directory = _clean_directory
    build_log = logging.getLogger("mkdocs.commands.build")
    for kept in [f for f in build_log.filters if type(f).__name__ == "I18nLoggingFilter"]:
        build_log.removeFilter(kept)


# -- the theme's files ----------------------------------------------------------------------------------
# For each build, MkDocs lists every file of the theme's folders and tests each name against its
# patterns (Files.add_files_from_theme): Material's folder holds 14,500 files, nearly all of them icons
# that it leaves out, which costs 0.13 s per language and per rebuild of the live preview. An installed
# theme does not change while a process runs: its folders' listing is kept for the process (and
# tools/build.py lists them before it forks the language processes); a folder of the project
# (custom_dir: overrides/) is listed on every build.
_INSTALLED = tuple({os.path.join(os.path.realpath(sysconfig.get_paths()[key]), "") for key in ("purelib", "platlib")})
_THEME_LISTINGS: dict[tuple, list[str]] = {}


class _ThemeListing:
    """What add_files_from_theme asks of the Jinja environment: its template names, filtered."""

    def __init__(self, config):
        self.dirs, self.static = list(config.theme.dirs), tuple(config.theme.static_templates)

    def list_templates(self, filter_func):
        names: set[str] = set()
        for folder in self.dirs:
            key = (folder, self.static)  # MkDocs' filter reads static_templates and its own constants
            if key not in _THEME_LISTINGS:
                listed = [name for name in jinja2.FileSystemLoader(folder).list_templates() if filter_func(name)]
                if not os.path.join(os.path.realpath(folder), "").startswith(_INSTALLED):
                    names.update(listed)
                    continue
                _THEME_LISTINGS[key] = listed
            names.update(_THEME_LISTINGS[key])
        return sorted(names)


def _add_files_from_theme(files, env, config):
    return _ADD_FILES_FROM_THEME(files, _ThemeListing(config), config)


_ADD_FILES_FROM_THEME = _mkdocs_files.Files.add_files_from_theme


def keep_theme_listing(config=None) -> None:
    """Keep the installed theme's listing for this process (see above); with config, list it now."""
    _mkdocs_files.Files.add_files_from_theme = _add_files_from_theme
    if config is not None:
        _mkdocs_files.Files([]).add_files_from_theme(None, config)


def wrap_page_stages(render, build_page) -> None:
    """Have MkDocs convert each page's Markdown with render(original, page, config, files) and render its
    template with build_page(original, page, config, doc_files, nav, env, dirty, excluded) (core/rendered.py):
    Page.render and mkdocs.commands.build._build_page, as MkDocs 1.6 defines them and calls them by name."""
    from mkdocs.commands import build as _build
    from mkdocs.structure.pages import Page

    if getattr(Page.render, "fpm_original", None) is None:
        original = Page.render

        def page_render(page, config, files):
            return render(original, page, config, files)
        page_render.fpm_original = original
        Page.render = page_render
    if getattr(_build._build_page, "fpm_original", None) is None:
        original_build = _build._build_page

        def build_one(page, config, doc_files, nav, env, dirty=False, excluded=False):
            return build_page(original_build, page, config, doc_files, nav, env, dirty, excluded)
        build_one.fpm_original = original_build
        _build._build_page = build_one


def rendering(page) -> tuple:
    """What Page.render sets on a page, picklable: its HTML, table of contents, title from its <h1>,
    anchors, and links to anchors of other files (by their source path)."""
    links = page.links_to_anchors
    links = None if links is None else {file.src_uri: anchors for file, anchors in links.items()}
    return page.content, page.toc, page._title_from_render, page.present_anchor_ids, links


def set_rendering(page, rendering: tuple, files) -> None:
    """Set what `rendering` gave back on a page, as Page.render would have (files: the build's)."""
    page.content, page.toc, page._title_from_render, page.present_anchor_ids, links = rendering
    if links is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): anchors for uri, anchors in links.items()}
