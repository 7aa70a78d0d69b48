"""A minimal notebook runner: the code cells of one of our notebooks, top to bottom, with their outputs recorded.

Run as ``python -m site_builder.render.notebook_kernel NOTEBOOK RESULT [PARENT_PID]`` in
the folder the notebook should run in (the build gives it a fresh temporary
one). It does what a fresh Jupyter kernel with matplotlib's inline backend
does for the cells :mod:`site_builder.render.notebook` writes, and no more:

* every code cell runs in one shared namespace, in order;
* ``print`` output becomes ``stream`` outputs (stdout, stderr), in the order written;
* ``plt.show()``, and any figure still open when a cell ends, becomes a
  ``display_data`` PNG; a cell whose last statement is an expression shows
  its value as an ``execute_result`` (a figure or image as a PNG, anything
  else as its ``repr``), as IPython does, unless the line ends with ``;``;
* ``%%writefile PATH`` writes the rest of the cell to ``PATH``; any other
  magic or shell escape is refused.

Outputs are made reproducible: PNGs carry no metadata (no "Software" or
time) and are drawn on white in 256 colours (see :func:`_png`), execution counts are 1, 2, 3... and ``at 0x7f...`` memory addresses
are taken out of reprs. The result, written as JSON to ``RESULT``, is either
``{"cells": [{"outputs": [...], "execution_count": N}, ...]}`` (one entry
per code cell) or ``{"error": {"cell": N, "source": "...", "traceback": "..."}}``
for the first cell that raised, with exit status 1.

Why not nbclient and ipykernel: they are a kernel process, a ZeroMQ channel
and four more packages for every reader who builds a site, to run cells that
need none of it. The tests still run each notebook in a real fresh kernel
with nbclient, and compare what it prints with this runner's outputs.
"""

from __future__ import annotations

import ast
import base64
import io
import json
import os
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

PNG_DPI = 80  # what the saved outputs are drawn at: small files that still read well on screen
_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")
_WRITEFILE = re.compile(r"\A%%writefile[ \t]+(?P<path>\S+)[ \t]*\n?")

Output = dict[str, object]


class _Stream(io.TextIOBase):
    """A ``sys.stdout`` that appends what is written to the cell's outputs, joining consecutive writes."""

    def __init__(self, name: str, outputs: Callable[[], list[Output]]) -> None:
        self._name = name
        self._outputs = outputs

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text:
            outputs = self._outputs()
            if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1].get("name") == self._name:
                outputs[-1]["text"] = str(outputs[-1]["text"]) + text
            else:
                outputs.append({"output_type": "stream", "name": self._name, "text": text})
        return len(text)


class Runner:
    """One notebook's namespace and the outputs of the cell being run."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.namespace: dict[str, object] = {"__name__": "__main__", "__builtins__": __builtins__}
        self.outputs: list[Output] = []
        self.count = 0
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcdefaults()  # a reader's matplotlibrc must not change the saved outputs
        import matplotlib.pyplot as pyplot

        pyplot.switch_backend("Agg")  # settled now: switching later would re-wrap pyplot.show

        def show(*args: object, **kwargs: object) -> None:
            self._show()

        self._pyplot = pyplot
        pyplot.show = show  # the cells' plt.show() shows inline, as in Jupyter

    def run(self, source: str) -> None:
        """Run one code cell; its exceptions propagate."""
        self.count += 1
        self.outputs = []
        stdout, stderr = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = _Stream("stdout", lambda: self.outputs), _Stream("stderr", lambda: self.outputs)
        try:
            writefile = _WRITEFILE.match(source)
            if writefile:
                self._write_file(writefile["path"], source[writefile.end():])
            else:
                self._execute(source)
            self._show()
        finally:
            sys.stdout, sys.stderr = stdout, stderr

    def _write_file(self, path: str, text: str) -> None:
        target = self.folder / path
        print(f"{'Overwriting' if target.exists() else 'Writing'} {path}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")

    def _execute(self, source: str) -> None:
        for number, line in enumerate(source.splitlines(), start=1):
            if line.startswith(("%", "!")):
                raise SyntaxError(f"line {number}: the build's notebook runner knows only a leading %%writefile, not {line.split()[0]!r}")
        tree = ast.parse(source, filename=self._filename(), mode="exec")
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
        exec(compile(body, self._filename(), "exec"), self.namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), self._filename(), "eval"), self.namespace)
            if value is not None and not source.rstrip().endswith(";"):
                self._result(value)

    def _filename(self) -> str:
        return f"<cell {self.count}>"

    def _result(self, value: object) -> None:
        from matplotlib.figure import Figure

        data: dict[str, str] = {"text/plain": _plain(value)}
        if isinstance(value, Figure):
            data["image/png"] = _png(value)
            if value in [self._pyplot.figure(n) for n in self._pyplot.get_fignums()]:
                self._pyplot.close(value)  # shown once, as the result
        elif callable(getattr(value, "_repr_png_", None)):
            png = value._repr_png_()  # type: ignore[attr-defined]
            if png:  # None: the object has no picture to show after all
                data["image/png"] = base64.b64encode(png).decode("ascii") + "\n"
        self.outputs.append({"output_type": "execute_result", "execution_count": self.count, "data": data, "metadata": {}})

    def _show(self) -> None:
        """Every open pyplot figure as a PNG output, then closed (what the inline backend does at show() and at a cell's end)."""
        for number in self._pyplot.get_fignums():
            figure = self._pyplot.figure(number)
            self.outputs.append({"output_type": "display_data", "data": {"image/png": _png(figure), "text/plain": _plain(figure)}, "metadata": {}})
        self._pyplot.close("all")


def _png(figure: object) -> str:
    """The figure as base64 PNG: on white, in 256 colours, without metadata.

    On white because a notebook viewer's theme is unknown (a transparent
    figure's dark text would vanish on a dark one); 256 colours, undithered,
    because line plots need no more and the file shrinks about 2.5 times;
    no metadata (matplotlib's "Software", any time), so the same figure
    always gives the same bytes.
    """
    from PIL import Image

    drawn = io.BytesIO()
    figure.savefig(drawn, format="png", dpi=PNG_DPI, bbox_inches="tight", metadata={"Software": None})  # type: ignore[attr-defined]
    with Image.open(io.BytesIO(drawn.getvalue())) as image:
        rgba = image.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    small = flat.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    saved = io.BytesIO()
    small.save(saved, format="PNG", optimize=True)
    return base64.b64encode(saved.getvalue()).decode("ascii") + "\n"


def _plain(value: object) -> str:
    return _ADDRESS.sub("", repr(value))


def run_notebook(notebook: dict, folder: Path) -> dict:
    """Run ``notebook``'s code cells in ``folder``; the result described in the module docs."""
    runner = Runner(folder)
    cells = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            runner.run(source)
        except BaseException as error:  # noqa: BLE001 (a cell's SystemExit is an error too)
            return {"error": {"cell": runner.count, "source": source, "traceback": _own_frames(error)}}
        cells.append({"outputs": runner.outputs, "execution_count": runner.count})
    return {"cells": cells}


def _own_frames(error: BaseException) -> str:
    """The traceback from the cell down: the runner's own frames are noise to an author."""
    frames = traceback.extract_tb(error.__traceback__)
    start = next((i for i, frame in enumerate(frames) if frame.filename.startswith("<cell ")), 0)
    lines = traceback.format_list(frames[start:]) + traceback.format_exception_only(type(error), error)
    return "".join(lines)


def main(argv: list[str]) -> int:
    notebook_path, result_path = Path(argv[0]), Path(argv[1])
    if len(argv) > 2:
        from site_builder.parent_watch import exit_with_parent

        exit_with_parent(int(argv[2]))  # a build that is killed takes its notebook runs with it
    sys.path.insert(0, os.getcwd())  # modules the notebook writes are imported from its folder, as in Jupyter
    result = run_notebook(json.loads(notebook_path.read_text(encoding="utf-8")), Path.cwd())
    result_path.write_text(json.dumps(result, sort_keys=True), encoding="utf-8")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
