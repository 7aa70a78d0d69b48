"""Command line: each command parses its options, calls one function, and turns the result into an exit code."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from concurrent.futures import Executor
from contextlib import ExitStack
from pathlib import Path

from site_builder import __version__
from site_builder.build import build, output_dir
from site_builder.write.lock import project_lock
from site_builder.options import BuildOptions
from site_builder.write.output import remove_output
from site_builder.problems import BuildFailed, Problem, environment_problem
from site_builder.progress import for_stream

EXIT_OK, EXIT_PROBLEMS, EXIT_INTERNAL = 0, 1, 3
EXIT_INTERRUPTED = 130  # the shell's code for a process stopped by Ctrl-C
# The reference's topics (commands/reference.py, which imports numpy, is loaded only to print one; a test keeps the two equal).
HELP_TOPICS = ("config", "front-matter", "figures", "playground")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m site_builder`` and the ``site-builder`` script."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "command"):
        parser.print_help()
        return EXIT_OK
    try:
        return args.command(args)
    except BrokenPipeError:  # the reader went away (site-builder help | head): not an error worth a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the flush at exit cannot fail again
        return EXIT_OK
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BuildFailed as failure:  # a command that reads the project (theme eject, say) found problems
        _print_problems(failure)
        return EXIT_PROBLEMS
    except OSError as error:  # any command: a full disk, a read-only folder, a path that is a file
        print(f"error: {environment_problem(error)}", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as error:  # noqa: BLE001 - the CLI is the one place that turns any failure into a message
        if getattr(args, "debug", False):
            raise
        return _internal_error(error, debug_hint=hasattr(args, "debug"))


def _internal_error(error: BaseException, *, debug_hint: bool) -> int:
    print(f"internal error: {type(error).__name__}: {error}", file=sys.stderr)
    rerun = "rerun with --debug for the traceback and " if debug_hint else ""
    print(f"this is a bug in site_builder, not in your content; {rerun}report it", file=sys.stderr)
    return EXIT_INTERNAL


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
    _add_root_option(build_parser)
    build_parser.add_argument("--out", type=Path, help="output folder (default: output_dir from site.toml, _site)")
    build_parser.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    build_parser.add_argument("--base-url", metavar="URL", help=BASE_URL_HELP)
    build_parser.add_argument("--force", action="store_true", help="re-run every experiment and rebuild every page, ignoring the cache")
    build_parser.add_argument("--explain", action="store_true", help="say, for each figure that ran, which input changed")
    build_parser.add_argument("--cache-dir", type=Path, help="cache folder (default: ROOT/.site-cache; safe to keep between CI runs)")
    build_parser.add_argument("--executor", choices=("local", "dask"), default="local", help="where experiments run: local processes (default) or a Dask cluster")
    build_parser.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask)")
    build_parser.add_argument("--debug", action="store_true", help="show Python tracebacks for unexpected errors")
    build_parser.set_defaults(command=_build_command)
    clean_parser = commands.add_parser(
        "clean",
        help="delete the output folder the build wrote",
        description="Delete the output folder, and folders left by interrupted builds. "
        "Only a folder the builder created (it holds a .site-builder marker) is ever deleted.",
    )
    _add_root_option(clean_parser)
    clean_parser.add_argument("--out", type=Path, help="output folder to delete (default: output_dir from site.toml, _site)")
    clean_parser.set_defaults(command=_clean_command)
    _add_publishing_commands(commands)
    _add_starting_commands(commands)
    return parser


def _add_root_option(parser: argparse.ArgumentParser) -> None:
    """``--root``, the same on every command."""
    parser.add_argument("--root", type=Path, default=Path("."), help="project folder holding site.toml and content/ (default: .)")


# reference.TOPIC_NAMES, spelled out: importing the reference loads the figure schemas and numpy,
# which a build with nothing to do must not pay for (tests/test_reference.py holds the two together).
HELP_TOPICS = ("config", "front-matter", "figures", "playground")
BASE_URL_HELP = "absolute URL the site is published at, overriding base_url in site.toml (e.g. from actions/configure-pages)"


def _add_publishing_commands(commands: argparse._SubParsersAction) -> None:
    """``serve``, ``new`` and ``deploy``: the authoring loop and publishing (see serve.py, scaffold.py, deploy.py)."""
    serve_parser = commands.add_parser("serve", help="preview the site, rebuilding and reloading pages on every save",
        description="Build the site, serve it on http://127.0.0.1:8000/ and rebuild when content, templates, static files, "
        "site.toml or the builder's code change. Open pages reload after a good build and show the problems of a failed one.")
    _add_root_option(serve_parser)
    serve_parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve_parser.add_argument("--port", type=int, default=8000, help="port to listen on; 0 picks a free one (default: 8000)")
    serve_parser.add_argument("--base-path", default="/", help="serve under this path, as GitHub Pages serves a project site, e.g. /repo/ (default: /)")
    serve_parser.add_argument("--drafts", action="store_true", help="include articles and pages marked draft: true")
    serve_parser.set_defaults(command=_serve_command)
    new_parser = commands.add_parser("new", help="start a new article as a draft", description="Create content/<slug>/index.md with front matter and an example figure; never overwrites.")
    new_parser.add_argument("title", help="the article's title, in quotes")
    new_parser.add_argument("--slug", help="folder name (default: made from the title)")
    _add_root_option(new_parser)
    new_parser.set_defaults(command=_new_command)
    deploy_parser = commands.add_parser("deploy", help="build and publish to the gh-pages branch",
        description="Build the site and commit it to a branch (gh-pages) without touching the working tree or the index, then push it.")
    _add_root_option(deploy_parser)
    deploy_parser.add_argument("--remote", default="origin", help="remote to push to (default: origin)")
    deploy_parser.add_argument("--branch", default="gh-pages", help="branch to publish to (default: gh-pages)")
    deploy_parser.add_argument("--no-push", dest="push", action="store_false", help="commit to the branch but do not push")
    deploy_parser.add_argument("--allow-dirty", action="store_true", help="publish even with uncommitted changes to content/, templates/, static/ or site.toml")
    deploy_parser.add_argument("--base-url", metavar="URL", help=BASE_URL_HELP + "; default: site.toml's, else worked out from the remote")
    deploy_parser.add_argument("--keep-example-identity", action="store_true", help="publish even though site.toml still carries the example site's title, author or address")
    deploy_parser.set_defaults(command=_deploy_command)


def _add_starting_commands(commands: argparse._SubParsersAction) -> None:
    """``init``, ``theme`` and ``help``: a site of one's own, its look, and the reference (see init.py, theme.py, reference.py)."""
    init_parser = commands.add_parser("init", help="create a new site in an empty or new folder",
        description="Create a site that builds as it stands: site.toml, a starter article with a formula and a figure, "
        "an About page, .gitignore and a GitHub Pages workflow. Never overwrites: the folder must be empty or new.")
    init_parser.add_argument("folder", type=Path, help="where to create the site, e.g. mysite")
    init_parser.add_argument("--title", help="the site's title (asked for when run in a terminal; else the folder's name)")
    init_parser.set_defaults(command=_init_command)
    theme_parser = commands.add_parser("theme", help="list the default theme's files, or copy them into the project to change them",
        description="A project's own templates/NAME or static/PATH replaces the default theme's file of that name.")
    theme_commands = theme_parser.add_subparsers(title="theme commands", metavar="ACTION", required=True)
    eject_parser = theme_commands.add_parser("eject", help="copy theme files into the project (all of them without a PATH)",
        description="Copy files of the default theme into the project's templates/ and static/ for editing; the copies then replace "
        "the theme's. A PATH is a file (templates/article.html, or article.html) or a folder (static/playground). Never overwrites.")
    eject_parser.add_argument("paths", nargs="*", metavar="PATH", help="theme files or folders to copy")
    _add_root_option(eject_parser)
    eject_parser.set_defaults(command=_theme_eject_command)
    list_parser = theme_commands.add_parser("list", help="list the theme's files, marking those the project replaces")
    _add_root_option(list_parser)
    list_parser.set_defaults(command=_theme_list_command)
    help_parser = commands.add_parser("help", help="the reference: every setting, front-matter key and figure parameter",
        description="Print one topic of the reference, generated from the schemas that check your files.")
    help_parser.add_argument("topic", nargs="?", choices=HELP_TOPICS, help="what to explain: " + ", ".join(HELP_TOPICS))
    help_parser.add_argument("--markdown", action="store_true", help="print the whole reference as Markdown (docs/reference.md)")
    help_parser.set_defaults(command=_help_command)


def _serve_command(args: argparse.Namespace) -> int:
    from site_builder.commands.serve import ServeOptions, serve

    return serve(ServeOptions(root=args.root, host=args.host, port=args.port, base_path=args.base_path, include_drafts=args.drafts))


def _new_command(args: argparse.Namespace) -> int:
    from site_builder.load.dates import BadSourceDateEpoch
    from site_builder.commands.new import ScaffoldRefused, new_article

    try:
        article = new_article(args.root, args.title, args.slug)
    except (ScaffoldRefused, BadSourceDateEpoch) as refusal:
        print(f"error: {refusal}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"created {article.path.relative_to(args.root).as_posix()} (a draft); preview it with: python -m site_builder serve --drafts")
    return EXIT_OK


def _deploy_command(args: argparse.Namespace) -> int:
    from site_builder.commands.deploy import DeployOptions, DeployRefused, deploy

    try:
        result = deploy(DeployOptions(root=args.root, remote=args.remote, branch=args.branch, push=args.push, allow_dirty=args.allow_dirty,
                                      base_url=args.base_url, keep_example_identity=args.keep_example_identity))
    except DeployRefused as refusal:
        print(f"error: {refusal}\nnothing was published", file=sys.stderr)
        return EXIT_PROBLEMS
    except BuildFailed as failure:
        _print_problems(failure)
        print("build failed; nothing was published", file=sys.stderr)
        return EXIT_PROBLEMS
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    what = f"committed {result.files} files to {args.branch} as {result.commit[:12]}" if result.changed else f"{args.branch} already holds this site ({result.commit[:12]})"
    print(what + (f" and pushed it to {args.remote}" if result.pushed else "; not pushed (--no-push)"))
    return EXIT_OK


def _init_command(args: argparse.Namespace) -> int:
    from site_builder.commands.init import InitRefused, init_site

    title = args.title
    if title is None:
        title = args.folder.resolve().name
        if sys.stdin.isatty():
            title = input(f"Title of the site [{title}]: ").strip() or title
    try:
        site = init_site(args.folder, title)
    except InitRefused as refusal:
        print(f"error: {refusal}\nnothing was created", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"created {site.folder}/ with " + ", ".join(site.files))
    print("next, preview it (it rebuilds on every save):")
    print(f"  cd {shlex.quote(str(args.folder))}")
    print("  site-builder serve")
    return EXIT_OK


def _theme_eject_command(args: argparse.Namespace) -> int:
    from site_builder.load.theme import load_theme

    from site_builder.commands.theme import eject

    result = eject(load_theme(args.root), args.paths)
    for path in result.copied:
        print(f"copied {path}; edit it there (delete it to use the theme's again)")
    for path in result.kept:
        if args.paths:
            print(f"error: {path} is already in the project; eject never overwrites, so move yours aside first to get the theme's", file=sys.stderr)
        else:
            print(f"kept {path}: the project already has its own")
    for problem in result.problems:
        print(f"error: {problem}", file=sys.stderr)
    refused = bool(result.problems) or (bool(args.paths) and bool(result.kept))
    if not result.copied and not refused:
        print("nothing to copy: the project already has its own copy of every theme file")
    return EXIT_PROBLEMS if refused else EXIT_OK


def _theme_list_command(args: argparse.Namespace) -> int:
    from site_builder.load.theme import load_theme

    from site_builder.commands.theme import overridden, theme_files

    theme = load_theme(args.root)
    replaced = overridden(theme)
    print(f"default theme in {theme.default}:")
    for path in theme_files(theme):
        print(f"  {path}" + ("   (replaced by the project's own)" if path in replaced else ""))
    return EXIT_OK


def _help_command(args: argparse.Namespace) -> int:
    from site_builder.commands.reference import reference_markdown, topic_text

    if args.markdown:
        sys.stdout.write(reference_markdown())
    elif args.topic:
        sys.stdout.write(topic_text(args.topic))
    else:
        print("site-builder help TOPIC explains one of:")
        for name in HELP_TOPICS:
            print(f"  {name}")
        print("The whole reference is docs/reference.md (site-builder help --markdown); each command has --help.")
    return EXIT_OK


def _build_command(args: argparse.Namespace) -> int:
    try:
        with ExitStack() as stack:
            executor = _executor(args, stack)
            report = build(BuildOptions(
                root=args.root, out=args.out, include_drafts=args.drafts, base_url=args.base_url, force=args.force,
                cache_dir=args.cache_dir, executor=executor, progress=for_stream(sys.stderr),
            ))
    except BuildFailed as failure:
        _print_problems(failure)
        count = len(failure.problems)
        print(f"build failed: {count} problem{'s' if count != 1 else ''}; the previous output was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        print("interrupted; the previous output was left as it was", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:  # outside the build proper (the Dask client, say): still the environment
        print(f"error: {environment_problem(error)}", file=sys.stderr)
        print("build failed: 1 problem; the previous output was left as it was", file=sys.stderr)
        return EXIT_PROBLEMS
    except Exception as error:  # noqa: BLE001 - the CLI is the one place that turns any failure into a message
        if args.debug:
            raise
        return _internal_error(error, debug_hint=True)
    for notice in report.notices:
        print(f"note: {notice}", file=sys.stderr)
    print(report.summary())
    if args.explain:
        for line in report.explanation() or ["  no figure ran: every one came from the cache"]:
            print(line)
    return EXIT_OK


def _clean_command(args: argparse.Namespace) -> int:
    out = output_dir(BuildOptions(root=args.root, out=args.out))
    try:
        with project_lock(args.root.resolve()) as notices:
            deleted = remove_output(out, args.root)
    except BuildFailed as failure:
        _print_problems(failure)
        print("clean failed; nothing was deleted", file=sys.stderr)
        return EXIT_PROBLEMS
    for notice in notices:
        print(f"note: {notice}", file=sys.stderr)
    print(f"deleted {out}" if deleted else f"nothing to clean: {out} does not exist")
    return EXIT_OK


def _print_problems(failure: BuildFailed) -> None:
    for problem in failure.problems:
        print(f"error: {problem}", file=sys.stderr)


def _executor(args: argparse.Namespace, stack: ExitStack) -> Executor | None:
    """``None`` for the default local process pool, or a Dask cluster's executor."""
    if args.executor == "local":
        return None
    if not args.scheduler:
        raise BuildFailed([Problem("command line", None, "--executor dask needs --scheduler ADDRESS (for example tcp://127.0.0.1:8786)")])
    from site_builder.experiments.distributed import dask_executor

    return stack.enter_context(dask_executor(args.scheduler))

