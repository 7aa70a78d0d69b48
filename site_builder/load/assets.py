"""Files published as they are: the theme's ``static/`` (the project's files over the default theme's),
article folders' own files, and KaTeX's CSS and fonts."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from site_builder.load.content import CONTENT_DIR, Content
from site_builder.load.theme import STATIC_DIR, Theme
from site_builder.problems import BuildFailed, Problem


def collect_assets(theme: Theme, content: Content, generated: Mapping[str, bytes]) -> dict[str, bytes]:
    """Output path -> bytes for every copied file, plus ``generated`` files (KaTeX, highlighting CSS)
    and the stylesheet bundle made from them (:func:`bundle_stylesheets`).

    A static file that would collide with a generated one is a problem, not a silent overwrite.
    """
    assets: dict[str, bytes] = {}
    problems: list[Problem] = []
    root = theme.project
    for relative, path in theme.files(STATIC_DIR).items():
        shown = f"{STATIC_DIR}/{relative}"
        if theme.is_project_file(path) and not path.resolve().is_relative_to(root):
            problems.append(Problem(shown, None, f"this is a symbolic link to {path.resolve()}, outside the project; the builder never publishes files from outside it, so copy the file in instead"))
        elif path.is_file():
            assets[shown] = path.read_bytes()
    for article in content.articles:
        folder = root / CONTENT_DIR / article.slug
        for relative in article.assets:
            assets[f"{article.slug}/{relative}"] = (folder / relative).read_bytes()
    clashes = sorted(set(assets) & (set(generated) | {BUNDLE}))
    problems += [Problem(path, None, "this file would overwrite one the builder generates; rename or move it") for path in clashes]
    published = {**assets, **generated}
    missing = [part for part in BUNDLED if part not in published]
    problems += [Problem(part, None, f"this stylesheet is missing from the project and the default theme; every page loads it as part of {BUNDLE}, so restore it or create it empty") for part in missing]
    if problems:
        raise BuildFailed(problems)
    return published | {BUNDLE: bundle_stylesheets(published)}


BUNDLE = "static/site.css"
BUNDLED = ("static/katex/katex.min.css", "static/highlight.css", "static/style.css", "static/playground/playground.css")
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")


def bundle_stylesheets(files: Mapping[str, bytes], parts: tuple[str, ...] = BUNDLED, bundle: str = BUNDLE) -> bytes:
    """The stylesheets ``parts`` (output paths in ``files``) joined into one file at ``bundle``.

    Pages need them before their first paint; one request instead of several
    shortens that critical path on slow connections, and the parts a page does
    not use (the playground's rules, say) cost a few compressed kilobytes once,
    after which every page has the bundle cached. Relative ``url()``
    references are rewritten to stay correct from the bundle's folder.
    """
    texts = []
    for part in parts:
        css = files[part].decode("utf-8")
        texts.append(f"/* {part} */\n" + _CSS_URL.sub(lambda m: _relocated(m, part, bundle), css))
    return "\n".join(texts).encode("utf-8")


def _relocated(match: re.Match[str], source: str, bundle: str) -> str:
    url = match.group(2)
    if url.startswith(("data:", "/", "#")) or "://" in url:
        return match.group(0)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
    return f"url({posixpath.relpath(target, posixpath.dirname(bundle))})"
