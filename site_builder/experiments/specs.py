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
animation. This module turns such a mapping into frozen specs; nothing here
touches numpy or matplotlib, so specs are cheap to build, compare and hash.
"""

from __future__ import annotations

from dataclasses import dataclass

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


FigureSpec = ActivationPlotSpec | TrainingSpec
