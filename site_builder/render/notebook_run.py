"""Notebooks published with their outputs: each is run once at build time and kept, like figures, in the cache.

A notebook reads well before anyone runs it only if its outputs are saved in
the file. :func:`run_notebooks` runs every article's notebook in a child
process (:mod:`site_builder.render.notebook_kernel`: a fresh interpreter, in
a fresh temporary folder, with matplotlib's Agg backend) and puts the outputs
into the published ``.ipynb``.

Its *inputs* are the notebook's own bytes, the files a run needs beside it,
the runner's source, the source of the figure code a cell may import
(``site_builder.lab`` and what it uses) and the versions of Python, numpy and
matplotlib; the cache key is a hash of all of them. An entry is the executed
notebook, sealed with the cache key (:mod:`site_builder.cache_seal`), and a hit
is verified before it is served: the seal must hold and, with its outputs
taken away, the entry must be exactly the notebook it claims to be the run
of. Anything else is run again and overwritten.

Layout::

    .site-cache/notebooks/<key>.ipynb
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.experiments.cache import figure_code_hashes, library_versions
from site_builder.problems import BuildFailed, Problem
from site_builder.render import notebook_kernel
from site_builder.render.notebook import NotebookSource

SEAL_KIND = "notebooks"
TIMEOUT = 600  # seconds a notebook may run before the build stops it and says so
RUNNER = Path(notebook_kernel.__file__)
_PACKAGE_PARENT = Path(__file__).resolve().parents[2]  # the folder holding site_builder/, for the child's import path
# Fixed for every run, so a set's order or a BLAS thread count cannot change what a cell prints.
_ENVIRONMENT = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                "PYTHONDONTWRITEBYTECODE": "1"}


@dataclass(frozen=True)
class NotebookRuns:
    """The published notebooks, and which of them ran in this build (the rest came from the cache)."""

    files: dict[str, bytes]  # output path -> the executed .ipynb
    ran: tuple[str, ...]


def notebook_inputs(notebook: NotebookSource) -> dict[str, object]:
    """Everything that decides a notebook's outputs, as JSON-ready data."""
    return {
        "notebook": _sha256(notebook.source),
        "beside": {path: _sha256(data) for path, data in sorted(notebook.beside.items())},
        "runner": _sha256(RUNNER.read_bytes()),
        "code": figure_code_hashes(),  # what `from site_builder import lab` runs
        "versions": {**library_versions(("numpy", "matplotlib", "site-builder")), "python": platform.python_version()},
    }


def cache_key(inputs: Mapping[str, object]) -> str:
    return _sha256(json.dumps(inputs, sort_keys=True).encode("utf-8"))


@dataclass(frozen=True)
class NotebookCache:
    """Executed notebooks by cache key, sealed, under ``folder``."""

    folder: Path

    def load(self, key: str, notebook: NotebookSource) -> bytes | None:
        """The executed notebook stored under ``key``, if it passes its seal and is a run of ``notebook``; else ``None``."""
        data = read_sealed(self.folder / f"{key}.ipynb", SEAL_KIND, name=key)
        return data if data is not None and is_run_of(data, notebook.source) else None

    def store(self, key: str, data: bytes) -> None:
        write_sealed(self.folder / f"{key}.ipynb", SEAL_KIND, data, name=key)


def is_run_of(executed: bytes, source: bytes) -> bool:
    """Whether ``executed`` is ``source`` with outputs: the same cells, ids, text and metadata, and nothing else changed."""
    try:
        document = json.loads(executed)
        for cell in document["cells"]:
            if cell["cell_type"] == "code":
                if not isinstance(cell["outputs"], list) or not isinstance(cell["execution_count"], int):
                    return False
                cell["outputs"], cell["execution_count"] = [], None
    except (ValueError, KeyError, TypeError):
        return False
    return document == json.loads(source)


def run_notebooks(notebooks: Mapping[str, NotebookSource], cache: NotebookCache, *, force: bool = False,
                  on_done: object = None) -> NotebookRuns:
    """Every notebook with its outputs, from the cache where a verified entry exists, else run now (in parallel).

    Raises :class:`BuildFailed` naming each notebook that failed, its article and the cell.
    """
    files: dict[str, bytes] = {}
    keys = {path: cache_key(notebook_inputs(notebook)) for path, notebook in notebooks.items()}
    missing = []
    for path, notebook in notebooks.items():
        cached = None if force else cache.load(keys[path], notebook)
        if cached is None:
            missing.append(path)
        else:
            files[path] = cached
            _done(on_done)
    problems: list[Problem] = []
    workers = max(1, min(len(missing), os.cpu_count() or 1))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        runs = {path: pool.submit(execute_notebook, notebooks[path], path) for path in missing}
        for path, future in runs.items():
            try:
                files[path] = future.result()
            except BuildFailed as failure:
                problems.extend(failure.problems)
                continue
            cache.store(keys[path], files[path])
            _done(on_done)
    if problems:
        raise BuildFailed(problems)
    return NotebookRuns({path: files[path] for path in notebooks}, tuple(missing))


def _done(on_done: object) -> None:
    if callable(on_done):
        on_done()


def execute_notebook(notebook: NotebookSource, path: str = "notebook.ipynb", timeout: float = TIMEOUT) -> bytes:
    """``notebook`` run top to bottom in a fresh interpreter and folder: the .ipynb bytes with every output.

    Raises :class:`BuildFailed` if a cell raises or the run takes longer than ``timeout`` seconds.
    """
    with tempfile.TemporaryDirectory(prefix="site-builder-notebook-") as folder:
        work = Path(folder) / "run"
        work.mkdir()
        for name, data in notebook.beside.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(data)
        source, result = Path(folder) / "source.ipynb", Path(folder) / "result.json"
        source.write_bytes(notebook.source)
        environment = {**os.environ, **_ENVIRONMENT, "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_PARENT), os.environ.get("PYTHONPATH", "")]))}
        try:
            finished = subprocess.run([sys.executable, "-m", "site_builder.render.notebook_kernel", str(source), str(result)], cwd=work,
                                      env=environment, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BuildFailed([Problem(notebook.article, None, f"its notebook {path} ran for more than {timeout:.0f} s and was stopped; "
                                                               "make its figures' runs shorter (fewer steps)")]) from None
        try:
            outcome = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            stderr = finished.stderr.decode("utf-8", "replace").strip().splitlines()
            raise BuildFailed([Problem(notebook.article, None, f"its notebook {path} could not be run (exit status {finished.returncode}): "
                                                               f"{stderr[-1] if stderr else 'no message'}")]) from None
    if "error" in outcome:
        raise BuildFailed([_cell_problem(notebook, path, outcome["error"])])
    return with_outputs(notebook.source, outcome["cells"])


def _cell_problem(notebook: NotebookSource, path: str, error: Mapping[str, object]) -> Problem:
    first = str(error["source"]).strip().splitlines()[0] if str(error["source"]).strip() else ""
    traceback = str(error["traceback"]).rstrip()
    return Problem(notebook.article, None, f"its notebook {path} fails at code cell {error['cell']} ({first!r}):\n{traceback}\n"
                                           "A cell that runs the article's own code (a python figure) is yours to fix; any other is a bug in site_builder.")


def with_outputs(source: bytes, cells: list[Mapping[str, object]]) -> bytes:
    """The notebook ``source`` with each code cell's outputs and execution count, written as the generator writes it."""
    document = json.loads(source)
    code = [cell for cell in document["cells"] if cell["cell_type"] == "code"]
    assert len(code) == len(cells), "one result per code cell"
    for cell, result in zip(code, cells):
        cell["execution_count"] = result["execution_count"]
        cell["outputs"] = [_as_nbformat(output) for output in result["outputs"]]  # type: ignore[attr-defined]
    return (json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _as_nbformat(output: Mapping[str, object]) -> dict[str, object]:
    """Multi-line text as lists of lines, as Jupyter writes it (a PNG stays one base64 string)."""
    finished = dict(output)
    if "text" in finished:
        finished["text"] = _lines(str(finished["text"]))
    if isinstance(finished.get("data"), Mapping):
        finished["data"] = {kind: value if kind.startswith("image/") else _lines(str(value)) for kind, value in finished["data"].items()}  # type: ignore[union-attr]
    return finished


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
