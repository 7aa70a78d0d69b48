""""Dying ReLUs and how to avoid them": every claim about a run, checked on the article's own declarations.

Claims about "every seed we ran" are checked on ten seeds or, where the
article's figure draws twenty starts, on those twenty.
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from site_builder.experiments.nn import TrainingDiverged
from site_builder.experiments.specs import CompareSpec, parse_figure
from site_builder.experiments.training import run_training
from test_science import front_matter

FOLDER = Path(__file__).parents[1] / "content" / "dying-relus"
SEEDS = range(10)

pytestmark = pytest.mark.slow


def declaration(name: str) -> dict:
    return front_matter(FOLDER / "index.md")["figures"][name]


def compare_spec(name: str) -> CompareSpec:
    spec, issues = parse_figure(name, declaration(name))
    assert issues == () and isinstance(spec, CompareSpec), issues
    return spec


def cost_module():
    spec = importlib.util.spec_from_file_location("dying_cost", FOLDER / "cost.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def starts() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(dead share, final loss) per start of cost.png, for ReLU and each activation the article compares."""
    cost, params = cost_module(), declaration("cost.png")["params"]
    return {activation: cost.outcomes(params, activation) for activation in ("relu", "leaky_relu", "elu", "gelu")}


def test_the_figures_train_one_layer_with_one_step_so_they_can_be_compared() -> None:
    seeds, friends, params = compare_spec("seeds.png").base, compare_spec("friends.png").base, declaration("cost.png")["params"]
    for spec in (seeds, friends):
        assert spec.hidden == (params["width"],) == (100,) and spec.lr == params["lr"] and spec.steps == params["steps"] and spec.target == params["target"]
        assert spec.init_output == "zero" and spec.init == "auto"
    assert params["seeds"] == 20


def test_no_neuron_is_dead_at_the_start_and_most_deaths_come_in_the_first_fifty_steps() -> None:
    base = compare_spec("seeds.png").base
    for seed in SEEDS:
        run = run_training(dataclasses.replace(base, seed=seed))
        by_step = {s.step: s.dead for s in run.snapshots}
        final = run.snapshots[-1].dead
        assert by_step[0] == 0, seed
        assert by_step[51] >= 0.75 * final - 1, (seed, by_step[51], final)  # "nearly all within the first fifty steps"
        later = [s.dead for s in run.snapshots if s.step >= 51]
        assert later == sorted(later) and final - by_step[51] <= 10, (seed, later)  # "after that the count barely moves"


def test_how_many_die_depends_on_the_start_from_almost_none_to_most(starts) -> None:
    dead, _ = starts["relu"]
    assert dead.min() < 0.05 and dead.max() > 0.8, dead


def test_every_start_that_lost_over_half_ends_worse_than_every_start_that_lost_under_a_quarter(starts) -> None:
    dead, loss = starts["relu"]
    assert (dead > 0.5).sum() >= 3 and (dead < 0.25).sum() >= 3, dead
    assert loss[dead > 0.5].min() > loss[dead < 0.25].max(), (loss[dead > 0.5], loss[dead < 0.25])


def test_the_more_neurons_die_the_worse_the_fit(starts) -> None:
    dead, loss = starts["relu"]
    ranks = lambda values: np.argsort(np.argsort(values))  # noqa: E731
    assert np.corrcoef(ranks(dead), ranks(loss))[0, 1] > 0.7  # Spearman's rank correlation


def test_the_friends_never_die_elu_and_gelu_end_below_relu_from_every_start_and_leaky_relu_from_most(starts) -> None:
    _, relu_loss = starts["relu"]
    for activation in ("leaky_relu", "elu", "gelu"):
        assert np.all(starts[activation][0] == 0), activation
    for activation in ("elu", "gelu"):  # "by a factor of four or more"
        assert np.all(starts[activation][1] < relu_loss / 4), (activation, starts[activation][1] / relu_loss)
    wins = int(np.sum(starts["leaky_relu"][1] < relu_loss))
    assert wins == 17, wins  # "seventeen of the twenty": the text names the count, so it must be exact


def test_elu_and_gelu_end_lowest_on_the_friends_figure_by_about_ten_times() -> None:
    spec = compare_spec("friends.png")
    final = {label: run_training(run).final_loss for label, run in spec.runs}
    relu, leaky, elu, gelu = (final[f"activation '{a}'"] for a in ("relu", "leaky_relu", "elu", "gelu"))
    assert relu > leaky > max(elu, gelu) and min(relu, leaky) > 4 * max(elu, gelu), final


def test_at_twice_the_rate_leaky_relu_and_elu_diverge_while_relu_survives_by_losing_over_seventy_neurons() -> None:
    base = dataclasses.replace(compare_spec("friends.png").base, lr=0.1, frames=2)
    for seed in SEEDS:
        for activation in ("leaky_relu", "elu"):
            with pytest.raises(TrainingDiverged):
                run_training(dataclasses.replace(base, activation=activation, seed=seed))
        relu = run_training(dataclasses.replace(base, activation="relu", seed=seed))
        assert relu.dead_neurons > 70, (seed, relu.dead_neurons)
