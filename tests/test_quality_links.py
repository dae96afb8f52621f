"""Every internal link and anchor of the built site resolves, in every language: in the HTML pages, in
the sitemap, and in the PDFs (links that point into the site)."""
from __future__ import annotations

from quality.links import Site, broken_pdf_links, pdf_links
from quality.site import html_pages, language_of


def test_every_internal_link_and_anchor_of_every_page_resolves(real_site, site_config, langs):
    site = Site(real_site, site_config["site_url"])
    problems, checked = site.broken_html_links()
    assert problems == []
    assert {language_of(p, langs) for p in html_pages(real_site)} == set(langs)
    assert checked > 10 * len(html_pages(real_site))  # the pages were read, links and all


def test_the_sitemap_lists_only_pages_that_exist(real_site, site_config):
    problems, checked = Site(real_site, site_config["site_url"]).broken_sitemap_links()
    assert problems == [] and checked >= len(html_pages(real_site)) - 3  # 404 pages are not listed


def test_links_inside_the_pdfs_that_point_into_the_site_resolve(real_site, site_config, langs):
    site = Site(real_site, site_config["site_url"])
    problems, into_site, pdfs = broken_pdf_links(site)
    assert problems == []
    by_language = {language_of(pdf.relative_to(real_site).as_posix(), langs) for pdf in pdfs}
    assert by_language == set(langs), "every language has its PDFs"
    assert into_site > 0, "the PDFs link to pages of the site"


# -- the checker itself, on small sites with known faults --------------------------------------------------

def write(root, files):
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_the_checker_reports_missing_pages_and_anchors_and_ignores_other_hosts(tmp_path):
    write(tmp_path, {
        "index.html": '<h2 id="top">x</h2><a href="a/">ok</a> <a href="a/#part">ok</a> <a href="#top">ok</a>'
                      '<a href="b/">missing</a> <a href="a/#nowhere">no anchor</a> <a href="https://example.org/x">other</a>'
                      '<a href="https://my.site/a/">absolute ok</a> <a href="https://my.site/c/">absolute missing</a>'
                      '<img src="img/x.png"> <a href="mailto:a@b.c">mail</a> <a href="file:///etc/hostname">file</a>',
        "a/index.html": '<p><a name="part"></a><a href="../">up</a> <a href="../index.html#top">up</a></p>',
    })
    problems, checked = Site(tmp_path, "https://my.site/").broken_html_links()
    assert sorted(problems) == sorted([
        "index.html: <a> b/: no file b/index.html",
        "index.html: <a> a/#nowhere: no anchor #nowhere in a/index.html",
        "index.html: <a> https://my.site/c/: no file c/index.html",
        "index.html: <img> img/x.png: no file img/x.png",
        "index.html: <a> file:///etc/hostname: points to a file of the build machine",
    ])
    assert checked == 13


def test_the_pdf_checker_reads_link_annotations(tmp_path):
    from pypdf import PdfWriter
    from pypdf.annotations import Link

    write(tmp_path, {"index.html": '<h2 id="a">x</h2>', "en/index.html": "<p>en</p>"})
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    for n, uri in enumerate(["https://my.site/#a", "https://my.site/en/", "https://my.site/es/",
                             "https://my.site/#b", "https://example.org/"]):
        writer.add_annotation(0, Link(rect=(10, 10 + 20 * n, 100, 25 + 20 * n), url=uri))
    (tmp_path / "pdf").mkdir()
    with open(tmp_path / "pdf" / "kit.pdf", "wb") as f:
        writer.write(f)
    assert len(pdf_links(tmp_path / "pdf" / "kit.pdf")) == 5
    problems, into_site, pdfs = broken_pdf_links(Site(tmp_path, "https://my.site/"))
    assert problems == ["pdf/kit.pdf: https://my.site/es/: no file es/index.html",
                        "pdf/kit.pdf: https://my.site/#b: no anchor #b in index.html"]
    assert into_site == 4 and len(pdfs) == 1
