"""An article's interactive playground: the settings it starts with, read from front matter.

An article opts in with, for example::

    playground: {target: "x**2", hidden: 2, activation: relu, lr: 0.1, steps: 2000}

The page then gets a small in-browser trainer (``static/playground/``) that starts from these
settings; readers change them there, and the address keeps them. Every key is optional. The
trainer knows a fixed set of targets, so ``target`` is one of :data:`TARGETS`' expressions (or
its short name, as the page's address spells it), never an arbitrary expression.
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


_DEFAULTS = PlaygroundSettings()
# What `playground:` accepts; the reference (`site-builder help front-matter`) is made from this.
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("target", _Target(), "the curve the reader's network starts learning", TARGETS[_DEFAULTS.target]),
    Parameter("hidden", WholeNumber(MIN_HIDDEN, MAX_HIDDEN), "hidden neurons (one hidden layer)", _DEFAULTS.hidden),
    Parameter("activation", OneOf(ACTIVATIONS), "the hidden neurons' activation", _DEFAULTS.activation),
    Parameter("lr", Number(0.0, MAX_LR, lo_open=True), "learning rate", _DEFAULTS.lr),
    Parameter("steps", WholeNumber(MIN_STEPS, MAX_STEPS), "gradient-descent updates a run makes", _DEFAULTS.steps),
    Parameter("seed", WholeNumber(0, MAX_SEED), "seeds the initial weights", _DEFAULTS.seed),
)
KEYS: tuple[str, ...] = tuple(p.name for p in PARAMETERS)


def parse_playground(value: object) -> tuple[PlaygroundSettings | None, list[PlaygroundIssue]]:
    """Front matter's ``playground`` value into settings, or every problem with it."""
    if not isinstance(value, dict):
        return None, [PlaygroundIssue(None, f"'playground' must be a mapping such as {{target: \"x**2\", hidden: 2, activation: relu}}, not {value!r}")]
    fields, found = convert(value, PARAMETERS, unknown=lambda key: f"unknown key '{key}'; allowed keys: {', '.join(KEYS)}")
    issues = [PlaygroundIssue(issue.key, f"playground: {issue.message}") for issue in found]
    if issues:
        return None, issues
    return PlaygroundSettings(**fields), []  # type: ignore[arg-type]
