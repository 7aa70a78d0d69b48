"""Mean-squared error and its gradient."""

from __future__ import annotations

import numpy as np


def mse(prediction: np.ndarray, target: np.ndarray) -> float:
    """Mean of the squared differences over every element."""
    assert prediction.shape == target.shape, f"{prediction.shape} != {target.shape}"
    diff = prediction - target
    return float(np.mean(diff * diff))


def mse_and_grad(prediction: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """The MSE and its gradient with respect to ``prediction``.

    The gradient is ``2 (prediction - target) / prediction.size``: the mean
    runs over every element, so each one carries 1/size of the loss.
    """
    assert prediction.shape == target.shape, f"{prediction.shape} != {target.shape}"
    diff = prediction - target  # same shape as prediction, e.g. (B, 1)
    loss = float(np.mean(diff * diff))
    return loss, (2.0 / diff.size) * diff
