r"""Numbered equations and figures, labelled sections, and the cross-references to them.

Labels are ids written with ``{#...}`` after the thing they name:

* an equation: ``$$ ... $$ {#eq-collapse}`` (display math only). Labelled
  equations are numbered 1, 2, ... in page order; the number, "(1)", is text
  beside the formula at the right margin (not KaTeX's ``\tag``, whose
  MathML is not valid HTML), so screen readers read it after the formula;
* a figure: ``![Alt](fit.gif "Caption."){#fig-fit}``. Labelled figures are
  numbered in page order and their caption starts "Figure N.";
* a section: ``## Activation functions {#sec-activations}``.

``@eq-collapse`` then reads "Equation (1)", ``@fig-fit`` "Figure 2" and
``@sec-activations`` the section's title in quotation marks, each a link to its target. Only
labelled things are numbered, so a page's numbers never depend on the
figures or formulas it leaves unlabelled.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass

from site_builder.render.markup.math import MathSpan
from site_builder.render.markup.mentions import Mention

EQUATION, FIGURE, SECTION = "eq-", "fig-", "sec-"
CROSSREF_KINDS = (EQUATION, FIGURE, SECTION)
LABEL = r"[A-Za-z0-9_]+(?:[:./+-][A-Za-z0-9_]+)*"
_KINDS = {EQUATION: "equation", FIGURE: "figure", SECTION: "section"}
_HOW_TO_LABEL = {
    EQUATION: "label a display formula with $$ ... $$ {#eq-name}",
    FIGURE: 'label a figure with ![Alt](file.png "Caption."){#fig-name}',
    SECTION: "label a heading with ## Title {#sec-name}",
}


@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point at: its id, and the words a reference to it shows."""

    label: str  # the id, e.g. "eq-collapse"
    text: str  # "Equation (1)", "Figure 2", or the section's title


@dataclass(frozen=True)
class LabelledEquations:
    """Math-protected text with the ``{#eq-...}`` labels taken out, and each labelled formula's label and number."""

    text: str
    labels: Mapping[str, str]  # formula token -> label
    numbers: Mapping[str, int]  # label -> 1, 2, ...
    problems: tuple[tuple[int, str], ...]  # (offset in text, message)


def label_equations(text: str, spans: tuple[MathSpan, ...]) -> LabelledEquations:
    """Find ``TOKEN {#eq-name}`` after display formulas in math-protected ``text`` and take the labels out."""
    by_token = {span.token: span for span in spans}
    if not by_token:
        return LabelledEquations(text, {}, {}, ())
    token = re.escape(spans[0].token[:-5]) + r"\d{5}"
    pattern = re.compile(r"(" + token + r")[ \t]*\{#(" + EQUATION + LABEL + r")\}")
    labels: dict[str, str] = {}
    numbers: dict[str, int] = {}
    problems: list[tuple[int, str]] = []

    def take(match: re.Match[str]) -> str:
        formula, label = match.group(1), match.group(2)
        if not by_token[formula].display:
            problems.append((match.start(), f"'{{#{label}}}' follows inline math; only display math ($$ ... $$) can be numbered"))
        elif label in numbers:
            problems.append((match.start(), f"label '{label}' is used twice on this page; give each equation its own"))
        else:
            labels[formula] = label
            numbers[label] = len(numbers) + 1
        return formula

    return LabelledEquations(pattern.sub(take, text), labels, numbers, tuple(problems))


def equation_number_html(number: int) -> str:
    """The number shown at the right of a labelled formula (read after it by screen readers)."""
    return f'<span class="equation-number">({number})</span>'


def equation_target(label: str, number: int) -> Target:
    return Target(label, f"Equation ({number})")


def figure_target(label: str, number: int) -> Target:
    return Target(label, f"Figure {number}")


def figure_number_text(number: int) -> str:
    """How a numbered figure's caption starts."""
    return f"Figure {number}."


def section_target(label: str, title: str) -> Target:
    return Target(label, f"\u201c{title}\u201d")


def crossref_problem(mention: Mention, targets: Mapping[str, Target]) -> str | None:
    """What is wrong with a cross-reference, or ``None`` when it resolves."""
    key = mention.items[0].key
    if mention.bracketed or len(mention.items) > 1 or mention.items[0].prefix or mention.items[0].suffix:
        return f"cross-references are written without brackets, one at a time: @{key}, not {mention.source}"
    if key in targets:
        return None
    prefix = next(p for p in _KINDS if key.startswith(p))
    return f"no {_KINDS[prefix]} labelled '{key}' on this page{did_you_mean(key, targets)}; {_HOW_TO_LABEL[prefix]}"


def did_you_mean(word: str, known: object) -> str:
    """`` (did you mean 'eq-loss'?)`` when one of ``known`` (an iterable of names) is close to ``word``, else ``""``."""
    match = difflib.get_close_matches(word, sorted(known), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return f" (did you mean '{match[0]}'?)" if match else ""


def misplaced_label_problem(label: str, tag: str) -> str | None:
    """What is wrong with ``{#label}`` ending up on a ``<tag>`` element, or ``None`` when that element can carry it.

    Equation labels never reach the element tree when they follow display
    math (they are taken out first), and figure labels on images are
    handled with the figure, so only a section label on a heading is right.
    """
    prefix = next((p for p in _KINDS if label.startswith(p)), None)
    if prefix is None or (prefix == SECTION and re.fullmatch(r"h[1-6]", tag)):
        return None
    if prefix == FIGURE and tag == "img":
        return None
    article = "an" if prefix == EQUATION else "a"
    where = "a heading" if re.fullmatch(r"h[1-6]", tag) else f"a <{tag}> element"
    return f"'{{#{label}}}' is on {where}, which cannot carry {article} {_KINDS[prefix]} label; {_HOW_TO_LABEL[prefix]}"


def stray_label_problem(label: str) -> str:
    """A ``{#label}`` left as text: Markdown attached it to nothing."""
    prefix = next(p for p in _KINDS if label.startswith(p))
    return f"'{{#{label}}}' is attached to nothing and would show as text; {_HOW_TO_LABEL[prefix]}"


STRAY_LABEL = re.compile(r"\{#((?:eq-|fig-|sec-)" + LABEL + r")\}")


def crossref_html(mention: Mention, targets: Mapping[str, Target]) -> str:
    target = targets[mention.items[0].key]
    return f'<a class="crossref" href="#{html.escape(target.label)}">{html.escape(target.text)}</a>'


def crossref_text(mention: Mention, targets: Mapping[str, Target]) -> str:
    return targets[mention.items[0].key].text
