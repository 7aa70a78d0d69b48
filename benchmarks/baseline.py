"""The baseline: the article's figures made the straightforward way, as a typical script would.

Reads the figure declarations from an article's YAML front matter, trains each
network with a small plain-numpy loop, and draws with ``pyplot``: activation
plots with ``savefig``, training animations with ``FuncAnimation`` +
``PillowWriter``, redrawing the whole figure for every frame. Figures are made
one after another in this process, as a script would.

It is a yardstick for ``benchmarks/run.py``, not part of site_builder, and it
imports nothing from it. Pixel sizes match what the site delivers, so file
sizes compare like with like: animations 640×480 (6.4 in × 100 dpi), stills
1280×960 (``--still-dpi 200``).

    python benchmarks/baseline.py OUT_DIR [--article content/relu-guide/index.md]
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import yaml
from matplotlib.animation import FuncAnimation, PillowWriter

REPO = Path(__file__).resolve().parent.parent
FIGSIZE = (6.4, 4.8)  # inches: 640×480 at 100 dpi
ANIMATION_DPI = 100
TRAINING_DEFAULTS = {
    "interval": (-1.0, 1.0), "samples": 64, "hidden": (), "activation": "relu", "leak": 0.1,
    "steps": 1000, "lr": 0.1, "batch_size": None, "seed": 0, "frames": 100, "fps": 20,
}
BASELINE_KINDS = ("activation", "training", "neurons")  # the kinds this script makes as plain pyplot would
ACTIVATION_DEFAULTS = {"interval": (-5.0, 5.0), "leak": 0.1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make an article's figures with plain pyplot (benchmark baseline).")
    parser.add_argument("out", type=Path, help="folder to write the figures into")
    parser.add_argument("--article", type=Path, default=REPO / "content" / "relu-guide" / "index.md")
    parser.add_argument("--still-dpi", type=int, default=200, help="dpi of the PNG stills (default 200: 1280×960)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, declaration in read_figures(args.article).items():
        if declaration["kind"] not in BASELINE_KINDS:
            continue  # an author's own code (kind: python) has no plain-pyplot equivalent: compared elsewhere
        if declaration["kind"] == "activation":
            draw_activation(name, {**ACTIVATION_DEFAULTS, **declaration}, args.out / name, args.still_dpi)
        else:
            spec = {**TRAINING_DEFAULTS, **declaration}
            steps, predictions, losses, data = train(spec)
            if name.endswith(".gif"):
                animate(name, spec, steps, predictions, losses, data, args.out / name)
            else:
                draw_final_fit(name, steps, predictions, losses, data, args.out / name, args.still_dpi)
    return 0


def read_figures(article: Path) -> dict[str, dict]:
    """The ``figures:`` mapping of the article's front matter."""
    text = article.read_text(encoding="utf-8")
    _, front_matter, _ = text.split("---\n", 2)
    return yaml.safe_load(front_matter)["figures"]


# -- Activation plots ---------------------------------------------------------

ACTIVATIONS = {
    "sigmoid": (lambda z, a: 1 / (1 + np.exp(-z)), lambda z, a: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (lambda z, a: np.tanh(z), lambda z, a: 1 - np.tanh(z) ** 2),
    "relu": (lambda z, a: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
    "leaky_relu": (lambda z, a: np.where(z > 0, z, a * z), lambda z, a: np.where(z > 0, 1.0, a)),
}


def draw_activation(name: str, spec: dict, path: Path, dpi: int) -> None:
    f, df = ACTIVATIONS[spec["activation"]]
    x = np.linspace(*spec["interval"], 801)
    plt.figure(figsize=FIGSIZE)
    plt.plot(x, f(x, spec["leak"]), label=spec["activation"])
    plt.plot(x, df(x, spec["leak"]), "--", label="derivative")
    plt.axhline(0, color="k", lw=0.8)
    plt.axvline(0, color="k", lw=0.8)
    plt.grid(True)
    plt.legend()
    plt.title(name.rsplit(".", 1)[0])
    plt.savefig(path, dpi=dpi)
    plt.close()


# -- Training -----------------------------------------------------------------


def train(spec: dict) -> tuple[list[int], list[np.ndarray], list[float], tuple]:
    """Gradient descent on the MSE of a 1-hidden-layer-or-more MLP; a snapshot per frame."""
    rng = np.random.default_rng(spec["seed"])
    lo, hi = spec["interval"]
    x = np.linspace(lo, hi, spec["samples"])[:, None]
    y = target(spec["target"], x)
    grid = np.linspace(lo, hi, 256)[:, None]
    widths = [1, *spec["hidden"], 1]
    act, dact = ACTIVATIONS[spec["activation"]]
    weights = [rng.normal(0, np.sqrt(2 / n), (n, m)) for n, m in itertools.pairwise(widths)]
    biases = [np.zeros(m) for m in widths[1:]]
    if len(widths) > 2:  # put each first-layer kink somewhere in the interval
        biases[0] = -weights[0][0] * rng.uniform(lo, hi, widths[1])

    def forward(inputs):
        zs, hs = [], [inputs]
        for i, (w, b) in enumerate(zip(weights, biases)):
            zs.append(hs[-1] @ w + b)
            hs.append(zs[-1] if i == len(weights) - 1 else act(zs[-1], spec["leak"]))
        return zs, hs

    wanted = set(np.round(np.linspace(0, spec["steps"], spec["frames"])).astype(int).tolist())
    steps, predictions, losses = [], [], []
    batch = spec["batch_size"]
    for step in range(spec["steps"] + 1):
        if step in wanted:
            steps.append(step)
            predictions.append(forward(grid)[1][-1][:, 0])
            losses.append(float(np.mean((forward(x)[1][-1] - y) ** 2)))
        if step == spec["steps"]:
            break
        idx = rng.choice(len(x), batch, replace=False) if batch else slice(None)
        zs, hs = forward(x[idx])
        g = 2 * (hs[-1] - y[idx]) / len(hs[-1])
        for i in reversed(range(len(weights))):
            gw, gb = hs[i].T @ g, g.sum(axis=0)
            if i > 0:
                g = (g @ weights[i].T) * dact(zs[i - 1], spec["leak"])
            weights[i] = weights[i] - spec["lr"] * gw
            biases[i] = biases[i] - spec["lr"] * gb
    return steps, predictions, losses, (x[:, 0], y[:, 0], grid[:, 0])


def target(expression: str, x: np.ndarray) -> np.ndarray:
    # Trusted input (our own article): a plain script just evaluates it with numpy's names.
    names = {n: getattr(np, n) for n in ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "pi", "e")}
    return eval(expression, {"__builtins__": {}}, {**names, "x": x}) * np.ones_like(x)


# -- Training figures ---------------------------------------------------------


def animate(name, spec, steps, predictions, losses, data, path: Path) -> None:
    """A GIF with one fully redrawn frame per snapshot."""
    x, y, grid = data
    fig, ax = plt.subplots(figsize=FIGSIZE)
    everything = np.concatenate([y, *predictions])
    low, high = everything.min(), everything.max()
    pad = 0.08 * (high - low)

    def update(i):
        ax.clear()
        ax.plot(grid, target(spec["target"], grid), label="target")
        ax.plot(grid, predictions[i], "--", label="model")
        ax.plot(x, y, "k.", label="training data")
        ax.set_ylim(low - pad, high + pad)
        ax.grid(True)
        ax.legend(loc="lower center")
        ax.set_title(f"{name}   step {steps[i]}   MSE {losses[i]:.4f}")

    animation = FuncAnimation(fig, update, frames=len(steps))
    animation.save(path, writer=PillowWriter(fps=spec["fps"]), dpi=ANIMATION_DPI)
    plt.close(fig)


def draw_final_fit(name, steps, predictions, losses, data, path: Path, dpi: int) -> None:
    x, y, grid = data
    plt.figure(figsize=FIGSIZE)
    plt.plot(x, y, "k.", label="training data")
    plt.plot(grid, predictions[-1], "--", label="model")
    plt.grid(True)
    plt.legend()
    plt.title(f"{name}   step {steps[-1]}   MSE {losses[-1]:.4f}")
    plt.savefig(path, dpi=dpi)
    plt.close()


if __name__ == "__main__":
    sys.exit(main())
