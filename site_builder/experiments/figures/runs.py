"""What a training run hands to the drawing code: arrays only, no network objects."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Snapshot:
    """The model at one moment of training."""

    step: int  # optimisation steps taken so far (0 = at initialisation)
    loss: float  # mean-squared error on the whole training set at this step
    prediction: np.ndarray  # (G,) model output on TrainingResult.grid_x
    # One-hidden-layer nets only, else None: (G, H) each hidden unit's term on grid_x
    # (as TrainingResult.contributions) and the output bias; prediction is the row
    # sum of contributions plus output_bias.
    contributions: np.ndarray | None = None
    output_bias: float | None = None
    dead: int | None = None  # hidden ReLU units off on every training point at this step (None where not recorded)


@dataclass(frozen=True)
class TrainingResult:
    """A finished training run, recorded for drawing.

    ``snapshots`` are evenly spaced over training: the first is step 0,
    the last is the final step, and there are ``spec.frames`` of them.
    """

    grid_x: np.ndarray  # (G,) dense, sorted grid over the interval, for smooth curves
    target_y: np.ndarray  # (G,) the target function on grid_x
    train_x: np.ndarray  # (N,) training inputs
    train_y: np.ndarray  # (N,) training targets
    snapshots: tuple[Snapshot, ...]
    # The trained network, layer by layer: (weight (fan_in, fan_out), bias (fan_out,)).
    final_params: tuple[tuple[np.ndarray, np.ndarray], ...] = ()
    # (G, H) for a one-hidden-layer net, else None: column i is hidden unit i's term
    # w2_i * act(w1_i * x + b1_i) on grid_x; the final prediction is the row sum plus
    # the output bias final_params[-1][1][0].
    contributions: np.ndarray | None = None
    dead_neurons: int = 0  # hidden ReLU units off on every training point, after training

    @property
    def final_loss(self) -> float:
        """Training-set MSE after the last step."""
        return self.snapshots[-1].loss

    @property
    def hidden_units(self) -> int:
        """Neurons in all hidden layers together (0 for a linear model)."""
        return sum(weight.shape[1] for weight, _ in self.final_params[:-1])


@dataclass(frozen=True)
class ClassifierSnapshot:
    """A classifier at one moment of training, seen over the plane."""

    step: int
    loss: float  # the training loss (the spec's: cross-entropy or MSE)
    train_accuracy: float  # fractions, 0 to 1
    test_accuracy: float | None  # None without test points
    probabilities: np.ndarray  # (R, R, K) float32: each class's probability at each grid point, rows from the bottom
    neurons: tuple[np.ndarray, ...] = ()  # per hidden layer, (r, r, width) float32 outputs on a coarser grid (view: neurons)


@dataclass(frozen=True)
class ClassifierResult:
    """A finished classification run: its data, the plane it was looked at on, and its snapshots."""

    train_x: np.ndarray  # (N, 2)
    train_y: np.ndarray  # (N,) int classes
    test_x: np.ndarray  # (M, 2)
    test_y: np.ndarray  # (M,)
    classes: int
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1 of the grids
    snapshots: tuple[ClassifierSnapshot, ...]


@dataclass(frozen=True)
class GradientSnapshot:
    step: int
    loss: float
    norms: np.ndarray  # (L,) the norm of dLoss/dW for each hidden layer, first to last (the output layer excluded)
    dead: np.ndarray  # (L,) the fraction of each hidden layer's ReLU units off on every training point (NaN: not ReLU)


@dataclass(frozen=True)
class GradientRun:
    """One activation's run of a gradients figure."""

    activation: str
    snapshots: tuple[GradientSnapshot, ...]


@dataclass(frozen=True)
class CompareRun:
    """One run of a comparison: its label and its recorded training."""

    label: str
    result: TrainingResult
