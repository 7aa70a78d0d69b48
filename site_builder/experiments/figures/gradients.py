"""The gradient reaching each layer of a deep network, one line per activation, on a log scale.

The x axis is the hidden layer, first (next to the input) to last; the y axis
the norm of the loss's gradient with respect to that layer's weights. A
faint line keeps the start of training in view while the solid one moves
(or, in a still, shows the end). With ``dead``, a second plot below gives the
fraction of each layer's ReLU neurons that are off on every training point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import LogLocator, NullFormatter

from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import Animation, SceneBuilder, animate, draw_still
from site_builder.experiments.figures.runs import GradientRun

RUN_COLOURS = (style.BLUE, style.VERMILLION, style.BLUISH_GREEN, style.REDDISH_PURPLE, style.ORANGE, style.INK, style.MUTED_INK, style.SKY)
RUN_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


@dataclass(frozen=True)
class GradientFigure:
    """Every run of a gradients figure; ``snapshots`` are frame indices into each run's snapshots."""

    runs: tuple[GradientRun, ...]
    names: tuple[str, ...]  # each run's activation as the legend names it
    dead: bool
    snapshots: tuple[int, ...]


def gradient_figure(runs: tuple[GradientRun, ...], names: tuple[str, ...], dead: bool) -> GradientFigure:
    return GradientFigure(runs, names, dead, tuple(range(len(runs[0].snapshots))))


def draw_gradients_still(figure_data: GradientFigure, *, title: str) -> bytes:
    return draw_still(figure_data, _scene(title))  # type: ignore[arg-type]


def animate_gradients(figure_data: GradientFigure, *, title: str, fps: int) -> Animation:
    return animate(figure_data, _scene(title), fps=fps)  # type: ignore[arg-type]


def gradients_status(figure_data: GradientFigure, index: int) -> str:
    return f"step {figure_data.runs[0].snapshots[index].step}"


@dataclass(frozen=True)
class GradientScene:
    data: GradientFigure
    lines: tuple[Line2D, ...]
    dead_lines: tuple[tuple[Line2D, int], ...]  # the line, and the run it belongs to
    status: Text

    def show(self, index: int) -> None:
        for line, run in zip(self.lines, self.data.runs):
            line.set_ydata(run.snapshots[index].norms)
        for line, run in self.dead_lines:
            line.set_ydata(self.data.runs[run].snapshots[index].dead)
        self.status.set_text(gradients_status(self.data, index))

    def moving_artists(self) -> tuple[Artist, ...]:
        return (*self.lines, *(line for line, _ in self.dead_lines), self.status)


def _scene(title: str) -> SceneBuilder:
    return lambda canvas, data: build_gradient_scene(canvas, data, title)  # type: ignore[arg-type, return-value]


def build_gradient_scene(canvas: FigureCanvasAgg, data: GradientFigure, title: str) -> GradientScene:
    figure = canvas.figure
    has_dead = data.dead and any(np.isfinite(s.dead).any() for run in data.runs for s in run.snapshots)
    rect = (0.14, 0.46, 0.83, 0.36) if has_dead else (0.14, 0.235, 0.83, 0.58)
    axes = style.add_titled_axes(figure, title, style.Layout(rect, style.LEGEND_BELOW.legend_loc, style.LEGEND_BELOW.legend_anchor))
    layers = np.arange(1, len(data.runs[0].snapshots[0].norms) + 1)
    lines = []
    everything = np.concatenate([s.norms for run in data.runs for s in run.snapshots])
    for i, (run, name) in enumerate(zip(data.runs, data.names)):
        colour, marker = RUN_COLOURS[i % len(RUN_COLOURS)], RUN_MARKERS[i % len(RUN_MARKERS)]
        axes.plot(layers, run.snapshots[0].norms, color=colour, linewidth=1.2, alpha=0.35, marker=marker, markersize=3)  # the start, faint
        (line,) = axes.plot(layers, data.runs[i].snapshots[0].norms, color=colour, linewidth=2.5, marker=marker, markersize=6, label=name)
        lines.append(line)
    axes.set_yscale("log")
    positive = everything[np.isfinite(everything) & (everything > 0)]
    if positive.size:
        axes.set_ylim(positive.min() / 3, positive.max() * 3)
    axes.yaxis.set_major_locator(LogLocator(base=10, numticks=6))
    axes.yaxis.set_minor_formatter(NullFormatter())
    axes.set_xticks(layers)
    axes.set_xlim(0.6, layers[-1] + 0.4)
    axes.set_ylabel("gradient norm")
    dead_lines: list[tuple[Line2D, int]] = []
    if has_dead:
        dead_axes = figure.add_axes((0.14, 0.215, 0.83, 0.15), sharex=axes)
        for i, run in enumerate(data.runs):
            if np.isfinite(run.snapshots[0].dead).any():
                (line,) = dead_axes.plot(layers, run.snapshots[0].dead, color=RUN_COLOURS[i % len(RUN_COLOURS)], linewidth=2, marker=RUN_MARKERS[i % len(RUN_MARKERS)], markersize=5)
                dead_lines.append((line, i))
        dead_axes.set_ylim(-0.05, 1.05)
        dead_axes.set_yticks([0, 0.5, 1], ["0", "½", "1"])
        dead_axes.set_ylabel("dead", fontsize=style.TICK_SIZE)
        dead_axes.set_xlabel("hidden layer (1 is next to the input)")
        axes.tick_params(labelbottom=False)
    else:
        axes.set_xlabel("hidden layer (1 is next to the input)")
    axes.plot([], [], color=style.MUTED_INK, linewidth=1.2, alpha=0.5, label="at step 0")
    style.add_legend(figure, axes, style.LEGEND_BELOW)
    status = style.add_status_text(figure)
    scene = GradientScene(data, tuple(lines), tuple(dead_lines), status)
    for artist in scene.moving_artists():
        artist.set_animated(True)
    return scene
