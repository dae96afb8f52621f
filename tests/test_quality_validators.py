"""Validators nobody on this project wrote: the Nu Html Checker over every page, axe-core on the key
pages of each language, and the lang attribute of every page."""
from __future__ import annotations

import html.parser

import pytest

from quality import axe, vnu
from quality.browser import tab, visit
from quality.site import LANGS_OF_CONFIG, html_pages, language_of, required_key_pages, serve, source_language, url_of

pytestmark = pytest.mark.quality  # make test-quality


def test_every_page_of_every_language_passes_the_nu_html_checker(real_site, langs):
    files = sorted(real_site.rglob("*.html"))
    assert {language_of(p, langs) for p in html_pages(real_site)} == set(langs)
    errors = vnu.check(files, real_site)
    remaining, unused = vnu.triage(errors, vnu.load_allowlist())
    assert [str(e) for e in remaining] == []
    assert [f"{a.message} | {a.extract}" for a in unused] == [], "allowlist entries that match nothing: remove them"


def test_the_checker_reports_broken_markup_and_the_allowlist_needs_reasons(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><title>t</title><meta name="description" content="a "b" c">'
                    '<p><label for="nothing" tabindex="">x</label>', encoding="utf-8")
    errors = vnu.check([page], tmp_path)
    assert {e.file for e in errors} == {"bad.html"}
    assert any("tabindex" in e.message for e in errors) and any("quote" in e.message.lower() for e in errors)
    allow = tmp_path / "allow.txt"
    allow.write_text("# a reason\nBad value | tabindex\n", encoding="utf-8")
    remaining, unused = vnu.triage(errors, vnu.load_allowlist(allow))
    assert remaining and not any("tabindex" in e.message for e in remaining) and unused == []
    allow.write_text("Bad value | tabindex\n", encoding="utf-8")
    with pytest.raises(ValueError, match="give the reason"):
        vnu.load_allowlist(allow)


@pytest.mark.parametrize("lang", LANGS_OF_CONFIG)
def test_key_pages_have_no_serious_or_critical_accessibility_violation(browser, served, langs, site_config, lang):
    pages = required_key_pages(site_config)
    found = []
    with tab(browser, served) as (page, _recorder):
        for name, path in pages.items():
            visit(page, served.url(url_of(path, langs[lang])))
            found += [f"{name} ({url_of(path, langs[lang])}): {v}" for v in axe.blocking(page)]
    assert found == []


def test_axe_reports_what_material_fails_out_of_the_box(browser, tmp_path):
    """The three serious failures of Material 9.8 that our overrides fix, on a page without them."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="en"><title>t</title><body><div role="dialog"><input aria-label="q"></div>'
        '<p style="color:#777;background:#888">low contrast</p>'
        '<p style="color:#000">Text <a href="#" style="color:#222;text-decoration:none">a link</a> text.</p>',
        encoding="utf-8")
    with serve(tmp_path) as site, tab(browser) as (page, _recorder):
        visit(page, site.url(""))
        ids = {line.split()[1] for line in axe.blocking(page)}
    assert {"aria-dialog-name", "color-contrast", "link-in-text-block"} <= ids


class _TextLang(html.parser.HTMLParser):
    """The language of a page's main text: the nearest lang attribute around the first <h1> of the
    content (a page shown in French because it has no translation wraps its text in lang="fr")."""
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.html_lang = self.text_lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "h1" and self.text_lang is None and any("md-content__inner" in (c or "") for _t, _l, c in self.stack):
            self.text_lang = next((lang for _t, lang, _c in reversed(self.stack) if lang), self.html_lang)
        if tag not in self.VOID:
            self.stack.append((tag, attrs.get("lang"), attrs.get("class")))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break


def page_languages(text: str) -> tuple[str | None, str | None]:
    """(<html lang>, the language of the content's text)."""
    parser = _TextLang()
    parser.feed(text)
    return parser.html_lang, parser.text_lang or parser.html_lang


def test_page_languages_reads_the_html_and_the_text_language():
    page = '<html lang="en"><body><div class="md-content"><article class="md-content__inner md-typeset">{}</article>'
    assert page_languages(page.format("<h1>Home</h1><p>x")) == ("en", "en")
    assert page_languages(page.format('<aside>Not translated yet</aside><div lang="fr"><h1>Accueil</h1>')) == ("en", "fr")
    assert page_languages('<html lang="es"><h1>Nav</h1><div class="md-content__inner"><br><p><h1>T</h1>') == ("es", "es")


def test_every_page_has_the_lang_of_its_language_and_text(real_site, langs):
    """<html lang> is the page's language; a page shown in French because it has no translation yet
    marks its text as French, so screen readers read it with the right voice."""
    problems = []
    for path in html_pages(real_site):
        html_lang, text_lang = page_languages(
            (real_site / (path if path.endswith(".html") else path + "index.html")).read_text(encoding="utf-8"))
        if html_lang != language_of(path, langs):
            problems.append(f"{path}: <html lang> is {html_lang!r}, expected {language_of(path, langs)!r}")
        if text_lang != source_language(path, langs):
            problems.append(f"{path}: the text is in {source_language(path, langs)!r} but marked {text_lang!r}")
    assert problems == []
