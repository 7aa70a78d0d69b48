"""What each hidden neuron adds: a one-hidden-layer network's output taken apart.

A network with one hidden layer computes ``y = Σ_i w2_i·act(w1_i·x + b1_i) + b2``.
This figure draws every term of that sum on one plot: each neuron's share
(thin lines), the output bias ``b2`` (a dotted level line), their sum (the
model) and the target. Up to :data:`MAX_NAMED` neurons each get a colour and
dash of their own and a legend entry ("neuron 1" is the one whose share lies
furthest left); more share one colour family, darker further left, and the
legend shows the darkest and the lightest. As an animation over training (with a poster, see
:func:`site_builder.experiments.figures.animation.animate`) or a still of the final state.

The drawing uses the snapshots' ``contributions`` and ``output_bias``, which
training records for one-hidden-layer networks only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex, to_rgb
from matplotlib.lines import Line2D
from matplotlib.text import Text

from site_builder.experiments.figures.runs import Snapshot, TrainingResult
from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import (
    Animation,
    SceneBuilder,
    animate,
    draw_still,
    fixed_y_limits,
    poster_frame,
    status_text,
)

# Neurons: thin lines, thinner than the target and the model, so the sum stays
# what the eye follows. Named ones differ in colour and in dash (for print);
# all have at least 3:1 contrast on white.
NEURON_LIGHT = style.BLUISH_GREEN
NEURON_DARK = "#00513A"
NEURON = style.LineLook(color=NEURON_LIGHT, linewidth=1.6, zorder=2.2)
NAMED_NEURONS = (
    NEURON,
    style.LineLook(color="#A0437F", linestyle=(0, (3.0, 1.6)), linewidth=1.6, zorder=2.2),  # a deeper reddish purple
    style.LineLook(color="#8A5A00", linestyle=(0, (1.0, 1.6)), linewidth=1.8, zorder=2.2),  # a deeper orange
)  # three "neuron N" entries fill a legend row 640 px wide
MAX_NAMED = len(NAMED_NEURONS)
# The output bias: a dotted level line, in the muted ink of secondary text.
BIAS = style.LineLook(color=style.MUTED_INK, linestyle=(0, (0.1, 2.2)), linewidth=2.0, zorder=2.1)
# The neurons' legend entries take a second row: the plot moves up by one.
TWO_ROW_LEGEND = style.Layout(
    axes_rect=(0.125, 0.215, 0.845, 0.60), legend_loc="lower center", legend_anchor=(0.5, 0.01),
)
LEGEND_ROW_HEIGHT = 0.055  # figure fraction between the legend's rows


@dataclass(frozen=True)
class NeuronsScene:
    """The artists of a neurons figure that change from frame to frame."""

    neurons: tuple[Line2D, ...]  # one per hidden unit, in the order of the contributions' columns
    bias: Line2D
    model: Line2D
    status: Text

    def show(self, snapshot: Snapshot) -> None:
        """Point the moving artists at ``snapshot``."""
        contributions, bias = snapshot_parts(snapshot)
        for line, contribution in zip(self.neurons, contributions.T, strict=True):
            line.set_ydata(contribution)
        self.bias.set_ydata([bias, bias])
        self.model.set_ydata(snapshot.prediction)
        self.status.set_text(status_text(snapshot))

    def moving_artists(self) -> tuple[Artist, ...]:
        """The artists to redraw each frame, bottom to top: the pieces under their sum."""
        return (self.bias, *self.neurons, self.model, self.status)


def animate_neurons(result: TrainingResult, *, title: str, fps: int) -> Animation:
    """A looping 640×480 GIF of the neurons over training, and its poster."""
    return animate(result, _neurons_scene(title), fps=fps, poster=poster_frame(result))


def draw_neurons_still(result: TrainingResult, *, title: str) -> bytes:
    """A 2x PNG of the neurons after training, y limits fitted to that state alone."""
    return draw_still(result, _neurons_scene(title))


def _neurons_scene(title: str) -> SceneBuilder:
    return lambda canvas, result: build_neurons_scene(canvas, result, title)


def neurons_layout(result: TrainingResult) -> style.Layout:
    """Where the plot goes: above two legend rows, the second for the neurons (see :func:`legend_rows`)."""
    return TWO_ROW_LEGEND


def legend_rows(result: TrainingResult) -> tuple[tuple[tuple[str, style.LineLook], ...], ...]:
    """The legend, row by row from the top: each entry a label and the look of its line."""
    units = _hidden_units(result)
    if units <= MAX_NAMED:
        named = tuple((f"neuron {i + 1}", NAMED_NEURONS[i]) for i in range(units))  # numbered left to right
        return ((("target", style.TARGET), ("model", style.PREDICTION), ("bias", BIAS)), named)
    shades = (("neuron further left", dataclasses.replace(NEURON, color=NEURON_DARK)), ("further right", NEURON))
    return ((("target", style.TARGET), ("model", style.PREDICTION), ("bias", BIAS)), shades)


def neuron_looks(result: TrainingResult) -> list[style.LineLook]:
    """Each hidden unit's line, in the contributions' column order, ranked left to right by its final share."""
    last, _ = snapshot_parts(result.snapshots[-1])
    rank = _left_to_right(result.grid_x, last)
    if len(rank) <= MAX_NAMED:
        return [NAMED_NEURONS[r] for r in rank]
    return [dataclasses.replace(NEURON, color=colour) for colour in neuron_colours(result.grid_x, last)]


def build_neurons_scene(canvas: FigureCanvasAgg, result: TrainingResult, title: str) -> NeuronsScene:
    """Draw the static parts (title, target, axes, legend); return the moving ones, marked animated."""
    if not result.snapshots:
        raise ValueError("a training result needs at least one snapshot to draw")
    figure = canvas.figure
    layout = neurons_layout(result)
    axes = style.add_titled_axes(figure, title, layout)
    drawn = plot_neurons(axes, result)
    rows = legend_rows(result)
    for row, entries in enumerate(rows):
        handles = [Line2D([], [], **look.kwargs()) for _, look in entries]
        figure.legend(
            handles, [label for label, _ in entries],
            loc=layout.legend_loc, bbox_to_anchor=(layout.legend_anchor[0], layout.legend_anchor[1] + (len(rows) - 1 - row) * LEGEND_ROW_HEIGHT),
            ncols=len(entries), handlelength=2.4, columnspacing=1.6, borderaxespad=0.0, borderpad=0.0,
        )
    status = style.add_status_text(figure)
    scene = NeuronsScene(neurons=drawn.neurons, bias=drawn.bias, model=drawn.model, status=status)
    for artist in scene.moving_artists():
        artist.set_animated(True)
    return scene


@dataclass(frozen=True)
class NeuronArtists:
    """What :func:`plot_neurons` drew: one line per hidden neuron, the output bias and the model."""

    neurons: tuple[Line2D, ...]
    bias: Line2D
    model: Line2D


def plot_neurons(axes: Axes, result: TrainingResult, snapshot: Snapshot | None = None) -> NeuronArtists:
    """The target, each hidden neuron's share of the output, the output bias and their sum, on ``axes``.

    Shows ``snapshot`` (default: the first) of a one-hidden-layer run; the
    neurons' looks (:func:`neuron_looks`) and the y limits come from the
    whole run, so an animation's frames share them. This is the neurons
    figures' plot, and part of the public API (:mod:`site_builder.lab`):
    its lines are labelled "neuron 1", … (or "neurons" for many) for ``lab.add_legend``.
    """
    shown = snapshot if snapshot is not None else result.snapshots[0]
    parts, bias_value = snapshot_parts(shown)
    x = result.grid_x
    axes.plot(x, result.target_y, label="target", **style.TARGET.kwargs())
    looks = neuron_looks(result)
    named = len(looks) <= MAX_NAMED
    order = np.argsort(_left_to_right(x, snapshot_parts(result.snapshots[-1])[0]), kind="stable")  # columns, left to right
    labels = {int(column): (f"neuron {i + 1}" if named else "neurons" if i == 0 else "_nolegend_") for i, column in enumerate(order)}
    neurons = tuple(axes.plot(x, parts[:, i], label=labels[i], **look.kwargs())[0] for i, look in enumerate(looks))
    bias = axes.axhline(bias_value if snapshot is not None else 0.0, label="bias", **BIAS.kwargs())
    (model,) = axes.plot(x, shown.prediction, label="model", **style.PREDICTION.kwargs())
    axes.set_xlim(float(x[0]), float(x[-1]))
    axes.set_ylim(*neurons_y_limits(result))
    style.draw_zero_lines(axes)
    return NeuronArtists(neurons=neurons, bias=bias, model=model)


def _hidden_units(result: TrainingResult) -> int:
    return snapshot_parts(result.snapshots[0])[0].shape[1]


def _left_to_right(x: np.ndarray, contributions: np.ndarray) -> np.ndarray:
    """Each neuron's rank (0 = leftmost) by the mean of ``x`` weighted by the size of its share; a silent one counts as centred."""
    weights = np.abs(contributions)  # (G, H)
    totals = weights.sum(axis=0)  # (H,)
    centres = np.where(totals > 0, (x[:, None] * weights).sum(axis=0) / np.where(totals > 0, totals, 1), x.mean())
    rank = np.empty(len(centres), dtype=int)
    rank[np.argsort(centres, kind="stable")] = np.arange(len(centres))
    return rank


def snapshot_parts(snapshot: Snapshot) -> tuple[np.ndarray, float]:
    """A snapshot's ``(G, H)`` contributions and output bias; ValueError if it has none."""
    if snapshot.contributions is None or snapshot.output_bias is None:
        raise ValueError("a neurons figure needs snapshots with contributions: a network with one hidden layer")
    return snapshot.contributions, snapshot.output_bias


def neuron_colours(x: np.ndarray, contributions: np.ndarray) -> list[str]:
    """One shade per neuron, darkest for the neuron whose share lies furthest left (see :func:`_left_to_right`).

    The shares are the final ones, so the shades end up ordered left to right.
    """
    rank = _left_to_right(x, contributions)
    light, dark = np.array(to_rgb(NEURON_LIGHT)), np.array(to_rgb(NEURON_DARK))
    shares = rank / max(len(rank) - 1, 1)  # 0 = leftmost (dark) .. 1 = rightmost (light)
    return [to_hex(dark + share * (light - dark)) for share in shares]


def neurons_y_limits(result: TrainingResult) -> tuple[float, float]:
    """Fixed y limits for every frame: the target, and the model, neurons and bias as far as sensible."""
    moving = [np.array([s.output_bias for s in result.snapshots], dtype=float)]
    for snapshot in result.snapshots:
        contributions, _ = snapshot_parts(snapshot)
        moving += [snapshot.prediction, contributions.ravel()]
    return fixed_y_limits(np.concatenate([result.target_y, [0.0]]), np.concatenate(moving))
