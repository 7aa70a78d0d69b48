"""Experiments stage: make every declared figure, from the cache when its inputs are unchanged.

Each figure is a pure function of its spec (``produce_figure``), so the runner
can hand the misses to any :class:`concurrent.futures.Executor`: by default a
local process pool sized to the machine, or a Dask cluster's executor.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from site_builder.experiments.cache import FigureCache, Inputs, cache_key, explain_change, figure_code_hashes, figure_inputs, library_versions
from site_builder.parent_watch import exit_with_parent
from site_builder.problems import BuildFailed, Problem
from site_builder.experiments.specs import FigureSpec
from site_builder.experiments.training import TrainingDiverged

if TYPE_CHECKING:
    from site_builder.load.content import Article


@dataclass(frozen=True)
class FigureJob:
    """One figure to make: where it goes, what makes it, and where it was declared."""

    output_path: str  # e.g. "relu-guide/ReLU.png"
    spec: FigureSpec
    source: str  # the article that declares it
    line: int

    @property
    def folder(self) -> str:
        return self.output_path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class FigureRun:
    """The experiments stage's result: every figure file, and what ran and why."""

    files: dict[str, bytes]  # output path -> bytes, companions (posters) included
    ran: dict[str, str] = field(default_factory=dict)  # output path -> why it ran
    cached: tuple[str, ...] = ()  # output paths served from the cache

    def summary(self) -> str:
        return f"figures: {len(self.ran)} run, {len(self.cached)} cached"


def figure_jobs(articles: Sequence[Article]) -> list[FigureJob]:
    """One job per figure declared by ``articles``; figures live beside their article."""
    return [FigureJob(f"{a.slug}/{f.spec.name}", f.spec, a.document.path, f.line) for a in articles for f in a.figures]


def run_figures(
    jobs: Sequence[FigureJob],
    cache: FigureCache | None,
    *,
    executor: Executor | None = None,
    force: bool = False,
    on_done: Callable[[FigureJob], None] | None = None,
) -> FigureRun:
    """Make every figure: cache hits are loaded, misses run on ``executor`` and are stored.

    Raises :class:`BuildFailed` naming each figure whose experiment failed (a
    training run that diverged, say), after all of them have finished.
    """
    code, versions = figure_code_hashes(), library_versions()
    inputs = {job.output_path: figure_inputs(job.spec, code, versions) for job in jobs}
    files: dict[str, bytes] = {}
    cached, misses = [], []
    for job in jobs:
        hit = None if force or cache is None else cache.load(cache_key(inputs[job.output_path]))
        if hit is None:
            misses.append(job)
            continue
        files.update(_placed(job, hit))
        cached.append(job.output_path)
        if on_done:
            on_done(job)
    previous = cache.previous_inputs() if cache else {}
    ran = {job.output_path: "--force" if force else explain_change(previous.get(job.output_path), inputs[job.output_path]) for job in misses}
    files.update(_run_misses(misses, inputs, cache, executor, on_done))
    if cache is not None:
        cache.remember_inputs({path: inputs[path] for path in ran})
    return FigureRun(files, ran, tuple(cached))


def _run_misses(misses: Sequence[FigureJob], inputs: dict[str, Inputs], cache: FigureCache | None, executor: Executor | None, on_done: Callable[[FigureJob], None] | None) -> dict[str, bytes]:
    if not misses:
        return {}
    if executor is None:
        # Import the drawing code before the pool forks, so each worker starts with matplotlib
        # loaded (and shares its pages) instead of importing it again.
        from site_builder.experiments import produce  # noqa: F401

        # Workers end with the build, even one killed with SIGKILL (see parent_watch.py).
        with ProcessPoolExecutor(max_workers=default_workers(len(misses)), initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
            return _run_misses(misses, inputs, cache, pool, on_done)
    misses = sorted(misses, key=_expected_cost, reverse=True)  # longest first: the pool finishes together
    futures: list[tuple[FigureJob, Future]] = [(job, executor.submit(make_figure, job.spec)) for job in misses]
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for job, future in futures:
        try:
            made = future.result()
        except TrainingDiverged as error:
            problems.append(Problem(job.source, job.line, f"figure '{job.spec.name}': {error}"))
            continue
        if cache is not None:
            cache.store(cache_key(inputs[job.output_path]), made)
        files.update(_placed(job, made))
        if on_done:
            on_done(job)
    if problems:
        raise BuildFailed(problems)
    return files


def make_figure(spec: FigureSpec) -> dict[str, bytes]:
    """Run in a worker: import the experiment and drawing code there, not in the build process.

    Keeping matplotlib out of the parent means a build whose figures all come
    from the cache never pays for importing it.
    """
    from site_builder.experiments.produce import produce_figure

    return produce_figure(spec)


def _expected_cost(job: FigureJob) -> int:
    """A rough rank of how long a figure takes: animations draw many frames, stills one."""
    frames = getattr(job.spec, "frames", 1) if job.spec.name.endswith(".gif") else 1
    training = getattr(job.spec, "training", job.spec)
    return frames * 1000 + getattr(training, "steps", 0) // 100


def _placed(job: FigureJob, files: dict[str, bytes]) -> dict[str, bytes]:
    return {f"{job.folder}/{name}": data for name, data in files.items()}


def default_workers(job_count: int) -> int:
    """One worker per core we may use, never more than there are jobs."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, job_count))
