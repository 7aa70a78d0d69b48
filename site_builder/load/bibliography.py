"""BibTeX files read into frozen :class:`BibEntry` values, with the line of every entry.

Parsing is pybtex's: it is a reimplementation of BibTeX itself, so it splits
names the way BibTeX does (``van der Berg, Ludwig``, ``{Barnes and Noble}``,
``Hinton, Geoffrey E.``), knows ``@string`` macros and ``#`` concatenation,
and stops at a syntax error with its line. LaTeX in the values (``{\\"u}``,
``--``, protective braces) is turned into plain Unicode here, once, so the
render stage only ever sees text.

What the site needs from an entry is checked here: a title, a year, and an
author or editor; a DOI that is a bare ``10.NNNN/...`` name. Every problem
in a file is reported at its entry's line, all at once (a syntax error ends
the file's reading, as it does for BibTeX).
"""

from __future__ import annotations

import functools

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.load.sourcefiles import read_utf8
from site_builder.problems import BuildFailed, Problem

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YEAR = re.compile(r"^\d{4}$")
_CONTAINER_FIELDS = ("journal", "booktitle")
_PUBLISHER_FIELDS = ("publisher", "institution", "school", "organization", "howpublished")


@dataclass(frozen=True)
class Person:
    """One author or editor: ``given`` names (``Geoffrey E.``) and ``family`` name with any particle (``van der Berg``)."""

    given: str
    family: str
    suffix: str = ""  # "Jr." and the like

    def initials(self) -> str:
        """``Geoffrey E.`` -> ``G. E.``; a hyphenated name keeps its hyphen (``Jean-Paul`` -> ``J.-P.``)."""
        words = []
        for word in self.given.split():
            parts = [p for p in word.split("-") if p]
            words.append("-".join(f"{p[0]}." for p in parts))
        return " ".join(words)


@dataclass(frozen=True)
class BibEntry:
    """One bibliography entry, its values already plain text.

    ``container`` is the journal or proceedings it appeared in; ``publisher``
    the publisher, institution or school. Empty strings mean "not given".
    """

    key: str
    kind: str  # the BibTeX entry type, lower case: article, inproceedings, book, misc, ...
    authors: tuple[Person, ...]
    editors: tuple[Person, ...]
    title: str
    year: str
    container: str = ""
    publisher: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    path: str = ""  # the .bib file, relative to the project
    line: int = 1

    @property
    def names(self) -> tuple[Person, ...]:
        """Who the entry is cited by: its authors, or its editors when it has none."""
        return self.authors or self.editors

    @property
    def position(self) -> str:
        """``path:line`` of the entry, for messages."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Bibliography:
    """Entries by key (sorted), from one or more .bib files."""

    entries: Mapping[str, BibEntry] = field(default_factory=dict)

    def get(self, key: str) -> BibEntry | None:
        return self.entries.get(key)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def merged(self, other: Bibliography) -> Bibliography:
        """Entries of both; ``other`` wins a key both have (callers report such clashes first: see :func:`clashes`)."""
        joined = {**self.entries, **other.entries}
        return Bibliography({key: joined[key] for key in sorted(joined)})


EMPTY = Bibliography()

ParseBib = Callable[[str, str], Bibliography]  # (text of a .bib file, its path) -> its entries: parse_bibliography, or a store in front of it


def load_bibliography(root: Path, relative: str, parse_bib: ParseBib | None = None) -> Bibliography:
    """Read the .bib file at ``root/relative`` with ``parse_bib`` (default :func:`parse_bibliography`); raise :class:`BuildFailed` with every problem in it."""
    path = root / relative
    if not path.is_file():
        raise BuildFailed([Problem(relative, None, "bibliography file not found; create it or correct the path")])
    return (parse_bib or parse_bibliography)(read_utf8(path, relative), relative)


def parse_bibliography(text: str, path: str) -> Bibliography:
    """Parse the text of a .bib file; ``path`` is used in messages and recorded on each entry."""
    from pybtex.database import BibliographyDataError  # imported only for sites that cite
    from pybtex.database.input.bibtex import Parser
    from pybtex.scanner import PybtexSyntaxError

    try:
        # The BibTeX parser itself: pybtex's parse_string(text, "bibtex") finds it through the installed
        # packages' entry points on every call, 15 ms per .bib file, the most of loading a large site.
        data = Parser().parse_string(text)
    except PybtexSyntaxError as error:
        raise BuildFailed([Problem(path, error.lineno, f"not valid BibTeX: {error.error_type}{_after_colon(str(error))}")]) from None
    except BibliographyDataError as error:
        raise BuildFailed([_data_problem(text, path, str(error))]) from None
    problems: list[Problem] = []
    entries: dict[str, BibEntry] = {}
    for key in sorted(data.entries):
        entry, issues = _entry(key, data.entries[key], path, _entry_line(text, key))
        problems += issues
        if entry is not None:
            entries[key] = entry
    if problems:
        raise BuildFailed(problems)
    return Bibliography(entries)


def clashes(first: Bibliography, second: Bibliography) -> list[Problem]:
    """A problem at each entry of ``second`` whose key ``first`` also has (one file read as both is no clash)."""
    return [
        Problem(entry.path, entry.line, f"entry '{key}' is also in {first.entries[key].position}; a key may be defined once, so rename or remove one")
        for key, entry in second.entries.items()
        if key in first.entries and first.entries[key].path != entry.path
    ]


def _entry(key: str, raw: object, path: str, line: int) -> tuple[BibEntry | None, list[Problem]]:
    fields = {name.lower(): _plain(value) for name, value in raw.fields.items()}  # type: ignore[attr-defined]
    persons = {role.lower(): tuple(_person(p) for p in people) for role, people in raw.persons.items()}  # type: ignore[attr-defined]
    problems = []

    def problem(message: str) -> None:
        problems.append(Problem(path, line, f"entry '{key}': {message}"))

    if not fields.get("title"):
        problem("has no title; add title = {...}")
    year = fields.get("year", "")
    if not _YEAR.match(year):
        problem(f"year must be four digits, such as year = {{1989}}, not {year!r}" if year else "has no year; add year = {...}")
    if not persons.get("author") and not persons.get("editor"):
        problem("has no author or editor; add author = {Family, Given and Family, Given}")
    doi = _DOI_PREFIX.sub("", fields.get("doi", ""))
    if doi and not _DOI.match(doi):
        problem(f"doi must look like 10.1007/BF02551274 (without https://doi.org/), not {fields['doi']!r}")
    if problems:
        return None, problems
    return BibEntry(
        key=key,
        kind=raw.type.lower(),  # type: ignore[attr-defined]
        authors=persons.get("author", ()),
        editors=persons.get("editor", ()),
        title=fields["title"],
        year=year,
        container=next((fields[f] for f in _CONTAINER_FIELDS if fields.get(f)), ""),
        publisher=next((fields[f] for f in _PUBLISHER_FIELDS if fields.get(f)), ""),
        volume=fields.get("volume", ""),
        number=fields.get("number", ""),
        pages=fields.get("pages", ""),
        doi=doi,
        url=fields.get("url", ""),
        path=path,
        line=line,
    ), []


def _plain(latex: str) -> str:
    """A BibTeX value as plain text: LaTeX accents and dashes decoded, protective braces dropped, spaces collapsed."""
    from pybtex.richtext import Text

    return " ".join(str(Text.from_latex(latex).render(_text_backend())).split())


@functools.lru_cache(maxsize=1)
def _text_backend() -> object:
    """pybtex's plain-text backend, looked up once: ``render_as`` searches the installed
    packages' entry points on every call (17 ms each, 1.4 s for the example's references)."""
    from pybtex.plugin import find_plugin

    return find_plugin("pybtex.backends", "text")()


def _person(person: object) -> Person:
    given = " ".join(person.first_names + person.middle_names)  # type: ignore[attr-defined]
    family = " ".join(person.prelast_names + person.last_names)  # type: ignore[attr-defined]
    return Person(_plain(given), _plain(family), _plain(" ".join(person.lineage_names)))  # type: ignore[attr-defined]


def _entry_line(text: str, key: str, occurrence: int = 0) -> int:
    """Line of ``@type{key,`` in the file (pybtex does not keep positions); the first line if not found."""
    pattern = re.compile(r"@\s*\w+\s*[{(]\s*" + re.escape(key) + r"\s*,", re.IGNORECASE)
    matches = list(pattern.finditer(text))
    if len(matches) <= occurrence:
        return 1
    return text.count("\n", 0, matches[occurrence].start()) + 1


def _data_problem(text: str, path: str, message: str) -> Problem:
    """pybtex's "repeated bibliography entry: KEY" at the line of the repeat."""
    repeated = re.match(r"repeated bibliography entry: (.+)$", message)
    if repeated is None:
        return Problem(path, None, f"not valid BibTeX: {message}")
    key = repeated.group(1)
    return Problem(path, _entry_line(text, key, occurrence=1), f"entry '{key}' is defined twice (first on line {_entry_line(text, key)}); rename or remove one")


def _after_colon(message: str) -> str:
    """pybtex's "syntax error in line 3: '}' expected" -> ": '}' expected"."""
    _, _, detail = message.partition(": ")
    return f": {detail}" if detail else ""
