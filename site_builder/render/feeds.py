"""What a published site carries besides its pages: an Atom feed, a sitemap, robots.txt and social-card tags.

Feed readers, search engines and link previews need absolute URLs, so the feed,
the sitemap and the absolute Open Graph fields (``og:url``, ``og:image``) are
made only when the site has a ``base_url`` (from ``site.toml`` or
``build --base-url``). Without one the site still works from disk: it has no
``feed.xml`` or ``sitemap.xml``, and ``robots.txt`` names no sitemap.

Dates come from the articles, never the clock, so two builds of the same
sources are byte-identical. XML is made with :mod:`xml.etree.ElementTree`,
which escapes every text and attribute.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from site_builder import __version__
from site_builder.load.config import SiteConfig
from site_builder.load.content import Article, Content
from site_builder.load.dates import fallback_date
from site_builder.render.tags import TagPage

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_FILE, SITEMAP_FILE, ROBOTS_FILE = "feed.xml", "sitemap.xml", "robots.txt"
NOT_FOUND_PAGE = "404.html"
# Characters XML 1.0 forbids even escaped; YAML lets an author write them as "\a" and the like.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def publishing_files(config: SiteConfig, content: Content, tags: Sequence[TagPage], pages: Iterable[str]) -> dict[str, bytes]:
    """``robots.txt``, and with a ``base_url`` also ``feed.xml`` and ``sitemap.xml``; ``pages`` are the site's HTML paths."""
    files = {ROBOTS_FILE: robots_txt(config)}
    if config.base_url:
        files[FEED_FILE] = atom_feed(config, content.articles)
        files[SITEMAP_FILE] = sitemap(config, page_dates(content, tags, pages))
    return files


def absolute_url(config: SiteConfig, output_path: str) -> str:
    """Public URL of an output file; an ``index.html`` is addressed by its folder, as GitHub Pages serves it."""
    return config.base_url + quote(output_path.removesuffix("index.html"))


def feed_link(config: SiteConfig, output_path: str) -> str:
    """Relative URL of the feed as seen from ``output_path``, or "" when the site has no feed."""
    if not config.base_url or output_path == NOT_FOUND_PAGE:
        return ""
    return "../" * output_path.count("/") + FEED_FILE


def robots_txt(config: SiteConfig) -> bytes:
    """Allow everything; name the sitemap when there is one.

    Crawlers read robots.txt only at a host's root, so under a project path it
    is ignored; with a custom domain (``cname``) it is found.
    """
    lines = ["User-agent: *", "Disallow:"]
    if config.base_url:
        lines += ["", f"Sitemap: {absolute_url(config, SITEMAP_FILE)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def atom_feed(config: SiteConfig, articles: Sequence[Article]) -> bytes:
    """An Atom 1.0 feed (RFC 4287) of ``articles``, newest first; ``updated`` is the newest article's date."""
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: config.language})
    _add(feed, "id", config.base_url)
    _add(feed, "title", config.title)
    if config.description:
        _add(feed, "subtitle", config.description)
    _add(feed, "updated", _timestamp(articles[0].date if articles else fallback_date()))
    _link(feed, "self", absolute_url(config, FEED_FILE), "application/atom+xml")
    _link(feed, "alternate", config.base_url, "text/html")
    author = _add(feed, "author")
    _add(author, "name", config.author or config.title)
    _add(feed, "generator", "site_builder", version=__version__)
    for article in articles:
        url = absolute_url(config, article.output_path)
        entry = _add(feed, "entry")
        _add(entry, "id", url)
        _add(entry, "title", article.title)
        _link(entry, "alternate", url, "text/html")
        _add(entry, "published", _timestamp(article.date))
        _add(entry, "updated", _timestamp(article.date))
        if article.summary:
            _add(entry, "summary", article.summary)
        for tag in article.tags:
            _add(entry, "category", term=tag)
    return _serialise(feed)


def page_dates(content: Content, tags: Sequence[TagPage], pages: Iterable[str]) -> dict[str, dt.date | None]:
    """Each indexable page and the date it last changed, where the content says (``None`` for plain pages)."""
    known: dict[str, dt.date] = {a.output_path: a.date for a in content.articles}
    known |= {t.output_path: t.articles[0].date for t in tags}
    if content.articles:
        known["index.html"] = content.articles[0].date
    return {path: known.get(path) for path in sorted(pages) if path.endswith(".html") and path != NOT_FOUND_PAGE}


def sitemap(config: SiteConfig, dates: dict[str, dt.date | None]) -> bytes:
    """A sitemaps.org 0.9 ``urlset``: absolute ``loc`` for every page, ``lastmod`` as YYYY-MM-DD where known."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP})
    for path, date in dates.items():
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = absolute_url(config, path)
        if date is not None:
            ET.SubElement(url, "lastmod").text = date.isoformat()
    return _serialise(urlset)


@dataclass(frozen=True)
class SocialPage:
    """What link previews (Open Graph, Twitter cards) say about one page."""

    output_path: str
    title: str
    description: str
    kind: str = "website"  # or "article"
    image: str | None = None  # output path of the cover image
    image_size: tuple[int, int] | None = None
    published: dt.date | None = None
    tags: tuple[str, ...] = ()


def social_tags(config: SiteConfig, page: SocialPage) -> list[dict[str, str]]:
    """``<meta>`` tags for link previews: ``attribute`` (property or name), ``key`` and ``content``.

    URLs are absolute, so ``og:url`` and the image appear only with a ``base_url``.
    """
    og = [("og:type", page.kind), ("og:site_name", config.title), ("og:title", page.title)]
    og += [("og:description", page.description)] if page.description else []
    og += [("og:url", absolute_url(config, page.output_path))] if config.base_url else []
    image = absolute_url(config, page.image) if page.image and config.base_url else ""
    if image:
        og.append(("og:image", image))
        if page.image_size:
            og += [("og:image:width", str(page.image_size[0])), ("og:image:height", str(page.image_size[1]))]
    if page.kind == "article":
        og += [("article:published_time", page.published.isoformat())] if page.published else []
        og += [("article:tag", tag) for tag in page.tags]
    twitter = [("twitter:card", "summary_large_image" if image else "summary"), ("twitter:title", page.title)]
    twitter += [("twitter:description", page.description)] if page.description else []
    twitter += [("twitter:image", image)] if image else []
    return [{"attribute": "property", "key": k, "content": v} for k, v in og] + [{"attribute": "name", "key": k, "content": v} for k, v in twitter]


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    _add(parent, "link", rel=rel, type=media_type, href=href)


def _timestamp(date: dt.date) -> str:
    """RFC 3339 at midnight UTC: articles carry a day, and Atom wants a moment."""
    return f"{date.isoformat()}T00:00:00Z"


def _serialise(root: ET.Element) -> bytes:
    """UTF-8 with a declaration; the root carries its namespace as a plain ``xmlns`` attribute, so there are no prefixes."""
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
