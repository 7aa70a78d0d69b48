"""Figure declarations: what parses, and the exact words for what does not."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.experiments.expressions import ALLOWED_SUMMARY
from site_builder.experiments.specs import (
    ActivationPlotSpec,
    SpecIssue,
    TrainingSpec,
    parse_figure,
)

HIDDEN = (
    "hidden must be a list of at most 4 layer widths, each a whole number from 1 to 256, "
    "like [2] or [20, 20] ([] for a linear model); got "
)
INTERVAL = "interval must be two numbers [lo, hi] with lo < hi, both between -1000 and 1000; got "
LR = "lr must be a number greater than 0 and at most 10; got "
UNDEFINED = "; change the target or the interval so it is defined everywhere on it"
TRAINING_KEYS = (
    "target, interval, samples, hidden, activation, leak, steps, lr, batch_size, seed, frames, fps, init, init_scale, init_output, optimizer, momentum, betas, weight_decay, loss"
)


def training(**overrides: object) -> dict[str, object]:
    """A valid training declaration with ``overrides`` applied."""
    return {"kind": "training", "target": "x**2", **overrides}


def issues_of(name: str, declaration: object) -> tuple[SpecIssue, ...]:
    spec, issues = parse_figure(name, declaration)
    assert spec is None and issues
    return issues


def only_issue(name: str, declaration: object) -> SpecIssue:
    issues = issues_of(name, declaration)
    assert len(issues) == 1, issues
    return issues[0]


# --- what parses ---


def test_activation_declaration_parses_with_defaults():
    spec, issues = parse_figure("ReLU.png", {"kind": "activation", "activation": "relu"})
    assert issues == ()
    assert spec == ActivationPlotSpec(name="ReLU.png", activation="relu")


def test_training_declaration_from_yaml_parses_to_the_spec():
    declaration = yaml.safe_load(
        """
        kind: training
        target: "x**2"
        interval: [-1, 2]
        samples: 32
        hidden: [20, 3]
        activation: leaky_relu
        leak: 0
        steps: 2000
        lr: 1
        batch_size: 8
        seed: 1
        frames: 50
        fps: 10
        """
    )
    spec, issues = parse_figure("fit.gif", declaration)
    assert issues == ()
    assert spec == TrainingSpec(
        name="fit.gif", target="x**2", interval=(-1.0, 2.0), samples=32, hidden=(20, 3),
        activation="leaky_relu", leak=0.0, steps=2000, lr=1.0, batch_size=8, seed=1, frames=50, fps=10,
    )  # fmt: skip
    # YAML lists become tuples and ints become floats where the field is a float
    assert isinstance(spec.lr, float) and isinstance(spec.interval[0], float)


def test_minimal_training_declaration_takes_every_default():
    spec, issues = parse_figure("fit.png", training())
    assert issues == () and spec == TrainingSpec(name="fit.png", target="x**2")


def test_linear_model_and_explicit_full_batch():
    spec, _ = parse_figure("line.gif", training(hidden=[], batch_size=None))
    assert spec.hidden == () and spec.batch_size is None


# --- each class of bad input, with its exact message ---


@pytest.mark.parametrize(
    "name, message",
    [
        ("plots/ReLU.png", "the name must be a plain file name, without '/' or '\\'"),
        ("plots\\ReLU.png", "the name must be a plain file name, without '/' or '\\'"),
        (".ReLU.png", "the name must not start with '.'"),
        ("..", "the name must not start with '.'"),
        ("ReLU.jpg", "the name must end in .png (a still) or .gif (an animation)"),
        ("", "the name must be a file name like plot.png"),
    ],
)
def test_bad_file_names(name, message):
    issues = issues_of(name, {"kind": "activation", "activation": "relu"})
    assert SpecIssue(None, message) in issues


def test_absolute_path_is_not_a_file_name():
    issues = issues_of("/tmp/x.png", {"kind": "activation", "activation": "relu"})
    assert issues == (
        SpecIssue(None, "the name must be a plain file name, without '/' or '\\'"),
    )


def test_activation_plots_are_stills():
    issue = only_issue("ReLU.gif", {"kind": "activation", "activation": "relu"})
    assert issue == SpecIssue(None, "the name must end in .png: activation plots are stills")


@pytest.mark.parametrize(
    "declaration, issue",
    [
        (
            {"activation": "relu"},
            SpecIssue("kind", "missing 'kind'; add kind: followed by one of activation, training, neurons, classification, gradients, compare, python"),
        ),
        ({"kind": "trainin"}, SpecIssue("kind", "unknown kind 'trainin'; known kinds: activation, training, neurons, classification, gradients, compare, python")),
        ({"kind": None}, SpecIssue("kind", "unknown kind null; known kinds: activation, training, neurons, classification, gradients, compare, python")),
        (
            ["kind", "training"],
            SpecIssue(
                None,
                "the declaration of 'fit.gif' must be a mapping of parameters, "
                "like {kind: activation, activation: relu}; got ['kind', 'training']",
            ),
        ),
        (
            None,
            SpecIssue(
                None,
                "the declaration of 'fit.gif' must be a mapping of parameters, "
                "like {kind: activation, activation: relu}; got null",
            ),
        ),
    ],
)
def test_bad_kinds_and_non_mappings(declaration, issue):
    assert only_issue("fit.gif", declaration) == issue


@pytest.mark.parametrize(
    "key, suggestion",
    [("lrate", "lr"), ("learning_rate", "lr"), ("step", "steps"), ("hiden", "hidden"), ("Seed", "seed")],
)
def test_unknown_key_suggests_the_closest(key, suggestion):
    issue = only_issue("fit.gif", training(**{key: 1}))
    assert issue == SpecIssue(
        key,
        f"unknown parameter '{key}' for a training figure; did you mean '{suggestion}'? "
        f"Known: {TRAINING_KEYS}",
    )


def test_unknown_key_without_a_close_match():
    issue = only_issue("a.png", {"kind": "activation", "activation": "relu", "colour": "red"})
    assert issue == SpecIssue(
        "colour", "unknown parameter 'colour' for an activation figure. Known: activation, interval, leak"
    )


def test_missing_required_parameter():
    assert only_issue("fit.gif", {"kind": "training"}) == SpecIssue(
        "target", "missing 'target', which a training figure needs"
    )
    assert only_issue("a.png", {"kind": "activation"}) == SpecIssue(
        "activation", "missing 'activation', which an activation figure needs"
    )


@pytest.mark.parametrize(
    "key, value, message",
    [
        # types: bool is not a number, strings are not numbers, floats are not whole numbers
        ("steps", True, "steps must be a whole number from 1 to 100000; got true"),
        ("steps", 10.0, "steps must be a whole number from 1 to 100000; got 10.0"),
        ("lr", "fast", LR + "'fast'"),
        ("lr", False, LR + "false"),
        ("seed", "1", "seed must be a whole number, 0 or more; got '1'"),
        ("target", 2, 'target must be an expression of x in quotes, like "x**2"; got 2'),
        ("hidden", 2, HIDDEN + "2"),
        ("interval", "[-1, 1]", INTERVAL + "'[-1, 1]'"),
        # ranges, at and just past each documented limit
        ("lr", 0, LR + "0"),
        ("lr", 10.5, LR + "10.5"),
        ("lr", float("nan"), LR + "nan"),
        ("steps", 0, "steps must be a whole number from 1 to 100000; got 0"),
        ("steps", 100_001, "steps must be a whole number from 1 to 100000; got 100001"),
        ("frames", 1, "frames must be a whole number from 2 to 500; got 1"),
        ("frames", 501, "frames must be a whole number from 2 to 500; got 501"),
        ("samples", 1, "samples must be a whole number from 2 to 10000; got 1"),
        ("samples", 10_001, "samples must be a whole number from 2 to 10000; got 10001"),
        ("hidden", [1, 1, 1, 1, 1], HIDDEN + "[1, 1, 1, 1, 1]"),
        ("hidden", [257], HIDDEN + "[257]"),
        ("hidden", [0], HIDDEN + "[0]"),
        ("interval", [1, -1], INTERVAL + "[1, -1]"),
        ("interval", [0, 0], INTERVAL + "[0, 0]"),
        ("interval", [0, float("inf")], INTERVAL + "[0, inf]"),
        ("interval", [0, 1, 2], INTERVAL + "[0, 1, 2]"),
        (
            "batch_size",
            0,
            "batch_size must be null (full batch) or a whole number from 1 to samples (64); got 0",
        ),
        (
            "batch_size",
            65,
            "batch_size must be null (full batch) or a whole number from 1 to samples (64); got 65",
        ),
        ("leak", 1, "leak must be a number at least 0 and less than 1; got 1"),
        ("leak", -0.1, "leak must be a number at least 0 and less than 1; got -0.1"),
        ("fps", 0, "fps must be a whole number from 1 to 60; got 0"),
        ("fps", 61, "fps must be a whole number from 1 to 60; got 61"),
        ("seed", -1, "seed must be a whole number, 0 or more; got -1"),
        pytest.param("lr", 10**400, LR + "" + "1" + "0" * 36 + "...", id="lr-huge"),
    ],
)
def test_wrong_types_and_out_of_range_values(key, value, message):
    assert only_issue("fit.gif", training(**{key: value})) == SpecIssue(key, message)


@pytest.mark.parametrize(
    "key, value",
    [("lr", 10), ("lr", 1e-9), ("steps", 100_000), ("leak", 0), ("seed", 2**40), ("batch_size", 64)],
)
def test_values_at_the_limits_are_accepted(key, value):
    spec, issues = parse_figure("fit.gif", training(**{key: value, "frames": 2}))
    assert issues == () and getattr(spec, key) == value


def test_batch_size_is_bounded_by_the_declared_samples():
    issue = only_issue("fit.gif", training(samples=16, batch_size=32))
    assert issue == SpecIssue(
        "batch_size", "batch_size must be null (full batch) or a whole number from 1 to samples (16); got 32"
    )


def test_unknown_activation_lists_the_known_ones():
    issue = only_issue("a.png", {"kind": "activation", "activation": "Relu6"})
    assert issue == SpecIssue(
        "activation",
        "unknown activation 'Relu6'; did you mean 'relu'? Known: sigmoid, tanh, relu, leaky_relu, elu, gelu",
    )
    issue = only_issue("fit.gif", training(activation="softmax"))
    assert issue == SpecIssue(
        "activation", "unknown activation 'softmax'. Known: sigmoid, tanh, relu, leaky_relu, elu, gelu"
    )


def test_frames_cannot_outnumber_the_states_of_a_run():
    issue = only_issue("fit.gif", training(steps=10, frames=100))
    assert issue == SpecIssue(
        "frames",
        "frames (100) must be at most steps + 1 (11), since a run of 10 steps has only 11 states "
        "to record; lower frames or raise steps",
    )


@pytest.mark.parametrize("kind", ["training", "neurons"])
@pytest.mark.parametrize("name", ["fit.png", "fit.gif"])
def test_a_parameter_the_author_did_not_set_never_fails(kind: str, name: str):
    """A short run with frames left out: the default frame count fits the run, and a still has no frames at all."""
    declaration = {**training(steps=10), "kind": kind, **({"hidden": [3]} if kind == "neurons" else {})}
    spec, issues = parse_figure(name, declaration)
    assert issues == ()
    run = spec.training if kind == "neurons" else spec
    assert run.frames == 11


def test_frames_declared_for_a_still_is_not_checked_against_steps():
    assert parse_figure("fit.png", training(steps=10, frames=100))[1] == ()


def test_the_default_frames_is_unchanged_for_runs_long_enough():
    spec, _ = parse_figure("fit.gif", training(steps=99))
    assert spec.frames == 100


def test_disallowed_target_reports_the_evaluator_message_and_column():
    issue = only_issue("fit.gif", training(target="x.__class__"))
    assert issue == SpecIssue(
        "target",
        f"target 'x.__class__', column 1: attribute access (a.b) is not allowed; allowed: {ALLOWED_SUMMARY}",
    )


@pytest.mark.parametrize(
    "overrides, message",
    [
        (
            {"target": "log(x)"},
            "target 'log(x)' is not finite at x = -1 and 31 other training points" + UNDEFINED,
        ),
        ({"target": "1/x", "samples": 65}, "target '1/x' is not finite at x = 0" + UNDEFINED),
        (
            {"target": "exp(1000*x)", "interval": [0, 1], "samples": 2},
            "target 'exp(1000*x)' is not finite at x = 1" + UNDEFINED,
        ),
    ],
)
def test_targets_must_be_finite_on_the_training_points(overrides, message):
    assert only_issue("fit.gif", training(**overrides)) == SpecIssue("target", message)


def test_finite_where_sampled_is_enough():
    # 1/x is undefined at 0, but 64 evenly spaced points over [-1, 1] never land on it.
    spec, issues = parse_figure("fit.gif", training(target="1/x"))
    assert issues == () and spec.target == "1/x"


def test_every_issue_is_reported_in_one_pass():
    declaration = training(
        target="log(x)", lrate=0.1, lr=-1, steps=True, hidden=[0], batch_size=100, activation="rellu"
    )
    issues = issues_of("../fit.jpg", declaration)
    assert [issue.key for issue in issues] == [
        None, None, None, "lrate", "lr", "steps", "hidden", "batch_size", "activation", "target"
    ]  # fmt: skip
    assert issues[:3] == (
        SpecIssue(None, "the name must be a plain file name, without '/' or '\\'"),
        SpecIssue(None, "the name must not start with '.'"),
        SpecIssue(None, "the name must end in .png (a still) or .gif (an animation)"),
    )


def test_checks_that_depend_on_an_invalid_field_are_skipped():
    # samples is wrong, so the target cannot be checked on "its" points: one issue, not two.
    issues = issues_of("fit.gif", training(target="log(x)", samples="many"))
    assert [issue.key for issue in issues] == ["samples"]


YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=2)
    ),
    max_leaves=5,
)
KEYS = st.one_of(st.sampled_from(["kind", *TRAINING_KEYS.split(", ")]), st.text(max_size=6))


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.text(max_size=12),
    st.one_of(
        YAML_VALUES,
        st.fixed_dictionaries(
            {"kind": st.sampled_from(["training", "activation", "neurons"])},
            optional={"target": st.sampled_from(["x", "x.y", "1/x", "sin(x)"])},
        ).flatmap(
            lambda base: st.dictionaries(KEYS, YAML_VALUES, max_size=5).map(lambda extra: {**extra, **base})
        ),
    ),
)
def test_any_declaration_gives_a_spec_or_issues_never_an_exception(name, declaration):
    spec, issues = parse_figure(name, declaration)
    assert (spec is None) == bool(issues)
    assert all(isinstance(issue, SpecIssue) and issue.message for issue in issues)
