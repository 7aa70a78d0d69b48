r"""Sidenotes and callouts: text set beside or apart from the main line of an argument.

* A **sidenote** is written ``^[A remark.]`` inside a paragraph (pandoc's
  inline-note syntax; Markdown, math and citations work inside). It becomes
  a numbered note that wide screens show in the margin beside its line and
  narrow screens show as a small indented block where it stands. A footnote
  (``[^1]``) still goes to the end of the page.
* A **callout** is written either as Python-Markdown's admonition,
  ``!!! tip "Try it yourself"`` followed by its text indented four spaces
  (``!!! note`` without a title takes the kind's name; ``!!! note ""`` shows
  none), or as a block quote whose first line is ``[!NOTE]``, ``[!TIP]``,
  ``[!IMPORTANT]``, ``[!WARNING]`` or ``[!CAUTION]`` (GitHub's alert syntax),
  optionally followed by a title: ``> [!TIP] Try it yourself``. Both become
  the same boxed ``<div role="note">``, named by its title (or the kind's
  name when it shows none).

Both are plain HTML and CSS: they need no JavaScript.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
import xml.etree.ElementTree as etree

import markdown
from markdown.inlinepatterns import InlineProcessor

CALLOUT_KINDS = {"NOTE": "Note", "TIP": "Tip", "IMPORTANT": "Important", "WARNING": "Warning", "CAUTION": "Caution"}
_CALLOUT_MARKER = re.compile(r"^\s*\[!([A-Za-z]+)\][ \t]*([^\n]*)(?:\n|$)")
SIDENOTE_PATTERN = r"\^\["


class SidenoteProcessor(InlineProcessor):
    """``^[text]`` -> ``<span class="sidenote">text</span>`` (numbered later by :func:`number_sidenotes`)."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(SIDENOTE_PATTERN, md)

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | None, int | None, int | None]:  # noqa: N802 (Python-Markdown's name)
        close = _closing_bracket(data, m.end())
        if close is None or not data[m.end() : close].strip():
            return None, None, None
        note = etree.Element("span", {"class": "sidenote"})
        note.text = data[m.end() : close]
        return note, m.start(), close + 1


def number_sidenotes(root: etree.Element) -> int:
    """Give each sidenote its number: a mark in the text, and the same number opening the note. Returns the count."""
    notes = [element for element in root.iter("span") if element.get("class") == "sidenote"]
    for number, note in enumerate(notes, start=1):
        mark = etree.Element("sup", {"class": "sidenote-mark", "aria-hidden": "true"})
        mark.text = str(number)
        parent = _parent(root, note)
        parent.insert(list(parent).index(note), mark)
        note.set("role", "note")
        label = etree.Element("span", {"class": "sidenote__number"})
        label.text = str(number)
        hidden = etree.SubElement(label, "span", {"class": "visually-hidden"})
        hidden.text = " (side note)"
        label.tail = " " + (note.text or "")
        note.text = None
        note.insert(0, label)
    return len(notes)


@dataclass(frozen=True)
class UnknownCallout:
    """A callout of a kind we do not have, as the author wrote it."""

    kind: str  # as written: "DANGER", "notee"
    admonition: bool  # written ``!!! kind`` (else ``> [!KIND]``)

    @property
    def marker(self) -> str:
        return f"!!! {self.kind}" if self.admonition else f"[!{self.kind}]"

    @property
    def line_pattern(self) -> re.Pattern[str]:
        """Matches where the source spells it (for its line)."""
        if self.admonition:
            return re.compile(r"^[ \t]*!!![ \t]*" + re.escape(self.kind) + r"\b", re.MULTILINE)
        return re.compile(re.escape(self.marker))

    def message(self) -> str:
        names = [kind.lower() if self.admonition else kind for kind in CALLOUT_KINDS]
        close = difflib.get_close_matches(self.kind.lower() if self.admonition else self.kind.upper(), names, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        shown = ", ".join(f"!!! {name}" if self.admonition else f"[!{name}]" for name in names)
        return f"unknown callout {self.marker}{hint}; use one of {shown}"


def make_callouts(root: etree.Element) -> list[UnknownCallout]:
    """Turn admonitions and ``> [!KIND] Title`` block quotes into callouts; return those of unknown kinds, in page order."""
    unknown = [u for u in (_admonition_to_callout(div) for div in list(root.iter("div"))) if u is not None]
    for parent, quote in list(_marked_quotes(root)):
        _split_off_later_callouts(parent, quote)
    for _, quote in list(_marked_quotes(root)):
        first = quote[0]
        match = _CALLOUT_MARKER.match(first.text or "")
        assert match is not None
        kind = match.group(1).upper()
        if kind in CALLOUT_KINDS:
            _to_callout(quote, first, kind, match)
        else:
            unknown.append(UnknownCallout(match.group(1), admonition=False))
    return unknown


def _admonition_to_callout(div: etree.Element) -> UnknownCallout | None:
    """Python-Markdown's ``<div class="admonition KIND">`` as our callout; an unknown kind is returned, not changed."""
    classes = div.get("class", "").split()
    if classes[:1] != ["admonition"] or len(classes) < 2:
        return None
    kind = classes[1].upper()
    if kind not in CALLOUT_KINDS:
        return UnknownCallout(classes[1], admonition=True)
    div.set("class", f"callout callout--{kind.lower()}")
    div.set("role", "note")
    title = div[0] if len(div) and div[0].get("class") == "admonition-title" else None
    if title is None:
        div.set("aria-label", CALLOUT_KINDS[kind])
    else:
        title.set("class", "callout__title")
    return None


def _marked_quotes(root: etree.Element) -> Iterator[tuple[etree.Element, etree.Element]]:
    """(parent, block quote) for each block quote whose first paragraph starts with ``[!KIND]``."""
    for parent in root.iter():
        for child in parent:
            if child.tag == "blockquote" and len(child) and child[0].tag == "p" and _CALLOUT_MARKER.match(child[0].text or ""):
                yield parent, child


def _split_off_later_callouts(parent: etree.Element, quote: etree.Element) -> None:
    """Markdown joins block quotes that only a blank line separates: each ``[!KIND]`` paragraph starts a quote of its own."""
    starts = [i for i, child in enumerate(quote) if i > 0 and child.tag == "p" and _CALLOUT_MARKER.match(child.text or "")]
    position = list(parent).index(quote)
    for start, stop in reversed(list(zip(starts, starts[1:] + [len(quote)]))):
        later = etree.Element("blockquote")
        later.text, later.tail = "\n", quote.tail
        for child in list(quote)[start:stop]:
            quote.remove(child)
            later.append(child)
        parent.insert(position + 1, later)


def _to_callout(quote: etree.Element, first: etree.Element, kind: str, match: re.Match[str]) -> None:
    quote.tag = "div"
    quote.set("class", f"callout callout--{kind.lower()}")
    quote.set("role", "note")
    title = etree.Element("p", {"class": "callout__title"})
    title.text = match.group(2).strip() or CALLOUT_KINDS[kind]
    title.tail = "\n"
    first.text = (first.text or "")[match.end() :]
    if not first.text.strip() and not len(first):
        quote.remove(first)
    quote.insert(0, title)


def _closing_bracket(data: str, start: int) -> int | None:
    """Index of the ``]`` that closes a ``[`` opened just before ``start``, brackets nesting."""
    depth = 1
    i = start
    while i < len(data):
        char = data[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _parent(root: etree.Element, child: etree.Element) -> etree.Element:
    return next(element for element in root.iter() if child in list(element))
