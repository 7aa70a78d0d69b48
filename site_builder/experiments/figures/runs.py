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

    @property
    def final_loss(self) -> float:
        """Training-set MSE after the last step."""
        return self.snapshots[-1].loss
