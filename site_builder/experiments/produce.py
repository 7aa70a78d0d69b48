"""From a figure spec to the figure's bytes: run the experiment, then draw it.

:func:`produce_figure` is the one entry point the build calls, once per
declared figure and often in a worker process, so it is a module-level
function of a frozen (picklable) spec. This module is the only place where
experiments and drawing meet: the drawing code sees arrays and results,
never networks.
"""

from __future__ import annotations

import json

import numpy as np

from site_builder.experiments.classification import run_classification
from site_builder.experiments.comparison import run_comparison
from site_builder.experiments.figures.animation import Animation, animate_training, draw_training_still
from site_builder.experiments.figures.classifier import animate_classifier, classifier_status, draw_classifier_still
from site_builder.experiments.figures.compare import animate_compare, compare_figure, compare_status, draw_compare_still
from site_builder.experiments.figures.frames import neurons_frames, raster_frames, training_frames
from site_builder.experiments.figures.gradients import animate_gradients, draw_gradients_still, gradient_figure, gradients_status
from site_builder.experiments.gradients import run_gradients
from site_builder.experiments.specs import (
    ActivationPlotSpec,
    ClassificationSpec,
    CompareSpec,
    FigureSpec,
    GradientsSpec,
    RESULTS_FILE,
    NeuronsSpec,
    TrainingSpec,
    frames_name,
    poster_name,
)
from site_builder.experiments.training import run_training
from site_builder.experiments.figures import style
from site_builder.experiments.figures.neurons import animate_neurons, draw_neurons_still
from site_builder.experiments.figures.plots import draw_activation_plot
from site_builder.experiments.nn.activations import get_activation

ACTIVATION_PLOT_POINTS = 801  # odd, so a symmetric interval has x = 0 on the grid

# Names as they read mid-sentence ("20 hidden ReLU neurons").
ACTIVATION_NAMES: dict[str, str] = {
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "elu": "ELU",
    "gelu": "GELU",
}


def produce_figure(spec: FigureSpec) -> dict[str, bytes]:
    """The files the figure ``spec`` declares, by file name: ``{spec.name: PNG or GIF bytes}``.

    A mapping, because one declaration may yield companion files beside the
    figure itself: every animation ``<stem>.gif`` comes with its poster frame
    ``<stem>.poster.png``, the last frame as a still of the same size, and its
    player data ``<stem>.frames.js`` (see :mod:`site_builder.experiments.figures.frames`).
    """
    if isinstance(spec, ActivationPlotSpec):
        return {spec.name: _activation_plot(spec)}
    if isinstance(spec, TrainingSpec):
        return _training_figure(spec)
    if isinstance(spec, NeuronsSpec):
        return _neurons_figure(spec)
    if isinstance(spec, ClassificationSpec):
        return _classification_figure(spec)
    if isinstance(spec, GradientsSpec):
        return _gradients_figure(spec)
    if isinstance(spec, CompareSpec):
        return _compare_figure(spec)
    raise TypeError(f"not a figure spec: {spec!r}")


def _results(numbers: dict[str, object]) -> dict[str, bytes]:
    """The figure's measured numbers as the hidden companion file ``RESULTS_FILE``."""
    return {RESULTS_FILE: json.dumps(numbers, sort_keys=True, allow_nan=False, default=float).encode("utf-8")}


def _raster(name: str, animation: Animation, labels: list[str], fps: int) -> dict[str, bytes]:
    """An animation the player shows as pictures (its GIF), with a status line per frame."""
    return _with_poster(name, animation) | {frames_name(name): raster_frames(animation.gif, name=name, labels=labels, fps=fps)}


def _classification_figure(spec: ClassificationSpec) -> dict[str, bytes]:
    result = run_classification(spec)
    last = result.snapshots[-1]
    title, neurons = classification_title(spec), spec.view == "neurons"
    numbers = _results({"final_loss": last.loss, "train_accuracy": last.train_accuracy, "test_accuracy": last.test_accuracy, "steps": last.step})
    if _is_animation(spec.name):
        animation = animate_classifier(result, title=title, fps=spec.fps, neurons=neurons)
        return _raster(spec.name, animation, [classifier_status(s) for s in result.snapshots], spec.fps) | numbers
    return {spec.name: draw_classifier_still(result, title=title, neurons=neurons)} | numbers


def _gradients_figure(spec: GradientsSpec) -> dict[str, bytes]:
    runs = run_gradients(spec)
    data = gradient_figure(runs, tuple(ACTIVATION_NAMES[r.activation] for r in runs), spec.dead)
    title = f"The gradient reaching each of {len(spec.hidden)} layers"
    numbers: dict[str, object] = {"steps": spec.steps}
    for run in runs:
        start, end = run.snapshots[0], run.snapshots[-1]
        numbers[run.activation] = {
            "first_layer": float(start.norms[0]), "last_layer": float(start.norms[-1]), "ratio": float(start.norms[0] / start.norms[-1]),
            "final_first_layer": float(end.norms[0]), "final_last_layer": float(end.norms[-1]), "final_loss": end.loss,
            "dead_fraction": None if not np.isfinite(end.dead).any() else float(np.nanmean(end.dead)),
        }
    if _is_animation(spec.name):
        animation = animate_gradients(data, title=title, fps=spec.fps)
        return _raster(spec.name, animation, [gradients_status(data, i) for i in data.snapshots], spec.fps) | _results(numbers)
    return {spec.name: draw_gradients_still(data, title=title)} | _results(numbers)


def _compare_figure(spec: CompareSpec) -> dict[str, bytes]:
    runs = run_comparison(spec)
    data = compare_figure(runs, spec.show)
    title = {"loss": "Training loss of each run", "fit": "Each run's fit", "dead": "Dead ReLU neurons in each run"}[spec.show]
    numbers = {"runs": {run.label: {"final_loss": run.result.final_loss, "dead_neurons": run.result.dead_neurons,
                                    "dead_fraction": run.result.dead_neurons / max(run.result.hidden_units, 1)}
                        for run in runs},
               "final_loss": [run.result.final_loss for run in runs]}
    if _is_animation(spec.name):
        animation = animate_compare(data, title=title, fps=spec.fps)
        return _raster(spec.name, animation, [compare_status(data, i) for i in data.snapshots], spec.fps) | _results(numbers)
    return {spec.name: draw_compare_still(data, title=title)} | _results(numbers)


def classification_title(spec: ClassificationSpec) -> str:
    """E.g. ``"4 hidden ReLU neurons on xor"``, ``"Logistic regression on circle"``; always short enough to fit."""
    if not spec.hidden:
        return f"Logistic regression on {spec.dataset}" if spec.loss == "cross_entropy" else f"Linear model on {spec.dataset}"
    wordings = _network_wordings(spec.hidden, spec.activations, widths=False)
    return style.first_fitting_title(*(f"{words} on {spec.dataset}" for words in wordings))


def _network_wordings(hidden: tuple[int, ...], activations: tuple[str, ...], *, widths: bool = True) -> tuple[str, ...]:
    """Ways to say what the hidden layers are, most detailed first: titles take the first that fits.

    Without ``widths``, deeper networks are not described by their layers' widths.
    """
    names = [ACTIVATION_NAMES[a] for a in activations]
    if len(hidden) == 1:
        return (f"{hidden[0]} hidden {names[0]} neuron{'' if hidden[0] == 1 else 's'}",)
    layers = f"{len(hidden)} hidden layers"
    if len(set(names)) > 1:
        kinds = list(dict.fromkeys(names))
        return (f"{layers} of {'/'.join(kinds)} neurons", f"{layers}, {len(kinds)} activations")
    name = names[0]
    if not widths:
        return (f"{layers} of {name} neurons",)
    if len(set(hidden)) == 1:
        return (f"{layers} of {hidden[0]} {name} neurons", f"{layers} of {name} neurons")
    listed = ", ".join(str(w) for w in hidden[:-1]) + f" and {hidden[-1]}"
    return (f"Hidden layers of {listed} {name} neurons", f"{layers} of {name} neurons")


def _activation_plot(spec: ActivationPlotSpec) -> bytes:
    """The activation and its derivative over ``spec.interval``, as a PNG."""
    activation = get_activation(spec.activation, leak=spec.leak)
    x = np.linspace(*spec.interval, ACTIVATION_PLOT_POINTS)  # (G,)
    return draw_activation_plot(
        x, activation(x), activation.derivative(x),
        title=activation_title(spec), formula_label=activation_formula(spec),
    )


def _training_figure(spec: TrainingSpec) -> dict[str, bytes]:
    """Train as ``spec`` says; draw the run as a GIF and its poster (``.gif``) or its final fit (``.png``)."""
    animated = _is_animation(spec.name)
    result = run_training(spec, spread_motion=animated)
    numbers = _results({"final_loss": result.final_loss, "dead_neurons": result.dead_neurons, "steps": spec.steps})
    if animated:
        title = training_title(spec)
        files = _with_poster(spec.name, animate_training(result, title=title, fps=spec.fps))
        return files | {frames_name(spec.name): training_frames(result, name=spec.name, title=title, fps=spec.fps)} | numbers
    return {spec.name: draw_training_still(result, title=training_title(spec))} | numbers


def _neurons_figure(spec: NeuronsSpec) -> dict[str, bytes]:
    """Train as ``spec.training`` says; draw each hidden neuron's share over training or at its end."""
    animated = _is_animation(spec.name)
    result = run_training(spec.training, spread_motion=animated)
    numbers = _results({"final_loss": result.final_loss, "dead_neurons": result.dead_neurons, "steps": spec.training.steps})
    if animated:
        title, fps = neurons_title(spec), spec.training.fps
        files = _with_poster(spec.name, animate_neurons(result, title=title, fps=fps))
        return files | {frames_name(spec.name): neurons_frames(result, name=spec.name, title=title, fps=fps)} | numbers
    return {spec.name: draw_neurons_still(result, title=neurons_title(spec))} | numbers


def _is_animation(name: str) -> bool:
    """True for ``.gif``, False for ``.png``; ValueError for anything else."""
    extension = name.rsplit(".", 1)[-1].lower()
    if extension not in ("gif", "png"):
        raise ValueError(f"figure name {name!r} must end in .gif or .png")
    return extension == "gif"


def _with_poster(name: str, animation: Animation) -> dict[str, bytes]:
    return {name: animation.gif, poster_name(name): animation.poster}


def activation_title(spec: ActivationPlotSpec) -> str:
    """E.g. ``"ReLU"`` or ``"Leaky ReLU (slope 0.1)"``."""
    name = ACTIVATION_NAMES[spec.activation]
    title = name[0].upper() + name[1:]
    return f"{title} (slope {spec.leak:g})" if spec.activation == "leaky_relu" else title


def activation_formula(spec: ActivationPlotSpec) -> str:
    """The activation's definition in mathtext, for the legend, in the article's variable ``z`` (a neuron's input)."""
    formulas = {
        "sigmoid": r"$\sigma(z) = 1\,/\,(1 + e^{-z})$",
        "tanh": r"$\tanh(z)$",
        "relu": r"$\mathrm{ReLU}(z) = \max(0,\, z)$",
        "leaky_relu": rf"$\max({spec.leak:g}z,\, z)$",
        "elu": r"$z$ if $z > 0$, else $e^{z} - 1$",
        "gelu": r"$z\,\Phi(z)$",
    }
    return formulas[spec.activation]


def training_title(spec: TrainingSpec) -> str:
    """What was trained, e.g. ``"Linear model"``, ``"1 hidden ReLU neuron"``, short enough to fit the figure.

    Deeper networks list their widths when that fits: ``"Hidden layers of 4
    and 8 tanh neurons"``, ``"4 hidden layers of 16 sigmoid neurons"``, else
    ``"4 hidden layers of sigmoid neurons"`` (the caption says the rest).
    """
    if not spec.hidden:
        return "Linear model"
    return style.first_fitting_title(*_network_wordings(spec.hidden, spec.activations))


def neurons_title(spec: NeuronsSpec) -> str:
    """E.g. ``"2 hidden ReLU neurons and their sum"``, ``"1 hidden tanh neuron and the bias"``."""
    what = training_title(spec.training)
    ending = " and the bias" if spec.training.hidden == (1,) else " and their sum"
    return style.first_fitting_title(what + ending, what)
