"""Experiments stage: run every declared figure, independent ones in parallel.

Each figure is a pure function of its spec (:func:`produce_figure`), so the
runner can hand specs to any :class:`concurrent.futures.Executor`; by default
a process pool sized to the machine.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..problems import BuildFailed, Problem
from .produce import produce_figure
from .specs import FigureSpec
from .training import TrainingDiverged

if TYPE_CHECKING:
    from ..content import Article


@dataclass(frozen=True)
class FigureJob:
    """One figure to make: where it goes, what makes it, and where it was declared."""

    output_path: str  # e.g. "relu-guide/ReLU.png"
    spec: FigureSpec
    source: str  # the article that declares it
    line: int


def run_figures(jobs: Sequence[FigureJob], executor: Executor | None = None) -> dict[str, bytes]:
    """Make every figure; return output path -> bytes.

    Raises :class:`BuildFailed` naming each figure whose experiment failed
    (a training run that diverged, say), after all of them have run.
    """
    if not jobs:
        return {}
    if executor is None:
        with ProcessPoolExecutor(max_workers=default_workers(len(jobs))) as pool:
            return run_figures(jobs, pool)
    futures = [(job, executor.submit(produce_figure, job.spec)) for job in jobs]
    figures: dict[str, bytes] = {}
    problems: list[Problem] = []
    for job, future in futures:
        try:
            folder = job.output_path.rsplit("/", 1)[0]
            figures.update({f"{folder}/{name}": data for name, data in future.result().items()})
        except TrainingDiverged as error:
            problems.append(Problem(job.source, job.line, f"figure '{job.spec.name}': {error}"))
    if problems:
        raise BuildFailed(problems)
    return figures


def default_workers(job_count: int) -> int:
    """One worker per core we may use, never more than there are jobs."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, job_count))


def figure_jobs(articles: Sequence[Article]) -> list[FigureJob]:
    """One job per figure declared by ``articles``; figures live beside their article."""
    return [FigureJob(f"{a.slug}/{f.spec.name}", f.spec, a.document.path, f.line) for a in articles for f in a.figures]
