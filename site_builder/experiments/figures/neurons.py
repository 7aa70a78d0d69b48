"""What each hidden neuron adds: a one-hidden-layer network's output taken apart.

A network with one hidden layer computes ``y = Σ_i w2_i·act(w1_i·x + b1_i) + b2``.
This figure draws every term of that sum on one plot: each neuron's share
(thin lines, one colour family, darker for neurons further left), the output
bias ``b2`` (a dotted level line), their sum (the model, dashed) and the
target. As an animation over training (with a poster, see
:func:`site_builder.experiments.figures.animation.animate`) or a still of the final state.

The drawing uses the snapshots' ``contributions`` and ``output_bias``, which
training records for one-hidden-layer networks only.
"""

from __future__ import annotations

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
    status_text,
)

# Neurons: thin solid lines, the Okabe–Ito bluish green darkening to a deep teal
# (contrast on white from 3.3:1 to 9:1). Thinner than the target and the model,
# so the sum stays what the eye follows; solid, so they differ from both in print.
NEURON_LIGHT = style.BLUISH_GREEN
NEURON_DARK = "#00513A"
NEURON = style.LineLook(color=NEURON_LIGHT, linewidth=1.6, zorder=2.2)
# The output bias: a dotted level line, in the muted ink of secondary text.
BIAS = style.LineLook(color=style.MUTED_INK, linestyle=(0, (0.1, 2.2)), linewidth=2.0, zorder=2.1)


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
    return animate(result, _neurons_scene(title), fps=fps)


def draw_neurons_still(result: TrainingResult, *, title: str) -> bytes:
    """A 2x PNG of the neurons after training, y limits fitted to that state alone."""
    return draw_still(result, _neurons_scene(title))


def _neurons_scene(title: str) -> SceneBuilder:
    return lambda canvas, result: build_neurons_scene(canvas, result, title)


def build_neurons_scene(canvas: FigureCanvasAgg, result: TrainingResult, title: str) -> NeuronsScene:
    """Draw the static parts (title, target, axes, legend); return the moving ones, marked animated."""
    if not result.snapshots:
        raise ValueError("a training result needs at least one snapshot to draw")
    figure = canvas.figure
    layout = style.LEGEND_BELOW
    axes = style.add_titled_axes(figure, title, layout)
    drawn = plot_neurons(axes, result)
    style.add_legend(figure, axes, layout)
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
    neurons' shades, darkest furthest left, and the y limits come from the
    whole run, so an animation's frames share them. This is the neurons
    figures' plot, and part of the public API (:mod:`site_builder.lab`).
    """
    shown = snapshot if snapshot is not None else result.snapshots[0]
    parts, bias_value = snapshot_parts(shown)
    last, _ = snapshot_parts(result.snapshots[-1])
    x = result.grid_x
    axes.plot(x, result.target_y, label="target", **style.TARGET.kwargs())
    colours = neuron_colours(x, last)
    neurons = tuple(
        axes.plot(x, parts[:, i], label="neurons" if i == 0 else "_nolegend_", **NEURON.kwargs() | {"color": colour})[0]
        for i, colour in enumerate(colours)
    )
    bias = axes.axhline(bias_value if snapshot is not None else 0.0, label="bias", **BIAS.kwargs())
    (model,) = axes.plot(x, shown.prediction, label="model", **style.PREDICTION.kwargs())
    axes.set_xlim(float(x[0]), float(x[-1]))
    axes.set_ylim(*neurons_y_limits(result))
    style.draw_zero_lines(axes)
    return NeuronArtists(neurons=neurons, bias=bias, model=model)


def snapshot_parts(snapshot: Snapshot) -> tuple[np.ndarray, float]:
    """A snapshot's ``(G, H)`` contributions and output bias; ValueError if it has none."""
    if snapshot.contributions is None or snapshot.output_bias is None:
        raise ValueError("a neurons figure needs snapshots with contributions: a network with one hidden layer")
    return snapshot.contributions, snapshot.output_bias


def neuron_colours(x: np.ndarray, contributions: np.ndarray) -> list[str]:
    """One shade per neuron, darkest for the neuron whose share lies furthest left.

    Where a neuron "lies" is the mean of ``x`` weighted by the size of its
    share (the final one, so the shades end up ordered left to right); a
    neuron that contributes nothing counts as centred.
    """
    weights = np.abs(contributions)  # (G, H)
    totals = weights.sum(axis=0)  # (H,)
    centres = np.where(totals > 0, (x[:, None] * weights).sum(axis=0) / np.where(totals > 0, totals, 1), x.mean())
    rank = np.empty(len(centres), dtype=int)
    rank[np.argsort(centres, kind="stable")] = np.arange(len(centres))
    light, dark = np.array(to_rgb(NEURON_LIGHT)), np.array(to_rgb(NEURON_DARK))
    shares = rank / max(len(centres) - 1, 1)  # 0 = leftmost (dark) .. 1 = rightmost (light)
    return [to_hex(dark + share * (light - dark)) for share in shares]


def neurons_y_limits(result: TrainingResult) -> tuple[float, float]:
    """Fixed y limits for every frame: the target, and the model, neurons and bias as far as sensible."""
    moving = [np.array([s.output_bias for s in result.snapshots], dtype=float)]
    for snapshot in result.snapshots:
        contributions, _ = snapshot_parts(snapshot)
        moving += [snapshot.prediction, contributions.ravel()]
    return fixed_y_limits(np.concatenate([result.target_y, [0.0]]), np.concatenate(moving))
