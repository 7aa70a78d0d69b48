"""From a figure spec to the figure's bytes: run the experiment, then draw it.

:func:`produce_figure` is the one entry point the build calls, once per
declared figure and often in a worker process, so it is a module-level
function of a frozen (picklable) spec. This module is the only place where
experiments and drawing meet: the drawing code sees arrays and results,
never networks.
"""

from __future__ import annotations

import numpy as np

from site_builder.experiments.specs import (
    ActivationPlotSpec,
    FigureSpec,
    NeuronsSpec,
    TrainingSpec,
    frames_name,
    poster_name,
)
from site_builder.experiments.training import run_training
from site_builder.experiments.figures.animation import (
    Animation,
    animate_training,
    draw_training_still,
)
from site_builder.experiments.figures.frames import neurons_frames, training_frames
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
    raise TypeError(f"not a figure spec: {spec!r}")


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
    result = run_training(spec)
    if animated:
        title = training_title(spec)
        files = _with_poster(spec.name, animate_training(result, title=title, fps=spec.fps))
        return files | {frames_name(spec.name): training_frames(result, name=spec.name, title=title, fps=spec.fps)}
    return {spec.name: draw_training_still(result, title=training_title(spec))}


def _neurons_figure(spec: NeuronsSpec) -> dict[str, bytes]:
    """Train as ``spec.training`` says; draw each hidden neuron's share over training or at its end."""
    animated = _is_animation(spec.name)
    result = run_training(spec.training)
    if animated:
        title, fps = neurons_title(spec), spec.training.fps
        files = _with_poster(spec.name, animate_neurons(result, title=title, fps=fps))
        return files | {frames_name(spec.name): neurons_frames(result, name=spec.name, title=title, fps=fps)}
    return {spec.name: draw_neurons_still(result, title=neurons_title(spec))}


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
    """The activation's definition in mathtext, for the legend."""
    formulas = {
        "sigmoid": r"$\sigma(x) = 1\,/\,(1 + e^{-x})$",
        "tanh": r"$\tanh(x)$",
        "relu": r"$\mathrm{ReLU}(x) = \max(0,\, x)$",
        "leaky_relu": rf"$\max({spec.leak:g}x,\, x)$",
    }
    return formulas[spec.activation]


def training_title(spec: TrainingSpec) -> str:
    """What was trained, e.g. ``"Linear model"``, ``"1 hidden ReLU neuron"``.

    Deeper networks list their widths: ``"Hidden layers of 4 and 8 tanh neurons"``.
    """
    if not spec.hidden:
        return "Linear model"
    name = ACTIVATION_NAMES[spec.activation]
    if len(spec.hidden) == 1:
        width = spec.hidden[0]
        return f"{width} hidden {name} neuron{'' if width == 1 else 's'}"
    widths = ", ".join(str(w) for w in spec.hidden[:-1]) + f" and {spec.hidden[-1]}"
    return f"Hidden layers of {widths} {name} neurons"


def neurons_title(spec: NeuronsSpec) -> str:
    """E.g. ``"2 hidden ReLU neurons and their sum"``, ``"1 hidden tanh neuron and the bias"``."""
    what = training_title(spec.training)
    return f"{what} and the bias" if spec.training.hidden == (1,) else f"{what} and their sum"
