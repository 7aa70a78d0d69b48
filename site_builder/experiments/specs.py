"""Typed figure declarations.

An article's front matter declares each figure it shows, for example::

    figures:
      ReLU.png: {kind: activation, activation: relu}
      quadratic_1lin2_relu_2lin1.gif:
        kind: training
        target: "x**2"
        hidden: [2]
        activation: relu
        steps: 2000
        lr: 0.1
        seed: 1

The file extension decides the output: ``.png`` is a still, ``.gif`` an
animation, which also gets a poster frame ``<stem>.poster.png`` beside it
(so names ending in ``.poster.png`` are reserved). A ``neurons`` figure
takes the parameters of a ``training`` one and draws each hidden neuron's
share of the output instead of the output alone.

:func:`parse_figure` turns one such mapping into a frozen spec,
or reports everything wrong with it at once as :class:`SpecIssue` values.
Specs hold plain values only, so they are cheap to build, compare and hash;
the parser does evaluate each training target once, to check it is finite
on the points it will be trained on.

Limits (module constants below) keep a build's work bounded and its figures
meaningful; error messages quote them, and tests assert those messages.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from site_builder.experiments.expressions import ExpressionError, compile_expression

ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")


@dataclass(frozen=True)
class ActivationPlotSpec:
    """A still plot of one activation function over ``interval``."""

    name: str  # output file name, e.g. "ReLU.png"
    activation: str  # one of ACTIVATIONS
    interval: tuple[float, float] = (-5.0, 5.0)
    leak: float = 0.1  # negative-side slope, used by leaky_relu only


@dataclass(frozen=True)
class TrainingSpec:
    """A network trained on a 1-D target; drawn as its final fit (.png) or its training (.gif).

    ``hidden == ()`` is a single linear layer (no activation). ``batch_size``
    of ``None`` means full-batch gradient descent, an int means mini-batch SGD
    with batches drawn from the seeded generator.
    """

    name: str
    target: str  # expression of x, evaluated by the allow-list evaluator
    interval: tuple[float, float] = (-1.0, 1.0)
    samples: int = 64  # training points, evenly spaced over interval
    hidden: tuple[int, ...] = ()
    activation: str = "relu"
    leak: float = 0.1
    steps: int = 1000
    lr: float = 0.1
    batch_size: int | None = None
    seed: int = 0
    frames: int = 100  # animation frames (snapshots), first at step 0, last at `steps`
    fps: int = 20


@dataclass(frozen=True)
class NeuronsSpec:
    """What each hidden neuron of a trained one-hidden-layer network adds to its output.

    The network is trained exactly as ``training`` says (its ``name`` is this
    figure's name); the figure shows each neuron's term
    ``w2_i * act(w1_i * x + b1_i)``, the output bias, and their sum against the
    target: the final state (``.png``) or the whole training (``.gif``).
    """

    training: TrainingSpec  # training.hidden has exactly one width

    def __post_init__(self) -> None:
        if len(self.training.hidden) != 1:
            raise ValueError(f"a neurons figure needs exactly one hidden layer, got hidden={self.training.hidden}")

    @property
    def name(self) -> str:
        return self.training.name


FigureSpec = ActivationPlotSpec | TrainingSpec | NeuronsSpec


KINDS: dict[str, type[FigureSpec]] = {
    "activation": ActivationPlotSpec,
    "training": TrainingSpec,
    "neurons": NeuronsSpec,
}
# The kinds that train a network: they take TrainingSpec's parameters.
TRAINED_KINDS: frozenset[str] = frozenset({"training", "neurons"})
EXTENSIONS: tuple[str, ...] = (".png", ".gif")
POSTER_SUFFIX = ".poster.png"  # an animation's poster frame: "fit.gif" -> "fit.poster.png"
FRAMES_SUFFIX = ".frames.js"  # an animation's data for the page's player: "fit.gif" -> "fit.frames.js"

MAX_LR = 10.0  # lr must be in (0, MAX_LR]
MIN_STEPS, MAX_STEPS = 1, 100_000
MIN_FRAMES, MAX_FRAMES = 2, 500
MIN_SAMPLES, MAX_SAMPLES = 2, 10_000
MAX_HIDDEN_LAYERS = 4
MAX_HIDDEN_WIDTH = 256
MIN_FPS, MAX_FPS = 1, 60
MAX_INTERVAL_ABS = 1000.0  # both interval ends lie in [-MAX_INTERVAL_ABS, MAX_INTERVAL_ABS]

# Names people reach for that difflib would not match to ours.
SYNONYMS: dict[str, str] = {
    "learning_rate": "lr",
    "epochs": "steps",
    "iterations": "steps",
    "layers": "hidden",
    "range": "interval",
    "domain": "interval",
    "n_samples": "samples",
    "function": "target",
}


@dataclass(frozen=True)
class SpecIssue:
    """One problem with a figure declaration."""

    # the declaration key at fault ("lr"); None for the declaration as a whole or its file name
    key: str | None
    message: str  # one sentence that says what is wrong and what to do


class _Invalid(ValueError):
    """Raised by a converter for the key being converted.

    ``expected`` completes "<key> must be ..."; the issue then quotes the
    value given. A converter with more to say passes a whole ``message``.
    """

    def __init__(self, expected: str = "", message: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.message = message

    def for_key(self, key: str, value: object) -> str:
        return self.message or f"{key} must be {self.expected}; got {_show(value)}"


Converter = Callable[[object], object]


def training_inputs(interval: tuple[float, float], samples: int) -> np.ndarray:
    """The (samples,) evenly spaced training inputs over ``interval``, ends included.

    The one definition shared by validation and training, so the target is
    checked on exactly the points the network will see.
    """
    lo, hi = interval
    assert lo < hi and samples >= 2
    return np.linspace(lo, hi, samples)


def poster_name(name: str) -> str:
    """The poster frame's file name (or path) for the animation ``name``: ``a/fit.gif`` -> ``a/fit.poster.png``."""
    if not name.endswith(".gif"):
        raise ValueError(f"only animations (.gif) have poster frames, not {name!r}")
    return name.removesuffix(".gif") + POSTER_SUFFIX


def frames_name(name: str) -> str:
    """The player data's file name (or path) for the animation ``name``: ``a/fit.gif`` -> ``a/fit.frames.js``."""
    if not name.endswith(".gif"):
        raise ValueError(f"only animations (.gif) have player data, not {name!r}")
    return name.removesuffix(".gif") + FRAMES_SUFFIX


def parse_figure(name: str, declaration: object) -> tuple[FigureSpec | None, tuple[SpecIssue, ...]]:
    """Turn the front-matter declaration of figure ``name`` into a spec.

    ``declaration`` is whatever YAML produced. Returns ``(spec, ())`` when it
    is valid and ``(None, issues)`` otherwise, with every issue found (file
    name, kind, unknown keys, types, ranges, the target) in one pass.
    """
    issues = list(_name_issues(name))
    if not isinstance(declaration, Mapping):
        message = (
            f"the declaration of {name!r} must be a mapping of parameters, "
            f"like {{kind: activation, activation: relu}}; got {_show(declaration)}"
        )
        return None, (*issues, SpecIssue(None, message))
    kind, kind_issue = _kind(declaration)
    if kind_issue is not None:
        return None, (*issues, kind_issue)
    if kind == "activation" and isinstance(name, str) and name.endswith(".gif"):
        message = "the name must end in .png: activation plots are stills"
        issues.append(SpecIssue(None, message))
    values, field_issues = _convert_fields(kind, declaration)
    issues += field_issues
    if kind in TRAINED_KINDS:
        issues += _training_cross_checks(values, declaration)
    if kind == "neurons":
        issues += _one_hidden_layer_issues(values, declaration)
    if issues:
        return None, tuple(issues)
    if kind == "neurons":
        return NeuronsSpec(TrainingSpec(name=name, **values)), ()
    return KINDS[kind](name=name, **values), ()


def _name_issues(name: object) -> list[SpecIssue]:
    """Problems with a figure's file name: it must be a bare .png or .gif file name."""
    if not isinstance(name, str) or not name:
        return [SpecIssue(None, "the name must be a file name like plot.png")]
    issues = []
    if "/" in name or "\\" in name:
        message = "the name must be a plain file name, without '/' or '\\'"
        issues.append(SpecIssue(None, message))
    if name.startswith("."):
        issues.append(SpecIssue(None, "the name must not start with '.'"))
    if any(ord(char) < 32 or ord(char) == 127 for char in name):
        issues.append(SpecIssue(None, "the name must not contain control characters such as a tab, a newline or \\0"))
    if not name.endswith(EXTENSIONS):
        issues.append(
            SpecIssue(None, "the name must end in .png (a still) or .gif (an animation)")
        )
    elif name.lower().endswith(POSTER_SUFFIX):
        message = (
            f"the name {name!r} is reserved for poster frames: every .gif figure gets a "
            f"<name>{POSTER_SUFFIX} still beside it; choose a name that does not end in {POSTER_SUFFIX}"
        )
        issues.append(SpecIssue(None, message))
    return issues


def _kind(declaration: Mapping) -> tuple[str | None, SpecIssue | None]:
    """The declared kind, or the issue that says why there is none."""
    known = ", ".join(KINDS)
    if "kind" not in declaration:
        return None, SpecIssue("kind", f"missing 'kind'; add kind: followed by one of {known}")
    kind = declaration["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        return None, SpecIssue("kind", f"unknown kind {_show(kind)}; known kinds: {known}")
    return kind, None


def _convert_fields(kind: str, declaration: Mapping) -> tuple[dict[str, object], list[SpecIssue]]:
    """Every declared key but ``kind`` checked and converted to its spec field's type."""
    converters = _converters(kind, declaration)
    values: dict[str, object] = {}
    issues: list[SpecIssue] = []
    for key, raw in declaration.items():
        if key == "kind":
            continue
        if key not in converters:
            issues.append(SpecIssue(str(key), _unknown_key_message(str(key), kind, list(converters))))
            continue
        try:
            values[key] = converters[key](raw)
        except _Invalid as invalid:
            issues.append(SpecIssue(key, invalid.for_key(key, raw)))
    for key in _required(ActivationPlotSpec if kind == "activation" else TrainingSpec):
        if key not in declaration:
            issues.append(SpecIssue(key, f"missing {key!r}, which {_a(kind)} figure needs"))
    return values, issues


def _converters(kind: str, declaration: Mapping) -> dict[str, Converter]:
    """A converter for each parameter a figure of ``kind`` accepts, in spec field order."""
    common = {"interval": _interval, "leak": _number(0.0, 1.0, hi_open=True)}
    if kind == "activation":
        return {"activation": _activation, **common}
    try:  # batch_size is bounded by samples; if samples is invalid, by its own limit
        samples = _whole(MIN_SAMPLES, MAX_SAMPLES)(declaration.get("samples", TrainingSpec.samples))
    except _Invalid:
        samples = MAX_SAMPLES
    return {
        "target": _target_text,
        "interval": _interval,
        "samples": _whole(MIN_SAMPLES, MAX_SAMPLES),
        "hidden": _hidden,
        "activation": _activation,
        "leak": common["leak"],
        "steps": _whole(MIN_STEPS, MAX_STEPS),
        "lr": _number(0.0, MAX_LR, lo_open=True),
        "batch_size": _batch_size(samples),
        "seed": _whole(0, None),
        "frames": _whole(MIN_FRAMES, MAX_FRAMES),
        "fps": _whole(MIN_FPS, MAX_FPS),
    }


def _training_cross_checks(values: Mapping[str, object], declaration: Mapping) -> list[SpecIssue]:
    """Checks that need several fields: frames against steps, the target on the interval.

    A field that was declared but invalid is already reported, so checks
    that depend on it are skipped rather than run against a default.
    """
    field = _effective_values(values, declaration)
    issues = []
    steps, frames = field["steps"], field["frames"]
    if isinstance(steps, int) and isinstance(frames, int) and frames > steps + 1:
        message = (
            f"frames ({frames}) must be at most steps + 1 ({steps + 1}), since a run of "
            f"{steps} steps has only {steps + 1} states to record; lower frames or raise steps"
        )
        issues.append(SpecIssue("frames", message))
    if isinstance(field["target"], str):
        issue = _target_issue(field["target"], field["interval"], field["samples"])
        issues += [] if issue is None else [issue]
    return issues


def _one_hidden_layer_issues(values: Mapping[str, object], declaration: Mapping) -> list[SpecIssue]:
    """A neurons figure draws the neurons of one hidden layer, so ``hidden`` must list one width."""
    if "hidden" in declaration and "hidden" not in values:
        return []  # invalid, and already reported
    hidden = values.get("hidden", TrainingSpec.hidden)
    assert isinstance(hidden, tuple)
    if len(hidden) == 1:
        return []
    given = f"got {_show(hidden)}" if "hidden" in declaration else "got none (the default is [], a linear model)"
    message = (
        "a neurons figure draws the neurons of exactly one hidden layer, so hidden must "
        f"list one width, like hidden: [2]; {given}"
    )
    return [SpecIssue("hidden", message)]


def _effective_values(values: Mapping[str, object], declaration: Mapping) -> dict[str, object]:
    """Each TrainingSpec field's converted value, its default if undeclared, None if invalid."""
    effective: dict[str, object] = {}
    for f in dataclasses.fields(TrainingSpec):
        if f.name in values:
            effective[f.name] = values[f.name]
        elif f.name in declaration or f.default is dataclasses.MISSING:
            effective[f.name] = None
        else:
            effective[f.name] = f.default
    return effective


def _target_issue(source: str, interval: object, samples: object) -> SpecIssue | None:
    """Why ``source`` cannot be a training target, or None if it can."""
    try:
        target = compile_expression(source)
    except ExpressionError as error:
        where = "" if error.column is None else f", column {error.column}"
        return SpecIssue("target", f"target {source!r}{where}: {error.message}")
    if not isinstance(interval, tuple) or not isinstance(samples, int):
        return None  # already reported; cannot tell where to evaluate
    x = training_inputs(interval, samples)  # (N,)
    bad = x[~np.isfinite(target(x))]
    if bad.size == 0:
        return None
    others = f" and {bad.size - 1} other training points" if bad.size > 1 else ""
    message = (
        f"target {source!r} is not finite at x = {bad[0]:g}{others}; "
        "change the target or the interval so it is defined everywhere on it"
    )
    return SpecIssue("target", message)


def _unknown_key_message(key: str, kind: str, known: list[str]) -> str:
    """'unknown parameter ...', with the closest known name when there is one."""
    guess = SYNONYMS.get(key.lower()) or next(
        iter(difflib.get_close_matches(key.lower(), known, n=1, cutoff=0.5)), None
    )
    hint = f"; did you mean {guess!r}?" if guess in known else "."
    return f"unknown parameter {key!r} for {_a(kind)} figure{hint} Known: {', '.join(known)}"


def _a(kind: str) -> str:
    """'a training', 'an activation'."""
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


# --- converters: each returns the field's value or raises _Invalid("must be ...") ---


def _is_whole(value: object) -> bool:
    """An int that is not a bool (YAML's true would otherwise count as 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return _is_whole(value) or isinstance(value, float)


def _whole(lo: int, hi: int | None) -> Converter:
    """A converter accepting whole numbers in [lo, hi] (no upper bound if hi is None)."""
    expected = f"a whole number from {lo} to {hi}" if hi is not None else f"a whole number, {lo} or more"

    def convert(value: object) -> int:
        if not _is_whole(value) or value < lo or (hi is not None and value > hi):
            raise _Invalid(expected)
        return int(value)

    return convert


def _number(lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False) -> Converter:
    """A converter accepting ints or floats between lo and hi (open ends excluded)."""
    lower = f"greater than {_format(lo)}" if lo_open else f"at least {_format(lo)}"
    upper = f"less than {_format(hi)}" if hi_open else f"at most {_format(hi)}"

    def convert(value: object) -> float:
        if not _is_number(value) or not _within(value, lo, hi, lo_open, hi_open):
            raise _Invalid(f"a number {lower} and {upper}")
        return float(value)

    return convert


def _within(value: float, lo: float, hi: float, lo_open: bool, hi_open: bool) -> bool:
    """Whether lo <(=) value <(=) hi; False for NaN."""
    above = value > lo if lo_open else value >= lo
    below = value < hi if hi_open else value <= hi
    return above and below


def _interval(value: object) -> tuple[float, float]:
    limit = _format(MAX_INTERVAL_ABS)
    expected = f"two numbers [lo, hi] with lo < hi, both between -{limit} and {limit}"
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(map(_is_number, value)):
        raise _Invalid(expected)
    lo, hi = value
    if not (-MAX_INTERVAL_ABS <= lo < hi <= MAX_INTERVAL_ABS):  # also rejects NaN and inf
        raise _Invalid(expected)
    return float(lo), float(hi)


def _hidden(value: object) -> tuple[int, ...]:
    if (
        not isinstance(value, (list, tuple))
        or len(value) > MAX_HIDDEN_LAYERS
        or not all(_is_whole(w) and 1 <= w <= MAX_HIDDEN_WIDTH for w in value)
    ):
        raise _Invalid(
            f"a list of at most {MAX_HIDDEN_LAYERS} layer widths, each a whole number "
            f"from 1 to {MAX_HIDDEN_WIDTH}, like [2] or [20, 20] ([] for a linear model)"
        )
    return tuple(int(w) for w in value)


def _batch_size(samples: int) -> Converter:
    def convert(value: object) -> int | None:
        if value is not None and not (_is_whole(value) and 1 <= value <= samples):
            raise _Invalid(f"null (full batch) or a whole number from 1 to samples ({samples})")
        return value

    return convert


def _activation(value: object) -> str:
    if not isinstance(value, str) or value not in ACTIVATIONS:
        guess = difflib.get_close_matches(str(value).lower(), ACTIVATIONS, n=1, cutoff=0.5)
        hint = f"; did you mean {guess[0]!r}?" if guess else "."
        known = ", ".join(ACTIVATIONS)
        raise _Invalid(message=f"unknown activation {_show(value)}{hint} Known: {known}")
    return value


def _target_text(value: object) -> str:
    if not isinstance(value, str):
        raise _Invalid('an expression of x in quotes, like "x**2"')
    return value  # the expression itself is checked with the interval, in _target_issue


# --- helpers ---


def _required(cls: type) -> list[str]:
    """Fields of ``cls`` without a default, except ``name`` (which is the figure's key)."""
    return [f.name for f in dataclasses.fields(cls) if f.name != "name" and f.default is dataclasses.MISSING]


def _format(number: float) -> str:
    """A limit as an author would write it: 10 rather than 10.0."""
    return str(int(number)) if float(number).is_integer() else repr(number)


def _show(value: object) -> str:
    """``value`` as YAML would spell it, shortened to at most 40 characters, for messages."""
    text = _yaml_spelling(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _yaml_spelling(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml_spelling(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_yaml_spelling(v)}" for k, v in value.items()) + "}"
    return repr(value)
