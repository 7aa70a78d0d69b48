"""The notebook to take away: valid, deterministic, one section per figure, and it reproduces the article."""

from __future__ import annotations

import dataclasses
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
from site_builder.render import notebook as notebook_module
from site_builder.render.notebook import NotebookSource, article_notebook, article_notebooks, notebook_path, numpy_source
from site_builder.render.notebook_kernel import run_notebook
from site_builder.render.notebook_run import NotebookCache, code_cells, execute_notebook, run_notebooks
from site_builder.problems import BuildFailed

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


def flagship_notebook(base_url: str = "https://example.org/") -> bytes:
    """The flagship's notebook as the build makes it, before it is run (the quotes in its text left as written)."""
    return article_notebooks([flagship()], base_url, flagship_code())[notebook_path(FLAGSHIP)].source


def texts(data: bytes, kind: str = "markdown") -> list[str]:
    return ["".join(c["source"]) for c in json.loads(data)["cells"] if c["cell_type"] == kind]


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



def test_a_notebook_kept_in_the_page_cache_is_the_notebook_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.render import reuse
    from site_builder.write.page_cache import PageCache

    made = []
    monkeypatch.setattr(reuse, "article_notebook", lambda *args, **kwargs: made.append(args) or article_notebook(*args, **kwargs))

    def notebook(cache_read: bool = True, code: str = "code", sources: dict | None = None, base_url: str = "https://example.org/") -> bytes:
        memo = reuse.notebook_memo(PageCache(tmp_path, read=cache_read), code)
        return article_notebooks([flagship()], base_url, sources or flagship_code(), notebook_of=memo)[notebook_path(FLAGSHIP)].source

    first = notebook()
    assert first == flagship_notebook() and len(made) == 1
    assert notebook() == first and len(made) == 1  # kept
    sources = flagship_code()
    path, figure = next(iter(sources.items()))
    edited = dataclasses.replace(figure, code={**figure.code, figure.script: figure.code[figure.script] + b"\n# edited\n"})
    assert b"# edited" in notebook(sources={**sources, path: edited}) and len(made) == 2  # a python figure's file changed
    notebook(base_url="https://other.example/")
    notebook(code="other")  # the builder changed
    notebook(cache_read=False)  # --force
    assert len(made) == 5

def test_a_published_notebook_is_kept_by_its_source_and_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.render import reuse
    from site_builder.render.notebook_run import with_outputs
    from site_builder.write.page_cache import PageCache

    made = []
    monkeypatch.setattr(reuse, "with_outputs", lambda *args: made.append(args) or with_outputs(*args))
    source = article_notebook("T", "index.html", small_specs())
    cells = [{"execution_count": n + 1, "outputs": [{"output_type": "stream", "name": "stdout", "text": f"cell {n}\n"}]}
             for n in range(sum(1 for cell in json.loads(source)["cells"] if cell["cell_type"] == "code"))]

    def published(cache_read: bool = True, code: str = "code", source: bytes = source, cells: list = cells) -> bytes:
        return reuse.published_notebook_memo(PageCache(tmp_path, read=cache_read), code)(source, cells)

    first = published()
    assert first == with_outputs(source, cells) and len(made) == 1
    assert published() == first and len(made) == 1  # kept
    other = [dict(cell, execution_count=cell["execution_count"] + 1) for cell in cells]
    assert published(cells=other) == with_outputs(source, other) and len(made) == 2  # other outputs
    edited = json.dumps(dict(json.loads(source), metadata={"edited": True}), sort_keys=True, indent=1).encode("utf-8")
    assert published(source=edited) == with_outputs(edited, cells) and len(made) == 3  # other text
    published(code="other")  # the builder changed
    published(cache_read=False)  # --force
    assert len(made) == 5


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


def test_each_figure_has_a_section_headed_in_the_articles_words_in_reading_order() -> None:
    article = flagship()
    data = flagship_notebook()
    headings = [line for text in texts(data) for line in text.splitlines() if line.startswith("#")]
    names = [f.spec.name for f in article.figures]
    assert not [h for h in headings if any(name in h for name in names)]  # no file names in headings
    assert "## One neuron" in headings and "## What each layer is doing" in headings  # the article's own headings
    assert "### Figure 7: One ReLU neuron makes a single hinge" in headings  # the page's number, the caption's first clause
    code = texts(data, "code")
    shown = [re.match(r"# The article's (\S+)", c) for c in code]
    order = [m.group(1) for m in shown if m]  # the file name stays, in small print, atop each figure's code
    body = article.document.body
    assert order == sorted(names, key=lambda name: body.index(f"]({name}"))
    assert len(order) == len(names)


def test_each_figure_gets_the_articles_caption_and_paragraph() -> None:
    markdown = "\n".join(texts(flagship_notebook()))
    # the caption of the one-neuron figure, and the paragraph after it, word for word
    assert "*One ReLU neuron makes a single hinge: it can follow one side of the parabola but must stay flat on the other.*" in markdown
    assert "With one neuron the model is $\\hat y = w_2 \\max(0, w_1 x + b_1) + b_2$: a single hinge." in markdown
    assert "since Nair and Hinton (2010) and Glorot et al. (2011) showed" in markdown  # citations as the page reads them
    assert "## References" in markdown and "Nair, V., and Hinton, G. E. (2010)." in markdown
    assert "<" not in markdown.replace("<=", "")  # no raw HTML


def test_the_title_links_to_the_published_page_and_only_the_authors_own_code_imports_site_builder() -> None:
    data = flagship_notebook()
    intro = texts(data)[0]
    assert intro.startswith("# An illustrated guide to ReLUs\n")
    assert "[An illustrated guide to ReLUs](https://example.org/relu-guide/)" in intro
    authors = {f"%%writefile {script.name}\n" + script.read_text(encoding="utf-8").rstrip("\n") for script in (REPO / "content/relu-guide").glob("*.py")}
    assert len(authors) == 2  # landscape.py and extrapolate.py
    sweeps = [s for s in texts(data, "code") if "in product(*sweep.values())" in s]  # a swept figure's runs come from site_builder.lab
    assert len(sweeps) == 1 and "from site_builder import lab" in sweeps[0]
    code = "\n".join(s for s in texts(data, "code") if s not in authors and s not in sweeps)
    assert "import landscape" in code
    assert "site_builder" not in code  # the notebook's own library needs numpy and matplotlib only
    assert "`site_builder.lab` (`pip install site-builder`)" in "".join(texts(data))
    assert "import numpy as np" in code and "import matplotlib.pyplot as plt" in code
    assert "np.random.default_rng" in code


@pytest.mark.parametrize("base_url", ["", "https://example.github.io/site_builder/"])
def test_without_a_real_address_the_notebook_links_to_the_page_beside_it_and_says_so(base_url: str) -> None:
    data = flagship_notebook(base_url)
    assert b"example.github.io" not in data
    intro = texts(data)[0]
    assert "[An illustrated guide to ReLUs](index.html), the page beside it in the built site" in intro
    assert "no published address" in intro


def test_articles_without_figures_get_no_notebook() -> None:
    notebooks = article_notebooks([flagship()], base_url="https://example.org/blog/", code=flagship_code())
    assert list(notebooks) == [notebook_path(FLAGSHIP)] == ["relu-guide/relu-guide.ipynb"]
    assert notebooks["relu-guide/relu-guide.ipynb"].article == "content/relu-guide/index.md"
    assert b"https://example.org/blog/relu-guide/" in notebooks["relu-guide/relu-guide.ipynb"].source
    assert article_notebooks([]) == {}


def test_an_option_the_library_does_not_know_sends_the_figure_to_site_builder_lab() -> None:
    spec = TrainingSpec("fit.png", "x**2", hidden=(2,), steps=10)
    assert notebook_module.in_plain_numpy(spec)
    for changed in (dataclasses.replace(spec, init="he"), dataclasses.replace(spec, weight_decay=0.01), dataclasses.replace(spec, loss="cross_entropy")):
        assert not notebook_module.in_plain_numpy(changed)
    assert notebook_module.in_plain_numpy(dataclasses.replace(spec, lr=0.3, seed=4, batch_size=8))


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


SMALL_ARTICLE = """
    ---
    title: Small fits
    date: 2026-01-02
    figures:
      fit.png: {kind: training, target: "abs(x)", hidden: [3], steps: 20, frames: 2}
      relu.png: {kind: activation, activation: relu}
    ---
    ## Hinges at work

    ![A fit.](fit.png "Three hinges fit abs(x)."){#fig-fit}

    The paragraph about the fit: it ends at {{ figure("fit.png").final_loss | round(4) }}.

    ![ReLU.](relu.png "ReLU.")
"""


def small_project(make_project, body: str = SMALL_ARTICLE, site_toml: str = 'title = "Test site"\n') -> Path:
    return make_project({
        "content/fits/index.md": body,
        "content/plain/index.md": """
            ---
            title: No figures
            date: 2026-01-01
            ---
            Text only.
        """,
    }, site_toml=site_toml)


def outputs(data: bytes) -> list[list[dict]]:
    return [c["outputs"] for c in json.loads(data)["cells"] if c["cell_type"] == "code"]


def test_the_built_site_publishes_the_notebook_run_with_its_outputs(make_project) -> None:
    root = small_project(make_project)
    report = build(BuildOptions(root=root, out=root / "_site"))
    site = root / "_site"
    data = (site / "fits" / "fits.ipynb").read_bytes()
    nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))
    cells = json.loads(data)["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    figure_cells = [c for c in code if "".join(c["source"]).startswith("# The article's ")]
    assert len(figure_cells) == 2 and all(any("image/png" in o.get("data", {}) for o in c["outputs"]) for c in figure_cells)
    printed = "".join("".join(o["text"]) for c in code for o in c["outputs"] if o["output_type"] == "stream")
    final = report_numbers(root)["fits/fit.png"]["final_loss"]
    assert f"fit.png: final MSE = {final:.8f}" in printed  # the notebook's run is the build's run
    assert f"The paragraph about the fit: it ends at {final:.4f}." in "".join(texts(data))  # the quote, resolved as on the page
    assert "### Figure 1: Three hinges fit abs(x)" in "".join(texts(data))
    assert not re.search(r" at 0x[0-9a-f]+", data.decode("utf-8"))
    page = (site / "fits" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="fits\.ipynb" download>Download the notebook</a>', page)
    assert f"{max(1, round(len(data) / 1024))} KB" in page  # the size of the notebook with its outputs
    assert not list((site / "plain").glob("*.ipynb"))
    assert "Download the notebook" not in (site / "plain" / "index.html").read_text(encoding="utf-8")
    assert report.pages


def report_numbers(root: Path) -> dict:
    """The figures' measured numbers, as the build's cache recorded them."""
    from site_builder.experiments.specs import RESULTS_FILE

    numbers = {}
    for article in load_content(root).articles:
        for figure in article.figures:
            from site_builder.experiments.produce import produce_figure

            numbers[f"{article.slug}/{figure.spec.name}"] = json.loads(produce_figure(figure.spec).get(RESULTS_FILE, b"{}"))
    return numbers


def test_two_builds_give_the_same_notebook_bytes_and_a_cache_hit_gives_a_fresh_runs_bytes(make_project, tmp_path: Path) -> None:
    root = small_project(make_project)
    build(BuildOptions(root=root, out=root / "_site", cache_dir=tmp_path / "cache-a"))
    first = (root / "_site" / "fits" / "fits.ipynb").read_bytes()
    build(BuildOptions(root=root, out=root / "_other", cache_dir=tmp_path / "cache-b"))  # a cold cache: run again
    assert (root / "_other" / "fits" / "fits.ipynb").read_bytes() == first
    assert list((tmp_path / "cache-a" / "notebooks").glob("*.json"))
    build(BuildOptions(root=root, out=root / "_site", cache_dir=tmp_path / "cache-a", force=True))
    assert (root / "_site" / "fits" / "fits.ipynb").read_bytes() == first


def test_a_cache_hit_is_served_only_when_verified(tmp_path: Path) -> None:
    source = NotebookSource("content/a/index.md", article_notebook("A", None, small_specs()))
    cache = NotebookCache(tmp_path / "notebooks")
    fresh = run_notebooks({"a/a.ipynb": source}, cache)
    assert fresh.ran == ("a/a.ipynb",)
    hit = run_notebooks({"a/a.ipynb": source}, cache)
    assert hit.ran == () and hit.files == fresh.files == {"a/a.ipynb": execute_notebook(source, "a/a.ipynb")}  # a hit is a fresh run's bytes
    retitled = NotebookSource("content/a/index.md", article_notebook("B", None, small_specs()))  # new words, the same code
    words = run_notebooks({"a/a.ipynb": retitled}, cache)
    assert words.ran == () and texts(words.files["a/a.ipynb"])[0].startswith("# B\n") and outputs(words.files["a/a.ipynb"]) == outputs(fresh.files["a/a.ipynb"])
    (entry,) = (tmp_path / "notebooks").glob("*.json")
    other = article_notebook("A", None, small_specs()[:1])
    cache.store(entry.stem, code_cells(other), [{"outputs": [], "execution_count": n} for n in range(1, len(code_cells(other)) + 1)])
    assert run_notebooks({"a/a.ipynb": source}, cache).ran == ("a/a.ipynb",)  # sealed with our key, but the run of other code
    entry.write_bytes(entry.read_bytes().replace(b"final MSE", b"final MSX"))  # tampered: the seal fails
    again = run_notebooks({"a/a.ipynb": source}, cache)
    assert again.ran == ("a/a.ipynb",) and again.files == fresh.files


def test_editing_the_articles_text_updates_the_notebooks_paragraph(make_project) -> None:
    root = small_project(make_project)
    build(BuildOptions(root=root, out=root / "_site"))
    article = root / "content" / "fits" / "index.md"
    article.write_text(article.read_text(encoding="utf-8").replace("The paragraph about the fit", "A rewritten paragraph about the fit"), encoding="utf-8")
    build(BuildOptions(root=root, out=root / "_site"))
    markdown = "".join(texts((root / "_site" / "fits" / "fits.ipynb").read_bytes()))
    assert "A rewritten paragraph about the fit: it ends at" in markdown and "The paragraph about the fit" not in markdown


def test_the_placeholder_address_is_never_published(make_project) -> None:
    root = small_project(make_project, site_toml='title = "T"\nbase_url = "https://example.github.io/site_builder/"\n')
    build(BuildOptions(root=root, out=root / "_site"))
    data = (root / "_site" / "fits" / "fits.ipynb").read_bytes()
    assert b"example.github.io" not in data and b"](index.html)" in data
    build(BuildOptions(root=root, out=root / "_real", base_url="https://me.github.io/blog/"))
    assert b"[Small fits](https://me.github.io/blog/fits/)" in (root / "_real" / "fits" / "fits.ipynb").read_bytes()


def test_a_failing_cell_is_a_problem_naming_the_article_and_the_cell() -> None:
    data = json.loads(article_notebook("A", None, small_specs()))
    data["cells"].append({"cell_type": "code", "execution_count": None, "id": "boom", "metadata": {}, "outputs": [],
                          "source": ["x = 1\n", "raise ValueError('no good')"]})
    source = NotebookSource("content/a/index.md", json.dumps(data).encode("utf-8"))
    with pytest.raises(BuildFailed) as failure:
        execute_notebook(source, "a/a.ipynb")
    (problem,) = failure.value.problems
    assert problem.path == "content/a/index.md"
    assert "its notebook a/a.ipynb fails at code cell" in problem.message and "('x = 1')" in problem.message
    assert 'File "<cell ' in problem.message and "ValueError: no good" in problem.message
    assert "notebook_kernel" not in problem.message  # the runner's own frames are left out


def test_the_runner_refuses_magics_it_does_not_know(tmp_path: Path) -> None:
    cells = [{"cell_type": "code", "source": "!ls"}]
    result = run_notebook({"cells": cells}, tmp_path)
    assert "knows only a leading %%writefile" in result["error"]["traceback"]


def test_the_runner_shows_what_a_kernel_shows(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "code", "source": "%%writefile helper.py\nVALUE = 41\n"},
        {"cell_type": "code", "source": "import helper\nprint('before')\nclass Thing: pass\nThing()"},
        {"cell_type": "code", "source": "helper.VALUE + 1;"},
        {"cell_type": "code", "source": "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nprint('drawn')"},
    ]
    import sys

    sys.path.insert(0, str(tmp_path))
    try:
        result = run_notebook({"cells": cells}, tmp_path)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("helper", None)
    first, second, third, fourth = result["cells"]
    assert first["outputs"] == [{"output_type": "stream", "name": "stdout", "text": "Writing helper.py\n"}]
    assert second["outputs"][0] == {"output_type": "stream", "name": "stdout", "text": "before\n"}
    assert second["outputs"][1]["output_type"] == "execute_result" and second["outputs"][1]["data"]["text/plain"] == "<__main__.Thing object>"
    assert third["outputs"] == []  # a trailing ; hides the value
    assert [o["output_type"] for o in fourth["outputs"]] == ["stream", "display_data"]  # a figure left open is shown at the end
    assert [c["execution_count"] for c in result["cells"]] == [1, 2, 3, 4]


def test_the_notebooks_invitation_about_width_holds_for_ten_seeds() -> None:
    """WIDTH_TEXT: at lr 0.2 a hundred ReLU neurons overshoot (the error jumps a hundredfold or more in the
    first steps) and most die; at 0.02 almost all survive and the error ends smaller. The cell, run as written."""
    namespace: dict = {}
    exec(notebook_module.SETUP + notebook_module.LIBRARY, namespace)  # our own generated library
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(notebook_module.WIDTH_CODE, namespace)
    rows = re.findall(r"^lr ([0-9.]+), seed (\d+): final MSE = ([0-9.]+), dead neurons = (\d+) of 100$", printed.getvalue(), re.MULTILINE)
    runs = {(float(lr), int(seed)): (float(mse), int(dead)) for lr, seed, mse, dead in rows}
    assert len(runs) == 20
    seeds = range(10)
    assert all(runs[0.2, s][1] > 75 for s in seeds)  # "most of the neurons ... die"
    assert all(runs[0.02, s][1] <= 5 for s in seeds)  # "keeps almost all of them"
    assert all(runs[0.02, s][0] < runs[0.2, s][0] for s in seeds)  # "ends with a smaller error"
    jumps = [namespace["fit"](lambda x: x ** 2, hidden=(100,), steps=10, lr=0.2, seed=s).losses for s in seeds]
    assert all(max(losses) >= 100 * losses[0] for losses in jumps)  # "the error jumps a hundredfold or more"


def test_the_seed_decides_whether_a_relu_neuron_dies() -> None:
    """LIBRARY_INTRO: "with ReLU it can decide whether a neuron ends up dead" (one neuron on x², the article's old settings)."""
    namespace: dict = {}
    exec(notebook_module.SETUP + notebook_module.LIBRARY, namespace)
    dead = [namespace["dead_neurons"](namespace["fit"](lambda x: x ** 2, hidden=(1,), steps=1000, lr=0.2, seed=s)) for s in range(10)]
    assert 0 < sum(dead) < 10


def test_the_seed_section_reruns_the_articles_cheapest_relu_run() -> None:
    markdown, code = texts(flagship_notebook()), texts(flagship_notebook(), "code")
    section = next(i for i, text in enumerate(markdown) if text.startswith("### The same run, ten seeds"))
    assert "`quadratic_1lin1_relu.gif`" in markdown[section]
    sweep = next(c for c in code if "for seed in range(10):" in c and "hidden=(1,)" in c)
    assert "lr=0.2" in sweep and "steps=1000" in sweep


@pytest.mark.slow
def test_the_flagship_notebook_runs_in_a_fresh_kernel_and_reproduces_the_articles_runs(example_site: Path, tmp_path: Path) -> None:
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    published = (example_site / FLAGSHIP / f"{FLAGSHIP}.ipynb").read_bytes()
    # Executed in a child process: nbclient's event loop would otherwise linger in this one and
    # upset later tests that drive Playwright's sync API.
    source, executed = tmp_path / "flagship.ipynb", tmp_path / "executed.ipynb"
    source.write_bytes(published)
    script = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', resources={'metadata': {'path': sys.argv[3]}}).execute()\n"
        "nbformat.write(nb, sys.argv[2])\n"
    )
    environment = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", script, str(source), str(executed), str(tmp_path)], env=environment, check=True, timeout=600)
    notebook = nbformat.read(executed, as_version=4)

    def stdout(cells) -> list[str]:
        return ["".join("".join(o.get("text", "")) for o in c.get("outputs", []) if o.get("name") == "stdout") for c in cells if c["cell_type"] == "code"]

    # Top to bottom in a real kernel, every cell prints what the build saved.
    assert stdout(notebook.cells) == stdout(json.loads(published)["cells"])
    assert all(o.get("output_type") != "error" for c in notebook.cells for o in c.get("outputs", []))
    printed = "".join(stdout(notebook.cells))
    losses = {m["name"]: float(m["mse"]) for m in FINAL_MSE.finditer(printed)}
    dead = {m[1]: int(m[2]) for m in re.finditer(r"^(.+): dead neurons = (\d+) of \d+$", printed, re.MULTILINE)}
    # The notebook follows our initialisation and batches, so it lands where the build does.
    for figure in flagship().figures:
        spec = figure.spec.training if isinstance(figure.spec, NeuronsSpec) else figure.spec
        if isinstance(spec, TrainingSpec) and spec.name in losses:
            result = run_training(spec)
            assert losses[spec.name] == pytest.approx(result.snapshots[-1].loss, abs=1e-6, rel=1e-6)
            if spec.activation == "relu" and spec.hidden:
                assert dead[spec.name] == result.dead_neurons
        if isinstance(spec, GradientsSpec):
            shares = {m["name"]: float(m["share"]) for m in GRADIENT_SHARE.finditer(printed)}
            for run in run_gradients(spec):
                start = run.snapshots[0].norms
                assert shares[f"{spec.name} {run.activation}"] == pytest.approx(start[0] / start[-1], rel=1e-5)
                assert losses[f"{spec.name} {run.activation}"] == pytest.approx(run.snapshots[-1].loss, abs=1e-6, rel=1e-6)
        if isinstance(spec, CompareSpec):
            compared_dead = {m["name"]: int(m["dead"]) for m in DEAD_COUNT.finditer(printed)}
            for run in run_comparison(spec):
                assert losses[f"{spec.name} {run.label}"] == pytest.approx(run.result.final_loss, abs=1e-6, rel=1e-6)
                assert compared_dead[f"{spec.name} {run.label}"] == run.result.dead_neurons


def test_a_declared_leaky_relu_figure_is_drawn_with_its_leak() -> None:
    spec, issues = parse_figure("leaky.png", {"kind": "activation", "activation": "leaky_relu", "leak": 0.2})
    assert not issues
    code = next(c for c in texts(article_notebook("T", None, [spec]), "code") if "plot_activation(" in c and "def " not in c)
    assert code == "# The article's leaky.png\nplot_activation('leaky_relu', interval=(-5.0, 5.0), leak=0.2)"


@pytest.mark.slow
def test_the_example_site_offers_the_flagship_notebook_with_outputs_and_no_placeholder(example_site: Path) -> None:
    published = (example_site / FLAGSHIP / f"{FLAGSHIP}.ipynb").read_bytes()
    assert json.loads(published)["cells"][0]["source"][0] == "# An illustrated guide to ReLUs\n"
    assert b"example.github.io" not in published  # the example's site.toml names the placeholder
    assert all(cell_outputs for cell_outputs in outputs(published)[2:])  # every cell after the library shows something
    page = (example_site / FLAGSHIP / "index.html").read_text(encoding="utf-8")
    assert f'<a href="{FLAGSHIP}.ipynb" download>Download the notebook</a>' in page
    markdown = "".join(texts(published))
    assert "{{" not in markdown  # every quote resolved to the run's numbers
    assert "mathplaceholder" not in markdown and "mentionplaceholder" not in markdown


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


def test_a_figure_the_library_cannot_redo_is_made_by_site_builder_lab_and_shown(tmp_path: Path) -> None:
    specs = [TrainingSpec("he.gif", "x**2", hidden=(2,), steps=10, frames=3, init="he"), TrainingSpec("he.png", "x**2", hidden=(2,), steps=10, init="he")]
    source = NotebookSource("content/a/index.md", article_notebook("A", None, specs))
    data = run_notebooks({"a/a.ipynb": source}, NotebookCache(tmp_path)).files["a/a.ipynb"]
    made = [cell for cell in json.loads(data)["cells"] if cell["cell_type"] == "code" and "lab.make_figure(" in "".join(cell["source"])]
    assert len(made) == 2
    for cell in made:
        printed, shown = cell["outputs"]
        assert "'final_loss'" in "".join(printed["text"])  # the numbers the article can quote
        assert "image/png" in shown["data"] and len("".join(shown["data"]["text/plain"])) < 120  # a picture, not the bytes as text


def test_a_compare_figure_goes_to_the_library_only_when_every_run_does() -> None:
    from site_builder.render.notebook import in_plain_numpy

    plain, _ = parse_figure("c.png", {"kind": "compare", "target": "x**2", "hidden": [4], "vary": {"activation": ["relu", "tanh"]}})
    other, _ = parse_figure("c.png", {"kind": "compare", "target": "x**2", "hidden": [4], "vary": {"activation": ["relu", "elu"]}})
    assert in_plain_numpy(plain) and not in_plain_numpy(other)  # the notebook's own library has no elu


def test_kernels_run_one_at_a_time_until_widened(tmp_path: Path) -> None:
    """Queued notebooks never run side by side while the experiments may; widen() lets them, after."""
    from site_builder.render.notebook_run import NotebookCache, start_notebooks

    log = tmp_path / "log"

    def notebook(name: str) -> NotebookSource:
        cell = f"import time\nopen({str(log)!r}, 'a').write('start {name}\\n')\ntime.sleep(1.5)\nopen({str(log)!r}, 'a').write('end {name}\\n')"
        data = {"cells": [{"cell_type": "code", "execution_count": None, "id": name, "metadata": {}, "outputs": [], "source": cell}],
                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        return NotebookSource(f"content/{name}/index.md", json.dumps(data).encode("utf-8"))

    first = {f"{n}/{n}.ipynb": notebook(n) for n in ("a", "b", "c")}
    pending = start_notebooks(first, NotebookCache(tmp_path / "cache"), force=True)
    try:
        pending.finish(first)
    finally:
        pending.cancel()
    events = log.read_text().split()
    assert events[::2] == ["start", "end", "start", "end", "start", "end"], events  # one after another

    log.unlink()
    second = {f"{n}/{n}.ipynb": notebook(n) for n in ("d", "e")}
    pending = start_notebooks(second, NotebookCache(tmp_path / "cache"), force=True)
    try:
        pending.widen(2)
        pending.finish(second)
    finally:
        pending.cancel()
    assert log.read_text().split()[::2][:2] == ["start", "start"]  # widened: the second began before the first ended
