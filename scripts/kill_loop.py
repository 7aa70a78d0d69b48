"""Builds killed with SIGKILL at random moments, each followed by a normal build that must succeed.

    python scripts/kill_loop.py            # 20 killed builds (about two minutes on two cores)
    python scripts/kill_loop.py --kills 5 --seed 3

A small project with three figures is built once for reference. Then, for
each round, a build with ``--force`` (so its experiment workers run) is killed
with SIGKILL, as the out-of-memory killer does, after a random delay between
zero and the reference build's duration; the script waits until no process of
that build is left, then runs a normal build and checks that it exits 0, that
its output is byte for byte the reference site, and that nothing of the killed
builds is left beside it. It exits 1 on the first failure and says which.
Linux only: processes are found through /proc. ``tests/test_safety.py`` runs
a few rounds.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARTICLE = """\
---
title: Killed builds
date: 2026-01-02
figures:
  relu.png: {kind: activation, activation: relu}
  fit.gif: {kind: training, target: "x**2", hidden: [4], steps: 60, frames: 12, seed: 1}
  still.png: {kind: training, target: "abs(x)", hidden: [3], steps: 80, seed: 2}
---
A formula, $w,b \\in \\mathbb{R}$, and three figures.

![ReLU](relu.png)

![A fit](fit.gif)

![A still](still.png)
"""
GONE_WITHIN = 30.0  # seconds a killed build's processes may take to disappear


def make_project(folder: Path) -> Path:
    (folder / "content" / "killed").mkdir(parents=True)
    (folder / "site.toml").write_text('title = "Kill loop"\n', encoding="utf-8")
    (folder / "content" / "killed" / "index.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def build_command(root: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", "build", "--root", str(root), "--out", str(out), *extra]


def processes_of(root: Path) -> list[int]:
    """Pids of every process whose command line names ``root`` (a build's workers share its command line)."""
    found = []
    needle = str(root).encode()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                if needle in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # it ended meanwhile
    return found


def wait_until_gone(root: Path) -> list[int]:
    """Wait for every process of ``root`` to end; return those still there after GONE_WITHIN seconds."""
    deadline = time.monotonic() + GONE_WITHIN
    while processes_of(root) and time.monotonic() < deadline:
        time.sleep(0.1)
    return processes_of(root)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(kills: int, seed: int, folder: Path, log=print) -> list[str]:
    """Run the loop in ``folder``; return the failures (empty when every round passed)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767312000"}  # the same bytes in every build
    root, out = make_project(folder / "project"), folder / "_site"
    started = time.monotonic()
    subprocess.run(build_command(root, out), env=env, check=True, capture_output=True)
    duration = time.monotonic() - started
    reference = tree(out)
    log(f"reference build: {len(reference)} files in {duration:.1f} s")
    chooser = random.Random(seed)
    for round_number in range(1, kills + 1):
        delay = chooser.uniform(0, duration)
        build = subprocess.Popen(build_command(root, out, "--force"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        build.send_signal(signal.SIGKILL)
        build.wait()
        left = wait_until_gone(root)
        if left:
            for pid in left:
                os.kill(pid, signal.SIGKILL)  # ours: do not leave them running after the report
            return [f"round {round_number}: processes {left} of the killed build were still running {GONE_WITHIN:.0f} s after the kill"]
        normal = subprocess.run(build_command(root, out), env=env, capture_output=True, text=True)
        if normal.returncode != 0:
            return [f"round {round_number}: the build after the kill exited {normal.returncode}:\n{normal.stderr}"]
        if tree(out) != reference:
            return [f"round {round_number}: the build after the kill wrote a site that differs from the reference"]
        beside = sorted(p.name for p in out.parent.iterdir() if p.name not in ("project", "_site"))
        if beside:
            return [f"round {round_number}: left beside the output: {beside}"]
        if processes_of(root):
            return [f"round {round_number}: the normal build left processes {processes_of(root)}"]
        log(f"round {round_number}: killed after {delay:.2f} s; the next build succeeded and wrote the whole site")
    return []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20, help="builds to kill (default: 20)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random kill moments (default: 0)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kill-loop-") as folder:
        failures = run(args.kills, args.seed, Path(folder))
    for failure in failures:
        print(f"FAILED {failure}", file=sys.stderr)
    if not failures:
        print(f"{args.kills} killed builds; every following build succeeded, no process was left, the site was whole each time")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
