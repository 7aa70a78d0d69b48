"""The last gate before writing: every internal reference in the finished site resolves.

Author links are checked against their sources earlier, with line numbers.
This pass reads the *output* (templates included) the way a browser would, so
a broken stylesheet link in a template or a missing ``#fragment`` cannot ship.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping, Set
from types import MappingProxyType
from urllib.parse import unquote, urlsplit

from site_builder.render.links import is_external
from site_builder.render.page_facts import PageFacts, PageReader, read_page
from site_builder.problems import Problem

_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def find_broken_references(files: Mapping[str, bytes], reader: PageReader | None = None,
                           written: Mapping[str, PageFacts] = MappingProxyType({})) -> list[Problem]:
    """Problems for each internal href/src/CSS url() of the site that does not resolve.

    The site is ``files`` (output path -> bytes) and the pages in ``written``
    (output path -> facts), which were written as they were made and are known
    here by their facts alone. Pages are the ``.html`` files, stylesheets the
    ``.css`` files; fragments are checked against target ids. ``reader`` serves
    pages already parsed in this build (see :mod:`~site_builder.render.page_facts`).
    """
    pages = {**(reader or PageReader()).pages(files), **written}
    paths = files.keys() | written.keys()
    problems: list[Problem] = []
    for path, facts in sorted(pages.items()):
        for reference in facts.references:
            message = _check(path, reference, paths, pages)
            if message:
                problems.append(Problem(f"(output) {path}", None, message))
    for path, data in sorted(files.items()):
        if path.endswith(".css"):
            for reference in _CSS_URL.findall(data.decode("utf-8", "replace")):
                if not reference.startswith("data:"):
                    message = _check(path, reference, paths, pages)
                    if message:
                        problems.append(Problem(f"(output) {path}", None, message))
    return problems


def _check(page: str, reference: str, paths: Set[str], pages: Mapping[str, PageFacts]) -> str | None:
    if is_external(reference):
        return None
    parts = urlsplit(reference)
    target = page
    if parts.path:
        if parts.path.startswith("/"):
            return f"'{reference}' is root-relative and breaks under a project path"
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        if target not in paths:
            return f"'{reference}' points to {target}, which the build does not produce"
    if parts.fragment and target in pages and unquote(parts.fragment) not in pages[target].ids:
        return f"'{reference}' points to a missing fragment '#{parts.fragment}' in {target}"
    return None


def page_ids(data: bytes) -> frozenset[str]:
    """Every ``id`` (and anchor ``name``) defined in an HTML page: the fragments a link may name."""
    return read_page(data).ids
