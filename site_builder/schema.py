"""Typed parameters for what authors declare: checked, converted and described in one place.

Figure declarations (:mod:`site_builder.experiments.specs`) and the
playground's settings (:mod:`site_builder.load.playground`) are mappings an
author writes in YAML. Each accepted key is a :class:`Parameter`: a check
that converts the value or says what it must be, a default, and a one-line
meaning. The same table validates a declaration and writes the reference
(``site-builder help``, ``docs/reference.md``), so the two cannot drift.

A check raises :class:`Invalid`; its ``expected`` text completes the sentence
"<key> must be ..." and the issue then quotes the value given, spelt as YAML
spells it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

REQUIRED = object()  # the default of a parameter the author must give


class Invalid(ValueError):
    """Raised by a check. ``expected`` completes "<key> must be ..."; ``message`` replaces the whole sentence."""

    def __init__(self, expected: str = "", message: str | None = None) -> None:
        super().__init__(message or expected)
        self.expected = expected
        self.message = message

    def for_key(self, key: str, value: object) -> str:
        return self.message or f"{key} must be {self.expected}; got {show(value)}"


class Check:
    """Converts one value or raises :class:`Invalid`; ``accepts`` describes what it takes, for the reference."""

    accepts: str = ""

    def __call__(self, value: object) -> object:
        raise NotImplementedError


@dataclass(frozen=True)
class Parameter:
    """One key a declaration accepts."""

    name: str
    check: Callable[[object], object]  # usually a Check; returns the converted value or raises Invalid
    meaning: str  # one line for the reference
    default: object = REQUIRED
    accepts: str = ""  # what the reference says the key takes; defaults to the check's own words
    missing: str = ""  # for a required key: the message when it is absent, if the generic one says too little

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    def describe(self) -> str:
        return self.accepts or getattr(self.check, "accepts", "")


@dataclass(frozen=True)
class ParameterIssue:
    key: str | None  # the key at fault, or None for the declaration as a whole
    message: str


def convert(declaration: Mapping, parameters: Sequence[Parameter], *, unknown: Callable[[str], str], skip: Sequence[str] = ()) -> tuple[dict[str, object], list[ParameterIssue]]:
    """Every declared key checked and converted; an issue for each unknown key, bad value and missing required key.

    ``unknown(key)`` words the message for a key no parameter takes; keys in
    ``skip`` (such as ``kind``) are left to the caller.
    """
    by_name = {p.name: p for p in parameters}
    values: dict[str, object] = {}
    issues: list[ParameterIssue] = []
    for key, raw in declaration.items():
        if key in skip:
            continue
        parameter = by_name.get(key)
        if parameter is None:
            issues.append(ParameterIssue(str(key), unknown(str(key))))
            continue
        try:
            values[key] = parameter.check(raw)
        except Invalid as invalid:
            issues.append(ParameterIssue(key, invalid.for_key(key, raw)))
    return values, issues


# --- checks ---------------------------------------------------------------------------


def is_whole(value: object) -> bool:
    """An int that is not a bool (YAML's true would otherwise count as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return is_whole(value) or isinstance(value, float)


@dataclass(frozen=True)
class WholeNumber(Check):
    """A whole number in [lo, hi]; no upper bound when ``hi`` is None."""

    lo: int
    hi: int | None = None

    @property
    def accepts(self) -> str:  # type: ignore[override]
        return f"a whole number from {self.lo} to {self.hi}" if self.hi is not None else f"a whole number, {self.lo} or more"

    def __call__(self, value: object) -> int:
        if not is_whole(value) or value < self.lo or (self.hi is not None and value > self.hi):  # type: ignore[operator]
            raise Invalid(self.accepts)
        return int(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Number(Check):
    """An int or a float between ``lo`` and ``hi``; open ends are excluded. NaN is never accepted."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False

    @property
    def accepts(self) -> str:  # type: ignore[override]
        lower = f"greater than {number_text(self.lo)}" if self.lo_open else f"at least {number_text(self.lo)}"
        upper = f"less than {number_text(self.hi)}" if self.hi_open else f"at most {number_text(self.hi)}"
        return f"a number {lower} and {upper}"

    def __call__(self, value: object) -> float:
        if not is_number(value) or (isinstance(value, float) and math.isnan(value)):
            raise Invalid(self.accepts)
        above = value > self.lo if self.lo_open else value >= self.lo  # type: ignore[operator]
        below = value < self.hi if self.hi_open else value <= self.hi  # type: ignore[operator]
        if not (above and below):
            raise Invalid(self.accepts)
        return float(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class OneOf(Check):
    """One of a fixed set of words."""

    choices: tuple[str, ...]

    @property
    def accepts(self) -> str:  # type: ignore[override]
        return f"one of {', '.join(self.choices)}"

    def __call__(self, value: object) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise Invalid(self.accepts)
        return value


# --- spelling values in messages ------------------------------------------------------------


def number_text(number: float) -> str:
    """A limit as an author would write it: 10 rather than 10.0."""
    return str(int(number)) if float(number).is_integer() else repr(number)


def show(value: object) -> str:
    """``value`` as YAML would spell it, shortened to at most 40 characters, for messages."""
    text = yaml_spelling(value)
    return text if len(text) <= 40 else text[:37] + "..."


def yaml_spelling(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(yaml_spelling(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {yaml_spelling(v)}" for k, v in value.items()) + "}"
    return repr(value)
