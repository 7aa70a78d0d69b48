r"""Finding math in Markdown source and hiding it from Markdown.

Markdown would turn the underscores of ``$W_1X + b_1$`` into emphasis and eat
the backslashes of ``\\``, so math is cut out of the source *before* Markdown
runs: :func:`protect_math` replaces each formula with a placeholder token made
of letters and digits only (which Markdown passes through untouched) and
returns the formulas with their lines; the caller renders them and puts the
HTML back in place of the tokens.

The delimiters (pandoc's rules, with one relaxation):

* ``$$...$$`` and ``\[...\]`` are display math, ``$...$`` and ``\(...\)``
  inline math. Math may span lines but never a blank line (a paragraph break);
  a delimiter without its partner in the same paragraph stays literal text.
* An opening ``$`` must be followed by a non-space character.
* A closing ``$`` must not be followed by a digit, and the first unescaped
  ``$`` after the opening one decides: if it cannot close, the opening ``$``
  is literal. So ``it costs $5 and $10`` has no math.
* Unlike pandoc, a space *before* the closing ``$`` is allowed
  (``$w,b \in \mathbb{R} $``, also before punctuation or a hard-break
  backslash: ``$w,b \in \mathbb{R} $\``) unless that ``$`` opens a formula of
  its own (a non-space after it and a tight closing ``$`` later in the
  paragraph): in ``$5 and $x$`` only ``$x$`` is math.
* ``\$`` is a literal dollar sign.
* Nothing inside code is touched: fenced code blocks (as Python-Markdown's
  ``fenced_code`` finds them: fences at the start of a line), inline code
  spans, and HTML comments. Indented code blocks are *not* recognised (a
  ``$$`` block indented inside a list item must still be math): use fences.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

MAX_FORMULAS = 5_000
"""Most formulas one article or page may hold (the example article has 14). Each becomes about 1 KB of
KaTeX markup, and placeholder tokens are numbered with five digits, so past this a page is refused."""
LITERAL_DOLLAR = "&#36;"  # what ``\$`` becomes: an entity Markdown keeps and browsers show as "$"

# Like Python-Markdown's FENCED_BLOCK_RE: a fence at the start of a line, closed by the same fence.
_FENCED_BLOCK = re.compile(
    r"^(?P<fence>~{3,}|`{3,})[^\n]*\n(?:.*?\n)?(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL
)
_BLANK_LINE = re.compile(r"\n[ \t\r]*(?:\n|$)")
_BACKTICKS = re.compile(r"`+")
_TOKEN_PREFIX = "mathplaceholder"


@dataclass(frozen=True)
class MathSpan:
    """One formula found in the source.

    ``tex`` is what goes to KaTeX (the text between the delimiters);
    ``source`` is the formula as written, delimiters included; ``line`` is
    1-based within the text given to :func:`protect_math`; ``token`` is the
    placeholder that stands for it in the protected text.
    """

    tex: str
    display: bool
    source: str
    line: int
    token: str


@dataclass(frozen=True)
class ProtectedText:
    """Markdown source with every formula replaced by its :class:`MathSpan` token."""

    text: str
    spans: tuple[MathSpan, ...]


def protect_math(text: str) -> ProtectedText:
    """Replace every formula in Markdown ``text`` by a placeholder token (see module docs)."""
    prefix = _token_prefix(text)
    layout = _Layout.of(text)
    pieces: list[str] = []
    spans: list[MathSpan] = []
    position = 0
    for code in _FENCED_BLOCK.finditer(text):
        _protect_prose(text, position, code.start(), prefix, pieces, spans, layout)
        pieces.append(code.group())
        position = code.end()
    _protect_prose(text, position, len(text), prefix, pieces, spans, layout)
    return ProtectedText("".join(pieces), tuple(spans))


def _token_prefix(text: str) -> str:
    """A token prefix that does not occur in ``text``, so tokens cannot clash with prose."""
    prefix = _TOKEN_PREFIX
    while prefix in text:
        prefix += "x"
    return prefix


@dataclass(frozen=True)
class _Layout:
    """Where the text's lines and paragraphs break, found once: looking them up by bisection keeps
    the scan linear in the text's length (searching forward from every ``$`` was quadratic)."""

    newlines: list[int]  # offset of every "\n"
    blank_lines: list[int]  # offset where each blank line (a paragraph break) starts

    @classmethod
    def of(cls, text: str) -> _Layout:
        return cls([m.start() for m in re.finditer("\n", text)], [m.start() for m in _BLANK_LINE.finditer(text)])

    def paragraph_end(self, i: int, end: int) -> int:
        """Index of the blank line after ``i`` (math and code spans never cross one), or ``end``."""
        k = bisect.bisect_left(self.blank_lines, i)
        return min(end, self.blank_lines[k]) if k < len(self.blank_lines) else end

    def line_of(self, offset: int) -> int:
        """1-based line of ``offset``."""
        return bisect.bisect_left(self.newlines, offset) + 1


def _protect_prose(
    text: str, start: int, end: int, prefix: str, pieces: list[str], spans: list[MathSpan], layout: _Layout
) -> None:
    """Scan ``text[start:end]`` (no fenced code in it), appending output pieces and spans."""
    i = start
    copied = start  # text[copied:i] is waiting to be appended verbatim
    while i < end:
        found = _match_at(text, i, end, layout)
        if found is None:
            i += 1
            continue
        kind, stop, delimiters = found
        if kind == "math":
            pieces.append(text[copied:i])
            spans.append(_make_span(text, i, stop, delimiters, prefix, len(spans), layout.line_of(i)))
            pieces.append(spans[-1].token)
            copied = stop
        elif kind == "dollar":
            pieces.append(text[copied:i])
            pieces.append(LITERAL_DOLLAR)
            copied = stop
        i = stop  # "verbatim" runs (code, comments, escapes) are just skipped over
    pieces.append(text[copied:end])


# Display delimiters first: "$$" must not be read as two inline "$".
_OPENERS: tuple[tuple[str, str, bool], ...] = (
    ("$$", "$$", True),
    ("\\[", "\\]", True),
    ("\\(", "\\)", False),
)


def _match_at(text: str, i: int, end: int, layout: _Layout) -> tuple[str, int, tuple[str, str, bool]] | None:
    """What starts at ``text[i]``: ("math" | "dollar" | "verbatim", end of it, delimiters)."""
    char = text[i]
    if char not in "$\\`<":
        return None
    limit = layout.paragraph_end(i, end)
    for opener, closer, display in _OPENERS:
        if text.startswith(opener, i):
            close = _find_closer(text, i + len(opener), limit, closer)
            if close is not None and text[i + len(opener) : close].strip():
                return "math", close + len(closer), (opener, closer, display)
    if text.startswith("\\$", i):
        return "dollar", i + 2, ("", "", False)
    if char == "\\":
        return "verbatim", min(i + 2, end), ("", "", False)  # an escape pair: "\\$" is "\\" then "$"
    if text.startswith("$$", i):
        return "verbatim", i + 2, ("", "", False)  # "$$" that closes nothing is literal, not two "$"
    if char == "$":
        close = _inline_dollar_close(text, i, limit)
        return None if close is None else ("math", close + 1, ("$", "$", False))
    if char == "`":
        return "verbatim", _code_span_end(text, i, limit), ("", "", False)
    if text.startswith("<!--", i):
        close = text.find("-->", i + 4, end)
        return "verbatim", (end if close < 0 else close + 3), ("", "", False)
    return None


def _find_closer(text: str, i: int, limit: int, closer: str) -> int | None:
    """Index of the first ``closer`` at or after ``i`` and before ``limit``, skipping ``\\x`` escapes."""
    while i < limit:
        if text.startswith(closer, i) and i + len(closer) <= limit:
            return i
        i += 2 if text[i] == "\\" else 1
    return None


def _inline_dollar_close(text: str, opening: int, limit: int) -> int | None:
    """Index of the ``$`` closing the inline math opened at ``opening``, or ``None``."""
    after = opening + 1
    if after >= limit or text[after].isspace():
        return None
    close = _find_closer(text, after, limit, "$")
    if close is None:
        return None
    follower = text[close + 1] if close + 1 < limit else ""
    if follower.isdigit():
        return None
    if text[close - 1].isspace() and _opens_tight_math(text, close, limit):
        return None  # "$5 and $x$": this "$" opens the next formula, so the first one opened none
    return close


def _opens_tight_math(text: str, dollar: int, limit: int) -> bool:
    """Whether the ``$`` at ``dollar`` opens a formula as pandoc reads one: a non-space after it, and a
    closing ``$`` with a non-space before it and no digit after it, in the same paragraph.

    A ``$`` that cannot open anything (followed by punctuation and then no such
    closer, or by a hard-break backslash at the end of a line) closes the formula
    before it, whatever its other neighbours are.
    """
    after = dollar + 1
    if after >= limit or text[after].isspace() or text.startswith("\\\n", after) or text.startswith("\\\r\n", after):
        return False
    close = _find_closer(text, after, limit, "$")
    if close is None or text[close - 1].isspace():
        return False
    return not (close + 1 < limit and text[close + 1].isdigit())


def _code_span_end(text: str, i: int, limit: int) -> int:
    """End of the code span whose backtick run starts at ``i``; just past the run if unclosed."""
    run = _BACKTICKS.match(text, i)
    assert run is not None
    for candidate in _BACKTICKS.finditer(text, run.end(), limit):
        if len(candidate.group()) == len(run.group()):
            return candidate.end()
    return run.end()


def _make_span(
    text: str, start: int, stop: int, delimiters: tuple[str, str, bool], prefix: str, index: int, line: int
) -> MathSpan:
    opener, closer, display = delimiters
    return MathSpan(
        tex=text[start + len(opener) : stop - len(closer)],
        display=display,
        source=text[start:stop],
        line=line,
        token=f"{prefix}{index:05d}",
    )


def token_pattern(spans: tuple[MathSpan, ...]) -> re.Pattern[str] | None:
    """A regex matching any of the spans' tokens (``None`` when there are none)."""
    if not spans:
        return None
    prefix = spans[0].token[:-5]
    return re.compile(re.escape(prefix) + r"\d{5}")
