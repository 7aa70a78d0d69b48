"""Author links resolve to relative output URLs, or to a message saying what is wrong."""

import pytest

from site_builder.render.linkcheck import find_broken_references
from site_builder.render.links import LinkMap, Target, relative_url, root_prefix

ARTICLE = "content/guide/index.md"
LINKS = LinkMap(
    {ARTICLE: "guide/index.html", "content/about.md": "about.html"},
    frozenset({"guide/index.html", "about.html", "guide/plot.png", "static/style.css", "index.html"}),
)


@pytest.mark.parametrize(
    ("href", "url"),
    [
        ("../about.md", "../about.html"),
        ("../about.md#team", "../about.html#team"),
        ("plot.png", "plot.png"),
        ("../guide/", "index.html"),
        ("../../static/style.css", "../static/style.css"),
        ("#section", "#section"),
        ("https://example.org/x.md", "https://example.org/x.md"),
        ("mailto:a@b.c", "mailto:a@b.c"),
    ],
)
def test_rewrites_source_links_to_relative_output_urls(href: str, url: str) -> None:
    assert LINKS.url(ARTICLE, href) == url


@pytest.mark.parametrize(
    ("href", "message"),
    [
        ("/about.html", "'/about.html' starts with '/', which breaks under a project path; write a link relative to this file"),
        ("../missing.md", "'../missing.md' points to content/missing.md, which does not exist in the site; check the path"),
        ("../../../x.md", "'../../../x.md' points outside the project"),
    ],
)
def test_explains_broken_links(href: str, message: str) -> None:
    assert LINKS.resolve(ARTICLE, href) == message


def test_fragment_only_link_targets_the_same_page() -> None:
    assert LINKS.resolve(ARTICLE, "#x") == Target(None, "x")


def test_relative_url_and_root_prefix() -> None:
    assert relative_url("a/b/index.html", "static/s.css") == "../../static/s.css"
    assert relative_url("index.html", "a/index.html") == "a/index.html"
    assert root_prefix("a/b/index.html") == "../../" and root_prefix("index.html") == ""


def test_output_link_check_finds_missing_files_fragments_and_root_relative_urls() -> None:
    files = {
        "index.html": b'<a href="a.html#here">ok</a><a href="a.html#gone">x</a><img src="nope.png"><a href="/abs">y</a><a href="https://x.org/">z</a>',
        "a.html": b'<h2 id="here">Here</h2><link rel="stylesheet" href="s.css">',
        "s.css": b"@font-face { src: url(fonts/f.woff2) format('woff2'); } .x { background: url('data:image/png;base64,AA') }",
    }
    assert [str(p) for p in find_broken_references(files)] == [
        "(output) index.html: 'a.html#gone' points to a missing fragment '#gone' in a.html",
        "(output) index.html: 'nope.png' points to nope.png, which the build does not produce",
        "(output) index.html: '/abs' is root-relative and breaks under a project path",
        "(output) s.css: 'fonts/f.woff2' points to fonts/f.woff2, which the build does not produce",
    ]
