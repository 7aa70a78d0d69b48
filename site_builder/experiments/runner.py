"""Experiments stage: make every declared figure, from the cache when its inputs are unchanged.

Each figure is a pure function of its spec (``produce_figure``), so the runner
can hand the misses to any :class:`concurrent.futures.Executor`: by default a
local process pool sized to the machine, or a Dask cluster's executor.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.experiments.cache import FigureCache, Inputs, cache_key, explain_change, figure_code_hashes, figure_inputs, library_versions
from site_builder.experiments.custom.run import AuthorProblem, CustomFigureFailed, CustomJob, make_custom_figure
from site_builder.experiments.custom.sources import CustomSources, SourceProblem, gather_sources
from site_builder.experiments.specs import RESULTS_FILE, FigureSpec, PythonSpec
from site_builder.experiments.sweeps import Sweep, manifest_name, manifest_script, same_files, variant_numbers
from site_builder.parent_watch import exit_with_parent
from site_builder.experiments.training import TrainingDiverged, shared_run, training_run
from site_builder.problems import BuildFailed, Problem

if TYPE_CHECKING:
    from site_builder.load.content import Article


@dataclass(frozen=True)
class FigureJob:
    """One figure to make: where it goes, what makes it, and where it was declared."""

    output_path: str  # e.g. "relu-guide/ReLU.png"
    spec: FigureSpec
    source: str  # the article that declares it
    line: int
    sources: CustomSources | None = None  # a python figure's code and inputs, read once
    sweep: Sweep | None = None  # on a swept figure's default variant: every variant, for the page's manifest
    variant: str = ""  # on a swept figure's other variants: what varies ("hidden [5], lr 0.2"), for --explain

    @property
    def folder(self) -> str:
        return self.output_path.rsplit("/", 1)[0]


@dataclass(frozen=True)
class FigureRun:
    """The experiments stage's result: every figure file, and what ran and why."""

    files: dict[str, bytes]  # output path -> bytes, companions (posters) included
    ran: dict[str, str] = field(default_factory=dict)  # output path -> why it ran
    cached: tuple[str, ...] = ()  # output paths served from the cache
    code: dict[str, CustomSources] = field(default_factory=dict)  # output path -> a python figure's sources (for its notebook cell)
    results: dict[str, dict] = field(default_factory=dict)  # output path -> the figure's measured numbers (final_loss, ...)
    variants: dict[str, str] = field(default_factory=dict)  # a swept figure's other variants: output path -> what varies

    def summary(self) -> str:
        return f"figures: {len(self.ran)} run, {len(self.cached)} cached"

    def read_files(self) -> dict[str, str]:
        """Every project file the python figures' code and inputs came from, with the SHA-256 of the bytes used."""
        return {path: hashlib.sha256(data).hexdigest() for sources in self.code.values() for path, data in [*sources.code.items(), *sources.inputs.items()]}


def figure_jobs(articles: Sequence[Article], root: Path) -> list[FigureJob]:
    """One job per figure declared by ``articles``; figures live beside their article.

    A python figure's code and inputs are read here, once, for its cache key
    and its run; raises :class:`BuildFailed` for each such file that cannot be used.
    """
    jobs, problems = [], []
    for article in articles:
        for figure in article.figures:
            job = FigureJob(f"{article.slug}/{figure.spec.name}", figure.spec, article.document.path, figure.line, sweep=figure.sweep)
            if isinstance(figure.spec, PythonSpec):
                try:
                    job = dataclasses.replace(job, sources=gather_sources(figure.spec, root))
                except SourceProblem as problem:
                    problems.append(Problem(problem.path, problem.line, f"{problem.message} (figure '{figure.spec.name}', declared at {job.source}:{job.line})"))
            jobs.append(job)
            for variant in figure.sweep.variants[1:] if figure.sweep else ():  # the same code and inputs: only params differ
                jobs.append(dataclasses.replace(job, output_path=f"{article.slug}/{variant.spec.name}", spec=variant.spec, sweep=None,
                                                variant=figure.sweep.label(variant)))
    if problems:
        raise BuildFailed(problems)
    return jobs


def figure_sources(jobs: Sequence[FigureJob]) -> dict[str, CustomSources]:
    """Each python figure's sources by output path (a swept figure's variants share its default's)."""
    return {job.output_path: job.sources for job in jobs if job.sources is not None and not job.variant}


def run_figures(
    jobs: Sequence[FigureJob],
    cache: FigureCache | None,
    *,
    executor: Executor | None = None,
    force: bool = False,
    on_done: Callable[[FigureJob], None] | None = None,
    project: Path = Path("."),
    meanwhile: AbstractContextManager | None = None,
) -> FigureRun:
    """Make every figure: cache hits are loaded, misses run on ``executor`` and are stored.

    ``project`` is the project folder, which a python figure's run checks reads against.
    ``meanwhile`` is entered once the misses are submitted (and a local pool's
    workers started) and exited when they are done: work for the build process
    while it would only wait. It is not entered when every figure is cached.

    Raises :class:`BuildFailed` naming each figure whose experiment failed (a
    training run that diverged, say), after all of them have finished.
    """
    code, versions = figure_code_hashes(), library_versions()
    inputs = {job.output_path: figure_inputs(job.spec, code, versions, job.sources) for job in jobs}
    made: dict[str, dict[str, bytes]] = {}  # output path -> the figure's files, as its experiment made them
    cached, misses = [], []
    for job in jobs:
        hit = None if force or cache is None else cache.load(cache_key(inputs[job.output_path]))
        if hit is None:
            misses.append(job)
            continue
        made[job.output_path] = hit
        cached.append(job.output_path)
        if on_done:
            on_done(job)
    previous = cache.previous_inputs() if cache and misses else {}  # for the explanations of what runs
    ran = {job.output_path: _variant_note(job) + ("--force" if force else explain_change(previous.get(job.output_path), inputs[job.output_path])) for job in misses}
    made |= _run_misses(misses, inputs, cache, executor, on_done, project.resolve(), meanwhile or nullcontext())
    if cache is not None and ran:  # with nothing run, the record already says what made every figure
        cache.remember_inputs({path: inputs[path] for path in ran})
    files = {path: data for job in jobs for path, data in _placed(job, made[job.output_path]).items()}
    sources = figure_sources(jobs)
    numbers = _numbers(made)
    by_folder: dict[str, dict[str, bytes]] = {}  # each article's files by name, for its sweeps
    for path, data in files.items():
        folder, name = path.rsplit("/", 1)
        by_folder.setdefault(folder, {})[name] = data
    for job in jobs:
        if job.sweep is not None:
            files[f"{job.folder}/{manifest_name(job.spec.name)}"], numbers[job.output_path] = _swept(job, job.sweep, numbers, by_folder[job.folder])
    variants = {job.output_path: job.variant for job in jobs if job.variant}
    return FigureRun(files, ran, tuple(cached), sources, {path: n for path, n in numbers.items() if path not in variants}, variants)


def _swept(job: FigureJob, sweep: Sweep, numbers: Mapping[str, dict], beside: Mapping[str, bytes]) -> tuple[bytes, dict]:
    """A swept figure's manifest for the page, and its numbers: the default's, with every variant's under ``variants``.

    ``beside`` is every figure file of the job's folder, by name.
    """
    by_name = {variant.spec.name: numbers[f"{job.folder}/{variant.spec.name}"] for variant in sweep.variants if f"{job.folder}/{variant.spec.name}" in numbers}
    manifest = manifest_script(sweep, by_name, same_files(sweep, beside))
    return manifest, {**numbers.get(job.output_path, {}), "variants": variant_numbers(sweep, by_name)}


def _run_misses(misses: Sequence[FigureJob], inputs: dict[str, Inputs], cache: FigureCache | None, executor: Executor | None,
                on_done: Callable[[FigureJob], None] | None, project: Path, meanwhile: AbstractContextManager) -> dict[str, dict[str, bytes]]:
    """Each missed figure's files as made, by output path, stored in the cache as they arrive."""
    if not misses:
        return {}
    if executor is None:
        # Import the drawing code before the pool forks, so each worker starts with matplotlib
        # loaded (and shares its pages) instead of importing it again.
        from site_builder.experiments import produce  # noqa: F401

        # Workers end with the build, even one killed with SIGKILL (see parent_watch.py).
        with ProcessPoolExecutor(max_workers=default_workers(len(misses)), initializer=exit_with_parent, initargs=(os.getpid(),)) as pool:
            return _run_misses(misses, inputs, cache, pool, on_done, project, meanwhile)
    groups = sorted(shared_runs(misses), key=lambda group: sum(map(_expected_cost, group)), reverse=True)  # longest first: the pool finishes together
    futures: list[tuple[tuple[FigureJob, ...], Future]] = [(group, _submit_group(executor, group, project)) for group in groups]
    with meanwhile:
        made_by_path, problems = _collect(futures, inputs, cache, executor, on_done, project)
    if problems:
        raise BuildFailed(problems)
    return made_by_path


def _collect(futures: list[tuple[tuple[FigureJob, ...], Future]], inputs: dict[str, Inputs], cache: FigureCache | None, executor: Executor,
             on_done: Callable[[FigureJob], None] | None, project: Path) -> tuple[dict[str, dict[str, bytes]], list[Problem]]:
    """Each group's files as they finish, stored in the cache, and the problems of those that failed."""
    made_by_path: dict[str, dict[str, bytes]] = {}
    problems: list[Problem] = []
    while futures:
        group, future = futures.pop(0)
        try:
            made_group = future.result() if len(group) > 1 else (future.result(),)
        except TrainingDiverged as error:
            if len(group) > 1:  # each figure says where it diverged in its own words: run them alone
                futures += [((job,), _submit_group(executor, (job,), project)) for job in group]
                continue
            problems.append(Problem(group[0].source, group[0].line, f"figure '{group[0].spec.name}': {error}"))
            continue
        except CustomFigureFailed as failure:
            problems += [_author_problem(group[0], problem) for problem in failure.problems]
            continue
        for job, made in zip(group, made_group):
            if cache is not None:
                cache.store(cache_key(inputs[job.output_path]), made)  # each figure under its own key
            made_by_path[job.output_path] = made
            if on_done:
                on_done(job)
    return made_by_path, problems


def shared_runs(jobs: Sequence[FigureJob]) -> list[tuple[FigureJob, ...]]:
    """``jobs`` in groups that train the same run (same model, data, seed and schedule), to train once; the rest alone.

    Grouping is scheduling only: each figure keeps its own cache key and its
    files are the bytes it would have alone (see ``produce_figures``).
    """
    groups: dict[object, list[FigureJob]] = {}
    for index, job in enumerate(jobs):
        training = None if job.sources is not None else training_run(job.spec)
        groups.setdefault(index if training is None else shared_run(training), []).append(job)
    return [tuple(group) for group in groups.values()]


def _submit_group(executor: Executor, group: tuple[FigureJob, ...], project: Path) -> Future:
    """A future of the group's files: one dict for a figure alone, a tuple of them (in order) for a shared run."""
    if len(group) > 1:
        return executor.submit(make_figures, tuple(job.spec for job in group))
    return _submit(executor, group[0], project)


def _submit(executor: Executor, job: FigureJob, project: Path) -> Future:
    if job.sources is not None:
        assert isinstance(job.spec, PythonSpec)
        return executor.submit(make_custom_figure, CustomJob(job.spec, job.sources, str(project)))
    return executor.submit(make_figure, job.spec)


def _author_problem(job: FigureJob, problem: AuthorProblem) -> Problem:
    """A custom figure's problem where the author fixes it: in their code, or at the declaration."""
    if problem.path is None:
        return Problem(job.source, job.line, f"figure '{job.spec.name}': {problem.message}")
    return Problem(problem.path, problem.line, f"{problem.message}\n  (drawing figure '{job.spec.name}', declared at {job.source}:{job.line})")


def make_figure(spec: FigureSpec) -> dict[str, bytes]:
    """Run in a worker: import the experiment and drawing code there, not in the build process.

    Keeping matplotlib out of the parent means a build whose figures all come
    from the cache never pays for importing it.
    """
    from site_builder.experiments.produce import produce_figure

    return produce_figure(spec)


def make_figures(specs: tuple[FigureSpec, ...]) -> tuple[dict[str, bytes], ...]:
    """Run in a worker: figures that train one run, trained once (see :func:`shared_runs`)."""
    from site_builder.experiments.produce import produce_figures

    return produce_figures(specs)


def _expected_cost(job: FigureJob) -> int:
    """A rough rank of how long a figure takes: animations draw many frames, stills one.

    The author's own code could take any time, so it goes first.
    """
    if isinstance(job.spec, PythonSpec):
        return 10**9
    frames = getattr(job.spec, "frames", 1) if job.spec.name.endswith(".gif") else 1
    training = getattr(job.spec, "training", job.spec)
    return frames * 1000 + getattr(training, "steps", 0) // 100


def _placed(job: FigureJob, files: dict[str, bytes]) -> dict[str, bytes]:
    """The figure's files at their output paths (its measured numbers stay behind: see :func:`_numbers`)."""
    return {f"{job.folder}/{name}": data for name, data in files.items() if name != RESULTS_FILE}


def _numbers(files: Mapping[str, dict[str, bytes]]) -> dict[str, dict]:
    """Each figure's measured numbers, by output path, from the files its experiment made."""
    return {path: json.loads(made[RESULTS_FILE]) for path, made in files.items() if RESULTS_FILE in made}


def _variant_note(job: FigureJob) -> str:
    """For ``--explain``: which figure a sweep's variant belongs to and what varies in it, ``"sweep of fit.png (lr 0.2); "``."""
    if not job.variant:
        return ""
    stem, extension = job.spec.name.rsplit(".", 1)
    return f"sweep of {stem.rsplit('.sweep-', 1)[0]}.{extension} ({job.variant}); "


def default_workers(job_count: int) -> int:
    """One worker per core we may use, never more than there are jobs."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, job_count))
