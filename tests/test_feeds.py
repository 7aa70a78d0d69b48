"""What every published site carries: an Atom feed, a sitemap, robots.txt, social cards and tag pages.

The feed and the sitemap are checked structurally with the standard library's
XML parser against what RFC 4287 and sitemaps.org require.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from site_builder.build import build
from site_builder.load.config import SiteConfig, parse_config
from site_builder.render.feeds import atom_feed
from site_builder.render.linkcheck import find_broken_references
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
W3C_DATETIME = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$")
BASE = "https://user.github.io/repo/"

ARTICLES = {
    "content/older/index.md": """
        ---
        title: Sigmoids & <tanh> "saturate"
        date: 2026-01-05
        summary: Why S-curves flatten & what that does to gradients.
        tags: [ReLU, basics]
        ---
        Text.
        """,
    "content/newer/index.md": """
        ---
        title: Newer
        date: 2026-03-01
        tags: [relu]
        ---
        Text.
        """,
    "content/about.md": "---\ntitle: About\n---\nAbout.\n",
}


def site_toml(base_url: str = BASE) -> str:
    return f'title = "Test site"\nauthor = "A. Author"\nbase_url = "{base_url}"\n'


@pytest.fixture
def published(make_project) -> Path:
    root = make_project(ARTICLES, site_toml=site_toml())
    build(BuildOptions(root=root))
    return root / "_site"


def absolute(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_atom(data: bytes) -> ET.Element:
    """RFC 4287's required elements: the feed's id, title, updated and author (or every entry's), each entry's id, title, updated and link."""
    feed = ET.fromstring(data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert absolute(feed.findtext(f"{ATOM}id"))
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    feed_author = feed.find(f"{ATOM}author/{ATOM}name") is not None
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None
        [link] = [link for link in entry.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]
        assert absolute(link.get("href")) and absolute(entry.findtext(f"{ATOM}id"))
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)
    [self_link] = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert absolute(self_link.get("href"))
    return feed


def check_sitemap(data: bytes) -> dict[str, str | None]:
    """sitemaps.org 0.9: a urlset in its namespace; each url an absolute loc and an optional W3C lastmod."""
    urlset = ET.fromstring(data)
    assert urlset.tag == f"{SITEMAP}urlset"
    found = {}
    for url in urlset:
        assert url.tag == f"{SITEMAP}url"
        assert {child.tag for child in url} <= {f"{SITEMAP}{n}" for n in ("loc", "lastmod", "changefreq", "priority")}
        loc, lastmod = url.findtext(f"{SITEMAP}loc"), url.findtext(f"{SITEMAP}lastmod")
        assert absolute(loc) and len(loc) < 2048, loc
        assert lastmod is None or W3C_DATETIME.match(lastmod), lastmod
        found[loc] = lastmod
    assert 0 < len(found) <= 50_000
    return found


def test_feed_is_valid_atom_with_the_newest_date_and_escaped_text(published: Path) -> None:
    data = (published / "feed.xml").read_bytes()
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    feed = check_atom(data)
    assert feed.findtext(f"{ATOM}updated") == "2026-03-01T00:00:00Z"  # the newest article, not the clock
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "A. Author"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [BASE + "newer/", BASE + "older/"]
    assert entries[1].findtext(f"{ATOM}title") == 'Sigmoids & <tanh> "saturate"'
    assert entries[1].findtext(f"{ATOM}summary") == "Why S-curves flatten & what that does to gradients."
    assert [c.get("term") for c in entries[1].findall(f"{ATOM}category")] == ["ReLU", "basics"]


def test_sitemap_lists_every_page_but_the_404_with_absolute_urls(published: Path) -> None:
    urls = check_sitemap((published / "sitemap.xml").read_bytes())
    pages = {p.relative_to(published).as_posix() for p in published.rglob("*.html")} - {"404.html"}
    assert set(urls) == {BASE + page.removesuffix("index.html") for page in pages}
    assert urls[BASE] == "2026-03-01" and urls[BASE + "older/"] == "2026-01-05" and urls[BASE + "about.html"] is None
    assert urls[BASE + "tags/basics.html"] == "2026-01-05"


def test_robots_names_the_sitemap_and_pages_link_the_feed(published: Path) -> None:
    assert (published / "robots.txt").read_text() == f"User-agent: *\nDisallow:\n\nSitemap: {BASE}sitemap.xml\n"
    article = (published / "older/index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml" title="Test site" href="../feed.xml">' in article
    assert "feed.xml" not in (published / "404.html").read_text()
    # No noindex on the 404 page: it is served with status 404, which keeps it out of indexes, and
    # Lighthouse's SEO audit fails any page that blocks indexing.
    assert "noindex" not in (published / "404.html").read_text()
    assert find_broken_references({p.relative_to(published).as_posix(): p.read_bytes() for p in published.rglob("*") if p.is_file()}) == []


def test_tag_pages_list_their_articles_and_chips_link_to_them(published: Path) -> None:
    assert sorted(p.name for p in (published / "tags").iterdir()) == ["basics.html", "relu.html"]
    relu = (published / "tags/relu.html").read_text()
    assert "Tagged “relu”" in relu  # "ReLU" and "relu" share one page, named as the newest article writes it
    assert relu.index('href="../newer/index.html"') < relu.index('href="../older/index.html"')
    article = (published / "older/index.html").read_text()
    assert '<a class="tag" href="../tags/relu.html">ReLU</a>' in article
    assert '<a class="tag" href="../tags/basics.html">basics</a>' in article


def test_social_cards_use_absolute_urls_and_the_cover(make_project) -> None:
    root = make_project({
        "content/a/index.md": """
            ---
            title: With a cover
            date: 2026-01-01
            summary: One line.
            figures:
              ReLU.png: {kind: activation, activation: relu}
            ---
            ![ReLU.](ReLU.png "ReLU.")
            """,
    }, site_toml=site_toml())
    build(BuildOptions(root=root))
    page = (root / "_site/a/index.html").read_text()
    meta = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter|article):[^"]+)" content="([^"]*)">', page))
    assert meta["og:type"] == "article" and meta["og:title"] == "With a cover" and meta["og:description"] == "One line."
    assert meta["og:url"] == BASE + "a/" and meta["og:image"] == BASE + "a/ReLU.png"
    assert meta["og:image:width"].isdigit() and meta["article:published_time"] == "2026-01-01"
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == BASE + "a/ReLU.png"
    home = dict(re.findall(r'<meta (?:property|name)="((?:og|twitter):[^"]+)" content="([^"]*)">', (root / "_site/index.html").read_text()))
    assert home["og:type"] == "website" and home["og:url"] == BASE and home["twitter:card"] == "summary"


def test_without_base_url_there_is_no_feed_or_sitemap_and_nothing_absolute(make_project) -> None:
    root = make_project(ARTICLES, site_toml='title = "Test site"\n')
    build(BuildOptions(root=root))
    site = root / "_site"
    assert not (site / "feed.xml").exists() and not (site / "sitemap.xml").exists()
    assert (site / "robots.txt").read_text() == "User-agent: *\nDisallow:\n"
    article = (site / "older/index.html").read_text()
    assert "application/atom+xml" not in article and "og:url" not in article and "og:image" not in article
    assert '<meta property="og:title" content="Sigmoids &amp; &lt;tanh&gt; &#34;saturate&#34;">' in article


def test_base_url_option_overrides_site_toml(make_project) -> None:
    root = make_project(ARTICLES, site_toml=site_toml())
    build(BuildOptions(root=root, base_url="https://example.org/docs"))
    assert '<link rel="canonical" href="https://example.org/docs/older/">' in (root / "_site/older/index.html").read_text()
    assert b"<id>https://example.org/docs/</id>" in (root / "_site/feed.xml").read_bytes()
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root, base_url="example.org/docs"))
    assert [str(p) for p in failure.value.problems] == ["--base-url: --base-url must be an absolute http(s) URL such as https://user.github.io/repo/, not 'example.org/docs'"]


def test_an_empty_feed_takes_its_date_from_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    config = SiteConfig(title="T", base_url=BASE)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert b"<updated>1970-01-01T00:00:00Z</updated>" in atom_feed(config, [])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 5, 17, 12, tzinfo=dt.UTC).timestamp())))
    feed = check_atom(atom_feed(config, []))
    assert feed.findtext(f"{ATOM}updated") == "2026-05-17T00:00:00Z"


def test_cname_setting_is_a_bare_domain() -> None:
    assert parse_config('cname = "docs.example.com"').cname == "docs.example.com"
    with pytest.raises(BuildFailed) as failure:
        parse_config('cname = "https://docs.example.com/"')
    assert [str(p) for p in failure.value.problems] == ["site.toml:1: 'cname' must be a domain name such as docs.example.com, without https:// or a path, not 'https://docs.example.com/'"]


@pytest.mark.slow
def test_example_site_feed_and_sitemap_are_valid(example_site: Path) -> None:
    check_atom((example_site / "feed.xml").read_bytes())
    urls = check_sitemap((example_site / "sitemap.xml").read_bytes())
    assert "https://example.github.io/site_builder/relu-guide/" in urls
