"""The full build, stage by stage: load the site → run the experiments → render → check → write.

Each page is written the moment it is rendered, into a hidden staging folder
(:class:`~site_builder.write.output.SiteStaging`) that replaces the output
folder only once every stage has succeeded, so memory holds one page at a time
and the previous site stays whole until then; each stage reports all of its
problems at once through :class:`BuildFailed`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from site_builder.load.assets import collect_assets
from site_builder.experiments.cache import FigureCache
from site_builder.load.bibliography import EMPTY, Bibliography, ParseBib, clashes, load_bibliography
from site_builder.load.bibliography_store import BibliographyStore
from site_builder.load.config import SiteConfig, load_config, with_base_url
from site_builder.load.content import Content, load_content
from site_builder.experiments.custom.sources import CustomSources
from site_builder.experiments.runner import FigureJob, FigureRun, default_workers, figure_jobs, figure_sources, run_figures
from site_builder.render.card_images import CardImageStore, card_images
from site_builder.render.linkcheck import find_broken_references
from site_builder.load.theme import Theme, load_theme
from site_builder.render.markup import KatexAssetsError, KatexDist, KatexRenderer, KatexUnavailable, bundled_katex, highlight_css, katex_assets
from site_builder.render.markup.fonts import subset_math_fonts
from site_builder.render.markup.math_cache import CachedMathRenderer
from site_builder.render.notebook import article_notebooks
from site_builder.render.notebook_run import NotebookCache, PendingNotebooks, start_notebooks
from site_builder.render.page_facts import PageFacts, PageReader
from site_builder.render.prepare import Preparation
from site_builder.render.reuse import NotebookMemos, RenderMemo, notebook_memos, published_notebook_memo, site_digest
from site_builder.write.freshness import builder_digest
from site_builder.write.page_cache import PageCache
from site_builder.write.site_record import SiteRecord
from site_builder.options import BuildOptions, BuildReport
from site_builder.write.output import SiteStaging, check_output_dir
from site_builder.problems import BuildFailed, Problem
from site_builder.render.pages import PageOutput, RenderedSite, SiteFiles, render_site
from site_builder.render.templating import SealedBytecodeCache, make_environment, templates_digest


def run_pipeline(options: BuildOptions, out_dir: Path) -> BuildReport:
    """Build the site at ``options.root`` into ``out_dir``; raise :class:`BuildFailed` listing every problem."""
    started = time.perf_counter()
    root = options.root.resolve()
    code = builder_digest()
    bibliographies = BibliographyStore(options.cache_folder() / "bibliographies", code, read=not options.force)
    options.progress.start("load", 1)
    config, content, theme, notices = load_site(root, options.include_drafts, bibliographies)
    options.progress.finish("load", f"{_count(len(content.articles), 'article')}, {_count(len(content.pages), 'page')}")
    if options.base_url is not None:
        config = with_base_url(config, options.base_url)
    _raise_if(check_output_dir(out_dir, root))

    katex = _katex()
    generated = {f"static/katex/{path}": data for path, data in katex_assets(katex).items()}
    generated["static/highlight.css"] = highlight_css().encode("utf-8")
    page_cache = PageCache(options.cache_folder() / "pages", read=not options.force)
    # each article's words for its notebook, and the notebook before it runs, kept between builds
    memos = notebook_memos(page_cache, code)
    jobs = figure_jobs(content.articles, root)  # a python figure's files are read here, once, for its run and its notebook
    pending = _start_notebooks(content, config, options, memos, figure_sources(jobs))  # their code needs no experiment's results: they run beside them
    try:
        with KatexRenderer(katex) as renderer:  # one Node process, for the formulas prepared early and the render
            math = CachedMathRenderer(renderer, options.cache_folder() / "math.json", katex)
            preparation = Preparation([*(a.document for a in content.articles), *(p.document for p in content.pages)],
                                      math, generated, options.cache_folder() / "fonts")
            figures = _run_experiments(jobs, options, preparation)
            pending.widen(default_workers(len(content.articles)))  # the experiments' workers are gone: a kernel per core
            generated |= _finish_notebooks(pending, content, config, figures, options, memos,  # <slug>/<slug>.ipynb, outputs saved
                                           published_notebook_memo(page_cache, code))
            assets = collect_assets(theme, content, generated)
            cards = card_images(content.articles, {**assets, **figures.files}, CardImageStore(options.cache_folder() / "card-images"))
            files = SiteFiles({**figures.files, **cards}, assets, figures.results)
            memo = _memo(config, content, files, theme, page_cache, code, SiteRecord(options.cache_folder(), out_dir, read=not options.force))
            reader = PageReader(known=memo.known_facts)  # each page is parsed once, for the link checks and the fonts together
            with SiteStaging(out_dir) as staging:  # each page is written the moment it is made; the site is swapped in whole at the end
                site = _render(config, content, files, theme, math, options, reader, memo, staging)
                published = _subset_fonts(site, options, reader)
                _raise_if(_check_links(published, site.pages, options, reader))
                memo.store_facts(reader.learned)
                _write(staging, published, options)
            memo.record.save()  # the site is in place: the record describes it
    except KatexUnavailable as error:
        raise BuildFailed([Problem("environment", None, str(error))]) from None
    finally:
        pending.cancel()
    page_cache.tidy()  # after the site is in place: what this build used is marked, entries long unused are deleted
    return BuildReport(out_dir, sum(1 for path in staging.written if path.endswith(".html")), len(staging.written), time.perf_counter() - started, figures.ran, figures.cached, notices,
                       extra_inputs=figures.read_files())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def load_site(root: Path, include_drafts: bool, bibliographies: BibliographyStore | None = None) -> tuple[SiteConfig, Content, Theme, tuple[str, ...]]:
    """Read ``site.toml``, ``content/`` and the theme; problems in all three are reported together.

    ``bibliographies`` keeps the .bib files parsed between builds; without it every file is parsed.
    """
    parse_bib = (bibliographies or BibliographyStore(None)).parse
    problems: list[Problem] = []
    config, notices = SiteConfig(), ()
    try:
        config, notices = load_config(root)
    except BuildFailed as failure:
        problems.extend(failure.problems)
    try:
        content = load_content(root, include_drafts=include_drafts, parse_bib=parse_bib)
    except BuildFailed as failure:
        problems.extend(failure.problems)
    try:
        theme = load_theme(root)
    except BuildFailed as failure:
        problems.extend(failure.problems)
    bibliography = _site_bibliography(root, config, problems, parse_bib)
    _raise_if(problems)
    _raise_if([p for article in content.articles for p in clashes(bibliography, article.bibliography)])
    return config, replace(content, bibliography=bibliography), theme, notices


def _site_bibliography(root: Path, config: SiteConfig, problems: list[Problem], parse_bib: ParseBib) -> Bibliography:
    """The .bib file ``site.toml`` names, or none; its problems are added to ``problems``."""
    if not config.bibliography:
        return EMPTY
    try:
        return load_bibliography(root, config.bibliography, parse_bib)
    except BuildFailed as failure:
        problems.extend(failure.problems)
        return EMPTY


def _run_experiments(jobs: list[FigureJob], options: BuildOptions, preparation: Preparation) -> FigureRun:
    """Every figure, from the cache or made; while any is made, ``preparation`` does what the render can do early."""
    root = options.root.resolve()
    options.progress.start("experiments", len(jobs))
    cache = FigureCache(options.cache_folder() / "figures")
    run = run_figures(jobs, cache, executor=options.executor, force=options.force, project=root, meanwhile=preparation,
                      on_done=lambda job: options.progress.advance("experiments"))
    prepared = f" ({preparation.summary()})" if run.ran else ""
    options.progress.finish("experiments", run.summary() + prepared)
    return run


def _start_notebooks(content: Content, config: SiteConfig, options: BuildOptions, memos: NotebookMemos,
                     sources: dict[str, CustomSources]) -> PendingNotebooks:
    notebooks = article_notebooks(content.articles, config.base_url, sources, **memos)
    return start_notebooks(notebooks, NotebookCache(options.cache_folder() / "notebooks"), force=options.force)


def _finish_notebooks(pending: PendingNotebooks, content: Content, config: SiteConfig, figures: FigureRun, options: BuildOptions,
                      memos: NotebookMemos, published: Callable[[bytes, list], bytes]) -> dict[str, bytes]:
    """Every article's notebook with its outputs; its text quotes the experiments' numbers, as the page does."""
    notebooks = article_notebooks(content.articles, config.base_url, figures.code, numbers=figures.results,
                                  bibliography=content.bibliography, citation_style=config.citation_style, **memos)
    options.progress.start("notebooks", len(notebooks))
    runs = pending.finish(notebooks, on_done=lambda: options.progress.advance("notebooks"), written=published)
    options.progress.finish("notebooks", f"{len(runs.ran)} run, {len(notebooks) - len(runs.ran)} cached")
    return runs.files


def _memo(config: SiteConfig, content: Content, files: SiteFiles, theme: Theme, cache: PageCache, code: str, record: SiteRecord) -> RenderMemo:
    """What this build may take from the page cache, and where it keeps what it makes (see render/reuse.py)."""
    sources = {document.path: output_path for document, output_path in
               [(a.document, a.output_path) for a in content.articles] + [(p.document, p.output_path) for p in content.pages]}
    return RenderMemo(cache, site_digest(code, config, sources, {**files.assets, **files.figures}), code, templates_digest(theme), record)


def _render(config: SiteConfig, content: Content, files: SiteFiles, theme: Theme, math: CachedMathRenderer, options: BuildOptions,
            reader: PageReader, memo: RenderMemo, out: PageOutput) -> RenderedSite:
    """Render every page into ``out``; formulas come from the math cache, and Node starts only for new ones."""
    options.progress.start("render", len(content.articles) + len(content.pages))
    prepared = math.misses  # rendered while the experiments ran
    compiled = SealedBytecodeCache(options.cache_folder() / "templates", memo.code, read=not options.force)
    site = render_site(config, content, files, make_environment(theme, compiled), math, memo, out, reader)
    math.save(complete=memo.bodies_reused == 0)  # else the reused bodies' formulas are kept: this build did not see them
    options.progress.finish("render", f"{_count(math.misses - prepared, 'new formula')} rendered by KaTeX; {memo.pages_kept} of {_count(len(site.pages), 'page')} "
                                      f"unchanged, not rendered; page cache: {memo.cache.hits} reused, {memo.cache.misses} made")
    return site


def _subset_fonts(site: RenderedSite, options: BuildOptions, reader: PageReader) -> dict[str, bytes]:
    """The site's files with KaTeX's fonts cut down to the glyphs its formulas use (see markup/fonts.py)."""
    options.progress.start("fonts", 1)
    try:
        subset = subset_math_fonts(site.files, options.cache_folder() / "fonts", reader, site.pages.values())
        changed = sum(1 for path, data in subset.items() if data is not site.files.get(path))
        options.progress.finish("fonts", f"{changed} math fonts subset")
        return subset
    except ImportError as error:  # fontTools, or brotli for woff2, not installed
        raise BuildFailed([Problem("static/katex/fonts", None, f"cannot subset the math fonts ({error}); install the builder's dependencies: python -m pip install -e .")]) from None


def _check_links(files: dict[str, bytes], pages: dict[str, PageFacts], options: BuildOptions, reader: PageReader) -> list[Problem]:
    """Every internal reference of the finished site resolves (see render/linkcheck.py)."""
    options.progress.start("links", 1)
    problems = find_broken_references(files, reader, pages)
    html = len(pages) + sum(1 for path in files if path.endswith(".html"))
    options.progress.finish("links", f"{html} pages, {reader.parsed} parsed, {len(problems)} broken")
    return problems


def _write(staging: SiteStaging, files: dict[str, bytes], options: BuildOptions) -> None:
    """Write what the render did not (figures, assets, fonts, feeds), then swap the new site in."""
    options.progress.start("write", 1)
    staging.put_all(files)
    staging.swap_in()
    options.progress.finish("write", f"{len(staging.written)} files, {len(staging.written) - staging.linked} new or changed")


def _katex() -> KatexDist:
    """The builder's own copy of KaTeX, checked against its manifest."""
    try:
        return bundled_katex()
    except (KatexUnavailable, KatexAssetsError) as error:
        raise BuildFailed([Problem("environment", None, str(error))]) from None


def _raise_if(problems: list[Problem]) -> None:
    if problems:
        raise BuildFailed(problems)
