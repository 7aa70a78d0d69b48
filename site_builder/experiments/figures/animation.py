"""A training run drawn as a looping GIF with a poster frame, or as a still of its final fit.

A figure of a training run is a *scene*: static artists drawn once, and
moving artists that ``scene.show(snapshot)`` points at one moment of
training. :func:`animate` builds the scene once; each frame restores the
rendered static background and draws only what moves (blitting), which is
several times faster than redrawing the whole figure per frame. Its poster
is one frame as a PNG: the last, or the one the caller names as representative. :func:`draw_still` draws the final snapshot alone.

This module's own scene is the training figure: the target curve, the
training points and the model's current prediction on fixed axes, with
"step N   MSE x" in the header. :mod:`site_builder.experiments.figures.neurons` has another.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text

from site_builder.experiments.figures.runs import Snapshot, TrainingResult
from site_builder.experiments.figures import style
from site_builder.experiments.figures.encode import GIF_COLOURS, GifEncoder, encode_gif, palette_for
from site_builder.experiments.figures.textstamp import TextStamp
from site_builder.experiments.sampling import representative_frame

__all__ = [
    "GIF_COLOURS", "Animation", "FitArtists", "Scene", "SceneBuilder", "TrainingScene", "animate", "animate_training",
    "build_training_scene", "plot_fit", "draw_still", "draw_training_animation", "draw_training_still", "encode_gif",
    "fixed_y_limits", "format_mse", "frame_durations", "iter_frames", "poster_frame", "render_frames", "status_text", "training_y_limits",
]

Y_MARGIN = 0.08  # fraction of the y range added above and below
MAX_OVERSHOOT = 0.5  # predictions widen the view by at most this many target heights per side
MIN_FRAME_MS = 20  # browsers slow shorter GIF delays down to 100 ms
FINAL_HOLD_MS = 1500  # extra time on the last frame, so readers see where training ended


class Scene(Protocol):
    """The moving part of a figure of a training run."""

    def show(self, snapshot: Snapshot) -> None:
        """Point the moving artists at ``snapshot``."""

    def moving_artists(self) -> tuple[Artist, ...]:
        """The artists to redraw each frame, bottom to top."""


# Draws a figure's static parts for a result on a canvas; returns the scene of its moving parts,
# marked animated, so that ``canvas.draw()`` renders exactly the background every frame shares.
SceneBuilder = Callable[[FigureCanvasAgg, TrainingResult], Scene]


@dataclass(frozen=True)
class Animation:
    """A looping GIF and its poster: one of its frames (by default the last) as a PNG of the same size.

    The poster is what readers who prefer reduced motion see, and what link
    previews and players show before (or instead of) playing.
    """

    gif: bytes
    poster: bytes


def animate(result: TrainingResult, build_scene: SceneBuilder, *, fps: int, poster: int = -1) -> Animation:
    """One 640×480 frame per snapshot of ``result``, the last held a little longer; and the poster.

    GIF delays are whole centiseconds, and browsers play delays under 20 ms
    as 100 ms, so ``fps`` above 50 is capped at 50 rather than made slower.
    The poster is frame ``poster``'s pixels exactly (default: the last),
    before the GIF's palette reduces them.
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    snapshots = result.snapshots
    if snapshots and not -len(snapshots) <= poster < len(snapshots):
        raise ValueError(f"poster frame {poster} does not exist: there are {len(snapshots)} frames")
    poster_index = poster % len(snapshots) if snapshots else 0
    with style.figure_context():
        canvas = style.new_canvas(style.SCREEN_DPI)
        scene = build_scene(canvas, result)
        sample = [snapshots[0], snapshots[len(snapshots) // 2], snapshots[-1]]
        encoder = GifEncoder(palette_for(list(iter_frames(canvas, scene, sample))))
        durations = frame_durations(len(snapshots), fps)
        for index, (frame, duration) in enumerate(zip(iter_frames(canvas, scene, snapshots), durations)):
            encoder.add(frame, duration)  # streamed: one RGBA frame in memory at a time
            if index == poster_index:
                still = style.encode_png(np.ascontiguousarray(frame[..., :3]))
    return Animation(gif=encoder.finish(), poster=still)


def draw_still(result: TrainingResult, build_scene: SceneBuilder) -> bytes:
    """A PNG of the final snapshot, rendered at :data:`style.STILL_DPI`.

    Its y limits fit the final snapshot only: the wild early guesses that
    the animation must make room for are not in this picture.
    """
    if not result.snapshots:
        raise ValueError("a training result needs at least one snapshot to draw")
    final_only = dataclasses.replace(result, snapshots=result.snapshots[-1:])
    with style.figure_context():
        canvas = style.new_canvas(style.STILL_DPI)
        scene = build_scene(canvas, final_only)
        scene.show(final_only.snapshots[0])
        for artist in scene.moving_artists():
            artist.set_animated(False)
        canvas.draw()
        return style.encode_png(style.rendered_rgb(canvas))


def frame_durations(count: int, fps: int) -> list[int]:
    """Milliseconds per frame at ``fps`` (at least :data:`MIN_FRAME_MS`), the last frame held longer."""
    frame_ms = max(MIN_FRAME_MS, 10 * round(100 / fps))
    return [frame_ms] * (count - 1) + [frame_ms + FINAL_HOLD_MS]


# --- the training figure -------------------------------------------------------------


@dataclass(frozen=True)
class TrainingScene:
    """The artists of a training figure that change from frame to frame."""

    prediction: Line2D
    status: Text
    points: Line2D  # static: under the target, so never redrawn

    def show(self, snapshot: Snapshot) -> None:
        """Point the moving artists at ``snapshot``."""
        self.prediction.set_ydata(snapshot.prediction)
        self.status.set_text(status_text(snapshot))

    def moving_artists(self) -> tuple[Line2D | Text, ...]:
        """The artists to redraw each frame, bottom to top."""
        return (self.prediction, self.status)


def animate_training(result: TrainingResult, *, title: str, fps: int) -> Animation:
    """The training animation (see :func:`animate`) and its poster: :func:`poster_frame`."""
    return animate(result, _training_scene(title), fps=fps, poster=poster_frame(result))


def poster_frame(result: TrainingResult) -> int:
    """The snapshot a training figure's poster shows (see :func:`~site_builder.experiments.sampling.representative_frame`):
    the last when the fit settled, else where a hovering fit hovers."""
    predictions = np.stack([s.prediction for s in result.snapshots])
    low, high = training_y_limits(result)
    return representative_frame(np.array([s.step for s in result.snapshots]), predictions, high - low)


def draw_training_animation(result: TrainingResult, *, title: str, fps: int) -> bytes:
    """The GIF of :func:`animate_training` alone, for when no poster is wanted.

    Snapshots have distinct steps, so no two neighbouring frames are equal
    (Pillow would merge them into one).
    """
    return animate(result, _training_scene(title), fps=fps).gif


def draw_training_still(result: TrainingResult, *, title: str) -> bytes:
    """A 2x PNG of the final fit (see :func:`draw_still`)."""
    return draw_still(result, _training_scene(title))


def _training_scene(title: str) -> SceneBuilder:
    return lambda canvas, result: build_training_scene(canvas, result, title)


def build_training_scene(canvas: FigureCanvasAgg, result: TrainingResult, title: str) -> TrainingScene:
    """Draw the static parts of a training figure; return the moving ones, marked animated.

    Animated artists are left out of ``canvas.draw()``, so the first draw
    renders exactly the background that every frame shares.
    """
    if not result.snapshots:
        raise ValueError("a training result needs at least one snapshot to draw")
    figure = canvas.figure
    layout = style.LEGEND_BELOW
    axes = style.add_titled_axes(figure, title, layout)
    fit = plot_fit(axes, result)
    style.add_legend(figure, axes, layout)
    status = style.add_status_text(figure)
    scene = TrainingScene(prediction=fit.prediction, status=status, points=fit.points)
    for artist in scene.moving_artists():
        artist.set_animated(True)
    return scene


@dataclass(frozen=True)
class FitArtists:
    """What :func:`plot_fit` drew: change ``prediction``'s y data to show another moment."""

    target: Line2D
    prediction: Line2D
    points: Line2D


def plot_fit(axes: Axes, result: TrainingResult, snapshot: Snapshot | None = None) -> FitArtists:
    """The target, the model's prediction at ``snapshot`` (default: the first) and the training data, on ``axes``.

    The y limits hold the whole run (every snapshot's prediction, within
    reason: see :func:`training_y_limits`), so a figure's axes do not move
    while it animates; the frame becomes the lines x = 0 and y = 0. This is
    the training figures' plot, and part of the public API (:mod:`site_builder.lab`).
    """
    shown = snapshot if snapshot is not None else result.snapshots[0]
    (target,) = axes.plot(result.grid_x, result.target_y, label="target", **style.TARGET.kwargs())
    (prediction,) = axes.plot(result.grid_x, shown.prediction, label="model", **style.PREDICTION.kwargs())
    (points,) = axes.plot(result.train_x, result.train_y, label="training data", **style.TRAINING_POINTS.kwargs())
    axes.set_xlim(float(result.grid_x[0]), float(result.grid_x[-1]))
    axes.set_ylim(*training_y_limits(result))
    style.draw_zero_lines(axes)
    return FitArtists(target=target, prediction=prediction, points=points)


def render_frames(canvas: FigureCanvasAgg, scene: Scene, snapshots: Sequence[Snapshot]) -> list[np.ndarray]:
    """One ``(H, W, 4)`` uint8 RGBA frame per snapshot (see :func:`iter_frames`)."""
    return list(iter_frames(canvas, scene, snapshots))


def iter_frames(canvas: FigureCanvasAgg, scene: Scene, snapshots: Sequence[Snapshot]) -> Iterator[np.ndarray]:
    """Yield one ``(H, W, 4)`` uint8 RGBA frame per snapshot, each a fresh array.

    The static background is rendered once; per frame it is restored and
    only the moving artists are drawn (blitting). Moving text is stamped
    with Pillow (:mod:`.textstamp`), which is several times cheaper than
    matplotlib's text rendering.
    """
    canvas.draw()
    background = canvas.copy_from_bbox(canvas.figure.bbox)
    stamps = [TextStamp.for_artist(a, canvas) for a in scene.moving_artists() if isinstance(a, Text)]
    for snapshot in snapshots:
        canvas.restore_region(background)
        scene.show(snapshot)
        for artist in scene.moving_artists():
            if not isinstance(artist, Text):
                canvas.figure.draw_artist(artist)
        frame = np.array(canvas.buffer_rgba())  # a copy: the buffer is reused
        for stamp in stamps:
            stamp.draw(frame)
        yield frame


def training_y_limits(result: TrainingResult) -> tuple[float, float]:
    """Fixed y limits for every frame: the target, the data and all predictions, with a margin.

    A diverging run must not flatten the target into a line, so predictions
    may widen the view by at most :data:`MAX_OVERSHOOT` target heights on
    each side; beyond that the prediction leaves the plot. Non-finite values
    are ignored.
    """
    predictions = [s.prediction for s in result.snapshots]
    return fixed_y_limits(np.concatenate([result.target_y, result.train_y]), np.concatenate(predictions))


def fixed_y_limits(reference: np.ndarray, moving: np.ndarray) -> tuple[float, float]:
    """Y limits that hold ``reference`` and as much of ``moving`` as is sensible, with a margin.

    ``moving`` (what the model draws over training) widens the view by at
    most :data:`MAX_OVERSHOOT` reference heights on each side. Non-finite
    values are ignored.
    """
    reference = _finite(reference)
    low, high = (float(reference.min()), float(reference.max())) if reference.size else (-1.0, 1.0)
    height = high - low if high > low else max(1.0, abs(high))
    moving = _finite(moving)
    if moving.size:
        low = max(min(low, float(moving.min())), low - MAX_OVERSHOOT * height)
        high = min(max(high, float(moving.max())), high + MAX_OVERSHOOT * height)
    if high == low:
        low, high = low - height / 2, high + height / 2
    pad = Y_MARGIN * (high - low)
    return low - pad, high + pad


def status_text(snapshot: Snapshot) -> str:
    """The header line for one frame, e.g. ``"step 250   MSE 0.0123"``."""
    return f"step {snapshot.step}   MSE {format_mse(snapshot.loss)}"


def format_mse(loss: float) -> str:
    """Four decimals for ordinary losses; scientific notation for tiny or huge ones."""
    if not np.isfinite(loss):
        return "diverged"
    if loss != 0.0 and not 1e-4 <= abs(loss) < 1e4:
        return f"{loss:.1e}"
    return f"{loss:.4f}"


def _finite(values: np.ndarray) -> np.ndarray:
    """The finite entries of ``values``, flattened."""
    values = np.asarray(values, dtype=float).ravel()
    return values[np.isfinite(values)]
