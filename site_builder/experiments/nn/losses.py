"""Losses and their gradients with respect to the network's (linear) output.

* :func:`mse_and_grad`: the mean-squared error, for regression.
* :func:`binary_cross_entropy_and_grad`: two classes, one output read as the
  logit of class 1 (a sigmoid turns it into a probability).
* :func:`softmax_cross_entropy_and_grad`: K classes, K outputs read as logits
  (a softmax turns them into probabilities).

The cross-entropies take the logits, never the probabilities, and are written
so that no logit, however large, overflows. :func:`get_loss` names them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LOSS_NAMES: tuple[str, ...] = ("mse", "cross_entropy")


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


def binary_cross_entropy_and_grad(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of ``-[y log σ(z) + (1 - y) log(1 - σ(z))]`` over the batch, and its gradient ``(σ(z) - y) / N``.

    ``logits`` and ``labels`` are ``(N, 1)``; labels are 0 or 1. The loss is
    computed as ``softplus(z) - y z``, which equals the formula above and
    never takes the log of 0.
    """
    assert logits.shape == labels.shape and logits.shape[1] == 1, f"{logits.shape} vs {labels.shape}"
    loss = float(np.mean(np.logaddexp(0.0, logits) - labels * logits))
    probabilities = np.exp(-np.logaddexp(0.0, -logits))  # σ(z), without overflow
    return loss, (probabilities - labels) / len(logits)


def softmax_cross_entropy_and_grad(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of ``-log softmax(z)[y]`` over the batch, and its gradient ``(softmax(z) - onehot(y)) / N``.

    ``logits`` is ``(N, K)`` and ``labels`` ``(N, 1)`` holds each example's class, 0 to K - 1.
    """
    assert logits.ndim == 2 and labels.shape == (len(logits), 1), f"{logits.shape} vs {labels.shape}"
    shifted = logits - logits.max(axis=1, keepdims=True)  # (N, K): the largest logit becomes 0
    log_total = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1)
    classes = labels[:, 0].astype(int)
    rows = np.arange(len(logits))
    loss = float(np.mean(log_total[:, 0] - shifted[rows, classes]))
    grad = np.exp(shifted - log_total)  # (N, K): softmax
    grad[rows, classes] -= 1.0
    return loss, grad / len(logits)


LossAndGrad = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class Loss:
    """A loss by name, with the function that gives its value and gradient for a batch."""

    name: str
    value_and_grad: LossAndGrad

    def __call__(self, prediction: np.ndarray, target: np.ndarray) -> float:
        return self.value_and_grad(prediction, target)[0]


def get_loss(name: str, outputs: int = 1) -> Loss:
    """``mse``, or ``cross_entropy`` for a network with ``outputs`` outputs (1: two classes, binary; K: K classes, softmax)."""
    if name == "mse":
        return Loss(name, mse_and_grad)
    if name == "cross_entropy":
        return Loss(name, binary_cross_entropy_and_grad if outputs == 1 else softmax_cross_entropy_and_grad)
    raise ValueError(f"unknown loss {name!r}; known: {', '.join(LOSS_NAMES)}")
