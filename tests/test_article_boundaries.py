""""Drawing decision boundaries": its claims, checked against the article's own declared runs, over ten seeds.

Each seed draws its own points and its own starting weights. The declarations
are read from the article, so retuning a figure there is held to its words.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from site_builder.experiments.specs import ClassificationSpec, parse_figure
from test_science import front_matter

ARTICLE = Path(__file__).parents[1] / "content" / "decision-boundaries" / "index.md"
SEEDS = range(10)


def spec(name: str) -> ClassificationSpec:
    parsed, issues = parse_figure(name, front_matter(ARTICLE)["figures"][name])
    assert issues == () and isinstance(parsed, ClassificationSpec), issues
    return parsed


def accuracies(name: str, **changes: object) -> list[tuple[float, float]]:
    """(train, test) accuracy at the end of the figure's run, on every seed."""
    from site_builder.experiments.classification import run_classification

    base = dataclasses.replace(spec(name), frames=2, **changes)
    ends = [run_classification(dataclasses.replace(base, seed=seed)).snapshots[-1] for seed in SEEDS]
    return [(end.train_accuracy, end.test_accuracy) for end in ends]


def test_the_figures_are_the_networks_the_text_names():
    assert spec("xor_line.png").hidden == () and spec("circle_line.png").hidden == ()
    for name in ("xor_four.gif", "xor_neurons.png", "circle_four.png", "spiral_four.png"):
        assert spec(name).hidden == (4,) and spec(name).activations == ("relu",), name
    assert spec("spiral_deep.png").hidden == (16, 16)
    assert spec("spiral_four.png").samples == spec("spiral_deep.png").samples == 600
    assert all(spec(name).loss == "cross_entropy" for name in front_matter(ARTICLE)["figures"] if name.endswith((".png", ".gif")) and name != "crossentropy.png")
    # the neurons view takes apart the very run the animation shows
    assert dataclasses.replace(spec("xor_neurons.png"), name="x", view="regions", frames=2) == dataclasses.replace(spec("xor_four.gif"), name="x", frames=2, fps=spec("xor_neurons.png").fps)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xor_line.png", "circle_line.png"])
def test_a_straight_line_stays_near_a_coin_toss_on_every_seed(name):
    tests = [test for _, test in accuracies(name)]
    assert all(0.25 <= test <= 0.65 for test in tests), tests


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xor_four.gif", "circle_four.png"])
def test_four_relus_score_high_on_every_seed(name):
    tests = [test for _, test in accuracies(name)]
    assert min(tests) >= 0.9, tests


@pytest.mark.slow
def test_four_relus_cannot_wind_around_the_spiral_on_any_seed():
    tests = [test for _, test in accuracies("spiral_four.png")]
    assert max(tests) <= 0.7, tests


@pytest.mark.slow
def test_two_layers_of_sixteen_follow_the_spiral_above_nine_in_ten_on_every_seed():
    tests = [test for _, test in accuracies("spiral_deep.png")]
    assert min(tests) > 0.9, tests


@pytest.mark.slow
def test_with_200_points_the_deep_network_fits_every_training_point_but_its_test_score_depends_on_the_seed():
    runs = accuracies("spiral_deep.png", samples=200)
    assert all(train >= 0.99 for train, _ in runs), runs
    tests = [test for _, test in runs]
    assert max(tests) - min(tests) > 0.15 and min(tests) < 0.85, tests


def crossentropy_curves() -> dict:
    loader = importlib.util.spec_from_file_location("crossentropy", ARTICLE.parent / "crossentropy.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    return module.curves(front_matter(ARTICLE)["figures"]["crossentropy.png"]["params"])


def test_cross_entropy_pulls_hardest_when_most_wrong_and_squared_error_barely_pulls_there():
    c = crossentropy_curves()
    wrong = c["at_wrong"]
    assert wrong["probability"] < 0.05
    assert wrong["cross_entropy_slope"] < -0.95 and abs(wrong["squared_slope"]) < 0.05
    left = c["z"] < -3  # confidently wrong
    assert (np.abs(c["cross_entropy_slope"][left]) > 0.95).all() and (np.abs(c["squared_slope"][left]) < 0.1).all()
    assert np.all(np.diff(np.abs(c["cross_entropy_slope"])) <= 0), "the further wrong, the harder it pulls"
    # the slopes are the derivatives of the losses drawn
    dz = c["z"][1] - c["z"][0]
    np.testing.assert_allclose(np.gradient(c["cross_entropy"], dz)[1:-1], c["cross_entropy_slope"][1:-1], atol=1e-3)
    np.testing.assert_allclose(np.gradient(c["squared"], dz)[1:-1], c["squared_slope"][1:-1], atol=1e-3)
