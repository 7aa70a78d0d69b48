"""The site's search index: every article and page cut into sections, and the words in each.

Built at build time from the rendered pages and written as ``search-index.js``,
a script that sets ``window.SITE_SEARCH_INDEX``. A script tag loads it, so
search works from ``file://`` too, where browsers refuse ``fetch``.

The index holds each section's visible text and nothing derived from it: the
search page's own script (``static/search.js``) splits the text into words
and builds the inverted index it scores with BM25 the first time a reader
searches, as MkDocs' search does with lunr. So the build never counts words:
a one-word edit costs the index one page's sections (from the page cache for
every other page) and one ``json.dumps``, at any size of site. Word
splitting has one implementation, in JavaScript; a test holds it to a Python
definition.

The index holds, with no clock or randomness and in a fixed order (same
sources, same bytes):

* ``pages``: ``[title, url, summary]`` for each article (newest first), then each page;
* ``sections``: ``[page, anchor, heading, text]``, the text before the first
  heading having the anchor ``""`` and the page's title as its heading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from site_builder.render.page_facts import VOID_ELEMENTS

INDEX_FILE = "search-index.js"
SEARCH_PAGE = "search.html"
GLOBAL_NAME = "SITE_SEARCH_INDEX"
_SPLIT_AT = ("h2", "h3")
_SKIPPED_TAGS = ("annotation", "script", "style", "template")
# Display formulas read badly as a line of text in a snippet (fractions, equation numbers): only inline math is indexed.
_SKIPPED_CLASSES = ("headerlink", "footnote-backref", "visually-hidden", "katex-html", "references__back", "math-display")
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "blockquote", "pre", "tr", "td", "th", "table", "ol", "ul", "dt", "dd", "section"}


@dataclass(frozen=True)
class Section:
    anchor: str  # "" for the text before the first heading
    heading: str
    text: str


@dataclass(frozen=True)
class SearchDocument:
    """A page as search finds it: its title, its output path, its summary and its body cut into :func:`sections`."""

    title: str
    url: str
    summary: str
    sections: Sequence[Section]


def sections(title: str, body_html: str) -> list[Section]:
    """The body cut at each ``<h2>`` and ``<h3>`` with an id; what no reader sees (aria-hidden, TeX source, permalinks) is left out."""
    reader = _SectionReader(title)
    reader.feed(body_html)
    reader.close()
    return [s for s in reader.finish() if s.text or s.anchor]


def search_index(documents: Sequence[SearchDocument]) -> bytes:
    """``search-index.js`` for ``documents`` (see the module docs for its shape).

    Each page's sections are encoded on their own and joined: at a thousand
    pages the index is about 20 MB, and encoding it in one piece held the
    text four times over (rows, JSON text, escaped text, bytes).
    """
    parts = [f"window.{GLOBAL_NAME} = ".encode("utf-8"), b'{"pages":', _json([[d.title, d.url, d.summary] for d in documents]), b',"sections":[']
    rows = (_json([[number, s.anchor, s.heading, s.text] for s in document.sections])[1:-1]
            for number, document in enumerate(documents) if document.sections)
    parts += [b",".join(rows), b"]};\n"]
    return b"".join(parts)


def _json(value: object) -> bytes:
    """Compact JSON in UTF-8 that never holds ``</`` (so never ``</script>``), whatever the text says."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/").encode("utf-8")


class _SectionReader(HTMLParser):
    """Collects visible text, starting a new section at each heading that has an id."""

    def __init__(self, title: str) -> None:
        super().__init__(convert_charrefs=True)
        self._done: list[Section] = []
        self._anchor, self._heading = "", title
        self._text: list[str] = []
        self._heading_text: list[str] | None = None
        self._open: list[tuple[str, bool]] = []  # (tag, hidden) for each open element
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        hidden = tag in _SKIPPED_TAGS or attributes.get("aria-hidden") == "true" or any(c in _SKIPPED_CLASSES for c in classes)
        if tag in _SPLIT_AT and attributes.get("id") and not self._hidden:
            self._close_section()
            self._anchor, self._heading_text = str(attributes["id"]), []
        if tag in VOID_ELEMENTS:
            if tag in ("br", "hr"):
                self._space()
            return
        self._open.append((tag, hidden))
        self._hidden += hidden

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            open_tag, hidden = self._open.pop()
            self._hidden -= hidden
            if open_tag == tag:
                break
        if tag in _SPLIT_AT and self._heading_text is not None:
            self._heading = " ".join("".join(self._heading_text).split())
            self._heading_text = None
        if tag in _BLOCKS:
            self._space()

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        (self._heading_text if self._heading_text is not None else self._text).append(data)

    def _space(self) -> None:
        target = self._heading_text if self._heading_text is not None else self._text
        target.append(" ")

    def _close_section(self) -> None:
        self._done.append(Section(self._anchor, self._heading, " ".join("".join(self._text).split())))
        self._text = []

    def finish(self) -> list[Section]:
        self._close_section()
        return self._done
