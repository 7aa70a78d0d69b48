"""The public API for figures of your own: the built-in figures' network, trainer and look, in one place.

A ``kind: python`` figure is drawn by a function of yours, ``make(params, rng)``,
in a script beside the article (or in the project's ``experiments/`` folder).
Everything it needs to look like the built-in figures is importable from here,
and the built-in kinds are made of these same functions::

    from site_builder.lab import add_legend, fit, new_figure, plot_fit

    def make(params, rng):
        run = fit("x**2", hidden=[params["width"]], steps=1000, lr=0.2, seed=int(rng.integers(2**31)))
        figure, axes = new_figure(f"{params['width']} hidden ReLU neurons")
        plot_fit(axes, run, run.snapshots[-1])
        add_legend(axes)
        return figure

For a ``.png``, return the Figure; for a ``.gif``, return (or yield) its
frames: Figures, ``(H, W, 3)`` uint8 arrays, or :class:`Frame` (a picture and
the label the page's player shows for it). To let the article's text quote what
the run measured, return ``Measured(figure, {"pieces": 17})`` instead: the text
reads it as ``{{ figure("name.png").pieces }}``.

What is here, and kept stable:

* the network (:mod:`site_builder.experiments.nn`): :class:`MLP`, :class:`Dense`,
  :func:`init_mlp`, :func:`get_activation`, :data:`ACTIVATION_NAMES`,
  :func:`hidden_contributions`; the loss :func:`mse` and :func:`mse_and_grad`;
  the trainer :func:`train`, whose ``on_step(step, model)`` callback sees every
  state, and :func:`batch_indices`; :class:`TrainingDiverged`;
* :func:`fit`: the run a ``training`` figure makes, from the same parameters,
  as a :class:`TrainingResult` of :class:`Snapshot` values (arrays only);
  :func:`make_figure`: any declared figure's file and measured numbers;
* :class:`Measured`: what ``make`` returns to let the text quote its own numbers;
* the look: :func:`new_figure` (640×480, the site's fonts, palette and
  title), :func:`add_legend`, :func:`plot_fit` (the training figures' plot),
  :func:`plot_neurons` (each hidden neuron's share), :func:`status_text` ("step
  250   MSE 0.0123"), and :mod:`style` (colours such as ``style.BLUE``,
  line looks such as ``style.TARGET``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from matplotlib.axes import Axes

from site_builder.experiments.custom.results import Frame, Measured
from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import plot_fit, status_text
from site_builder.experiments.figures.neurons import plot_neurons
from site_builder.experiments.figures.runs import Snapshot, TrainingResult
from site_builder.experiments.figures.style import new_figure
from site_builder.experiments.nn import (
    ACTIVATION_NAMES,
    MLP,
    Activation,
    Dense,
    OnStep,
    TrainingDiverged,
    batch_indices,
    get_activation,
    hidden_contributions,
    init_mlp,
    mse,
    mse_and_grad,
    train,
)
from site_builder.experiments.training import fit

__all__ = [
    "ACTIVATION_NAMES", "MLP", "Activation", "Dense", "Frame", "Measured", "OnStep", "Snapshot", "TrainingDiverged",
    "DeclaredFigure", "TrainingResult", "add_legend", "batch_indices", "fit", "make_figure", "get_activation", "hidden_contributions", "init_mlp",
    "mse", "mse_and_grad", "new_figure", "plot_fit", "plot_neurons", "status_text", "style", "train",
]


@dataclass(frozen=True)
class DeclaredFigure:
    """What a declared figure makes: its file's bytes (PNG or GIF) and its measured numbers."""

    data: bytes
    numbers: dict

    def _repr_png_(self) -> bytes | None:  # Jupyter shows it as the picture it is
        return self.data if self.data[:4] == b"\x89PNG" else None


def make_figure(name: str, **declaration: object) -> DeclaredFigure:
    """Make the figure ``name`` as the build would from this declaration (``kind=...`` and its parameters).

    ``make_figure("xor.png", kind="classification", dataset="xor", hidden=[4])``:
    the same experiment, the same bytes, and the numbers the article can quote
    (``final_loss``, ``test_accuracy``...). Raises ValueError listing every
    invalid parameter. Notebooks call this for the kinds they cannot redo in
    plain numpy.
    """
    from site_builder.experiments.produce import produce_figure
    from site_builder.experiments.specs import RESULTS_FILE, parse_figure

    spec, issues = parse_figure(name, declaration)
    if issues or spec is None:
        raise ValueError("; ".join(issue.message for issue in issues))
    files = produce_figure(spec)
    numbers = json.loads(files.get(RESULTS_FILE, b"{}"))
    return DeclaredFigure(files[name], numbers)


def add_legend(axes: Axes, *, below: bool = False) -> None:
    """The legend of ``axes``' labelled lines, in one row outside the plot as the built-in figures have it:
    above, or ``below`` (for a figure with a status line). When one row would not fit across the
    figure, the legend goes inside the plot instead, where it covers the least data."""
    style.add_fitting_legend(axes.figure, axes, style.LEGEND_BELOW if below else style.LEGEND_ABOVE)  # type: ignore[arg-type]
