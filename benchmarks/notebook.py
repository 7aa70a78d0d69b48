"""What the published notebook costs: running it at build time, its size, and a cache hit.

    python benchmarks/notebook.py [--repeat N]

On the example project (read in place, nothing written to it): the flagship
article's notebook as the build makes it is run cold N times (a fresh child
interpreter each time, as a cold build does, though not beside the
experiments), then served from a warm cache N times. Prints medians with the
range, the size of the published .ipynb with and without its outputs, and the
time of each code cell in one in-process run (where the cost is).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from site_builder.load.content import load_content  # noqa: E402
from site_builder.render.notebook import article_notebooks, notebook_path  # noqa: E402
from site_builder.render.notebook_kernel import Runner  # noqa: E402
from site_builder.experiments.runner import figure_jobs, figure_sources  # noqa: E402
from site_builder.render.notebook_run import NotebookCache, run_notebooks  # noqa: E402

SLUG = "relu-guide"


def _timed(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s ({min(values):.2f}–{max(values):.2f}, n={len(values)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    articles = load_content(REPO).articles
    path = notebook_path(SLUG)
    notebooks = {path: article_notebooks(articles, "", figure_sources(figure_jobs(articles, REPO)))[path]}
    cold, warm = [], []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(args.repeat):
            seconds, runs = _timed(lambda: run_notebooks(notebooks, NotebookCache(Path(folder) / f"cold-{n}")))
            cold.append(seconds)
        published = runs.files[path]  # type: ignore[attr-defined]
        cache = NotebookCache(Path(folder) / "warm")
        run_notebooks(notebooks, cache)
        for _ in range(args.repeat):
            seconds, hit = _timed(lambda: run_notebooks(notebooks, cache))
            assert hit.ran == ()  # type: ignore[attr-defined]
            warm.append(seconds)
        work = Path(folder) / "cells"
        work.mkdir()
        sys.path.insert(0, str(work))
        import os

        os.chdir(work)
        runner = Runner(work)
        cells = []
        for cell in json.loads(notebooks[path].source)["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                seconds, _ = _timed(lambda: runner.run(source))
                cells.append((seconds, source.splitlines()[0]))
    print(f"run the flagship notebook, cold (child process): {_spread(cold)}")
    print(f"served from the cache (verified):                {_spread(warm)}")
    print(f"size: {len(published) / 1024:.0f} KB with outputs, {len(notebooks[path].source) / 1024:.0f} KB without")
    print("cells, in-process:")
    for seconds, first in cells:
        print(f"  {seconds:6.2f} s  {first[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
