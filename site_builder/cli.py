"""Command line: each command parses its options, calls one function, and turns the result into an exit code."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .build import BuildOptions, build
from .problems import BuildFailed

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
        description="Run the declared experiments, render every page and write the site. "
        "The previous output is replaced only when the whole build succeeds.",
    )
    build_parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding site.toml and content/ (default: .)")
    build_parser.add_argument("--out", type=Path, help="output folder (default: output_dir from site.toml, _site)")
    build_parser.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    build_parser.add_argument("--debug", action="store_true", help="show Python tracebacks for unexpected errors")
    build_parser.set_defaults(command=_build_command)
    return parser


def _build_command(args: argparse.Namespace) -> int:
    try:
        report = build(BuildOptions(root=args.root, out=args.out, include_drafts=args.drafts))
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
    print(f"built {report.pages} pages and {report.figures} figures into {report.out_dir} in {report.seconds:.1f} s")
    return EXIT_OK
