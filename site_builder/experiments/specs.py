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
(so names ending in ``.poster.png`` are reserved; so is the cover's
card-sized copy, ``<stem>.card.png``). A ``neurons`` figure
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
from site_builder.schema import Check, Invalid, Number, OneOf, Parameter, WholeNumber, convert, is_number, is_whole, number_text, show

ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu")
INITS: tuple[str, ...] = ("auto", "he", "xavier", "normal")  # as site_builder.experiments.nn.INIT_SCHEMES
OUTPUT_INITS: tuple[str, ...] = ("auto", "zero")  # as site_builder.experiments.nn.OUTPUT_INITS
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
LOSSES: tuple[str, ...] = ("mse", "cross_entropy")
DATASETS: tuple[str, ...] = ("circle", "xor", "gauss", "spiral", "moons")  # as site_builder.experiments.datasets


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
    # The model's options (every training kind has them; the defaults are the original behaviour).
    init: str = "auto"
    init_scale: float = 1.0
    init_output: str = "auto"
    optimizer: str = "sgd"
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    weight_decay: float = 0.0
    loss: str = "mse"

    @property
    def activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer (``activation`` may name one for all)."""
        return activations_per_layer(self.activation, len(self.hidden))


def activations_per_layer(activation: str | tuple[str, ...], layers: int) -> tuple[str, ...]:
    return (activation,) * layers if isinstance(activation, str) else tuple(activation)


@dataclass(frozen=True)
class ClassificationSpec:
    """A network trained to tell the classes of a 2-D dataset apart; drawn as its decision regions.

    ``.png``: the regions at the end of training, with the training points
    (filled) and test points (hollow); ``.gif``: the regions forming. ``view:
    neurons`` adds a thumbnail of each hidden neuron's output over the plane.
    """

    name: str
    dataset: str
    noise: float = 0.1
    samples: int = 200
    classes: int = 2
    test_fraction: float = 0.5
    hidden: tuple[int, ...] = (4,)
    activation: str | tuple[str, ...] = "relu"
    leak: float = 0.1
    steps: int = 1000
    lr: float = 0.1
    batch_size: int | None = None
    seed: int = 0
    frames: int = 100
    fps: int = 20
    init: str = "auto"
    init_scale: float = 1.0
    init_output: str = "auto"
    optimizer: str = "sgd"
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    weight_decay: float = 0.0
    loss: str = "cross_entropy"
    view: str = "regions"

    @property
    def activations(self) -> tuple[str, ...]:
        return activations_per_layer(self.activation, len(self.hidden))


@dataclass(frozen=True)
class GradientsSpec:
    """How large the gradient reaching each layer of a deep network is, over training, per activation.

    One run per entry of ``activations`` (every hidden layer uses it), each
    on the same 1-D target, data and seed; ``dead`` adds the fraction of
    ReLU neurons that are off on every training point, layer by layer.
    """

    name: str
    target: str = "x**2"
    interval: tuple[float, float] = (-1.0, 1.0)
    samples: int = 64
    hidden: tuple[int, ...] = (16,) * 8
    activations: tuple[str, ...] = ("sigmoid", "relu")
    leak: float = 0.1
    steps: int = 200
    lr: float = 0.05
    batch_size: int | None = None
    seed: int = 0
    frames: int = 50
    fps: int = 10
    init: str = "auto"
    init_scale: float = 1.0
    init_output: str = "auto"
    optimizer: str = "sgd"
    momentum: float = 0.9
    betas: tuple[float, float] = (0.9, 0.999)
    weight_decay: float = 0.0
    dead: bool = False


@dataclass(frozen=True)
class CompareSpec:
    """Several training runs that differ in one or two settings, drawn on one axis.

    ``base`` holds the settings the runs share; ``vary`` each varied
    setting and its values, and every combination is a run (see :attr:`runs`).
    ``show`` is ``loss`` (the training loss over steps), ``fit`` (the fits) or
    ``dead`` (the share of hidden ReLU units dead on the training data, over steps).
    """

    name: str
    base: TrainingSpec
    vary: tuple[tuple[str, tuple[object, ...]], ...]
    show: str = "loss"
    fps: int = 20

    @property
    def runs(self) -> tuple[tuple[str, TrainingSpec], ...]:
        """Each run in order, with the label that names what varied (``"lr 0.2, seed 1"``)."""
        runs: list[tuple[str, TrainingSpec]] = [("", self.base)]
        for key, options in self.vary:
            runs = [(f"{label}, {key} {show(value)}".lstrip(", "), dataclasses.replace(run, **{key: value})) for label, run in runs for value in options]
        return tuple(runs)


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


FigureSpec = ActivationPlotSpec | TrainingSpec | NeuronsSpec | PythonSpec | ClassificationSpec | GradientsSpec | CompareSpec


KINDS: dict[str, type[FigureSpec]] = {
    "activation": ActivationPlotSpec,
    "training": TrainingSpec,
    "neurons": NeuronsSpec,
    "classification": ClassificationSpec,
    "gradients": GradientsSpec,
    "compare": CompareSpec,
    "python": PythonSpec,
}
# The kinds that train a network on a 1-D target: they take TrainingSpec's parameters.
TRAINED_KINDS: frozenset[str] = frozenset({"training", "neurons"})
EXTENSIONS: tuple[str, ...] = (".png", ".gif")
POSTER_SUFFIX = ".poster.png"  # an animation's poster frame: "fit.gif" -> "fit.poster.png"
CARD_SUFFIX = ".card.png"  # a cover's card-sized copy: "fit.png" -> "fit.card.png"
FRAMES_SUFFIX = ".frames.js"  # an animation's data for the page's player: "fit.gif" -> "fit.frames.js"
RESULTS_FILE = ".results.json"  # a figure's measured numbers, for the text; kept with the figure in the cache, never published

MAX_LR = 10.0  # lr must be in (0, MAX_LR]
MIN_STEPS, MAX_STEPS = 1, 100_000
MIN_FRAMES, MAX_FRAMES = 2, 500
MIN_SAMPLES, MAX_SAMPLES = 2, 10_000
MAX_HIDDEN_LAYERS = 4
MAX_DEEP_LAYERS = 10  # a gradients figure is about depth
MAX_COMPARED_RUNS = 8
COMPARABLE = ("seed", "lr", "hidden", "activation", "optimizer", "init", "init_output", "batch_size", "weight_decay", "steps")
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


def card_image_name(path: str) -> str:
    """The card-sized copy of a cover image (``site_builder/render/card_images.py``): ``a/fit.png`` -> ``a/fit.card.png``.

    Named here with the other files the build writes beside an article, so loading can reserve it.
    """
    return path.rsplit(".", 1)[0] + CARD_SUFFIX


def frames_name(name: str) -> str:
    """The player data's file name (or path) for the animation ``name``: ``a/fit.gif`` -> ``a/fit.frames.js``."""
    if not name.endswith(".gif"):
        raise ValueError(f"only animations (.gif) have player data, not {name!r}")
    return name.removesuffix(".gif") + FRAMES_SUFFIX


def parse_figure(name: str, declaration: object) -> tuple[FigureSpec | None, tuple[SpecIssue, ...]]:
    """Turn the front-matter declaration of figure ``name`` into a spec.

    ``declaration`` is whatever YAML produced. Returns ``(spec, ())`` when it
    is valid and ``(None, issues)`` otherwise, with every issue found (file
    name, kind, unknown keys, types, ranges, the target) in one pass. A
    declaration with ``sweep:`` gives its default variant's spec; its other
    variants come from :func:`site_builder.experiments.sweeps.parse_swept_figure`.
    """
    if isinstance(declaration, Mapping) and "sweep" in declaration:  # a swept figure: its default variant (see sweeps.py)
        from site_builder.experiments.sweeps import parse_swept_figure

        spec, _, swept_issues = parse_swept_figure(name, declaration)
        return spec, swept_issues
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
    animated = isinstance(name, str) and name.endswith(".gif")
    spec_class = TrainingSpec if kind in ("training", "neurons", "compare") else KINDS[kind]
    if kind in (*TRAINED_KINDS, "classification", "gradients", "compare"):
        issues += _training_cross_checks(values, declaration, animated=animated, spec_class=spec_class)
        _fit_default_frames(values, declaration, spec_class)
    if kind == "neurons":
        issues += _one_hidden_layer_issues(values, declaration)
    if kind == "classification":
        issues += _classes_issues(values, declaration)
    if issues:
        return None, tuple(issues)
    if kind == "neurons":
        return NeuronsSpec(TrainingSpec(name=name, **values)), ()
    if kind == "compare":
        return _compare_spec(name, values)
    return KINDS[kind](name=name, **values), ()  # type: ignore[arg-type]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


class _CurveLoss(Check):
    accepts = "mse (a curve is fitted by the mean squared error)"

    def __call__(self, value: object) -> str:
        if value == "cross_entropy":
            raise Invalid(message="loss: a training figure fits a curve, with the mean squared error; cross_entropy is for kind: classification")
        if value != "mse":
            raise Invalid(self.accepts)
        return "mse"


def _classes_issues(values: Mapping[str, object], declaration: Mapping) -> list[SpecIssue]:
    classes, dataset = values.get("classes", ClassificationSpec.classes), values.get("dataset")
    if isinstance(classes, int) and classes > 2 and dataset not in (None, "gauss", "spiral"):
        return [SpecIssue("classes", f"the {dataset} dataset has two classes; only gauss and spiral take more, so leave classes out or choose one of those")]
    return []


def _compare_spec(name: str, values: dict[str, object]) -> tuple[FigureSpec | None, tuple[SpecIssue, ...]]:
    """Every combination of the varied values as one training run, labelled with what varied."""
    varied = values.pop("vary")
    show_what = values.pop("show", CompareSpec.show)
    fps = values.pop("fps", CompareSpec.fps)
    spec = CompareSpec(name=name, base=TrainingSpec(name=name, **values), vary=varied, show=str(show_what), fps=int(fps))  # type: ignore[arg-type]
    issues = [SpecIssue("vary", f"the run {label!r}: {message}") for label, run in spec.runs for message in _run_issues(run)]
    return (None, tuple(issues)) if issues else (spec, ())


def _run_issues(run: TrainingSpec) -> list[str]:
    """What is wrong with one compared run as a whole (a setting that does not fit the shared ones)."""
    issues = []
    if not isinstance(run.activation, str) and len(run.activation) != len(run.hidden):
        issues.append(f"activation lists {_count(len(run.activation), 'activation')} but hidden has {_count(len(run.hidden), 'layer')}")
    if run.batch_size is not None and run.batch_size > run.samples:
        issues.append(f"batch_size ({run.batch_size}) is more than samples ({run.samples})")
    if run.frames > run.steps + 1:
        issues.append(f"frames ({run.frames}) is more than steps + 1 ({run.steps + 1})")
    return issues


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


def _training_cross_checks(values: Mapping[str, object], declaration: Mapping, *, animated: bool, spec_class: type = TrainingSpec) -> list[SpecIssue]:
    """Checks that need several fields: frames against steps, the target on the interval.

    A field that was declared but invalid is already reported, so checks
    that depend on it are skipped rather than run against a default. Only what
    the author wrote can fail: ``frames`` is checked when it is declared for an
    animation (a still has no frames; an undeclared one fits the run, see
    :func:`_fit_default_frames`).
    """
    field = _effective_values(values, declaration, spec_class)
    issues = []
    hidden, activation = field.get("hidden"), field.get("activation")
    if isinstance(hidden, tuple) and isinstance(activation, tuple) and len(activation) != len(hidden):
        message = (f"activation lists {_count(len(activation), 'activation')} but hidden has {_count(len(hidden), 'layer')}; "
                   "give one per hidden layer, or one name for all")
        issues.append(SpecIssue("activation", message))
    steps, frames = field["steps"], field["frames"]
    if animated and "frames" in declaration and isinstance(steps, int) and isinstance(frames, int) and frames > steps + 1:
        message = (
            f"frames ({frames}) must be at most steps + 1 ({steps + 1}), since a run of "
            f"{steps} steps has only {steps + 1} states to record; lower frames or raise steps"
        )
        issues.append(SpecIssue("frames", message))
    if isinstance(field.get("target"), str):
        issue = _target_issue(field["target"], field["interval"], field["samples"])
        issues += [] if issue is None else [issue]
    return issues


def _fit_default_frames(values: dict[str, object], declaration: Mapping, spec_class: type = TrainingSpec) -> None:
    """An undeclared ``frames`` is the default, but never more than the run has states (``steps + 1``)."""
    steps = values.get("steps", spec_class.steps)
    if "frames" not in declaration and isinstance(steps, int):
        fitted = min(spec_class.frames, steps + 1)
        if fitted != spec_class.frames:
            values["frames"] = fitted


def _one_hidden_layer_issues(values: Mapping[str, object], declaration: Mapping) -> list[SpecIssue]:
    """A neurons figure draws the neurons of one hidden layer, so ``hidden`` must list one width."""
    hidden = values.get("hidden")
    if hidden is None or len(hidden) == 1:  # type: ignore[arg-type]
        return []  # missing or invalid: already reported
    return [SpecIssue("hidden", f"{_ONE_HIDDEN_LAYER}; got {show(hidden)}")]


def _effective_values(values: Mapping[str, object], declaration: Mapping, spec_class: type = TrainingSpec) -> dict[str, object]:
    """Each of ``spec_class``'s fields: its converted value, its default if undeclared, None if invalid."""
    effective: dict[str, object] = {}
    for f in dataclasses.fields(spec_class):
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


@dataclass(frozen=True)
class _Hidden(Check):
    most: int = MAX_HIDDEN_LAYERS
    least: int = 0

    @property
    def accepts(self) -> str:  # type: ignore[override]
        linear = " ([] for a linear model)" if self.least == 0 else ""
        return (
            f"a list of at most {self.most} layer widths, each a whole number "
            f"from 1 to {MAX_HIDDEN_WIDTH}, like [2] or [20, 20]{linear}"
        )

    def __call__(self, value: object) -> tuple[int, ...]:
        if (
            not isinstance(value, (list, tuple))
            or not self.least <= len(value) <= self.most
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


class _LayerActivations(Check):
    """One activation for every hidden layer, or a list with one per layer (checked against hidden later)."""

    accepts = f"one of {', '.join(ACTIVATIONS)}, or a list of them, one per hidden layer, like [tanh, relu]"

    def __call__(self, value: object) -> str | tuple[str, ...]:
        if isinstance(value, (list, tuple)):
            if not value:
                raise Invalid(self.accepts)
            return tuple(_Activation()(item) for item in value)
        return _Activation()(value)


class _ActivationList(Check):
    accepts = f"a list of activations to compare, each one of {', '.join(ACTIVATIONS)}, like [sigmoid, relu]"

    def __call__(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, (list, tuple)) or not 1 <= len(value) <= MAX_COMPARED_RUNS:
            raise Invalid(self.accepts)
        return tuple(dict.fromkeys(_Activation()(item) for item in value))


class _Betas(Check):
    accepts = "two numbers [beta1, beta2], each at least 0 and less than 1, like [0.9, 0.999]"

    def __call__(self, value: object) -> tuple[float, float]:
        if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(is_number(v) and 0 <= v < 1 for v in value):
            raise Invalid(self.accepts)
        return float(value[0]), float(value[1])


class _Flag(Check):
    accepts = "true or false"

    def __call__(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise Invalid(self.accepts)
        return value


class _Vary(Check):
    """``{key: [values], ...}``: one or two settings of a training run and the values each takes."""

    accepts = (
        f"a mapping of one or two settings to the values each takes, like {{lr: [0.02, 0.2]}} or "
        f"{{seed: [0, 1], hidden: [[2], [20]]}}; the settings that can vary: {', '.join(COMPARABLE)}"
    )

    def __call__(self, value: object) -> tuple[tuple[str, tuple[object, ...]], ...]:
        if not isinstance(value, Mapping) or not 1 <= len(value) <= 2:
            raise Invalid(self.accepts)
        checks = {p.name: p.check for p in PARAMETERS["training"]}
        varied = []
        for key, values in value.items():
            if key not in COMPARABLE:
                raise Invalid(message=f"vary: {key!r} cannot vary; the settings that can: {', '.join(COMPARABLE)}")
            if not isinstance(values, (list, tuple)) or not 1 <= len(values) <= MAX_COMPARED_RUNS:
                raise Invalid(message=f"vary: {key} must list the values to compare, at most {MAX_COMPARED_RUNS}, like {key}: [...]")
            converted = []
            for item in values:
                try:
                    converted.append(checks[key](item))
                except Invalid as invalid:
                    raise Invalid(message=f"vary: {invalid.for_key(key, item)}") from None
            varied.append((str(key), tuple(converted)))
        runs = 1
        for _, values in varied:
            runs *= len(values)
        if runs > MAX_COMPARED_RUNS:
            raise Invalid(message=f"vary makes {runs} runs, more than the {MAX_COMPARED_RUNS} one figure can tell apart; vary fewer values")
        return tuple(varied)


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

def _model_options(defaults: type) -> tuple[Parameter, ...]:
    """The model and optimiser options every training kind takes, with ``defaults``' defaults."""
    return (
        Parameter("init", OneOf(INITS), "how the weights start: auto (the activation's own gain; a 1-D input's kinks spread over the interval), he, xavier, or normal (std = init_scale)", defaults.init),
        Parameter("init_scale", Number(0.0, 100.0, lo_open=True), "multiplies the initial weights' standard deviation (for normal, it is the standard deviation)", defaults.init_scale),
        Parameter("init_output", OneOf(OUTPUT_INITS), "how the output layer's weights start: auto (as init says) or zero (hidden units start with no say in the output, so none is pulled the wrong way and dies before it learns)", defaults.init_output),
        Parameter("optimizer", OneOf(OPTIMIZERS), "sgd (gradient descent), momentum, or adam", defaults.optimizer),
        Parameter("momentum", Number(0.0, 1.0, hi_open=True), "the momentum optimizer's beta: v = beta * v + gradient", defaults.momentum),
        Parameter("betas", _Betas(), "adam's two decay rates, for the gradient's mean and its square", defaults.betas),
        Parameter("weight_decay", Number(0.0, 1.0), "L2 penalty: weight_decay * W is added to each weight's gradient (biases are not decayed)", defaults.weight_decay),
    )


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
        Parameter("activation", _LayerActivations(), "the hidden layers' activation, or one per layer", TrainingSpec.activation),
        _LEAK,
        Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "gradient-descent updates", TrainingSpec.steps),
        Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", TrainingSpec.lr),
        Parameter("batch_size", _BatchSize(), "points per update; null is full-batch gradient descent", TrainingSpec.batch_size),
        Parameter("seed", WholeNumber(0, None), "seeds the initial weights and the batches: the same seed gives the same figure", TrainingSpec.seed),
        Parameter("frames", WholeNumber(MIN_FRAMES, MAX_FRAMES), "frames an animation shows (animations only; at most steps + 1, and left out it is 100 or steps + 1 for a shorter run): the steps that share the fit's motion evenly, ending soon after it settles and on the last step", TrainingSpec.frames),
        Parameter("fps", WholeNumber(MIN_FPS, MAX_FPS), "frames per second of an animation (animations only)", TrainingSpec.fps),
        *_model_options(TrainingSpec),
        Parameter("loss", _CurveLoss(), "always mse here; cross_entropy is for kind: classification", TrainingSpec.loss),
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
_FRAMES = next(p for p in PARAMETERS["training"] if p.name == "frames")
_FPS = next(p for p in PARAMETERS["training"] if p.name == "fps")
PARAMETERS["classification"] = (
    Parameter("dataset", OneOf(DATASETS), "TensorFlow Playground's four 2-D datasets, and two moons"),
    Parameter("noise", Number(0.0, 1.0), "how far points stray across the classes' boundary: 0 none, 0.5 a lot", ClassificationSpec.noise),
    Parameter("samples", WholeNumber(4, 2000), "points drawn, training and test together", ClassificationSpec.samples),
    Parameter("classes", WholeNumber(2, 4), "classes (more than 2 only for gauss and spiral)", ClassificationSpec.classes),
    Parameter("test_fraction", Number(0.0, 0.9), "the share of the points held out to measure test accuracy", ClassificationSpec.test_fraction),
    Parameter("hidden", _Hidden(), "widths of the hidden layers; [] is a linear model (logistic regression)", ClassificationSpec.hidden),
    Parameter("activation", _LayerActivations(), "the hidden layers' activation, or one per layer", ClassificationSpec.activation),
    _LEAK,
    Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "updates", ClassificationSpec.steps),
    Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", ClassificationSpec.lr),
    Parameter("batch_size", _BatchSize(), "points per update; null is full-batch gradient descent", ClassificationSpec.batch_size),
    Parameter("seed", WholeNumber(0, None), "seeds the dataset, the initial weights and the batches", ClassificationSpec.seed),
    _FRAMES, _FPS,
    *_model_options(ClassificationSpec),
    Parameter("loss", OneOf(LOSSES), "cross_entropy (a sigmoid output for two classes, softmax for more) or mse on the class labels", ClassificationSpec.loss),
    Parameter("view", OneOf(("regions", "neurons")), "regions: the decision regions; neurons: beside them, each hidden neuron's output over the plane", ClassificationSpec.view),
)
PARAMETERS["gradients"] = (
    Parameter("target", _Target(), "the function every run learns", GradientsSpec.target),
    Parameter("interval", _Interval(), "the inputs trained on", GradientsSpec.interval),
    Parameter("samples", WholeNumber(MIN_SAMPLES, MAX_SAMPLES), "training points, evenly spaced over the interval", GradientsSpec.samples),
    Parameter("hidden", _Hidden(most=MAX_DEEP_LAYERS, least=2), "widths of the hidden layers, a deep stack", GradientsSpec.hidden),
    Parameter("activations", _ActivationList(), "one run per activation (all hidden layers use it), drawn side by side", GradientsSpec.activations),
    _LEAK,
    Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "updates", GradientsSpec.steps),
    Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", GradientsSpec.lr),
    Parameter("batch_size", _BatchSize(), "points per update; null is full-batch gradient descent", GradientsSpec.batch_size),
    Parameter("seed", WholeNumber(0, None), "seeds the initial weights and batches of every run", GradientsSpec.seed),
    dataclasses.replace(_FRAMES, default=GradientsSpec.frames), dataclasses.replace(_FPS, default=GradientsSpec.fps),
    *_model_options(GradientsSpec),
    Parameter("dead", _Flag(), "also draw, per layer, the fraction of ReLU neurons that are off on every training point", GradientsSpec.dead),
)
PARAMETERS["compare"] = (
    *(p for p in PARAMETERS["training"] if p.name != "fps"),
    Parameter("vary", _Vary(), "the settings that differ between the runs, and their values: every combination is one run"),
    Parameter("show", OneOf(("loss", "fit", "dead")), "loss: the training loss over the steps; fit: the fits against the target; dead: the share of hidden ReLU neurons that are off on every training point, over the steps", CompareSpec.show),
    _FPS,
)
PARAMETERS["neurons"] = tuple(
    Parameter("hidden", _Hidden(), "the width of the one hidden layer whose neurons are drawn",
              accepts="a list of one width from 1 to 256, like [2]", missing=f"{_ONE_HIDDEN_LAYER}; got none")
    if p.name == "hidden" else p
    for p in PARAMETERS["training"]
)

# What each kind measures, for the text to quote: {{ figure("NAME").FIELD }} (see render/markup/figure_numbers.py).
RESULT_FIELDS: dict[str, dict[str, str]] = {
    "training": {"final_loss": "the training MSE after the last step", "dead_neurons": "hidden ReLU units off on every training point, at the end", "steps": "the steps trained"},
    "neurons": {"final_loss": "the training MSE after the last step", "dead_neurons": "hidden ReLU units off on every training point, at the end", "steps": "the steps trained"},
    "classification": {"final_loss": "the training loss at the end", "train_accuracy": "the share of training points classified right (0 to 1)",
                       "test_accuracy": "the same on the held-out points", "steps": "the steps trained"},
    "gradients": {"ACTIVATION.first_layer": "the gradient norm at the first hidden layer, at the start", "ACTIVATION.last_layer": "the same at the last hidden layer",
                  "ACTIVATION.ratio": "first_layer / last_layer", "ACTIVATION.final_first_layer": "first_layer at the end", "ACTIVATION.final_last_layer": "last_layer at the end",
                  "ACTIVATION.final_loss": "the run's MSE at the end", "ACTIVATION.dead_fraction": "the mean share of dead ReLU units per layer at the end (null for other activations)",
                  "steps": "the steps each run trained"},
    "compare": {"runs[\"LABEL\"].final_loss": "a run's MSE at the end, by its legend label (\"lr 0.2\")", "runs[\"LABEL\"].dead_neurons": "its dead ReLU units at the end",
                "runs[\"LABEL\"].dead_fraction": "its dead share of hidden units at the end (0 to 1)", "final_loss[N]": "the N-th run's MSE at the end, in legend order"},
    "python": {"NAME...": "whatever the function returns as numbers, with site_builder.lab.Measured(figure, {\"pieces\": 17}): quoted as .pieces"},
}

# One line per kind, for the reference.
SUMMARIES: dict[str, str] = {
    "activation": "A still plot of an activation function and its derivative (.png only).",
    "training": "A network trained on a 1-D target: its final fit (.png) or its training (.gif), with the loss.",
    "neurons": "A one-hidden-layer network trained as `training` says, drawn as each hidden neuron's share of the output and their sum (.png or .gif).",
    "classification": (
        "A network trained to classify the points of a 2-D dataset: the decision regions at the end (.png) or forming during "
        "training (.gif), training points filled and test points hollow, with the loss and train and test accuracy."
    ),
    "gradients": (
        "The size of the gradient reaching each layer of a deep network (the norm of dLoss/dW, log scale), at the start "
        "and over training, one run per activation: the vanishing-gradient picture."
    ),
    "compare": (
        "Several `training` runs that differ in the settings under `vary`, on one axis: their loss over steps, or their fits, "
        "with a legend that names what varied. Takes every `training` parameter as the runs' shared settings."
    ),
    "python": (
        "A figure drawn by your own code: the build calls `function(params, rng)` from `script` and caches the result by the script, "
        "every project module it imports, the declared inputs, params, seed and library versions. For a .png it returns a matplotlib "
        "Figure; for a .gif an iterable of Figures or H×W×3 uint8 arrays, one per frame (or `site_builder.lab.Frame(picture, label)`). "
        "`site_builder.lab` has the site's look and the built-in kinds' network, trainer and plots. Return "
        "`site_builder.lab.Measured(figure, numbers)` to let the text quote what the run measured."
    ),
}
