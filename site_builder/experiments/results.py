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

    @property
    def final_loss(self) -> float:
        """Training-set MSE after the last step."""
        return self.snapshots[-1].loss
