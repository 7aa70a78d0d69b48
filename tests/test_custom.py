"""Figures from the author's own Python code (``kind: python``): made, cached by everything that decides
them, explained, and reported in the author's own terms when they fail."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from conftest import REPO
from site_builder.build import build
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed

pytestmark = pytest.mark.slow

SCRIPT = '''\
from site_builder.lab import new_figure
import helpers

def make(params, rng):
    figure, axes = new_figure(f"Squares up to {params['n']}")
    heights = helpers.squares(params["n"]) + rng.normal(0, 0.01, params["n"])
    axes.bar(range(params["n"]), heights)
    with open("data/points.csv") as points:
        axes.set_xlabel(points.readline().strip())
    return figure

def frames(params, rng):
    from site_builder.lab import Frame
    for k in range(1, params["count"] + 1):
        figure, axes = new_figure(f"k = {k}")
        axes.plot(range(k + 1))
        yield Frame(figure, f"epoch {k}")
'''
HELPERS = "import deeper\n\ndef squares(n):\n    return deeper.power(n, 2)\n"
DEEPER = "import numpy as np\n\ndef power(n, p):\n    return np.arange(n) ** p\n"


def article(figures: str, body: str = "") -> str:
    return f"---\ntitle: Mine\ndate: 2026-01-01\nfigures:\n{textwrap.indent(figures, '  ')}---\n\nText.\n\n{body}"


FIGURES = (
    "bars.png: {kind: python, script: bars.py, params: {n: 4}, inputs: [data/points.csv], seed: 1}\n"
    "grow.gif: {kind: python, script: bars.py, function: frames, params: {count: 3}, fps: 5}\n"
)
SHOWN = '![Bars.](bars.png "Bars.")\n\n![Growing.](grow.gif "Growing.")\n'


@pytest.fixture
def project(make_project) -> Path:
    return make_project({
        "content/mine/index.md": article(FIGURES, SHOWN),
        "content/mine/bars.py": SCRIPT,
        "experiments/helpers.py": HELPERS,
        "experiments/deeper.py": DEEPER,
        "experiments/unrelated.py": "VALUE = 1\n",
        "data/points.csv": "x,y\n1,2\n",
    })


def test_a_still_and_an_animation_from_the_authors_code(project: Path) -> None:
    report = build(BuildOptions(root=project))
    assert sorted(report.figures_ran) == ["mine/bars.png", "mine/grow.gif"]
    out = project / "_site/mine"
    still = Image.open(out / "bars.png")
    assert still.size == (1280, 960)  # the site's still size: new_figure at 2x
    gif = Image.open(out / "grow.gif")
    frames = [np.array(frame.convert("RGB")) for frame in ImageSequence.Iterator(gif)]
    assert len(frames) == 3 and frames[0].shape == (480, 640, 3)
    assert not np.array_equal(frames[0], frames[-1])
    poster = np.array(Image.open(out / "grow.poster.png").convert("RGB")).astype(int)
    assert np.abs(poster - frames[-1]).mean() < 1.0  # the last frame, before the GIF's 32-colour palette
    data = _player_data(out / "grow.frames.js", "grow.gif")
    assert data["kind"] == "raster" and data["labels"] == ["epoch 1", "epoch 2", "epoch 3"]
    assert data["frame_ms"] == 200
    # the code is run, never published, and leaves no bytecode behind
    assert not (out / "bars.py").exists()
    assert not list((project / "content").rglob("__pycache__")) and not list((project / "experiments").rglob("__pycache__"))


def _player_data(path: Path, name: str) -> dict:
    text = path.read_text(encoding="ascii")
    prefix = f"window.siteBuilderAnimations[{json.dumps(name)}] = "
    return json.loads(text[text.index(prefix) + len(prefix):].rstrip().rstrip(";"))


def test_the_cache_key_follows_the_imports_and_the_inputs(project: Path) -> None:
    first = build(BuildOptions(root=project))
    bars = (project / "_site/mine/bars.png").read_bytes()
    assert len(first.figures_ran) == 2
    # an edit nothing depends on: a paragraph, a module nobody imports
    (project / "content/mine/index.md").write_text(article(FIGURES, "More text.\n\n" + SHOWN))
    (project / "experiments/unrelated.py").write_text("VALUE = 2\n")
    assert build(BuildOptions(root=project)).figures_ran == {}
    edits = [
        ("content/mine/bars.py", SCRIPT.replace("0.01", "0.02"), "code changed (content/mine/bars.py)"),
        ("experiments/helpers.py", HELPERS + "\n# a comment counts too\n", "code changed (experiments/helpers.py)"),
        ("experiments/deeper.py", DEEPER.replace("** p", "** p + 0"), "code changed (experiments/deeper.py)"),
        ("data/points.csv", "a,b\n1,2\n", "input changed (data/points.csv)"),
    ]
    for path, text, why in edits:
        (project / path).write_text(text)
        report = build(BuildOptions(root=project))
        ran = report.figures_ran
        assert ran.get("mine/bars.png") == why, (path, ran)
        if path != "data/points.csv":  # grow.gif declares no input; both run the same script and modules
            assert ran.get("mine/grow.gif") == why
        else:
            assert "mine/grow.gif" not in ran
    assert (project / "_site/mine/bars.png").read_bytes() != bars


def test_explain_names_the_changed_file(project: Path) -> None:
    build(BuildOptions(root=project))
    (project / "experiments/deeper.py").write_text(DEEPER + "\n")
    result = subprocess.run([sys.executable, "-m", "site_builder", "build", "--root", str(project), "--explain"],
                            capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert "  ran mine/bars.png: code changed (experiments/deeper.py)" in result.stdout.splitlines()


@pytest.fixture
def failing(tmp_path: Path):
    """Build a project whose one python figure runs ``script``; return the problems, as printed."""
    projects = iter(range(100))

    def problems(script: str, declaration: str = "f.png: {kind: python, script: s.py}", files: dict | None = None) -> list[str]:
        name = declaration.split(":", 1)[0]
        root = tmp_path / f"project-{next(projects)}"
        sources = {"content/mine/index.md": article(declaration + "\n", f'![F.]({name} "F.")\n'), "content/mine/s.py": script, **(files or {})}
        for relative, text in sources.items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(text, encoding="utf-8")
        return _problems(root)

    return problems


def _problems(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    return [str(problem) for problem in failure.value.problems]


def test_an_exception_points_at_the_authors_line_with_the_authors_frames_only(failing) -> None:
    script = "import numpy as np\n\ndef check(n):\n    if n < 1:\n        raise ValueError(f'depth must be positive, not {n}')\n\ndef make(params, rng):\n    check(params['depth'])\n"
    [problem] = failing(script, "f.png: {kind: python, script: s.py, params: {depth: 0}}")
    assert problem == (
        "content/mine/s.py:5: ValueError: depth must be positive, not 0\n"
        "  the traceback in your code, innermost last:\n"
        "    content/mine/s.py:8 in make\n"
        "    content/mine/s.py:5 in check\n"
        "  (drawing figure 'f.png', declared at content/mine/index.md:5)"
    )


def test_a_wrong_return_says_what_came_back_and_what_was_wanted(failing) -> None:
    [still] = failing("def make(params, rng):\n    return [1, 2]\n")
    assert still.startswith("content/mine/s.py:1: make() returned a list; a .png figure needs a matplotlib Figure")
    [nothing] = failing("def make(params, rng):\n    return None\n")
    assert "make() returned None; a .png figure needs a matplotlib Figure" in nothing
    [figure] = failing("from site_builder.lab import new_figure\n\ndef make(params, rng):\n    return new_figure('x')[0]\n", "f.gif: {kind: python, script: s.py}")
    assert "make() returned a Figure; a .gif figure needs its frames" in figure
    [frames] = failing("import numpy as np\n\ndef make(params, rng):\n    return [np.zeros((4, 4), dtype=np.uint8)]\n", "f.gif: {kind: python, script: s.py}")
    assert "make() frame 1 is an array of shape (4, 4) and type uint8; a frame array must be (H, W, 3) uint8" in frames


def test_a_run_past_its_timeout_is_stopped(failing) -> None:
    [problem] = failing("import time\n\ndef make(params, rng):\n    time.sleep(60)\n", "f.png: {kind: python, script: s.py, timeout: 1}")
    assert problem == (
        "content/mine/index.md:5: figure 'f.png': make() ran for more than its timeout of 1 s and was stopped; "
        "make it faster, or give the figure more time with timeout: SECONDS"
    )


def test_reading_an_undeclared_project_file_is_caught(failing) -> None:
    script = "from site_builder.lab import new_figure\n\ndef make(params, rng):\n    try:\n        open('data/secret.csv').read()\n    except OSError:\n        pass\n    return new_figure('x')[0]\n"
    [problem] = failing(script, files={"data/secret.csv": "1,2\n"})
    assert problem == (
        "content/mine/index.md:5: figure 'f.png': content/mine/s.py reads data/secret.csv, which the figure does not declare; "
        "add it to the figure's inputs: [data/secret.csv] so that a change to it reruns the figure"
    )


def test_missing_script_function_and_syntax_errors_name_the_file(failing) -> None:
    assert failing("def draw(params, rng):\n    pass\n") == [
        "content/mine/s.py: has no function make(params, rng); define it, or name the one that draws the figure with function:\n"
        "  (drawing figure 'f.png', declared at content/mine/index.md:5)",
    ]
    assert failing("def make(params, rng)\n    pass\n") == [
        "content/mine/s.py:1: SyntaxError: expected ':' (figure 'f.png', declared at content/mine/index.md:5)",
    ]
    assert failing("", "f.png: {kind: python, script: nowhere.py}") == [
        "content/mine/index.md:5: figure 'f.png': script 'nowhere.py' was found neither beside the article (content/mine/nowhere.py) "
        "nor in experiments/ (experiments/nowhere.py); create it or correct the name",
    ]


def test_params_are_read_only(failing) -> None:
    [problem] = failing("def make(params, rng):\n    params['n'] = 2\n", "f.png: {kind: python, script: s.py, params: {n: 1}}")
    assert problem.startswith("content/mine/s.py:2: TypeError: 'mappingproxy' object does not support item assignment")


def test_every_failing_figure_is_listed_and_the_previous_site_stays(make_project) -> None:
    root = make_project({
        "content/mine/index.md": article("a.png: {kind: python, script: s.py, function: one}\nb.png: {kind: python, script: s.py, function: two}\n",
                                         '![A.](a.png "A.")\n\n![B.](b.png "B.")\n'),
        "content/mine/s.py": "def one(params, rng):\n    return 1\n\ndef two(params, rng):\n    raise RuntimeError('no')\n",
        "content/about.md": "---\ntitle: About\n---\nHi.\n",
    })
    out = root / "_site"
    out.mkdir()
    (out / ".site-builder").write_text("previous\n")
    (out / "keep.html").write_text("previous site\n")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    paths = [(p.path, p.line) for p in failure.value.problems]
    assert paths == [("content/mine/s.py", 1), ("content/mine/s.py", 5)]
    assert (out / "keep.html").read_text() == "previous site\n"


def test_the_dask_executor_runs_a_custom_figure(project: Path) -> None:
    import distributed

    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = subprocess.run(
            [sys.executable, "-m", "site_builder", "build", "--root", str(project), "--executor", "dask", "--scheduler", cluster.scheduler_address],
            capture_output=True, text=True, cwd=REPO, check=False,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("figures: 2 run, 0 cached")
    dask_bars = (project / "_site/mine/bars.png").read_bytes()
    local = build(BuildOptions(root=project, force=True, out=project / "local"))
    assert (local.out_dir / "mine/bars.png").read_bytes() == dask_bars


def test_the_notebook_carries_the_code_and_calls_it(project: Path) -> None:
    build(BuildOptions(root=project))
    notebook = json.loads((project / "_site/mine/mine.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert any(s.startswith("%%writefile helpers.py\n") and "deeper.power" in s for s in sources)
    assert any(s.startswith("%%writefile deeper.py\n") for s in sources)
    assert any(s.startswith("%%writefile data/points.csv\n") for s in sources)
    assert "%%writefile bars.py\n" + SCRIPT.rstrip("\n") in sources
    assert any("figure = bars.make(MappingProxyType(params), np.random.default_rng(1))" in s and "params = {'n': 4}" in s for s in sources)
    assert any("frames = list(bars.frames(MappingProxyType(params), np.random.default_rng(0)))" in s for s in sources)


def test_the_public_api_is_what_the_built_in_kinds_draw_with() -> None:
    from site_builder import lab
    from site_builder.experiments.figures import animation, neurons, style

    assert lab.plot_fit is animation.plot_fit and lab.plot_neurons is neurons.plot_neurons and lab.new_figure is style.new_figure
    figure, axes = lab.new_figure("Title")
    assert tuple(round(v) for v in figure.get_size_inches() * figure.dpi) == (640, 480)
    run = lab.fit("x**2", hidden=[2], steps=50, lr=0.2, seed=0, frames=5)
    assert len(run.snapshots) == 5 and run.snapshots[-1].step == 50
    with pytest.raises(ValueError, match="lr must be a number greater than 0"):
        lab.fit("x**2", lr=0)
    png = io.BytesIO()
    lab.plot_fit(axes, run, run.snapshots[-1])
    figure.savefig(png, format="png")
    assert png.getvalue()[:4] == b"\x89PNG"


def test_imports_are_followed_wherever_the_statement_sits(tmp_path: Path) -> None:
    """An import inside a function, a class, ``try``/``except``, ``with``, ``if`` or ``match`` is still the script's code."""
    from site_builder.experiments.custom.sources import gather_sources
    from site_builder.experiments.specs import PythonSpec

    modules = ["top", "in_function", "in_class", "in_try", "in_handler", "in_finally", "in_with", "in_else", "in_case", "relative"]
    (tmp_path / "experiments").mkdir()
    for name in modules:
        (tmp_path / "experiments" / f"{name}.py").write_text("VALUE = 1\n")
    (tmp_path / "experiments" / "unused.py").write_text("VALUE = 1\n")
    (tmp_path / "fig.py").write_text(textwrap.dedent("""\
        import top
        def draw(figure, params):
            import in_function
            return [lambda: __import__("unused")]  # not an import statement: nothing to follow
        class Helper:
            from in_class import VALUE
        try:
            import in_try
        except ImportError:
            import in_handler
        finally:
            import in_finally
        with open(__file__):
            import in_with
        if False:
            pass
        else:
            import in_else
        match 1:
            case 1:
                import in_case
        """))
    (tmp_path / "experiments" / "in_case.py").write_text("from . import relative\n")
    (tmp_path / "experiments" / "__init__.py").write_text("")
    spec = PythonSpec(name="fig.png", script="fig.py")
    found = gather_sources(spec, tmp_path).code
    assert sorted(found) == sorted(["fig.py", *(f"experiments/{name}.py" for name in modules)])
