"""The ReLU guide's claims, checked against the training runs its figures come from.

The declarations are read from the article itself, so retuning a figure's
parameters there is immediately held to what the text says about it.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
import yaml

from site_builder.experiments.figures.runs import TrainingResult
from site_builder.experiments.nn import train
from site_builder.experiments.specs import CompareSpec, NeuronsSpec, TrainingSpec, parse_figure, training_inputs
from site_builder.experiments.training import GRID_POINTS, TrainingDiverged, dead_neurons, model_for, optimizer_for, run_training, snapshot_steps

ARTICLE = Path(__file__).parents[1] / "content" / "relu-guide" / "index.md"
SEEDS = range(10)  # every claim about a run is checked on at least these
LINEAR, ONE, TWO, TWENTY = (
    "linonelayer.gif",
    "quadratic_1lin1_relu.gif",
    "quadratic_1lin2_relu_2lin1.gif",
    "output_relu_multineuron.gif",
)


def front_matter(path: Path) -> dict:
    """The YAML between the opening '---' line and the next one."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "---", f"{path} does not start with front matter"
    end = lines.index("---", 1)
    return yaml.safe_load("\n".join(lines[1:end]))


def article_specs(kind: type) -> dict[str, object]:
    specs = {}
    for name, declaration in front_matter(ARTICLE)["figures"].items():
        spec, issues = parse_figure(name, declaration)
        assert issues == (), issues
        if isinstance(spec, kind):
            specs[name] = spec
    return specs


def article_training_specs() -> dict[str, TrainingSpec]:
    return article_specs(TrainingSpec)


@pytest.fixture(scope="module")
def runs() -> dict[str, TrainingResult]:
    return {name: run_training(spec) for name, spec in article_training_specs().items()}


def slopes(result: TrainingResult) -> np.ndarray:
    """(frames,) slope of each snapshot's prediction, end to end across the grid."""
    predictions = np.stack([s.prediction for s in result.snapshots])  # (frames, G)
    return (predictions[:, -1] - predictions[:, 0]) / (result.grid_x[-1] - result.grid_x[0])


def final_error(result: TrainingResult) -> np.ndarray:
    """(G,) |prediction - target| after training."""
    return np.abs(result.snapshots[-1].prediction - result.target_y)


# --- fast: the article's declarations and the training contract ---


def test_article_declares_the_four_networks_on_x_squared():
    specs = article_training_specs()
    assert {name: spec.hidden for name, spec in specs.items()} == {
        LINEAR: (), ONE: (1,), TWO: (2,), TWENTY: (20,)
    }  # fmt: skip
    assert {spec.target for spec in specs.values()} == {"x**2"}
    assert specs[LINEAR].batch_size is not None, "the tilting line is a mini-batch SGD story"


def test_the_neurons_figures_take_apart_the_two_and_twenty_neuron_runs():
    """The text says "the two-neuron network" and "the twenty-neuron network": the very same runs."""
    training = article_training_specs()
    taken_apart = {
        next(name for name, spec in training.items() if dataclasses.replace(spec, name=figure.name) == figure.training)
        for figure in article_specs(NeuronsSpec).values()
    }
    assert taken_apart == {TWO, TWENTY}


def test_snapshots_are_evenly_spaced_from_start_to_end():
    assert snapshot_steps(10, 11) == tuple(range(11))
    assert snapshot_steps(1000, 5) == (0, 250, 500, 750, 1000)
    assert snapshot_steps(7, 3) == (0, 4, 7)  # 3.5 rounds to even


def test_run_training_records_what_the_figures_draw():
    spec = TrainingSpec(name="t.gif", target="x**2", hidden=(3,), samples=10, steps=30, frames=7, seed=5)
    result = run_training(spec)
    assert [s.step for s in result.snapshots] == [0, 5, 10, 15, 20, 25, 30]
    assert result.grid_x.shape == result.target_y.shape == (GRID_POINTS,)
    np.testing.assert_allclose(result.train_x, np.linspace(-1, 1, 10))
    np.testing.assert_allclose(result.train_y, result.train_x**2)
    assert all(s.prediction.shape == (GRID_POINTS,) for s in result.snapshots)
    assert [w.shape for w, _ in result.final_params] == [(1, 3), (3, 1)]
    output_bias = result.final_params[-1][1][0]
    np.testing.assert_allclose(
        result.contributions.sum(axis=1) + output_bias, result.snapshots[-1].prediction
    )
    assert result.final_loss < result.snapshots[0].loss


def test_contributions_exist_only_for_one_hidden_layer():
    spec = TrainingSpec(name="t.gif", target="x", hidden=(), steps=3, frames=2)
    assert run_training(spec).contributions is None
    assert run_training(dataclasses.replace(spec, hidden=(2, 2))).contributions is None


def test_divergence_names_the_step_and_the_lr():
    spec = TrainingSpec(name="t.gif", target="x**2", interval=(-10.0, 10.0), lr=1.0, steps=100, frames=2)
    with pytest.raises(TrainingDiverged) as caught:
        run_training(spec)
    assert str(caught.value) == "training diverged to infinity at step 84; lower lr (now 1.0)"


# --- slow: the article's runs ---


@pytest.mark.slow
def test_loss_falls_from_the_line_to_one_two_and_twenty_neurons(runs):
    loss = {name: run.final_loss for name, run in runs.items()}
    assert loss[LINEAR] > 1.5 * loss[ONE], loss
    assert loss[ONE] > 10 * loss[TWO], loss
    assert loss[TWO] > 5 * loss[TWENTY], loss


def one_sided(run: TrainingResult) -> bool:
    """The single neuron is off on a whole half, the fit is level there and follows the other arm."""
    x, prediction, error = run.grid_x, run.snapshots[-1].prediction, final_error(run)
    active = run.contributions[:, 0] != 0  # (G,) where the single ReLU is on
    if not active.any():
        return False
    flat_side = x < 0 if not active[x < 0].any() else x > 0
    far_flat, far_active = (0, -1) if flat_side[0] else (-1, 0)
    return bool(not active[flat_side].any() and np.ptp(prediction[flat_side]) == 0.0 and error[far_flat] > 0.5
                and error[far_active] < 0.1 and np.mean(error[active] ** 2) < 1e-3)


@pytest.mark.slow
def test_on_almost_every_seed_one_neuron_covers_one_side_and_either_side_happens():
    """"Which arm gets followed depends on the seed ... on almost every seed one neuron covers one side"."""
    spec = article_training_specs()[ONE]
    runs = [run_training(dataclasses.replace(spec, seed=seed, frames=2)) for seed in range(20)]
    assert sum(map(one_sided, runs)) >= 18, [one_sided(run) for run in runs]
    sides = {bool(run.contributions[-1, 0] != 0) for run in runs if one_sided(run)}  # active on the right end?
    assert sides == {True, False}, "the hinge should face either way, depending on the seed"


@pytest.mark.slow
def test_started_the_usual_way_a_lone_neuron_often_drifts_off_the_data_when_its_output_weight_starts_negative():
    """@sec-dying: with a random w2 the lone neuron dies on a large share of seeds; each death had w2 < 0
    at the start, and most take many small steps (the corner slides), not one big jump."""
    spec = dataclasses.replace(article_training_specs()[ONE], init_output="auto")
    x = training_inputs(spec.interval, spec.samples)[:, None]
    deaths = []
    for seed in range(20):
        init_rng, batch_rng = np.random.default_rng(seed).spawn(2)
        model = model_for(spec, (1, 1, 1), init_rng, spec.interval)
        start_w2 = float(model.layers[1].weight[0, 0])
        died_at: list[int] = []
        def watch(step: int, m) -> None:  # noqa: E306
            if not died_at and dead_neurons(m, x) == 1:
                died_at.append(step)
        train(model, x, x**2, steps=spec.steps, lr=spec.lr, on_step=watch, optimizer=optimizer_for(spec))
        if died_at:
            deaths.append((seed, start_w2, died_at[0]))
    assert len(deaths) >= 5, deaths  # a large share of 20
    assert all(w2 < 0 for _, w2, _ in deaths), deaths
    assert sum(step > 10 for *_, step in deaths) >= 0.75 * len(deaths), deaths


@pytest.mark.slow
def test_one_neuron_is_flat_on_one_side_and_follows_the_other(runs):
    run = runs[ONE]
    x, prediction, error = run.grid_x, run.snapshots[-1].prediction, final_error(run)
    active = run.contributions[:, 0] != 0  # (G,) where the single ReLU is on
    flat_side = x < 0 if not active[x < 0].any() else x > 0
    assert not active[flat_side].any(), "the neuron should be off on a whole half of the interval"
    assert np.ptp(prediction[flat_side]) == 0.0  # exactly level there: only the output bias is left
    far_flat, far_active = (0, -1) if flat_side[0] else (-1, 0)
    assert error[far_flat] > 0.5, "on the flat side the fit misses the rising arm"
    assert error[far_active] < 0.1 and np.mean(error[active] ** 2) < 1e-3, "the sloped side follows its arm"


@pytest.mark.slow
def test_two_neurons_cover_both_sides(runs):
    run = runs[TWO]
    x, parts = run.grid_x, run.contributions  # (G,), (G, 2)
    active_sides = {
        ("left" if x[part != 0].max() < 0 else "right" if x[part != 0].min() > 0 else "both")
        for part in parts.T
    }
    assert active_sides == {"left", "right"}, "one hinge per arm"
    error = final_error(run)
    assert error[0] < 0.1 and error[-1] < 0.1 and error.max() < 0.1


@pytest.mark.slow
def test_each_of_the_two_neurons_is_zero_on_the_other_side(runs):
    """One hinge per tail: each neuron is exactly zero on the whole half where the other one works."""
    run = runs[TWO]
    x = run.grid_x
    left, right = sorted(run.contributions.T, key=lambda part: float(x[part != 0].mean()))
    assert np.all(left[x >= 0] == 0) and np.all(right[x <= 0] == 0)
    assert left[0] > 0.5 and right[-1] > 0.5, "each carries its tail of the parabola"
    final = run.snapshots[-1]
    np.testing.assert_allclose(left + right + final.output_bias, final.prediction, atol=1e-12)


@pytest.mark.slow
def test_twenty_neurons_lie_almost_on_the_curve_from_any_seed():
    """"Twenty do about as well from any seed": every one of ten seeds fits closely and keeps all its neurons."""
    spec = article_training_specs()[TWENTY]
    for seed in SEEDS:
        run = run_training(dataclasses.replace(spec, seed=seed, frames=2))
        assert run.final_loss < 5e-4 and final_error(run).max() < 0.08 and run.dead_neurons <= 1, (seed, run.final_loss, run.dead_neurons)


@pytest.mark.slow
def test_the_sgd_line_keeps_tilting_and_never_settles(runs):
    spec = article_training_specs()[LINEAR]
    late = slopes(runs[LINEAR])[len(runs[LINEAR].snapshots) // 2 :]  # last half of training
    sign_changes = int(np.sum(np.diff(np.sign(late)) != 0))
    assert sign_changes >= 10, f"slope changed sign only {sign_changes} times"
    last_quarter = late[len(late) // 2 :]
    assert np.abs(last_quarter).max() > 0.1, "still visibly tilting at the end"
    # The cause is the mini-batches: full-batch descent from the same start settles.
    settled = slopes(run_training(dataclasses.replace(spec, batch_size=None)))
    assert np.abs(settled[len(settled) // 2 :]).max() < 1e-3


@pytest.mark.slow
def test_runs_are_deterministic(runs):
    for name, spec in article_training_specs().items():
        again = run_training(spec)
        for first, second in zip(runs[name].snapshots, again.snapshots):
            assert first.loss == second.loss
            np.testing.assert_array_equal(first.prediction, second.prediction)
        other = run_training(dataclasses.replace(spec, seed=spec.seed + 1))
        assert not np.array_equal(other.snapshots[-1].prediction, again.snapshots[-1].prediction)


@pytest.mark.parametrize("seed", range(10))
def test_through_eight_sigmoid_layers_the_gradient_vanishes_and_the_network_learns_only_the_mean(seed):
    """The sigmoid section's @fig-vanishing paragraph, on the article's declaration, for ten seeds.

    The text says: at the start the first sigmoid layer gets a vanishing share
    of the last layer's gradient (quoted as 1.7 × 10⁻⁷ for seed 0) while ReLU's
    first layer gets a sizeable share; at the end the ReLU network fits x² and
    the sigmoid network's error is the flat line's (the variance of the targets).
    """
    from site_builder.experiments.gradients import run_gradients
    from site_builder.experiments.specs import GradientsSpec, training_inputs

    (spec,) = article_specs(GradientsSpec).values()
    sigmoid, relu = run_gradients(dataclasses.replace(spec, seed=seed))
    assert (sigmoid.activation, relu.activation) == ("sigmoid", "relu")
    share = {run.activation: run.snapshots[0].norms[0] / run.snapshots[0].norms[-1] for run in (sigmoid, relu)}
    assert share["sigmoid"] < 1e-4 and share["relu"] > 0.03, share
    flat_line = float(np.var(training_inputs(spec.interval, spec.samples) ** 2))
    assert sigmoid.snapshots[-1].loss == pytest.approx(flat_line, rel=1e-3)
    assert relu.snapshots[-1].loss < flat_line / 10


def hinge_directions(run: TrainingResult) -> tuple[str, ...]:
    """Which way each hidden neuron of a 1-hidden-layer run faces at the end: 'R' (on for large x) or 'L'."""
    (w1, _), _ = run.final_params
    return tuple("R" if w > 0 else "L" for w in w1[0])


def start_directions(spec: TrainingSpec) -> tuple[str, ...]:
    init_rng, _ = np.random.default_rng(spec.seed).spawn(2)
    model = model_for(spec, (1, *spec.hidden, 1), init_rng, spec.interval)
    return tuple("R" if w > 0 else "L" for w in model.layers[0].weight[0])


@pytest.mark.slow
def test_two_hinges_keep_their_start_direction_and_split_the_arms_when_they_start_opposite():
    """"A hinge keeps the direction it starts with"; "when the two start facing opposite ways they split
    the arms between them"; "when both start facing the same way, the network can get stuck"."""
    spec = article_training_specs()[TWO]
    kept, opposite_good, opposite, same_stuck = 0, 0, 0, 0
    for seed in range(20):
        seeded = dataclasses.replace(spec, seed=seed, frames=2)
        run, start = run_training(seeded), start_directions(seeded)
        kept += sum(a == b for a, b in zip(start, hinge_directions(run)))
        if len(set(start)) == 2:
            opposite += 1
            opposite_good += run.final_loss < 0.01 and final_error(run)[[0, -1]].max() < 0.2
        else:
            same_stuck += run.final_loss > 0.05
    assert kept >= 0.9 * 40, kept
    assert opposite >= 5 and opposite_good >= 0.9 * opposite, (opposite_good, opposite)
    assert same_stuck >= 1


def compare_specs() -> dict[str, CompareSpec]:
    return article_specs(CompareSpec)


@pytest.mark.slow
def test_the_four_seeds_of_the_two_neuron_figure_are_what_the_text_says():
    """@fig-two-seeds: seed 0 a bathtub (a flat floor), seed 1 a V, seed 3 stuck on one arm."""
    from site_builder.experiments.comparison import run_comparison

    (spec,) = (s for name, s in compare_specs().items() if name == "two_seeds.png")
    runs = {run.label: run.result for run in run_comparison(spec)}
    floor = lambda run: np.ptp(run.snapshots[-1].prediction[np.abs(run.grid_x) < 0.1])  # noqa: E731
    assert floor(runs["seed 0"]) == pytest.approx(0.0, abs=1e-12) and runs["seed 0"].final_loss < 0.002
    assert floor(runs["seed 1"]) > 0.05 and runs["seed 1"].snapshots[-1].prediction.min() < -0.05  # a V dipping below 0
    assert len(set(start_directions(dataclasses.replace(spec.base, seed=3)))) == 1 and runs["seed 3"].final_loss > 0.05
    assert set(start_directions(dataclasses.replace(spec.base, seed=0))) == {"L", "R"}
    assert set(start_directions(dataclasses.replace(spec.base, seed=1))) == {"L", "R"}


def dying_runs(lr: float, seed: int) -> TrainingResult:
    (spec,) = (s for name, s in compare_specs().items() if name == "dying.png")
    return run_training(dataclasses.replace(spec.base, lr=lr, seed=seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_a_step_too_large_for_the_width_kills_most_neurons_in_the_first_steps(seed):
    """@fig-dying: at 0.2 the error jumps to hundreds of times its start and most of the hundred die within the first few
    steps, for good; at 0.02 almost none die and the fit is better; 0.05 lies between."""
    fast, medium, slow = (dying_runs(lr, seed) for lr in (0.2, 0.05, 0.02))
    units = fast.hidden_units
    assert units == 100
    early = [s for s in fast.snapshots if s.step <= 10]
    assert max(s.loss for s in early) > 100 * early[0].loss, [s.loss for s in early]
    assert fast.dead_neurons >= 85 and early[-1].dead >= 0.9 * fast.dead_neurons, (early[-1].dead, fast.dead_neurons)
    assert [s.dead for s in fast.snapshots if s.step >= early[-1].step] == sorted(s.dead for s in fast.snapshots if s.step >= early[-1].step), "they never come back"
    assert slow.dead_neurons <= 3 and slow.final_loss < fast.final_loss
    assert slow.dead_neurons <= medium.dead_neurons <= fast.dead_neurons


@pytest.mark.slow
def test_twenty_hinges_face_both_ends_some_pull_down_and_other_seeds_find_other_hinges_for_the_same_curve():
    """@fig-twenty-apart's paragraph: hinges face both ends and a few pull the output down, on every
    seed; from another seed, a different set of hinges makes almost the same curve."""
    spec = article_training_specs()[TWENTY]
    runs = [run_training(dataclasses.replace(spec, seed=seed, frames=2)) for seed in SEEDS]
    for run in runs:
        (_, _), (w2, _) = run.final_params
        assert set(hinge_directions(run)) == {"L", "R"}
        assert (w2[:, 0] < 0).any(), "some neuron pulls the output down"
    wide_active = sum(bool(((run.contributions != 0).mean(axis=0) > 0.75).any()) for run in runs)
    assert wide_active >= 9, "some neuron stays active over most of the interval"
    curves = np.stack([run.snapshots[-1].prediction for run in runs])  # (seeds, G)
    assert np.abs(curves - curves.mean(axis=0)).max() < 0.1, "almost the same curve from every seed"
    sorted_kinks = [np.sort(-run.final_params[0][1] / run.final_params[0][0][0]) for run in runs]
    assert min(np.abs(a - b).max() for i, a in enumerate(sorted_kinks) for b in sorted_kinks[i + 1:]) > 0.05, "but different hinges"


def extrapolation_params() -> dict:
    return front_matter(ARTICLE)["figures"]["extrapolate.png"]["params"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_past_the_data_the_polynomial_runs_away_and_the_relu_network_stays_straight(seed):
    """@fig-extrapolate: both fit |x| inside; outside, the polynomial leaves the chart within a fraction of
    a unit while the network's arms are straight lines (on every seed of the network)."""
    import importlib.util

    loader = importlib.util.spec_from_file_location("extrapolate", ARTICLE.parent / "extrapolate.py")
    module = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(module)
    grid, target, polynomial, network, _ = module.predictions({**extrapolation_params(), "seed": seed})
    inside, outside = np.abs(grid) <= 1, np.abs(grid) >= 1.3
    assert np.abs(polynomial - target)[inside].max() < 0.1 and np.abs(network - target)[inside].max() < 0.1
    assert np.abs(polynomial - target)[outside].min() > 2.5, "off a chart that ends 0.9 above the data's top"
    for side in (grid > 1.05, grid < -1.05):  # straight: second differences vanish past the last corner
        assert np.abs(np.diff(network[side], 2)).max() < 1e-9
    assert np.abs(network - target)[outside].max() < 0.2


@pytest.mark.slow
def test_on_x_squared_two_layers_of_three_end_about_as_close_as_one_layer_of_six():
    """"Would more layers give crisper results? ... on x² that barely shows at these sizes"."""
    base = article_training_specs()[TWENTY]
    median = {}
    for hidden in ((6,), (3, 3)):
        median[hidden] = float(np.median([run_training(dataclasses.replace(base, hidden=hidden, seed=s, frames=2)).final_loss for s in SEEDS]))
    assert 0.5 < median[(3, 3)] / median[(6,)] < 2, median
