"""The baseline for the classification and gradients figures: the same runs, drawn with plain pyplot.

``benchmarks/baseline.py`` trains with its own loop because a 1-D fit is a few
lines of numpy. A 2-D classifier with a train/test split and a 10-layer
gradient probe are not, and a baseline that trained differently would time
different arithmetic. So this one takes its numbers from site_builder's own
``run_classification`` and ``run_gradients`` (the spec parsed from the same
declaration) and times only what a typical script does after that: a pyplot
figure per frame, fully redrawn (``FuncAnimation`` + ``PillowWriter``, as
``baseline.py``), and a ``savefig`` still. Pixel sizes match what the site
delivers: animations 640×480, stills 1280×960.

    python benchmarks/baseline_kinds.py OUT_DIR NAME DECLARATION_JSON
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter

from site_builder.experiments.classification import run_classification
from site_builder.experiments.gradients import run_gradients
from site_builder.experiments.specs import ClassificationSpec, GradientsSpec, parse_figure

FIGSIZE = (6.4, 4.8)  # inches: 640×480 at 100 dpi
ANIMATION_DPI = 100
STILL_DPI = 200  # 1280×960


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Draw one classification or gradients figure with plain pyplot (benchmark baseline).")
    parser.add_argument("out", type=Path, help="folder to write the figure into")
    parser.add_argument("name", help="the figure's file name, e.g. regions.gif")
    parser.add_argument("declaration", help="its front-matter declaration, as JSON")
    args = parser.parse_args(argv)
    spec, issues = parse_figure(args.name, json.loads(args.declaration))
    if spec is None:
        print("\n".join(issue.message for issue in issues), file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / args.name
    if isinstance(spec, ClassificationSpec):
        animate_classifier(spec, path) if path.suffix == ".gif" else draw_classifier(spec, path)
    elif isinstance(spec, GradientsSpec):
        draw_gradients(spec, path)
    else:
        print(f"{args.name}: this baseline draws classification and gradients figures only", file=sys.stderr)
        return 2
    return 0


def animate_classifier(spec: ClassificationSpec, path: Path) -> None:
    """A GIF with one fully redrawn frame per snapshot: the regions as contourf, the points on top."""
    result = run_classification(spec)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    x0, x1, y0, y1 = result.extent

    def update(i: int) -> None:
        snapshot = result.snapshots[i]
        ax.clear()
        _regions(ax, result, snapshot)
        ax.set_title(f"{spec.name}   step {snapshot.step}   loss {snapshot.loss:.3f}   "
                     f"train {snapshot.train_accuracy:.0%}   test {snapshot.test_accuracy or 0:.0%}")
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)

    animation = FuncAnimation(fig, update, frames=len(result.snapshots))
    animation.save(path, writer=PillowWriter(fps=spec.fps), dpi=ANIMATION_DPI)
    plt.close(fig)


def draw_classifier(spec: ClassificationSpec, path: Path) -> None:
    result = run_classification(spec)
    fig, ax = plt.subplots(figsize=FIGSIZE)
    _regions(ax, result, result.snapshots[-1])
    fig.savefig(path, dpi=STILL_DPI)
    plt.close(fig)


def _regions(ax, result, snapshot) -> None:  # type: ignore[no-untyped-def]
    x0, x1, y0, y1 = result.extent
    size = snapshot.probabilities.shape[0]
    xs, ys = np.meshgrid(np.linspace(x0, x1, size), np.linspace(y0, y1, size))
    ax.contourf(xs, ys, snapshot.probabilities[:, :, -1], levels=20, cmap="RdBu", vmin=0, vmax=1)
    ax.scatter(result.train_x[:, 0], result.train_x[:, 1], c=result.train_y, cmap="RdBu", edgecolors="k", s=14)
    ax.scatter(result.test_x[:, 0], result.test_x[:, 1], c=result.test_y, cmap="RdBu", edgecolors="k", marker="s", s=10)


def draw_gradients(spec: GradientsSpec, path: Path) -> None:
    """Each hidden layer's gradient norm over training, one panel per activation, log scale."""
    runs = run_gradients(spec)
    fig, axes = plt.subplots(1, len(runs), figsize=FIGSIZE, sharey=True, squeeze=False)
    for ax, run in zip(axes[0], runs):
        steps = [s.step for s in run.snapshots]
        norms = np.array([s.norms for s in run.snapshots])  # (T, L)
        for layer in range(norms.shape[1]):
            ax.semilogy(steps, norms[:, layer], label=f"layer {layer + 1}")
        ax.set_title(run.activation)
        ax.set_xlabel("step")
        ax.grid(True)
    axes[0][0].set_ylabel("gradient norm")
    axes[0][-1].legend(fontsize=6)
    fig.savefig(path, dpi=STILL_DPI)
    plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
