"""Run a declared training experiment and record it for drawing.

``run_training`` is a pure function of its :class:`TrainingSpec`: the same
spec gives bit-identical arrays. It samples the target on evenly spaced
points, builds and trains an MLP from :mod:`site_builder.experiments.nn`, and records
``spec.frames`` snapshots through the trainer's ``on_step`` hook: evenly spaced
steps, or, for an animation (``spread_motion``), the steps that spread the
prediction's motion evenly over the frames (:mod:`site_builder.experiments.sampling`).
"""

from __future__ import annotations

import dataclasses
from typing import Protocol

import numpy as np

from site_builder.experiments.nn import MLP, Optimizer, TrainingDiverged, get_activation, get_optimizer, hidden_contributions, init_mlp, mse, train
from site_builder.experiments.expressions import compile_expression
from site_builder.experiments.figures.runs import Snapshot, TrainingResult
from site_builder.experiments.sampling import candidate_steps, motion_frames
from site_builder.experiments.specs import FigureSpec, NeuronsSpec, TrainingSpec, parse_figure, training_inputs

GRID_POINTS = 256  # points of the dense grid that predictions are drawn on

__all__ = ["GRID_POINTS", "TrainingDiverged", "fit", "run_training", "run_trainings", "shared_run", "snapshot_steps", "training_run"]


def fit(target: str, **parameters: object) -> TrainingResult:
    """The run a ``training`` figure of ``target`` with these parameters would draw, for an author's own code.

    ``fit("x**2", hidden=[2], steps=1000, lr=0.2, seed=0)`` takes the same
    parameters, with the same defaults and limits, as the declared kind
    (``site-builder help figures``), and returns the same arrays. Raises
    ValueError listing every invalid parameter. Part of :mod:`site_builder.lab`.
    """
    spec, issues = parse_figure("fit.gif", {"kind": "training", "target": target, **parameters})
    if issues:
        raise ValueError("; ".join(issue.message for issue in issues))
    assert isinstance(spec, TrainingSpec)
    return run_training(spec)


def run_training(spec: TrainingSpec, *, spread_motion: bool = False, terms: bool = True) -> TrainingResult:
    """Train the network ``spec`` describes and return its recorded run.

    The ``spec.frames`` snapshots are at evenly spaced steps; with
    ``spread_motion``, at the steps :func:`~site_builder.experiments.sampling.motion_frames`
    picks from many more recorded ones, so that an animation's frames share
    the motion evenly and end soon after the fit settles (the last is still
    the final step). Without ``terms`` the snapshots leave out each hidden
    unit's term on the grid, which only the neurons figure draws and which,
    for a layer of a hundred, is most of a run's memory. Raises
    TrainingDiverged if the loss stops being finite.
    """
    return run_trainings(spec, ((spec.frames, spread_motion),), terms=terms)[0]


def run_trainings(spec: TrainingSpec, views: tuple[tuple[int, bool], ...], *, terms: bool = True) -> tuple[TrainingResult, ...]:
    """One training run of ``spec``, recorded as each view ``(frames, spread_motion)`` asks; one result per view.

    Recording is only looking: the run records every step any view needs, and
    each result is exactly what :func:`run_training` of ``spec`` with that
    view's frames and spread would return, so figures that train the same
    network the same way (see :func:`shared_run`) pay for the training once.
    ``spec.frames`` is not used; each view brings its own.
    """
    target = compile_expression(spec.target)
    train_x = training_inputs(spec.interval, spec.samples)  # (N,)
    train_y = target(train_x)  # (N,)
    grid_x = np.linspace(*spec.interval, GRID_POINTS)  # (G,)
    init_rng, batch_rng = np.random.default_rng(spec.seed).spawn(2)
    model = model_for(spec, (1, *spec.hidden, 1), init_rng, spec.interval)
    wanted = {view: _view_steps(spec.steps, *view) for view in views}
    recorder = _SnapshotRecorder(tuple(sorted(set().union(*wanted.values()))), train_x, train_y, grid_x, spec.lr, terms=terms)
    model = train(
        model,
        train_x[:, None],
        train_y[:, None],
        steps=spec.steps,
        lr=spec.lr,
        batch_size=spec.batch_size,
        rng=batch_rng,
        on_step=recorder,
        optimizer=optimizer_for(spec),
    )
    recorded = {snapshot.step: snapshot for snapshot in recorder.snapshots}
    height = float(np.ptp(np.concatenate([target(grid_x), train_y]))) or 1.0  # the plot's, for spreading the motion
    run = TrainingResult(
        grid_x=grid_x,
        target_y=target(grid_x),
        train_x=train_x,
        train_y=train_y,
        snapshots=(),
        final_params=tuple((layer.weight, layer.bias) for layer in model.layers),
        contributions=_contributions(model, grid_x),
        dead_neurons=dead_neurons(model, train_x[:, None]),
    )
    return tuple(dataclasses.replace(run, snapshots=_view_snapshots(recorder, [recorded[s] for s in wanted[view]], *view, height))
                 for view in views)


def shared_run(spec: TrainingSpec) -> TrainingSpec:
    """What decides ``spec``'s training run itself: two figures with equal ``shared_run`` train identically.

    Only the name, the frame rate and the number of frames are left out: they
    decide how the run is drawn and which steps are recorded, never the
    training (see :func:`run_trainings`).
    """
    return dataclasses.replace(spec, name="", fps=0, frames=0)


def training_run(spec: FigureSpec) -> TrainingSpec | None:
    """The training run a figure draws, for the kinds that draw exactly one (``training``, ``neurons``); else None."""
    if isinstance(spec, TrainingSpec):
        return spec
    if isinstance(spec, NeuronsSpec):
        return spec.training
    return None


def _view_steps(steps: int, frames: int, spread_motion: bool) -> tuple[int, ...]:
    """The steps a view records: candidates to spread the motion over, or evenly spaced snapshots."""
    return candidate_steps(steps, frames) if spread_motion else snapshot_steps(steps, frames)


def _view_snapshots(recorder: _SnapshotRecorder, snapshots: list[Snapshot], frames: int, spread_motion: bool, height: float) -> tuple[Snapshot, ...]:
    """A view's ``frames`` snapshots, completed: chosen to spread the motion over ``height``, or all of ``snapshots``."""
    if spread_motion:
        predictions = np.stack([s.prediction for s in snapshots])  # (candidates, G)
        snapshots = [snapshots[i] for i in motion_frames(predictions, frames, height)]
    chosen = tuple(recorder.complete(s) for s in snapshots)
    assert len(chosen) == frames and chosen[-1].step == recorder.last_step
    return chosen


class ModelOptions(Protocol):
    """What every training kind's spec says about its model and optimiser."""

    activations: tuple[str, ...]
    leak: float
    init: str
    init_scale: float
    init_output: str
    optimizer: str
    lr: float
    momentum: float
    betas: tuple[float, float]
    weight_decay: float


def model_for(spec: ModelOptions, widths: tuple[int, ...], rng: np.random.Generator, interval: tuple[float, float] | None = None) -> MLP:
    """A freshly initialised network of ``widths`` with ``spec``'s activations and initialisation."""
    activations = [get_activation(name, spec.leak) for name in spec.activations]
    return init_mlp(widths, activations, rng, interval, init=spec.init, scale=spec.init_scale, output=spec.init_output)


def optimizer_for(spec: ModelOptions) -> Optimizer:
    return get_optimizer(spec.optimizer, spec.lr, weight_decay=spec.weight_decay, momentum=spec.momentum, betas=spec.betas)


def dead_neurons(model: MLP, x: np.ndarray) -> int:
    """Hidden ReLU units whose input is at most 0 for every example of ``x``: they output 0 and learn nothing.

    Only plain ReLU layers count: the other activations are never exactly flat.
    """
    dead, h = 0, x
    for layer, activation in zip(model.layers[:-1], model.activations):  # type: ignore[arg-type]
        z = layer(h)  # (N, width)
        if activation.name == "relu":
            dead += int(np.sum(np.all(z <= 0, axis=0)))
        h = activation(z)
    return dead


def snapshot_steps(steps: int, frames: int) -> tuple[int, ...]:
    """``frames`` distinct steps, evenly spaced from 0 to ``steps`` inclusive."""
    assert 2 <= frames <= steps + 1, f"cannot take {frames} distinct snapshots of {steps} steps"
    chosen = tuple(int(s) for s in np.round(np.linspace(0, steps, frames)))
    assert len(set(chosen)) == frames
    return chosen


class _SnapshotRecorder:
    """The ``on_step`` hook: at each chosen step, the training MSE and the curve on the grid.

    It keeps the model too, and :meth:`complete` adds, for a
    one-hidden-layer net, each hidden unit's term on the grid and the output
    bias, which the neurons figure animates: only for the snapshots kept.
    """

    def __init__(
        self, steps: tuple[int, ...], train_x: np.ndarray, train_y: np.ndarray, grid_x: np.ndarray, lr: float, *, terms: bool = True
    ) -> None:
        self.terms = terms
        self.wanted = frozenset(steps)
        self.last_step = max(steps)
        self.train_x, self.train_y = train_x[:, None], train_y[:, None]  # (N, 1)
        self.grid_x = grid_x[:, None]  # (G, 1)
        self.lr = lr
        self.snapshots: list[Snapshot] = []
        self.models: dict[int, MLP] = {}  # by step; models are immutable, so keeping one is free

    def __call__(self, step: int, model: MLP) -> None:
        if step not in self.wanted:
            return
        with np.errstate(over="ignore", invalid="ignore"):
            loss = mse(model(self.train_x), self.train_y)
            prediction = model(self.grid_x)[:, 0]  # (G,)
        if not np.isfinite(loss):
            raise TrainingDiverged(step, self.lr, loss)
        self.models[step] = model
        self.snapshots.append(Snapshot(step=step, loss=loss, prediction=prediction))

    def complete(self, snapshot: Snapshot) -> Snapshot:
        """``snapshot`` with its dead units, and its hidden units' terms and output bias (one hidden layer, when asked)."""
        model = self.models[snapshot.step]
        contributions = _contributions(model, self.grid_x[:, 0]) if self.terms else None  # (G, H) or None
        output_bias = None if contributions is None else float(model.layers[-1].bias[0])
        return dataclasses.replace(snapshot, contributions=contributions, output_bias=output_bias,
                                   dead=dead_neurons(model, self.train_x))


def _contributions(model: MLP, grid_x: np.ndarray) -> np.ndarray | None:
    """Each hidden unit's term on the grid, (G, H), for one-hidden-layer nets only."""
    if len(model.layers) != 2:
        return None
    return hidden_contributions(model, grid_x[:, None])
