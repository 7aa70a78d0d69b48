"""The wider model menu: classification, gradients and compare figures, the model options, the datasets,
and the numbers the text quotes from the runs. The science each kind exists to show is asserted across seeds."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from site_builder.build import build
from site_builder.experiments.classification import run_classification
from site_builder.experiments.datasets import DATASET_NAMES, make_dataset, split
from site_builder.experiments.gradients import run_gradients
from site_builder.experiments.produce import produce_figure
from site_builder.experiments.specs import RESULTS_FILE, ClassificationSpec, CompareSpec, GradientsSpec, TrainingSpec, parse_figure
from site_builder.experiments.training import run_training
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed
from site_builder.render.markup.figure_numbers import QuoteError, evaluate_quote, quote_numbers

GOLDEN = Path(__file__).parent / "golden" / "figures"
SEEDS = range(10)


def spec_of(declaration: dict, name: str = "f.png"):
    spec, issues = parse_figure(name, declaration)
    assert not issues, issues
    return spec


def issues_of(declaration: dict, name: str = "f.png") -> list[str]:
    spec, issues = parse_figure(name, declaration)
    assert spec is None
    return [issue.message for issue in issues]


# --- declarations ---------------------------------------------------------------------------------


def test_the_new_kinds_parse_with_their_defaults():
    assert spec_of({"kind": "classification", "dataset": "xor"}) == ClassificationSpec("f.png", "xor")
    assert spec_of({"kind": "gradients"}) == GradientsSpec("f.png")
    compare = spec_of({"kind": "compare", "target": "x**2", "hidden": [2], "vary": {"lr": [0.02, 0.2], "seed": [0, 1]}})
    assert isinstance(compare, CompareSpec)
    assert [label for label, _ in compare.runs] == ["lr 0.02, seed 0", "lr 0.02, seed 1", "lr 0.2, seed 0", "lr 0.2, seed 1"]
    assert [(run.lr, run.seed, run.hidden) for _, run in compare.runs] == [(0.02, 0, (2,)), (0.02, 1, (2,)), (0.2, 0, (2,)), (0.2, 1, (2,))]


def test_model_options_parse_for_every_training_kind():
    options = {"activation": ["tanh", "relu"], "init": "xavier", "init_scale": 0.5, "optimizer": "adam", "betas": [0.8, 0.99], "weight_decay": 0.001}
    training = spec_of({"kind": "training", "target": "x**2", "hidden": [3, 3], **options})
    assert (training.activations, training.init, training.optimizer, training.betas) == (("tanh", "relu"), "xavier", "adam", (0.8, 0.99))
    classification = spec_of({"kind": "classification", "dataset": "moons", "hidden": [3, 3], **options})
    assert classification.activations == ("tanh", "relu") and classification.weight_decay == 0.001


@pytest.mark.parametrize(("declaration", "message"), [
    ({"kind": "training", "target": "x**2", "hidden": [2], "activation": ["tanh", "relu"]},
     "activation lists 2 activations but hidden has 1 layer; give one per hidden layer, or one name for all"),
    ({"kind": "training", "target": "x**2", "loss": "cross_entropy"},
     "loss: a training figure fits a curve, with the mean squared error; cross_entropy is for kind: classification"),
    ({"kind": "training", "target": "x**2", "optimizer": "rmsprop"}, "optimizer must be one of sgd, momentum, adam; got 'rmsprop'"),
    ({"kind": "training", "target": "x**2", "init": "kaiming"}, "init must be one of auto, he, xavier, normal; got 'kaiming'"),
    ({"kind": "training", "target": "x**2", "betas": [0.9]}, "betas must be two numbers [beta1, beta2], each at least 0 and less than 1, like [0.9, 0.999]; got [0.9]"),
    ({"kind": "classification", "dataset": "xor", "classes": 3},
     "the xor dataset has two classes; only gauss and spiral take more, so leave classes out or choose one of those"),
    ({"kind": "classification", "dataset": "swirl"}, "dataset must be one of circle, xor, gauss, spiral, moons; got 'swirl'"),
    ({"kind": "gradients", "hidden": [16] * 11}, "hidden must be a list of at most 10 layer widths, each a whole number from 1 to 256, like [2] or [20, 20]; got [16, 16, 16, 16, 16, 16, 16, 16, 16, ..."),
    ({"kind": "compare", "target": "x**2", "vary": {"colour": [1, 2]}}, "vary: 'colour' cannot vary; the settings that can: seed, lr, hidden, activation, optimizer, init, init_output, batch_size, weight_decay, steps"),
    ({"kind": "compare", "target": "x**2", "vary": {"lr": [0.1, 20]}}, "vary: lr must be a number greater than 0 and at most 10; got 20"),
    ({"kind": "compare", "target": "x**2", "vary": {"seed": list(range(5)), "lr": [0.1, 0.2]}},
     "vary makes 10 runs, more than the 8 one figure can tell apart; vary fewer values"),
    ({"kind": "compare", "target": "x**2", "activation": ["relu"], "hidden": [2], "vary": {"hidden": [[2], [2, 2]]}},
     "the run 'hidden [2, 2]': activation lists 1 activation but hidden has 2 layers"),
])
def test_bad_declarations_say_what_to_change(declaration, message):
    assert message in issues_of(declaration)


# --- datasets -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_datasets_are_seeded_balanced_and_inside_the_plane(name):
    first = make_dataset(name, 201, 0.2, np.random.default_rng(3))
    again = make_dataset(name, 201, 0.2, np.random.default_rng(3))
    np.testing.assert_array_equal(first.x, again.x)
    assert first.x.shape == (201, 2) and set(np.unique(first.y)) == {0, 1}
    if name != "xor":  # xor's classes are the quadrants its uniform points fall in
        assert abs(int((first.y == 0).sum()) - int((first.y == 1).sum())) <= 1
    assert np.abs(make_dataset(name, 400, 0.0, np.random.default_rng(0)).x).max() < 7.0
    train, test = split(first, 0.25)
    assert (len(train.y), len(test.y)) == (151, 50)


def test_noiseless_datasets_are_separated_by_their_own_boundary():
    rng = np.random.default_rng(0)
    circle = make_dataset("circle", 500, 0.0, rng)
    radius = np.linalg.norm(circle.x, axis=1)
    assert radius[circle.y == 1].max() < radius[circle.y == 0].min()
    xor = make_dataset("xor", 500, 0.0, rng)
    np.testing.assert_array_equal(xor.y, (xor.x[:, 0] * xor.x[:, 1] > 0).astype(int))
    assert set(np.unique(make_dataset("spiral", 300, 0.0, rng, classes=3).y)) == {0, 1, 2}


# --- the science each kind exists to show, across seeds ---------------------------------------------


def test_a_linear_model_stays_near_chance_on_xor_and_four_relus_solve_it():
    linear = [run_classification(spec_of({"kind": "classification", "dataset": "xor", "hidden": [], "seed": s})).snapshots[-1].test_accuracy for s in SEEDS]
    relus = [run_classification(spec_of({"kind": "classification", "dataset": "xor", "hidden": [4], "activation": "relu", "seed": s})).snapshots[-1].test_accuracy for s in SEEDS]
    assert all(0.3 <= accuracy <= 0.7 for accuracy in linear), linear  # always near chance: no line separates xor
    assert sum(accuracy > 0.95 for accuracy in relus) >= 9, relus  # one hidden layer of 4 ReLUs: at least 9 seeds in 10


def test_in_ten_sigmoid_layers_the_gradient_vanishes_and_with_relu_and_he_it_does_not():
    for seed in SEEDS:
        spec = spec_of({"kind": "gradients", "hidden": [16] * 10, "activations": ["sigmoid", "relu"], "init": "he", "seed": seed, "steps": 1, "frames": 2})
        sigmoid, relu = run_gradients(spec)
        sigmoid_ratio = sigmoid.snapshots[0].norms[0] / sigmoid.snapshots[0].norms[-1]
        relu_ratio = relu.snapshots[0].norms[0] / relu.snapshots[0].norms[-1]
        assert sigmoid_ratio < 1e-4, (seed, sigmoid_ratio)  # orders of magnitude smaller at the first layer
        assert relu_ratio > 1e-2 and relu_ratio > 1e3 * sigmoid_ratio, (seed, relu_ratio)  # much less so


def test_a_dead_relu_layer_is_counted():
    spec = spec_of({"kind": "gradients", "hidden": [8, 8, 8], "activations": ["relu", "tanh"], "dead": True, "steps": 2, "frames": 2})
    relu, tanh = run_gradients(spec)
    assert all(0.0 <= value <= 1.0 for value in relu.snapshots[-1].dead)
    assert np.isnan(tanh.snapshots[-1].dead).all()


def test_compare_draws_one_curve_per_run():
    from site_builder.experiments.comparison import run_comparison
    from site_builder.experiments.figures import style
    from site_builder.experiments.figures.compare import build_compare_scene, compare_figure

    spec = spec_of({"kind": "compare", "target": "x**2", "hidden": [2], "steps": 50, "vary": {"seed": [0, 1, 2]}})
    runs = run_comparison(spec)
    assert [r.result.final_loss for r in runs] == [run_training(run).final_loss for _, run in spec.runs]
    for show in ("loss", "fit"):
        with style.figure_context():
            scene = build_compare_scene(style.new_canvas(), compare_figure(runs, show), "T")
        assert len(scene.lines) == 3 and [line.get_label() for line in scene.lines] == ["seed 0", "seed 1", "seed 2"]


# --- figures and their numbers ---------------------------------------------------------------------


def golden(name: str, png: bytes) -> None:
    """Compare a figure with its checked-in reference, downscaled to grey (UPDATE_GOLDEN=1 rewrites it)."""
    small = Image.open(io.BytesIO(png)).convert("L").resize((320, 240), Image.Resampling.BOX)
    path = GOLDEN / f"{name}.png"
    if os.environ.get("UPDATE_GOLDEN") == "1" or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        small.save(path, optimize=True)
        if os.environ.get("UPDATE_GOLDEN") != "1":
            pytest.fail(f"no golden image for {name}; wrote {path}: check it, commit it, and run again")
    reference = np.asarray(Image.open(path), dtype=float)
    difference = np.abs(np.asarray(small, dtype=float) - reference)
    assert difference.mean() < 1.5 and np.percentile(difference, 99.5) < 60, (name, difference.mean())


@pytest.mark.slow
@pytest.mark.parametrize(("name", "declaration"), [
    ("xor.png", {"kind": "classification", "dataset": "xor", "hidden": [4]}),
    ("circle-neurons.png", {"kind": "classification", "dataset": "circle", "hidden": [4, 3], "view": "neurons", "steps": 800}),
    ("gradients.png", {"kind": "gradients", "hidden": [16] * 10, "activations": ["sigmoid", "tanh", "relu"], "init": "he", "dead": True}),
    ("compare-loss.png", {"kind": "compare", "target": "x**2", "hidden": [20], "vary": {"lr": [0.02, 0.2]}}),
    ("compare-fit.png", {"kind": "compare", "target": "x**2", "lr": 0.2, "vary": {"hidden": [[1], [2], [20]]}, "show": "fit"}),
])
def test_figures_match_their_golden_images(name, declaration):
    files = produce_figure(spec_of(declaration, name))
    assert Image.open(io.BytesIO(files[name])).size == (1280, 960)
    golden(name.removesuffix(".png"), files[name])


@pytest.mark.slow
def test_an_animated_classification_gets_a_poster_player_data_and_its_numbers():
    spec = spec_of({"kind": "classification", "dataset": "moons", "hidden": [6], "steps": 60, "frames": 7}, "moons.gif")
    files = produce_figure(spec)
    assert set(files) == {"moons.gif", "moons.poster.png", "moons.frames.js", RESULTS_FILE}
    gif = Image.open(io.BytesIO(files["moons.gif"]))
    assert gif.n_frames == 7 and gif.size == (640, 480)
    data = json.loads(files["moons.frames.js"].decode().split("] = ", 1)[1].rstrip().rstrip(";"))
    assert data["kind"] == "raster" and data["labels"][0].startswith("step 0   loss ") and "test " in data["labels"][-1]
    numbers = json.loads(files[RESULTS_FILE])
    assert set(numbers) == {"final_loss", "train_accuracy", "test_accuracy", "steps"} and numbers["steps"] == 60


def test_quotes_take_fields_and_filters_and_refuse_the_rest():
    numbers = {"fit.png": {"final_loss": 0.012345678, "test_accuracy": 0.973}, "cmp.png": {"runs": {"lr 0.2": {"final_loss": 1.5e-7}}, "final_loss": [0.5, 0.25]}}
    assert evaluate_quote('figure("fit.png").final_loss', numbers) == "0.01235"
    assert evaluate_quote('figure("fit.png").final_loss | round(3)', numbers) == "0.012"
    assert evaluate_quote('figure("fit.png").test_accuracy | percent', numbers) == "97%"
    assert evaluate_quote('figure("fit.png").test_accuracy | percent(1)', numbers) == "97.3%"
    assert evaluate_quote('figure("cmp.png").runs["lr 0.2"].final_loss | sci(1)', numbers) == "1.5 × 10⁻⁷"
    assert evaluate_quote('figure("cmp.png").final_loss[1]', numbers) == "0.25"
    for expression, message in [
        ('figure("fit.png").final_los', "figure('fit.png') has no 'final_los' (did you mean 'final_loss'?); it has final_loss, test_accuracy"),
        ('figure("fit.gif").final_loss', "figure('fit.gif') is not a figure with numbers in this article (did you mean 'fit.png'?); the figures with numbers: cmp.png, fit.png"),
        ('figure("fit.png").final_loss | rounded', "unknown filter 'rounded'; the filters: round(N), percent, percent(N), sci(N), int"),
        ('figure("cmp.png").runs | round(2)', "| round needs a number, and this is a set of fields; pick a number field"),
        ("__import__('os').system('x')", "a figure number starts with figure(\"NAME\"), the name of a figure this article declares"),
    ]:
        with pytest.raises(QuoteError) as caught:
            evaluate_quote(expression, numbers)
        assert str(caught.value) == message
    text, problems = quote_numbers('A {{ figure("fit.png").test_accuracy | percent }} fit; `{{ code }}` and\n```\n{{ fenced }}\n```\n', numbers)
    assert text == 'A 97% fit; `{{ code }}` and\n```\n{{ fenced }}\n```\n' and problems == []


@pytest.mark.slow
def test_an_article_quotes_its_figures_numbers_and_a_wrong_quote_names_its_line(make_project):
    article = (
        "---\ntitle: Xor\ndate: 2026-01-01\nfigures:\n  xor.png: {kind: classification, dataset: xor, hidden: [4]}\n"
        "  line.png: {kind: classification, dataset: xor, hidden: []}\n---\n\n"
        "![Four ReLUs.](xor.png \"Four ReLUs.\")\n\n![A line.](line.png \"A line.\")\n\n"
        "Four ReLUs reach {{ figure(\"xor.png\").test_accuracy | percent }}; a line, {{ figure(\"line.png\").test_accuracy | percent }}.\n"
    )
    root = make_project({"content/xor/index.md": article})
    build(BuildOptions(root=root))
    page = (root / "_site/xor/index.html").read_text(encoding="utf-8")
    xor = run_classification(spec_of({"kind": "classification", "dataset": "xor", "hidden": [4]})).snapshots[-1]
    assert f"Four ReLUs reach {xor.test_accuracy:.0%}; a line, " in page
    (root / "content/xor/index.md").write_text(article + "\nAnd {{ figure(\"xor.png\").accuracy }}.\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    assert [str(p) for p in failure.value.problems] == [
        "content/xor/index.md:15: figure('xor.png') has no 'accuracy' (did you mean 'test_accuracy'?); it has final_loss, steps, test_accuracy, train_accuracy",
    ]


def test_a_title_too_long_for_the_figure_shrinks_to_fit_and_a_short_one_keeps_its_size():
    from site_builder.experiments.figures import style

    with style.figure_context():
        for title, shrinks in (("A short title", False), ("Hidden layers of 16, 16, 16 and 16 sigmoid neurons on a spiral with noise", True)):
            figure, _ = style.new_figure(title)
            (heading,) = [t for t in figure.texts if t.get_fontweight() == "bold"]
            extent = heading.get_window_extent(figure.canvas.get_renderer())
            assert extent.x1 <= figure.bbox.width * (1 - style.MARGIN_LEFT) + 0.5
            assert (heading.get_fontsize() < style.TITLE_SIZE) == shrinks
            if shrinks:
                assert heading.get_fontsize() == style.MIN_TITLE_SIZE
                assert heading.get_text().endswith("…") and title.startswith(heading.get_text()[:-1])
            else:
                assert heading.get_text() == title


def test_init_output_zero_zeroes_only_the_output_weights_and_keeps_every_other_draw() -> None:
    from site_builder.experiments.nn import get_activation, init_mlp

    draws = [init_mlp((1, 5, 3, 1), get_activation("relu"), np.random.default_rng(7), (-1.0, 1.0), output=out) for out in ("auto", "zero")]
    auto, zero = draws
    for a, z in zip(auto.layers[:-1], zero.layers[:-1]):
        np.testing.assert_array_equal(a.weight, z.weight)
        np.testing.assert_array_equal(a.bias, z.bias)
    assert np.all(zero.layers[-1].weight == 0) and np.any(auto.layers[-1].weight != 0)
    assert parse_figure("a.png", {"kind": "training", "target": "x", "init_output": "none"})[1][0].message == "init_output must be one of auto, zero; got 'none'"


def test_compare_dead_counts_the_dead_neurons_of_each_run_at_every_frame() -> None:
    spec, issues = parse_figure("d.png", {"kind": "compare", "show": "dead", "target": "x**2", "hidden": [30], "steps": 40, "frames": 41,
                                          "init_output": "zero", "vary": {"lr": [0.5, 0.01]}})
    assert issues == ()
    files = produce_figure(spec)
    numbers = json.loads(files[RESULTS_FILE])
    fast, slow = numbers["runs"]["lr 0.5"], numbers["runs"]["lr 0.01"]
    assert fast["dead_neurons"] > slow["dead_neurons"] and fast["dead_fraction"] == fast["dead_neurons"] / 30
    run = run_training(spec.runs[0][1])
    assert [s.dead for s in run.snapshots][-1] == run.dead_neurons and len(run.snapshots) == 41
    with Image.open(io.BytesIO(files["d.png"])) as image:
        assert image.size == (1280, 960)
