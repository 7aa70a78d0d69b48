"""Training: an optimiser on a loss, batch after batch, with a hook for recording.

``train`` runs full-batch gradient descent (``batch_size=None``) or
mini-batch SGD (or momentum, or Adam: :mod:`.optimizers`), where each epoch visits the examples in a fresh order drawn
from the generator it is given. It never plots or stores anything itself:
it calls ``on_step(step, model)`` before the first update (step 0) and after
every update (step 1 .. steps), and callers keep what they need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from site_builder.experiments.nn.losses import Loss, mse_and_grad
from site_builder.experiments.nn.network import MLP
from site_builder.experiments.nn.optimizers import SGD, Optimizer

BatchIndex = slice | np.ndarray
OnStep = Callable[[int, MLP], None]  # (updates made so far, model after them)


class TrainingDiverged(ArithmeticError):
    """The loss became NaN or infinite: the learning rate is too large for this problem."""

    def __init__(self, step: int, lr: float, value: float = math.nan) -> None:
        self.step = step
        self.lr = lr
        self.value = value
        what = "NaN" if math.isnan(value) else "infinity"
        super().__init__(f"training diverged to {what} at step {step}; lower lr (now {lr!r})")

    def __reduce__(self) -> tuple[type, tuple[int, float, float]]:
        # Rebuild from our own arguments, so the error survives a process pool's pickling.
        return type(self), (self.step, self.lr, self.value)


def batch_indices(n: int, batch_size: int | None, rng: np.random.Generator | None) -> Iterator[BatchIndex]:
    """An endless stream of batches over ``n`` examples.

    Full batch yields ``slice(None)`` forever (a view, no copy). Otherwise
    each epoch shuffles the examples with ``rng`` and yields consecutive
    chunks of ``batch_size``; the last chunk of an epoch may be smaller, so
    every example is seen exactly once per epoch.
    """
    if batch_size is None or batch_size >= n:
        while True:
            yield slice(None)
    assert batch_size >= 1 and rng is not None, "mini-batch SGD needs batch_size >= 1 and an rng"
    while True:
        order = rng.permutation(n)  # (n,)
        for start in range(0, n, batch_size):
            yield order[start : start + batch_size]


def train(
    model: MLP,
    x: np.ndarray,
    y: np.ndarray,
    *,
    steps: int,
    lr: float,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    on_step: OnStep | None = None,
    loss: Loss | None = None,
    optimizer: Optimizer | None = None,
) -> MLP:
    """``steps`` updates of ``optimizer`` (default: gradient descent at ``lr``) on ``loss`` (default: the MSE).

    ``x`` is (N, fan_in) and ``y`` is (N, fan_out), or (N, 1) class labels
    for a cross-entropy. Returns the trained model. Raises TrainingDiverged
    as soon as a batch loss is not finite.
    """
    assert x.ndim == 2 and y.ndim == 2 and len(x) == len(y), f"{x.shape} vs {y.shape}"
    assert steps >= 0 and lr > 0
    value_and_grad = loss.value_and_grad if loss is not None else mse_and_grad
    optimizer = optimizer if optimizer is not None else SGD(lr)
    state = optimizer.start(model)
    batches = batch_indices(len(x), batch_size, rng)
    # Overflow on the way to divergence is expected; we detect it from the loss.
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(steps):
            if on_step is not None:
                on_step(step, model)
            index = next(batches)
            prediction, trace = model.forward(x[index])  # (B, fan_out)
            value, grad = value_and_grad(prediction, y[index])
            if not math.isfinite(value):
                raise TrainingDiverged(step, optimizer.lr, value)
            model, state = optimizer.step(model, model.backward(trace, grad), state)  # type: ignore[arg-type]
    if on_step is not None:
        on_step(steps, model)
    return model
