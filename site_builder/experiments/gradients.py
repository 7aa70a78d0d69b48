"""Run a declared gradients experiment: how large the gradient reaching each layer of a deep network is.

:func:`run_gradients` trains one network per activation on the same 1-D target,
data and initial draws, and records at evenly spaced steps the norm of the
loss's gradient with respect to each hidden layer's weights (on the whole
training set) and the fraction of each layer's ReLU units that are off on
every training point.
"""

from __future__ import annotations

import numpy as np

from site_builder.experiments.expressions import compile_expression
from site_builder.experiments.figures.runs import GradientRun, GradientSnapshot
from site_builder.experiments.nn import MLP, TrainingDiverged, get_loss, train
from site_builder.experiments.specs import GradientsSpec, training_inputs
from site_builder.experiments.training import model_for, optimizer_for, snapshot_steps


def run_gradients(spec: GradientsSpec) -> tuple[GradientRun, ...]:
    """One run per activation, each recording the gradient reaching every hidden layer at evenly spaced steps."""
    target = compile_expression(spec.target)
    x = training_inputs(spec.interval, spec.samples)[:, None]  # (N, 1)
    y = target(x[:, 0])[:, None]
    runs = []
    for activation in spec.activations:
        init_rng, batch_rng = np.random.default_rng(spec.seed).spawn(2)  # the same draws for every activation
        per_run = _RunOptions(spec, activation)
        model = model_for(per_run, (1, *spec.hidden, 1), init_rng, spec.interval)
        recorder = _GradientRecorder(snapshot_steps(spec.steps, spec.frames), x, y, spec.lr)
        train(model, x, y, steps=spec.steps, lr=spec.lr, batch_size=spec.batch_size, rng=batch_rng,
              on_step=recorder, optimizer=optimizer_for(per_run))
        runs.append(GradientRun(activation, tuple(recorder.snapshots)))
    return tuple(runs)


class _RunOptions:
    """A gradients spec seen as the model options of its run with one ``activation`` in every layer."""

    def __init__(self, spec: GradientsSpec, activation: str) -> None:
        self.activations = (activation,) * len(spec.hidden)
        self.leak, self.init, self.init_scale, self.init_output = spec.leak, spec.init, spec.init_scale, spec.init_output
        self.optimizer, self.lr, self.momentum, self.betas, self.weight_decay = spec.optimizer, spec.lr, spec.momentum, spec.betas, spec.weight_decay


class _GradientRecorder:
    def __init__(self, steps: tuple[int, ...], x: np.ndarray, y: np.ndarray, lr: float) -> None:
        self.wanted, self.x, self.y, self.lr = frozenset(steps), x, y, lr
        self.snapshots: list[GradientSnapshot] = []

    def __call__(self, step: int, model: MLP) -> None:
        if step not in self.wanted:
            return
        loss = get_loss("mse")
        with np.errstate(over="ignore", invalid="ignore"):
            prediction, trace = model.forward(self.x)
            value, grad = loss.value_and_grad(prediction, self.y)
            if not np.isfinite(value):
                raise TrainingDiverged(step, self.lr, value)
            grads = model.backward(trace, grad)
        norms = np.array([np.linalg.norm(g.weight) for g in grads[:-1]])  # (L,) hidden layers only
        dead = np.array([
            float(np.mean(np.all(z <= 0, axis=0))) if activation.name == "relu" else np.nan
            for z, activation in zip(trace.pre_activations[:-1], model.activations)  # type: ignore[arg-type]
        ])
        self.snapshots.append(GradientSnapshot(step, float(value), norms, dead))
