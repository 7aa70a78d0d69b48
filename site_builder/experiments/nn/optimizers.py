"""Optimisers: from a network and its gradients to the next network.

Each optimiser is a frozen value; what it remembers between steps (momentum's
velocity, Adam's moments) is an explicit ``state`` that :meth:`start` makes
and :meth:`step` returns anew, so a run is a pure function of its inputs::

    state = optimizer.start(model)
    model, state = optimizer.step(model, grads, state)

``weight_decay`` adds ``weight_decay * W`` to every weight's gradient (an L2
penalty of ``weight_decay / 2 * ||W||²``; biases are not decayed), before the
optimiser's own rule. For Adam this is the classic L2 form, not AdamW.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from site_builder.experiments.nn.network import MLP, Dense

OPTIMIZER_NAMES: tuple[str, ...] = ("sgd", "momentum", "adam")

Grads = Sequence[Dense]


def _decayed(model: MLP, grads: Grads, weight_decay: float) -> tuple[Dense, ...]:
    if not weight_decay:
        return tuple(grads)
    return tuple(Dense(g.weight + weight_decay * layer.weight, g.bias) for layer, g in zip(model.layers, grads))


@dataclass(frozen=True)
class SGD:
    """Plain gradient descent: ``W ← W - lr · g``."""

    lr: float
    weight_decay: float = 0.0

    def start(self, model: MLP) -> None:
        return None

    def step(self, model: MLP, grads: Grads, state: None) -> tuple[MLP, None]:
        return model.step(_decayed(model, grads, self.weight_decay), self.lr), None


@dataclass(frozen=True)
class Momentum:
    """Heavy-ball momentum: ``v ← β v + g``, ``W ← W - lr · v`` (the form PyTorch's SGD uses)."""

    lr: float
    beta: float = 0.9
    weight_decay: float = 0.0

    def start(self, model: MLP) -> tuple[Dense, ...]:
        return tuple(Dense(np.zeros_like(layer.weight), np.zeros_like(layer.bias)) for layer in model.layers)

    def step(self, model: MLP, grads: Grads, state: tuple[Dense, ...]) -> tuple[MLP, tuple[Dense, ...]]:
        grads = _decayed(model, grads, self.weight_decay)
        velocity = tuple(Dense(self.beta * v.weight + g.weight, self.beta * v.bias + g.bias) for v, g in zip(state, grads))
        return model.step(velocity, self.lr), velocity


@dataclass(frozen=True)
class AdamState:
    first: tuple[Dense, ...]  # running mean of the gradients
    second: tuple[Dense, ...]  # running mean of their squares
    steps: int


@dataclass(frozen=True)
class Adam:
    """Adam (Kingma and Ba 2015): per-parameter steps from bias-corrected running moments of the gradient."""

    lr: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    weight_decay: float = 0.0

    def start(self, model: MLP) -> AdamState:
        zeros = tuple(Dense(np.zeros_like(layer.weight), np.zeros_like(layer.bias)) for layer in model.layers)
        return AdamState(zeros, zeros, 0)

    def step(self, model: MLP, grads: Grads, state: AdamState) -> tuple[MLP, AdamState]:
        grads = _decayed(model, grads, self.weight_decay)
        t = state.steps + 1
        first = tuple(Dense(self.beta1 * m.weight + (1 - self.beta1) * g.weight, self.beta1 * m.bias + (1 - self.beta1) * g.bias)
                      for m, g in zip(state.first, grads))
        second = tuple(Dense(self.beta2 * v.weight + (1 - self.beta2) * g.weight**2, self.beta2 * v.bias + (1 - self.beta2) * g.bias**2)
                       for v, g in zip(state.second, grads))
        correct1, correct2 = 1 - self.beta1**t, 1 - self.beta2**t
        updates = tuple(Dense(_adam_update(m.weight, v.weight, correct1, correct2, self.eps), _adam_update(m.bias, v.bias, correct1, correct2, self.eps))
                        for m, v in zip(first, second))
        return model.step(updates, self.lr), AdamState(first, second, t)


def _adam_update(m: np.ndarray, v: np.ndarray, correct1: float, correct2: float, eps: float) -> np.ndarray:
    return (m / correct1) / (np.sqrt(v / correct2) + eps)


Optimizer = SGD | Momentum | Adam


def get_optimizer(name: str, lr: float, *, weight_decay: float = 0.0, momentum: float = 0.9, betas: tuple[float, float] = (0.9, 0.999)) -> Optimizer:
    """The optimiser called ``name`` (one of :data:`OPTIMIZER_NAMES`) with its parameters."""
    if name == "sgd":
        return SGD(lr, weight_decay)
    if name == "momentum":
        return Momentum(lr, momentum, weight_decay)
    if name == "adam":
        return Adam(lr, betas[0], betas[1], weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}; known: {', '.join(OPTIMIZER_NAMES)}")
