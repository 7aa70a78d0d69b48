"""The figure and math caches, the no-op fast path, --force, --explain, and the Dask executor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.experiments import cache as cache_module
from site_builder.build import build
from site_builder.experiments.cache import FigureCache, explain_change
from site_builder.render.markup.katex_install import bundled_katex
from site_builder.render.markup.math_cache import CachedMathRenderer
from site_builder.options import BuildOptions

ARTICLE = """
---
title: Cached
date: 2026-01-01
figures:
  relu.png: {kind: activation, activation: relu}
  fit.gif: {kind: training, target: "x**2", hidden: [2], steps: 40, frames: 4, lr: 0.1, seed: 0}
---
A paragraph with $x^2$ in it.

![ReLU](relu.png "ReLU.")

![Fit](fit.gif "Fit.")
"""


@pytest.fixture
def project(make_project) -> Path:
    return make_project({"content/a/index.md": ARTICLE})


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_first_build_runs_everything_then_an_edited_paragraph_runs_nothing(project: Path) -> None:
    first = build(BuildOptions(root=project))
    assert sorted(first.figures_ran) == ["a/fit.gif", "a/relu.png"]
    assert set(first.figures_ran.values()) == {"not built before"}
    edit(project / "content/a/index.md", "A paragraph", "An edited paragraph")
    second = build(BuildOptions(root=project))
    assert second.figures_ran == {} and sorted(second.figures_cached) == ["a/fit.gif", "a/relu.png"]
    assert "An edited paragraph" in (project / "_site/a/index.html").read_text()


def test_a_changed_declaration_reruns_only_that_figure_and_says_why(project: Path) -> None:
    build(BuildOptions(root=project))
    edit(project / "content/a/index.md", "lr: 0.1", "lr: 0.2")
    report = build(BuildOptions(root=project))
    assert report.figures_ran == {"a/fit.gif": "declaration changed (lr: 0.1 → 0.2)"}
    assert report.figures_cached == ("a/relu.png",)
    edit(project / "content/a/index.md", "seed: 0", "seed: 3")
    assert build(BuildOptions(root=project)).figures_ran == {"a/fit.gif": "seed changed (0 → 3)"}


def test_changed_code_or_library_versions_rerun_figures(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(BuildOptions(root=project))
    code = cache_module.figure_code_hashes()
    monkeypatch.setattr("site_builder.experiments.runner.figure_code_hashes", lambda: {**code, "site_builder/experiments/figures/animation.py": "edited"})
    report = build(BuildOptions(root=project, force=False, out=project / "other"))
    assert report.figures_ran["a/fit.gif"] == "code changed (site_builder/experiments/figures/animation.py)"
    versions = cache_module.library_versions()
    monkeypatch.setattr("site_builder.experiments.runner.library_versions", lambda: {**versions, "matplotlib": "0.1"})
    report = build(BuildOptions(root=project, out=project / "third"))
    assert report.figures_ran["a/relu.png"] == f"versions changed (matplotlib: {versions['matplotlib']} → 0.1)"


def test_a_damaged_cache_entry_is_rebuilt_not_served(project: Path) -> None:
    fresh = build(BuildOptions(root=project))
    expected = tree(fresh.out_dir)
    entries = [p for p in (project / ".site-cache/figures").iterdir() if p.is_dir()]
    for entry in entries:
        for file in entry.iterdir():
            if file.name != "manifest.json":
                data = bytearray(file.read_bytes())
                data[len(data) // 2] ^= 0xFF
                file.write_bytes(bytes(data))
    (entries[0] / "manifest.json").write_text("{half a manifest")
    report = build(BuildOptions(root=project, force=False, out=project / "again"))
    assert sorted(report.figures_ran) == ["a/fit.gif", "a/relu.png"]
    assert tree(report.out_dir) == expected


def test_cached_and_fresh_builds_are_byte_identical(project: Path) -> None:
    fresh = tree(build(BuildOptions(root=project)).out_dir)
    (project / "content/a/index.md").write_text((project / "content/a/index.md").read_text() + "\nMore.\n")
    build(BuildOptions(root=project))
    edit(project / "content/a/index.md", "\nMore.\n", "")
    cached = build(BuildOptions(root=project))
    assert cached.figures_ran == {} and tree(cached.out_dir) == fresh


def test_force_reruns_everything(project: Path) -> None:
    build(BuildOptions(root=project))
    report = build(BuildOptions(root=project, force=True))
    assert report.figures_ran == {"a/fit.gif": "--force", "a/relu.png": "--force"} and not report.up_to_date


def test_noop_rebuild_touches_nothing_and_imports_no_plotting_or_node(project: Path) -> None:
    build(BuildOptions(root=project))
    before = {p: p.stat().st_mtime_ns for p in (project / "_site").rglob("*")}
    probe = (
        "import sys, subprocess\n"
        "started = []\n"
        "real_popen = subprocess.Popen.__init__\n"
        "def spy(self, args, *a, **k):\n"
        "    started.append(args)\n"
        "    return real_popen(self, args, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from site_builder.commands.cli import main\n"
        f"code = main(['build', '--root', {str(project)!r}])\n"
        "print('matplotlib' in sys.modules, 'numpy' in sys.modules, started, code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    summary, probed = result.stdout.strip().splitlines()
    assert summary.startswith("nothing changed since the last build") and summary.endswith(")")
    assert "figures: 0 run, 2 cached" in summary
    assert probed == "False False [] 0"
    assert {p: p.stat().st_mtime_ns for p in (project / "_site").rglob("*")} == before


def test_a_text_edit_with_every_figure_cached_does_not_import_plotting(project: Path) -> None:
    """Rebuilding after a prose edit re-renders pages; drawing code (and matplotlib's 0.5 s import) stays unloaded."""
    build(BuildOptions(root=project))
    edit(project / "content/a/index.md", "\n---\n", "\n---\n\nA new first sentence.\n")
    probe = (
        "import sys\n"
        "from site_builder.commands.cli import main\n"
        f"code = main(['build', '--root', {str(project)!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'imageio')), code)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    summary, probed = result.stdout.strip().splitlines()
    assert "figures: 0 run, 2 cached" in summary
    assert probed == "[] 0"


def test_explain_prints_why_each_figure_ran(project: Path) -> None:
    command = [sys.executable, "-m", "site_builder", "build", "--root", str(project), "--explain"]
    subprocess.run(command, capture_output=True, check=True)
    edit(project / "content/a/index.md", "steps: 40", "steps: 50")
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[1:] == ["  ran a/fit.gif: declaration changed (steps: 40 → 50)"]
    assert result.stdout.splitlines()[0].endswith("figures: 1 run, 1 cached")
    assert "experiments: done in" in result.stderr  # plain progress lines when stderr is not a terminal


def test_explain_change_lists_every_kind_of_input() -> None:
    before = {"declaration": {"lr": 0.1}, "seed": 1, "code": {"a.py": "1"}, "versions": {"numpy": "2.0"}}
    after = {"declaration": {"lr": 0.2}, "seed": 2, "code": {"a.py": "2"}, "versions": {"numpy": "2.1"}}
    assert explain_change(before, after) == (
        "declaration changed (lr: 0.1 → 0.2); seed changed (1 → 2); code changed (a.py); versions changed (numpy: 2.0 → 2.1)"
    )
    assert explain_change(None, after) == "not built before"
    assert explain_change(after, after) == "cache entry missing or damaged"


def test_figure_cache_round_trip_and_half_written_entries(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    cache.store("k", {"a.png": b"png", "a.poster.png": b"poster"})
    assert cache.load("k") == {"a.png": b"png", "a.poster.png": b"poster"}
    (tmp_path / "k" / "a.png").unlink()
    assert cache.load("k") is None
    (tmp_path / ".k2.123.tmp").mkdir()  # a crash while storing leaves only a staging folder
    assert cache.load("k2") is None



def test_the_record_of_figure_inputs_is_rewritten_only_when_it_changes(tmp_path: Path) -> None:
    cache = FigureCache(tmp_path)
    cache.remember_inputs({"a/fig.png": {"seed": 1}})
    record = tmp_path / cache_module.INPUTS_FILE
    first = record.stat()
    cache.remember_inputs({"a/fig.png": {"seed": 1}})
    assert record.stat().st_ino == first.st_ino and record.stat().st_mtime_ns == first.st_mtime_ns
    cache.remember_inputs({"b/fig.png": {"seed": 2}})
    assert cache.previous_inputs() == {"a/fig.png": {"seed": 1}, "b/fig.png": {"seed": 2}}

class CountingMath:
    def __init__(self) -> None:
        self.calls = 0

    def render(self, tex: str, *, display: bool) -> str:
        self.calls += 1
        return f"<katex {int(display)}>{tex}</katex>"


def test_math_cache_answers_repeated_formulas_without_the_renderer(tmp_path: Path) -> None:
    katex_dir = bundled_katex()
    first = CountingMath()
    math = CachedMathRenderer(first, tmp_path / "math.json", katex_dir)
    assert math.render("x^2", display=False) == "<katex 0>x^2</katex>"
    math.render("x^2", display=True)
    math.save(complete=True)
    second = CountingMath()
    math = CachedMathRenderer(second, tmp_path / "math.json", katex_dir)
    assert math.render("x^2", display=True) == "<katex 1>x^2</katex>"
    assert second.calls == 0 and math.misses == 0
    (tmp_path / "math.json").write_text("not json")
    assert CachedMathRenderer(second, tmp_path / "math.json", katex_dir).render("y", display=False) == "<katex 0>y</katex>"
    assert json.loads(json.dumps({"ok": 1}))


@pytest.mark.slow
def test_dask_executor_runs_the_experiments_on_a_local_cluster(project: Path) -> None:
    import distributed  # in the test extra: this test never skips
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = subprocess.run(
            [sys.executable, "-m", "site_builder", "build", "--root", str(project), "--executor", "dask", "--scheduler", cluster.scheduler_address],
            capture_output=True, text=True,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("figures: 2 run, 0 cached")
    local = tree(build(BuildOptions(root=project, force=True, out=project / "local")).out_dir)
    assert tree(project / "_site") == local



def test_formulas_a_build_did_not_see_are_dropped_only_when_it_rendered_every_body(tmp_path: Path) -> None:
    katex = bundled_katex()
    math = CachedMathRenderer(CountingMath(), tmp_path / "math.json", katex)
    math.render("a", display=False), math.render("b", display=False)
    math.save(complete=True)
    math = CachedMathRenderer(CountingMath(), tmp_path / "math.json", katex)
    math.render("a", display=False)  # "b" sits in a body the page cache served
    math.save(complete=False)
    counting = CountingMath()
    math = CachedMathRenderer(counting, tmp_path / "math.json", katex)
    math.render("b", display=False)
    assert counting.calls == 0  # kept
    math.save(complete=True)  # every body rendered, and only "b" was used
    counting = CountingMath()
    math = CachedMathRenderer(counting, tmp_path / "math.json", katex)
    math.render("a", display=False)
    assert counting.calls == 1  # dropped


def test_a_formula_on_many_pages_is_sent_to_katex_once_per_build(tmp_path: Path) -> None:
    counting = CountingMath()
    math = CachedMathRenderer(counting, tmp_path / "math.json", bundled_katex())
    for _page in range(5):
        assert math.render("x^2", display=False) == "<katex 0>x^2</katex>"
        math.render("x^2", display=True)
    assert counting.calls == 2 and math.misses == 2


def test_a_figure_declaration_in_its_inputs_is_the_specs_fields_as_dataclasses_asdict_gives_them() -> None:
    """``figure_inputs`` walks a spec itself, for speed; ``dataclasses.asdict`` is the definition it is held to."""
    import dataclasses

    from site_builder.experiments.cache import figure_inputs
    from site_builder.experiments.runner import figure_jobs
    from site_builder.load.content import load_content

    repo = Path(__file__).resolve().parents[1]
    jobs = figure_jobs(load_content(repo).articles, repo)
    assert len({type(job.spec) for job in jobs}) >= 6  # every kind the example site declares
    for job in jobs:
        expected = json.loads(json.dumps({"kind": type(job.spec).__name__, **dataclasses.asdict(job.spec)}))
        expected.pop("seed", None)
        if isinstance(expected.get("training"), dict):
            expected["training"].pop("seed", None)
        assert figure_inputs(job.spec, {}, {}, job.sources)["declaration"] == expected, job.output_path
