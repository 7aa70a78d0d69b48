"""Run a declared classification experiment: a network trained on a 2-D dataset, looked at over the plane.

:func:`run_classification` is a pure function of its spec (the same spec,
bit-identical arrays), built on the same numpy core, model options and
recorder hook as :func:`~site_builder.experiments.training.run_training`. It
records, at evenly spaced steps, the loss, the train and test accuracy, the
class probabilities over the plane and, for ``view: neurons``, each hidden
neuron's output there.
"""

from __future__ import annotations

import numpy as np

from site_builder.experiments.datasets import EXTENT, make_dataset, split
from site_builder.experiments.figures.runs import ClassifierResult, ClassifierSnapshot
from site_builder.experiments.nn import MLP, TrainingDiverged, get_loss, train
from site_builder.experiments.specs import ClassificationSpec
from site_builder.experiments.training import model_for, optimizer_for, snapshot_steps

REGION_POINTS = 100  # the decision regions' grid: REGION_POINTS² points over the plane
NEURON_POINTS = 48  # each neuron thumbnail's grid
MARGIN = 0.5  # the plane extends this far past the data


def run_classification(spec: ClassificationSpec) -> ClassifierResult:
    """Train the classifier ``spec`` describes; raises TrainingDiverged if its loss stops being finite."""
    data_rng, init_rng, batch_rng = np.random.default_rng(spec.seed).spawn(3)
    data = make_dataset(spec.dataset, spec.samples, spec.noise, data_rng, spec.classes)
    training, testing = split(data, spec.test_fraction)
    outputs = 1 if spec.classes == 2 else spec.classes
    loss = get_loss(spec.loss, outputs)
    targets = _targets(training.y, spec.classes, spec.loss)  # (N, 1) labels, or (N, K) one-hot for an MSE
    model = model_for(spec, (2, *spec.hidden, outputs), init_rng)
    extent = _extent(data.x)
    recorder = _ClassifierRecorder(spec, extent, training, testing, loss, targets)
    train(model, training.x, targets, steps=spec.steps, lr=spec.lr, batch_size=spec.batch_size, rng=batch_rng,
          on_step=recorder, loss=loss, optimizer=optimizer_for(spec))
    return ClassifierResult(training.x, training.y, testing.x, testing.y, spec.classes, extent, tuple(recorder.snapshots))


def class_probabilities(model: MLP, x: np.ndarray, classes: int, loss: str) -> np.ndarray:
    """``(N, K)`` probabilities of each class at the points ``x`` (N, 2), as the loss reads the outputs."""
    out = model(x)
    if loss == "mse":  # outputs are scores fitted to 0/1 labels (or one-hot): clip them into [0, 1]
        scores = np.clip(out, 0.0, 1.0)
        return np.concatenate([1 - scores, scores], axis=1) if classes == 2 else scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)
    if classes == 2:
        p1 = np.exp(-np.logaddexp(0.0, -out))  # σ(z)
        return np.concatenate([1 - p1, p1], axis=1)
    shifted = out - out.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def _targets(labels: np.ndarray, classes: int, loss: str) -> np.ndarray:
    if loss == "mse" and classes > 2:
        return np.eye(classes)[labels]
    return labels[:, None].astype(float)


def _extent(x: np.ndarray) -> tuple[float, float, float, float]:
    """A square a little wider than the data, and at least TF Playground's [-6, 6]²."""
    half = max(EXTENT, float(np.abs(x).max()) + MARGIN)
    return (-half, half, -half, half)


def _grid(extent: tuple[float, float, float, float], points: int) -> np.ndarray:
    x0, x1, y0, y1 = extent
    xs, ys = np.meshgrid(np.linspace(x0, x1, points), np.linspace(y0, y1, points))  # rows from the bottom
    return np.stack([xs.ravel(), ys.ravel()], axis=1)  # (points², 2)


class _ClassifierRecorder:
    """The trainer's on_step hook: at the wanted steps, the loss, the accuracies and the plane."""

    def __init__(self, spec: ClassificationSpec, extent: tuple[float, float, float, float], training, testing, loss, targets) -> None:  # type: ignore[no-untyped-def]
        self.spec, self.loss, self.targets = spec, loss, targets
        self.training, self.testing = training, testing
        self.wanted = frozenset(snapshot_steps(spec.steps, spec.frames))
        self.regions = _grid(extent, REGION_POINTS)
        self.thumbnails = _grid(extent, NEURON_POINTS) if spec.view == "neurons" else None
        self.snapshots: list[ClassifierSnapshot] = []

    def __call__(self, step: int, model: MLP) -> None:
        if step not in self.wanted:
            return
        spec = self.spec
        with np.errstate(over="ignore", invalid="ignore"):
            value = self.loss(model(self.training.x), self.targets)
            if not np.isfinite(value):
                raise TrainingDiverged(step, spec.lr, value)
            probabilities = class_probabilities(model, self.regions, spec.classes, spec.loss)  # (R², K)
            train_accuracy = _accuracy(model, self.training.x, self.training.y, spec)
            test_accuracy = _accuracy(model, self.testing.x, self.testing.y, spec) if len(self.testing.y) else None
        shape = (REGION_POINTS, REGION_POINTS, spec.classes)
        self.snapshots.append(ClassifierSnapshot(
            step, float(value), train_accuracy, test_accuracy, probabilities.reshape(shape).astype(np.float32),
            self._neurons(model),
        ))

    def _neurons(self, model: MLP) -> tuple[np.ndarray, ...]:
        if self.thumbnails is None:
            return ()
        outputs, h = [], self.thumbnails
        for layer, activation in zip(model.layers[:-1], model.activations):  # type: ignore[arg-type]
            h = activation(layer(h))  # (r², width)
            outputs.append(h.reshape(NEURON_POINTS, NEURON_POINTS, -1).astype(np.float32))
        return tuple(outputs)


def _accuracy(model: MLP, x: np.ndarray, y: np.ndarray, spec: ClassificationSpec) -> float:
    predicted = class_probabilities(model, x, spec.classes, spec.loss).argmax(axis=1)
    return float(np.mean(predicted == y))
