"""The newsletter: issues and their errors, the feeds, the e-mail edition and its text, the scaffold;
then what a built site gives readers in the three languages."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import ROOT, write_tree
from fourpm import feeds, newsletter, newsletter_email
from fourpm.errors import ContentError
from test_publications import LANGS, SITE_URL, article, build_error, issue_text, read
from test_publications import pub_built, pub_site  # noqa: F401 - shared fixtures
from tools.newsletter import draft_texts, scaffold

ATOM = "{http://www.w3.org/2005/Atom}"
DAYS = {"fr": "12 novembre 2022", "en": "12 November 2022", "es": "12 de noviembre de 2022"}
WORDS_OF = {"fr": "Numéro", "en": "Issue", "es": "Número"}


def load(site):
    return newsletter.load_issues(site / "docs", tuple(LANGS))


# -- issues ------------------------------------------------------------------------------------------
def test_issues_carry_number_and_date_from_the_french_page_and_text_in_each_language(pub_site):
    issues = load(pub_site)
    assert [(i.number, i.date.isoformat(), i.path) for i in issues] == [
        (1, "2022-11-11", "newsletter/issue-1.md"), (2, "2022-11-12", "newsletter/issue-2.md")]
    assert [issues[1].title(lang) for lang in LANGS] == ["Numéro 2", "Issue 2", "Número 2"]
    assert [i.number for i in newsletter.newest_first(issues)] == [2, 1]


def test_a_missing_translation_falls_back_to_the_french_text(pub_site):
    write_tree(pub_site, {"docs/es/newsletter/issue-2.md": None})
    assert load(pub_site)[1].title("es") == "Numéro 2"


FR2 = "docs/fr/newsletter/issue-2.md"


@pytest.mark.parametrize("changes, message", [
    ({FR2: "---\nnumber: 2\ndate: 2022-11-12\ntitle: T\n---\n"}, f"{FR2}, field 'summary': is missing"),
    ({FR2: "---\nnumber: 2\ntitle: T\nsummary: S\n---\n"}, f"{FR2}, field 'date': is missing"),
    ({FR2: "---\ndate: 2022-11-12\ntitle: T\nsummary: S\n---\n"}, f"{FR2}, field 'number': is missing"),
    ({FR2: "---\nnumber: 2\ndate: 2022-11-12\nsummary: S\n---\n"}, f"{FR2}, field 'title': is missing"),
    ({FR2: "---\nnumber: 2\ndate: 2022-11-31\ntitle: T\nsummary: S\n---\n"},
     f"{FR2}, field 'date': \"2022-11-31\" is not a date (write YYYY-MM-DD, e.g. 2022-11-16)"),
    ({FR2: "---\nnumber: 2\ndate: 12/11/2022\ntitle: T\nsummary: S\n---\n"},
     f"{FR2}, field 'date': \"12/11/2022\" is not a date"),
    ({FR2: "---\nnumber: 1\ndate: 2022-11-12\ntitle: T\nsummary: S\n---\n"},
     f"{FR2}, field 'number': 1 is already the number of docs/fr/newsletter/issue-1.md"),
    ({FR2: "---\nnumber: 3\ndate: 2022-11-12\ntitle: T\nsummary: S\n---\n"},
     f"{FR2}, field 'number': 3 does not match the file name (rename the file to issue-3.md or fix the number)"),
    ({FR2: "---\nnumber: two\ndate: 2022-11-12\ntitle: T\nsummary: S\n---\n"}, f"{FR2}, field 'number': expected"),
    ({FR2: "---\nnumber: 2\ndate: 2022-11-12\ntitle: T\nsummary: S\npdf: newsletter-3\n---\n"},
     f"{FR2}, field 'pdf': \"newsletter-3\" is not the PDF of issue 2"),
    ({"docs/en/newsletter/issue-2.md": "---\nnumber: 3\ntitle: T\nsummary: S\n---\n"},
     "docs/en/newsletter/issue-2.md, field 'number': 3 contradicts the French page"),
    ({"docs/es/newsletter/issue-2.md": "---\ndate: 2022-11-13\ntitle: T\nsummary: S\n---\n"},
     "docs/es/newsletter/issue-2.md, field 'date': \"2022-11-13\" contradicts the French page"),
    ({"docs/es/newsletter/issue-2.md": "---\ntitle: T\n---\n"}, "docs/es/newsletter/issue-2.md, field 'summary': is missing"),
    ({"docs/en/newsletter/issue-9.md": "---\ntitle: T\nsummary: S\n---\n"},
     "docs/en/newsletter/issue-9.md: has no French source page"),
])
def test_bad_issue_gets_a_clear_error_naming_file_and_field(pub_site, changes, message):
    write_tree(pub_site, changes)
    with pytest.raises(ContentError) as error:
        load(pub_site)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize("changes, message", [
    ({FR2: "---\nnumber: 2\ndate: 2022-11-31\ntitle: T\nsummary: S\n---\n"},
     "docs/fr/newsletter/issue-2.md, field 'date': \"2022-11-31\" is not a date"),
    ({FR2: issue_text("fr", 1, "2022-11-12").replace("number: 1", "number: 1")},
     "docs/fr/newsletter/issue-2.md, field 'number': 1 is already the number of docs/fr/newsletter/issue-1.md"),
])
def test_bad_issue_stops_the_build_with_one_line(pub_site, changes, message):
    write_tree(pub_site, changes)
    assert message in build_error(pub_site)


# -- feeds -------------------------------------------------------------------------------------------
def channel(lang):
    return feeds.Channel(lang, "Title & co", "Description", f"{SITE_URL}{LANGS[lang]}newsletter/",
                         f"{SITE_URL}{LANGS[lang]}newsletter/feed.xml", dt.date(2024, 1, 1))


def link(lang):
    return lambda issue: f"{SITE_URL}{LANGS[lang]}{issue.path[:-3]}/"


@pytest.mark.parametrize("lang", LANGS)
def test_rss_has_one_item_per_issue_newest_first_in_the_language(pub_site, lang):
    root = ET.fromstring(feeds.rss(load(pub_site), channel(lang), link(lang)))
    assert root.tag == "rss" and root.get("version") == "2.0"
    assert root.findtext("channel/language") == lang and root.findtext("channel/title") == "Title & co"
    items = root.findall("channel/item")
    assert [i.findtext("title") for i in items] == [f"{WORDS_OF[lang]} 2", f"{WORDS_OF[lang]} 1"]
    assert items[0].findtext("link") == f"{SITE_URL}{LANGS[lang]}newsletter/issue-2/"
    assert items[0].findtext("description") == f"Résumé 2 ({lang}) & <plus>"
    assert items[0].findtext("pubDate") == "Sat, 12 Nov 2022 00:00:00 +0000"
    assert root.findtext("channel/lastBuildDate") == "Sat, 12 Nov 2022 00:00:00 +0000"


@pytest.mark.parametrize("lang", LANGS)
def test_atom_has_one_entry_per_issue_in_the_language(pub_site, lang):
    root = ET.fromstring(feeds.atom(load(pub_site), channel(lang), link(lang)))
    assert root.tag == f"{ATOM}feed" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 2 and root.findtext(f"{ATOM}updated") == "2022-11-12T00:00:00Z"
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"{SITE_URL}{LANGS[lang]}newsletter/issue-2/", f"{SITE_URL}{LANGS[lang]}newsletter/issue-1/"]
    assert entries[1].findtext(f"{ATOM}published") == "2022-11-11T00:00:00Z"


def test_feeds_without_issues_are_valid_and_empty():
    assert ET.fromstring(feeds.rss([], channel("fr"), link("fr"))).findall("channel/item") == []
    root = ET.fromstring(feeds.atom([], channel("fr"), link("fr")))
    assert root.findall(f"{ATOM}entry") == [] and root.findtext(f"{ATOM}updated") == "2024-01-01T00:00:00Z"


# -- e-mail edition ----------------------------------------------------------------------------------
class Tags(HTMLParser):
    def __init__(self, document):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(document)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def render_email(content, logo=f"{SITE_URL}assets/logo.svg"):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "overrides" / "fpm")), autoescape=True)
    template = env.get_template("newsletter-email.html").module
    links = {"web": f"{SITE_URL}newsletter/issue-1/", "archive": f"{SITE_URL}newsletter/", "home": SITE_URL,
             "rss": f"{SITE_URL}newsletter/rss.xml", "logo": logo}
    labels = {key: key for key in ("newsletter", "newsletter_issue", "newsletter_view_online", "newsletter_all_issues",
                                   "newsletter_rss", "newsletter_website")}
    issue = {"number": 1, "title": "Titre <1>", "summary": "Résumé", "date": "16 novembre 2022"}
    return newsletter_email.render(template, issue=issue, content=content, links=links, labels=labels, lang="fr",
                                   site_name="Site")


PAGE = ('<div class="fpm-block fpm-newsletter-issue">\n<p><a href="email.html">e-mail</a></p>\n</div>\n'
        '<h2 id="news">News<a class="headerlink" href="#news" title="Permanent link">&para;</a></h2>\n'
        '<p>See <a href="../../wiki/soil/">the sheet</a>, <a href="#news">here</a> and '
        '<a href="https://example.net/x">a site</a>.</p>\n<p><img alt="Logo" src="../../assets/logo.svg" /></p>\n'
        '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>')


def test_email_content_has_absolute_links_and_no_web_only_parts():
    content = newsletter_email.content_for_email(PAGE, f"{SITE_URL}newsletter/issue-1/")
    assert "headerlink" not in content and "email.html" not in content
    assert 'href="https://example.org/wiki/soil/"' in content and 'src="https://example.org/assets/logo.svg"' in content
    assert 'href="https://example.org/newsletter/issue-1/#news"' in content and 'href="https://example.net/x"' in content


def test_email_has_all_css_inlined_a_600px_table_and_alt_on_every_image():
    document = render_email(newsletter_email.content_for_email(PAGE, f"{SITE_URL}newsletter/issue-1/"))
    tags = Tags(document).tags
    assert not [t for t, _ in tags if t in ("style", "link")]
    assert "<style" not in document and "<link" not in document
    images = [a for t, a in tags if t == "img"]
    assert len(images) == 2 and all(a.get("alt") for a in images)
    assert any(t == "table" and a.get("width") == "600" and "width: 600px" in a.get("style", "") for t, a in tags)
    for tag, attrs in tags:  # every element the stylesheet styles carries its style inline
        if tag in ("body", "table", "td", "th", "h1", "h2", "h3", "p", "a", "ul", "ol", "li", "img"):
            assert attrs.get("style"), (tag, attrs)
    assert "Titre &lt;1&gt;" in document
    newsletter_email.audit(document, "issue.md")


@pytest.mark.parametrize("content, message", [
    ('<p><img src="https://example.org/a.png"></p>', 'issue.md: the image "https://example.org/a.png" has no alt text'),
    ('<p><img alt=" " src="https://example.org/a.png"></p>', 'issue.md: the image "https://example.org/a.png" has no alt text'),
    ('<p><a href="page/">x</a></p>', 'issue.md: the link "page/" cannot be made absolute'),
])
def test_email_audit_names_what_a_mailing_tool_would_get_wrong(content, message):
    with pytest.raises(ContentError) as error:
        newsletter_email.audit(render_email(content), "issue.md")
    assert str(error.value).startswith(message)


def test_email_without_a_logo_has_no_image():
    assert "<img" not in render_email("<p>x</p>", logo=None)


def test_plain_text_version():
    text = newsletter_email.to_text(render_email(newsletter_email.content_for_email(PAGE, f"{SITE_URL}newsletter/issue-1/")))
    assert "Titre <1>\n=========" in text and "News\n====" in text
    assert "the sheet\xa0<https://example.org/wiki/soil/>" in text and "site\xa0<https://example.net/x>." in text
    assert "- one\n- two" in text and "a | b\n1 | 2" in text and "[Logo]" in text
    assert not re.search(r"<(?!https?://)[a-z/]", text)  # no HTML tag, only <url>s
    assert max(len(line) for line in text.splitlines()) <= 76 + 40  # wrapped (a long URL may overflow)


def test_plain_text_keeps_french_punctuation_with_its_word():
    text = newsletter_email.to_text("<p>" + "mot " * 17 + "fin ; « citation » et : suite</p>")
    assert "\xa0;" in text and "«\xa0citation\xa0»" in text and not re.search(r"^[;:»]", text, re.M)


# -- scaffold ----------------------------------------------------------------------------------------
def test_scaffold_writes_the_next_issue_in_three_languages_that_load(pub_site):
    written = scaffold(pub_site / "docs", tuple(LANGS), dt.date(2023, 1, 5))
    assert [p.relative_to(pub_site).as_posix() for p in written] == [
        f"docs/{lang}/newsletter/issue-3.md" for lang in LANGS]
    french = written[0].read_text(encoding="utf-8")
    assert "number: 3\ndate: 2023-01-05\n" in french and "pdf: newsletter-3" in french
    assert "number:" not in written[1].read_text(encoding="utf-8")
    assert draft_texts(pub_site, tuple(LANGS))["news"]["fr"] == "Actualités"
    for path, lang in zip(written, LANGS):
        body = path.read_text(encoding="utf-8")
        assert [h for h in re.findall(r"^## (.+)$", body, re.M)] == [draft_texts(pub_site, tuple(LANGS))[k][lang]
                                                                 for k in newsletter.SECTIONS]
    issue = load(pub_site)[-1]
    assert issue.number == 3 and issue.title("es") == "Boletín n.º 3" and issue.title("en") == "Newsletter no. 3"


def test_scaffold_refuses_bad_existing_issues_and_writes_nothing(pub_site):
    write_tree(pub_site, {FR2: "---\nnumber: 2\ndate: 2022-11-12\ntitle: T\n---\n"})
    with pytest.raises(ContentError):
        scaffold(pub_site / "docs", tuple(LANGS), dt.date(2023, 1, 5))
    assert not list((pub_site / "docs").rglob("issue-3.md"))


# -- built site --------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_built_feeds_parse_with_one_item_per_issue_linking_pages_of_their_language(pub_built, kind):
    for lang, prefix in LANGS.items():
        root = ET.fromstring((pub_built / f"{prefix}newsletter/{kind}.xml").read_bytes())
        if kind == "rss":
            assert root.findtext("channel/language") == lang
            links = [i.findtext("link") for i in root.findall("channel/item")]
        else:
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
            links = [e.find(f"{ATOM}link").get("href") for e in root.findall(f"{ATOM}entry")]
        assert links == [f"{SITE_URL}{prefix}newsletter/issue-2/", f"{SITE_URL}{prefix}newsletter/issue-1/"]
        for url in links:
            assert f'<html lang="{lang}"' in read(pub_built, url[len(SITE_URL):] + "index.html")


def test_every_page_links_the_feeds_of_its_language_in_its_head(pub_built):
    for lang, prefix in LANGS.items():
        for page in ("index.html", "objectives/a1/index.html", "newsletter/issue-1/index.html"):
            head = read(pub_built, prefix + page).split("</head>")[0]
            for kind in ("rss", "atom"):
                assert re.search(rf'<link rel="alternate" type="application/{kind}\+xml" title="[^"]+" '
                                 rf'href="{SITE_URL}{prefix}newsletter/{kind}.xml">', head), (lang, page, kind)


def test_archive_lists_issues_newest_first_with_dates_of_the_language(pub_built):
    for lang, prefix in LANGS.items():
        archive = article(read(pub_built, f"{prefix}newsletter/index.html"))
        assert archive.index('href="issue-2/"') < archive.index('href="issue-1/"')
        assert f'<time datetime="2022-11-12">{DAYS[lang]}</time>' in archive
        assert 'href="issue-2/email.html"' in archive and 'href="rss.xml"' in archive


def test_email_editions_in_built_site(pub_built):
    for lang, prefix in LANGS.items():
        for number in (1, 2):
            folder = pub_built / f"{prefix}newsletter/issue-{number}"
            page = article(read(pub_built, f"{prefix}newsletter/issue-{number}/index.html"))
            assert 'href="email.html"' in page and 'href="email.txt"' in page
            document = (folder / "email.html").read_text(encoding="utf-8")
            tags = Tags(document).tags
            assert "<style" not in document and "<link" not in document
            assert all(a.get("alt") for t, a in tags if t == "img") and [t for t, _ in tags].count("img") == 2
            assert all(a.get("style") for t, a in tags if t in ("body", "table", "td", "th", "h1", "h2", "p", "a", "ul", "li", "img"))
            urls = [a[k] for _t, a in tags for k in ("href", "src") if k in a]
            assert urls and all(u.startswith(("https://", "http://")) for u in urls)
            assert f'href="{SITE_URL}{prefix}wiki/soil/"' in document and f'<html lang="{lang}"' in document
            if number == 2:
                assert DAYS[lang] in document
            text = (folder / "email.txt").read_text(encoding="utf-8")
            assert f"{WORDS_OF[lang]} {number}\n" in text and f"\xa0<{SITE_URL}{prefix}wiki/soil/>" in text

