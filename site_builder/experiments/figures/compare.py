"""Several training runs on one axis: their loss over the steps, or their fits against the target.

Each run gets its own colour and marker (the palette, then dashes), and the
legend names only what differs between them ("lr 0.2, seed 1"). In an
animation the loss curves grow step by step, or the fits move, together.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text

from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import Animation, SceneBuilder, animate, draw_still, fixed_y_limits
from site_builder.experiments.figures.runs import CompareRun, Snapshot

RUN_COLOURS = (style.VERMILLION, style.BLUISH_GREEN, style.REDDISH_PURPLE, style.ORANGE, style.BLUE, style.INK, style.MUTED_INK, style.SKY)
RUN_DASHES = ("-", (0, (4.0, 2.0)), (0, (1.5, 1.5)), (0, (6.0, 2.0, 1.5, 2.0)))


@dataclass(frozen=True)
class CompareFigure:
    runs: tuple[CompareRun, ...]
    show: str  # "loss", "fit" or "dead"
    snapshots: tuple[int, ...]  # frame indices into each run's snapshots


def compare_figure(runs: tuple[CompareRun, ...], show: str) -> CompareFigure:
    return CompareFigure(runs, show, tuple(range(min(len(r.result.snapshots) for r in runs))))


def draw_compare_still(data: CompareFigure, *, title: str) -> bytes:
    """The end of every run: whole loss curves, or the final fits (their y limits fit the end alone)."""
    return draw_still(data, _scene(title))  # type: ignore[arg-type]


def animate_compare(data: CompareFigure, *, title: str, fps: int) -> Animation:
    return animate(data, _scene(title), fps=fps)  # type: ignore[arg-type]


def compare_status(data: CompareFigure, index: int) -> str:
    return f"step {data.runs[0].result.snapshots[index].step}"


@dataclass(frozen=True)
class CompareScene:
    data: CompareFigure
    lines: tuple[Line2D, ...]
    status: Text

    def show(self, index: int) -> None:
        for line, run in zip(self.lines, self.data.runs):
            snapshots = run.result.snapshots
            if self.data.show in ("loss", "dead"):
                line.set_data([s.step for s in snapshots[: index + 1]], [_curve_value(self.data.show, run, s) for s in snapshots[: index + 1]])
            else:
                line.set_ydata(snapshots[index].prediction)
        self.status.set_text(compare_status(self.data, index))

    def moving_artists(self) -> tuple[Artist, ...]:
        return (*self.lines, self.status)


def _scene(title: str) -> SceneBuilder:
    return lambda canvas, data: build_compare_scene(canvas, data, title)  # type: ignore[arg-type, return-value]


def build_compare_scene(canvas: FigureCanvasAgg, data: CompareFigure, title: str) -> CompareScene:
    figure = canvas.figure
    layout = style.LEGEND_BELOW
    left, bottom, width, height = layout.axes_rect
    # Room on the left for the y label, below for the x label, and on the right for half of a step tick ("10000").
    axes = style.add_titled_axes(figure, title, style.Layout((left + 0.02, bottom + 0.07, width - 0.05, height - 0.07), layout.legend_loc, layout.legend_anchor))
    first = data.runs[0].result
    lines = []
    if data.show == "fit":
        axes.plot(first.grid_x, first.target_y, label="target", **style.TARGET.kwargs())
        axes.plot(first.train_x, first.train_y, **style.TRAINING_POINTS.kwargs())
    for i, run in enumerate(data.runs):
        look = {"color": RUN_COLOURS[i % len(RUN_COLOURS)], "linestyle": RUN_DASHES[(i // len(RUN_COLOURS)) % len(RUN_DASHES)], "linewidth": 2.2, "label": run.label, "zorder": 3}
        if data.show == "fit":
            (line,) = axes.plot(run.result.grid_x, run.result.snapshots[0].prediction, **look)
        else:
            (line,) = axes.plot([run.result.snapshots[0].step], [_curve_value(data.show, run, run.result.snapshots[0])], **look)
        lines.append(line)
    if data.show == "fit":
        everything = np.concatenate([r.result.snapshots[i].prediction for r in data.runs for i in data.snapshots])  # the shown moments only
        axes.set_xlim(float(first.grid_x[0]), float(first.grid_x[-1]))
        axes.set_ylim(*fixed_y_limits(np.concatenate([first.target_y, first.train_y]), everything))
        axes.set_xlabel("x")
        style.draw_zero_lines(axes)
    elif data.show == "dead":
        axes.set_ylim(-3, 103)
        axes.set_xlim(0, max(r.result.snapshots[-1].step for r in data.runs))
        axes.set_xlabel("step")
        axes.set_ylabel("dead ReLU neurons (%)")
    else:
        losses = np.array([s.loss for r in data.runs for s in r.result.snapshots])
        positive = losses[np.isfinite(losses) & (losses > 0)]
        axes.set_yscale("log")
        if positive.size:
            axes.set_ylim(positive.min() / 2, positive.max() * 2)
        axes.set_xlim(0, max(r.result.snapshots[-1].step for r in data.runs))
        axes.set_xlabel("step")
        axes.set_ylabel("training loss (MSE)")
    style.add_fitting_legend(figure, axes, layout)
    status = style.add_status_text(figure)
    scene = CompareScene(data, tuple(lines), status)
    for artist in scene.moving_artists():
        artist.set_animated(True)
    return scene


def _curve_value(show: str, run: CompareRun, snapshot: Snapshot) -> float:
    """What a curve plots at ``snapshot``: the loss, or the percentage of the run's hidden units that are dead."""
    if show == "loss":
        return snapshot.loss
    return 100.0 * (snapshot.dead or 0) / max(run.result.hidden_units, 1)
