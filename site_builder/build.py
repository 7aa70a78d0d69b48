"""A build: reuse the previous output when no input changed, otherwise run the whole pipeline.

The check needs only the standard library, so a rebuild with nothing to do
imports neither numpy, matplotlib nor Jinja and never starts Node; the
pipeline itself (:mod:`site_builder.pipeline`) is imported only when there is
work to do.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

from site_builder.load.config import SiteConfig, load_config
from site_builder.load.dates import BadSourceDateEpoch, source_date_epoch
from site_builder.write.freshness import input_stamp, remember_build, reusable_build
from site_builder.write.lock import project_lock
from site_builder.options import BuildOptions, BuildReport
from site_builder.problems import BuildFailed, Problem, environment_problem


def build(options: BuildOptions) -> BuildReport:
    """Build the site at ``options.root``; raise :class:`BuildFailed` listing every problem.

    One build of a project runs at a time: a second one fails at once (see :mod:`site_builder.write.lock`).
    """
    try:
        source_date_epoch()  # a bad value would otherwise surface deep in the pipeline, as a crash
    except BadSourceDateEpoch as error:
        raise BuildFailed([Problem("environment", None, str(error))]) from None
    try:
        with project_lock(options.root.resolve()) as notices:
            report = _build(options)
    except OSError as error:  # a full disk, a read-only folder, a path that is a file: the environment, not a bug
        raise BuildFailed([environment_problem(error, _where_else(error, options))]) from None
    return replace(report, notices=(*notices, *report.notices)) if notices else report


def _where_else(error: OSError, options: BuildOptions) -> str:
    """How to point the build elsewhere, for an error on a path under its output or cache folder."""
    if error.filename is None:
        return ""
    path = Path(os.fsdecode(error.filename)).absolute()
    if path.is_relative_to(options.cache_folder().absolute()):
        return ", or pass --cache-dir to use another cache folder"
    out = output_dir(options).absolute()
    top = path.relative_to(out.parent).parts[:1] if path.is_relative_to(out.parent) else None
    if path in out.parents or top in ((), (out.name,)) or (top and top[0].startswith(f".{out.name}.")):
        return ", or pass --out to build into another folder"
    return ""


def _build(options: BuildOptions) -> BuildReport:
    started = time.perf_counter()
    out_dir = output_dir(options)
    stamp = input_stamp(options, out_dir)  # before reading anything, so edits made mid-build count next time
    if not options.force:
        previous = reusable_build(options, out_dir, stamp, time.perf_counter() - started)
        if previous is not None:
            return previous
    from site_builder.pipeline import run_pipeline  # the heavy part: numpy, Jinja, Markdown, and matplotlib on a cache miss

    report = run_pipeline(options, out_dir)
    remember_build(options, out_dir, stamp, report)
    return replace(report, seconds=time.perf_counter() - started)


def output_dir(options: BuildOptions) -> Path:
    """``--out`` if given, else ``output_dir`` from ``site.toml`` (its problems are reported by the pipeline)."""
    if options.out is not None:
        return options.out
    root = options.root.resolve()
    try:
        config, _ = load_config(root)
    except BuildFailed:
        config = SiteConfig()
    return root / config.output_dir
