"""Running an author's ``function(params, rng)``: in a process of its own, on a private copy of its files.

:func:`make_custom_figure` is what the experiment runner submits, to the
local pool or to Dask, like :func:`~site_builder.experiments.runner.make_figure`
for the built-in kinds. For each figure it

1. writes the figure's files (:class:`~.sources.CustomSources`: the script, the
   project modules it imports, the declared inputs, at their project paths)
   into a fresh temporary folder, the run's own copy of the project;
2. starts a child process (forked from the worker where that is safe, so
   numpy and matplotlib are already loaded; a fresh Python otherwise, as on a
   threaded Dask worker) that changes to
   that folder, puts the script's folder and ``experiments/`` on the import
   path, imports the script, calls the function inside the site's matplotlib
   settings, and turns what it returned into files (:mod:`.results`);
3. waits at most the figure's ``timeout``, then stops the child.

Because the copy holds only what decides the cache key, a read of any other
project file fails, and an audit hook in the child records it, so the build
can say which file to declare. A fresh process per figure also means that one
figure's imports, global state or crash cannot touch another's. Bytecode is
never written, so running a figure leaves no ``__pycache__`` in ``content/``.

Failures come back as :class:`CustomFigureFailed`: positioned problems that
point at the author's own lines (``content/a/grads.py:12: ValueError: ...``)
with a traceback of the author's frames only.
"""

from __future__ import annotations

import json
import os
import pickle
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import numpy as np

from site_builder.experiments.custom.sources import EXPERIMENTS_DIR, CustomSources
from site_builder.experiments.specs import PythonSpec
from site_builder.parent_watch import exit_with_parent

TRACEBACK_FRAMES = 6  # the author's innermost frames shown with an error


@dataclass(frozen=True)
class CustomJob:
    """Everything a run needs, picklable: it may travel to another machine (Dask)."""

    spec: PythonSpec
    sources: CustomSources
    project: str  # the real project folder, to tell reads that bypass the copy


@dataclass(frozen=True)
class AuthorProblem:
    """A problem with a custom figure: where (relative to the project) and what.

    ``path`` is ``None`` when the fix belongs in the figure's declaration (its
    ``inputs`` or ``timeout``): the runner points at the declaration's line.
    """

    path: str | None
    line: int | None
    message: str


class CustomFigureFailed(Exception):
    """The author's code failed, returned the wrong thing, ran too long or read undeclared files."""

    def __init__(self, problems: tuple[AuthorProblem, ...]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = tuple(problems)

    def __reduce__(self) -> tuple[type, tuple[tuple[AuthorProblem, ...]]]:
        return type(self), (self.problems,)  # survives a process pool's pickling


def make_custom_figure(job: CustomJob) -> dict[str, bytes]:
    """The files of the custom figure ``job`` describes; raises :class:`CustomFigureFailed`."""
    sandbox = Path(tempfile.mkdtemp(prefix="site-builder-figure-"))
    try:
        _materialise(job.sources, sandbox)
        outcome = _run_isolated(job, sandbox)
    finally:
        shutil.rmtree(sandbox, ignore_errors=True)
    problems = list(outcome.problems) + _undeclared_reads(job, outcome)
    if problems:
        raise CustomFigureFailed(tuple(problems))
    return outcome.files


def _materialise(sources: CustomSources, sandbox: Path) -> None:
    for relative, data in [*sources.code.items(), *sources.inputs.items()]:
        path = sandbox / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (sandbox / EXPERIMENTS_DIR).mkdir(exist_ok=True)


@dataclass(frozen=True)
class _Outcome:
    files: dict[str, bytes] = field(default_factory=dict)
    problems: tuple[AuthorProblem, ...] = ()
    missing: tuple[str, ...] = ()  # project paths the code tried to open that the copy lacks
    direct: tuple[str, ...] = ()  # project paths the code opened in the real project, past the copy


def _run_isolated(job: CustomJob, sandbox: Path) -> _Outcome:
    """Run the figure in a child process, waiting at most ``job.spec.timeout`` seconds."""
    if _can_fork():
        return _run_forked(job, sandbox)
    return _run_spawned(job, sandbox)


def _can_fork() -> bool:
    """Fork (the worker's numpy and matplotlib come along) only from a single-threaded process.

    A pool worker is one; a Dask worker, with its threads, is not: forking it
    could copy a lock another thread holds. It starts a fresh Python instead.
    """
    return hasattr(os, "fork") and threading.active_count() == 1


def _run_forked(job: CustomJob, sandbox: Path) -> _Outcome:
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the worker's code
        os.close(read_end)
        code = 0
        try:
            with os.fdopen(write_end, "wb") as channel:
                pickle.dump(_child_outcome(job, sandbox, parent), channel)
        except BaseException:  # noqa: BLE001 - nothing may escape a forked child
            code = 70
        os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as channel:
        data = _read_within(channel, job.spec.timeout)
    if data is None:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return _outcome_of(job, data, -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))


def _run_spawned(job: CustomJob, sandbox: Path) -> _Outcome:
    command = [sys.executable, "-c", "from site_builder.experiments.custom.run import spawned_child; spawned_child()"]
    child = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        data, _ = child.communicate(pickle.dumps((job, str(sandbox), os.getpid())), timeout=job.spec.timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        data = None
    return _outcome_of(job, data, child.returncode)


def _read_within(channel: object, timeout: float) -> bytes | None:
    """Everything the child writes until it closes its end, or ``None`` if that takes longer than ``timeout``."""
    deadline = time.monotonic() + timeout
    chunks = []
    fd = channel.fileno()  # type: ignore[attr-defined]
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _outcome_of(job: CustomJob, data: bytes | None, exit_code: int | None) -> _Outcome:
    if data is None:
        message = (
            f"{job.spec.function}() ran for more than its timeout of {job.spec.timeout:g} s and was stopped; "
            "make it faster, or give the figure more time with timeout: SECONDS"
        )
        return _Outcome(problems=(AuthorProblem(None, None, message),))
    try:
        outcome = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a child that died half-way wrote half a message, or none
        outcome = None
    if not isinstance(outcome, _Outcome):
        return _Outcome(problems=(AuthorProblem(job.spec.script, None, _death_message(job, exit_code)),))
    return outcome


def _death_message(job: CustomJob, code: int | None) -> str:
    if code is not None and code < 0:
        try:
            how = f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            how = f"was killed by signal {-code}"
    else:
        how = f"exited with status {code}"
    return f"the process running {job.spec.function}() {how} before it returned (out of memory, or os._exit?)"


# --- in the child ---------------------------------------------------------------------------


def spawned_child() -> None:
    """A spawned child's entry point: the job on stdin, the outcome on stdout."""
    job, sandbox, parent = pickle.load(sys.stdin.buffer)
    with os.fdopen(os.dup(sys.stdout.fileno()), "wb") as answer:  # kept before the author's prints move to stderr
        answer.write(pickle.dumps(_child_outcome(job, Path(sandbox), parent)))


def _child_outcome(job: CustomJob, sandbox: Path, parent: int) -> _Outcome:
    """The child's whole work: run the figure and say how it went, with the reads it made."""
    exit_with_parent(parent)  # a worker killed mid-figure takes its figure's process with it
    sys.dont_write_bytecode = True
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the author's print() is a diagnostic: stderr, never the build's stdout
    watch = _ReadWatch(sandbox, Path(job.project))
    sys.addaudithook(watch)
    try:
        outcome = _Outcome(files=_draw(job, sandbox))
    except _AuthorError as error:
        outcome = _Outcome(problems=(error.problem,))
    except BaseException as error:  # noqa: BLE001 - anything the author's code raises is the author's to see
        outcome = _Outcome(problems=(_problem_from(error, job, sandbox),))
    return _Outcome(outcome.files, outcome.problems, tuple(sorted(watch.missing)), tuple(sorted(watch.direct)))


class _AuthorError(Exception):
    def __init__(self, problem: AuthorProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _draw(job: CustomJob, sandbox: Path) -> dict[str, bytes]:
    # Drawing imports matplotlib (0.5-0.8 s): only the process that draws pays for it, never a build with nothing to run.
    from site_builder.experiments.custom.results import WrongResult, figure_files
    from site_builder.experiments.figures import style

    import matplotlib

    matplotlib.use("agg", force=True)  # pyplot, if the author uses it, must never open a window
    os.chdir(sandbox)
    script = sandbox / job.sources.script
    sys.path[:0] = [str(script.parent), str(sandbox / EXPERIMENTS_DIR)]
    spec = job.spec
    with style.figure_context():
        module = _import_script(script)
        function = getattr(module, spec.function, None)
        if not callable(function):
            where = f" (it is {type(function).__name__})" if function is not None else ""
            raise _AuthorError(AuthorProblem(spec.script, None, f"has no function {spec.function}(params, rng){where}; define it, or name the one that draws the figure with function:"))
        result = function(_read_only(json.loads(spec.params)), np.random.default_rng(spec.seed))
        try:
            return figure_files(spec.name, result, spec.fps)
        except WrongResult as wrong:
            line = getattr(getattr(function, "__code__", None), "co_firstlineno", None)
            raise _AuthorError(AuthorProblem(spec.script, line, f"{spec.function}() {wrong}")) from None


def _import_script(script: Path) -> object:
    import importlib.util

    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[script.stem] = module  # as an import would: dataclasses and pickling look it up there
    spec.loader.exec_module(module)
    return module


def _read_only(value: object) -> object:
    """JSON data that the author's code cannot change: mappings become mapping proxies, lists tuples."""
    if isinstance(value, dict):
        return MappingProxyType({key: _read_only(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_read_only(item) for item in value)
    return value


_CODE_SUFFIXES = (".py", ".pyc", ".pyi", ".so", ".pyd")
_BUILDER_DIR = Path(__file__).resolve().parents[2]  # site_builder/


class _ReadWatch:
    """An audit hook: files opened for reading that the run's copy lacks, or that live in the real project.

    Modules that imports load (``.py``, compiled extensions) and the builder's
    own files are never data, wherever they live (in this repository, the
    project folder holds site_builder itself).
    """

    def __init__(self, sandbox: Path, project: Path) -> None:
        self.sandbox, self.project = sandbox.resolve(), project.resolve()
        self.missing: set[str] = set()
        self.direct: set[str] = set()
        self._busy = False

    def __call__(self, event: str, args: tuple) -> None:
        if event != "open" or self._busy or not args or isinstance(args[0], int):
            return
        mode = args[1] if len(args) > 1 else "r"
        flags = args[2] if len(args) > 2 and isinstance(args[2], int) else 0
        writing = any(flag in mode for flag in "wax+") if isinstance(mode, str) else bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writing:
            return  # writes land in the copy and are thrown away
        self._busy = True  # resolving paths may itself open nothing, but never recurse
        try:
            path = Path(os.fsdecode(args[0]))
            path = (Path(os.getcwd()) / path) if not path.is_absolute() else path
            resolved = Path(os.path.normpath(path))
            if resolved.suffix in _CODE_SUFFIXES or resolved.is_relative_to(_BUILDER_DIR):
                return
            if resolved.is_relative_to(self.sandbox):
                if not resolved.exists():
                    self.missing.add(resolved.relative_to(self.sandbox).as_posix())
            elif resolved.is_relative_to(self.project):
                self.direct.add(resolved.relative_to(self.project).as_posix())
        except (OSError, ValueError, TypeError):
            pass
        finally:
            self._busy = False


def _problem_from(error: BaseException, job: CustomJob, sandbox: Path) -> AuthorProblem:
    """An exception from the author's code as a problem at its innermost line of the author's own."""
    frames = [(Path(f.filename), f.lineno, f.name) for f in traceback.extract_tb(error.__traceback__)]
    if isinstance(error, SyntaxError) and error.filename:
        frames.append((Path(error.filename), error.lineno, "<module>"))
    own = [(_project_path(path, sandbox), line, name) for path, line, name in frames if _project_path(path, sandbox)]
    text = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    if not own:
        return AuthorProblem(job.spec.script, None, f"{job.spec.function}() failed: {text}")
    path, line, _ = own[-1]
    shown = own[-TRACEBACK_FRAMES:]
    trace = "".join(f"\n    {p}:{n} in {name}" for p, n, name in shown)
    return AuthorProblem(path, line, f"{text}\n  the traceback in your code, innermost last:{trace}")  # type: ignore[arg-type]


def _project_path(path: Path, sandbox: Path) -> str | None:
    """``path`` relative to the run's copy of the project, or ``None`` if it is not one of its files."""
    normal = Path(os.path.normpath(path))
    for top in (sandbox, sandbox.resolve()):
        if normal.is_relative_to(top):
            return normal.relative_to(top).as_posix()
    return None


def _undeclared_reads(job: CustomJob, outcome: _Outcome) -> list[AuthorProblem]:
    """Problems for project files the code read without declaring them (only files that exist in the project)."""
    project = Path(job.project)
    problems = []
    for path in outcome.missing:
        if (project / path).is_file():
            problems.append(AuthorProblem(None, None, f"{job.spec.script} reads {path}, which the figure does not declare; add it to the figure's inputs: [{path}] so that a change to it reruns the figure"))
    for path in outcome.direct:
        problems.append(AuthorProblem(None, None, f"{job.spec.script} reads {path} from the project folder by its full path; declare it under inputs: and open it as {path!r}, relative to the project"))
    return problems
