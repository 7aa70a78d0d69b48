"""Notebooks published with their outputs: each is run once at build time and kept, like figures, in the cache.

A notebook reads well before anyone runs it only if its outputs are saved in
the file. Its code cells need only the declarations and the author's code, not
the experiments' results (those go into its text), so :func:`start_notebooks`
queues every article's notebook as the build begins, each to run in a child
process (:mod:`site_builder.render.notebook_kernel`: a fresh interpreter, in a
fresh temporary folder, with matplotlib's Agg backend) beside the experiments;
:meth:`PendingNotebooks.finish` then waits for them and puts the outputs into
the published ``.ipynb``, whose text by then quotes the runs.

While the experiments run, the kernels run one after another
(:data:`MAX_KERNELS`), started by a thread as each one ends: a kernel holds
numpy, matplotlib and its figures' runs (60 to 130 MB), the experiments
already use every core, and a site of fifty articles must not start fifty
interpreters at once. Once the experiments' workers are gone,
:meth:`PendingNotebooks.widen` lets one kernel run per core.

What decides the outputs, and so the cache key: the code cells, the files a
run needs beside the notebook, the runner's source, the source of the figure
code a cell may import (``site_builder.lab`` and what it uses) and the versions
of Python, numpy and matplotlib. Editing the article's words changes the text
cells only and runs nothing. An entry holds the code it ran and each cell's
outputs, sealed with the cache key (:mod:`site_builder.cache_seal`); a hit is
verified before it is served: the seal must hold and the code it ran must be
exactly this notebook's code. Anything else is run again and overwritten.

Layout::

    .site-cache/notebooks/<key>.json
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.experiments.cache import figure_code_hashes, library_versions
from site_builder.problems import BuildFailed, Problem
from site_builder.render import notebook_kernel
from site_builder.render.notebook import NotebookSource

SEAL_KIND = "notebooks"
TIMEOUT = 600  # seconds a notebook may run before the build stops it and says so
MAX_KERNELS = 1  # notebooks running at once (see the module docs)
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


def code_cells(source: bytes) -> tuple[str, ...]:
    """The text of a notebook's code cells, in order: all that decides what a run of it shows."""
    return tuple("".join(cell["source"]) for cell in json.loads(source)["cells"] if cell["cell_type"] == "code")


def notebook_inputs(notebook: NotebookSource, kernel: Mapping[str, object] | None = None) -> dict[str, object]:
    """Everything that decides a notebook's outputs, as JSON-ready data; ``kernel`` is :func:`kernel_inputs`, if known."""
    return {
        "cells": _sha256(json.dumps(code_cells(notebook.source)).encode("utf-8")),
        "beside": {path: _sha256(data) for path, data in sorted(notebook.beside.items())},
        **(kernel_inputs() if kernel is None else kernel),
    }


def kernel_inputs() -> dict[str, object]:
    """What every notebook's run shares: the runner, the code ``from site_builder import lab`` runs, the libraries."""
    return {
        "runner": _sha256(RUNNER.read_bytes()),
        "code": figure_code_hashes(),
        "versions": {**library_versions(("numpy", "matplotlib", "pillow", "site-builder")), "python": platform.python_version()},
    }


def cache_key(inputs: Mapping[str, object]) -> str:
    return _sha256(json.dumps(inputs, sort_keys=True).encode("utf-8"))


Outputs = list[dict[str, object]]  # per code cell: {"outputs": [...], "execution_count": N}


@dataclass(frozen=True)
class NotebookCache:
    """Each run's outputs by cache key, sealed, under ``folder``."""

    folder: Path

    def load(self, key: str, code: tuple[str, ...]) -> Outputs | None:
        """The outputs stored under ``key``, if the entry passes its seal and ran exactly ``code``; else ``None``."""
        data = read_sealed(self.folder / f"{key}.json", SEAL_KIND, name=key)
        if data is None:
            return None
        try:
            entry = json.loads(data)
            cells = entry["cells"]
            good = tuple(entry["code"]) == code and len(cells) == len(code) and all(
                isinstance(c["outputs"], list) and isinstance(c["execution_count"], int) for c in cells)
        except (ValueError, KeyError, TypeError):
            return None
        return cells if good else None

    def store(self, key: str, code: tuple[str, ...], cells: Outputs) -> None:
        write_sealed(self.folder / f"{key}.json", SEAL_KIND, json.dumps({"code": code, "cells": cells}, sort_keys=True).encode("utf-8"), name=key)


@dataclass
class _Run:
    """One notebook's run: its outputs from the cache, or a child process queued, at work or done."""

    code: tuple[str, ...]
    key: str
    cells: Outputs | None = None
    folder: tempfile.TemporaryDirectory[str] | None = None  # the run's files: source, work folder, result, stderr
    process: subprocess.Popen[bytes] | None = None
    ended: threading.Event = field(default_factory=threading.Event)  # the process exited, was stopped, or never started
    timed_out: bool = False
    cancelled: bool = False


@dataclass
class PendingNotebooks:
    """Notebooks being run beside the build; :meth:`finish` collects them, :meth:`cancel` stops them."""

    cache: NotebookCache
    timeout: float = TIMEOUT
    runs: dict[str, _Run] = field(default_factory=dict)
    _queue: list[_Run] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _launchers: int = 0
    _allowed: int = MAX_KERNELS
    _kernel: dict[str, object] = field(default_factory=kernel_inputs)  # read once, not per notebook

    def finish(self, published: Mapping[str, NotebookSource], on_done: Callable[[], None] | None = None,
               written: Callable[[bytes, Outputs], bytes] | None = None) -> NotebookRuns:
        """``published`` (the notebooks with their final text) with the outputs of their runs.

        A notebook whose code differs from what was started (it was not
        started, say) is run now. ``written`` writes the outputs into a notebook
        (:func:`with_outputs`, or a memo of it). Raises :class:`BuildFailed` naming
        each notebook that failed, its article and the cell.
        """
        problems: list[Problem] = []
        for path, notebook in published.items():
            code = code_cells(notebook.source)
            if path not in self.runs or self.runs[path].code != code:
                self._cancel(path)
                self.runs[path] = self._start(notebook)
        files, ran = {}, []
        for path, notebook in published.items():
            run = self.runs[path]
            if run.cells is None:
                ran.append(path)
                try:
                    run.cells = self._collect(path, notebook, run)
                except BuildFailed as failure:
                    problems.extend(failure.problems)
                    continue
                self.cache.store(run.key, run.code, run.cells)
            files[path] = (written or with_outputs)(notebook.source, run.cells)
            _done(on_done)
        if problems:
            raise BuildFailed(problems)
        return NotebookRuns(files, tuple(ran))

    def cancel(self) -> None:
        """Stop every run still queued or going (the build failed before it needed them)."""
        for path in list(self.runs):
            self._cancel(path)

    def start(self, notebooks: Mapping[str, NotebookSource], force: bool = False) -> PendingNotebooks:
        for path, notebook in notebooks.items():
            self.runs[path] = self._start(notebook, force)
        return self

    def _start(self, notebook: NotebookSource, force: bool = False) -> _Run:
        """The notebook's run: from the cache, or queued for a kernel (see :meth:`_launch`)."""
        code = code_cells(notebook.source)
        key = cache_key(notebook_inputs(notebook, self._kernel))
        cached = None if force else self.cache.load(key, code)
        if cached is not None:
            return _Run(code, key, cached)
        folder = tempfile.TemporaryDirectory(prefix="site-builder-notebook-")
        work = Path(folder.name) / "run"
        work.mkdir()
        for name, data in notebook.beside.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(data)
        (Path(folder.name) / "source.ipynb").write_bytes(notebook.source)
        run = _Run(code, key, None, folder)
        with self._lock:
            self._queue.append(run)
            self._add_launchers()
        return run

    def widen(self, kernels: int) -> None:
        """From now on let ``kernels`` notebooks run at once (the experiments are done and their workers gone)."""
        with self._lock:
            self._allowed = max(self._allowed, kernels)
            self._add_launchers()

    def _add_launchers(self) -> None:
        """Start launcher threads up to the kernels allowed while runs wait; call with the lock held.

        A launcher that finds the queue empty ends, so one too many costs nothing.
        """
        for _ in range(min(self._allowed - self._launchers, len(self._queue))):
            self._launchers += 1
            threading.Thread(target=self._launch, name="notebook-kernels", daemon=True).start()

    def _launch(self) -> None:
        """Run queued notebooks one at a time until the queue is empty, each stopped at :attr:`timeout`."""
        while True:
            with self._lock:
                if not self._queue:
                    self._launchers -= 1
                    return
                run = self._queue.pop(0)
                if run.cancelled:
                    continue
                run.process = _kernel(Path(run.folder.name))  # type: ignore[union-attr]
            try:
                run.process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                run.timed_out = True
                run.process.kill()
                run.process.wait()
            run.ended.set()

    def _collect(self, path: str, notebook: NotebookSource, run: _Run) -> Outputs:
        assert run.folder is not None
        run.ended.wait()
        folder = Path(run.folder.name)
        try:
            if run.timed_out:
                raise BuildFailed([Problem(notebook.article, None, f"its notebook {path} ran for more than {self.timeout:.0f} s and was stopped; "
                                                                   "make its figures' runs shorter (fewer steps)")])
            try:
                outcome = json.loads((folder / "result.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                lines = (folder / "stderr.txt").read_bytes().decode("utf-8", "replace").strip().splitlines() if (folder / "stderr.txt").exists() else []
                exit_status = run.process.returncode if run.process else None
                raise BuildFailed([Problem(notebook.article, None, f"its notebook {path} could not be run (exit status {exit_status}): "
                                                                   f"{lines[-1] if lines else 'no message'}")]) from None
        finally:
            run.folder.cleanup()
        if "error" in outcome:
            raise BuildFailed([_cell_problem(notebook, path, outcome["error"])])
        return outcome["cells"]

    def _cancel(self, path: str) -> None:
        run = self.runs.get(path)
        if run is None or run.cells is not None:
            return
        with self._lock:
            run.cancelled = True
            if run.process is None:
                run.ended.set()  # never to start: the launcher skips it
            elif run.process.poll() is None:
                run.process.kill()
        run.ended.wait()
        if run.folder is not None:
            run.folder.cleanup()
        del self.runs[path]


def _kernel(folder: Path) -> subprocess.Popen[bytes]:
    """Start the kernel on ``folder``'s ``source.ipynb``, in ``folder/run``, writing ``result.json`` and ``stderr.txt`` beside it."""
    environment = {**os.environ, **_ENVIRONMENT, "PYTHONPATH": os.pathsep.join(filter(None, [str(_PACKAGE_PARENT), os.environ.get("PYTHONPATH", "")]))}
    with open(folder / "stderr.txt", "wb") as stderr:  # a file, not a pipe: nobody reads while it runs, and a full pipe would stall it
        return subprocess.Popen(
            [sys.executable, "-m", "site_builder.render.notebook_kernel", str(folder / "source.ipynb"), str(folder / "result.json"), str(os.getpid())],
            cwd=folder / "run", env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
        )


def start_notebooks(notebooks: Mapping[str, NotebookSource], cache: NotebookCache, *, force: bool = False, timeout: float = TIMEOUT) -> PendingNotebooks:
    """Start running every notebook that the cache cannot answer for (all of them with ``force``), each in its own process."""
    return PendingNotebooks(cache, timeout).start(notebooks, force)


def run_notebooks(notebooks: Mapping[str, NotebookSource], cache: NotebookCache, *, force: bool = False, on_done: Callable[[], None] | None = None) -> NotebookRuns:
    """Every notebook with its outputs, from the cache where a verified entry exists, else run now (in parallel)."""
    pending = start_notebooks(notebooks, cache, force=force)
    try:
        return pending.finish(notebooks, on_done)
    finally:
        pending.cancel()


def _done(on_done: Callable[[], None] | None) -> None:
    if on_done is not None:
        on_done()


def execute_notebook(notebook: NotebookSource, path: str = "notebook.ipynb", timeout: float = TIMEOUT) -> bytes:
    """``notebook`` run top to bottom in a fresh interpreter and folder: the .ipynb bytes with every output.

    Nothing is cached. Raises :class:`BuildFailed` if a cell raises or the run takes longer than ``timeout`` seconds.
    """
    pending = PendingNotebooks(NotebookCache(Path(tempfile.gettempdir()) / "unused"), timeout)
    run = pending._start(notebook, force=True)
    pending.runs[path] = run
    try:
        return with_outputs(notebook.source, pending._collect(path, notebook, run))
    finally:
        pending.cancel()


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
