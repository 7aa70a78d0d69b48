"""The build, stage by stage: load the site → run the experiments → render → write.

Nothing is written until every stage has succeeded; each stage reports all of
its problems at once through :class:`BuildFailed`.
"""

from __future__ import annotations

import time
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from .assets import collect_assets
from .config import SiteConfig, load_config
from .content import Content, load_content
from .experiments.runner import figure_jobs, run_figures
from .linkcheck import find_broken_references
from .markup import KatexAssetsError, KatexRenderer, KatexUnavailable, find_katex, highlight_css, katex_assets
from .output import check_output_dir, write_site
from .problems import BuildFailed, Problem
from .render import SiteFiles, render_site
from .templating import TEMPLATES_DIR, make_environment

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class BuildOptions:
    root: Path = Path(".")
    out: Path | None = None  # default: root / config.output_dir
    include_drafts: bool = False
    executor: Executor | None = None  # default: a local process pool


@dataclass(frozen=True)
class BuildReport:
    out_dir: Path
    pages: int
    figures: int
    files: int
    seconds: float
    notices: tuple[str, ...] = field(default=())


def build(options: BuildOptions) -> BuildReport:
    """Build the site at ``options.root``; raise :class:`BuildFailed` listing every problem."""
    started = time.perf_counter()
    root = options.root.resolve()
    config, content, notices = load_site(root, options.include_drafts)
    out_dir = options.out if options.out is not None else root / config.output_dir
    _raise_if(check_output_dir(out_dir, root))

    figures = run_figures(figure_jobs(content.articles), options.executor)

    katex_dir = _katex_dir(root)
    generated = {f"static/katex/{path}": data for path, data in katex_assets(katex_dir).items()}
    generated["static/highlight.css"] = highlight_css().encode("utf-8")
    files = SiteFiles(figures, collect_assets(root, content, generated))
    try:
        with KatexRenderer(katex_dir) as math:
            site = render_site(config, content, files, make_environment(root / TEMPLATES_DIR), math)
    except KatexUnavailable as error:
        raise BuildFailed([Problem("node_modules/katex", None, str(error))]) from None
    _raise_if(find_broken_references(site))

    write_site(out_dir, site)
    pages = sum(1 for path in site if path.endswith(".html"))
    return BuildReport(out_dir, pages, len(figures), len(site), time.perf_counter() - started, notices)


def load_site(root: Path, include_drafts: bool) -> tuple[SiteConfig, Content, tuple[str, ...]]:
    """Read ``site.toml`` and ``content/``; problems in both are reported together."""
    problems: list[Problem] = []
    config, notices = SiteConfig(), ()
    try:
        config, notices = load_config(root)
    except BuildFailed as failure:
        problems.extend(failure.problems)
    try:
        content = load_content(root, include_drafts=include_drafts)
    except BuildFailed as failure:
        problems.extend(failure.problems)
    _raise_if(problems)
    return config, content, notices


def _katex_dir(root: Path) -> Path:
    """KaTeX's package folder: the project's ``node_modules`` first, then the one beside site_builder."""
    try:
        return find_katex([root, PACKAGE_DIR])
    except (KatexUnavailable, KatexAssetsError) as error:
        raise BuildFailed([Problem("node_modules/katex", None, str(error))]) from None


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise BuildFailed(problems)
