"""What the finished checks need to know about an output page, read in one pass over its HTML.

Three later stages look inside every page: the author-link check (the ids a
``#fragment`` may name), the output link check (every ``href``/``src``/... and
the ids) and font subsetting (the characters and class names inside the math).
Each used to parse every page with its own :class:`html.parser.HTMLParser`;
at a few hundred pages those parses were most of the render time. Now one
parser collects all of it, exactly as the three did (the same tags, the same
attributes, the same rules for what counts as math), and a :class:`PageReader`
hands the result to every stage, so each page is parsed once per build, or not
at all when a fact store (see :mod:`site_builder.write.page_cache`) already knows its bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser

URL_ATTRIBUTES = frozenset({"href", "src", "poster", "data"})
# HTML elements that have no end tag: a parser that keeps a stack of open elements must not push them.
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})


@dataclass(frozen=True)
class PageFacts:
    """The references, ids and math of one HTML page."""

    references: tuple[str, ...]  # every URL in href/src/poster/data and each srcset candidate, in page order
    ids: frozenset[str]  # every id, and every name outside <meta>: the fragments a link may name
    math_characters: frozenset[str]  # text inside class="katex" elements, MathML <annotation> (TeX source) excepted
    math_classes: frozenset[str]  # class names used inside those elements

    def to_json(self) -> dict[str, list[str]]:
        return {"references": list(self.references), "ids": sorted(self.ids), "math_characters": sorted(self.math_characters), "math_classes": sorted(self.math_classes)}

    @classmethod
    def from_json(cls, data: Mapping[str, list[str]]) -> PageFacts:
        """Facts stored by :meth:`to_json`; raises ``KeyError``/``TypeError`` on anything else."""
        lists = [data[name] for name in ("references", "ids", "math_characters", "math_classes")]
        if not all(isinstance(items, list) and all(isinstance(item, str) for item in items) for items in lists):
            raise TypeError("page facts hold lists of strings")
        return cls(tuple(lists[0]), frozenset(lists[1]), frozenset(lists[2]), frozenset(lists[3]))


class _Collector(HTMLParser):
    """One pass: URLs and ids (as the output link check reads them) and math text (as font subsetting does)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []
        self.ids: set[str] = set()
        self.characters: set[str] = set()
        self.classes: set[str] = set()
        self._math: list[bool] = []  # for each open non-void element: is its text inside math?

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.references.append(value)
            elif name == "srcset":
                self.references.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name in ("id", "name") and tag != "meta":
                self.ids.add(value)
        if tag in VOID_ELEMENTS:
            return
        classes = (dict(attrs).get("class") or "").split()
        inside = bool(self._math and self._math[-1]) or "katex" in classes
        self._math.append(inside and tag != "annotation")
        if inside:
            self.classes.update(classes)

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and self._math:
            self._math.pop()

    def handle_data(self, data: str) -> None:
        if self._math and self._math[-1]:
            self.characters.update(data)


def read_page(data: bytes) -> PageFacts:
    """Parse one HTML page (bytes, UTF-8; undecodable bytes replaced) and collect its facts."""
    collector = _Collector()
    collector.feed(data.decode("utf-8", "replace"))
    collector.close()
    return PageFacts(tuple(collector.references), frozenset(collector.ids),
                     frozenset(c for c in collector.characters if not c.isspace()), frozenset(collector.classes))


@dataclass
class PageReader:
    """Facts about pages, each page parsed at most once per build.

    ``known`` looks facts up by the SHA-256 of a page's bytes (a verified store
    from an earlier build) and ``learned`` receives what this build had to parse,
    so the caller can store it. Facts are found by the bytes' digest, never by
    path, so a page that changed under the same path is parsed again, and no
    page's bytes are kept.
    """

    known: Callable[[str], PageFacts | None] = lambda digest: None
    learned: dict[str, PageFacts] = field(default_factory=dict)  # SHA-256 of bytes -> facts parsed in this build
    parsed: int = 0

    def facts(self, data: bytes) -> PageFacts:
        """The facts of the page whose bytes are ``data``."""
        digest = hashlib.sha256(data).hexdigest()
        found = self.learned.get(digest) or self.known(digest)
        if found is None:
            found = read_page(data)
            self.parsed += 1
            self.learned[digest] = found
        return found

    def pages(self, files: Mapping[str, bytes]) -> dict[str, PageFacts]:
        """Facts of every ``.html`` file in ``files``."""
        return {path: self.facts(data) for path, data in files.items() if path.endswith(".html")}


def union_math(facts: Iterable[PageFacts]) -> tuple[frozenset[str], frozenset[str]]:
    """The math characters and classes over many pages."""
    characters: set[str] = set()
    classes: set[str] = set()
    for page in facts:
        characters |= page.math_characters
        classes |= page.math_classes
    return frozenset(characters), frozenset(classes)
