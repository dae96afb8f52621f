"""Social cards and Open Graph: the card layout and its errors, drawing and caching the cards, the
metadata of every page; then small built sites and the real site in every language of mkdocs.yml."""
from __future__ import annotations

import io
import zlib
import logging
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from conftest import LANGUAGES, ROOT, build, make_mini_site, write_tree
from fourpm import social
from fourpm.core.errors import ContentError
from quality.site import key_pages, languages, load_config, url_of
from test_publications import LANGS, SITE_URL, add_publications, logged

LAYOUT_TEXT = (ROOT / social.LAYOUT_FILE).read_text(encoding="utf-8")
LOGO = ROOT / "docs" / "assets" / "logo.svg"
SIZE = (1200, 630)


def layout(text: str = LAYOUT_TEXT) -> social.Layout:
    return social.parse_layout(text, ROOT, LOGO)


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


# -- layout ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("change, message", [
    (('background: "#2f6b30"', 'background: "green"'),
     "overrides/social/card.yml, field 'background': 'green' is not a colour (write \"#rrggbb\""),
    (("size: [1200, 630]", "size: 1200"), "overrides/social/card.yml, field 'size': 1200 is not a size"),
    (("font: bold, size: 72", "font: italic, size: 72"),
     "overrides/social/card.yml, field 'title.font': \"italic\" is not one of the fonts (use one of regular, bold)"),
    (("max_lines: 3", "max_lines: three"), "overrides/social/card.yml, field 'title.max_lines': 'three' is not valid"),
    (("regular: overrides/pdf/fonts/DejaVuSans.ttf", "regular: /usr/share/fonts/x.ttf"),
     "overrides/social/card.yml, field 'fonts.regular': \"/usr/share/fonts/x.ttf\" is not a font file of the project"),
    (("band: {y: 530, height: 100, color: \"#5b3519\"}", ""), "overrides/social/card.yml, field 'band': is missing"),
    (("color: \"#d9ecd1\"", "color: \"#d9ecd\""), "overrides/social/card.yml, field 'section.color'"),
    # Typed as raw text: read by the project's one YAML reader, one line naming the line.
    (("size: [1200, 630]", "size: [1200, 630]\nsize: [600, 315]"),
     "overrides/social/card.yml, line 6: the key 'size' is written twice (first at line 5)"),
    (("fonts:\n  regular", "fonts:\n\tregular"), "overrides/social/card.yml, line 8: is not valid YAML: a tab"),
])
def test_a_bad_card_layout_gets_one_line_naming_the_field(change, message):
    old, new = change
    assert old in LAYOUT_TEXT
    with pytest.raises(ContentError) as error:
        layout(LAYOUT_TEXT.replace(old, new))
    assert str(error.value).startswith(message)


def test_the_layout_digest_covers_the_file_the_fonts_and_the_logo(tmp_path):
    other_logo = tmp_path / "logo.svg"
    other_logo.write_text(LOGO.read_text(encoding="utf-8").replace("#43a047", "#000000"), encoding="utf-8")
    digests = {layout().digest, layout(LAYOUT_TEXT.replace('"#2f6b30"', '"#2f6b31"')).digest,
               social.parse_layout(LAYOUT_TEXT, ROOT, other_logo).digest}
    assert len(digests) == 3 and layout().digest == layout().digest


# -- drawing ---------------------------------------------------------------------------------------
def measure(size):
    return lambda text: len(text) * size * 0.6  # a monospaced stand-in for a font


def test_titles_shrink_to_fit_and_the_longest_are_cut_with_an_ellipsis():
    assert social.fit("Short", measure, 72, 44, 1040, 3) == (72, ["Short"])
    size, lines = social.fit("word " * 40, measure, 72, 44, 1040, 3)
    assert size == 44 and len(lines) == 3 and lines[-1].endswith("…")
    assert all(measure(44)(line) <= 1040 for line in lines)
    assert social.fit("medium " * 14, measure, 72, 44, 1040, 3)[0] == 48  # 5 lines at 72, 3 at 48
    assert social.wrap("a b c", measure(10), 18) == ["a b", "c"]


def test_a_card_is_a_1200_by_630_png_with_the_title_the_section_and_the_mark():
    drawer = social.Drawer(layout())
    card = social.Card("Cadre conceptuel", "Objectifs stratégiques", "Initiative internationale « 4 pour 1000 »")
    image = decode(drawer.render(card))
    assert image.format == "PNG" and image.size == SIZE
    values = layout().values
    background = tuple(int(values["background"][i:i + 2], 16) for i in (1, 3, 5))
    logo = values["logo"]
    centre = image.getpixel((logo["x"] + logo["size"] // 2, logo["y"] + logo["size"] // 4))
    assert centre != background  # the mark is drawn
    title = values["title"]
    box = image.crop((title["x"], title["y"], title["x"] + title["max_width"], title["y"] + title["size"]))
    assert (255, 255, 255) in {c for _n, c in box.getcolors(1 << 20)}  # white title text
    others = {drawer.render(social.Card("Conceptual framework", card.section, card.site_name)),
              drawer.render(social.Card(card.title, "Strategic objectives", card.site_name)),
              drawer.render(social.Card(card.title, card.section, "International Initiative"))}
    assert len(others | {drawer.render(card)}) == 4  # each text changes the picture


def test_the_logo_is_drawn_with_the_projects_fonts_only():
    fonts = sorted((ROOT / "overrides" / "pdf" / "fonts").glob("DejaVuSans*.ttf"))
    png = social.rasterize_svg(LOGO.read_bytes(), 128, 128, fonts)
    assert decode(png).size == (128, 128)
    with pytest.raises(ContentError, match="cannot be drawn"):
        social.rasterize_svg(b"<svg", 10, 10, fonts)


# -- cache -----------------------------------------------------------------------------------------
def test_cards_are_cached_by_what_they_show_and_an_unchanged_run_draws_none(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "site"
    cards = [social.Card(f"Title {n}", "Section", "Site") for n in range(3)]
    jobs = [(card, out / f"p{n}.png") for n, card in enumerate(cards)]
    first = social.make_cards(jobs, layout(), cache)
    assert (first.cards, first.rendered, first.cached) == (3, 3, 0)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    again = social.make_cards(jobs, layout(), cache)
    assert (again.rendered, again.cached) == (0, 3)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    changed = social.make_cards([(social.Card("Title 0 (new)", "Section", "Site"), out / "p0.png"), *jobs[1:]], layout(), cache)
    assert (changed.rendered, changed.cached) == (1, 2)
    relaid = social.make_cards(jobs, layout(LAYOUT_TEXT.replace('"#5b3519"', '"#5b3518"')), cache)
    assert relaid.rendered == 3  # a new layout redraws every card
    assert sorted(p.suffix for p in cache.iterdir()) == [".png"] * 7  # no temporary file left
    assert all(decode(p.read_bytes()).size == SIZE for p in cache.iterdir())


# -- Open Graph ------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES.codes)
def test_og_locale_is_language_and_territory_of_the_languages_babel_locale(lang):
    assert re.fullmatch(rf"{lang}_[A-Z]{{2}}", social.og_locale(LANGUAGES.locale(lang)))


def test_og_locale_keeps_a_territory_and_finds_the_likely_one():
    assert social.og_locale("en_GB") == "en_GB" and social.og_locale("pt") == "pt_BR"
    assert social.og_locale("es") == "es_ES" and social.og_locale("ar") == "ar_EG"


def test_metadata_is_an_article_only_with_a_publication_date():
    first, *others = LANGUAGES.codes
    common = dict(title="T", description="D", url=f"{SITE_URL}a/", image=f"{SITE_URL}a.png", site_name="S",
                  locale=LANGUAGES.locale(first), other_locales=tuple(LANGUAGES.locale(o) for o in others))
    page = social.metadata(**common)
    assert page["type"] == "website" and page["published"] is None
    assert page["alternates"] == [social.og_locale(LANGUAGES.locale(o)) for o in others]
    assert social.metadata(**common, published="2022-11-16")["type"] == "article"


# -- built sites -----------------------------------------------------------------------------------
class Head(HTMLParser):
    """The <meta property|name> of a page's head: name -> [contents]."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.canonical = None
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a.get("name"), []).append(a.get("content"))
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")

    def one(self, key: str) -> str:
        values = self.meta.get(key, [])
        assert len(values) == 1, (key, values)
        return values[0]


def card_file(site: Path, head: Head, site_url: str) -> Path:
    image = head.one("og:image")
    assert image.startswith(site_url), image
    return site / image[len(site_url):]


def assert_open_graph(site: Path, page: str, lang: str, site_url: str, langs) -> Head:
    head = Head((site / page).read_text(encoding="utf-8"))
    for key in ("og:title", "og:description", "og:type", "og:url", "og:site_name", "twitter:title", "twitter:description"):
        assert head.one(key), (page, key)
    assert head.one("og:url") == head.canonical and head.one("og:url").startswith(site_url)
    assert head.one("twitter:card") == "summary_large_image"
    assert head.one("og:locale") == social.og_locale(langs.locale(lang))
    assert sorted(head.meta["og:locale:alternate"]) == sorted(social.og_locale(langs.locale(o)) for o in langs.others(lang))
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert head.one("twitter:image") == head.one("og:image")
    image = Image.open(card_file(site, head, site_url))
    assert image.format == "PNG" and image.size == SIZE, page
    return head


def with_social(mini_site: Path) -> Path:
    add_publications(mini_site)
    config = mini_site / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("site_name: Mini\n", "site_name: Mini\nsite_description: Le site\n")
    for lang in LANGS:  # each language its own site name and description, as in mkdocs.yml
        text = re.sub(rf"(- {{locale: {lang}, [^}}]*)}}", rf"\1, site_name: Mini {lang}, site_description: Site {lang}}}", text)
    config.write_text(text, encoding="utf-8")
    return write_tree(mini_site, {
        "docs/fr/objectives/a1.md": '---\ncode: A1\ntitle: CDN\ndescription: "Les CDN « & » <b>"\n---\n\nTexte.\n',
    })


def social_env(patch, cache: Path) -> None:
    patch.setenv("FPM_SOCIAL_CACHE", str(cache))
    patch.setenv("FPM_PDF", "0")


@pytest.fixture
def social_site(mini_site, tmp_path, monkeypatch):
    social_env(monkeypatch, tmp_path / "cards")
    return with_social(mini_site)


@pytest.fixture(scope="module")
def social_built(tmp_path_factory):
    """The social site built once from an empty card cache, for the tests that only read it:
    (folder holding project/ and cards/, the built site, the messages the build logged at INFO)."""
    base = tmp_path_factory.mktemp("social")
    with pytest.MonkeyPatch.context() as patch, logged() as records:
        social_env(patch, base / "cards")
        (base / "project").mkdir()
        return base, build(with_social(make_mini_site(base / "project"))), [r.getMessage() for r in records]


def card_lines(logged) -> list[str]:
    """The "Social cards" lines of a build: from caplog, or from the messages a fixture kept."""
    messages = [r.getMessage() for r in logged.records] if hasattr(logged, "records") else logged
    return [m for m in messages if m.startswith("Social cards")]


@pytest.mark.site
def test_every_page_of_every_language_has_open_graph_metadata_and_its_own_card(social_built):
    _base, site, messages = social_built
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))
    assert len(pages) > 40
    cards = {}
    for page in pages:
        lang = next((code for code, prefix in LANGS.items() if prefix and page.startswith(prefix)), "fr")
        head = assert_open_graph(site, page, lang, SITE_URL, LANGUAGES)
        cards[page] = card_file(site, head, SITE_URL).read_bytes()
    assert len(set(cards.values())) == len(cards)  # one card per page and language
    assert not (site / "social").exists() and not list(site.rglob("card.yml"))  # the layout is not published
    assert card_lines(messages) and all(" drawn" in line for line in card_lines(messages))


@pytest.mark.site
def test_metadata_comes_from_the_front_matter_escaped_and_issues_and_releases_are_articles(social_built):
    site = social_built[1]
    objective = Head((site / "objectives/a1/index.html").read_text(encoding="utf-8"))
    assert objective.one("og:description") == "Les CDN « & » <b>" and objective.one("og:type") == "website"
    assert '<b>"' not in (site / "objectives/a1/index.html").read_text(encoding="utf-8").split("</head>")[0]
    for lang, prefix in LANGS.items():
        issue = Head((site / f"{prefix}newsletter/issue-2/index.html").read_text(encoding="utf-8"))
        assert issue.one("og:type") == "article" and issue.one("article:published_time") == "2022-11-12"
        assert issue.one("og:description") == f"Résumé 2 ({lang}) & <plus>"  # the summary stands for the description
        release = Head((site / f"{prefix}press/releases/roadmap/index.html").read_text(encoding="utf-8"))
        assert release.one("og:type") == "article" and release.one("article:published_time") == "2022-11-16"
        assert release.one("og:title") == f"Roadmap {lang}"
        home = Head((site / f"{prefix}index.html").read_text(encoding="utf-8"))
        assert home.one("og:type") == "website" and "article:published_time" not in home.meta


@pytest.mark.site
def test_cards_show_each_languages_title_and_a_warm_build_draws_none(social_built, tmp_path, monkeypatch, caplog):
    base, site, messages = social_built
    first = card_lines(messages)  # the cold build
    assert len(first) == len(LANGS) and all(re.search(r": (\d+) pages, \1 drawn, 0 from the cache", l) for l in first)
    cards = [(site / f"{prefix}assets/images/social/objectives/a2.png").read_bytes() for prefix in LANGS.values()]
    assert len(set(cards)) == len(LANGS)  # "Projets", "Projects", "Proyectos"
    shutil.copytree(base, tmp_path / "social", symlinks=True)  # the project, its site and the card cache
    social_site = tmp_path / "social" / "project"
    social_env(monkeypatch, tmp_path / "social" / "cards")
    caplog.set_level(logging.INFO)
    again = build(social_site)
    second = card_lines(caplog)
    assert len(second) == len(LANGS) and all(re.search(r": (\d+) pages, 0 drawn, \1 from the cache", l) for l in second)
    assert [(again / f"{p}assets/images/social/objectives/a2.png").read_bytes() for p in LANGS.values()] == cards
    write_tree(social_site, {"docs/en/objectives/a2.md": "---\ncode: A2\ntitle: Projects, renamed\n---\n\nCites [A1].\n"})
    caplog.clear()
    build(social_site)
    drawn = {re.search(r"\((\w+)\)", l).group(1): int(re.search(r"(\d+) drawn", l).group(1)) for l in card_lines(caplog)}
    assert drawn == {lang: (1 if lang == "en" else 0) for lang in LANGS}


@pytest.mark.site
def test_the_build_lists_once_per_language_the_pages_without_a_description(social_built):
    lines = [m for m in social_built[2] if m.startswith("Open Graph:")]
    assert len(lines) == len(LANGS)
    french = next(line for line in lines if "of 'fr'" in line)
    count = int(re.search(r"Open Graph: (\d+) pages", french).group(1))
    names = french.split(": ", 2)[2]
    more = re.search(r" and (\d+) more$", names)
    listed = names[:more.start() if more else None].split(", ")
    assert count == len(listed) + (int(more.group(1)) if more else 0) and len(listed) <= 12
    assert listed == sorted(listed) and "index.md" in listed
    assert "objectives/a1.md" not in listed and "newsletter/issue-1.md" not in listed  # description, summary


def test_a_long_list_in_a_message_names_twelve_and_counts_the_others():
    from fourpm.core.errors import listed

    assert listed(["a", "b"]) == "a, b"
    assert listed([f"p{n}.md" for n in range(345)]) == ", ".join(f"p{n}.md" for n in range(12)) + " and 333 more"


def test_a_bad_card_layout_stops_the_build_with_one_line(social_site):
    from test_publications import build_error

    path = social_site / social.LAYOUT_FILE
    path.write_text(path.read_text(encoding="utf-8").replace('"#2f6b30"', '"vert"', 1), encoding="utf-8")
    assert "overrides/social/card.yml, field 'background': 'vert' is not a colour" in build_error(social_site)


def test_without_cards_the_pages_name_no_image(social_site, monkeypatch):
    monkeypatch.setenv("FPM_SOCIAL", "0")
    site = build(social_site)
    head = Head((site / "index.html").read_text(encoding="utf-8"))
    assert "og:image" not in head.meta and head.one("og:title") and not (site / "assets/images/social").exists()


# -- the real site ---------------------------------------------------------------------------------
CONFIG = load_config()
REAL_LANGS = languages(CONFIG)


def _real_pages() -> dict[str, str]:
    """The home, an objective (from the nav), the first newsletter issue and press release."""
    docs = ROOT / "docs" / next(iter(REAL_LANGS))
    issue = sorted((docs / "newsletter").glob("issue-*.md"))[0].relative_to(docs).as_posix()
    release = sorted(p for p in (docs / "press" / "releases").glob("*.md") if p.name != "index.md")[0]
    return {"home": "index.md", "objective": key_pages(CONFIG)["objective"], "issue": issue,
            "release": release.relative_to(docs).as_posix()}


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_real_site_metadata_of_the_home_an_objective_an_issue_and_a_press_release(real_site, lang):
    from fourpm.core.frontmatter import split

    site_url = CONFIG["site_url"]
    for kind, path in _real_pages().items():
        page = url_of(path, REAL_LANGS[lang]) + "index.html"
        head = assert_open_graph(real_site, page, lang, site_url, LANGUAGES)
        meta, _body = split((ROOT / "docs" / lang / path).read_text(encoding="utf-8"), path)
        source, _ = split((ROOT / "docs" / next(iter(REAL_LANGS)) / path).read_text(encoding="utf-8"), path)
        if kind in ("issue", "release"):
            assert head.one("og:type") == "article" and head.one("article:published_time") == str(source["date"])
            assert head.one("og:description") == (meta.get("description") or meta["summary"])
        else:
            assert head.one("og:type") == "website"
        if kind != "objective":  # objective pages are titled with their code by the build
            assert head.one("og:title") == meta["title"]


@pytest.mark.parametrize("lang", REAL_LANGS)
def test_real_site_card_of_a_page_in_each_language_decodes_at_1200_by_630(real_site, lang):
    path = key_pages(CONFIG)["objective"]
    card = real_site / REAL_LANGS[lang] / social.card_name(path)
    image = Image.open(card)
    image.load()
    assert image.format == "PNG" and image.size == SIZE and image.mode == "RGB"


def test_a_right_to_left_language_has_its_texts_on_the_right_of_their_boxes():
    drawer, t = social.Drawer(layout()), layout().values["title"]

    def title_ink(direction: str) -> tuple[int, int, int, int]:
        image = decode(drawer.render(social.Card("Titre court", "", "Site", direction)))
        box = (0, t["y"], SIZE[0], t["y"] + t["size"])
        white = image.crop(box).convert("L").point(lambda v: 255 if v > 250 else 0)
        return white.getbbox()

    left, right = title_ink("ltr"), title_ink("rtl")
    assert abs(left[0] - t["x"]) < 12 and right[2] > t["x"] + t["max_width"] - 12
    key = social.Card("T", "S", "N").key(layout())
    assert social.Card("T", "S", "N", "rtl").key(layout()) != key  # cached apart


@pytest.mark.parametrize("card", [
    social.Card("Cadre conceptuel", "Objectifs stratégiques", "Initiative internationale « 4 pour 1000 »"),
    social.Card("Gestion des sols agricoles : séquestration, fertilité, régénération " * 3, "", "« 4 pour 1000 »"),
    social.Card("Égypte, Éthiopie, Guyana : gypse, jachère", "Wiki › Partenaires", "Site"),
    social.Card("الزراعة والتربة", "المبادرة", "مبادرة", "rtl"),
    social.Card("   ", "", "Site"),  # nothing to draw over the background
])
def test_a_card_drawn_on_the_rows_of_its_texts_has_the_pixels_of_one_drawn_on_the_whole_background(card):
    """Only the rows a card's texts cover are drawn and deflated again: the same pixels as drawing them
    on the whole background, with accents, descenders and right-to-left text."""
    from PIL import ImageDraw

    drawer = social.Drawer(layout())
    whole = drawer._background(card.site_name, card.direction).image.copy()
    for line in drawer.lines(card):
        ImageDraw.Draw(whole).text(**line)
    assert decode(drawer.render(card)).tobytes() == whole.tobytes()


def _rows(image):
    stride = image.width * len(image.mode)
    data = image.tobytes()
    return [data[y:y + stride] for y in range(0, len(data), stride)]


def test_a_backdrop_with_rows_drawn_over_is_read_back_whole_and_its_checksum_is_checked():
    from PIL import ImageDraw

    from fourpm.core.images import Backdrop

    image = Image.new("RGBA", (203, 75), (47, 107, 48, 200))
    ImageDraw.Draw(image).ellipse((50, 5, 190, 70), fill=(91, 53, 25, 7))
    backdrop = Backdrop(image)
    for top, height in ((0, 75), (16, 20), (64, 11), (32, 3)):
        patch = image.crop((0, top, 203, top + height))
        ImageDraw.Draw(patch).text((5, 0), "« é »", fill=(255, 255, 255, 128))
        expected = image.copy()
        expected.paste(patch, (0, top))
        png = backdrop.encode(patch, top)
        assert decode(png).tobytes() == expected.tobytes()
        idat = png[png.index(b"IDAT") + 4:-16]  # the deflated data: zlib checks its Adler-32, Pillow does not
        assert zlib.decompress(idat) == b"".join(b"\0" + row for row in _rows(expected))
    with pytest.raises(ValueError, match="band"):
        backdrop.encode(image.crop((0, 5, 203, 20)), 5)


@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_the_png_encoder_keeps_every_pixel(mode):
    """Cards are encoded by core.images.Backdrop (a third of Pillow's time): Pillow reads back the
    very pixels drawn, antialiased text and transparency included."""
    from PIL import ImageDraw

    from fourpm.core.images import Backdrop

    image = Image.new(mode, (301, 157), (47, 107, 48, 200)[:len(mode)])
    ImageDraw.Draw(image).text((10, 40), "« 4 pour 1000 » é ñ", fill=(255, 255, 255, 128)[:len(mode)])
    ImageDraw.Draw(image).ellipse((150, 20, 290, 150), fill=(91, 53, 25, 7)[:len(mode)])
    back = Image.open(io.BytesIO(Backdrop(image).encode()))
    assert (back.format, back.mode, back.size) == ("PNG", mode, image.size)
    assert back.tobytes() == image.tobytes()
    with pytest.raises(ValueError, match="not P"):
        Backdrop(image.convert("P"))
