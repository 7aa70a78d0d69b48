"""Command line: each command parses its options, calls one function, and turns the result into an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from contextlib import ExitStack
from pathlib import Path

from . import __version__
from .build import build
from .options import BuildOptions
from .problems import BuildFailed, Problem
from .progress import for_stream

EXIT_OK, EXIT_PROBLEMS, EXIT_INTERNAL = 0, 1, 3


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m site_builder`` and the ``site-builder`` script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "command"):
        parser.print_help()
        return EXIT_OK
    return args.command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="site_builder",
        description="Build illustrated machine-learning articles: Markdown with LaTeX, figures made by real experiments.",
    )
    parser.add_argument("--version", action="version", version=f"site_builder {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    build_parser = commands.add_parser(
        "build",
        help="build the site into _site/ (or --out)",
        description="Run the declared experiments (from the cache when nothing that decides a figure changed), "
        "render every page and write the site. The previous output is replaced only when the whole build succeeds.",
    )
    build_parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding site.toml and content/ (default: .)")
    build_parser.add_argument("--out", type=Path, help="output folder (default: output_dir from site.toml, _site)")
    build_parser.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    build_parser.add_argument("--force", action="store_true", help="re-run every experiment and rebuild every page, ignoring the cache")
    build_parser.add_argument("--explain", action="store_true", help="say, for each figure that ran, which input changed")
    build_parser.add_argument("--cache-dir", type=Path, help="cache folder (default: ROOT/.site-cache; safe to keep between CI runs)")
    build_parser.add_argument("--executor", choices=("local", "dask"), default="local", help="where experiments run: local processes (default) or a Dask cluster")
    build_parser.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    build_parser.add_argument("--debug", action="store_true", help="show Python tracebacks for unexpected errors")
    build_parser.set_defaults(command=_build_command)
    return parser


def _build_command(args: argparse.Namespace) -> int:
    try:
        with ExitStack() as stack:
            executor = _executor(args, stack)
            report = build(BuildOptions(
                root=args.root, out=args.out, include_drafts=args.drafts, force=args.force,
                cache_dir=args.cache_dir, executor=executor, progress=for_stream(sys.stderr),
            ))
    except BuildFailed as failure:
        for problem in failure.problems:
            print(f"error: {problem}", file=sys.stderr)
        count = len(failure.problems)
        print(f"build failed: {count} problem{'s' if count != 1 else ''}; the previous output was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as error:  # noqa: BLE001 - the CLI is the one place that turns any failure into a message
        if args.debug:
            raise
        print(f"internal error: {type(error).__name__}: {error}", file=sys.stderr)
        print("this is a bug in site_builder, not in your content; rerun with --debug for the traceback and report it", file=sys.stderr)
        return EXIT_INTERNAL
    for notice in report.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(report.summary())
    if args.explain:
        for line in report.explanation() or ["  no figure ran: every one came from the cache"]:
            print(line)
    return EXIT_OK


def _executor(args: argparse.Namespace, stack: ExitStack) -> Executor | None:
    """``None`` for the default local process pool, or a Dask cluster's executor."""
    if args.executor == "local":
        return None
    if not args.scheduler:
        raise BuildFailed([Problem("command line", None, "--executor dask needs --scheduler ADDRESS (for example tcp://127.0.0.1:8786)")])
    from .distributed import dask_executor

    return stack.enter_context(dask_executor(args.scheduler))

