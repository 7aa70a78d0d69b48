"""Page-level reuse: a document's rendered body, its search sections, reading count and a page's facts, from the page cache.

Each entry is named by a hash of everything that decides it, so reusing one
gives the bytes a clean build would make:

* a **body** (Markdown, math, citations and links rendered to HTML) depends on
  the document's path, text and first line, the bibliography it may cite, the
  figure numbers beside it, and on what is the same for every document of the
  build (the *site digest*): the builder's own code (KaTeX included), the
  settings, every source's output path, and the path and bytes of every figure
  and asset, which link checks, image sizes and posters read;
* a page's **search sections** depend on its title and its body, and its **reading count** on
  its body; both are named by the body's key (which decides its HTML) rather than by a hash of
  the HTML, which at a thousand pages cost 0.7 s of every build;
* a page's **facts** (links, ids, math; :mod:`site_builder.render.page_facts`)
  depend on its bytes and the code;
* a finished **page** depends on the site digest, the templates (every file of the theme's
  ``templates/``), the template's name, the page's output path and its whole template context,
  in which its body stands by the body's key; the page itself is not stored: the record of the
  output folder (:mod:`site_builder.write.site_record`) keeps its name, the SHA-256 and size of
  its bytes and its facts, and the previous site's file is linked when it still holds exactly
  those bytes (:meth:`~site_builder.write.output.SiteStaging.keep`), and rendered when not;
* an article's **notebook prose** (:func:`~site_builder.render.notebook_prose.article_prose`)
  depends on its text, its figures' names and numbers, what it may cite, the citation
  style, its address and the code;
* an article's **published notebook** (its outputs written in) depends on the notebook's
  bytes before it ran, its run's outputs and the code;
* an article's **notebook** before it runs (:func:`~site_builder.render.notebook.article_notebook`)
  depends on its title, address, summary, figure declarations and sweeps, its python figures'
  files, its notebook prose and the code.

The keys are conservative: an added article, a changed figure or a changed
setting renders every body again, and an edit to one article's text renders
that article alone; a changed template renders every page again but no body,
and an edit to one article's summary renders its page and the listings that
show it. A context holding a value without a stable text form (anything but
JSON's types, dates and dataclasses) names no page, which is then always rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import astuple, dataclass, fields, is_dataclass

from site_builder.experiments.custom.sources import CustomSources
from site_builder.experiments.specs import FigureSpec
from site_builder.experiments.sweeps import Sweep
from site_builder.load.bibliography import Bibliography
from site_builder.load.config import SiteConfig
from site_builder.load.frontmatter import Document
from site_builder.render.markup import RenderedMarkdown
from site_builder.render.markup.markdown import Reference, TocEntry
from site_builder.render.notebook import article_notebook
from site_builder.render.notebook_prose import NO_PROSE, ArticleProse, FigureProse, article_prose
from site_builder.render.notebook_run import with_outputs
from site_builder.render.page_facts import PageFacts
from site_builder.render.reading_time import ReadingCount
from site_builder.render.search import Section
from site_builder.write.page_cache import PageCache
from site_builder.write.site_record import RecordedPage, SiteRecord


def site_digest(code: str, config: SiteConfig, sources: Mapping[str, str], files: Mapping[str, bytes]) -> str:
    """What every body of the build depends on alike: ``code`` (a digest of the builder), settings, output paths, file bytes."""
    digest = hashlib.sha256(code.encode("utf-8") + b"\0" + repr(config).encode("utf-8") + b"\0")
    digest.update(json.dumps(sorted(sources.items())).encode("utf-8"))
    for path in sorted(files):
        digest.update(b"\0" + path.encode("utf-8") + b"\0" + hashlib.sha256(files[path]).digest())
    return digest.hexdigest()


@dataclass
class RenderMemo:
    """Looks bodies, sections and facts up in ``cache``, and pages in the output folder's ``record``; stores what it made."""

    cache: PageCache
    site: str  # see :func:`site_digest`
    code: str  # a digest of the builder's code
    templates: str = ""  # a digest of the templates (see :func:`~site_builder.render.templating.templates_digest`)
    record: SiteRecord | None = None  # the pages of the previous site in the output folder, and this build's
    bodies_reused: int = 0  # bodies served from the cache in this build
    pages_kept: int = 0  # pages not rendered, their previous file linked unchanged

    def body_key(self, document: Document, output_path: str, bibliography: Bibliography, numbers: Mapping[str, object]) -> str:
        """The name of the document's rendered body: a hash of everything that decides it (see the module docs)."""
        return _hash(self.site, document.path, output_path, document.body, str(document.body_line), repr(bibliography),
                     json.dumps(numbers, sort_keys=True, default=repr))

    def body(self, key: str, make: Callable[[], RenderedMarkdown]) -> RenderedMarkdown:
        """The rendered body named ``key`` (see :meth:`body_key`): from the cache, or made by ``make`` (and then stored)."""
        stored = self.cache.get("body", key)
        html = self.cache.get_text("html", key) if stored is not None else None
        if html is not None:
            try:
                body = _body_from_json(stored, html)
                self.bodies_reused += 1
                return body
            except (KeyError, TypeError, ValueError):
                pass  # not what we store: make it again
        made = make()
        self.cache.put("body", key, _body_to_json(made))
        self.cache.put_text("html", key, made.html)
        return made

    def sections(self, body_key: str, title: str, body_html: str, make: Callable[[str, str], list[Section]]) -> list[Section]:
        """The search sections of the page titled ``title`` whose body is ``body_html``, named ``body_key``: from the cache,
        or made by ``make(title, body_html)``. The key decides the HTML, so the HTML itself is not hashed again."""
        key = _hash(self.code, "sections", title, body_key)
        stored = self.cache.get("sections", key)
        if isinstance(stored, list) and all(isinstance(row, list) and len(row) == 3 and all(isinstance(x, str) for x in row) for row in stored):
            return [Section(*row) for row in stored]
        made = make(title, body_html)
        self.cache.put("sections", key, [[s.anchor, s.heading, s.text] for s in made])
        return made

    def reading(self, body_key: str, body_html: str, make: Callable[[str], ReadingCount]) -> ReadingCount:
        """The reading count (:mod:`~site_builder.render.reading_time`) of the body ``body_html``, named ``body_key``:
        from the cache, or made by ``make(body_html)``.

        Every listing shows every article's reading time, so without this an
        edit to one article would parse every article's HTML again.
        """
        key = _hash(self.code, "reading", body_key)
        stored = self.cache.get("reading", key)
        if isinstance(stored, list) and len(stored) == len(fields(ReadingCount)) and all(isinstance(n, int) and not isinstance(n, bool) for n in stored):
            return ReadingCount(*stored)
        made = make(body_html)
        self.cache.put("reading", key, list(astuple(made)))
        return made

    def page_key(self, template: str, output_path: str, context: Mapping[str, object], body_key: str | None) -> str | None:
        """The name of the page ``template`` makes at ``output_path`` from ``context`` (see the module docs), or ``None``
        when the context cannot be named. ``context["body"]``, the body's HTML, stands by ``body_key``; ``context["site"]``,
        the settings, is left out: the site digest holds them."""
        named = {name: value for name, value in context.items() if name != "site"}
        if body_key is not None:
            named["body"] = body_key
        try:
            text = json.dumps(named, sort_keys=True, ensure_ascii=False, default=_stable_form)
        except (TypeError, ValueError):  # an unnamed value, or keys json cannot sort
            return None
        return _hash(self.site, self.templates, "page", template, output_path, text)

    def previous_page(self, output_path: str, key: str) -> tuple[RecordedPage, PageFacts] | None:
        """The previous site's page at ``output_path`` with its facts, if it was made under the name ``key``."""
        recorded = self.record.previous(output_path) if self.record else None
        if recorded is None or recorded.name != key:
            return None
        try:
            return recorded, PageFacts.from_json(recorded.facts)  # type: ignore[arg-type]
        except (KeyError, TypeError):
            return None

    def note_page(self, output_path: str, key: str, page: RecordedPage | bytes, facts: PageFacts) -> None:
        """Record the page named ``key`` this build put at ``output_path``: the previous one kept, or ``page``'s bytes."""
        if self.record is None:
            return
        if isinstance(page, bytes):
            page = RecordedPage(key, hashlib.sha256(page).hexdigest(), len(page), facts.to_json())
        self.record.note(output_path, page)

    def known_facts(self, page_digest: str) -> PageFacts | None:
        """Facts about the page whose bytes hash to ``page_digest``, if an earlier build stored them."""
        stored = self.cache.get("facts", _hash(self.code, page_digest))
        try:
            return PageFacts.from_json(stored) if isinstance(stored, dict) else None
        except (KeyError, TypeError):
            return None

    def store_facts(self, learned: Mapping[str, PageFacts]) -> None:
        """Keep the facts this build parsed, by the SHA-256 of each page's bytes."""
        for page_digest, facts in learned.items():
            self.cache.put("facts", _hash(self.code, page_digest), facts.to_json())


def prose_memo(cache: PageCache, code: str) -> Callable[..., ArticleProse]:
    """:func:`~site_builder.render.notebook_prose.article_prose` in front of ``cache``, for :func:`~site_builder.render.notebook.article_notebooks`.

    Every build writes every article's notebook, so without this an edit to
    one article would protect the math and mentions of every article again.
    """
    def prose(body: str, figure_names: Sequence[str], *, numbers: Mapping[str, Mapping[str, object]] | None = None,
              bibliography: Bibliography | None = None, citation_style: str = "author-year", page_url: str | None = None) -> ArticleProse:
        key = _hash(code, body, json.dumps(list(figure_names)), json.dumps(numbers or {}, sort_keys=True, default=repr),
                    repr(bibliography), citation_style, repr(page_url))
        stored = _prose_from_json(cache.get("prose", key))
        if stored is not None:
            return stored
        made = article_prose(body, figure_names, numbers=numbers, bibliography=bibliography, citation_style=citation_style, page_url=page_url)
        cache.put("prose", key, {"figures": [list(astuple(figure)) for figure in made.figures], "references": list(made.references)})
        return made

    return prose


NotebookMemos = Mapping[str, Callable[..., object]]


def notebook_memos(cache: PageCache, code: str) -> NotebookMemos:
    """Keyword arguments for :func:`~site_builder.render.notebook.article_notebooks` that put its makers in front of ``cache``."""
    return {"prose_of": prose_memo(cache, code), "notebook_of": notebook_memo(cache, code)}


def notebook_memo(cache: PageCache, code: str) -> Callable[..., bytes]:
    """:func:`~site_builder.render.notebook.article_notebook` in front of ``cache``, for :func:`~site_builder.render.notebook.article_notebooks`.

    Every build makes every article's notebook twice (to start its run, then with
    the run's numbers in its text), so without this an edit to one article would
    write out every article's notebook again, about 13 ms each.
    """
    def notebook(title: str, page_url: str | None, figures: Sequence[FigureSpec], sources: Mapping[str, CustomSources] | None = None,
                 *, prose: ArticleProse = NO_PROSE, summary: str = "", sweeps: Mapping[str, Sweep] | None = None) -> bytes:
        key = _hash(code, title, repr(page_url), repr(list(figures)), _sources_digest(sources or {}), repr(prose), summary,
                    repr(sorted((sweeps or {}).items())))
        stored = cache.get("notebook", key)
        if isinstance(stored, str):
            return stored.encode("utf-8")
        made = article_notebook(title, page_url, figures, sources, prose=prose, summary=summary, sweeps=sweeps)
        cache.put("notebook", key, made.decode("utf-8"))
        return made

    return notebook


def published_notebook_memo(cache: PageCache, code: str) -> Callable[[bytes, list], bytes]:
    """:func:`~site_builder.render.notebook_run.with_outputs` in front of ``cache``.

    Jupyter's layout is JSON indented by one space, which only json's pure-Python
    encoder writes: about 6 ms for each article's notebook, on every build, without this.
    """
    def published(source: bytes, cells: list) -> bytes:
        key = _hash(code, hashlib.sha256(source).hexdigest(), json.dumps(cells, sort_keys=True, ensure_ascii=False))
        stored = cache.get("published", key)
        if isinstance(stored, str):
            return stored.encode("utf-8")
        made = with_outputs(source, cells)
        cache.put("published", key, made.decode("utf-8"))
        return made

    return published


def _sources_digest(sources: Mapping[str, CustomSources]) -> str:
    """The python figures' files, by figure name: each path and the SHA-256 of its bytes."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(_hash(name, sources[name].script).encode())
        for kind, files in (("code", sources[name].code), ("inputs", sources[name].inputs)):
            for path in sorted(files):
                digest.update(_hash(kind, path).encode() + hashlib.sha256(files[path]).digest())
    return digest.hexdigest()


def _prose_from_json(stored: object) -> ArticleProse | None:
    """The prose :func:`prose_memo` stored, or ``None`` for anything else."""
    if not isinstance(stored, dict) or not isinstance(stored.get("figures"), list) or not isinstance(stored.get("references"), list):
        return None
    figures = []
    for row in stored["figures"]:
        if not (isinstance(row, list) and len(row) == 6 and all(isinstance(row[i], str) for i in (0, 1, 3, 4, 5))
                and (row[2] is None or type(row[2]) is int)):
            return None
        figures.append(FigureProse(*row))
    if not all(isinstance(line, str) for line in stored["references"]):
        return None
    return ArticleProse(tuple(figures), tuple(stored["references"]))


def _stable_form(value: object) -> object:
    """How a template context's dates and dataclasses enter a page's key; anything else names no page."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return repr(value)
    raise TypeError(f"no stable form for {type(value).__name__}")


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(str(len(encoded)).encode() + b":" + encoded)
    return digest.hexdigest()


def _body_to_json(body: RenderedMarkdown) -> dict[str, object]:
    """All of ``body`` but its HTML, which is stored as text beside it (see :mod:`~site_builder.write.page_cache`)."""
    return {"toc": [[t.level, t.anchor, t.title] for t in body.toc],
            "references": [[r.kind, r.target, r.line] for r in body.references], "math_count": body.math_count,
            "references_html": body.references_html}


def _body_from_json(data: object, html: str) -> RenderedMarkdown:
    if not isinstance(data, dict):
        raise TypeError("a stored body is an object")
    toc: Sequence[list] = data["toc"]
    references: Sequence[list] = data["references"]
    body = RenderedMarkdown(html, tuple(TocEntry(int(l), str(a), str(t)) for l, a, t in toc),
                            tuple(Reference(str(k), str(t), int(n)) for k, t, n in references), int(data["math_count"]),
                            str(data["references_html"]))
    if not isinstance(data["references_html"], str):
        raise TypeError("a stored body holds HTML text")
    return body
