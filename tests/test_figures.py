"""Figure drawing: valid, deterministic, correctly sized PNGs and GIFs from synthetic results."""

from __future__ import annotations

import dataclasses
import io
import pickle
import struct

import numpy as np
import pytest
from PIL import Image, ImageSequence

from site_builder.experiments.figures.runs import Snapshot, TrainingResult
from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import (
    FINAL_HOLD_MS,
    MAX_OVERSHOOT,
    draw_training_animation,
    draw_training_still,
    format_mse,
    status_text,
    training_y_limits,
)
from site_builder.experiments.figures.plots import break_at_jumps, draw_activation_plot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def synthetic_result(frames: int = 4, *, wobble: float = 0.3, grid: int = 50) -> TrainingResult:
    """A fake run on y = x²: the prediction slides from a tilted line onto the target."""
    grid_x = np.linspace(-1.0, 1.0, grid)  # (G,)
    train_x = np.linspace(-1.0, 1.0, 9)  # (N,)
    snapshots = []
    for i in range(frames):
        done = i / max(frames - 1, 1)
        prediction = done * grid_x**2 + (1 - done) * (wobble * grid_x + 0.2)  # (G,)
        loss = float(np.mean((prediction - grid_x**2) ** 2))
        snapshots.append(Snapshot(step=10 * i, loss=loss, prediction=prediction))
    return TrainingResult(grid_x, grid_x**2, train_x, train_x**2, tuple(snapshots))


def relu_curves() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.linspace(-3.0, 3.0, 121)
    return x, np.maximum(x, 0.0), (x > 0).astype(float)


def png_chunk_types(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, in file order."""
    assert data.startswith(PNG_SIGNATURE)
    types, offset = [], len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        types.append(data[offset + 4 : offset + 8])
        offset += 12 + length  # length, type, data, CRC
    return types


def gif_frames(data: bytes) -> list[np.ndarray]:
    """Every frame of a GIF, fully composited, as (H, W, 3) arrays."""
    return [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(Image.open(io.BytesIO(data)))]


def gif_colour_tables(data: bytes) -> tuple[bool, int, int]:
    """(has a global colour table, number of local colour tables, number of images) of a GIF."""

    def skip_sub_blocks(offset: int) -> int:
        while data[offset]:
            offset += data[offset] + 1
        return offset + 1

    def table_size(packed: int) -> int:
        return 3 * 2 ** ((packed & 0x07) + 1) if packed & 0x80 else 0

    offset = 13 + table_size(data[10])  # header, logical screen descriptor, global table
    local_tables = images = 0
    while data[offset] != 0x3B:  # trailer
        if data[offset] == 0x21:  # extension: introducer, label, sub-blocks
            offset = skip_sub_blocks(offset + 2)
        else:  # image: descriptor, local table, LZW code size, sub-blocks
            assert data[offset] == 0x2C
            images += 1
            local_tables += bool(table_size(data[offset + 9]))
            offset = skip_sub_blocks(offset + 10 + table_size(data[offset + 9]) + 1)
    return bool(data[10] & 0x80), local_tables, images


# --- the activation plot ---------------------------------------------------------------


def test_activation_plot_is_a_2x_rgb_png():
    x, y, dy = relu_curves()
    image = Image.open(io.BytesIO(draw_activation_plot(x, y, dy, title="ReLU", formula_label="f")))
    assert image.format == "PNG"
    assert image.size == (1280, 960)
    assert image.mode == "RGB"  # opaque: readable on a dark page too
    assert image.getpixel((0, 0)) == (255, 255, 255)


def test_activation_plot_bytes_are_reproducible_and_follow_their_inputs():
    x, y, dy = relu_curves()
    first = draw_activation_plot(x, y, dy, title="ReLU", formula_label="f")
    assert draw_activation_plot(x, y, dy, title="ReLU", formula_label="f") == first
    assert draw_activation_plot(x, y, dy, title="ReLU!", formula_label="f") != first
    assert draw_activation_plot(x, 2 * y, dy, title="ReLU", formula_label="f") != first


def test_png_carries_no_metadata():
    x, y, dy = relu_curves()
    data = draw_activation_plot(x, y, dy, title="ReLU", formula_label="f")
    assert set(png_chunk_types(data)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert b"atplotlib" not in data


def test_activation_plot_rejects_mismatched_arrays():
    x, y, dy = relu_curves()
    with pytest.raises(ValueError, match="equal-length"):
        draw_activation_plot(x, y[:-1], dy, title="ReLU", formula_label="f")


def test_break_at_jumps_splits_the_relu_derivative_once():
    x, _, dy = relu_curves()
    broken_x, broken_y = break_at_jumps(x, dy)
    assert broken_x.size == x.size + 1
    assert np.isnan(broken_y).sum() == 1
    assert np.all(np.diff(broken_x) > 0)  # still sorted


def test_break_at_jumps_leaves_smooth_curves_alone():
    x = np.linspace(-6.0, 6.0, 201)
    broken_x, broken_y = break_at_jumps(x, np.tanh(x))
    assert np.array_equal(broken_x, x) and not np.isnan(broken_y).any()


# --- the training animation ----------------------------------------------------------


def test_animation_is_a_looping_640x480_gif_with_one_frame_per_snapshot():
    result = synthetic_result(frames=5)
    image = Image.open(io.BytesIO(draw_training_animation(result, title="Linear model", fps=20)))
    assert image.format == "GIF"
    assert image.size == (640, 480)
    assert image.n_frames == len(result.snapshots)
    assert image.info["loop"] == 0


def test_animation_holds_the_last_frame():
    image = Image.open(io.BytesIO(draw_training_animation(synthetic_result(frames=3), title="t", fps=20)))
    durations = []
    for frame in ImageSequence.Iterator(image):
        durations.append(frame.info["duration"])
    assert durations == [50, 50, 50 + FINAL_HOLD_MS]


def test_animation_bytes_are_reproducible_and_follow_their_inputs():
    result = synthetic_result()
    first = draw_training_animation(result, title="Linear model", fps=20)
    assert draw_training_animation(result, title="Linear model", fps=20) == first
    assert draw_training_animation(result, title="Linear models", fps=20) != first
    assert draw_training_animation(synthetic_result(wobble=-0.3), title="Linear model", fps=20) != first
    assert draw_training_animation(result, title="Linear model", fps=10) != first


def test_frames_show_the_prediction_moving_on_fixed_axes():
    frames = gif_frames(draw_training_animation(synthetic_result(frames=3), title="t", fps=20))
    assert not np.array_equal(frames[0], frames[1])
    assert not np.array_equal(frames[1], frames[2])
    # The y tick labels sit left of the plot, in the same pixels on every
    # frame exactly when the axis limits stay put.
    left, bottom, width, height = style.LEGEND_BELOW.axes_rect
    rows = slice(int((1 - bottom - height) * 480), int((1 - bottom) * 480))
    tick_labels = [frame[rows, : int(left * 640) - 2] for frame in frames]
    assert tick_labels[0].min() < 128  # there is text in that strip
    assert all(np.array_equal(tick_labels[0], strip) for strip in tick_labels[1:])


def test_animation_uses_one_global_palette():
    data = draw_training_animation(synthetic_result(frames=3), title="t", fps=20)
    has_global_table, local_tables, images = gif_colour_tables(data)
    assert has_global_table and images == 3 and local_tables == 0


def test_animation_rejects_bad_arguments():
    with pytest.raises(ValueError, match="fps"):
        draw_training_animation(synthetic_result(), title="t", fps=0)
    empty = TrainingResult(np.zeros(2), np.zeros(2), np.zeros(2), np.zeros(2), ())
    with pytest.raises(ValueError, match="snapshot"):
        draw_training_animation(empty, title="t", fps=20)


def test_still_is_a_2x_png_of_the_final_fit():
    result = synthetic_result()
    data = draw_training_still(result, title="1 hidden ReLU neuron")
    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size, image.mode) == ("PNG", (1280, 960), "RGB")
    assert set(png_chunk_types(data)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert draw_training_still(result, title="1 hidden ReLU neuron") == data
    other_end = synthetic_result(wobble=-0.3, frames=1)  # its only snapshot is not the fit
    assert draw_training_still(other_end, title="1 hidden ReLU neuron") != data


def test_still_reports_the_final_step_and_loss():
    result = synthetic_result()
    final = result.snapshots[-1]
    relabelled = dataclasses.replace(
        result, snapshots=(*result.snapshots[:-1], dataclasses.replace(final, loss=final.loss + 0.5))
    )
    assert draw_training_still(relabelled, title="t") != draw_training_still(result, title="t")


# --- axis limits and the status line ----------------------------------------------------


def test_y_limits_hold_target_and_every_prediction():
    result = synthetic_result(frames=6)
    low, high = training_y_limits(result)
    everything = np.concatenate([result.target_y, *(s.prediction for s in result.snapshots)])
    assert low < everything.min() and everything.max() < high


def test_y_limits_ignore_an_exploding_prediction():
    result = synthetic_result(frames=2)
    exploded = Snapshot(step=20, loss=1e12, prediction=np.full_like(result.grid_x, 1e6))
    broken = Snapshot(step=30, loss=float("nan"), prediction=np.full_like(result.grid_x, np.nan))
    run = TrainingResult(
        result.grid_x, result.target_y, result.train_x, result.train_y,
        (*result.snapshots, exploded, broken),
    )
    low, high = training_y_limits(run)
    target_height = 1.0  # x² on [-1, 1]
    assert high <= 1.0 + (MAX_OVERSHOOT + 0.5) * target_height
    assert low <= 0.0 < 1.0 <= high
    assert Image.open(io.BytesIO(draw_training_animation(run, title="t", fps=20))).n_frames == 4


def test_y_limits_of_a_flat_target_are_not_empty():
    grid = np.linspace(0.0, 1.0, 5)
    flat = TrainingResult(grid, np.ones(5), grid, np.ones(5), (Snapshot(0, 0.0, np.ones(5)),))
    low, high = training_y_limits(flat)
    assert low < 1.0 < high


@pytest.mark.parametrize(
    ("loss", "text"),
    [(0.0123, "0.0123"), (0.0, "0.0000"), (2.5, "2.5000"), (3e-6, "3.0e-06"), (1e5, "1.0e+05"),
     (float("inf"), "diverged"), (float("nan"), "diverged")],
)
def test_format_mse(loss, text):
    assert format_mse(loss) == text


def test_status_text():
    assert status_text(Snapshot(step=250, loss=0.0123, prediction=np.zeros(1))) == "step 250   MSE 0.0123"


# --- produce_figure ------------------------------------------------------------------


@pytest.fixture
def produce():
    """The produce module, once the experiments it depends on exist."""
    from site_builder.experiments import produce

    return produce


def test_produce_titles(produce):
    from site_builder.experiments.specs import ActivationPlotSpec, TrainingSpec

    assert produce.activation_title(ActivationPlotSpec("a.png", "relu")) == "ReLU"
    assert produce.activation_title(ActivationPlotSpec("a.png", "sigmoid")) == "Sigmoid"
    assert produce.activation_title(ActivationPlotSpec("a.png", "leaky_relu", leak=0.1)) == "Leaky ReLU (slope 0.1)"
    assert produce.training_title(TrainingSpec("t.gif", "x**2")) == "Linear model"
    assert produce.training_title(TrainingSpec("t.gif", "x**2", hidden=(1,))) == "1 hidden ReLU neuron"
    assert produce.training_title(TrainingSpec("t.gif", "x**2", hidden=(20,))) == "20 hidden ReLU neurons"
    assert (
        produce.training_title(TrainingSpec("t.gif", "x**2", hidden=(4, 8), activation="tanh"))
        == "Hidden layers of 4 and 8 tanh neurons"
    )


def test_produce_activation_plot(produce):
    from site_builder.experiments.specs import ActivationPlotSpec

    spec = ActivationPlotSpec("ReLU.png", "leaky_relu", interval=(-6.0, 6.0))
    data = produce.produce_figure(spec)["ReLU.png"]
    assert data.startswith(PNG_SIGNATURE) and data == produce.produce_figure(spec)["ReLU.png"]
    assert pickle.loads(pickle.dumps(produce.produce_figure)) is produce.produce_figure


@pytest.mark.slow
def test_produce_training_figures(produce):
    from site_builder.experiments.specs import TrainingSpec

    spec = TrainingSpec("fit.gif", "x**2", hidden=(2,), steps=40, frames=5, seed=1)
    animation = Image.open(io.BytesIO(produce.produce_figure(spec)["fit.gif"]))
    assert (animation.format, animation.n_frames) == ("GIF", 5)
    still = Image.open(io.BytesIO(produce.produce_figure(TrainingSpec("fit.png", "x**2", steps=40, frames=5))["fit.png"]))
    assert still.format == "PNG"
