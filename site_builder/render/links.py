"""Where author links point: from a source file's href to the output URL, or to a problem.

All internal URLs in the site are relative, so one output works from
``file://``, at a domain root and under a GitHub Pages project path. Authors
link to *source* files (``../about.md``, ``ReLU.png``); this module maps those
to output paths and back, and says precisely what is wrong when it cannot.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


def relative_url(from_page: str, to_path: str) -> str:
    """URL of output file ``to_path`` as seen from output page ``from_page`` (both root-relative)."""
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_path, start)


def root_prefix(page: str) -> str:
    """The ``../`` chain from ``page`` back to the site root ("" at top level)."""
    return "../" * page.count("/")


def is_external(href: str) -> bool:
    """True for URLs we do not check: other hosts, mail, data and JavaScript-free schemes."""
    parts = urlsplit(href)
    return bool(parts.scheme) or href.startswith("//")


@dataclass(frozen=True)
class Target:
    """Where an author's href leads: an output path (maybe ``None`` for the same page) and a fragment."""

    output_path: str | None
    fragment: str


class LinkMap:
    """Maps project files (``content/about.md``, ``static/x.pdf``) to their output paths.

    ``sources`` maps each Markdown source to the page it becomes; ``files``
    is every output file path, so links to figures, assets and static files
    can be checked too.
    """

    def __init__(self, sources: Mapping[str, str], files: frozenset[str]) -> None:
        self._sources = dict(sources)
        self._files = files
        self._outputs = {output: source for source, output in sources.items()}

    def resolve(self, source: str, href: str) -> Target | str:
        """Resolve ``href`` written in ``source``; return the target or a message saying what is wrong."""
        parts = urlsplit(href)
        path, fragment = unquote(parts.path), parts.fragment
        if not path:
            return Target(None, fragment)
        if path.startswith("/"):
            return f"'{href}' starts with '/', which breaks under a project path; write a link relative to this file"
        project_path = posixpath.normpath(posixpath.join(posixpath.dirname(source), path))
        if project_path.startswith("../") or project_path == "..":
            return f"'{href}' points outside the project"
        output = self._output_for(project_path)
        if output is None:
            return f"'{href}' points to {project_path}, which does not exist in the site; check the path"
        return Target(output, fragment)

    def url(self, source: str, href: str) -> str:
        """The output URL for ``href`` written in ``source`` (unchanged if external or broken)."""
        if is_external(href):
            return href
        target = self.resolve(source, href)
        if isinstance(target, str) or target.output_path is None:
            return href
        url = relative_url(self._sources[source], target.output_path)
        return f"{url}#{target.fragment}" if target.fragment else url

    def _output_for(self, project_path: str) -> str | None:
        if project_path in self._sources:
            return self._sources[project_path]
        for prefix in ("content/", ""):
            if project_path.startswith(prefix):
                candidate = project_path[len(prefix):]
                for option in (candidate, posixpath.join(candidate, "index.html")):
                    if option in self._files:
                        return option
        return None
