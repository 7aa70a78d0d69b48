"""An article's estimated reading time, from its rendered body.

Counted on the HTML rather than the Markdown, so that what the reader sees is
what is counted: a citation counts as its printed words, a quoted number as
the number, and nothing hidden (a formula's TeX source, an image's address)
counts at all. The rates, documented in the README:

* prose (figure captions, sidenotes and inline code included) at
  :data:`WORDS_PER_MINUTE` words a minute;
* an inline formula (``$x^2$``) as :data:`WORDS_PER_INLINE_FORMULA` words;
* a displayed formula (``$$...$$``) as :data:`SECONDS_PER_DISPLAY_FORMULA` seconds;
* a code block at half the prose rate, :data:`CODE_WORDS_PER_MINUTE`;
* a figure (still or animation) as :data:`SECONDS_PER_FIGURE` seconds of looking.

The total is rounded to the nearest minute, one at least.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from site_builder.render.page_facts import VOID_ELEMENTS

WORDS_PER_MINUTE = 200  # careful reading of technical prose; general prose is read faster (230-260)
WORDS_PER_INLINE_FORMULA = 3  # "w x plus b": a short formula reads like a few words
SECONDS_PER_DISPLAY_FORMULA = 12
CODE_WORDS_PER_MINUTE = 100
SECONDS_PER_FIGURE = 12

_WORD = re.compile(r"[^\W_]+(?:['\u2019.,-][^\W_]+)*")  # "ReLU's", "0.05", "x-axis" are one word each


@dataclass(frozen=True)
class ReadingCount:
    """What a page asks of its reader, counted."""

    words: int
    inline_formulas: int
    display_formulas: int
    code_words: int
    figures: int

    @property
    def seconds(self) -> float:
        prose = (self.words + WORDS_PER_INLINE_FORMULA * self.inline_formulas) * 60 / WORDS_PER_MINUTE
        return prose + self.code_words * 60 / CODE_WORDS_PER_MINUTE + SECONDS_PER_DISPLAY_FORMULA * self.display_formulas + SECONDS_PER_FIGURE * self.figures

    @property
    def minutes(self) -> int:
        """The estimate shown to readers: whole minutes, at least one."""
        return max(1, math.floor(self.seconds / 60 + 0.5))


def count_reading(html: str) -> ReadingCount:
    """Count the words, formulas, code and figures of a rendered body (an HTML fragment)."""
    counter = _Counter()
    counter.feed(html)
    counter.close()
    return ReadingCount(counter.words, counter.inline, counter.display, counter.code_words, counter.figures)


class _Counter(HTMLParser):
    """Walks the fragment once; text inside a formula or a code block is counted as that, never as prose."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words = self.inline = self.display = self.code_words = self.figures = 0
        self._stack: list[str] = []  # open elements: "math" for a formula, "pre" for code, "" otherwise

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            if tag == "img" and "math" not in self._stack:
                self.figures += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        inside_math = "math" in self._stack
        if not inside_math and "katex-display" in classes:
            self.display += 1
            self._stack.append("math")
        elif not inside_math and "katex" in classes:
            self.inline += 1
            self._stack.append("math")
        elif tag == "pre":
            self._stack.append("pre")
        else:
            self._stack.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_ELEMENTS and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if "math" in self._stack:
            return
        count = len(_WORD.findall(data))
        if "pre" in self._stack:
            self.code_words += count
        else:
            self.words += count
