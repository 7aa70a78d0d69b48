"""Render stage: content, figures and assets in; every output file's bytes out.

Markdown becomes HTML (math by the given renderer), author links are resolved
and checked with their lines, and every page goes through its Jinja template.
Each finished page is handed to ``out`` the moment it is made (the pipeline's
staging folder); a page whose inputs are those of a page an earlier build
made is not rendered at all when ``out`` still holds that page from the
previous site (see :mod:`~site_builder.render.reuse`). Nothing here touches the disk.
"""

from __future__ import annotations

import html
import io
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import jinja2
from markupsafe import Markup
from PIL import Image

from site_builder.load.bibliography import EMPTY, Bibliography
from site_builder.load.config import SiteConfig
from site_builder.load.content import Article, Content, Page
from site_builder.experiments.specs import card_image_name, poster_name
from site_builder.render.card_images import cover_path
from site_builder.render.feeds import SocialPage, feed_link, publishing_files, social_tags
from site_builder.load.frontmatter import Document
from site_builder.render.page_facts import PageFacts, PageReader
from site_builder.render.players import PLAYER_STILL_MEDIA, has_player, player_data
from site_builder.render.sweeps import sweep_data, sweep_notes
from site_builder.render.links import LinkMap, Target, is_external, relative_url, root_prefix
from site_builder.render.notebook import notebook_link
from site_builder.render.markup.citations import AUTHOR_YEAR
from site_builder.render.markup import REDUCED_MOTION, MathRenderer, Reference, RenderedMarkdown, Still, render_markdown
from site_builder.problems import BuildFailed, Problem
from site_builder.render.cite_this import article_citation
from site_builder.render.reuse import RenderMemo
from site_builder.render.search import INDEX_FILE, SEARCH_PAGE, SearchDocument, search_index, sections
from site_builder.render.reading_time import count_reading
from site_builder.render.series import Place, places, reading_order
from site_builder.render.tags import TagPage, tag_pages, tag_path
from site_builder.render.templating import TemplateProblem, render_template


STYLESHEET = "static/style.css"
THEME_SCRIPT = "static/theme.js"  # inlined into every page's <head>: it must run before first paint


@dataclass(frozen=True)
class SiteFiles:
    """Everything that is not a rendered page: output path -> bytes."""

    figures: Mapping[str, bytes]  # made by experiments, e.g. "relu-guide/ReLU.png"
    assets: Mapping[str, bytes]  # article files, static/, KaTeX and highlighting CSS
    numbers: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # figure output path -> its measured numbers


@dataclass(frozen=True)
class _Body:
    """What the checks after the render need of a document's body: its author references, with their lines."""

    source: Document
    output_path: str
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class RenderedSite:
    """The render's result. Its pages went to ``publish`` one by one as they were made; what is kept is their facts."""

    files: dict[str, bytes]  # every other output file: figures, assets, the search index, feed, sitemap, robots.txt
    pages: dict[str, PageFacts]  # each rendered page's output path -> its links, ids and math


class PageOutput(Protocol):
    """Where finished pages go (:class:`~site_builder.write.output.SiteStaging` in a build)."""

    def put(self, relative: str, data: bytes) -> None:
        """Take the page at output path ``relative``, the moment it is made."""

    def keep(self, relative: str, digest: str, size: int) -> bool:
        """Take the previous site's page at ``relative`` if its ``size`` bytes hash (SHA-256) to ``digest``; whether it did."""


def render_site(config: SiteConfig, content: Content, files: SiteFiles, environment: jinja2.Environment, math: MathRenderer,
                memo: RenderMemo, out: PageOutput, reader: PageReader | None = None) -> RenderedSite:
    """Render every page and hand each to ``out`` as soon as it is made.

    One document at a time: its body (from ``memo`` when an earlier build made
    it from the same inputs, see :mod:`~site_builder.render.reuse`), its reading
    time and search sections, then its page, which is not rendered when an
    earlier build made it from the same context and ``out`` keeps that one;
    only the page's facts are kept (``reader`` parses it, see
    :mod:`~site_builder.render.page_facts`), so memory holds one page's HTML
    at a time, whatever the size of the site.
    The listings (home, tags, 404, search) follow, since they show every
    article's reading time. Raises :class:`BuildFailed` with every problem found:
    LaTeX and template errors, broken links and fragments, figures declared but
    not shown; pages already published are then the caller's to discard.
    """
    reader = reader or PageReader()
    sources = {a.document.path: a.output_path for a in content.articles}
    sources |= {p.document.path: p.output_path for p in content.pages}
    output = {**files.assets, **files.figures}
    link_map = LinkMap(sources, frozenset(output) | frozenset(sources.values()) | {"index.html", "404.html"})
    notes = sweep_notes(content.articles)
    listing = _Listing(output, places(content.articles), {})
    templates = _Templates(config, environment, [{"title": p.title, "path": p.output_path} for p in content.pages],
                           {"inline_css": Markup(files.assets.get(STYLESHEET, b"").decode("utf-8")),
                            "inline_theme_script": Markup(files.assets.get(THEME_SCRIPT, b"").decode("utf-8"))})
    problems: list[Problem] = []
    pages: dict[str, PageFacts] = {}

    def page(output_path: str, template: str, context: dict[str, object], body_key: str | None = None) -> None:
        context = templates.context(output_path, context)
        key = memo.page_key(template, output_path, context, body_key)
        previous = memo.previous_page(output_path, key) if key else None
        if previous is not None and out.keep(output_path, previous[0].digest, previous[0].size):
            memo.pages_kept += 1
            pages[output_path] = previous[1]
            memo.note_page(output_path, key, previous[0], previous[1])
            return
        try:
            data = templates.render(template, context)
        except TemplateProblem as error:
            problems.append(error.problem)
            return
        out.put(output_path, data)
        pages[output_path] = reader.facts(data)
        if key:
            memo.note_page(output_path, key, data, pages[output_path])

    bodies: list[_Body] = []
    indexed: list[SearchDocument] = []
    for item, bibliography in _documents(content):
        document, output_path = item.document, item.output_path
        article = item if isinstance(item, Article) else None
        cites = _Citing(bibliography, config.citation_style)
        def make(document: Document = document, output_path: str = output_path, cites: _Citing = cites) -> RenderedMarkdown:
            return _render_body(document, output_path, link_map, output, math, cites, config.raw_html, files.numbers, notes)
        try:
            key = memo.body_key(document, output_path, cites.bibliography, numbers_of(output_path, files.numbers))
            body = memo.body(key, make)
        except BuildFailed as failure:
            problems.extend(failure.problems)
            # Render again with the math as text and citations as written, so this document's links and figures are checked too.
            try:
                checked = _render_body(document, output_path, link_map, output, _TexAsText(), None, config.raw_html, files.numbers)
                bodies.append(_Body(document, output_path, checked.references))
            except BuildFailed:
                pass  # refused before any math (over a limit): nothing more to check in it
            continue
        bodies.append(_Body(document, output_path, body.references))
        if problems:
            continue  # the build fails: make no more pages, but go on checking every document
        if config.search:
            indexed.append(SearchDocument(item.title, output_path, item.summary, memo.sections(key, item.title, body.html, sections)))
        if article is not None:
            listing.minutes[article.slug] = memo.reading(key, body.html, count_reading).minutes
        context = _article_context(article, body, listing, config) if article else _page_context(item, body)
        context["player_data"] = player_data(document.path, output_path, body.references, link_map, output)  # GIF -> data, for static/player.js
        context["sweep_data"] = sweep_data(document.path, output_path, body.references, link_map, output)  # image -> manifest, for static/sweep.js
        page(output_path, "article.html" if article else "page.html", context, key)
    for article in content.articles:
        problems.extend(_unused_figures(article, link_map, bodies))
    if not problems:
        for output_path, template, context in _listings(config, content, listing, templates.inline):
            page(output_path, template, context)
    if problems:  # fragments are checked only against the whole site, or a link's report would depend on where the render stopped
        raise BuildFailed(problems + _check_references(bodies, link_map, {}))
    problems = _check_references(bodies, link_map, pages)
    if problems:
        raise BuildFailed(problems)
    rest = {path: data for path, data in output.items() if path not in pages}  # a page wins over a file of its name
    if config.search:
        rest[INDEX_FILE] = search_index(indexed)
    return RenderedSite({**rest, **publishing_files(config, content, tag_pages(content.articles), pages)}, pages)


class _TexAsText:
    """A math renderer that never fails: used only to finish checking a document that had LaTeX errors."""

    def render(self, tex: str, *, display: bool) -> str:
        return html.escape(tex)


@dataclass(frozen=True)
class _Citing:
    """What a document may cite, and how its citations read."""

    bibliography: Bibliography
    style: str


def _documents(content: Content) -> list[tuple[Article | Page, Bibliography]]:
    """Each article (newest first), then each page, with what it may cite: the site's bibliography, and an article's own."""
    articles: list[tuple[Article | Page, Bibliography]] = [(a, content.bibliography.merged(a.bibliography)) for a in content.articles]
    return articles + [(p, content.bibliography) for p in content.pages]


def _render_body(document: Document, output_path: str, link_map: LinkMap, output: Mapping[str, bytes], math: MathRenderer, citing: _Citing | None, raw_html: str,
                 figure_numbers: Mapping[str, Mapping[str, object]] = MappingProxyType({}), notes: Mapping[str, str] = MappingProxyType({})) -> RenderedMarkdown:
    """The document's body; ``citing`` ``None`` means a second pass that only checks links (citations are not looked up)."""
    def image_size(src: str) -> tuple[int, int] | None:
        target = link_map.resolve(document.path, src)
        if isinstance(target, Target) and target.output_path in output:
            return image_dimensions(output[target.output_path])
        return None

    def poster(src: str) -> Still | None:
        """The poster frame the build made for an animation, if any, and when it stands in for the GIF."""
        target = link_map.resolve(document.path, src)
        if not (isinstance(target, Target) and target.output_path and target.output_path.endswith(".gif")):
            return None
        still = poster_name(target.output_path)
        if still not in output:
            return None
        return Still(relative_url(output_path, still), PLAYER_STILL_MEDIA if has_player(target.output_path, output) else REDUCED_MOTION)

    declared = document.meta.get("figures")
    figure_names = {posixpath.normpath(str(name)) for name in declared} if isinstance(declared, Mapping) else set()

    def drawn(src: str) -> bool:
        """Whether ``src`` is one of the figures this document declares (so the build drew it)."""
        return posixpath.normpath(src.split("#", 1)[0].split("?", 1)[0]) in figure_names

    return render_markdown(
        document.body,
        path=document.path,
        first_line=document.body_line,
        math=math,
        rewrite_url=lambda href: link_map.url(document.path, href),
        image_size=image_size,
        poster=poster,
        drawn=drawn,
        raw_html=raw_html,
        bibliography=citing.bibliography if citing else EMPTY,
        citation_style=citing.style if citing else AUTHOR_YEAR,
        strict=citing is not None,
        figure_numbers=numbers_of(output_path, figure_numbers),
        caption_note=lambda src: notes.get(target.output_path) if isinstance(target := link_map.resolve(document.path, src), Target) else None,
    )


def numbers_of(output_path: str, numbers: Mapping[str, Mapping[str, object]]) -> dict[str, Mapping[str, object]]:
    """The measured numbers of the figures beside the page ``output_path``, by figure name."""
    folder = output_path.rsplit("/", 1)[0] + "/" if "/" in output_path else ""
    return {path[len(folder):]: values for path, values in numbers.items() if folder and path.startswith(folder) and "/" not in path[len(folder):]}


def image_dimensions(data: bytes) -> tuple[int, int] | None:
    """Pixel width and height of an image file's bytes (``None`` if it is not an image)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _unused_figures(article: Article, link_map: LinkMap, bodies: list[_Body]) -> list[Problem]:
    body = next((b for b in bodies if b.source is article.document), None)
    if body is None:
        return []
    shown = {
        target.output_path
        for reference in body.references
        if reference.kind == "image" and not is_external(reference.target)
        and isinstance(target := link_map.resolve(article.document.path, reference.target), Target)
    }
    return [
        Problem(article.document.path, figure.line, f"figure '{figure.spec.name}' is declared but never shown; add ![description]({figure.spec.name} \"Caption.\") to the text or remove the declaration")
        for figure in article.figures
        if f"{article.slug}/{figure.spec.name}" not in shown
    ]


def _check_references(bodies: list[_Body], link_map: LinkMap, pages: Mapping[str, PageFacts]) -> list[Problem]:
    """Every link and image an author wrote resolves, fragments included (on the ``pages`` rendered); problems carry lines."""
    ids = {path: facts.ids for path, facts in pages.items()}
    problems = []
    for body in bodies:
        for reference in body.references:
            if is_external(reference.target):
                continue
            target = link_map.resolve(body.source.path, reference.target)
            if isinstance(target, str):
                what = "image" if reference.kind == "image" else "link"
                hint = " (declare it under 'figures:' or add the file beside the article)" if what == "image" else ""
                problems.append(Problem(body.source.path, reference.line, f"broken {what}: {target}{hint}"))
                continue
            page = target.output_path or body.output_path
            if target.fragment and page in ids and target.fragment not in ids[page]:
                problems.append(Problem(body.source.path, reference.line, f"broken link: '{reference.target}' names '#{target.fragment}', which is not a heading or anchor on {page}"))
    return problems


@dataclass(frozen=True)
class _Listing:
    """What every listing of an article shows beside its title: its place in the series, its reading time, its image."""

    output: Mapping[str, bytes]
    places: Mapping[str, Place]
    minutes: dict[str, int]  # slug -> estimated reading time, filled in as the render reads each body

    def card(self, article: Article) -> dict[str, object]:
        return _article_card(article, self.output, self.places[article.slug], self.minutes[article.slug])


@dataclass(frozen=True)
class _Templates:
    """Puts a page through its template with what every page's context holds: the site, its navigation, its address."""

    config: SiteConfig
    environment: jinja2.Environment
    nav: list[dict[str, str]]  # each plain page's title and output path
    inline: Mapping[str, Markup]  # the stylesheet and theme script, inlined in every page

    def context(self, output_path: str, context: dict[str, object]) -> dict[str, object]:
        """``context`` with what every page's context holds added: everything the template sees."""
        context |= _common_context(self.config, output_path, self.nav)
        context.setdefault("player_data", {})
        context.setdefault("sweep_data", {})
        context.setdefault("inline_theme_script", self.inline["inline_theme_script"])  # inlined: one request less before first paint
        context.setdefault("social", social_tags(self.config, _social_page(output_path, context)))
        return context

    def render(self, template: str, context: dict[str, object]) -> bytes:
        """The page's bytes from its whole :meth:`context`; raises :class:`TemplateProblem`."""
        return render_template(self.environment, template, context).encode("utf-8")


def _listings(config: SiteConfig, content: Content, listing: _Listing, inline: Mapping[str, Markup]) -> list[tuple[str, str, dict[str, object]]]:
    """The pages that list articles, and the 404 and search pages: (output path, template, context) for each."""
    home = [listing.card(a) for a in reading_order(content.articles)]
    jobs: list[tuple[str, str, dict[str, object]]] = [("index.html", "index.html", {"page_title": config.title, "description": config.description, "articles": home})]
    jobs += [(t.output_path, "tag.html", _tag_context(t, listing)) for t in tag_pages(content.articles)]
    jobs.append(("404.html", "404.html", {"page_title": "Page not found", "description": config.description, **inline}))
    if config.search:
        jobs.append((SEARCH_PAGE, "search.html", {"page_title": "Search", "description": f"Search the articles of {config.title}.", "index_file": INDEX_FILE}))
    return jobs


def _common_context(config: SiteConfig, output_path: str, nav: list[dict[str, str]]) -> dict[str, object]:
    if output_path == "404.html":
        # Served at any missing URL, at any depth: relative links would break there.
        return {"site": config, "root": "", "canonical": "", "output_path": output_path, "nav": [], "home_url": config.base_url or "index.html", "feed_url": "", "social": []}
    canonical = ""
    if config.base_url:
        canonical = config.base_url + ("" if output_path == "index.html" else output_path.removesuffix("index.html"))
    return {
        "site": config,
        "root": root_prefix(output_path),
        "canonical": canonical,
        "output_path": output_path,
        "nav": [dict(item, url=relative_url(output_path, item["path"]), current=item["path"] == output_path) for item in nav],
        "home_url": relative_url(output_path, "index.html"),
        "feed_url": feed_link(config, output_path),
    }


def _article_card(article: Article, output: Mapping[str, bytes], place: Place, minutes: int) -> dict[str, object]:
    """The article as listings, its own header and link previews show it."""
    return {
        "title": article.title, "date": article.date, "summary": article.summary, "tags": article.tags,
        "tag_pages": [{"name": t, "path": tag_path(t)} for t in article.tags], "url": article.output_path, "draft": article.draft,
        "cover": _cover_image(article, output), "part": place.label, "minutes": minutes,
    }


def _cover_image(article: Article, output: Mapping[str, bytes]) -> dict[str, object] | None:
    """The listing image of ``article`` (see :func:`cover_path`), with its card-sized copy when there is one."""
    path = cover_path(article, output)
    if path is None:
        return None
    width, height = image_dimensions(output[path]) or (None, None)
    small = card_image_name(path)
    if small not in output:
        return {"url": path, "width": width, "height": height, "small_url": None}
    small_width, small_height = image_dimensions(output[small]) or (None, None)
    return {"url": path, "width": width, "height": height, "small_url": small, "small_width": small_width, "small_height": small_height}


def _neighbour(article: Article | None) -> dict[str, str] | None:
    return {"title": article.title, "url": article.output_path} if article else None


def _article_context(article: Article, body: RenderedMarkdown, listing: _Listing, config: SiteConfig) -> dict[str, object]:
    place = listing.places[article.slug]
    citation = article_citation(
        slug=article.slug,
        title=article.title,
        authors=article.authors or ((config.author,) if config.author else ()),
        date=article.date,
        site_title=config.title,
        url=config.base_url + article.output_path.removesuffix("index.html") if config.base_url else "",
    )
    return {
        "citation": citation,
        "cards": _has_cards(body.html),
        "page_title": article.title,
        "description": article.summary,
        "article": listing.card(article),
        "previous_article": _neighbour(place.previous),
        "next_article": _neighbour(place.next),
        "body": Markup(body.html),
        "toc": body.toc,
        "references": Markup(body.references_html),
        "playground": article.playground,
        "notebook": notebook_link(article.slug, listing.output),  # None when the article declares no figures
    }


def _has_cards(body_html: str) -> bool:
    """Whether the body has citations or cross-references, whose cards ``static/cards.js`` shows."""
    return 'class="citation__link"' in body_html or 'class="crossref"' in body_html


def _page_context(page: Page, body: RenderedMarkdown) -> dict[str, object]:
    return {"page_title": page.title, "description": page.summary, "body": Markup(body.html), "toc": body.toc, "references": Markup(body.references_html)}


def _tag_context(tag: TagPage, listing: _Listing) -> dict[str, object]:
    return {
        "page_title": f"Tagged \u201c{tag.name}\u201d",
        "description": f"Articles tagged {tag.name}.",
        "tag": {"name": tag.name},
        "articles": [listing.card(a) for a in tag.articles],
    }


def _social_page(output_path: str, context: Mapping[str, object]) -> SocialPage:
    """What link previews say about a page, from its template context; articles add their date, tags and cover."""
    card = context.get("article")
    if not isinstance(card, dict):
        return SocialPage(output_path, str(context["page_title"]), str(context.get("description") or ""))
    cover = card["cover"]
    size = (cover["width"], cover["height"]) if cover and cover["width"] else None
    return SocialPage(output_path, card["title"], card["summary"], "article", cover["url"] if cover else None, size, card["date"], card["tags"])
