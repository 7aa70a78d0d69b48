"""Run a declared comparison: each compared ``training`` run, exactly as that kind runs it."""

from __future__ import annotations

from site_builder.experiments.figures.runs import CompareRun
from site_builder.experiments.specs import CompareSpec
from site_builder.experiments.training import run_training


def run_comparison(spec: CompareSpec) -> tuple[CompareRun, ...]:
    """Each compared run, trained exactly as a ``training`` figure of its settings would be."""
    return tuple(CompareRun(label, run_training(run, terms=False)) for label, run in spec.runs)  # a comparison draws no unit's term
