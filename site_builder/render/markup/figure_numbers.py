"""Numbers in the text that come from the figures' own runs: ``{{ figure("depth.png").final_loss | round(4) }}``.

A figure's experiment measures what it shows (final loss, accuracy, dead
neurons...; ``site-builder help figures`` lists them per kind), and the text
quotes them by reference, so a changed seed or setting can never leave a
stale number behind. The expression is deliberately small:

* ``figure("NAME")``: a figure the article declares;
* then fields: ``.final_loss``, ``["lr 0.2"]`` (keys with spaces), ``[0]`` (list items);
* then filters: ``| round(N)`` (N decimals), ``| percent`` or ``| percent(N)``
  (0.973 → 97% or 97.3%), ``| sci(N)`` (1.5 × 10⁻⁷, N decimals), ``| int``.

Without a filter a number shows 4 significant digits. Anything else is a
``file:line`` problem: an unknown figure or field (with a did-you-mean), a
filter that does not exist, or an expression outside this grammar. Code spans
and fenced code are left alone, so ``{{ }}`` can still be shown as code.
"""

from __future__ import annotations

import ast
import difflib
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

_QUOTE = re.compile(r"\{\{(?P<expression>[^{}\n]*?)\}\}")
_FENCE = re.compile(r"^(?P<fence>~{3,}|`{3,})[^\n]*\n(?:.*?\n)?(?P=fence)[ ]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
FILTERS = ("round", "percent", "sci", "int")


@dataclass(frozen=True)
class QuoteProblem:
    offset: int  # where the {{ starts, in the text given
    message: str


def quote_numbers(text: str, numbers: Mapping[str, Mapping[str, object]],
                  escape: Callable[[str], str] = html.escape) -> tuple[str, list[QuoteProblem]]:
    """``text`` with every ``{{ ... }}`` outside code replaced by its value, and the problems.

    ``numbers`` maps each figure the article declares to its measured numbers.
    Values are HTML-escaped for the page; ``escape`` may say otherwise (the
    notebook wants them as plain text). A quote that cannot be worked out
    stays as it was written.
    """
    code = [(m.start(), m.end()) for m in _FENCE.finditer(text)] + [(m.start(), m.end()) for m in _CODE_SPAN.finditer(text)]
    pieces, problems, position = [], [], 0
    for match in _QUOTE.finditer(text):
        if any(start <= match.start() < end for start, end in code):
            continue
        try:
            value = escape(evaluate_quote(match["expression"], numbers))
        except QuoteError as error:
            problems.append(QuoteProblem(match.start(), str(error)))
            continue
        pieces += [text[position:match.start()], value]
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces), problems


class QuoteError(ValueError):
    """A quote that cannot be worked out; the message says why and what to write."""


def evaluate_quote(expression: str, numbers: Mapping[str, Mapping[str, object]]) -> str:
    """The text for ``figure("NAME").field | filter(...)``; raises :class:`QuoteError`."""
    head, *filters = [part.strip() for part in expression.split("|")]
    value = _lookup(_parse(head), numbers)
    for text in filters:
        value = _apply(text, value)
    return value if isinstance(value, str) else _default(value)


def _parse(text: str) -> ast.expr:
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError:
        raise QuoteError(f"{{{{ {text} }}}} is not a figure number; write it like {{{{ figure(\"fit.png\").final_loss | round(4) }}}}") from None


def _lookup(node: ast.expr, numbers: Mapping[str, Mapping[str, object]]) -> object:
    path: list[object] = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            path.append(node.attr)
        elif isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, (str, int)):
            path.append(node.slice.value)
        else:
            raise QuoteError("a field in [...] must be a quoted name or a whole number, like [\"lr 0.2\"] or [0]")
        node = node.value
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "figure"
            and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        raise QuoteError("a figure number starts with figure(\"NAME\"), the name of a figure this article declares")
    name = node.args[0].value
    if name not in numbers:
        known = sorted(numbers)
        raise QuoteError(f"figure({name!r}) is not a figure with numbers in this article{_guess(name, known)}; the figures with numbers: {', '.join(known) or 'none'}")
    value: object = numbers[name]
    where = f"figure({name!r})"
    for field in reversed(path):
        value, where = _field(value, field, where), f"{where}{_spelt(field)}"
    return value


def _field(value: object, field: object, where: str) -> object:
    if isinstance(value, Mapping):
        if field in value:
            return value[field]
        known = sorted(str(k) for k in value)
        raise QuoteError(f"{where} has no {field!r}{_guess(str(field), known)}; it has {', '.join(known)}")
    if isinstance(value, list) and isinstance(field, int):
        if -len(value) <= field < len(value):
            return value[field]
        raise QuoteError(f"{where} has {len(value)} items, so [{field}] does not exist")
    raise QuoteError(f"{where} is a number, not a set of fields: remove {_spelt(field)}")


def _spelt(field: object) -> str:
    return f".{field}" if isinstance(field, str) and field.isidentifier() else f"[{field!r}]"


def _guess(word: str, known: list[str]) -> str:
    match = difflib.get_close_matches(word, known, n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _apply(text: str, value: object) -> str:
    match = re.fullmatch(r"(\w+)\s*(?:\(\s*(\d+)\s*\))?", text)
    if not match or match[1] not in FILTERS:
        raise QuoteError(f"unknown filter {text!r}; the filters: round(N), percent, percent(N), sci(N), int")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise QuoteError(f"| {match[1]} needs a number, and this is {_kind(value)}; pick a number field")
    digits = int(match[2]) if match[2] is not None else None
    if match[1] == "round":
        return f"{value:.{digits if digits is not None else 0}f}"
    if match[1] == "percent":
        return f"{value * 100:.{digits or 0}f}%"
    if match[1] == "sci":
        return scientific(value, digits if digits is not None else 2)
    return str(int(round(value)))


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value: float, digits: int) -> str:
    """``value`` as prose writes it, 1.5 × 10⁻⁷, in plain text (no markup, so it reads the same in a feed or a search snippet)."""
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


def _default(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (int, str)):
        return str(value)
    raise QuoteError(f"this is {_kind(value)}, not a number: add a field, like .final_loss")


def _kind(value: object) -> str:
    return "a set of fields" if isinstance(value, Mapping) else "a list" if isinstance(value, list) else f"a {type(value).__name__}"
