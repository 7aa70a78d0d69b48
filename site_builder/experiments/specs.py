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
import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from site_builder.experiments.expressions import ExpressionError, compile_expression
from site_builder.schema import Check, Invalid, Number, Parameter, WholeNumber, convert, is_number, is_whole, number_text, show

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


@dataclass(frozen=True)
class PythonSpec:
    """A figure drawn by the author's own code: ``function(params, rng)`` in ``script``.

    ``script`` is the path the author wrote until the article is loaded, and
    then the file's path relative to the project (``content/a/grads.py`` or
    ``experiments/grads.py``). ``params`` is canonical JSON (sorted keys), so
    the spec stays a plain, hashable value; the code receives it read-only.
    ``inputs`` are the data files the code reads, relative to the project.
    """

    name: str
    script: str
    function: str = "make"
    params: str = "{}"
    inputs: tuple[str, ...] = ()
    seed: int = 0
    timeout: float = 300.0  # seconds of running before the build stops it
    fps: int = 20  # animations: frames per second


FigureSpec = ActivationPlotSpec | TrainingSpec | NeuronsSpec | PythonSpec


KINDS: dict[str, type[FigureSpec]] = {
    "activation": ActivationPlotSpec,
    "training": TrainingSpec,
    "neurons": NeuronsSpec,
    "python": PythonSpec,
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
MAX_TIMEOUT = 3600.0  # seconds a python figure may be given to run
MAX_INPUTS = 100  # data files a python figure may declare

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
            f"like {{kind: activation, activation: relu}}; got {show(declaration)}"
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
        issues += _training_cross_checks(values, declaration, animated=isinstance(name, str) and name.endswith(".gif"))
        _fit_default_frames(values, declaration)
    if kind == "neurons":
        issues += _one_hidden_layer_issues(values, declaration)
    if issues:
        return None, tuple(issues)
    if kind == "neurons":
        return NeuronsSpec(TrainingSpec(name=name, **values)), ()
    return KINDS[kind](name=name, **values), ()  # type: ignore[arg-type]


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
        return None, SpecIssue("kind", f"unknown kind {show(kind)}; known kinds: {known}")
    return kind, None


def _convert_fields(kind: str, declaration: Mapping) -> tuple[dict[str, object], list[SpecIssue]]:
    """Every declared key but ``kind`` checked and converted to its spec field's type."""
    parameters = _bound_to(declaration, PARAMETERS[kind])
    known = [p.name for p in parameters]
    values, found = convert(declaration, parameters, unknown=lambda key: _unknown_key_message(key, kind, known), skip=("kind",))
    issues = [SpecIssue(issue.key, issue.message) for issue in found]
    for parameter in parameters:
        if parameter.required and parameter.name not in declaration:
            issues.append(SpecIssue(parameter.name, parameter.missing or f"missing {parameter.name!r}, which {_a(kind)} figure needs"))
    return values, issues


def _bound_to(declaration: Mapping, parameters: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    """``parameters`` with batch_size bounded by this declaration's samples (by its own limit if samples is invalid)."""
    try:
        samples = WholeNumber(MIN_SAMPLES, MAX_SAMPLES)(declaration.get("samples", TrainingSpec.samples))
    except Invalid:
        samples = MAX_SAMPLES
    return tuple(dataclasses.replace(p, check=_BatchSize(samples)) if p.name == "batch_size" else p for p in parameters)


def _training_cross_checks(values: Mapping[str, object], declaration: Mapping, *, animated: bool) -> list[SpecIssue]:
    """Checks that need several fields: frames against steps, the target on the interval.

    A field that was declared but invalid is already reported, so checks
    that depend on it are skipped rather than run against a default. Only what
    the author wrote can fail: ``frames`` is checked when it is declared for an
    animation (a still has no frames; an undeclared one fits the run, see
    :func:`_fit_default_frames`).
    """
    field = _effective_values(values, declaration)
    issues = []
    steps, frames = field["steps"], field["frames"]
    if animated and "frames" in declaration and isinstance(steps, int) and isinstance(frames, int) and frames > steps + 1:
        message = (
            f"frames ({frames}) must be at most steps + 1 ({steps + 1}), since a run of "
            f"{steps} steps has only {steps + 1} states to record; lower frames or raise steps"
        )
        issues.append(SpecIssue("frames", message))
    if isinstance(field["target"], str):
        issue = _target_issue(field["target"], field["interval"], field["samples"])
        issues += [] if issue is None else [issue]
    return issues


def _fit_default_frames(values: dict[str, object], declaration: Mapping) -> None:
    """An undeclared ``frames`` is the default, but never more than the run has states (``steps + 1``)."""
    steps = values.get("steps", TrainingSpec.steps)
    if "frames" not in declaration and isinstance(steps, int):
        fitted = min(TrainingSpec.frames, steps + 1)
        if fitted != TrainingSpec.frames:
            values["frames"] = fitted


def _one_hidden_layer_issues(values: Mapping[str, object], declaration: Mapping) -> list[SpecIssue]:
    """A neurons figure draws the neurons of one hidden layer, so ``hidden`` must list one width."""
    hidden = values.get("hidden")
    if hidden is None or len(hidden) == 1:  # type: ignore[arg-type]
        return []  # missing or invalid: already reported
    return [SpecIssue("hidden", f"{_ONE_HIDDEN_LAYER}; got {show(hidden)}")]


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


# --- checks: each returns the field's value or raises Invalid("must be ...") ---


class _Interval(Check):
    accepts = f"two numbers [lo, hi] with lo < hi, both between -{number_text(MAX_INTERVAL_ABS)} and {number_text(MAX_INTERVAL_ABS)}"

    def __call__(self, value: object) -> tuple[float, float]:
        if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(map(is_number, value)):
            raise Invalid(self.accepts)
        lo, hi = value
        if not (-MAX_INTERVAL_ABS <= lo < hi <= MAX_INTERVAL_ABS):  # also rejects NaN and inf
            raise Invalid(self.accepts)
        return float(lo), float(hi)


class _Hidden(Check):
    accepts = (
        f"a list of at most {MAX_HIDDEN_LAYERS} layer widths, each a whole number "
        f"from 1 to {MAX_HIDDEN_WIDTH}, like [2] or [20, 20] ([] for a linear model)"
    )

    def __call__(self, value: object) -> tuple[int, ...]:
        if (
            not isinstance(value, (list, tuple))
            or len(value) > MAX_HIDDEN_LAYERS
            or not all(is_whole(w) and 1 <= w <= MAX_HIDDEN_WIDTH for w in value)
        ):
            raise Invalid(self.accepts)
        return tuple(int(w) for w in value)


@dataclass(frozen=True)
class _BatchSize(Check):
    """Full batch, or a batch of at most ``samples`` points (``None`` in the reference: samples is not known there)."""

    samples: int | None = None

    @property
    def accepts(self) -> str:  # type: ignore[override]
        return "null (full batch) or a whole number from 1 to samples" + ("" if self.samples is None else f" ({self.samples})")

    def __call__(self, value: object) -> int | None:
        limit = MAX_SAMPLES if self.samples is None else self.samples
        if value is not None and not (is_whole(value) and 1 <= value <= limit):  # type: ignore[operator]
            raise Invalid(self.accepts)
        return value  # type: ignore[return-value]


class _Activation(Check):
    accepts = f"one of {', '.join(ACTIVATIONS)}"

    def __call__(self, value: object) -> str:
        if not isinstance(value, str) or value not in ACTIVATIONS:
            guess = difflib.get_close_matches(str(value).lower(), ACTIVATIONS, n=1, cutoff=0.5)
            hint = f"; did you mean {guess[0]!r}?" if guess else "."
            raise Invalid(message=f"unknown activation {show(value)}{hint} Known: {', '.join(ACTIVATIONS)}")
        return value


class _Target(Check):
    accepts = 'an expression of x in quotes, like "x**2" (allow-listed functions only)'

    def __call__(self, value: object) -> str:
        if not isinstance(value, str):
            raise Invalid('an expression of x in quotes, like "x**2"')
        return value  # the expression itself is checked with the interval, in _target_issue


class _ScriptPath(Check):
    accepts = "the file name of a Python script beside the article or in the project's experiments/ folder, like grads.py"

    def __call__(self, value: object) -> str:
        return _relative_path(value, self.accepts, suffix=".py")


class _FunctionName(Check):
    accepts = "the name of a function in the script, like make"

    def __call__(self, value: object) -> str:
        if not isinstance(value, str) or not value.isidentifier() or value.startswith("_"):
            raise Invalid(self.accepts)
        return value


class _Params(Check):
    accepts = "a mapping of names to plain values (numbers, strings, true/false, null, lists and mappings of them)"

    def __call__(self, value: object) -> str:
        if not isinstance(value, Mapping) or not _plain(value):
            raise Invalid(self.accepts)
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


class _Inputs(Check):
    accepts = f"a list of at most {MAX_INPUTS} data files relative to the project, like [data/points.csv]"

    def __call__(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)) or len(value) > MAX_INPUTS:
            raise Invalid(self.accepts)
        paths = tuple(_relative_path(path, self.accepts) for path in value)
        return tuple(dict.fromkeys(paths))  # a repeated file is one input


def _relative_path(value: object, accepts: str, *, suffix: str = "") -> str:
    """``value`` as a clean relative path (forward slashes, no ``..``, nothing hidden), or Invalid."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid(accepts)
    parts = value.strip().replace("\\", "/").split("/")
    if value.startswith("/") or any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        raise Invalid(message=f"{value!r} must be a path inside the project, without '..', a leading '/' or hidden folders")
    if suffix and not parts[-1].endswith(suffix):
        raise Invalid(accepts)
    return "/".join(parts)


def _plain(value: object, depth: int = 0) -> bool:
    """Whether ``value`` is JSON-like data (finite numbers only), nested at most 10 deep."""
    if depth > 10:
        return False
    if value is None or isinstance(value, (bool, str, int)):
        return True
    if isinstance(value, float):
        return value == value and abs(value) != float("inf")
    if isinstance(value, (list, tuple)):
        return all(_plain(item, depth + 1) for item in value)
    if isinstance(value, Mapping):
        return all(isinstance(key, str) and _plain(item, depth + 1) for key, item in value.items())
    return False


_LEAK = Parameter("leak", Number(0.0, 1.0, hi_open=True), "slope of leaky_relu for negative inputs (ignored by the other activations)", 0.1)

# What each kind accepts, in spec field order. The reference (`site-builder help figures`) is made from these.
PARAMETERS: dict[str, tuple[Parameter, ...]] = {
    "activation": (
        Parameter("activation", _Activation(), "the activation function to plot, with its derivative"),
        Parameter("interval", _Interval(), "the range of inputs z shown", ActivationPlotSpec.interval),
        _LEAK,
    ),
    "training": (
        Parameter("target", _Target(), "the function the network learns, as an expression of x such as \"x**2\" or \"abs(x)\""),
        Parameter("interval", _Interval(), "the inputs trained on and drawn", TrainingSpec.interval),
        Parameter("samples", WholeNumber(MIN_SAMPLES, MAX_SAMPLES), "training points, evenly spaced over the interval", TrainingSpec.samples),
        Parameter("hidden", _Hidden(), "widths of the hidden layers; [] is a linear model", TrainingSpec.hidden),
        Parameter("activation", _Activation(), "the hidden layers' activation", TrainingSpec.activation),
        _LEAK,
        Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "gradient-descent updates", TrainingSpec.steps),
        Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", TrainingSpec.lr),
        Parameter("batch_size", _BatchSize(), "points per update; null is full-batch gradient descent", TrainingSpec.batch_size),
        Parameter("seed", WholeNumber(0, None), "seeds the initial weights and the batches: the same seed gives the same figure", TrainingSpec.seed),
        Parameter("frames", WholeNumber(MIN_FRAMES, MAX_FRAMES), "snapshots an animation records, evenly spaced over training (animations only; at most steps + 1, and left out it is 100 or steps + 1 for a shorter run)", TrainingSpec.frames),
        Parameter("fps", WholeNumber(MIN_FPS, MAX_FPS), "frames per second of an animation (animations only)", TrainingSpec.fps),
    ),
}
_ONE_HIDDEN_LAYER = "a neurons figure draws the neurons of exactly one hidden layer, so hidden must list one width, like hidden: [2]"
# A neurons figure trains exactly as a training figure does, on a network of one hidden layer.
PARAMETERS["python"] = (
    Parameter("script", _ScriptPath(), "the Python file that draws the figure; looked for beside the article, then in experiments/"),
    Parameter("function", _FunctionName(), "the function the build calls as function(params, rng)", PythonSpec.function),
    Parameter("params", _Params(), "passed to the function, read-only; every value is part of the cache key", {}),
    Parameter("inputs", _Inputs(), "data files the code reads (opened by these paths, relative to the project); each file's bytes are part of the cache key", ()),
    Parameter("seed", WholeNumber(0, None), "seeds the numpy.random.Generator the function receives as rng", PythonSpec.seed),
    Parameter("timeout", Number(0.0, MAX_TIMEOUT, lo_open=True), "seconds the code may run before the build stops it", PythonSpec.timeout),
    Parameter("fps", WholeNumber(MIN_FPS, MAX_FPS), "frames per second of an animation (animations only)", PythonSpec.fps),
)
PARAMETERS["neurons"] = tuple(
    Parameter("hidden", _Hidden(), "the width of the one hidden layer whose neurons are drawn",
              accepts="a list of one width from 1 to 256, like [2]", missing=f"{_ONE_HIDDEN_LAYER}; got none")
    if p.name == "hidden" else p
    for p in PARAMETERS["training"]
)

# One line per kind, for the reference.
SUMMARIES: dict[str, str] = {
    "activation": "A still plot of an activation function and its derivative (.png only).",
    "training": "A network trained on a 1-D target: its final fit (.png) or its training (.gif), with the loss.",
    "neurons": "A one-hidden-layer network trained as `training` says, drawn as each hidden neuron's share of the output and their sum (.png or .gif).",
    "python": (
        "A figure drawn by your own code: the build calls `function(params, rng)` from `script` and caches the result by the script, "
        "every project module it imports, the declared inputs, params, seed and library versions. For a .png it returns a matplotlib "
        "Figure; for a .gif an iterable of Figures or H×W×3 uint8 arrays, one per frame (or `site_builder.lab.Frame(picture, label)`). "
        "`site_builder.lab` has the site's look and the built-in kinds' network, trainer and plots."
    ),
}
