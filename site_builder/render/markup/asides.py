r"""Sidenotes and callouts: text set beside or apart from the main line of an argument.

* A **sidenote** is written ``^[A remark.]`` inside a paragraph (pandoc's
  inline-note syntax; Markdown, math and citations work inside). It becomes
  a numbered note that wide screens show in the margin beside its line and
  narrow screens show as a small indented block where it stands. A footnote
  (``[^1]``) still goes to the end of the page.
* A **callout** is a block quote whose first line is ``[!NOTE]``, ``[!TIP]``,
  ``[!IMPORTANT]``, ``[!WARNING]`` or ``[!CAUTION]`` (GitHub's alert syntax),
  optionally followed by a title: ``> [!TIP] Try it yourself``. It becomes a
  boxed ``<div role="note">`` with that title (or the kind's name).

Both are plain HTML and CSS: they need no JavaScript.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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


def make_callouts(root: etree.Element) -> list[str]:
    """Turn ``> [!KIND] Title`` block quotes into callouts; return the markers of unknown kinds (``[!FOO]``)."""
    unknown = []
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
            unknown.append(f"[!{match.group(1)}]")
    return unknown


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
