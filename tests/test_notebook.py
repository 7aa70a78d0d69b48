"""The notebook to take away: valid, deterministic, one section per figure, and it reproduces the article."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from site_builder.build import BuildOptions, build
from site_builder.load.content import load_content
from site_builder.experiments.expressions import ExpressionError, evaluate
from site_builder.experiments.custom.sources import gather_sources
from site_builder.experiments.gradients import run_gradients
from site_builder.experiments.comparison import run_comparison
from site_builder.experiments.specs import ActivationPlotSpec, CompareSpec, GradientsSpec, NeuronsSpec, PythonSpec, TrainingSpec, parse_figure
from site_builder.experiments.training import run_training
from site_builder.render.notebook import article_notebook, article_notebooks, notebook_path, numpy_source

from conftest import REPO

nbformat = pytest.importorskip("nbformat")

FLAGSHIP = "relu-guide"
FINAL_MSE = re.compile(r"^(?P<name>.+): final MSE = (?P<mse>[0-9.eE+-]+)$", re.MULTILINE)
DEAD_COUNT = re.compile(r"^(?P<name>.+): dead neurons = (?P<dead>[0-9]+)$", re.MULTILINE)
GRADIENT_SHARE = re.compile(r"^(?P<name>.+): first/last layer gradient at the start = (?P<share>[0-9.eE+-]+)$", re.MULTILINE)


def flagship():
    return next(a for a in load_content(REPO).articles if a.slug == FLAGSHIP)


def flagship_code() -> dict:
    """The sources of the flagship's python figures, by output path, as the build reads them."""
    article = flagship()
    return {f"{article.slug}/{f.spec.name}": gather_sources(f.spec, REPO) for f in article.figures if isinstance(f.spec, PythonSpec)}


def flagship_notebook() -> bytes:
    article = flagship()
    code = {path.split("/", 1)[1]: sources for path, sources in flagship_code().items()}
    return article_notebook(article.title, "https://example.org/relu-guide/", [f.spec for f in article.figures], code)


def small_specs() -> list:
    return [
        ActivationPlotSpec("relu.png", "relu", (-3.0, 3.0)),
        TrainingSpec("fit.gif", "abs(x)", hidden=(3,), steps=50, frames=10),
        NeuronsSpec(TrainingSpec("parts.png", "x**2", hidden=(2,), steps=50)),
    ]


def test_the_same_figures_give_the_same_bytes() -> None:
    first = article_notebook("A title", "https://example.org/a/", small_specs())
    assert first == article_notebook("A title", "https://example.org/a/", small_specs())
    assert first.endswith(b"\n") and json.loads(first)["nbformat"] == 4


def test_the_notebook_is_valid_nbformat_4_5_without_outputs() -> None:
    document = json.loads(flagship_notebook())
    notebook = nbformat.reads(flagship_notebook().decode("utf-8"), as_version=4)
    nbformat.validate(notebook)
    assert (document["nbformat"], document["nbformat_minor"]) == (4, 5)
    code = [cell for cell in document["cells"] if cell["cell_type"] == "code"]
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    ids = [cell["id"] for cell in document["cells"]]
    assert len(set(ids)) == len(ids)


def test_keys_are_sorted_so_diffs_between_builds_stay_small() -> None:
    text = article_notebook("T", "index.html", small_specs()).decode("utf-8")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def test_there_is_one_section_per_figure_in_declaration_order() -> None:
    article = flagship()
    cells = json.loads(flagship_notebook())["cells"]
    headings = ["".join(c["source"]).splitlines()[0] for c in cells if c["cell_type"] == "markdown"]
    figure_headings = [h for h in headings if h.startswith("## Figure ")]
    assert figure_headings == [f"## Figure {n}: `{f.spec.name}`" for n, f in enumerate(article.figures, start=1)]
    sections = [i for i, c in enumerate(cells) if "".join(c["source"]).startswith("## Figure ")]
    assert all(cells[i + 1]["cell_type"] == "code" for i in sections)


def test_the_title_links_back_and_only_the_authors_own_code_imports_site_builder() -> None:
    cells = json.loads(flagship_notebook())["cells"]
    intro = "".join(cells[0]["source"])
    assert intro.startswith("# An illustrated guide to ReLUs\n")
    assert "(https://example.org/relu-guide/)" in intro
    authors = {f"%%writefile {script.name}\n" + script.read_text(encoding="utf-8").rstrip("\n") for script in (REPO / "content/relu-guide").glob("*.py")}
    assert len(authors) == 2  # landscape.py and extrapolate.py
    code = "\n".join(s for c in cells if c["cell_type"] == "code" and (s := "".join(c["source"])) not in authors)
    assert "import landscape" in code
    assert "site_builder" not in code  # the notebook's own library needs numpy and matplotlib only
    assert "`site_builder.lab` (`pip install site-builder`)" in "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "import numpy as np" in code and "import matplotlib.pyplot as plt" in code
    assert "np.random.default_rng" in code


def test_articles_without_figures_get_no_notebook() -> None:
    notebooks = article_notebooks([flagship()], base_url="https://example.org/blog/", code=flagship_code())
    assert list(notebooks) == [notebook_path(FLAGSHIP)] == ["relu-guide/relu-guide.ipynb"]
    assert b"https://example.org/blog/relu-guide/" in notebooks["relu-guide/relu-guide.ipynb"]
    assert article_notebooks([]) == {}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x**2", "x ** 2"),
        ("abs(x)", "np.abs(x)"),
        ("sin(2*pi*x) + e", "np.sin(2 * np.pi * x) + np.e"),
        ("where(x > 0, x, 0.1*x)", "np.where(x > 0, x, 0.1 * x)"),
        ("(x > 0) - (x < 0)", "np.where(x > 0, 1.0, 0.0) - np.where(x < 0, 1.0, 0.0)"),
        ("-x**2", "-x ** 2"),
    ],
)
def test_targets_become_numpy_code(source: str, expected: str) -> None:
    assert numpy_source(source) == expected


@pytest.mark.parametrize(
    "source",
    [
        "x**2", "abs(x)", "sign(x)", "sqrt(abs(x)) - 1", "exp(-x**2)", "log(1 + x**2)", "tan(x/2)",
        "arcsin(x/2) + arccos(x/2) * arctan(x)", "sinh(x) / cosh(x) - tanh(x)", "floor(3*x) + ceil(2*x)",
        "maximum(x, 0) + minimum(x, 0.5)", "where(x > 0, x, -x)", "clip(x, -0.5, 0.5)",
        "(x > 0) - (x < 0)", "-0.5 < x <= 0.5", "where(-0.5 < x < 0.5, 1, x)", "2 + 0*x", "3", "-(x - 1)**3 / 2",
        "x == 0", "x != 0.5", "exp(x) - pi + e**2",
    ],
)  # fmt: skip
def test_translated_targets_compute_what_our_evaluator_computes(source: str) -> None:
    x = np.linspace(-1.0, 1.0, 41)
    with np.errstate(all="ignore"):
        value = eval(numpy_source(source), {"np": np, "x": x})  # our own generated code, from the allow-list
    ours = evaluate(source, x)
    np.testing.assert_array_equal(np.broadcast_to(value, x.shape).astype(float), ours)


def test_a_target_outside_the_grammar_is_refused() -> None:
    with pytest.raises(ExpressionError):
        numpy_source("__import__('os')")


def test_the_built_site_publishes_the_notebook_and_the_article_links_to_it(make_project) -> None:
    root = make_project(
        {
            "content/fits/index.md": """
                ---
                title: Small fits
                date: 2026-01-02
                figures:
                  fit.png: {kind: training, target: "abs(x)", hidden: [3], steps: 20, frames: 2}
                  relu.png: {kind: activation, activation: relu}
                ---
                ![A fit.](fit.png "A fit.") ![ReLU.](relu.png "ReLU.")
            """,
            "content/plain/index.md": """
                ---
                title: No figures
                date: 2026-01-01
                ---
                Text only.
            """,
        }
    )
    build(BuildOptions(root=root, out=root / "_site"))
    site = root / "_site"
    data = (site / "fits" / "fits.ipynb").read_bytes()
    nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))
    page = (site / "fits" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="fits\.ipynb" download>Download the notebook</a>', page)
    assert not list((site / "plain").glob("*.ipynb"))
    assert "Download the notebook" not in (site / "plain" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_flagship_notebook_runs_and_reproduces_the_articles_losses(tmp_path: Path) -> None:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # Executed in a child process: nbclient's event loop would otherwise linger in this one and
    # upset later tests that drive Playwright's sync API.
    source, executed = tmp_path / "flagship.ipynb", tmp_path / "executed.ipynb"
    source.write_bytes(flagship_notebook())
    script = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=120, kernel_name='python3', resources={'metadata': {'path': sys.argv[3]}}).execute()\n"
        "nbformat.write(nb, sys.argv[2])\n"
    )
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", script, str(source), str(executed), str(tmp_path)], env=environment, check=True, timeout=300)
    notebook = nbformat.read(executed, as_version=4)

    printed = "".join(o.get("text", "") for c in notebook.cells for o in c.get("outputs", []) if o.get("name") == "stdout")
    losses = {m["name"]: float(m["mse"]) for m in FINAL_MSE.finditer(printed)}
    # The article's claim: the line fits worst, then one ReLU, two, and twenty.
    line, one, two, twenty = (losses[n] for n in ("linonelayer.gif", "quadratic_1lin1_relu.gif", "quadratic_1lin2_relu_2lin1.gif", "output_relu_multineuron.gif"))
    assert line > one > two > twenty
    # The notebook follows our initialisation and batches, so it lands where the build does.
    for figure in flagship().figures:
        spec = figure.spec.training if isinstance(figure.spec, NeuronsSpec) else figure.spec
        if isinstance(spec, TrainingSpec):
            assert losses[spec.name] == pytest.approx(run_training(spec).snapshots[-1].loss, abs=1e-6, rel=1e-6)
        if isinstance(spec, GradientsSpec):
            shares = {m["name"]: float(m["share"]) for m in GRADIENT_SHARE.finditer(printed)}
            for run in run_gradients(spec):
                start = run.snapshots[0].norms
                assert shares[f"{spec.name} {run.activation}"] == pytest.approx(start[0] / start[-1], rel=1e-5)
                assert losses[f"{spec.name} {run.activation}"] == pytest.approx(run.snapshots[-1].loss, abs=1e-6, rel=1e-6)
        if isinstance(spec, CompareSpec):
            dead = {m["name"]: int(m["dead"]) for m in DEAD_COUNT.finditer(printed)}
            for run in run_comparison(spec):
                assert losses[f"{spec.name} {run.label}"] == pytest.approx(run.result.final_loss, abs=1e-6, rel=1e-6)
                assert dead[f"{spec.name} {run.label}"] == run.result.dead_neurons


def test_a_declared_leaky_relu_figure_is_drawn_with_its_leak() -> None:
    spec, issues = parse_figure("leaky.png", {"kind": "activation", "activation": "leaky_relu", "leak": 0.2})
    assert not issues
    cells = json.loads(article_notebook("T", "index.html", [spec]))["cells"]
    code = "".join(next(c for c in cells if "plot_activation(" in "".join(c["source"]) and c["cell_type"] == "code" and "def " not in "".join(c["source"]))["source"])
    assert code == "plot_activation('leaky_relu', interval=(-5.0, 5.0), leak=0.2)"


@pytest.mark.slow
def test_the_example_site_offers_the_flagship_notebook(example_site: Path) -> None:
    published = (example_site / FLAGSHIP / f"{FLAGSHIP}.ipynb").read_bytes()
    assert json.loads(published)["cells"][0]["source"][0] == "# An illustrated guide to ReLUs\n"
    page = (example_site / FLAGSHIP / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{FLAGSHIP}.ipynb" download>Download the notebook</a>' in page


def test_an_author_file_named_like_the_notebook_is_a_clash_not_an_overwrite(make_project) -> None:
    from site_builder.problems import BuildFailed

    root = make_project(
        {
            "content/fits/index.md": """
                ---
                title: Small fits
                date: 2026-01-02
                figures:
                  relu.png: {kind: activation, activation: relu}
                ---
                ![ReLU.](relu.png "ReLU.")
            """,
            "content/fits/fits.ipynb": "{}",
        }
    )
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root, out=root / "_site"))
    assert [p.path for p in failure.value.problems] == ["fits/fits.ipynb"]
    assert "overwrite one the builder generates" in failure.value.problems[0].message
