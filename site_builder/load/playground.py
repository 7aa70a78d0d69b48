"""An article's interactive playground: the settings it starts with, read from front matter.

An article opts in with, for example::

    playground: {target: "x**2", hidden: 2, activation: relu, lr: 0.1, steps: 2000}

or, for the classification mode, a network that learns to tell two classes of 2-D points apart::

    playground: {mode: classification, dataset: xor, noise: 0.1, hidden: [4], activation: relu, lr: 0.03, batch_size: 10}

The page then gets a small in-browser trainer (``static/playground/``) that starts from these
settings; readers change them there, and the address keeps them. Every key is optional, and each
mode takes its own keys (the classification keys are named as ``kind: classification`` figures
name them). The regression trainer knows a fixed set of targets, so ``target`` is one of
:data:`TARGETS`' expressions (or its short name, as the page's address spells it), never an
arbitrary expression.
"""

from __future__ import annotations

from dataclasses import dataclass

from site_builder.schema import Check, Invalid, Number, OneOf, Parameter, WholeNumber, convert

# Short name (used in the page's address and by the JS core) -> the expression authors write.
TARGETS: dict[str, str] = {"square": "x**2", "abs": "abs(x)", "sin": "sin(3*x)", "step": "step(x)"}
ACTIVATIONS: tuple[str, ...] = ("relu", "leaky_relu", "sigmoid", "tanh")
MIN_HIDDEN, MAX_HIDDEN = 1, 50
MAX_LR = 10.0
MIN_STEPS, MAX_STEPS = 1, 100_000
MAX_SEED = 2**32 - 1
MODES: tuple[str, ...] = ("regression", "classification")

# The classification mode: what static/playground/mlp.js implements (and the test holds to numpy).
DATASETS: tuple[str, ...] = ("circle", "xor", "gauss", "spiral", "moons")  # two classes each
CLASSIFIER_ACTIVATIONS: tuple[str, ...] = ("relu", "leaky_relu", "elu", "gelu", "tanh", "sigmoid")
LOSSES: tuple[str, ...] = ("cross_entropy", "mse")
OPTIMIZERS: tuple[str, ...] = ("sgd", "momentum", "adam")
SAMPLES = 200  # points the page draws; the first half trains, the second half tests
TRAIN_POINTS = SAMPLES // 2
MAX_LAYERS, MAX_WIDTH = 4, 8  # hidden layers, and neurons in each (each neuron gets a thumbnail)
MAX_WEIGHT_DECAY = 1.0


@dataclass(frozen=True)
class PlaygroundSettings:
    """Where the playground starts; ``target`` is a short name from :data:`TARGETS`."""

    target: str = "square"
    hidden: int = 2
    activation: str = "relu"
    lr: float = 0.1
    steps: int = 2000
    seed: int = 1

    def data_attributes(self) -> dict[str, str]:
        """The settings as the page's ``data-*`` attributes carry them to the script."""
        return {"target": self.target, "hidden": str(self.hidden), "activation": self.activation,
                "lr": repr(self.lr), "steps": str(self.steps), "seed": str(self.seed)}


@dataclass(frozen=True)
class ClassifierSettings:
    """Where the classification playground starts: a dataset, a network and how it is trained."""

    dataset: str = "xor"
    noise: float = 0.1
    hidden: tuple[int, ...] = (4,)
    activation: str = "relu"
    lr: float = 0.03
    batch_size: int = 10
    optimizer: str = "sgd"
    loss: str = "cross_entropy"
    weight_decay: float = 0.0
    steps: int = 5000
    seed: int = 1

    def data_attributes(self) -> dict[str, str]:
        """The settings as the page's ``data-*`` attributes carry them; ``hidden`` as widths with commas (``4,4``)."""
        return {"mode": "classification", "dataset": self.dataset, "noise": repr(self.noise),
                "hidden": ",".join(str(w) for w in self.hidden), "activation": self.activation, "lr": repr(self.lr),
                "batch-size": str(self.batch_size), "optimizer": self.optimizer, "loss": self.loss,
                "weight-decay": repr(self.weight_decay), "steps": str(self.steps), "seed": str(self.seed)}


Settings = PlaygroundSettings | ClassifierSettings


@dataclass(frozen=True)
class PlaygroundIssue:
    key: str | None  # the offending key under 'playground', or None for the value as a whole
    message: str


class _Target(Check):
    """One of the trainer's targets, by its expression or its short name; converted to the short name."""

    accepts = f"one of {', '.join(TARGETS.values())}"

    def __call__(self, value: object) -> str:
        for name, expression in TARGETS.items():
            if isinstance(value, str) and value.replace(" ", "") in (name, expression):
                return name
        raise Invalid(self.accepts)


class _Widths(Check):
    """The hidden layers' widths: a list of at most MAX_LAYERS whole numbers from 1 to MAX_WIDTH."""

    accepts = f"a list of at most {MAX_LAYERS} layer widths, each a whole number from 1 to {MAX_WIDTH}, like [4] or [6, 6] ([] for a linear model)"

    def __call__(self, value: object) -> tuple[int, ...]:
        if (not isinstance(value, (list, tuple)) or len(value) > MAX_LAYERS
                or not all(isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= MAX_WIDTH for w in value)):
            raise Invalid(self.accepts)
        return tuple(int(w) for w in value)


MODE = Parameter("mode", OneOf(MODES), "regression: a network fits a curve; classification: it tells two classes of 2-D points apart", MODES[0])
_DEFAULTS = PlaygroundSettings()
# What `playground:` accepts in each mode; the reference (`site-builder help playground`) is made from these.
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("target", _Target(), "the curve the reader's network starts learning", TARGETS[_DEFAULTS.target]),
    Parameter("hidden", WholeNumber(MIN_HIDDEN, MAX_HIDDEN), "hidden neurons (one hidden layer)", _DEFAULTS.hidden),
    Parameter("activation", OneOf(ACTIVATIONS), "the hidden neurons' activation", _DEFAULTS.activation),
    Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", _DEFAULTS.lr),
    Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "gradient-descent updates a run makes", _DEFAULTS.steps),
    Parameter("seed", WholeNumber(0, MAX_SEED), "seeds the initial weights", _DEFAULTS.seed),
)
_CLASSIFIER = ClassifierSettings()
CLASSIFIER_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("dataset", OneOf(DATASETS), "the points to tell apart (two classes), as kind: classification makes them", _CLASSIFIER.dataset),
    Parameter("noise", Number(0.0, 1.0), "how far points stray across the classes' boundary: 0 none, 0.5 a lot", _CLASSIFIER.noise),
    Parameter("hidden", _Widths(), "widths of the hidden layers; [] is a linear model (logistic regression)", _CLASSIFIER.hidden),
    Parameter("activation", OneOf(CLASSIFIER_ACTIVATIONS), "the hidden layers' activation", _CLASSIFIER.activation),
    Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", _CLASSIFIER.lr),
    Parameter("batch_size", WholeNumber(1, TRAIN_POINTS), f"points per update; {TRAIN_POINTS}, every training point, is full-batch gradient descent", _CLASSIFIER.batch_size),
    Parameter("optimizer", OneOf(OPTIMIZERS), "sgd, momentum (0.9) or adam (0.9, 0.999)", _CLASSIFIER.optimizer),
    Parameter("loss", OneOf(LOSSES), "cross_entropy (a sigmoid output) or mse on the 0/1 labels", _CLASSIFIER.loss),
    Parameter("weight_decay", Number(0.0, MAX_WEIGHT_DECAY), "adds weight_decay × W to each weight's gradient (L2; biases are not decayed)", _CLASSIFIER.weight_decay),
    Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "updates a run makes", _CLASSIFIER.steps),
    Parameter("seed", WholeNumber(0, MAX_SEED), "seeds the points, the initial weights and the batches", _CLASSIFIER.seed),
)
KEYS: tuple[str, ...] = ("mode", *(p.name for p in PARAMETERS))
CLASSIFIER_KEYS: tuple[str, ...] = ("mode", *(p.name for p in CLASSIFIER_PARAMETERS))


def parse_playground(value: object) -> tuple[Settings | None, list[PlaygroundIssue]]:
    """Front matter's ``playground`` value into the settings of its mode, or every problem with it."""
    if not isinstance(value, dict):
        return None, [PlaygroundIssue(None, f"'playground' must be a mapping such as {{target: \"x**2\", hidden: 2, activation: relu}}, not {value!r}")]
    mode_value = value.get("mode", MODES[0])
    try:
        mode = MODE.check(mode_value)
    except Invalid as invalid:
        return None, [PlaygroundIssue("mode", f"playground: {invalid.for_key('mode', mode_value)}")]
    classifier = mode == "classification"
    parameters, keys = (CLASSIFIER_PARAMETERS, CLASSIFIER_KEYS) if classifier else (PARAMETERS, KEYS)
    other_mode, other_keys = ("regression", KEYS) if classifier else ("classification", CLASSIFIER_KEYS)

    def unknown(key: str) -> str:
        if key in other_keys:
            return f"'{key}' is a key of mode: {other_mode}, and this playground is mode: {mode}; remove it, or set mode: {other_mode}"
        return f"unknown key '{key}'; allowed keys: {', '.join(keys)}"

    fields, found = convert(value, parameters, unknown=unknown, skip=("mode",))
    issues = [PlaygroundIssue(issue.key, f"playground: {issue.message}") for issue in found]
    if issues:
        return None, issues
    return (ClassifierSettings if classifier else PlaygroundSettings)(**fields), []  # type: ignore[arg-type]
