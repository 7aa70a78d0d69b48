"""The neurons figure: its declaration, the per-snapshot data it draws, and the drawing itself."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from PIL import Image

from site_builder.experiments.produce import neurons_title, produce_figure
from site_builder.experiments.figures.runs import Snapshot, TrainingResult
from site_builder.experiments.specs import NeuronsSpec, SpecIssue, TrainingSpec, parse_figure
from site_builder.experiments.training import GRID_POINTS, run_training
from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import MAX_OVERSHOOT
from site_builder.experiments.figures.neurons import (
    NEURON_DARK,
    animate_neurons,
    build_neurons_scene,
    draw_neurons_still,
    neuron_colours,
    neurons_y_limits,
)

from test_specs import HIDDEN, TRAINING_KEYS

SPEC = TrainingSpec("parts.gif", "x**2", hidden=(3,), samples=16, steps=30, frames=4, seed=2)


def neurons(**overrides: object) -> dict[str, object]:
    """A valid neurons declaration with ``overrides`` applied."""
    return {"kind": "neurons", "target": "x**2", "hidden": [2], **overrides}


@pytest.fixture(scope="module")
def result() -> TrainingResult:
    return run_training(SPEC)


# --- the declaration ----------------------------------------------------------------------


def test_neurons_declaration_takes_the_training_parameters():
    declaration = neurons(interval=[-2, 1], activation="tanh", steps=500, lr=0.3, seed=4, frames=20, fps=10)
    spec, issues = parse_figure("parts.gif", declaration)
    assert issues == ()
    assert spec == NeuronsSpec(
        TrainingSpec(
            name="parts.gif", target="x**2", interval=(-2.0, 1.0), hidden=(2,), activation="tanh",
            steps=500, lr=0.3, seed=4, frames=20, fps=10,
        )
    )  # fmt: skip
    assert spec.name == "parts.gif"


def test_a_neurons_figure_trains_what_the_same_training_figure_trains():
    neurons_spec, _ = parse_figure("parts.png", neurons(steps=40, frames=5))
    training_spec, _ = parse_figure("fit.gif", {**neurons(steps=40, frames=5), "kind": "training"})
    assert neurons_spec.training == dataclasses.replace(training_spec, name="parts.png")


@pytest.mark.parametrize(
    ("hidden", "got"),
    [([], "got []"), ([2, 3], "got [2, 3]"), ([4, 4, 4], "got [4, 4, 4]")],
)
def test_neurons_need_exactly_one_hidden_layer(hidden, got):
    spec, issues = parse_figure("parts.gif", neurons(hidden=hidden))
    assert spec is None
    assert issues == (
        SpecIssue(
            "hidden",
            "a neurons figure draws the neurons of exactly one hidden layer, so hidden must "
            f"list one width, like hidden: [2]; {got}",
        ),
    )


def test_neurons_without_hidden_say_it_is_needed():
    declaration = neurons()
    del declaration["hidden"]
    _, issues = parse_figure("parts.gif", declaration)
    assert issues == (
        SpecIssue(
            "hidden",
            "a neurons figure draws the neurons of exactly one hidden layer, so hidden must "
            "list one width, like hidden: [2]; got none",
        ),
    )


def test_an_invalid_hidden_is_reported_once():
    _, issues = parse_figure("parts.gif", neurons(hidden="two"))
    assert issues == (SpecIssue("hidden", HIDDEN + "'two'"),)


def test_neurons_reject_unknown_keys_with_the_training_parameters_listed():
    _, issues = parse_figure("parts.gif", neurons(learning_rate=0.1, zzz="green"))
    assert issues == (
        SpecIssue("learning_rate", f"unknown parameter 'learning_rate' for a neurons figure; did you mean 'lr'? Known: {TRAINING_KEYS}"),
        SpecIssue("zzz", f"unknown parameter 'zzz' for a neurons figure. Known: {TRAINING_KEYS}"),
    )


def test_neurons_get_the_training_checks():
    _, issues = parse_figure("parts.gif", {"kind": "neurons", "hidden": [2], "steps": 3, "frames": 5})
    assert [issue.key for issue in issues] == ["target", "frames"]
    assert issues[0].message == "missing 'target', which a neurons figure needs"


def test_neurons_spec_itself_insists_on_one_hidden_layer():
    with pytest.raises(ValueError, match="exactly one hidden layer"):
        NeuronsSpec(TrainingSpec("parts.gif", "x", hidden=(2, 2)))


# --- what training records ----------------------------------------------------------------


def test_every_snapshot_of_a_one_hidden_layer_net_holds_its_parts(result):
    for snapshot in result.snapshots:
        assert snapshot.contributions.shape == (GRID_POINTS, 3)
        np.testing.assert_allclose(
            snapshot.contributions.sum(axis=1) + snapshot.output_bias, snapshot.prediction, atol=1e-12
        )
    np.testing.assert_array_equal(result.snapshots[-1].contributions, result.contributions)
    assert result.snapshots[-1].output_bias == result.final_params[-1][1][0]
    assert not np.array_equal(result.snapshots[0].contributions, result.snapshots[-1].contributions)


def test_other_nets_record_no_parts():
    for hidden in ((), (2, 2)):
        run = run_training(dataclasses.replace(SPEC, hidden=hidden, steps=3, frames=2))
        assert all(s.contributions is None and s.output_bias is None for s in run.snapshots)


# --- the drawing ------------------------------------------------------------------------------


def drawn_data(result: TrainingResult, snapshot: Snapshot) -> tuple[np.ndarray, float, np.ndarray]:
    """What the scene draws for ``snapshot``: (neurons (G, H), bias, model (G,)), read back from its lines."""
    with style.figure_context():
        canvas = style.new_canvas()
        scene = build_neurons_scene(canvas, result, "t")
        scene.show(snapshot)
        parts = np.stack([line.get_ydata() for line in scene.neurons], axis=1)
        (bias, same) = scene.bias.get_ydata()
        assert bias == same, "the bias is a level line"
        np.testing.assert_array_equal(scene.model.get_xdata(), result.grid_x)
        return parts, float(bias), np.asarray(scene.model.get_ydata())


def test_drawn_neurons_and_bias_add_up_to_the_drawn_model(result):
    for snapshot in result.snapshots:
        parts, bias, model = drawn_data(result, snapshot)
        np.testing.assert_array_equal(model, snapshot.prediction)
        np.testing.assert_array_equal(parts, snapshot.contributions)
        np.testing.assert_allclose(parts.sum(axis=1) + bias, model, atol=1e-12)


def test_y_limits_hold_every_part_of_every_frame(result):
    low, high = neurons_y_limits(result)
    everything = np.concatenate(
        [result.target_y, *(np.ravel(s.contributions) for s in result.snapshots), *(s.prediction for s in result.snapshots)]
    )
    # Every part fits, except wild values beyond MAX_OVERSHOOT target heights, which leave the plot.
    height = np.ptp(np.concatenate([result.target_y, [0.0]]))
    assert low < max(everything.min(), min(result.target_y.min(), 0.0) - MAX_OVERSHOOT * height)
    assert min(everything.max(), result.target_y.max() + MAX_OVERSHOOT * height) < high


def test_neuron_shades_darken_to_the_left_within_one_family():
    x = np.linspace(-1, 1, 5)
    right, left, middle = np.maximum(x, 0), np.maximum(-x, 0), np.ones(5)
    colours = neuron_colours(x, np.stack([right, left, middle], axis=1))
    assert len(set(colours)) == 3
    lightness = [sum(to_rgb(c)) for c in colours]
    assert lightness[1] < lightness[2] < lightness[0]
    assert all(to_rgb(c)[1] > to_rgb(c)[0] for c in colours), "all greens"
    assert neuron_colours(x, np.zeros((5, 1))) == [NEURON_DARK.lower()]  # a lone neuron: the darkest


def test_animation_and_still_are_the_usual_sizes_and_deterministic(result):
    animation = animate_neurons(result, title="3 neurons", fps=20)
    gif = Image.open(io.BytesIO(animation.gif))
    assert (gif.format, gif.size, gif.n_frames) == ("GIF", (640, 480), len(result.snapshots))
    assert Image.open(io.BytesIO(animation.poster)).size == (640, 480)
    assert animate_neurons(result, title="3 neurons", fps=20) == animation
    still = draw_neurons_still(result, title="3 neurons")
    assert Image.open(io.BytesIO(still)).size == (1280, 960)
    assert draw_neurons_still(result, title="3 neurons") == still
    assert draw_neurons_still(result, title="3 neurons!") != still


def test_neurons_figure_needs_recorded_parts():
    run = run_training(dataclasses.replace(SPEC, hidden=(2, 2), steps=3, frames=2))
    with pytest.raises(ValueError, match="one hidden layer"):
        draw_neurons_still(run, title="t")


def test_produce_neurons_figures():
    still_spec = NeuronsSpec(dataclasses.replace(SPEC, name="parts.png"))
    assert set(produce_figure(still_spec)) == {"parts.png", ".results.json"}
    assert neurons_title(NeuronsSpec(SPEC)) == "3 hidden ReLU neurons and their sum"
    one = NeuronsSpec(dataclasses.replace(SPEC, hidden=(1,), activation="tanh"))
    assert neurons_title(one) == "1 hidden tanh neuron and the bias"
