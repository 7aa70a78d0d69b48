"""A training run drawn as a looping GIF, or as a still of its final fit.

Every frame shares one layout: the target curve, the training points and
the model's current prediction on fixed axes, with "step N   MSE x" in
the header. The figure is built once; each frame restores the rendered
static background and draws only what moves (blitting), which is several
times faster than redrawing the whole figure per frame.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text
from PIL import Image

from site_builder.experiments.results import Snapshot, TrainingResult
from site_builder.figures import style

Y_MARGIN = 0.08  # fraction of the y range added above and below
MAX_OVERSHOOT = 1.0  # predictions widen the view by at most this many target heights per side
MIN_FRAME_MS = 20  # browsers slow shorter GIF delays down to 100 ms
FINAL_HOLD_MS = 1500  # extra time on the last frame, so readers see where training ended
GIF_COLOURS = 32  # one palette for the whole animation: flat line art needs few


@dataclass(frozen=True)
class TrainingScene:
    """The artists of a training figure that change from frame to frame."""

    prediction: Line2D
    status: Text
    points: Line2D  # static, but redrawn each frame so it stays above the prediction

    def show(self, snapshot: Snapshot) -> None:
        """Point the moving artists at ``snapshot``."""
        self.prediction.set_ydata(snapshot.prediction)
        self.status.set_text(status_text(snapshot))

    def moving_artists(self) -> tuple[Line2D | Text, ...]:
        """The artists to redraw each frame, bottom to top."""
        return (self.prediction, self.points, self.status)


def draw_training_animation(result: TrainingResult, *, title: str, fps: int) -> bytes:
    """A looping GIF with one 640×480 frame per snapshot, the last held a little longer.

    GIF delays are whole centiseconds, and browsers play delays under 20 ms
    as 100 ms, so ``fps`` above 50 is capped at 50 rather than made slower.
    Snapshots have distinct steps, so no two neighbouring frames are equal
    (Pillow would merge them into one).
    """
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    with style.figure_context():
        canvas = style.new_canvas(style.SCREEN_DPI)
        scene = build_training_scene(canvas, result, title)
        frames = render_frames(canvas, scene, result.snapshots)
    frame_ms = max(MIN_FRAME_MS, 10 * round(100 / fps))
    durations = [frame_ms] * (len(frames) - 1) + [frame_ms + FINAL_HOLD_MS]
    return encode_gif(frames, durations)


def draw_training_still(result: TrainingResult, *, title: str) -> bytes:
    """A PNG of the final fit, rendered at :data:`style.STILL_DPI`.

    Its y limits fit the final prediction only: the wild early guesses that
    the animation must make room for are not in this picture.
    """
    if not result.snapshots:
        raise ValueError("a training result needs at least one snapshot to draw")
    final_only = dataclasses.replace(result, snapshots=result.snapshots[-1:])
    with style.figure_context():
        canvas = style.new_canvas(style.STILL_DPI)
        scene = build_training_scene(canvas, final_only, title)
        scene.show(final_only.snapshots[0])
        for artist in scene.moving_artists():
            artist.set_animated(False)
        canvas.draw()
        return style.encode_png(style.rendered_rgb(canvas))


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
    axes.plot(result.grid_x, result.target_y, label="target", **style.TARGET.kwargs())
    (prediction,) = axes.plot(
        result.grid_x, result.snapshots[0].prediction, label="model", **style.PREDICTION.kwargs()
    )
    (points,) = axes.plot(
        result.train_x, result.train_y, label="training data", **style.TRAINING_POINTS.kwargs()
    )
    axes.set_xlim(float(result.grid_x[0]), float(result.grid_x[-1]))
    axes.set_ylim(*training_y_limits(result))
    style.draw_zero_lines(axes)
    style.add_legend(figure, axes, layout)
    status = figure.text(
        style.MARGIN_LEFT, style.SUBTITLE_TOP, "", ha="left", va="top",
        fontsize=style.LABEL_SIZE, color=style.MUTED_INK,
    )
    scene = TrainingScene(prediction=prediction, status=status, points=points)
    for artist in scene.moving_artists():
        artist.set_animated(True)
    return scene


def render_frames(
    canvas: FigureCanvasAgg, scene: TrainingScene, snapshots: Sequence[Snapshot]
) -> list[np.ndarray]:
    """One ``(H, W, 4)`` uint8 RGBA frame per snapshot, blitting the moving artists onto the background."""
    canvas.draw()
    background = canvas.copy_from_bbox(canvas.figure.bbox)
    frames = []
    for snapshot in snapshots:
        canvas.restore_region(background)
        scene.show(snapshot)
        for artist in scene.moving_artists():
            canvas.figure.draw_artist(artist)
        frames.append(np.array(canvas.buffer_rgba()))  # a copy: the buffer is reused
    return frames


def training_y_limits(result: TrainingResult) -> tuple[float, float]:
    """Fixed y limits for every frame: the target, the data and all predictions, with a margin.

    A diverging run must not flatten the target into a line, so predictions
    may widen the view by at most :data:`MAX_OVERSHOOT` target heights on
    each side; beyond that the prediction leaves the plot. Non-finite values
    are ignored.
    """
    reference = _finite(np.concatenate([result.target_y, result.train_y]))
    low, high = (float(reference.min()), float(reference.max())) if reference.size else (-1.0, 1.0)
    height = high - low if high > low else max(1.0, abs(high))
    predictions = _finite(np.concatenate([s.prediction for s in result.snapshots]))
    if predictions.size:
        low = max(min(low, float(predictions.min())), low - MAX_OVERSHOOT * height)
        high = min(max(high, float(predictions.max())), high + MAX_OVERSHOOT * height)
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


def encode_gif(frames: Sequence[np.ndarray], durations_ms: Sequence[int]) -> bytes:
    """A GIF that loops forever, from ``(H, W, 4)`` uint8 opaque RGBA frames.

    All frames share one palette: the animation's most frequent exact
    colours, so the white background and the palette's line colours come
    through unchanged and nothing flickers. Every pixel maps to its nearest
    palette colour, without dithering, which would sprinkle noise over flat
    areas. Pillow then stores each frame as the rectangle that changed,
    unchanged pixels transparent, which LZW compresses to almost nothing.
    """
    if len(frames) != len(durations_ms) or not frames:
        raise ValueError("need one duration per frame, and at least one frame")
    codes = [_colour_codes(frame) for frame in frames]
    palette = _frequent_colours(codes, GIF_COLOURS)
    palette_bytes = _code_to_rgb(palette).astype(np.uint8).tobytes()
    images = []
    for indices in _palette_indices(codes, palette):
        image = Image.frombytes("P", indices.shape[::-1], indices.tobytes())
        image.putpalette(palette_bytes)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:],
        duration=list(durations_ms), loop=0, disposal=1, palette=palette_bytes, optimize=True,
    )
    return buffer.getvalue()


def _colour_codes(rgba: np.ndarray) -> np.ndarray:
    """Each pixel's colour as one integer, ``R + G·2⁸ + B·2¹⁶``: ``(H, W, 4)`` uint8 -> ``(H, W)`` uint32."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"frames must be (H, W, 4) uint8 RGBA, got {rgba.shape} {rgba.dtype}")
    return np.ascontiguousarray(rgba).view("<u4")[..., 0] & 0xFFFFFF


def _code_to_rgb(codes: np.ndarray) -> np.ndarray:
    """``(K,)`` colour codes -> ``(K, 3)`` int32 RGB."""
    return np.stack([codes & 0xFF, (codes >> 8) & 0xFF, (codes >> 16) & 0xFF], axis=-1).astype(np.int32)


def _frequent_colours(codes: Sequence[np.ndarray], count: int) -> np.ndarray:
    """The ``count`` commonest colour codes in the first, middle and last frames, commonest first.

    Line art is mostly flat colour, so these are the background, grid, text
    and line colours exactly, then their most common anti-aliasing blends.
    """
    sample = np.concatenate([codes[0].ravel(), codes[len(codes) // 2].ravel(), codes[-1].ravel()])
    colours, counts = np.unique(sample, return_counts=True)
    return colours[np.argsort(-counts, kind="stable")[:count]]


def _palette_indices(codes: Sequence[np.ndarray], palette: np.ndarray) -> list[np.ndarray]:
    """Each frame as ``(H, W)`` uint8 indices of the nearest ``palette`` colour.

    Frames differ from the first only where something moved, so only those
    pixels are looked up per frame; the rest reuse the first frame's indices.
    """
    first = codes[0]
    changed = [frame != first for frame in codes]
    colours = np.unique(np.concatenate([first.ravel(), *(f[m] for f, m in zip(codes, changed))]))
    distances = ((_code_to_rgb(colours)[:, None, :] - _code_to_rgb(palette)[None, :, :]) ** 2).sum(-1)
    nearest = distances.argmin(axis=1).astype(np.uint8)  # (K,) palette index per distinct colour
    first_indices = nearest[np.searchsorted(colours, first)]
    indices = []
    for frame, moved in zip(codes, changed):
        frame_indices = first_indices.copy()
        frame_indices[moved] = nearest[np.searchsorted(colours, frame[moved])]
        indices.append(frame_indices)
    return indices


def _finite(values: np.ndarray) -> np.ndarray:
    """The finite entries of ``values``, flattened."""
    values = np.asarray(values, dtype=float).ravel()
    return values[np.isfinite(values)]
