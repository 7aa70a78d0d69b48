"""Site settings: ``site.toml`` parsed into a frozen, typed :class:`SiteConfig`.

Every problem (unknown key, wrong type, bad value) is collected and reported
with the key's line, so an author fixes them all in one go. A missing
``site.toml`` is not an error: the defaults below make a working site.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.problems import BuildFailed, Problem
from site_builder.load.sourcefiles import read_utf8

CONFIG_FILE = "site.toml"
RAW_HTML_POLICIES = ("omit", "keep")  # as render/markup/raw_html.py knows them (a test holds the two together)


@dataclass(frozen=True)
class SiteConfig:
    """Settings for the whole site. Field docs double as the reference for ``site.toml``."""

    title: str = "Untitled site"
    """Shown in every page's header and ``<title>``."""
    description: str = ""
    """One sentence for the home page and search engines."""
    author: str = ""
    """Named in the footer and the page metadata."""
    language: str = "en"
    """BCP 47 language tag for ``<html lang>``, e.g. ``en`` or ``en-GB``."""
    base_url: str = ""
    """Absolute URL the site is published at, e.g. ``https://user.github.io/repo/``.
    Used only where absolute links are required (canonical tags, feeds, a notebook's link back to its
    article, which is left relative while this is empty or the example's ``example.github.io``); may be empty."""
    output_dir: str = "_site"
    """Folder the build writes, relative to the project root (``--out`` overrides it)."""
    cname: str = ""
    """Custom domain the site is served at on GitHub Pages, e.g. ``docs.example.com``.
    ``deploy`` writes it to the ``CNAME`` file of the published branch; empty means none."""
    raw_html: str = "omit"
    """What becomes of HTML written in the Markdown of articles and pages: ``omit`` (the default,
    as Hugo does) replaces each tag or block with ``<!-- raw HTML omitted -->``, drops ``on...=``
    handlers and ``style`` from ``{...}`` attributes and empties ``javascript:`` and ``data:`` links,
    so no text can run a script in readers' browsers; ``keep`` publishes it as written, for a site
    whose every author is trusted."""
    bibliography: str = ""
    """A BibTeX file every article and page may cite from, relative to the project root, e.g.
    ``content/references.bib`` (under ``content/``, ``serve`` rebuilds when it changes); empty means none. An article also cites from its own
    ``references.bib`` beside it (or the file its front matter key ``bibliography`` names); a key defined in both is an error."""
    citation_style: str = "author-year"
    """How citations read: ``author-year`` ("Cybenko (1989)", "(Nair and Hinton 2010)", references
    sorted by author) or ``numeric`` ("Cybenko [1]", "[1, 2]", references in order of first citation)."""
    search: bool = True
    """Write a search page (``search.html``) and its index, and put a search box in every page's header
    (``/`` focuses it). The index is built at build time and loaded with a ``<script>`` tag, so search works from disk."""


CITATION_STYLES = ("author-year", "numeric")
# The host of the example site's placeholder base_url: a site that still names it has no real address yet.
EXAMPLE_HOST = "example.github.io"
_FIELDS = {f.name: f for f in dataclasses.fields(SiteConfig)}
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def load_config(root: Path) -> tuple[SiteConfig, tuple[str, ...]]:
    """Read ``root/site.toml``; return the config and notices (not errors) for the author.

    Raises :class:`BuildFailed` listing every problem in the file.
    """
    path = root / CONFIG_FILE
    if not path.is_file():
        return SiteConfig(), (f"{CONFIG_FILE} not found in {root}; using default settings",)
    return parse_config(read_utf8(path, CONFIG_FILE), CONFIG_FILE), ()


def parse_config(text: str, path: str = CONFIG_FILE) -> SiteConfig:
    """Parse the text of a ``site.toml``; ``path`` is only used in messages."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BuildFailed([_toml_problem(path, error)]) from None
    problems: list[Problem] = []
    values: dict[str, str | bool] = {}
    for key, value in raw.items():
        line = _key_line(text, key)
        if key not in _FIELDS:
            known = ", ".join(_FIELDS)
            problems.append(Problem(path, line, f"unknown setting '{key}'; known settings: {known}"))
        elif isinstance(_FIELDS[key].default, bool):
            if isinstance(value, bool):
                values[key] = value
            else:
                problems.append(Problem(path, line, f"'{key}' must be true or false, not {_toml_type(value)}"))
        elif not isinstance(value, str):
            problems.append(
                Problem(path, line, f"'{key}' must be a string, not {_toml_type(value)}")
            )
        else:
            message = _check_value(key, value)
            if message:
                problems.append(Problem(path, line, message))
            values[key] = value
    if problems:
        raise BuildFailed(problems)
    if "base_url" in values:
        values["base_url"] = _with_trailing_slash(str(values["base_url"]))
    return SiteConfig(**values)  # type: ignore[arg-type]


def with_base_url(config: SiteConfig, base_url: str) -> SiteConfig:
    """``config`` with ``base_url`` replaced (the build's ``--base-url``), checked and normalised like ``site.toml``.

    An empty string is allowed: it turns off everything that needs absolute URLs.
    """
    message = _check_value("base_url", base_url)
    if message:
        raise BuildFailed([Problem("--base-url", None, message.replace("'base_url'", "--base-url"))])
    return dataclasses.replace(config, base_url=_with_trailing_slash(base_url))


def published_base_url(base_url: str) -> str:
    """``base_url`` if it is a real address readers can follow, else ``""``: unset, or still the example's placeholder.

    Canonical tags and feeds use ``base_url`` as it is; what is handed to readers to follow
    (a notebook's link back to its article) must never point at the placeholder.
    """
    return "" if not base_url or urlsplit(base_url).hostname == EXAMPLE_HOST else base_url


def _with_trailing_slash(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def _check_value(key: str, value: str) -> str | None:
    """Return a message when a string setting has an unusable value."""
    if key == "base_url" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return f"'base_url' must be an absolute http(s) URL such as https://user.github.io/repo/, not '{value}'"
    if key == "language" and not _LANGUAGE_TAG.match(value):
        return f"'language' must be a language tag such as 'en' or 'en-GB', not '{value}'"
    if key == "cname" and value and not _DOMAIN.match(value):
        return f"'cname' must be a domain name such as docs.example.com, without https:// or a path, not '{value}'"
    if key == "raw_html" and value not in RAW_HTML_POLICIES:
        return f"'raw_html' must be 'omit' (drop HTML written in Markdown) or 'keep' (publish it as written), not '{value}'"
    if key == "citation_style" and value not in CITATION_STYLES:
        return f"'citation_style' must be one of {', '.join(repr(s) for s in CITATION_STYLES)}, not '{value}'"
    if key == "bibliography" and value and (Path(value).is_absolute() or ".." in Path(value).parts or not value.endswith(".bib")):
        return f"'bibliography' must be a .bib file inside the project, such as 'references.bib', not '{value}'"
    if key == "output_dir":
        if not value or Path(value).is_absolute() or ".." in Path(value).parts:
            return f"'output_dir' must be a folder inside the project, such as '_site', not '{value}'"
    return None



def _key_line(text: str, key: str) -> int | None:
    """Line of ``key = ...`` in the TOML text (tomllib does not report positions)."""
    pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|'{re.escape(key)}'|{re.escape(key)})\s*=")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _toml_problem(path: str, error: tomllib.TOMLDecodeError) -> Problem:
    """Turn tomllib's "... (at line 3, column 7)" into a positioned problem."""
    match = re.search(r"\(at line (\d+), column \d+\)", str(error))
    message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
    line = int(match.group(1)) if match else None
    return Problem(path, line, f"not valid TOML: {message}")


def _toml_type(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    names = {bool: "a boolean", int: "an integer", float: "a number", list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)
