"""A classifier's decision regions, as a still or forming over training; and, for ``view: neurons``, each
hidden neuron's output over the plane beside them, as TensorFlow Playground's neuron thumbnails.

The regions are drawn as the mix of the classes' colours each point of the
plane would be given, weighted by the predicted probabilities and lightened,
so a confident region is a clear pastel and the boundary a pale blend; the
points keep the classes' full colours, training points filled, test points
hollow. Same scene machinery as the other animations (:mod:`.animation`): the
axes and legend are drawn once, the image, the points and the status line
each frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.image import AxesImage
from matplotlib.lines import Line2D
from matplotlib.text import Text

from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import Animation, SceneBuilder, animate, draw_still
from site_builder.experiments.figures.runs import ClassifierResult, ClassifierSnapshot

CLASS_COLOURS = (style.BLUE, style.VERMILLION, style.BLUISH_GREEN, style.REDDISH_PURPLE)
LIGHTEN = 0.62  # how far region colours are blended towards white
NEURON_CMAP = "RdBu_r"
MAX_THUMBNAIL_ROWS = 8  # neurons shown per layer


def draw_classifier_still(result: ClassifierResult, *, title: str, neurons: bool = False) -> bytes:
    """A 2x PNG of the regions at the end of training."""
    return draw_still(result, _scene(title, neurons))  # type: ignore[arg-type]


def animate_classifier(result: ClassifierResult, *, title: str, fps: int, neurons: bool = False) -> Animation:
    """The regions forming, one frame per snapshot, and the poster."""
    return animate(result, _scene(title, neurons), fps=fps)  # type: ignore[arg-type]


def classifier_status(snapshot: ClassifierSnapshot) -> str:
    """``step 250   loss 0.1234   train 97%   test 95%``."""
    test = "" if snapshot.test_accuracy is None else f"   test {snapshot.test_accuracy:.0%}"
    return f"step {snapshot.step}   loss {_loss_text(snapshot.loss)}   train {snapshot.train_accuracy:.0%}{test}"


def _loss_text(loss: float) -> str:
    return f"{loss:.1e}" if loss != 0 and not 1e-4 <= abs(loss) < 1e4 else f"{loss:.4f}"


def region_colours(probabilities: np.ndarray) -> np.ndarray:
    """``(R, R, K)`` probabilities -> ``(R, R, 3)`` colours: the classes' colours mixed by probability, lightened."""
    palette = np.array([to_rgb(c) for c in CLASS_COLOURS[: probabilities.shape[2]]])  # (K, 3)
    light = palette + (1.0 - palette) * LIGHTEN
    return np.clip(probabilities @ light, 0.0, 1.0)


@dataclass(frozen=True)
class ClassifierScene:
    regions: AxesImage
    points: tuple[Line2D, ...]
    status: Text
    thumbnails: tuple[tuple[AxesImage, int, int], ...]  # image, layer, neuron

    def show(self, snapshot: ClassifierSnapshot) -> None:
        self.regions.set_data(region_colours(snapshot.probabilities))
        self.status.set_text(classifier_status(snapshot))
        for image, layer, neuron in self.thumbnails:
            image.set_data(snapshot.neurons[layer][..., neuron])

    def moving_artists(self) -> tuple[Artist, ...]:
        return (self.regions, *self.points, *(image for image, _, _ in self.thumbnails), self.status)


def _scene(title: str, neurons: bool) -> SceneBuilder:
    return lambda canvas, result: build_classifier_scene(canvas, result, title, neurons)  # type: ignore[arg-type, return-value]


def build_classifier_scene(canvas: FigureCanvasAgg, result: ClassifierResult, title: str, neurons: bool) -> ClassifierScene:
    """Draw the static parts; return the moving ones (the regions, the points above them, the status), marked animated."""
    figure = canvas.figure
    layout = style.LEGEND_BELOW
    if neurons and result.snapshots[0].neurons:
        layout = style.Layout((0.08, 0.165, 0.5, 0.65), layout.legend_loc, layout.legend_anchor)
    axes = style.add_titled_axes(figure, title, layout)
    x0, x1, y0, y1 = result.extent
    first = result.snapshots[0]
    regions = axes.imshow(region_colours(first.probabilities), origin="lower", extent=result.extent, interpolation="bilinear", zorder=0)
    axes.set_xlim(x0, x1)
    axes.set_ylim(y0, y1)
    axes.set_aspect("equal")
    axes.grid(False)
    points = _points(axes, result)
    style.add_fitting_legend(figure, axes, layout)
    status = style.add_status_text(figure)
    thumbnails = _thumbnails(figure, result) if neurons else ()
    scene = ClassifierScene(regions, points, status, thumbnails)
    for artist in scene.moving_artists():
        artist.set_animated(True)
    return scene


def _points(axes: Axes, result: ClassifierResult) -> tuple[Line2D, ...]:
    """Training points filled, test points hollow, in each class's colour; one legend entry for each style."""
    drawn = []
    for c in range(result.classes):
        colour = CLASS_COLOURS[c]
        train = result.train_x[result.train_y == c]
        test = result.test_x[result.test_y == c]
        (filled,) = axes.plot(train[:, 0], train[:, 1], linestyle="None", marker="o", markersize=4.2, color=colour,
                              markeredgecolor=style.BACKGROUND, markeredgewidth=0.6, label=f"class {c + 1}", zorder=3)
        (hollow,) = axes.plot(test[:, 0], test[:, 1], linestyle="None", marker="o", markersize=4.2, markerfacecolor="none",
                              color=colour, markeredgewidth=1.3, label="_nolegend_", zorder=3)
        drawn += [filled, hollow]
    if len(result.test_y):
        axes.plot([], [], linestyle="None", marker="o", markersize=4.2, markerfacecolor="none", color=style.INK, label="test (hollow)")
    return tuple(drawn)


def _thumbnails(figure, result: ClassifierResult) -> tuple[tuple[AxesImage, int, int], ...]:  # type: ignore[no-untyped-def]
    """A column per hidden layer (at most four), a square image per neuron (at most eight per layer).

    White is an output of 0; ink is the neuron's largest output over the run, and
    a neuron whose outputs go negative (tanh, say) shows those in blue.
    """
    layers: Sequence[np.ndarray] = result.snapshots[0].neurons
    rows = min(MAX_THUMBNAIL_ROWS, max(outputs.shape[2] for outputs in layers))
    left, right, top, bottom = 0.63, 0.985, 0.79, 0.165
    width = (right - left) / len(layers)
    pitch = (top - bottom) / rows  # figure-height fraction per row
    side = min(pitch * 0.88, width * 0.88 * 4 / 3)  # a square, in pixels: the figure is 4:3
    images = []
    for layer, outputs in enumerate(layers):
        for neuron in range(min(outputs.shape[2], rows)):
            y = top - (neuron + 1) * pitch
            thumb = figure.add_axes((left + layer * width, y, side * 0.75, side))
            values = [snapshot.neurons[layer][..., neuron] for snapshot in result.snapshots]
            high = max(float(v.max()) for v in values) or 1.0
            low = min(float(v.min()) for v in values)
            scale = max(high, -low)
            cmap, vmin = ("RdBu_r", -scale) if low < -1e-6 * scale else ("Greys", 0.0)
            image = thumb.imshow(outputs[..., neuron], origin="lower", cmap=cmap, vmin=vmin, vmax=scale, interpolation="bilinear")
            thumb.set_xticks([])
            thumb.set_yticks([])
            thumb.grid(False)
            images.append((image, layer, neuron))
        figure.text(left + layer * width, top + 0.012, f"layer {layer + 1}", fontsize=style.TICK_SIZE - 2, color=style.MUTED_INK)
    return tuple(images)
