"""The last gate before writing: every internal reference in the finished site resolves.

Author links are checked against their sources earlier, with line numbers.
This pass reads the *output* (templates included) the way a browser would, so
a broken stylesheet link in a template or a missing ``#fragment`` cannot ship.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from site_builder.render.links import is_external
from site_builder.problems import Problem

_URL_ATTRIBUTES = {"href", "src", "poster", "data"}
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class _ReferenceCollector(HTMLParser):
    """Collects referenced URLs and the ids a page defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRIBUTES:
                self.references.append(value)
            elif name == "srcset":
                self.references.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name in ("id", "name") and tag != "meta":
                self.ids.add(value)


def find_broken_references(files: Mapping[str, bytes]) -> list[Problem]:
    """Problems for each internal href/src/CSS url() in ``files`` that does not resolve.

    ``files`` maps output paths to their bytes. Pages are the ``.html`` files,
    stylesheets the ``.css`` files; fragments are checked against target ids.
    """
    pages = {path: _collect(data) for path, data in files.items() if path.endswith(".html")}
    problems: list[Problem] = []
    for path, collector in sorted(pages.items()):
        for reference in collector.references:
            message = _check(path, reference, files, pages)
            if message:
                problems.append(Problem(f"(output) {path}", None, message))
    for path, data in sorted(files.items()):
        if path.endswith(".css"):
            for reference in _CSS_URL.findall(data.decode("utf-8", "replace")):
                if not reference.startswith("data:"):
                    message = _check(path, reference, files, pages)
                    if message:
                        problems.append(Problem(f"(output) {path}", None, message))
    return problems


def _collect(data: bytes) -> _ReferenceCollector:
    collector = _ReferenceCollector()
    collector.feed(data.decode("utf-8", "replace"))
    collector.close()
    return collector


def _check(page: str, reference: str, files: Mapping[str, bytes], pages: Mapping[str, _ReferenceCollector]) -> str | None:
    if is_external(reference):
        return None
    parts = urlsplit(reference)
    target = page
    if parts.path:
        if parts.path.startswith("/"):
            return f"'{reference}' is root-relative and breaks under a project path"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        if target not in files:
            return f"'{reference}' points to {target}, which the build does not produce"
    if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
        return f"'{reference}' points to a missing fragment '#{parts.fragment}' in {target}"
    return None


def page_ids(data: bytes) -> frozenset[str]:
    """Every ``id`` (and anchor ``name``) defined in an HTML page: the fragments a link may name."""
    return frozenset(_collect(data).ids)
