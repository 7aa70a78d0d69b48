"""The site's search index: every article and page cut into sections, and the words in each.

Built at build time from the rendered pages and written as ``search-index.js``,
a script that sets ``window.SITE_SEARCH_INDEX``. A script tag loads it, so
search works from ``file://`` too, where browsers refuse ``fetch``. The
search page's own script (``static/search.js``) scores the sections with
BM25 over these counts; the two sides split text into words the same way
(:func:`words`, ``words`` in search.js), which a test checks.

The index holds, with no clock or randomness and in a fixed order (same
sources, same bytes):

* ``pages``: ``[title, url, summary]`` for each article (newest first), then each page;
* ``sections``: ``[page, anchor, heading, text]``, the text before the first
  heading having the anchor ``""`` and the page's title as its heading;
* ``lengths``: the number of words in each section's text;
* ``terms``: each word (sorted) and where it occurs: ``[section, count, section, count, ...]``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from site_builder.render.page_facts import VOID_ELEMENTS

INDEX_FILE = "search-index.js"
SEARCH_PAGE = "search.html"
GLOBAL_NAME = "SITE_SEARCH_INDEX"
_WORD = re.compile(r"[^\W_]+")
_SPLIT_AT = ("h2", "h3")
_SKIPPED_TAGS = ("annotation", "script", "style", "template")
# Display formulas read badly as a line of text in a snippet (fractions, equation numbers): only inline math is indexed.
_SKIPPED_CLASSES = ("headerlink", "footnote-backref", "visually-hidden", "katex-html", "references__back", "math-display")
_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "blockquote", "pre", "tr", "td", "th", "table", "ol", "ul", "dt", "dd", "section"}


@dataclass(frozen=True)
class SearchDocument:
    """A page to index: its title, its output path, its summary and its body's HTML."""

    title: str
    url: str
    summary: str
    body_html: str


@dataclass(frozen=True)
class Section:
    anchor: str  # "" for the text before the first heading
    heading: str
    text: str


def words(text: str) -> list[str]:
    """The words search matches on: accents removed, lower case, letters and digits only (``x²`` -> ``x2``).

    Whitespace never joins or splits a word, so the text is taken a whitespace-separated
    chunk at a time, and a chunk met before (most of them: prose repeats its words) is not
    worked out again.
    """
    found: list[str] = []
    for chunk in text.split():
        found.extend(_chunk_words(chunk))
    return found


@functools.lru_cache(maxsize=1 << 16)
def _chunk_words(chunk: str) -> tuple[str, ...]:
    if not chunk.isascii():  # ASCII has nothing to decompose and no marks to drop
        decomposed = unicodedata.normalize("NFKD", chunk)
        chunk = "".join(char for char in decomposed if not unicodedata.category(char).startswith("M"))
    return tuple(_WORD.findall(chunk.lower()))


def sections(title: str, body_html: str) -> list[Section]:
    """The body cut at each ``<h2>`` and ``<h3>`` with an id; what no reader sees (aria-hidden, TeX source, permalinks) is left out."""
    reader = _SectionReader(title)
    reader.feed(body_html)
    reader.close()
    return [s for s in reader.finish() if s.text or s.anchor]


def search_index(documents: Sequence[SearchDocument], sections_of: Callable[[str, str], list[Section]] | None = None) -> bytes:
    """``search-index.js`` for ``documents`` (see the module docs for its shape).

    ``sections_of(title, body_html)`` cuts a page into sections: :func:`sections`, or a cache in front of it.
    """
    sections_of = sections_of or sections
    pages = [[d.title, d.url, d.summary] for d in documents]
    rows: list[list[object]] = []
    lengths: list[int] = []
    postings: dict[str, list[int]] = {}
    for number, document in enumerate(documents):
        for section in sections_of(document.title, document.body_html):
            index = len(rows)
            rows.append([number, section.anchor, section.heading, section.text])
            found = words(section.text)
            lengths.append(len(found))
            for word, count in sorted(Counter(found).items()):
                postings.setdefault(word, []).extend((index, count))
    index = {"pages": pages, "sections": rows, "lengths": lengths, "terms": dict(sorted(postings.items()))}
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    data = data.replace("</", "<\\/")  # never "</script>" inside a script, whatever the text says
    return f"window.{GLOBAL_NAME} = {data};\n".encode("utf-8")


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
