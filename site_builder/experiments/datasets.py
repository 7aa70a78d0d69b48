"""Two-dimensional classification datasets: TensorFlow Playground's four, and two moons.

Each function draws ``samples`` points ``x`` (N, 2) with labels ``y`` (N,) from
the generator it is given, on roughly the square [-6, 6]², as TensorFlow
Playground lays them out. ``noise`` (0 to 1) blurs the classes into each
other: 0 is perfectly separable by the dataset's own boundary, 0.5 already
mixes them visibly. Every dataset but ``gauss`` and ``spiral`` has two
classes; those two take ``classes`` (2 to 4).

* ``circle``: class 1 inside a disc, class 0 in a ring around it.
* ``xor``: the sign of x₁·x₂: two diagonal quadrants against the other two.
* ``gauss``: one Gaussian blob per class.
* ``spiral``: one spiral arm per class, winding around the origin.
* ``moons``: two interleaving half circles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

DATASET_NAMES: tuple[str, ...] = ("circle", "xor", "gauss", "spiral", "moons")
MULTICLASS: frozenset[str] = frozenset({"gauss", "spiral"})  # the datasets that take more than two classes
EXTENT = 6.0  # points lie in about [-EXTENT, EXTENT]²


@dataclass(frozen=True)
class Dataset:
    """Points and their classes: ``x`` (N, 2) float, ``y`` (N,) int from 0 to ``classes - 1``."""

    x: np.ndarray
    y: np.ndarray
    classes: int


def make_dataset(name: str, samples: int, noise: float, rng: np.random.Generator, classes: int = 2) -> Dataset:
    """``samples`` points of the dataset ``name`` (one of :data:`DATASET_NAMES`), drawn from ``rng``.

    Classes are as balanced as ``samples`` allows; points are in a shuffled order.
    """
    assert name in DATASET_NAMES, f"unknown dataset {name!r}"
    assert classes == 2 or name in MULTICLASS, f"{name} has two classes"
    assert samples >= classes and 0.0 <= noise <= 1.0
    x, y = _MAKERS[name](samples, noise, rng, classes)
    order = rng.permutation(samples)
    return Dataset(x[order], y[order].astype(int), classes)


def split(dataset: Dataset, test_fraction: float) -> tuple[Dataset, Dataset]:
    """The first points for training, the last ``test_fraction`` of them for testing (the order is already random)."""
    test = int(round(len(dataset.y) * test_fraction))
    cut = len(dataset.y) - test
    return (Dataset(dataset.x[:cut], dataset.y[:cut], dataset.classes),
            Dataset(dataset.x[cut:], dataset.y[cut:], dataset.classes))


def _counts(samples: int, classes: int) -> list[int]:
    base, extra = divmod(samples, classes)
    return [base + (1 if c < extra else 0) for c in range(classes)]


def _circle(samples: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[np.ndarray, np.ndarray]:
    radius = 5.0
    inside, outside = _counts(samples, 2)
    r = np.concatenate([rng.uniform(0, 0.5 * radius, inside), rng.uniform(0.7 * radius, radius, outside)])
    angle = rng.uniform(0, 2 * np.pi, samples)
    x = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    x += rng.normal(0, noise * radius * 0.5, x.shape)  # noise moves points across the gap between disc and ring
    return x, np.concatenate([np.ones(inside), np.zeros(outside)])


def _xor(samples: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[np.ndarray, np.ndarray]:
    padding = 0.3  # keep points off the axes, so the classes have a margin at noise 0
    x = rng.uniform(-5, 5, size=(samples, 2))
    x += np.sign(x) * padding
    labels = (x[:, 0] * x[:, 1] > 0).astype(float)  # the sign decides, before noise
    x += rng.normal(0, noise * 5 * 0.5, x.shape)
    return x, labels


def _gauss(samples: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[np.ndarray, np.ndarray]:
    angles = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centres = 2.5 * np.stack([np.cos(angles), np.sin(angles)], axis=1) * (np.sqrt(2) if classes == 2 else 1.0)
    spread = 0.5 + 3.0 * noise
    parts = [centres[c] + rng.normal(0, spread, size=(n, 2)) for c, n in enumerate(_counts(samples, classes))]
    labels = [np.full(n, c) for c, n in enumerate(_counts(samples, classes))]
    return np.concatenate(parts), np.concatenate(labels).astype(float)


def _spiral(samples: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[np.ndarray, np.ndarray]:
    parts, labels = [], []
    for c, n in enumerate(_counts(samples, classes)):
        t = np.linspace(0.0, 1.0, n, endpoint=False)  # along the arm, centre outwards
        r = 5.0 * t
        angle = 1.75 * 2 * np.pi * t + 2 * np.pi * c / classes
        arm = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
        parts.append(arm + rng.uniform(-1, 1, size=arm.shape) * noise * 2.5)
        labels.append(np.full(n, c))
    return np.concatenate(parts), np.concatenate(labels).astype(float)


def _moons(samples: int, noise: float, rng: np.random.Generator, classes: int) -> tuple[np.ndarray, np.ndarray]:
    upper, lower = _counts(samples, 2)
    a, b = rng.uniform(0, np.pi, upper), rng.uniform(0, np.pi, lower)
    top = np.stack([np.cos(a), np.sin(a)], axis=1)
    bottom = np.stack([1 - np.cos(b), 0.5 - np.sin(b)], axis=1)
    x = (np.concatenate([top, bottom]) - [0.5, 0.25]) * 4.0  # centred on the origin, about [-4, 4] wide
    x += rng.normal(0, noise * 1.5, x.shape)
    return x, np.concatenate([np.zeros(upper), np.ones(lower)])


_MAKERS: dict[str, Callable[[int, float, np.random.Generator, int], tuple[np.ndarray, np.ndarray]]] = {
    "circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral, "moons": _moons,
}
