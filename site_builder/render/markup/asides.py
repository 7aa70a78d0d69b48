r"""Sidenotes and callouts: text set beside or apart from the main line of an argument.

* A **sidenote** is written ``^[A remark.]`` inside a paragraph (pandoc's
  inline-note syntax; Markdown, math and citations work inside), or as a
  footnote, ``[^1]`` with ``[^1]: A remark.`` anywhere in the file. Both are
  one kind of note, numbered 1, 2, ... in the order the text refers to them.
  The note's text stands right after its number in the HTML: wide screens
  set it in the margin beside its line; on phones the number is a toggle
  (a checkbox and its label, so no script is needed) that opens the note
  in place. Print shows each number in the text and the notes, numbered,
  at the end of the article, from a copy hidden from screen readers and
  from screens (so a screen reader meets each note once). A footnote that
  holds more than paragraphs (a list, code) cannot sit inside a line of
  text: it stays in the list of footnotes at the end, with its number in
  the same sequence.
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


PRINT_NOTES_CLASS = "sidenotes-print"


def number_sidenotes(root: etree.Element) -> int:
    """Make every ``^[...]`` and every footnote a numbered sidenote (see the module docs). Returns the count.

    Runs after Python-Markdown's footnotes extension has put its list at the
    end: footnotes of paragraphs only move from that list to their
    reference, and the list goes when it is empty.
    """
    parents = {child: parent for parent in root.iter() for child in parent}
    footnotes = _footnote_items(root)
    numbers: dict[str, int] = {}  # footnote id -> its number, for a second reference to it
    notes: list[etree.Element] = []
    count = 0
    for element in list(root.iter()):
        if element.tag == "span" and element.get("class") == "sidenote":
            count += 1
            _place_note(parents[element], element, count)
            notes.append(element)
        elif element.tag == "sup" and element.get("id", "").startswith("fnref") and len(element) and element[0].get("class") == "footnote-ref":
            target = element[0].get("href", "")[1:]
            if target in numbers:
                _link_to_note(element, target, numbers[target], moved=target in footnotes)
                continue
            count += 1
            numbers[target] = count
            item = footnotes.get(target)
            if item is None:  # a footnote that stays at the end: the same number there
                _link_to_note(element, target, count, moved=False)
                _endnote_of(root, target, count)
                continue
            note = _note_from_footnote(item)
            parent = parents[element]
            index = list(parent).index(element)
            note.tail, element.tail = element.tail, None
            parent.remove(element)
            parent.insert(index, note)
            _place_note(parent, note, count)
            notes.append(note)
            _remove_footnote(root, item)
    if notes:
        root.append(_print_copy(notes))
    return count


def _footnote_items(root: etree.Element) -> dict[str, etree.Element]:
    """The footnotes that can become sidenotes (paragraphs only), by their id (``fn:1``)."""
    items = {}
    for block in root.iter("div"):
        if block.get("class") == "footnote":
            for item in block.iter("li"):
                if item.get("id", "").startswith("fn") and all(child.tag == "p" for child in item):
                    items[item.get("id", "")] = item
    return items


def _note_from_footnote(item: etree.Element) -> etree.Element:
    """``<li><p>A</p><p>B ↩</p></li>`` -> ``<span class="sidenote">A<span class="sidenote__paragraph">B</span></span>``."""
    for back in [a for a in item.iter("a") if a.get("class") == "footnote-backref"]:
        _remove_keeping_tail(item, back)
    _strip_trailing_space(item[-1])
    note = etree.Element("span", {"class": "sidenote"})
    for position, paragraph in enumerate(item):
        holder = note if position == 0 else etree.SubElement(note, "span", {"class": "sidenote__paragraph"})
        holder.text = paragraph.text
        for child in list(paragraph):
            holder.append(child)
    return note


def _place_note(parent: etree.Element, note: etree.Element, number: int) -> None:
    """Put the toggle and the number before ``note``, and the number (and its meaning, for screen readers) inside it."""
    index = list(parent).index(note)
    toggle = etree.Element("input", {"type": "checkbox", "class": "sidenote-toggle", "id": f"sidenote-{number}-toggle", "aria-label": f"Side note {number}"})
    mark = etree.Element("label", {"class": "sidenote-mark", "for": f"sidenote-{number}-toggle"})
    shown = etree.SubElement(mark, "span", {"aria-hidden": "true"})  # the note says its number itself; the checkbox has its name
    shown.text = str(number)
    parent.insert(index, toggle)
    parent.insert(index + 1, mark)
    note.set("id", f"sidenote-{number}")
    note.set("role", "note")
    label = etree.Element("span", {"class": "sidenote__number"})
    label.text = str(number)
    hidden = etree.SubElement(label, "span", {"class": "visually-hidden"})
    hidden.text = " (side note)"
    label.tail = " " + (note.text or "").lstrip()
    note.text = None
    note.insert(0, label)


def _link_to_note(sup: etree.Element, target: str, number: int, *, moved: bool) -> None:
    """A footnote reference that is not its note's first, or whose note stays at the end: a link to the note, with its number.

    A reference to a note at the end keeps its id: the note links back to it.
    """
    link = sup[0]
    kept = "" if moved else sup.get("id", "")
    sup.attrib.clear()
    sup.set("class", "sidenote-ref")
    if kept:
        sup.set("id", kept)
    link.attrib.clear()
    link.set("href", f"#sidenote-{number}" if moved else f"#{target}")
    link.set("aria-label", f"Note {number}")
    link.text = str(number)


def _endnote_of(root: etree.Element, target: str, number: int) -> None:
    """The footnote that stays at the end shows the number its reference shows."""
    for item in root.iter("li"):
        if item.get("id") == target:
            item.set("value", str(number))
            for back in item.iter("a"):
                if back.get("class") == "footnote-backref":
                    back.set("title", f"Back to note {number} in the text")


def _remove_footnote(root: etree.Element, item: etree.Element) -> None:
    """Take ``item`` out of the footnotes' list, and the list's ``<div>`` when nothing is left in it."""
    for block in [b for b in root.iter("div") if b.get("class") == "footnote"]:
        for ordered in block.iter("ol"):
            if item in list(ordered):
                ordered.remove(item)
                if not len(ordered):
                    parent = next(p for p in root.iter() if block in list(p))
                    parent.remove(block)
                return


def _print_copy(notes: list[etree.Element]) -> etree.Element:
    """The notes again as a numbered list for print, hidden from screens and screen readers (see the stylesheet)."""
    import copy

    section = etree.Element("div", {"class": PRINT_NOTES_CLASS, "aria-hidden": "true"})
    section.text, section.tail = "\n", "\n"
    title = etree.SubElement(section, "p", {"class": "sidenotes-print__title"})
    title.text, title.tail = "Notes", "\n"
    listing = etree.SubElement(section, "ol")
    listing.text, listing.tail = "\n", "\n"
    for note in notes:
        item = etree.SubElement(listing, "li", {"value": note.get("id", "").rsplit("-", 1)[-1]})
        item.tail = "\n"
        body = copy.deepcopy(note)
        body.remove(body[0])  # its number: the list shows it
        item.text = (note[0].tail or "").lstrip()
        for child in list(body):
            item.append(child)
        for element in item.iter():
            element.attrib.pop("id", None)
    return section


def _remove_keeping_tail(root: etree.Element, child: etree.Element) -> None:
    parent = next(p for p in root.iter() if child in list(p))
    index = list(parent).index(child)
    if child.tail:
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + child.tail
        else:
            parent.text = (parent.text or "") + child.tail
    parent.remove(child)


def _strip_trailing_space(paragraph: etree.Element) -> None:
    """The non-breaking space Python-Markdown puts before its ↩ link (a placeholder until it writes HTML) goes with the link."""
    from markdown.extensions.footnotes import NBSP_PLACEHOLDER

    def strip(text: str | None) -> str | None:
        text = text or ""
        while text.endswith((NBSP_PLACEHOLDER, "\u00a0", " ", "\n")):
            text = text.removesuffix(NBSP_PLACEHOLDER) if text.endswith(NBSP_PLACEHOLDER) else text[:-1]
        return text or None

    if len(paragraph):
        paragraph[-1].tail = strip(paragraph[-1].tail)
    else:
        paragraph.text = strip(paragraph.text)


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
