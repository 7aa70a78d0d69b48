"""Citations in the text and the list of references they lead to.

Two styles (``citation_style`` in ``site.toml``):

* ``author-year``: ``[@nair2010]`` reads "(Nair and Hinton 2010)", a bare
  ``@nair2010`` reads "Nair and Hinton (2010)"; three or more authors are
  "Hornik et al."; two entries that would read the same get "1989a", "1989b".
  References are sorted by first author, year and title.
* ``numeric``: "[1]" and "Nair and Hinton [1]"; references are numbered in
  the order the text first cites them.

Every citation links to its reference (``#ref-<key>``), and every reference
links back to each place that cites it (``#cite-<key>-<n>``). Only entries
the page cites are listed. All functions here are pure: HTML in strings,
every text escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from site_builder.load.bibliography import BibEntry, Bibliography, Person
from site_builder.render.markup.mentions import CitedItem, Mention

AUTHOR_YEAR, NUMERIC = "author-year", "numeric"
_ITALIC_TITLE_KINDS = ("book", "phdthesis", "mastersthesis", "techreport", "manual", "proceedings")


@dataclass(frozen=True)
class CitedWork:
    """An entry the page cites: how citations name it, and its place in the list."""

    entry: BibEntry
    label: str  # "Nair and Hinton" (numeric style) or "Nair and Hinton 2010" (author-year)
    number: int  # 1-based position in the reference list


@dataclass(frozen=True)
class Citations:
    """The works a page cites, by key."""

    style: str
    works: Mapping[str, CitedWork]

    def ordered(self) -> list[CitedWork]:
        return sorted(self.works.values(), key=lambda work: work.number)


def cited_works(keys: Sequence[str], bibliography: Bibliography, style: str) -> Citations:
    """The entries behind ``keys`` (every key cited, in text order, repeats included; all known)."""
    first_seen = list(dict.fromkeys(keys))
    entries = [bibliography.entries[key] for key in first_seen]
    if style == NUMERIC:
        order = entries
    else:
        order = sorted(entries, key=lambda e: (_sort_name(e), e.year, e.title.casefold(), e.key))
    labels = _labels(order, style)
    works = {entry.key: CitedWork(entry, labels[entry.key], number) for number, entry in enumerate(order, start=1)}
    return Citations(style, works)


def citation_html(mention: Mention, citations: Citations, occurrence: Callable[[str], int]) -> str:
    """The HTML a citation mention becomes; ``occurrence(key)`` numbers each link to a key (1, 2, ...) for its id."""
    links = [_item_html(item, citations, occurrence(item.key), narrative=not mention.bracketed) for item in mention.items]
    if not mention.bracketed:
        return f'<span class="citation">{links[0]}</span>'
    opening, closing, separator = ("[", "]", ", ") if citations.style == NUMERIC else ("(", ")", "; ")
    return f'<span class="citation">{opening}{separator.join(links)}{closing}</span>'


def citation_text(mention: Mention, citations: Citations) -> str:
    """The same citation as plain text, for attributes and the table of contents."""
    parts = []
    for item in mention.items:
        work = citations.works[item.key]
        parts.append(" ".join(p for p in (item.prefix, _plain_label(work, citations.style, narrative=not mention.bracketed)) if p) + (f", {item.suffix}" if item.suffix else ""))
    if not mention.bracketed:
        return parts[0]
    return f"[{', '.join(parts)}]" if citations.style == NUMERIC else f"({'; '.join(parts)})"


def reference_list_html(citations: Citations, times: Mapping[str, int]) -> str:
    """The ``<ol>`` of references (empty string when nothing is cited).

    ``times`` says how many citation links to each key the page shows
    (``#cite-<key>-1`` and on): each gets a link back.
    """
    works = citations.ordered()
    if not works:
        return ""
    items = "\n".join(_reference_item(work, times.get(work.entry.key, 0)) for work in works)
    return f'<ol class="references__list references__list--{citations.style}">\n{items}\n</ol>'


def reference_id(key: str) -> str:
    return f"ref-{key}"


def citation_id(key: str, occurrence: int) -> str:
    return f"cite-{key}-{occurrence}"


# --- in the text ------------------------------------------------------------------


def _item_html(item: CitedItem, citations: Citations, occurrence: int, *, narrative: bool) -> str:
    work = citations.works[item.key]
    key = item.key
    attributes = f'class="citation__link" href="#{html.escape(reference_id(key))}" id="{html.escape(citation_id(key, occurrence))}"'
    if citations.style == NUMERIC:
        link = f"<a {attributes}>{work.number}</a>"
        shown = f"{html.escape(work.label)} [{link}]" if narrative else link
    elif narrative:
        names, year = work.label.rsplit(" ", 1)
        shown = f"<a {attributes}>{html.escape(names)} ({html.escape(year)})</a>"
    else:
        shown = f"<a {attributes}>{html.escape(work.label)}</a>"
    before = f"{html.escape(item.prefix)} " if item.prefix else ""
    after = f", {html.escape(item.suffix)}" if item.suffix else ""
    return before + shown + after


def _plain_label(work: CitedWork, style: str, *, narrative: bool) -> str:
    if style == NUMERIC:
        return f"{work.label} [{work.number}]" if narrative else str(work.number)
    if narrative:
        names, year = work.label.rsplit(" ", 1)
        return f"{names} ({year})"
    return work.label


def _labels(order: list[BibEntry], style: str) -> dict[str, str]:
    """Each entry's label; in author-year style, entries that would share one get a, b, c after the year."""
    names = {entry.key: _names_label(entry.names) for entry in order}
    if style == NUMERIC:
        return names
    groups: dict[tuple[str, str], list[str]] = {}
    for entry in order:
        groups.setdefault((names[entry.key], entry.year), []).append(entry.key)
    labels = {}
    for (label, year), keys in groups.items():
        for index, key in enumerate(keys):
            suffix = chr(ord("a") + index) if len(keys) > 1 and index < 26 else ""
            labels[key] = f"{label} {year}{suffix}"
    return labels


def _names_label(people: tuple[Person, ...]) -> str:
    families = [p.family for p in people]
    if len(families) == 1:
        return families[0]
    if len(families) == 2:
        return f"{families[0]} and {families[1]}"
    return f"{families[0]} et al."


def _sort_name(entry: BibEntry) -> str:
    return " ".join(f"{p.family} {p.given}" for p in entry.names).casefold()


# --- the list ---------------------------------------------------------------------


def _reference_item(work: CitedWork, times: int) -> str:
    key = work.entry.key
    backs = " ".join(
        f'<a class="references__back" href="#{html.escape(citation_id(key, n))}" aria-label="Back to citation {n} of {times}">↩</a>' if times > 1
        else f'<a class="references__back" href="#{html.escape(citation_id(key, n))}" aria-label="Back to the citation">↩</a>'
        for n in range(1, times + 1)
    )
    return f'<li id="{html.escape(reference_id(key))}">{format_reference(work.entry)} {backs}</li>'


def format_reference(entry: BibEntry) -> str:
    """One reference as HTML: authors (year). Title. Where it appeared. DOI or URL.

    ``Cybenko, G. (1989). Approximation by superpositions of a sigmoidal function.
    <i>Mathematics of Control, Signals and Systems</i>, 2(4), 303–314. https://doi.org/…``
    """
    e = html.escape
    people = _people(entry.authors) if entry.authors else _people(entry.editors) + (" (Ed.)" if len(entry.editors) == 1 else " (Eds.)")
    title = e(entry.title.rstrip("."))
    title = f"<i>{title}</i>." if entry.kind in _ITALIC_TITLE_KINDS else f"{title}."
    parts = [f"{e(people)} ({e(entry.year)}).", title]
    where = _where(entry)
    if where:
        parts.append(where)
    if entry.doi:
        url = "https://doi.org/" + entry.doi
        parts.append(f'<a class="references__link" href="{e(url)}">{e(url)}</a>')
    elif entry.url:
        parts.append(f'<a class="references__link" href="{e(entry.url)}">{e(entry.url)}</a>')
    return " ".join(parts)


def _where(entry: BibEntry) -> str:
    """``<i>Journal</i>, 2(4), 303–314.`` or ``In <i>Proceedings</i> (pp. 807–814). Publisher.``"""
    e = html.escape
    pieces = []
    if entry.kind == "article" and entry.container:
        volume = e(entry.volume) + (f"({e(entry.number)})" if entry.number else "")
        pieces.append(", ".join(p for p in (f"<i>{e(entry.container)}</i>", volume, e(entry.pages)) if p) + ".")
    elif entry.container:
        pages = f" (pp. {e(entry.pages)})" if entry.pages else ""
        pieces.append(f"In <i>{e(entry.container)}</i>{pages}.")
    if entry.publisher:
        pieces.append(f"{e(entry.publisher)}.")
    return " ".join(pieces)


def _people(people: tuple[Person, ...]) -> str:
    """``Nair, V., and Hinton, G. E.``; three or more: ``A, B., C, D., and E, F.``"""
    names = [", ".join(p for p in (person.family, person.initials(), person.suffix) if p) for person in people]
    if len(names) <= 2:
        return ", and ".join(names) if len(names) == 2 else names[0]
    return ", ".join(names[:-1]) + ", and " + names[-1]
