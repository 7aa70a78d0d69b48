"""Figures that train the same run train it once: same bytes as alone, each under its own cache key."""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor, Future
from pathlib import Path

import numpy as np
import pytest

from site_builder.experiments.cache import FigureCache
from site_builder.experiments.produce import produce_figure, produce_figures
from site_builder.experiments.runner import FigureJob, figure_jobs, run_figures, shared_runs
from site_builder.experiments.specs import ActivationPlotSpec, NeuronsSpec, TrainingSpec
from site_builder.experiments.training import run_training, run_trainings
from site_builder.load.content import load_content
from site_builder.problems import BuildFailed

ROOT = Path(__file__).resolve().parent.parent
SMALL = TrainingSpec("fit.gif", "x**2", hidden=(3,), samples=16, steps=60, frames=6, seed=1, init_output="zero")


class CountingExecutor(Executor):
    """Runs each submission at once in this process and keeps what was submitted."""

    def __init__(self) -> None:
        self.submitted: list[tuple[str, object]] = []

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        self.submitted.append((fn.__name__, args))
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # noqa: BLE001 - handed to the caller, as a pool would
            future.set_exception(error)
        return future


def same_run(a, b) -> None:  # type: ignore[no-untyped-def]
    """Two recorded runs hold equal arrays, snapshot by snapshot."""
    assert [s.step for s in a.snapshots] == [s.step for s in b.snapshots]
    for left, right in zip(a.snapshots, b.snapshots):
        assert left.loss == right.loss and left.dead == right.dead and left.output_bias == right.output_bias
        np.testing.assert_array_equal(left.prediction, right.prediction)
        np.testing.assert_array_equal(left.contributions, right.contributions)
    for (w1, b1), (w2, b2) in zip(a.final_params, b.final_params):
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(b1, b2)
    assert a.dead_neurons == b.dead_neurons


def test_one_run_recorded_for_several_views_gives_what_each_run_alone_gives():
    views = ((6, True), (6, False), (4, False), (9, True))
    shared = run_trainings(SMALL, views)
    for (frames, spread), result in zip(views, shared):
        same_run(result, run_training(dataclasses.replace(SMALL, frames=frames), spread_motion=spread))


def test_figures_of_one_run_are_byte_identical_to_each_made_alone():
    specs = (SMALL, NeuronsSpec(dataclasses.replace(SMALL, name="parts.png")), NeuronsSpec(dataclasses.replace(SMALL, name="parts.gif", fps=5)))
    assert produce_figures(specs) == tuple(produce_figure(spec) for spec in specs)


def test_produce_figures_refuses_figures_of_different_runs():
    with pytest.raises(ValueError, match="not figures of one training run"):
        produce_figures((SMALL, dataclasses.replace(SMALL, name="other.gif", seed=2)))


def test_the_flagship_pairs_share_their_runs_and_nothing_else_does():
    jobs = figure_jobs(load_content(ROOT).articles, ROOT)
    shared = {tuple(sorted(job.spec.name for job in group)) for group in shared_runs(jobs) if len(group) > 1}
    assert shared == {("neurons_2relu.gif", "quadratic_1lin2_relu_2lin1.gif"), ("neurons_20relu.png", "output_relu_multineuron.gif")}


def test_runs_differing_in_model_data_seed_or_schedule_are_not_shared():
    jobs = [FigureJob(f"a/{spec.name}", spec, "a.md", 1) for spec in (
        SMALL,
        dataclasses.replace(SMALL, name="seed.png", seed=2),
        dataclasses.replace(SMALL, name="steps.png", steps=61),
        dataclasses.replace(SMALL, name="lr.png", lr=0.2),
        dataclasses.replace(SMALL, name="width.png", hidden=(4,)),
        dataclasses.replace(SMALL, name="data.png", samples=17),
        ActivationPlotSpec("relu.png", "relu"),
    )]
    assert [len(group) for group in shared_runs(jobs)] == [1] * len(jobs)


def test_a_shared_run_is_submitted_once_and_cached_per_figure(tmp_path: Path):
    pair = [FigureJob("a/fit.gif", SMALL, "a.md", 1), FigureJob("a/parts.png", NeuronsSpec(dataclasses.replace(SMALL, name="parts.png")), "a.md", 2)]
    executor, cache = CountingExecutor(), FigureCache(tmp_path / "figures")
    first = run_figures(pair, cache, executor=executor)
    assert [name for name, _ in executor.submitted] == ["make_figures"]
    assert first.files["a/fit.gif"] == produce_figure(SMALL)["fit.gif"]
    assert first.files["a/parts.png"] == produce_figure(pair[1].spec)["parts.png"]
    again = CountingExecutor()
    changed = [pair[0], dataclasses.replace(pair[1], spec=NeuronsSpec(dataclasses.replace(SMALL, name="parts.png", seed=5)))]
    second = run_figures(changed, cache, executor=again)
    assert second.cached == ("a/fit.gif",)  # its own key still hits; only the changed figure runs, alone
    assert [name for name, _ in again.submitted] == ["make_figure"]


def test_a_shared_run_that_diverges_reports_each_figure_as_it_would_alone(tmp_path: Path):
    wild = TrainingSpec("wild.gif", "x**2", interval=(-10.0, 10.0), lr=1.0, steps=100, frames=2)
    jobs = [FigureJob("a/wild.gif", wild, "a.md", 3), FigureJob("a/wild.png", NeuronsSpec(dataclasses.replace(wild, name="wild.png", hidden=(2,))), "a.md", 9)]
    jobs[0] = dataclasses.replace(jobs[0], spec=dataclasses.replace(wild, hidden=(2,)))
    with pytest.raises(BuildFailed) as caught:
        run_figures(jobs, None, executor=CountingExecutor())
    alone = []
    for job in jobs:
        with pytest.raises(BuildFailed) as single:
            run_figures([job], None, executor=CountingExecutor())
        alone += single.value.problems
    assert sorted(map(str, caught.value.problems)) == sorted(map(str, alone))
    assert {problem.line for problem in caught.value.problems} == {3, 9}
