"""Figures that show what the text says: frames spread over the motion, representative posters, legible lines,
titles that fit, neurons told apart, and colours that read in both page themes."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import MAX_OVERSHOOT, fixed_y_limits, poster_frame, training_y_limits
from site_builder.experiments.figures.compare import RUN_COLOURS as COMPARE_COLOURS
from site_builder.experiments.figures.gradients import RUN_COLOURS as GRADIENT_COLOURS
from site_builder.experiments.figures.neurons import BIAS, NAMED_NEURONS, NEURON_DARK, NEURON_LIGHT, legend_rows, neuron_looks
from site_builder.experiments.figures.theme import DARK_FILTER, contrast_ratio, dark_colour
from site_builder.experiments.produce import activation_formula, classification_title, neurons_title, training_title
from site_builder.experiments.sampling import SETTLED, candidate_steps, motion_frames, representative_frame, settled_index
from site_builder.experiments.specs import ActivationPlotSpec, ClassificationSpec, MAX_HIDDEN_LAYERS, MAX_HIDDEN_WIDTH, NeuronsSpec, TrainingSpec
from site_builder.experiments.training import run_training

STYLESHEET = Path(__file__).parents[1] / "static" / "style.css"
ONE_NEURON = TrainingSpec("one.gif", "x**2", hidden=(1,), activation="relu", steps=1000, lr=0.2, seed=0)
# A straight line on x² with mini-batches of 4: it hovers around flat and never settles.
HOVERING_LINE = TrainingSpec("line.gif", "x**2", hidden=(), steps=400, lr=0.3, batch_size=4, seed=3)


def motion(result) -> np.ndarray:
    """(frames - 1,) RMS change of the prediction from each frame to the next, in target heights."""
    predictions = np.stack([s.prediction for s in result.snapshots])
    return np.sqrt(np.mean(np.diff(predictions, axis=0) ** 2, axis=1)) / np.ptp(result.target_y)


# --- which steps an animation shows -----------------------------------------------


def test_candidate_steps_are_dense_early_and_cover_the_run():
    steps = candidate_steps(3000, 100)
    assert steps[0] == 0 and steps[-1] == 3000 and list(steps) == sorted(set(steps))
    assert set(range(20)) <= set(steps)  # every one of the first steps, where training moves fastest
    assert candidate_steps(10, 5) == tuple(range(11))
    with pytest.raises(ValueError, match="cannot take 12 distinct"):
        candidate_steps(10, 12)


def still_frames(result) -> int:
    """Frames whose prediction is already within SETTLED of the final one."""
    final, height = result.snapshots[-1].prediction, np.ptp(result.target_y)
    return sum(np.abs(s.prediction - final).max() <= SETTLED * height for s in result.snapshots)


def test_frames_spread_the_motion():
    spread, even = run_training(ONE_NEURON, spread_motion=True), run_training(ONE_NEURON)
    steps = [s.step for s in spread.snapshots]
    assert len(steps) == ONE_NEURON.frames and steps[0] == 0 and steps[-1] == ONE_NEURON.steps
    assert steps == sorted(set(steps))
    assert steps[1:6] == [1, 2, 3, 4, 5]  # the fast start is shown step by step
    # Evenly spaced frames put the change into the first frames, and then barely move.
    assert motion(even)[1:].max() > 20 * np.median(motion(even))
    assert np.median(motion(spread)) > 1.4 * np.median(motion(even))


def test_frames_end_soon_after_the_fit_settles():
    settles = TrainingSpec("twenty.gif", "x**2", hidden=(20,), activation="relu", steps=3000, lr=0.2, seed=2)
    spread, even = run_training(settles, spread_motion=True), run_training(settles)
    assert still_frames(even) >= 0.15 * settles.frames  # the even animation ends on a long still
    assert 1 <= still_frames(spread) <= min(0.1 * settles.frames, still_frames(even) / 2)
    assert spread.snapshots[-1].step == settles.steps  # the status line still reaches the true end


def test_frame_choice_is_a_pure_function_of_the_run():
    first, second = run_training(ONE_NEURON, spread_motion=True), run_training(ONE_NEURON, spread_motion=True)
    assert [s.step for s in first.snapshots] == [s.step for s in second.snapshots]
    for a, b in zip(first.snapshots, second.snapshots, strict=True):
        np.testing.assert_array_equal(a.prediction, b.prediction)
    # A chosen snapshot is exactly what evenly spaced recording gives at that step.
    even = {s.step: s for s in run_training(ONE_NEURON).snapshots}
    for snapshot in first.snapshots:
        if snapshot.step in even:
            np.testing.assert_array_equal(snapshot.prediction, even[snapshot.step].prediction)
            assert snapshot.loss == even[snapshot.step].loss


def test_motion_frames_on_synthetic_curves():
    # Moves linearly for 50 candidates, then stands still for 950: frames go where the motion is.
    t = np.concatenate([np.linspace(0, 1, 50), np.ones(950)])
    predictions = t[:, None] * np.ones((1, 8))
    assert settled_index(predictions, 1.0) == 49
    chosen = motion_frames(predictions, 20, 1.0)
    assert len(chosen) == 20 and chosen[0] == 0 and chosen[-1] == 999
    assert sum(i > 49 for i in chosen) == 1  # a short hold, then the end
    gaps = np.diff([i for i in chosen if i <= 49])
    assert gaps.max() - gaps.min() <= 1
    # Nothing moves: evenly spaced; never settles: all frames on the motion.
    assert motion_frames(np.zeros((11, 3)), 6, 1.0) == (0, 2, 4, 6, 8, 10)
    wobble = np.sin(np.arange(100))[:, None] * np.ones((1, 4))
    assert settled_index(wobble, 1.0) == 99 and len(set(motion_frames(wobble, 30, 1.0))) == 30


# --- posters ------------------------------------------------------------------------


def slope(prediction: np.ndarray, x: np.ndarray) -> float:
    return float((prediction[-1] - prediction[0]) / (x[-1] - x[0]))


def test_the_hovering_lines_poster_is_near_flat_where_its_last_frame_is_not():
    result = run_training(HOVERING_LINE, spread_motion=True)
    poster = poster_frame(result)
    slopes = [abs(slope(s.prediction, result.grid_x)) for s in result.snapshots]
    assert poster != len(result.snapshots) - 1
    assert slopes[poster] < 0.05
    assert slopes[poster] <= np.median(slopes[len(slopes) // 2 :])


def test_a_settled_runs_poster_is_its_last_frame():
    result = run_training(ONE_NEURON, spread_motion=True)
    assert poster_frame(result) == len(result.snapshots) - 1


def test_representative_frame_is_the_late_frame_nearest_the_late_mean():
    x = np.linspace(-1, 1, 5)
    tilts = [3, 2, 1, 0.5, -0.6, 0.4, -0.5, 0.3, -0.4, 0.6, 0.05, -0.5]  # a line rocking about flat
    rows = np.stack([x * t for t in tilts])
    assert representative_frame(np.arange(12) * 10, rows, 1.0) == 10  # the late rows are 9 to 11, their mean 0.05 x
    assert representative_frame(np.arange(3), np.zeros((3, 5)), 1.0) == 2


# --- axes -----------------------------------------------------------------------------


def test_y_limits_come_from_every_frame_and_wild_guesses_cannot_squash_the_fit():
    result = run_training(ONE_NEURON, spread_motion=True)
    low, high = training_y_limits(result)
    target_height = np.ptp(result.target_y)
    late = np.concatenate([s.prediction for s in result.snapshots[len(result.snapshots) // 4 :]])
    assert low < late.min() and late.max() < high  # every late frame fits
    assert high - low <= (1 + 2 * MAX_OVERSHOOT) * target_height * 1.2  # the fit fills most of the plot
    # Not the first frame's limits: a later frame that goes higher widens them.
    reference = np.array([0.0, 1.0])
    assert fixed_y_limits(reference, np.array([0.5, 1.2]))[1] > fixed_y_limits(reference, np.array([0.5]))[1]


# --- lines ------------------------------------------------------------------------------


def test_the_model_is_solid_and_on_top_and_the_points_sit_under_the_target():
    assert style.PREDICTION.linestyle == "-"  # dashes would blur a ReLU network's corners
    assert style.PREDICTION.zorder > style.TARGET.zorder > style.TRAINING_POINTS.zorder
    assert style.PREDICTION.linewidth < style.TARGET.linewidth
    points_px, target_px = style.TRAINING_POINTS.markersize, style.TARGET.linewidth
    assert target_px < points_px < 2 * target_px  # each point shows beside the line without hiding it


# --- activation plots and neurons --------------------------------------------------------


def test_activation_formulas_use_the_articles_z():
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "gelu"):
        formula = activation_formula(ActivationPlotSpec(f"{name}.png", name))
        assert "z" in formula and "x" not in formula.replace("max", "").replace("exp", ""), formula


def test_activation_plots_label_both_axes():
    import inspect

    from site_builder.experiments.figures.plots import draw_activation_plot

    defaults = {k: v.default for k, v in inspect.signature(draw_activation_plot).parameters.items()}
    assert "z" in defaults["xlabel"] and defaults["ylabel"]


def test_each_of_a_few_neurons_has_its_own_look_and_a_numbered_legend_entry():
    result = run_training(TrainingSpec("n.gif", "x**2", hidden=(3,), steps=200, frames=5, seed=2))
    looks = neuron_looks(result)
    assert len({(look.color, look.linestyle) for look in looks}) == 3
    rows = legend_rows(result)
    assert [label for label, _ in rows[-1]] == ["neuron 1", "neuron 2", "neuron 3"]
    # neuron 1 is the one whose share lies furthest left
    shares = np.abs(result.snapshots[-1].contributions)
    centres = (result.grid_x[:, None] * shares).sum(axis=0) / shares.sum(axis=0)
    assert looks[int(np.argmin(centres))] == NAMED_NEURONS[0]


def test_many_neurons_share_a_ramp_that_the_legend_explains():
    result = run_training(TrainingSpec("n.gif", "x**2", hidden=(12,), steps=50, frames=3, seed=0))
    assert len({look.color for look in neuron_looks(result)}) > len(NAMED_NEURONS)
    labels = [label for row in legend_rows(result) for label, _ in row]
    assert any("left" in label for label in labels) and any("right" in label for label in labels)


def test_every_legend_row_fits_the_figure():
    for hidden in ((1,), (4,), (20,)):
        result = run_training(TrainingSpec("n.gif", "x**2", hidden=hidden, steps=20, frames=3, seed=0))
        with style.figure_context():
            figure = style.new_canvas().figure
            for row in legend_rows(result):
                from matplotlib.lines import Line2D

                legend = figure.legend([Line2D([], [], **look.kwargs()) for _, look in row], [label for label, _ in row],
                                       ncols=len(row), handlelength=2.4, columnspacing=1.6, borderpad=0.0)
                width = legend.get_window_extent(figure.canvas.get_renderer()).width
                assert width <= 0.98 * figure.bbox.width, (hidden, [label for label, _ in row])


# --- titles ---------------------------------------------------------------------------------


def longest_titles() -> list[str]:
    """Built-in titles at the widest settings the declarations allow."""
    wide, names = MAX_HIDDEN_WIDTH, ("leaky_relu", "sigmoid", "tanh", "relu")
    titles = []
    for layers in range(1, MAX_HIDDEN_LAYERS + 1):
        for activation in (names[0], list(names[:layers])):
            for widths in ((wide,) * layers, tuple(wide - 1 - i for i in range(layers)), (16,) * layers):
                spec = TrainingSpec("t.gif", "x**2", hidden=widths, activation=activation)
                titles.append(training_title(spec))
                titles.append(classification_title(ClassificationSpec("c.png", dataset="spiral", hidden=widths, activation=activation)))
        titles.append(neurons_title(NeuronsSpec(TrainingSpec("n.gif", "x**2", hidden=(wide,), activation="leaky_relu"))))
    return titles


def test_every_built_in_title_fits_without_being_cut():
    titles = longest_titles()
    assert "4 hidden layers of 16 sigmoid neurons" in {training_title(TrainingSpec("t.gif", "x**2", hidden=(16,) * 4, activation="sigmoid"))}
    for title in titles:
        assert style.title_fits(title), title
        assert "…" not in title


# --- both page themes -------------------------------------------------------------------------


FIGURE_COLOURS = {
    "ink": style.INK, "muted ink": style.MUTED_INK, "blue": style.BLUE, "vermillion": style.VERMILLION,
    "bluish green": style.BLUISH_GREEN, "reddish purple": style.REDDISH_PURPLE, "orange": style.ORANGE, "sky": style.SKY,
    "neuron light": NEURON_LIGHT, "neuron dark": NEURON_DARK, "bias": BIAS.color,
    **{f"neuron {i + 1}": look.color for i, look in enumerate(NAMED_NEURONS)},
    **{f"compared run {i + 1}": c for i, c in enumerate(COMPARE_COLOURS)},
    **{f"gradient run {i + 1}": c for i, c in enumerate(GRADIENT_COLOURS)},
}


@pytest.mark.parametrize("name", sorted(FIGURE_COLOURS))
def test_every_figure_colour_has_3_to_1_contrast_in_both_themes(name):
    colour, background = FIGURE_COLOURS[name], style.BACKGROUND
    assert contrast_ratio(colour, background) >= 3.0
    assert contrast_ratio(dark_colour(colour), dark_colour(background)) >= 3.0


def test_text_has_4_5_to_1_contrast_in_both_themes():
    for colour in (style.INK, style.MUTED_INK):
        assert contrast_ratio(colour, style.BACKGROUND) >= 4.5
        assert contrast_ratio(dark_colour(colour), dark_colour(style.BACKGROUND)) >= 4.5


def test_in_the_dark_theme_a_figure_is_dark_like_the_page_and_keeps_its_hues():
    page_dark = re.search(r":root\[data-theme=dark\] \{\s*--bg: (#[0-9a-f]{6})", STYLESHEET.read_text()).group(1)
    assert contrast_ratio(dark_colour(style.BACKGROUND), page_dark) < 1.2
    for colour in (style.BLUE, style.VERMILLION, style.BLUISH_GREEN):
        original, shown = np.array(style_rgb(colour)), np.array(style_rgb(dark_colour(colour)))
        assert int(np.argmax(original)) == int(np.argmax(shown)), colour  # the dominant channel survives


def style_rgb(colour: str) -> tuple[float, float, float]:
    from matplotlib.colors import to_rgb

    return to_rgb(colour)


def test_the_stylesheet_applies_the_modelled_filter_in_both_ways_of_choosing_dark():
    css = STYLESHEET.read_text()
    rules = re.findall(r"([^{}]*)\{ filter: ([^;]+); \}", css)
    dark = [(selector.strip(), value) for selector, value in rules if "figure-image" in selector and "none" not in value]
    assert len(dark) == 2 and all(value == DARK_FILTER for _, value in dark)
    assert any("data-theme=dark" in selector for selector, _ in dark)
    assert any(":not([data-theme=light])" in selector for selector, _ in dark)
    assert all("player__canvas" in selector for selector, _ in dark)
