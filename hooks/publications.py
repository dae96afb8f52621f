"""MkDocs hooks of the publications: newsletter (feeds, e-mail editions), press room, wiki; and the
social cards and Open Graph metadata of every page.

Thin handlers: the logic is in fourpm.publications.newsletter, feeds, newsletter_email, press, wiki and social. Every
event from on_config to on_post_build fires once per language (mkdocs-static-i18n); what a build
collects is kept in its own part of the language build's state (core/state.py) and written for its
language only.
"""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel

from fourpm.data import pages as datapages
from fourpm.publications import feeds, newsletter, newsletter_email, press, wiki
from fourpm.catalog import site
from fourpm import social
from fourpm.core import sources
from fourpm.core import cache, engine, state
from fourpm.core.project import PARTNER_PAGES
from fourpm.core.dates import build_date
from fourpm.core.errors import ContentError, listed
from fourpm.core.blocks import BlockCall


@dataclass
class _Build:
    """What one language's build collects for on_post_build (its part of core/state.py's Build)."""
    emails: list = field(default_factory=list)  # (issue, page url, folder of the page's HTML, content)
    backlinks: dict = field(default_factory=dict)  # page url -> [(url, title)] of the pages linking to it
    cards: list = field(default_factory=list)  # (social.Card, path of the card in the site)
    undescribed: list = field(default_factory=list)  # docs paths of the pages without a description
    sections: dict | None = None  # folder of a page -> title of its section in the navigation


log = logging.getLogger("mkdocs.plugins.fourpm.social")


def _build() -> _Build:
    return state.current().part("publications", _Build)


def _links() -> dict:
    """(project, language) -> page url -> (urls its content links to, its title), kept for the process."""
    return state.PROCESS.keep("links", dict)


def _project(config) -> sources.Project:
    return sources.project_of(config)


def _checked(config, read):
    """read(project), cached per process by the fourpm modules; bad input becomes a one-line error."""
    try:
        return read(_project(config))
    except ContentError as error:
        raise PluginError(str(error)) from None


def _partners(project: sources.Project) -> dict:
    return datapages.dataset(project).partners  # read and validated by the data pages


def _prefix(config, lang: str | None = None) -> str:
    """The folder of a language in the built site ("" at the root)."""
    return _project(config).langs.prefix(lang or config.theme["language"])


def _site_url(config, issues: list) -> str | None:
    """The site's absolute URL, which feeds and e-mail editions need as soon as there is an issue."""
    if not config.site_url and issues:
        raise PluginError("mkdocs.yml, field 'site_url': is missing (the newsletter's feeds and e-mail editions "
                          "need absolute links; write site_url: https://...)")
    url = config.site_url or None
    return url if not url or url.endswith("/") else url + "/"


# Validate the publications before anything is built (before the catalogue: clear date errors).
@event_priority(10)
def on_config(config):
    sources.refresh(_project(config))
    for read in (newsletter.issues, press.releases, press.review, wiki.sheets, _partners):
        _checked(config, read)


# A wiki page per partner of data/partners.yml, in the language being built (after mkdocs-static-i18n
# has laid out the language's files, so the generated pages keep the paths we give them).
@event_priority(-110)
def on_files(files, config):
    lang, languages = config.theme["language"], _project(config).languages
    generated = []
    for partner in _checked(config, _partners).values():
        path = datapages.partner_path(partner.id)
        if files.get_file_from_path(f"{lang}/{path}") is not None:
            raise PluginError(f"docs/{lang}/{path}: the wiki's partner pages are generated from data/partners.yml "
                              f"(delete this file and edit the partner in data/partners.yml)")
        versions = {}
        for other in languages:
            version = File.generated(config, f"{other}/{path}", content=datapages.partner_markdown(partner, other),
                                     inclusion=InclusionLevel.NOT_IN_NAV)  # listed by the partners' index
            version.dest_uri = _prefix(config, other) + path[:-3] + "/index.html"
            versions[other] = version
        file = versions[lang]
        engine.mark_generated(file, lang, path, versions)
        files.append(file)
        generated.append(file)
    engine.list_in_sitemap(config, lang, generated)
    # overrides/ is Material's custom_dir, whose files MkDocs copies into the site: the card layout is not for readers.
    own = Path(config.config_file_path).resolve().parent / Path(social.LAYOUT_FILE).parent
    for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(own)]:
        files.remove(file)
    return files


# Automatic blocks at the top of the page: an issue's header, a press release's date, a wiki sheet's
# tags (unless the page places the placeholder itself). Added to the HTML, not to the Markdown, so
# the line numbers of errors stay those of the file. Then keep each issue's content (objective codes
# linked) for its e-mail edition.
@event_priority(-50)
def on_page_content(html, page, config, files):
    ref = sources.page_ref(page, config)
    renderer = site.load(_project(config))[1]
    source = page.file.content_string
    for name, wanted, block in (("wiki-page-tags", wiki.has_tags, wiki.page_tags_block),
                                ("press-release", press.is_release_page, press.release_block),
                                ("newsletter-issue", newsletter.is_issue_page, newsletter.issue_block)):
        if wanted(ref) and f"4p1000 {name}" not in source:
            try:
                html = str(block(BlockCall(ref, {}, "line 1", renderer, config.extra))) + "\n" + html
            except ContentError as error:
                raise PluginError(str(error)) from None
    if newsletter.is_issue_page(ref):
        issue = newsletter.issue_at(_checked(config, newsletter.issues), ref.path)
        if issue is not None:
            _build().emails.append((issue, page.url, Path(page.file.abs_dest_path).parent, html))
    return html


# Every page is rendered now: who links to whom, for the wiki's "pages that link here". The links of
# each page are kept for the process, so a `mkdocs serve --dirty` rebuild, which renders only the
# pages that changed, still knows those of the others.
def on_env(env, config, files):
    known = _links().setdefault((_project(config), config.theme["language"]), {})
    pages = {f.page.url: f.page for f in files.documentation_pages() if f.page is not None}
    for url, page in pages.items():
        if page.content is not None:
            known[url] = (wiki.page_links(page.content, url), page.title)
    for url in set(known) - set(pages):
        del known[url]  # a page that is gone
    graph = wiki.backlinks({url: links for url, (links, _title) in known.items()})
    _build().backlinks = {url: [(source, known[source][1]) for source in sources] for url, sources in graph.items()}
    return env


# Feed links in the head of every page; backlinks at the end of every wiki page.
def on_page_context(context, page, config, nav):
    site_url, prefix, lang = _site_url(config, []), _prefix(config), config.theme["language"]
    labels = site.load(_project(config))[1].labels(lang)
    context["fpm_feeds"] = [
        {"type": f"application/{kind}+xml", "title": f"{labels['newsletter']} ({labels[f'newsletter_{kind}']})",
         "href": site_url + prefix + newsletter.feed_name(kind)} for kind in ("rss", "atom")] if site_url else []
    path = sources.page_ref(page, config).path
    if path.startswith(f"{PARTNER_PAGES}/") and page.file.generated_by and config.edit_uri:
        # "Edit this page" of a generated partner page opens the data it comes from.
        page.edit_url = urljoin(urljoin(config.repo_url or "", config.edit_uri), "../data/partners.yml")
    if wiki.is_wiki(path) and page.url in _build().backlinks:
        template = site.load(_project(config))[1].template("publications.html")
        page.content += wiki.backlinks_html(template, _build().backlinks[page.url], page.url, labels)
    context["fpm_social"] = _social(page, config, nav, path, site_url, prefix)
    return context


def _social(page, config, nav, path: str, site_url: str | None, prefix: str) -> dict:
    """The page's Open Graph metadata, and its card to draw in on_post_build."""
    project, lang = _project(config), config.theme["language"]
    if _build().sections is None:
        _build().sections = _sections(nav, config)
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    section = page.parent.title if page.parent is not None else next(
        (_build().sections[f] for f in _parents(folder) if f in _build().sections), config.site_description or "")
    meta, published = page.meta or {}, None
    title = meta.get("title") or page.title or config.site_name  # the page's own, not the nav's short one
    title = title.unescape() if isinstance(title, Markup) else str(title)  # text: autoescaped, drawn on the card
    description = meta.get("description") or meta.get("summary")
    issue = newsletter.issue_at(_checked(config, newsletter.issues), path) if newsletter.is_issue_page(
        sources.page_ref(page, config)) else None
    release = next((r for r in _checked(config, press.releases) if r.path == path), None)
    if issue or release:
        published = (issue or release).date.isoformat()
    if not description:
        _build().undescribed.append(path)
    name = social.card_name(path)
    direction = project.langs.get(lang).direction
    _build().cards.append((social.Card(title, section, config.site_name, direction), prefix + name))
    return social.metadata(title=title, description=description or config.site_description or "",
                           url=page.canonical_url if site_url else None,
                           image=site_url + prefix + name if site_url and _cards_wanted() else None,
                           site_name=config.site_name, locale=project.langs.locale(lang),
                           other_locales=tuple(project.langs.locale(o) for o in project.langs.others(lang)),
                           published=published)


def _parents(folder: str) -> list[str]:
    """wiki/partners, wiki, "": a folder and those above it."""
    parts = folder.split("/") if folder else []
    return ["/".join(parts[:n]) for n in range(len(parts), -1, -1)]


def _sections(nav, config) -> dict[str, str]:
    """Folder -> the title of the section its pages are in, in the language being built, for the pages
    outside the navigation (newsletter issues, press releases, partner pages)."""
    found: dict[str, str] = {}
    for page in nav.pages:
        if page.parent is not None:
            path = sources.page_ref(page, config).path
            found.setdefault(path.rsplit("/", 1)[0] if "/" in path else "", page.parent.title)
    return found


def _cards_wanted() -> bool:
    return os.environ.get("FPM_SOCIAL") != "0"  # FPM_SOCIAL=0: no card (measuring builds without them)


# The language's social cards, feeds and e-mail editions.
def on_post_build(config):
    issues, lang, prefix = _checked(config, newsletter.issues), config.theme["language"], _prefix(config)
    project, site_url, out = _project(config), _site_url(config, issues), Path(config.site_dir)
    logo = Path(config.docs_dir) / config.theme["logo"] if config.theme.get("logo") else None
    try:
        layout = social.load_layout(project.root, logo)  # a few milliseconds: read again at every build
    except ContentError as error:
        raise PluginError(str(error)) from None
    _write_cards(lang, project, out, layout)
    if site_url is None:
        return  # no issue, and no absolute URL to write feeds with
    renderer = site.load(project)[1]
    labels = renderer.labels(lang)
    home, rss_url = site_url + prefix + f"{newsletter.FOLDER}/", site_url + prefix + newsletter.feed_name("rss")
    link = lambda issue: site_url + prefix + issue.path[:-3] + "/"  # noqa: E731
    for kind, write in (("rss", feeds.rss), ("atom", feeds.atom)):
        channel = feeds.Channel(lang, labels["newsletter"], labels["newsletter_feed_description"], home,
                                site_url + prefix + newsletter.feed_name(kind), build_date(project.root))
        target = out / prefix / newsletter.feed_name(kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(write(issues, channel, link))
    if _build().emails:
        try:
            _write_emails(config, renderer, layout, out, site_url, home, rss_url)
        except ContentError as error:
            raise PluginError(str(error)) from None


def _write_emails(config, renderer, layout, out: Path, site_url: str, home: str, rss_url: str) -> None:
    lang, prefix, fonts = config.theme["language"], _prefix(config), list(layout.fonts.values())
    labels, template = renderer.labels(lang), renderer.template("newsletter-email.html")
    unsubscribe = newsletter_email.unsubscribe_placeholder(config.extra, lang)
    if unsubscribe is None:
        log.info(f"The e-mail editions ({lang}) have no unsubscribe link: mkdocs.yml, field "
                 f"'extra.newsletter.unsubscribe' is not set ({newsletter_email.UNSUBSCRIBE_HINT})")
    logo = _email_logo(layout, config, out, site_url)
    for issue, url, folder, html in _build().emails:
        content = newsletter_email.content_for_email(html, site_url + url)
        content = newsletter_email.replace_images(content, _email_images(content, out, site_url, fonts))
        links = {"web": site_url + url, "archive": home, "rss": rss_url, "home": site_url + prefix,
                 "unsubscribe": unsubscribe}
        view = {"number": issue.number, "title": issue.title(lang), "summary": issue.summary(lang),
                "date": _project(config).langs.date(issue.date, lang)}
        document = newsletter_email.render(template, issue=view, links=links, labels=labels, lang=lang,
                                           site_name=config.site_name, content=content, logo=logo)
        newsletter_email.audit(document, f"docs/{lang}/{issue.path}", (unsubscribe,) if unsubscribe else ())
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "email.html").write_text(document, encoding="utf-8")
        (folder / "email.txt").write_text(newsletter_email.to_text(document, labels["objectives"]), encoding="utf-8")


EMAIL_IMAGES = "assets/images/email"  # PNG versions of the SVG images of the e-mail editions, at the site's root


def _email_logo(layout, config, out: Path, site_url: str) -> dict | None:
    """The site's logo for the e-mail header: drawn from the SVG as a PNG at twice its displayed size."""
    if not config.theme.get("logo"):
        return None
    width = newsletter_email.LOGO_WIDTH
    if not layout.logo:  # already a bitmap
        return {"url": site_url + config.theme["logo"], "width": width, "height": width}
    # Kept on disk: the layout's digest covers the logo and the fonts.
    png, width, height = cache.current().memo(
        "email-logo", (layout.digest, width),
        lambda: newsletter_email.svg_as_png(layout.logo, list(layout.fonts.values()), width))
    target = out / EMAIL_IMAGES / "logo.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(png)
    return {"url": f"{site_url}{EMAIL_IMAGES}/logo.png", "width": width, "height": height}


def _email_images(content: str, out: Path, site_url: str, fonts: list) -> dict:
    """src -> (PNG url, displayed width, height) for the SVG images of the site in an issue."""
    found = {}
    for src in newsletter_email.image_sources(content):
        path = out / src[len(site_url):] if src.startswith(site_url) else None
        if path is None or path.suffix.lower() != ".svg" or not path.is_file():
            continue
        svg = path.read_bytes()
        png, width, height = newsletter_email.svg_as_png(svg, fonts)
        name = f"{path.stem}-{hashlib.sha256(svg).hexdigest()[:8]}.png"
        (out / EMAIL_IMAGES).mkdir(parents=True, exist_ok=True)
        (out / EMAIL_IMAGES / name).write_bytes(png)
        found[src] = (f"{site_url}{EMAIL_IMAGES}/{name}", width, height)
    return found


def _write_cards(lang: str, project: sources.Project, out: Path, layout) -> None:
    if _build().undescribed:
        log.info(f"Open Graph: {len(_build().undescribed)} pages of '{lang}' have no description in their front "
                 f"matter and show the site's: {listed(sorted(_build().undescribed))}")
    if not _cards_wanted() or not _build().cards:
        return
    try:
        outcome = social.make_cards([(card, out / rel) for card, rel in _build().cards], layout,
                                    social.cache_dir(project.root))
    except ContentError as error:
        raise PluginError(str(error)) from None
    social.last_outcome = outcome
    log.info(f"Social cards ({lang}): {outcome.cards} pages, {outcome.rendered} drawn, {outcome.cached} from the "
             f"cache, in {outcome.seconds:.1f} s")
