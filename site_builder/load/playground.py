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

# Short name (used in the page's address and by the JS core) -> the expression authors write.
TARGETS: dict[str, str] = {"square": "x**2", "abs": "abs(x)", "sin": "sin(3*x)", "step": "step(x)"}
ACTIVATIONS: tuple[str, ...] = ("relu", "leaky_relu", "sigmoid", "tanh")
MIN_HIDDEN, MAX_HIDDEN = 1, 50
MAX_LR = 10.0
MIN_STEPS, MAX_STEPS = 1, 100_000
MAX_SEED = 2**32 - 1
KEYS: tuple[str, ...] = ("target", "hidden", "activation", "lr", "steps", "seed")


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


def parse_playground(value: object) -> tuple[PlaygroundSettings | None, list[PlaygroundIssue]]:
    """Front matter's ``playground`` value into settings, or every problem with it."""
    if not isinstance(value, dict):
        return None, [PlaygroundIssue(None, f"'playground' must be a mapping such as {{target: \"x**2\", hidden: 2, activation: relu}}, not {value!r}")]
    issues = [
        PlaygroundIssue(str(key), f"playground: unknown key '{key}'; allowed keys: {', '.join(KEYS)}")
        for key in value if key not in KEYS
    ]
    fields: dict[str, object] = {}
    for key, check in _CHECKS.items():
        if key in value:
            parsed, message = check(value[key])
            if message:
                issues.append(PlaygroundIssue(key, f"playground: {key} must be {message}; got {value[key]!r}"))
            else:
                fields[key] = parsed
    if issues:
        return None, issues
    return PlaygroundSettings(**fields), []  # type: ignore[arg-type]


def _whole(low: int, high: int):
    def check(value: object) -> tuple[object, str]:
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value, ""
        return None, f"a whole number from {low} to {high}"
    return check


def _target(value: object) -> tuple[object, str]:
    for name, expression in TARGETS.items():
        if isinstance(value, str) and value.replace(" ", "") in (name, expression):
            return name, ""
    return None, f"one of {', '.join(TARGETS.values())}"


def _activation(value: object) -> tuple[object, str]:
    if isinstance(value, str) and value in ACTIVATIONS:
        return value, ""
    return None, f"one of {', '.join(ACTIVATIONS)}"


def _lr(value: object) -> tuple[object, str]:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= MAX_LR:
        return float(value), ""
    return None, f"a number greater than 0 and at most {MAX_LR:g}"


_CHECKS = {
    "target": _target,
    "hidden": _whole(MIN_HIDDEN, MAX_HIDDEN),
    "activation": _activation,
    "lr": _lr,
    "steps": _whole(MIN_STEPS, MAX_STEPS),
    "seed": _whole(0, MAX_SEED),
}
