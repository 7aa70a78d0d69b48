""""Vanishing gradients, measured": every claim about a run, checked on the article's own declarations over ten seeds.

The declarations are read from the article, so retuning a figure there is held
at once to what the text says about it.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from site_builder.experiments.expressions import compile_expression
from site_builder.experiments.gradients import run_gradients
from site_builder.experiments.nn import TrainingDiverged, get_activation
from site_builder.experiments.specs import GradientsSpec, parse_figure, training_inputs
from test_science import front_matter

FOLDER = Path(__file__).parents[1] / "content" / "vanishing-gradients"
SEEDS = range(10)

pytestmark = pytest.mark.slow


def declaration(name: str) -> dict:
    return front_matter(FOLDER / "index.md")["figures"][name]


def gradients_spec() -> GradientsSpec:
    spec, issues = parse_figure("gradients.gif", declaration("gradients.gif"))
    assert issues == () and isinstance(spec, GradientsSpec), issues
    return spec


def flat_line_loss(spec: GradientsSpec) -> float:
    """The MSE of the best constant: the mean of the data."""
    y = compile_expression(spec.target)(training_inputs(spec.interval, spec.samples))
    return float(np.mean((y - y.mean()) ** 2))


@pytest.fixture(scope="module")
def runs() -> dict[int, dict[str, object]]:
    spec = gradients_spec()
    return {seed: {run.activation: run for run in run_gradients(dataclasses.replace(spec, seed=seed))} for seed in SEEDS}


def ratio(run) -> float:
    start = run.snapshots[0]
    return float(start.norms[0] / start.norms[-1])


def test_the_figure_compares_sigmoid_tanh_and_relu_through_ten_layers() -> None:
    spec = gradients_spec()
    assert spec.activations == ("sigmoid", "tanh", "relu") and spec.hidden == (16,) * 10 and spec.init == "auto"


def test_the_sigmoid_slope_is_at_most_a_quarter_and_only_at_the_centre() -> None:
    z = np.linspace(-6, 6, 1201)
    slope = get_activation("sigmoid").derivative(z)
    assert slope.max() == pytest.approx(0.25) and z[slope.argmax()] == pytest.approx(0.0)
    assert slope[np.abs(z) > 3].max() < 0.05  # "close to zero once the input is large of either sign"


def test_through_sigmoids_the_first_layer_starts_with_under_a_ten_thousandth_and_only_the_mean_is_learned(runs) -> None:
    flat = flat_line_loss(gradients_spec())
    for seed, by_activation in runs.items():
        sigmoid = by_activation["sigmoid"]
        assert ratio(sigmoid) < 1e-4, (seed, ratio(sigmoid))
        assert abs(sigmoid.snapshots[-1].loss - flat) < 0.01 * flat, (seed, sigmoid.snapshots[-1].loss, flat)


def test_through_tanh_and_relu_the_first_layer_gets_over_a_tenth_and_the_wave_is_learned(runs) -> None:
    flat = flat_line_loss(gradients_spec())
    for seed, by_activation in runs.items():
        for name in ("tanh", "relu"):
            run = by_activation[name]
            assert ratio(run) > 0.1, (seed, name, ratio(run))
            assert run.snapshots[-1].loss < 0.1 * flat, (seed, name, run.snapshots[-1].loss)


def test_which_of_tanh_and_relu_ends_lower_depends_on_the_seed(runs) -> None:
    winners = {"tanh" if r["tanh"].snapshots[-1].loss < r["relu"].snapshots[-1].loss else "relu" for r in runs.values()}
    assert winners == {"tanh", "relu"}


def test_the_sigmoid_line_sinks_and_flattens_over_training(runs) -> None:
    """The alt text: at the end the sigmoid network's gradient is about a millionth at every layer."""
    end = runs[0]["sigmoid"].snapshots[-1].norms
    assert end.max() < 1e-5 and end.max() / end.min() < 10


# --- the starting scale (scale.py) -------------------------------------------------------------


def scale_module():
    spec = importlib.util.spec_from_file_location("vanishing_scale", FOLDER / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_scale_figure_measures_the_gradients_figures_network() -> None:
    params = declaration("scale.png")["params"]
    spec = gradients_spec()
    assert (params["depth"], params["width"], params["seeds"]) == (len(spec.hidden), spec.hidden[0], 10)
    assert params["scale_min"] <= 0.5 and params["scale_max"] >= 4


def test_relu_keeps_the_signal_at_the_usual_scale_and_loses_or_multiplies_it_away_from_it() -> None:
    scale, params = scale_module(), declaration("scale.png")["params"]
    at = {s: np.array([scale.first_over_last("relu", s, params["depth"], params["width"], seed) for seed in SEEDS]) for s in (0.5, 1.0, 2.0)}
    assert np.all((at[1.0] > 0.1) & (at[1.0] < 10)), at[1.0]  # "between a tenth and ten times"
    assert np.all(at[0.5] < 0.1), at[0.5]  # "less than a tenth of it on every seed"
    assert np.all(at[2.0] > 50) and np.median(at[2.0]) > 100, at[2.0]  # "more than fifty times"; "tens to hundreds"


def test_no_scale_in_the_range_rescues_sigmoid_at_this_depth() -> None:
    scale, params = scale_module(), declaration("scale.png")["params"]
    scales, found = scale.ratios(params)
    assert scales[0] == pytest.approx(0.25) and scales[-1] == pytest.approx(4.0)
    assert np.all(found["sigmoid"] < 0.1), found["sigmoid"].max()
    assert np.all(np.diff(np.median(found["relu"], axis=0)) > 0), "ReLU's line rises steadily with the scale"


def test_relu_started_at_twice_the_scale_blows_up_at_the_rate_that_suits_the_usual_one() -> None:
    spec = dataclasses.replace(gradients_spec(), activations=("relu",), init_scale=2.0, frames=2)
    assert spec.lr == 0.05
    for seed in SEEDS:
        try:
            (run,) = run_gradients(dataclasses.replace(spec, seed=seed))
        except TrainingDiverged:
            continue  # overflowed
        assert run.snapshots[-1].loss > 1e6, (seed, run.snapshots[-1].loss)
