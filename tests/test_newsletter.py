"""The newsletter: issues and their errors, the feeds, the e-mail edition and its text, the scaffold;
then what a built site gives readers in the three languages."""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from conftest import ROOT, write_tree
from fourpm.publications import feeds, newsletter, newsletter_email
from fourpm.core.errors import ContentError
from test_publications import LANGS, SITE_URL, article, build_error, build_error_in_process, issue_text, read
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


BAD_ISSUES = [
    ({FR2: "---\nnumber: 2\ndate: 2022-11-31\ntitle: T\nsummary: S\n---\n"},
     "docs/fr/newsletter/issue-2.md, field 'date': \"2022-11-31\" is not a date"),
    ({FR2: issue_text("fr", 1, "2022-11-12").replace("number: 1", "number: 1")},
     "docs/fr/newsletter/issue-2.md, field 'number': 1 is already the number of docs/fr/newsletter/issue-1.md"),
]


@pytest.mark.parametrize("changes, message", BAD_ISSUES[:1])
def test_bad_issue_stops_the_build_with_one_line(pub_site, changes, message):
    write_tree(pub_site, changes)
    assert message in build_error(pub_site)  # the command line, once


@pytest.mark.parametrize("changes, message", BAD_ISSUES[1:])
def test_bad_issue_stops_the_build_in_process_with_one_error(pub_site, changes, message, caplog):
    write_tree(pub_site, changes)
    assert message in build_error_in_process(pub_site, caplog)


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


UNSUB = "*|UNSUB|*"
LOGO = {"url": f"{SITE_URL}assets/images/email/logo.png", "width": 64, "height": 64}


def render_email(content, logo=LOGO, summary="Résumé"):
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT / "overrides" / "fpm")), autoescape=True)
    template = env.get_template("newsletter-email.html").module
    links = {"web": f"{SITE_URL}newsletter/issue-1/", "archive": f"{SITE_URL}newsletter/", "home": SITE_URL,
             "rss": f"{SITE_URL}newsletter/rss.xml", "unsubscribe": UNSUB}
    labels = {key: key for key in ("newsletter", "newsletter_issue", "newsletter_view_online", "newsletter_all_issues",
                                   "newsletter_rss", "newsletter_website", "newsletter_unsubscribe",
                                   "newsletter_unsubscribe_why")}
    issue = {"number": 1, "title": "Titre <1>", "summary": summary, "date": "16 novembre 2022"}
    return newsletter_email.render(template, issue=issue, content=content, links=links, labels=labels, lang="fr",
                                   site_name="Site", logo=logo)


PAGE = ('<div class="fpm-block fpm-newsletter-issue">\n<p><a href="email.html">e-mail</a></p>\n</div>\n'
        '<h2 id="news">News<a class="headerlink" href="#news" title="Permanent link">&para;</a></h2>\n'
        '<p>See <a href="../../wiki/soil/">the sheet</a>, <a href="#news">here</a> and '
        '<a href="https://example.net/x">a site</a>.</p>\n<p><img alt="Logo" src="../../assets/photo.png" /></p>\n'
        '<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>')
GLOSSARY = ('<p>La <abbr class="fpm-term" title="Le programme annuel">Feuille de route</abbr> &amp; '
            '[<a class="fpm-code" href="../../objectives/a1/" title="NDC">A1</a>] '
            '<a href="../../pdf/x.pdf" download hreflang="fr" data-md-x="1">PDF</a>'
            '<button onclick="go()">Copy</button><script>alert(1)</script><svg><title>x</title></svg></p>')


def test_email_content_has_absolute_links_and_no_web_only_parts():
    content = newsletter_email.content_for_email(PAGE, f"{SITE_URL}newsletter/issue-1/")
    assert "headerlink" not in content and "email.html" not in content
    assert 'href="https://example.org/wiki/soil/"' in content and 'src="https://example.org/assets/photo.png"' in content
    assert 'href="https://example.org/newsletter/issue-1/#news"' in content and 'href="https://example.net/x"' in content


def test_email_content_loses_glossary_tooltips_and_site_only_markup_but_keeps_the_words():
    content = newsletter_email.content_for_email(GLOSSARY, f"{SITE_URL}newsletter/issue-1/")
    tags = Tags(content).tags
    assert [t for t, _ in tags] == ["p", "a", "a"]  # no abbr, button, script, svg
    assert not any("title" in a or "download" in a or "data-md-x" in a or "onclick" in a for _t, a in tags)
    assert tags[1][1] == {"class": "fpm-code", "href": f"{SITE_URL}objectives/a1/"}
    assert tags[2][1]["hreflang"] == "fr"
    assert "La Feuille de route &amp; [" in content and "Copy" not in content and "alert" not in content
    document = render_email(content)
    newsletter_email.audit(document, "issue.md", (UNSUB,))
    assert "<abbr" not in document and "title=" not in document.split("<body")[1]


def test_email_has_all_css_inlined_a_fluid_600px_table_and_alt_on_every_image():
    document = render_email(newsletter_email.content_for_email(PAGE, f"{SITE_URL}newsletter/issue-1/"))
    tags = Tags(document).tags
    assert not [t for t, _ in tags if t in ("style", "link")]
    assert "<style" not in document and "<link" not in document
    images = [a for t, a in tags if t == "img"]
    assert len(images) == 2 and all(a.get("alt") for a in images)
    assert images[0]["src"] == LOGO["url"] and (images[0]["width"], images[0]["height"]) == ("64", "64")
    # 600 px wide where there is room (the width attribute, for Outlook), narrower on a phone
    assert any(t == "table" and a.get("width") == "600" and "max-width: 600px" in a.get("style", "")
               and "width: 100%" in a.get("style", "") for t, a in tags)
    for tag, attrs in tags:  # every element the stylesheet styles carries its style inline
        if tag in ("body", "table", "td", "th", "h1", "h2", "h3", "p", "a", "ul", "ol", "li", "img"):
            assert attrs.get("style"), (tag, attrs)
    assert "Titre &lt;1&gt;" in document
    newsletter_email.audit(document, "issue.md", (UNSUB,))


def test_email_has_a_hidden_preheader_from_the_summary_first_in_its_body():
    document = render_email("<p>Body text.</p>", summary="Le résumé <du> numéro")
    body = document.split("<body", 1)[1]
    first = Tags("<body" + body).tags[1]
    assert first[0] == "div" and "display: none" in first[1]["style"] and "mso-hide: all" in first[1]["style"]
    preheader = body[body.index(">", body.index("<div")) + 1:body.index("</div>")]
    assert preheader.startswith("Le résumé &lt;du&gt; numéro")
    text = newsletter_email.to_text(document)
    assert text.count("Le résumé <du> numéro") == 1  # the visible summary, not the hidden preheader


def test_email_declares_its_colour_schemes_and_says_how_to_unsubscribe():
    document = render_email("<p>x</p>")
    metas = {a.get("name"): a.get("content") for t, a in Tags(document).tags if t == "meta"}
    assert metas["color-scheme"] == "light dark" and metas["supported-color-schemes"] == "light dark"
    assert [a for t, a in Tags(document).tags if t == "a" and a.get("href") == UNSUB]
    assert f"newsletter_unsubscribe\xa0<{UNSUB}>" in newsletter_email.to_text(document)


# -- dark mode: every text has a colour and a background of its own, readable as is and inverted ------
def _rgb(value: str) -> tuple[int, int, int]:
    value = value.strip().lstrip("#")
    value = "".join(c * 2 for c in value) if len(value) == 3 else value
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(channel, rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


class Colours(HTMLParser):
    """(text, colour, background) of every visible text, from inline styles and bgcolor attributes."""
    VOID = {"br", "img", "meta", "hr", "input", "link"}

    def __init__(self, document):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, str | None, bool]] = [("root", None, None, False)]
        self.texts: list[tuple[str, str | None, str | None]] = []
        self.feed(document)

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        style = dict(part.split(":", 1) for part in (a.get("style") or "").split(";") if ":" in part)
        style = {k.strip(): v.strip() for k, v in style.items()}
        _t, colour, background, hidden = self.stack[-1]
        self.stack.append((tag, style.get("color", colour), style.get("background-color", a.get("bgcolor", background)),
                           hidden or style.get("display") == "none" or tag in ("head", "title")))

    def handle_endtag(self, tag):
        if tag not in self.VOID and len(self.stack) > 1:
            self.stack.pop()

    def handle_data(self, data):
        _t, colour, background, hidden = self.stack[-1]
        if data.strip() and not hidden:
            self.texts.append((data.strip(), colour, background))


def assert_readable_in_both_schemes(document):
    texts = Colours(document).texts
    assert len(texts) > 5
    for text, colour, background in texts:
        assert colour and background, f"{text!r} has no colour or background of its own"
        fg, bg = _rgb(colour), _rgb(background)
        inverted = tuple(255 - c for c in fg), tuple(255 - c for c in bg)
        assert contrast(fg, bg) >= 4.5, (text, colour, background)
        assert contrast(*inverted) >= 4.5, (text, "inverted", colour, background)


def test_email_text_is_readable_as_is_and_when_a_client_inverts_its_colours():
    content = newsletter_email.content_for_email(PAGE + GLOSSARY, f"{SITE_URL}newsletter/issue-1/")
    assert_readable_in_both_schemes(render_email(content))


def test_the_contrast_check_catches_an_unreadable_pair():
    with pytest.raises(AssertionError):
        assert_readable_in_both_schemes(render_email('<p style="color: #dddddd">pale</p>' * 6))
    with pytest.raises(AssertionError, match="no colour or background"):
        assert_readable_in_both_schemes("<html><body>" + "<p>no colours</p>" * 6 + "</body></html>")


# -- audit -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("content, message", [
    ('<p><img src="https://example.org/a.png"></p>', 'issue.md: the image "https://example.org/a.png" has no alt text'),
    ('<p><img alt=" " src="https://example.org/a.png"></p>', 'issue.md: the image "https://example.org/a.png" has no alt text'),
    ('<p><img alt="Logo" src="https://example.org/logo.svg"></p>',
     'issue.md: the image "https://example.org/logo.svg" is not a PNG, JPEG or GIF file, which Gmail and Outlook would not show'),
    ('<p><a href="page/">x</a></p>', 'issue.md: the link "page/" cannot be made absolute'),
    ('<p><a href="{{ unsubscribe }}">x</a></p>', 'issue.md: the link "{{ unsubscribe }}" cannot be made absolute'),
    ('<p><abbr title="t">x</abbr></p>', "issue.md: the e-mail edition still has <abbr>, which mail clients do not show"),
    ("<p>" + "Un texte long. " * 8000 + "</p>", "issue.md: the e-mail edition is 1"),
])
def test_email_audit_names_what_a_mailing_tool_would_get_wrong(content, message):
    with pytest.raises(ContentError) as error:
        newsletter_email.audit(render_email(content), "issue.md", (UNSUB,))
    assert str(error.value).startswith(message)


def test_email_audit_says_why_102_kb():
    with pytest.raises(ContentError, match="Gmail clips messages over 102 KB"):
        newsletter_email.audit(render_email("<p>" + "x" * (102 * 1024) + "</p>"), "issue.md", (UNSUB,))
    newsletter_email.audit(render_email("<p>" + "x" * (90 * 1024) + "</p>"), "issue.md", (UNSUB,))


@pytest.mark.parametrize("extra, lang, expected", [
    ({"newsletter": {"unsubscribe": "*|UNSUB|*"}}, "fr", "*|UNSUB|*"),
    ({"newsletter": {"unsubscribe": {"fr": "[[UNSUB_LINK_FR]]", "en": "[[UNSUB_LINK_EN]]"}}}, "en", "[[UNSUB_LINK_EN]]"),
])
def test_unsubscribe_placeholder_is_the_mailing_tools_merge_tag(extra, lang, expected):
    assert newsletter_email.unsubscribe_placeholder(extra, lang) == expected


@pytest.mark.parametrize("extra, lang, message", [
    ({"newsletter": {"unsubscribe": " "}}, "fr", "mkdocs.yml, field 'extra.newsletter.unsubscribe': is empty (write the"),
    ({"newsletter": {"unsubscribe": {"fr": "[[UNSUB_LINK_FR]]"}}}, "es",
     "mkdocs.yml, field 'extra.newsletter.unsubscribe': is empty for es"),
])
def test_a_bad_unsubscribe_placeholder_gets_a_clear_error(extra, lang, message):
    with pytest.raises(ContentError) as error:
        newsletter_email.unsubscribe_placeholder(extra, lang)
    assert str(error.value).startswith(message) and "Mailchimp" in str(error.value)


@pytest.fixture(scope="module")
def variant_built(tmp_path_factory):
    """The publications site with two changes that do not meet, built once: no unsubscribe placeholder
    in mkdocs.yml, and a PDF declared by issue 2 (built with FPM_PDF=1: the archive links only PDFs the
    build makes). (site, messages the build logged)."""
    from conftest import build, make_mini_site
    from test_publications import add_publications, logged

    project = add_publications(make_mini_site(tmp_path_factory.mktemp("variant")))
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  newsletter: {unsubscribe: '*|UNSUB|*'}\n", ""),
                      encoding="utf-8")
    path = project / FR2
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "pdf: newsletter-2\ntitle:", 1), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch, logged() as records:
        patch.setenv("FPM_PDF", "1")
        return build(project), [r.getMessage() for r in records]


@pytest.mark.site
def test_without_an_unsubscribe_placeholder_the_edition_has_no_such_link_and_the_build_says_so(variant_built):
    site, messages = variant_built
    assert newsletter_email.unsubscribe_placeholder({}, "fr") is None
    assert UNSUB not in (site / "newsletter/issue-1/email.html").read_text(encoding="utf-8")
    said = [m for m in messages if "have no unsubscribe link" in m]
    assert len(said) == len(LANGS) and "extra.newsletter.unsubscribe" in said[0]


def test_the_real_site_sets_an_unsubscribe_placeholder_for_every_language():
    from quality.site import load_config

    extra = load_config()["extra"]
    assert all(newsletter_email.unsubscribe_placeholder(extra, lang) for lang in LANGS)


def test_svg_images_become_pngs_twice_their_displayed_size():
    from PIL import Image
    import io

    fonts = sorted((ROOT / "overrides" / "pdf" / "fonts").glob("DejaVuSans*.ttf"))
    wide = b'<svg xmlns="http://www.w3.org/2000/svg" width="1000" height="500"><rect width="1000" height="500" fill="#2f6b30"/></svg>'
    png, width, height = newsletter_email.svg_as_png(wide, fonts)
    assert (width, height) == (536, 268) and Image.open(io.BytesIO(png)).size == (1072, 536)
    logo = (ROOT / "docs" / "assets" / "logo.svg").read_bytes()
    png, width, height = newsletter_email.svg_as_png(logo, fonts, newsletter_email.LOGO_WIDTH)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (128, 128) and (width, height) == (64, 64)
    html = '<p><img alt="a" src="https://example.org/a.svg" width="9"> <img alt="b" src="https://example.org/b.png"></p>'
    fixed = newsletter_email.replace_images(html, {"https://example.org/a.svg": ("https://example.org/a.png", 64, 32)})
    assert Tags(fixed).tags[1][1] == {"alt": "a", "src": "https://example.org/a.png", "width": "64", "height": "32"}
    assert Tags(fixed).tags[2][1]["src"] == "https://example.org/b.png"


def test_email_without_a_logo_has_no_image():
    assert "<img" not in render_email("<p>x</p>", logo=None)


def test_plain_text_version():
    text = newsletter_email.to_text(render_email(newsletter_email.content_for_email(PAGE, f"{SITE_URL}newsletter/issue-1/")))
    assert "Titre <1>\n=========" in text and "News\n====" in text
    assert "the sheet\xa0<https://example.org/wiki/soil/>" in text and "site\xa0<https://example.net/x>." in text
    assert "- one\n- two" in text and "a | b\n1 | 2" in text and "[Logo]" in text
    assert not re.search(r"<(?!https?://|\*\|)[a-z/]", text)  # no HTML tag, only <url>s
    assert max(len(line) for line in text.splitlines()) <= 76 + 40  # wrapped (a long URL may overflow)


def test_plain_text_lists_the_objective_codes_with_their_urls_after_the_body():
    content = newsletter_email.content_for_email(GLOSSARY + GLOSSARY, f"{SITE_URL}newsletter/issue-1/")
    text = newsletter_email.to_text(render_email(content), "Objectifs")
    assert "Feuille de route & [A1]" in text  # the sentence keeps only the code
    refs = text[text.index("Objectifs\n---------"):]
    assert refs.count(f"- A1\xa0<{SITE_URL}objectives/a1/>") == 1 and refs.index("A1") < refs.index("newsletter_all_issues")


def html_links(document: str) -> set[str]:
    return {a["href"] for t, a in Tags(document).tags if t == "a" and a.get("href") and not a["href"].startswith("#")}


def test_plain_text_has_the_same_links_as_the_html():
    document = render_email(newsletter_email.content_for_email(PAGE + GLOSSARY, f"{SITE_URL}newsletter/issue-1/"))
    text = newsletter_email.to_text(document, "Objectifs")
    assert html_links(document) == set(re.findall(r"\xa0<([^<>\s]+)>", text))


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
@pytest.mark.site
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


@pytest.mark.site
def test_every_page_links_the_feeds_of_its_language_in_its_head(pub_built):
    for lang, prefix in LANGS.items():
        for page in ("index.html", "objectives/a1/index.html", "newsletter/issue-1/index.html"):
            head = read(pub_built, prefix + page).split("</head>")[0]
            for kind in ("rss", "atom"):
                assert re.search(rf'<link rel="alternate" type="application/{kind}\+xml" title="[^"]+" '
                                 rf'href="{SITE_URL}{prefix}newsletter/{kind}.xml">', head), (lang, page, kind)


@pytest.mark.site
def test_archive_lists_issues_newest_first_with_dates_of_the_language(pub_built):
    for lang, prefix in LANGS.items():
        archive = article(read(pub_built, f"{prefix}newsletter/index.html"))
        assert archive.index('href="issue-2/"') < archive.index('href="issue-1/"')
        assert f'<time datetime="2022-11-12">{DAYS[lang]}</time>' in archive
        assert 'href="issue-2/email.html"' in archive and 'href="rss.xml"' in archive


def _site_file(site, url: str):
    assert url.startswith(SITE_URL), url
    return site / url[len(SITE_URL):]


@pytest.mark.site
def test_email_editions_in_built_site(pub_built):
    from PIL import Image

    for lang, prefix in LANGS.items():
        for number in (1, 2):
            folder = pub_built / f"{prefix}newsletter/issue-{number}"
            page = article(read(pub_built, f"{prefix}newsletter/issue-{number}/index.html"))
            assert 'href="email.html"' in page and 'href="email.txt"' in page
            document = (folder / "email.html").read_text(encoding="utf-8")
            tags = Tags(document).tags
            assert "<style" not in document and "<link" not in document and "<abbr" not in document
            assert all(a.get("style") for t, a in tags if t in ("body", "table", "td", "th", "h1", "h2", "p", "a", "ul", "li", "img"))
            urls = [a[k] for _t, a in tags for k in ("href", "src") if k in a]
            assert urls and all(u.startswith(("https://", "http://")) or u == UNSUB for u in urls)
            assert [a for t, a in tags if t == "a" and a.get("href") == UNSUB]  # the mailing tool's unsubscribe link
            # images: PNG files of the built site, drawn at twice the size they are shown at
            images = [a for t, a in tags if t == "img"]
            assert len(images) == 2 and all(a.get("alt") for a in images)
            for attrs in images:
                image = Image.open(_site_file(pub_built, attrs["src"]))
                assert image.format == "PNG" and image.width == 2 * int(attrs["width"]), attrs
                assert image.height == 2 * int(attrs["height"]), attrs
            assert images[0]["width"] == "64" and images[0]["src"] == f"{SITE_URL}assets/images/email/logo.png"
            assert len(document.encode("utf-8")) < 102 * 1024
            assert f'href="{SITE_URL}{prefix}wiki/soil/"' in document and f'<html lang="{lang}"' in document
            assert f"Résumé {number} ({lang}) &amp; &lt;plus&gt;" in document.split("<table")[0]  # the preheader
            assert_readable_in_both_schemes(document)
            if number == 2:
                assert DAYS[lang] in document
            text = (folder / "email.txt").read_text(encoding="utf-8")
            assert f"{WORDS_OF[lang]} {number}\n" in text and f"\xa0<{SITE_URL}{prefix}wiki/soil/>" in text
            assert html_links(document) == set(re.findall(r"\xa0<([^<>\s]+)>", text))


@pytest.mark.site
def test_archive_links_each_issues_pdf_next_to_its_e_mail_and_text_editions(variant_built):
    site, _messages = variant_built
    for lang, prefix in LANGS.items():
        archive = article(read(site, f"{prefix}newsletter/index.html"))
        items = archive.split("<li>")[1:]
        assert f'href="../pdf/newsletter-2-{lang}.pdf"' in items[0] and 'href="issue-2/email.html"' in items[0]
        assert "pdf" not in items[1].lower().replace("newsletter", "")  # issue 1 declares no PDF: no link
        assert 'href="issue-1/email.html"' in items[1] and 'href="issue-1/email.txt"' in items[1]


def test_real_email_editions_are_clean_small_and_their_images_load_from_the_site(real_site):
    from PIL import Image

    from quality.site import languages, load_config

    site_url = load_config()["site_url"]
    for lang, prefix in languages().items():
        document = (real_site / f"{prefix}newsletter/issue-1/email.html").read_text(encoding="utf-8")
        assert "<abbr" not in document and 'class="fpm-term"' not in document and "title=" not in document.split("<body")[1]
        assert len(document.encode("utf-8")) < 102 * 1024
        assert_readable_in_both_schemes(document)
        for t, a in Tags(document).tags:
            if t == "img":
                assert a["src"].startswith(site_url) and a["src"].endswith(".png")
                assert Image.open(real_site / a["src"][len(site_url):]).format == "PNG"
        archive = (real_site / f"{prefix}newsletter/index.html").read_text(encoding="utf-8")
        assert f"pdf/newsletter-1-{lang}.pdf" in archive and (real_site / f"{prefix}pdf/newsletter-1-{lang}.pdf").is_file()


# -- in a real browser (make test-quality) ------------------------------------------------------------
@pytest.mark.quality
@pytest.mark.parametrize("width", [320, 600])
def test_email_edition_in_chromium_fits_the_width_and_loads_every_image_from_the_site(browser, served, langs, width):
    from quality.browser import tab, visit

    for lang, prefix in langs.items():
        with tab(browser, served, width=width, height=800) as (page, recorder):
            visit(page, served.url(f"{prefix}newsletter/issue-1/email.html"))
            scroll, client = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert scroll <= client, f"{lang} at {width} px: scrolls sideways ({scroll} > {client})"
            images = page.evaluate("() => [...document.images].map(i => ({src: i.currentSrc, done: i.complete, "
                                   "natural: i.naturalWidth, shown: i.width, right: i.getBoundingClientRect().right}))")
            assert images, lang
            for image in images:
                assert image["src"].startswith(served.site_url), image  # an absolute URL of the site...
                assert image["done"] and image["natural"] > 0, image  # ...that the built site answered
                assert image["natural"] >= 2 * image["shown"] - 1 and image["right"] <= client, image
            assert recorder.third_party == [] and recorder.console_errors == []
            sheet = page.evaluate("() => document.querySelector('table table').getBoundingClientRect().width")
            assert sheet == min(600, client)
