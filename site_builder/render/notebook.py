"""A Jupyter notebook to take away: an article's experiments, rerun with plain numpy and matplotlib.

:func:`article_notebook` turns an article's figure specs, and the article's
own words about them (:mod:`site_builder.render.notebook_prose`), into the
bytes of an ``.ipynb`` file (nbformat 4.5): a lesson that follows the article,
one section per figure under the article's heading. The notebook carries its own small numpy
network, written out below as text, so a reader needs numpy and matplotlib
but never ``site_builder``. Its initialisation, batches and arithmetic follow
:mod:`site_builder.experiments.nn` and :mod:`site_builder.experiments.training` step for
step (the same seeded generators, drawn in the same order), so the final MSE
it prints matches the article's figures to rounding; the tests check that.

Everything here is a pure function of its arguments and the JSON is written
with the standard library (sorted keys, cell ids hashed from the cells' text),
so two builds give identical bytes and the build does not depend on
``nbformat``. The notebook is written without outputs; the build runs it and
adds them (:mod:`site_builder.render.notebook_run`).
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from site_builder.experiments.expressions import CONSTANTS, FUNCTIONS, compile_expression
from site_builder.load.bibliography import EMPTY, Bibliography
from site_builder.load.config import published_base_url
from site_builder.render.markup.citations import AUTHOR_YEAR
from site_builder.render.notebook_prose import NO_PROSE, ArticleProse, FigureProse, article_prose
from site_builder.experiments.custom.sources import CustomSources
from site_builder.experiments.specs import ActivationPlotSpec, CompareSpec, FigureSpec, GradientsSpec, NeuronsSpec, PythonSpec, TrainingSpec

NOTEBOOK_SUFFIX = ".ipynb"
SNAPSHOTS = 5  # earlier fits drawn faintly behind the final one, for animated (.gif) figures

Cell = dict[str, object]


def notebook_path(slug: str) -> str:
    """Where an article's notebook is published: ``relu-guide/relu-guide.ipynb``.

    Named after the article rather than ``notebook.ipynb`` so a downloads
    folder holding several of them stays readable.
    """
    return f"{slug}/{slug}{NOTEBOOK_SUFFIX}"


@dataclass(frozen=True)
class NotebookSource:
    """An article's notebook before it is run: its bytes, and what a run of it needs besides."""

    article: str  # the article's source file, for problems: content/relu-guide/index.md
    source: bytes  # the .ipynb, without outputs
    beside: Mapping[str, bytes] = dataclasses.field(default_factory=dict)  # files a run needs that the notebook does not write itself


def article_notebooks(
    articles: Iterable[object],
    base_url: str = "",
    code: Mapping[str, CustomSources] | None = None,
    *,
    numbers: Mapping[str, Mapping[str, object]] | None = None,
    bibliography: Bibliography = EMPTY,
    citation_style: str = AUTHOR_YEAR,
    prose_of: Callable[..., ArticleProse] = article_prose,
    notebook_of: Callable[..., bytes] | None = None,
) -> dict[str, NotebookSource]:
    """Output path -> notebook, for every article that declares figures.

    Each ``article`` needs ``slug``, ``title``, ``summary``, ``document`` and
    ``figures`` (declared figures with a ``spec``), as
    :class:`site_builder.load.content.Article` has. The notebook links to the
    article's published address when the site has a real ``base_url`` (not
    none, not the example site's placeholder), else to the page beside it and
    says so. ``code`` holds each python figure's sources by output path,
    (an article missing one gets no notebook), ``numbers`` each figure's
    measured numbers by output path (for the
    ``{{ figure(...) }}`` quotes in the text), ``bibliography`` the site's
    works, which an article's own add to. ``prose_of`` takes the arguments of
    :func:`~site_builder.render.notebook_prose.article_prose`: that function, or a cache in front of it;
    ``notebook_of`` likewise takes the arguments of :func:`article_notebook` (the default).
    """
    notebooks = {}
    site = published_base_url(base_url)
    for article in articles:
        specs = [figure.spec for figure in article.figures]  # type: ignore[attr-defined]
        if not specs:
            continue
        slug = article.slug  # type: ignore[attr-defined]
        page_url = f"{site}{slug}/" if site else None
        wanted = {spec.name: f"{slug}/{spec.name}" for spec in specs if isinstance(spec, PythonSpec)}
        if any(path not in (code or {}) for path in wanted.values()):
            continue  # a python figure's sources could not be read: the experiments stage says why
        sources = {name: (code or {})[path] for name, path in wanted.items()}
        own = {path[len(slug) + 1:]: values for path, values in (numbers or {}).items() if path.startswith(f"{slug}/")}
        prose = prose_of(
            article.document.body, [spec.name for spec in specs], numbers=own,  # type: ignore[attr-defined]
            bibliography=bibliography.merged(getattr(article, "bibliography", EMPTY)), citation_style=citation_style, page_url=page_url,
        )
        sweeps = {figure.spec.name: figure.sweep for figure in article.figures if getattr(figure, "sweep", None)}  # type: ignore[attr-defined]
        source = (notebook_of or article_notebook)(article.title, page_url, specs, sources, prose=prose, summary=getattr(article, "summary", ""), sweeps=sweeps)  # type: ignore[attr-defined]
        notebooks[notebook_path(slug)] = NotebookSource(article.document.path, source, _inputs_beside(sources))  # type: ignore[attr-defined]
    return notebooks


def article_notebook(title: str, page_url: str | None, figures: Sequence[FigureSpec], code: Mapping[str, CustomSources] | None = None,
                     *, prose: ArticleProse = NO_PROSE, summary: str = "", sweeps: Mapping[str, Sweep] | None = None) -> bytes:
    """The ``.ipynb`` bytes of a notebook that recreates ``figures``, in the order the article shows them.

    ``page_url`` is the article's published address, or ``None`` when the
    site has none (the notebook then links to the page beside it and says
    so). ``prose`` gives each figure's heading and the article's words about
    it; a figure it lacks gets a heading that describes its experiment. A
    python figure gets its author's code (``code``, by figure name) and a
    cell that calls it with the declared params and seed. A swept figure
    (``sweeps``, by figure name) gets its default run as any figure, then one
    cell that runs every combination in a loop. Deterministic: the
    same arguments always give the same bytes. Raises ExpressionError if a
    training target is not an allow-listed expression.
    """
    needs_builder = any(b"site_builder" in data for sources in (code or {}).values() for data in sources.code.values())
    needs_builder = needs_builder or not all(isinstance(spec, PythonSpec) or in_plain_numpy(spec) for spec in figures)
    needs_builder = needs_builder or any(not isinstance(spec, PythonSpec) and spec.name in (sweeps or {}) for spec in figures)
    cells = [
        _markdown(_intro(title, page_url, needs_builder, summary)),
        _code(SETUP),
        _markdown(LIBRARY_INTRO),
        _code(LIBRARY),
    ]
    section = None
    for spec in _reading_order(figures, prose):
        words = prose.of(spec.name)
        if words is not None and words.section and words.section != section:
            cells.append(_markdown(f"## {words.section}\n"))
        section = words.section if words is not None else section
        heading = _figure_heading(spec, words)
        if isinstance(spec, PythonSpec):
            cells += custom_figure_cells(heading, spec, (code or {})[spec.name], words)
        elif not in_plain_numpy(spec):
            cells += declared_figure_cells(heading, spec, words)
        else:
            cells += [_markdown(_figure_text(heading, spec, words)), _code(_figure_code(spec))]
        if spec.name in (sweeps or {}):
            cells += sweep_cells((sweeps or {})[spec.name], spec)
    cells += your_turn_cells(figures)
    if prose.references:
        cells.append(_markdown("## References\n\n" + "\n".join(f"- {reference}" for reference in prose.references) + "\n"))
    return _to_json(cells)


def _reading_order(figures: Sequence[FigureSpec], prose: ArticleProse) -> list[FigureSpec]:
    """The figures as the article shows them; any it does not show keep their declared place at the end."""
    shown = [f.name for f in prose.figures]
    return sorted(figures, key=lambda spec: shown.index(spec.name) if spec.name in shown else len(shown))  # sorted() is stable


def _inputs_beside(code: Mapping[str, CustomSources]) -> dict[str, bytes]:
    """The python figures' inputs that are too large (or not text) to be written by the notebook itself."""
    return {path: data for sources in code.values() for path, data in sources.inputs.items() if not _embeddable(data)}


def _embeddable(data: bytes) -> bool:
    return _as_text(data) is not None and len(data) <= MAX_EMBEDDED_INPUT


# Fields of a declaration the notebook's own library follows; any other field must keep its default.
_LIBRARY_FIELDS = frozenset({"name", "target", "interval", "samples", "hidden", "activation", "activations", "leak", "steps", "lr", "init_output",
                             "batch_size", "seed", "frames", "fps", "momentum", "betas"})  # momentum and betas matter to other optimizers only
_LIBRARY_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")


def in_plain_numpy(spec: FigureSpec) -> bool:
    """Whether the notebook's own numpy library redoes this figure: activation plots, gradients and training
    runs with the original model (one activation for all layers, auto initialisation, gradient descent on the
    MSE, no decay). Decided field by field, so an option added to the declarations later sends its figures to
    ``site_builder.lab`` until the library learns it."""
    if isinstance(spec, ActivationPlotSpec):
        return spec.activation in _LIBRARY_ACTIVATIONS
    if isinstance(spec, CompareSpec):
        return all(key in _FIT_SETTINGS for key, _ in spec.vary) and all(in_plain_numpy(run) for _, run in spec.runs)
    if isinstance(spec, GradientsSpec):
        return all(a in _LIBRARY_ACTIVATIONS for a in spec.activations) and _only_library_fields(spec)
    training = spec.training if isinstance(spec, NeuronsSpec) else spec
    if not isinstance(training, TrainingSpec):
        return False
    return isinstance(training.activation, str) and training.activation in _LIBRARY_ACTIVATIONS and _only_library_fields(training)


def _only_library_fields(spec: object) -> bool:
    """Every field the library does not follow is at its default (a field without a default cannot be)."""
    return all(
        field.name in _LIBRARY_FIELDS or (field.default is not dataclasses.MISSING and getattr(spec, field.name) == field.default)
        for field in dataclasses.fields(spec)  # type: ignore[arg-type]
    )


def declared_figure_cells(heading: str, spec: FigureSpec, words: FigureProse | None = None) -> list[Cell]:
    """A figure the notebook's own library cannot redo: made by site_builder.lab from its declaration, with its numbers."""
    declaration = _declaration(spec)
    kind = declaration.pop("kind")
    arguments = "".join(f",\n    {key}={value!r}" for key, value in declaration.items())
    text = (
        heading + _article_words(words)
        + f"This {_code_span(f'kind: {kind}')} figure is made from its declaration by `site_builder.lab.make_figure` "
        "(`pip install site-builder`): the same experiment as the article's, and the numbers the article quotes.\n"
    )
    last_frame = "picture.seek(picture.n_frames - 1)  # an animation: show its last frame\n" if spec.name.endswith(".gif") else ""
    code = (
        f"# The article's {spec.name} (made from its declaration)\n"
        "import io\n\nfrom PIL import Image\nfrom site_builder import lab\n\n"
        f"figure = lab.make_figure({spec.name!r}, kind={kind!r}{arguments})\n"
        "print(figure.numbers)\n"
        "picture = Image.open(io.BytesIO(figure.data))\n"
        f"{last_frame}"
        "picture\n"
    )
    return [_markdown(text), _code(code)]


def sweep_cells(sweep: Sweep, spec: FigureSpec) -> list[Cell]:
    """A swept figure's every combination, as one loop: the article's page switches between the same runs.

    A built-in kind is made by ``site_builder.lab.make_figure`` from its
    declaration with the swept settings changed; a python figure's function
    is called again with its params changed (its module is imported above).
    """
    keys = [axis.key for axis in sweep.axes]
    values = {axis.key: [_plain_value(v) for v in axis.values] for axis in sweep.axes}
    names = [key.removeprefix("params.") for key in keys]
    loop = f"for ({', '.join(names)},) in product(*sweep.values()):"  # each combination is a tuple, even of one value
    label = ", ".join(f"{key} {{{name}}}" for key, name in zip(keys, names))
    text = ("### Every run of the figure above\n\n"
            f"The article's page lets you switch this figure between {len(sweep.variants)} runs, one per combination of "
            + ", ".join(_code_span(key) for key in keys) + ". This loop makes each of them and prints its numbers.\n")
    if isinstance(spec, PythonSpec):
        module = PurePosixPath(spec.script).stem
        changes = ", ".join(f"{name!r}: {name}" for name in names)
        call = f"{module}.{spec.function}(MappingProxyType({{**params, {changes}}}), np.random.default_rng({spec.seed}))"
        made = f"list({call})" if spec.name.endswith(".gif") else call
        body = f"    result = {made}\n    print(f\"{label}: made\")\n"
        head = f"from itertools import product\nfrom types import MappingProxyType\n\nparams = {json.loads(spec.params)!r}\n"
    else:
        declaration = _declaration(spec)
        kind = declaration.pop("kind")
        for key in keys:
            declaration.pop(key, None)
        shared = "".join(f", {key}={value!r}" for key, value in declaration.items())
        swept = ", ".join(f"{key}={key}" for key in keys)
        body = f"    figure = lab.make_figure({spec.name!r}, kind={kind!r}{shared}, {swept})\n    print(f\"{label}:\", figure.numbers)\n"
        head = "from itertools import product\n\nfrom site_builder import lab\n"
    return [_markdown(text), _code(f"{head}\nsweep = {values!r}\n{loop}\n{body}")]


def _declaration(spec: FigureSpec) -> dict[str, object]:
    """The declaration that makes ``spec``: its kind and every parameter that differs from the default, as YAML would give them."""
    from site_builder.experiments.specs import KINDS, CompareSpec

    kind = next(name for name, cls in KINDS.items() if isinstance(spec, cls))
    if isinstance(spec, CompareSpec):
        vary = {key: [_plain_value(value) for value in values] for key, values in spec.vary}
        return {"kind": kind, **_changed_fields(spec.base), "vary": vary, "show": spec.show, "fps": spec.fps}
    if isinstance(spec, NeuronsSpec):
        return {"kind": kind, **_changed_fields(spec.training)}
    return {"kind": kind, **_changed_fields(spec)}


def _changed_fields(spec: object) -> dict[str, object]:
    return {
        field.name: _plain_value(getattr(spec, field.name))
        for field in dataclasses.fields(spec)  # type: ignore[arg-type]
        if field.name != "name" and (field.default is dataclasses.MISSING or getattr(spec, field.name) != field.default)
    }


def _plain_value(value: object) -> object:
    return [_plain_value(v) for v in value] if isinstance(value, tuple) else value


MAX_EMBEDDED_INPUT = 200_000  # bytes of a text input written into the notebook; larger ones are named instead


def custom_figure_cells(heading: str, spec: PythonSpec, sources: CustomSources, words: FigureProse | None = None) -> list[Cell]:
    """A python figure's cells: its modules and small text inputs written beside the notebook, its script, and the call.

    Modules are written under the names the script imports them by (the
    script's folder and ``experiments/`` are both on the run's import path, so
    both become the notebook's own folder); inputs keep their project paths,
    which is how the code opens them.
    """
    script_name = PurePosixPath(spec.script).name
    folders = {PurePosixPath(spec.script).parent.as_posix(), "experiments"}
    modules = {path: data for path, data in sources.code.items() if path != spec.script}
    uses_builder = any(b"site_builder" in data for data in sources.code.values())
    text = (
        heading + _article_words(words)
        + f"Drawn by the article's own code: {_code_span(f'{spec.function}(params, rng)')} in {_code_span(script_name)}, "
        f"called with the figure's parameters and seed {spec.seed}."
        + (" It uses `site_builder.lab` (`pip install site-builder`) for the site's look and network." if uses_builder else "")
        + "\n"
    )
    cells = [_markdown(text)]
    for path, data in modules.items():
        cells += [_code(text) for text in _write_file_cells(_relative_to(path, folders), data)]
    missing = []
    for path, data in sources.inputs.items():
        if _embeddable(data):
            cells += [_code(text) for text in _write_file_cells(path, data)]
        else:
            missing.append(path)
    if missing:
        cells.append(_markdown("This figure also reads " + ", ".join(_code_span(p) for p in missing) + " from the article's project; copy it beside this notebook to run the next cells.\n"))
    # The script is written as a module and imported, so its names (a `fit` of its own, say)
    # never replace the notebook's.
    cells += [_code(text) for text in _write_file_cells(script_name, sources.code[spec.script])]
    cells.append(_code(_call_cell(spec, PurePosixPath(spec.script).stem)))
    return cells


def _write_file_cells(path: str, data: bytes) -> list[str]:
    """Cells that write ``data`` to ``path`` beside the notebook: ``%%writefile``, after making its folder."""
    folder = PurePosixPath(path).parent.as_posix()
    make = [] if folder == "." else [f"import os\n\nos.makedirs({folder!r}, exist_ok=True)\n"]
    return [*make, f"%%writefile {path}\n{data.decode('utf-8')}"]


def _relative_to(path: str, folders: set[str]) -> str:
    for folder in sorted(folders, key=len, reverse=True):
        if path.startswith(folder + "/"):
            return path[len(folder) + 1:]
    return path


def _as_text(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if "\0" not in text else None


def _call_cell(spec: PythonSpec, module: str) -> str:
    params = json.loads(spec.params)
    call = f"{module}.{spec.function}(MappingProxyType(params), np.random.default_rng({spec.seed}))"
    if spec.name.endswith(".gif"):
        show = f"frames = list({call})\nprint(f\"{spec.name}: {{len(frames)}} frames; the last one:\")\nlast = frames[-1]\ngetattr(last, \"picture\", last)"
    else:
        show = f"figure = {call}\nfigure"
    imports = (f"# The article's {spec.name} (drawn by its own code)\nimport importlib\nfrom types import MappingProxyType\n\n"
               f"import {module}\n\nimportlib.reload({module})  # after an edit to the cell above\n")
    return f"{imports}params = {params!r}\n{show}\n"


def numpy_source(expression: str) -> str:
    """An allow-listed target expression as numpy code: ``abs(x)`` -> ``np.abs(x)``.

    The expression is first validated by :func:`compile_expression` (so this
    raises ExpressionError on anything outside the grammar), then its syntax
    tree is rewritten: functions and constants gain ``np.``, and comparisons,
    which our evaluator turns into 1.0 or 0.0, become ``np.where(..., 1.0, 0.0)``
    (a comparison that is the condition of ``where`` stays as it is).
    """
    compile_expression(expression)
    tree = ast.parse(expression, mode="eval")
    return ast.unparse(_ToNumpy().visit(tree))


class _ToNumpy(ast.NodeTransformer):
    """Rewrites a validated expression tree into numpy code (see :func:`numpy_source`)."""

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in CONSTANTS:
            return _np(node.id)
        return node  # x; function names are handled by visit_Call

    def visit_Call(self, node: ast.Call) -> ast.expr:
        assert isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS
        args = [self.visit(arg) for arg in node.args]
        if node.func.id == "where" and isinstance(node.args[0], ast.Compare):
            args[0] = self.condition(node.args[0])
        return ast.Call(func=_np(node.func.id), args=args, keywords=[])

    def visit_Compare(self, node: ast.Compare) -> ast.expr:
        return ast.Call(func=_np("where"), args=[self.condition(node), ast.Constant(1.0), ast.Constant(0.0)], keywords=[])

    def condition(self, node: ast.Compare) -> ast.expr:
        """``a < b <= c`` as ``(a < b) & (b <= c)``: Python's chaining does not work on arrays."""
        operands = [self.visit(n) for n in (node.left, *node.comparators)]
        tests: list[ast.expr] = [
            ast.Compare(left=a, ops=[op], comparators=[b]) for op, a, b in zip(node.ops, operands, operands[1:])
        ]
        combined = tests[0]
        for test in tests[1:]:
            combined = ast.BinOp(left=combined, op=ast.BitAnd(), right=test)
        return combined


def _np(name: str) -> ast.Attribute:
    return ast.Attribute(value=ast.Name(id="np", ctx=ast.Load()), attr=name, ctx=ast.Load())


# --- the notebook's text ---

SETUP = """\
import numpy as np
import matplotlib.pyplot as plt
from dataclasses import dataclass, field

np.set_printoptions(precision=4, suppress=True)
"""

LIBRARY_INTRO = """\
## A tiny neural network in numpy

Everything the figures need fits in one cell: activation functions and their derivatives,
a multi-layer perceptron (dense layers with an activation between them and a linear output),
its forward and backward passes, the mean-squared error, and gradient descent, full-batch or
mini-batch with a seeded `np.random.default_rng`. Rows are examples: a batch `x` is `(N, 1)` and
a weight matrix `(fan_in, fan_out)`.

The initialisation and the order of the random draws are the same as in the build that drew the
article's figures, so each run below ends at the same final MSE as the article's, up to rounding
(a different numpy or CPU can change the last digits).

A run's result depends on its seed. The seed picks the starting weights (and, with mini-batches,
the order of the batches), and with ReLU it can decide whether a neuron ends up *dead*: once its
input is negative at every training point, no gradient reaches it and it stays off for good, so a
network with dead neurons fits with fewer hinges than it has. `dead_neurons(run)` counts them, and
`report` prints the count for every ReLU run. The last section reruns one of the article's runs
with ten seeds, so you can see how much it depends on its seed.
"""

LIBRARY = '''\
# Activations: f(z) and its derivative f'(z), element-wise.
def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -z))  # 1 / (1 + e^-z), without overflow for large |z|

def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)

def tanh_derivative(z):
    t = np.tanh(z)
    return 1.0 - t * t

def relu(z):
    return np.maximum(z, 0.0)

def relu_derivative(z):
    return (z > 0).astype(z.dtype)  # 0 at the kink itself

def leaky_relu(z, leak=0.1):
    return np.where(z > 0, z, leak * z)

def leaky_relu_derivative(z, leak=0.1):
    return np.where(z > 0, 1.0, leak)


def get_activation(name, leak=0.1):
    """(f, f', gain): the weights of a layer feeding f start with std gain / sqrt(fan_in)."""
    if name == "sigmoid":
        return sigmoid, sigmoid_derivative, 1.0
    if name == "tanh":
        return np.tanh, tanh_derivative, 1.0
    if name == "relu":
        return relu, relu_derivative, np.sqrt(2.0)
    if name == "leaky_relu":
        gain = np.sqrt(2.0 / (1.0 + leak * leak))
        return (lambda z: leaky_relu(z, leak)), (lambda z: leaky_relu_derivative(z, leak)), gain
    raise ValueError(f"unknown activation {name!r}")


# The network is a list of (W, b) layers.
def init_mlp(widths, gain, rng, interval, zero_output=False):
    """Normal weights with std gain / sqrt(fan_in) (1 / sqrt(fan_in) for the linear output layer).

    Each first-layer bias puts its unit's kink, where w * x + b = 0, at a uniformly drawn
    point of the interval, so no ReLU starts out dead on all of the data. With
    zero_output, the output weights start at zero (after being drawn, so the hidden
    layers get the same numbers): no neuron starts out pulled the wrong way.
    """
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        is_output = i == len(widths) - 2
        W = rng.normal(0.0, (1.0 if is_output else gain) / np.sqrt(fan_in), size=(fan_in, fan_out))
        b = np.zeros(fan_out)
        if i == 0 and not is_output:
            kinks = rng.uniform(*interval, size=fan_out)
            b = -W[0] * kinks
        if is_output and zero_output:
            W = np.zeros_like(W)
        layers.append((W, b))
    return layers


def forward(layers, x, f):
    """The output (N, 1), plus each layer's input and pre-activation z for the backward pass."""
    inputs, zs = [], []
    h = x
    for i, (W, b) in enumerate(layers):
        inputs.append(h)
        z = h @ W + b
        zs.append(z)
        h = z if i == len(layers) - 1 else f(z)  # the output layer stays linear
    return h, inputs, zs


def backward(layers, inputs, zs, grad_output, df):
    """Backpropagation: the gradient of the loss for every (W, b), from dLoss/dOutput."""
    grads = [None] * len(layers)
    g = grad_output  # dLoss/dz of the current layer
    for i in reversed(range(len(layers))):
        grads[i] = (inputs[i].T @ g, g.sum(axis=0))
        if i > 0:
            g = (g @ layers[i][0].T) * df(zs[i - 1])
    return grads


def mse(prediction, target):
    diff = prediction - target
    return float(np.mean(diff * diff))


def batches(n, batch_size, rng):
    """Endless batches of example indices: all of them, or each epoch shuffled into chunks."""
    if batch_size is None or batch_size >= n:
        while True:
            yield slice(None)
    while True:
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]


def train(layers, x, y, f, df, steps, lr, batch_size=None, rng=None, on_step=None):
    """`steps` updates of gradient descent on the MSE; on_step(step, layers) sees every state."""
    stream = batches(len(x), batch_size, rng)
    for step in range(steps):
        if on_step:
            on_step(step, layers)
        index = next(stream)
        prediction, inputs, zs = forward(layers, x[index], f)
        diff = prediction - y[index]
        grad_output = (2.0 / diff.size) * diff  # dMSE/dprediction
        grads = backward(layers, inputs, zs, grad_output, df)
        layers = [(W - lr * gW, b - lr * gb) for (W, b), (gW, gb) in zip(layers, grads)]
    if on_step:
        on_step(steps, layers)
    return layers


@dataclass
class Run:
    """A trained network with its data, training loss history and a few snapshots."""
    x: np.ndarray          # (N,) training inputs
    y: np.ndarray          # (N,) target values there
    layers: list
    f: object              # the activation
    activation: str
    target: object
    interval: tuple
    losses: list = field(default_factory=list)     # MSE on all N points, at every step
    dead: list = field(default_factory=list)       # hidden units off on all N points, at every step
    snapshots: dict = field(default_factory=dict)  # step -> layers, for a few steps

    def predict(self, x, layers=None):
        return forward(self.layers if layers is None else layers, x[:, None], self.f)[0][:, 0]

    @property
    def mse(self):
        return self.losses[-1]


def sample(target, x):
    """The target on x as floats of x's shape (a formula outside its domain gives nan, not an error)."""
    with np.errstate(all="ignore"):
        return np.array(np.broadcast_to(target(x), x.shape), dtype=float)


def fit(target, interval=(-1.0, 1.0), samples=64, hidden=(), activation="relu", leak=0.1,
        steps=1000, lr=0.1, batch_size=None, seed=0, zero_output=False, snapshots=5):
    """Train a 1 -> hidden... -> 1 network on `samples` evenly spaced points of the target."""
    x = np.linspace(*interval, samples)
    y = sample(target, x)
    init_rng, batch_rng = np.random.default_rng(seed).spawn(2)  # one for the weights, one for the batches
    f, df, gain = get_activation(activation, leak)
    run = Run(x, y, None, f, activation if hidden else "", target, tuple(interval))
    keep = set(np.round(np.linspace(0, steps, snapshots)).astype(int).tolist())

    def record(step, layers):
        prediction, _, zs = forward(layers, x[:, None], f)
        run.losses.append(mse(prediction, y[:, None]))
        run.dead.append(sum(int(np.all(z <= 0, axis=0).sum()) for z in zs[:-1]))  # dead only means something for relu
        if step in keep:
            run.snapshots[step] = layers

    with np.errstate(over="ignore", invalid="ignore"):  # a too-large lr shows up as a nan loss
        run.layers = train(init_mlp((1, *hidden, 1), gain, init_rng, interval, zero_output),
                           x[:, None], y[:, None], f, df, steps, lr, batch_size, batch_rng, record)
    return run


def layer_gradients(target, activations, interval=(-1.0, 1.0), samples=64, hidden=(16,) * 8,
                    steps=200, lr=0.05, batch_size=None, seed=0, leak=0.1):
    """For each activation, a deep network trained on the target, and the size (norm) of dLoss/dW
    at each hidden layer on all the points: {"start": [...], "end": [...], "mse": final MSE}."""
    x = np.linspace(*interval, samples)[:, None]
    y = sample(target, x[:, 0])[:, None]
    runs = {}
    for activation in activations:
        init_rng, batch_rng = np.random.default_rng(seed).spawn(2)  # the same draws for every activation
        f, df, gain = get_activation(activation, leak)
        run = runs[activation] = {}

        def record(step, layers):
            if step in (0, steps):
                prediction, inputs, zs = forward(layers, x, f)
                grads = backward(layers, inputs, zs, (2.0 / len(y)) * (prediction - y), df)
                run["start" if step == 0 else "end"] = [float(np.linalg.norm(gW)) for gW, _ in grads[:-1]]  # hidden layers
                run["mse"] = mse(prediction, y)

        train(init_mlp((1, *hidden, 1), gain, init_rng, interval), x, y, f, df, steps, lr, batch_size, batch_rng, record)
    return runs


# Drawing.
def plot_gradients(runs, title):
    """The gradient reaching each hidden layer, log scale: faint at the start, bold at the end."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for k, (activation, run) in enumerate(runs.items()):
        layers = range(1, len(run["start"]) + 1)
        ax.semilogy(layers, run["start"], "o-", color=f"C{k}", alpha=0.35, lw=1)
        ax.semilogy(layers, run["end"], "o-", color=f"C{k}", lw=2.5, label=activation)
    ax.set(xlabel="hidden layer (1 is next to the input)", ylabel="gradient norm", title=title)
    ax.legend(title="faint: at the start")
    plt.show()


def report_gradients(name, runs):
    for activation, run in runs.items():
        print(f"{name} {activation}: first/last layer gradient at the start = {run['start'][0] / run['start'][-1]:.6e}")
        print(f"{name} {activation}: final MSE = {run['mse']:.8f}")


def plot_activation(name, interval, leak=0.1):
    f, df, _ = get_activation(name, leak)
    z = np.linspace(*interval, 400)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(z, f(z), label=f"{name}(z)")
    ax.plot(z, df(z), "--", label=f"{name}'(z)")
    ax.axhline(0, color="0.8", lw=0.8, zorder=0)
    ax.axvline(0, color="0.8", lw=0.8, zorder=0)
    ax.set(xlabel="z", title=name)
    ax.legend()
    plt.show()


def plot_fit(run, title, history=False):
    """Target, training points and the final fit; with history=True, earlier fits too, faintly."""
    grid = np.linspace(*run.interval, 256)
    fig, (ax, loss_ax) = plt.subplots(1, 2, figsize=(10, 3.5))
    ax.plot(grid, sample(run.target, grid), color="0.5", lw=3, alpha=0.5, label="target")
    ax.scatter(run.x, run.y, s=10, color="0.3", label="training points")
    if history:
        steps = sorted(run.snapshots)[:-1]
        for k, step in enumerate(steps):
            ax.plot(grid, run.predict(grid, run.snapshots[step]), color="C0",
                    alpha=0.15 + 0.5 * k / max(len(steps), 1), lw=1, label=f"step {step}")
    ax.plot(grid, run.predict(grid), color="C0", lw=2, label="final fit")
    ax.set(xlabel="x", title=title)
    ax.legend(fontsize="small")
    loss_ax.semilogy(run.losses)
    loss_ax.set(xlabel="step", ylabel="MSE", title=f"final MSE {run.mse:.3g}")
    fig.tight_layout()
    plt.show()


def plot_neurons(run, title):
    """Each hidden neuron's term w2_i * f(w1_i * x + b1_i), the output bias, and their sum."""
    (W1, b1), (W2, b2) = run.layers
    grid = np.linspace(*run.interval, 256)
    terms = run.f(grid[:, None] @ W1 + b1) * W2[:, 0]  # (G, H)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(grid, sample(run.target, grid), color="0.5", lw=3, alpha=0.5, label="target")
    for i in range(terms.shape[1]):
        ax.plot(grid, terms[:, i], lw=1, alpha=0.8, label=f"neuron {i + 1}" if terms.shape[1] <= 6 else None)
    ax.axhline(b2[0], color="0.4", ls=":", label="output bias")
    ax.plot(grid, terms.sum(axis=1) + b2[0], color="k", lw=2, label="sum = output")
    ax.set(xlabel="x", title=title)
    ax.legend(fontsize="small")
    plt.show()


def dead_neurons(run):
    """Hidden ReLU neurons whose input is at most 0 at every training point: they output 0 and get no gradient."""
    if run.activation != "relu":
        return 0  # the other activations are never exactly flat
    dead, h = 0, run.x[:, None]
    for W, b in run.layers[:-1]:
        z = h @ W + b
        dead += int(np.sum(np.all(z <= 0, axis=0)))
        h = run.f(z)
    return dead


def hidden_neurons(run):
    return sum(W.shape[1] for W, _ in run.layers[:-1])


def report(name, run):
    print(f"{name}: final MSE = {run.mse:.8f}")
    if run.activation == "relu":
        print(f"{name}: dead neurons = {dead_neurons(run)} of {hidden_neurons(run)}")


def compare(target, vary, **settings):
    """One `fit` per combination of the varied settings, e.g. vary={"lr": [0.2, 0.02]}: {label: run}."""
    combos = [("", {})]
    for key, values in vary.items():
        combos = [(f"{label}, {key} {value}".lstrip(", "), {**chosen, key: value}) for label, chosen in combos for value in values]
    return {label: fit(target, **{**settings, **chosen}) for label, chosen in combos}


def plot_compare(runs, show, title):
    """Every run on one axis: its loss over the steps, its final fit, or its share of dead neurons."""
    fig, ax = plt.subplots(figsize=(6, 4))
    first = next(iter(runs.values()))
    if show == "fit":
        grid = np.linspace(*first.interval, 256)
        ax.plot(grid, sample(first.target, grid), color="0.5", lw=3, alpha=0.5, label="target")
    for label, run in runs.items():
        if show == "fit":
            ax.plot(grid, run.predict(grid), lw=2, label=label)
        elif show == "dead":
            ax.plot(100 * np.array(run.dead) / hidden_neurons(run), lw=2, label=label)
        else:
            ax.semilogy(run.losses, lw=2, label=label)
    ax.set(xlabel="x" if show == "fit" else "step", ylabel={"fit": None, "dead": "dead ReLU neurons (%)", "loss": "MSE"}[show], title=title)
    ax.legend(fontsize="small")
    plt.show()


def report_compare(name, runs):
    for label, run in runs.items():
        print(f"{name} {label}: final MSE = {run.mse:.8f}")
        print(f"{name} {label}: dead neurons = {run.dead[-1]}")
'''

YOUR_TURN = """\
## Your turn

Every training run above is one call to `fit`: change its target, its hidden layers, its
activation, its learning rate or its seed and run the cell again (with many more neurons, lower the
learning rate too: see below). How many ReLUs does `sin(3x)`
need? What does a learning rate ten times larger do? Does `tanh` fit the parabola with fewer neurons?
"""

SEEDS_TEXT = """\
### The same run, ten seeds

{what}, run again with seeds 0 to 9 and nothing else changed. Compare the final errors and the
dead neurons: where they differ, the result you saw above depends on its seed.
"""

WIDTH_TEXT = """\
### More neurons want a smaller learning rate

The output adds up every neuron's contribution, so a step at a given learning rate moves it
further the more neurons there are. At learning rate 0.2 a hundred ReLU neurons overshoot: in the
first few steps the error jumps a hundredfold or more, and those steps push most of the neurons to
where their input is negative at every training point, so they die and the fit is left to the few
that survive. At 0.02 the same network keeps almost all of them and ends with a smaller error. The
cell below trains it on $x^2$ at both rates, with ten seeds each, and counts the dead.
"""

WIDTH_CODE = """\
for lr in (0.2, 0.02):
    for seed in range(10):
        run = fit(lambda x: x ** 2, hidden=(100,), activation="relu", steps=300, lr=lr, seed=seed)
        print(f"lr {lr}, seed {seed}: final MSE = {run.mse:.5f}, dead neurons = {dead_neurons(run)} of 100")
"""

CLOSING_CODE = """\
run = fit(lambda x: np.sin(3 * x), interval=(-1.0, 1.0), hidden=(8,), activation="relu",
          steps=2000, lr=0.1, seed=0)
report("sin(3x), 8 ReLUs", run)
plot_fit(run, "sin(3x) with 8 ReLU neurons", history=True)
"""


def your_turn_cells(figures: Sequence[FigureSpec]) -> list[Cell]:
    """The closing section: what to change, the seed dependence of one of the article's own runs, measured, and the width rule."""
    cells = [_markdown(YOUR_TURN), _code(CLOSING_CODE)]
    runs = [spec.training if isinstance(spec, NeuronsSpec) else spec for spec in figures if in_plain_numpy(spec)]
    trained = [t for t in runs if isinstance(t, TrainingSpec) and t.hidden and t.activation == "relu"]
    if trained:
        chosen = min(trained, key=lambda t: (sum(t.hidden), t.steps))  # the cheapest ReLU run: the one most at the seed's mercy
        what = f"The article's {_code_span(chosen.name)} run, {_network(chosen)} trained on {_code_span(f'y = {chosen.target}')}"
        cells += [_markdown(SEEDS_TEXT.format(what=what.rstrip(","))), _code(_seeds_code(chosen))]
    cells += [_markdown(WIDTH_TEXT), _code(WIDTH_CODE)]
    return cells


def _seeds_code(spec: TrainingSpec) -> str:
    arguments = _fit_arguments(replace(spec, seed=0)).replace("seed=0", "seed=seed")
    return (
        "def target(x):\n"
        f"    return {numpy_source(spec.target)}\n\n"
        "for seed in range(10):\n"
        f"    run = fit(target, {arguments.replace(chr(10), chr(10) + '    ')})\n"
        f"    print(f\"seed {{seed}}: final MSE = {{run.mse:.5f}}, dead neurons = {{dead_neurons(run)}} of {{hidden_neurons(run)}}\")\n"
    )


def _intro(title: str, page_url: str | None, needs_builder: bool = False, summary: str = "") -> str:
    needs = (
        "You need numpy and matplotlib, and site_builder for the figures drawn by the article's own code."
        if needs_builder else "You need only numpy and matplotlib."
    )
    if page_url is not None:
        link = f"This notebook goes with the article [{_escape_markdown(title)}]({_escape_url(page_url)})"
    else:
        link = (f"This notebook goes with the article [{_escape_markdown(title)}](index.html), the page beside it in the "
                "built site (the site has no published address yet, so there is no web link to give)")
    lead = f"{summary.strip()}\n\n" if summary.strip() else ""
    return (
        f"# {_escape_markdown(title)}\n\n{lead}"
        f"{link}: the experiments behind its figures, to run, change and break. {needs}\n\n"
        "The outputs were made when the site was built; run all cells to make them again on your machine.\n"
    )


HEADING_WORDS = 90  # characters: a longer caption is cut at a clause, then at a word


def _figure_heading(spec: FigureSpec, words: FigureProse | None) -> str:
    """The figure's heading in words: the page's "Figure N" and the caption's first clause, else what the experiment is."""
    caption = words.caption if words is not None else ""
    title = _short(caption) if caption else _describe(spec)
    number = f"Figure {words.number}: " if words is not None and words.number else ""
    return f"### {number}{title}\n\n"


def _short(caption: str) -> str:
    """A caption's first clause (before ": ", "; " or ". "), cut at a word when still too long for a heading."""
    text = " ".join(caption.split())
    clause = re.split(r"(?<=[^\s])(?::|;|\.)(?:\s|$)", text, maxsplit=1)[0].rstrip(".")
    if len(clause) <= HEADING_WORDS:
        return clause
    return clause[:HEADING_WORDS].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _describe(spec: FigureSpec) -> str:
    """What a figure's experiment is, in a few words, for a figure the article's text does not show."""
    if isinstance(spec, ActivationPlotSpec):
        return f"The {spec.activation.replace('_', ' ')} activation and its derivative"
    if isinstance(spec, GradientsSpec):
        return f"The gradient reaching each layer, {' against '.join(spec.activations)}"
    if isinstance(spec, PythonSpec):
        return f"A figure drawn by the article's own code, {PurePosixPath(spec.script).name}"
    training = spec.training if isinstance(spec, NeuronsSpec) else spec
    if isinstance(training, TrainingSpec):
        size = f"{sum(training.hidden)} {training.activation} neuron{'s' if sum(training.hidden) != 1 else ''}" if training.hidden else "a straight line"
        what = "What each neuron adds" if isinstance(spec, NeuronsSpec) else "A fit"
        return f"{what}: {size} on y = {training.target}"
    return "A figure of the article"


def _article_words(words: FigureProse | None) -> str:
    """The article's caption and paragraph about a figure, as the notebook's text for it."""
    if words is None:
        return ""
    pieces = []
    if words.caption and _short(words.caption) != " ".join(words.caption.split()).rstrip("."):
        pieces.append(f"*{words.caption}*")
    pieces.append(words.paragraph or words.alt)
    return "".join(f"{piece}\n\n" for piece in pieces if piece)


def _figure_text(heading: str, spec: FigureSpec, words: FigureProse | None = None) -> str:
    return heading + _article_words(words) + _experiment(spec)


def _experiment(spec: FigureSpec) -> str:
    """The settings of the experiment the code cell runs, spelled out."""
    if isinstance(spec, ActivationPlotSpec):
        leak = f" with leak {spec.leak!r}" if spec.activation == "leaky_relu" else ""
        return f"The code: the {spec.activation} activation{leak} and its derivative on [{_number(spec.interval[0])}, {_number(spec.interval[1])}].\n"
    if isinstance(spec, GradientsSpec):
        widths = str(spec.hidden[0]) if len(set(spec.hidden)) == 1 else ", ".join(str(w) for w in spec.hidden)
        layers = f"{len(spec.hidden)} hidden layer{'s' if len(spec.hidden) > 1 else ''} of {widths} neurons"
        return (
            f"The code: the gradient reaching each layer of a network with {layers}, one run per activation "
            f"({', '.join(spec.activations)}), trained on {_code_span(f'y = {spec.target}')} at {spec.samples} points "
            f"with {spec.steps} steps of gradient descent at learning rate {spec.lr!r}.\n"
        )
    if isinstance(spec, CompareSpec):
        varied = " and ".join(key for key, _ in spec.vary)
        shown = {"loss": "their training loss over the steps", "fit": "their final fits", "dead": "the share of their ReLU neurons that are dead, step by step"}[spec.show]
        return (
            f"The code: runs of a network {_network(spec.base)} trained on {_code_span(f'y = {spec.base.target}')} that differ only in "
            f"{varied}, and {shown}.\n"
        )
    training = spec.training if isinstance(spec, NeuronsSpec) else spec
    assert isinstance(training, TrainingSpec)
    what = "what each hidden neuron adds to the output of a network" if isinstance(spec, NeuronsSpec) else "a network"
    animated = isinstance(spec, TrainingSpec) and spec.name.endswith(".gif")
    shown = " The article animates the training; here earlier fits are drawn faintly." if animated else ""
    target = _code_span(f"y = {training.target}")
    return f"The code: {what} {_network(training)} trained on {target} at {training.samples} points.{shown}\n"


def _network(spec: TrainingSpec) -> str:
    if not spec.hidden:
        shape = "with no hidden layer (a straight line)"
    else:
        layers = " and ".join(f"{width}" for width in spec.hidden)
        plural = "s" if len(spec.hidden) > 1 else ""
        shape = f"with hidden layer{plural} of {layers} {spec.activation} neuron{'s' if sum(spec.hidden) > 1 else ''} and a linear output"
    how = "full-batch gradient descent" if spec.batch_size is None else f"mini-batch SGD (batches of {spec.batch_size})"
    return f"{shape}, {spec.steps} steps of {how} at learning rate {spec.lr!r},"


_FIT_SETTINGS = ("seed", "lr", "hidden", "activation", "batch_size", "steps", "init_output")  # what compare() can vary


def _compare_code(spec: CompareSpec) -> str:
    vary = ", ".join(f"{_FIT_NAMES.get(key, key)!r}: [{', '.join(_fit_value(key, v) for v in values)}]" for key, values in spec.vary)
    return (
        "def target(x):\n"
        f"    return {numpy_source(spec.base.target)}\n\n"
        f"runs = compare(target, {{{vary}}},\n"
        f"               {_fit_arguments(spec.base)})\n"
        f"report_compare({spec.name!r}, runs)\n"
        f"plot_compare(runs, {spec.show!r}, {spec.name!r})\n"
    )


_FIT_NAMES = {"init_output": "zero_output"}


def _fit_value(key: str, value: object) -> str:
    if key == "hidden":
        return _tuple(value)  # type: ignore[arg-type]
    if key == "init_output":
        return repr(value == "zero")
    return repr(value)


def _figure_code(spec: FigureSpec) -> str:
    """The cell that re-makes ``spec``; its first line names the article's file, in small print."""
    return f"# The article's {spec.name}\n" + _figure_calls(spec)


def _figure_calls(spec: FigureSpec) -> str:
    if isinstance(spec, CompareSpec):
        return _compare_code(spec)
    if isinstance(spec, ActivationPlotSpec):
        leak = f", leak={spec.leak!r}" if spec.activation == "leaky_relu" else ""
        return f"plot_activation({spec.activation!r}, interval={_tuple(spec.interval)}{leak})\n"
    title = _describe(spec)
    if isinstance(spec, GradientsSpec):
        return (
            "def target(x):\n"
            f"    return {numpy_source(spec.target)}\n\n"
            f"runs = layer_gradients(target, {tuple(spec.activations)!r}, interval={_tuple(spec.interval)}, samples={spec.samples!r},\n"
            f"                       hidden={_tuple(spec.hidden)}, steps={spec.steps!r}, lr={spec.lr!r},\n"
            f"                       batch_size={spec.batch_size!r}, seed={spec.seed!r}"
            + (f", leak={spec.leak!r}" if "leaky_relu" in spec.activations else "") + ")\n"
            f"report_gradients({spec.name!r}, runs)\n"
            f"plot_gradients(runs, {title!r})\n"
        )
    training = spec.training if isinstance(spec, NeuronsSpec) else spec
    if isinstance(spec, NeuronsSpec):
        draw = f"plot_neurons(run, {title!r})"
    else:
        draw = f"plot_fit(run, {title!r}, history={spec.name.endswith('.gif')})"
    return (
        "def target(x):\n"
        f"    return {numpy_source(training.target)}\n\n"
        f"run = fit(target, {_fit_arguments(training)})\n"
        f"report({spec.name!r}, run)\n"
        f"{draw}\n"
    )


def _fit_arguments(spec: TrainingSpec) -> str:
    """The keyword arguments of ``fit`` for ``spec``, all spelled out so readers see what to change."""
    arguments = {
        "interval": _tuple(spec.interval),
        "samples": repr(spec.samples),
        "hidden": _tuple(spec.hidden),
        **({"activation": repr(spec.activation)} if spec.hidden else {}),  # a linear model has none
        **({"leak": repr(spec.leak)} if spec.hidden and spec.activation == "leaky_relu" else {}),
        "steps": repr(spec.steps),
        "lr": repr(spec.lr),
        "batch_size": repr(spec.batch_size),
        "seed": repr(spec.seed),
        **({"zero_output": "True"} if spec.init_output == "zero" else {}),
    }
    lines, line = [], ""
    for key, value in arguments.items():
        part = f"{key}={value}, "
        if line and len(line) + len(part) > 70:
            lines.append(line.rstrip())
            line = ""
        line += part
    lines.append(line.removesuffix(", "))
    return "\n          ".join(lines)


def _tuple(values: Sequence[float | int]) -> str:
    return repr(tuple(values))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def _code_span(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{text}{fence}"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def _escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _escape_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


# --- JSON ---


def _markdown(text: str) -> Cell:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(text: str) -> Cell:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": text}


def _to_json(cells: Sequence[Cell]) -> bytes:
    """The notebook document: nbformat 4.5, sources as lists of lines, ids hashed from content."""
    seen: dict[str, int] = {}
    finished = []
    for cell in cells:
        text = str(cell["source"])
        cell_id = hashlib.sha256(f"{cell['cell_type']}\0{text}".encode("utf-8")).hexdigest()[:16]
        seen[cell_id] = seen.get(cell_id, 0) + 1
        if seen[cell_id] > 1:  # identical cells still need distinct ids
            cell_id = f"{cell_id}-{seen[cell_id]}"
        finished.append({**cell, "id": cell_id, "source": text.rstrip("\n").splitlines(keepends=True)})
    document: Mapping[str, object] = {
        "cells": finished,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def notebook_link(slug: str, files: Mapping[str, bytes]) -> dict[str, str] | None:
    """What the article page needs to offer the notebook, if the build made one.

    ``url`` is relative to the article's page (the two sit in the same folder)
    and ``size`` reads like "20 KB".
    """
    path = notebook_path(slug)
    if path not in files:
        return None
    return {"url": path.rsplit("/", 1)[1], "size": f"{max(1, round(len(files[path]) / 1024))} KB"}
