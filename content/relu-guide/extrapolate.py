"""Outside the data: a polynomial and a ReLU network, both fitted to |x| on [-1, 1], drawn past its ends.

Inside the interval both fit about equally well. Past it, a polynomial is ruled
by its highest power and its tails run off the chart within a fraction of a
unit, while the ReLU network is a sum of hinges, so it carries on along straight
lines: each arm keeps the slope it had at the edge of the data. ``predictions``
is what the figure draws, and what tests/test_science.py checks the words against.
"""

import numpy as np

from site_builder.lab import add_legend, fit, new_figure, style


def predictions(params):
    """(grid, target, polynomial, network) on ``params["reach"]``; both models fitted on [-1, 1] only."""
    run = fit("abs(x)", interval=[-1, 1], hidden=[params["hidden"]], steps=params["steps"], lr=params["lr"],
              seed=params["seed"], init_output="zero", frames=2)
    coefficients = np.polynomial.polynomial.polyfit(run.train_x, run.train_y, params["degree"])  # least squares
    grid = np.linspace(-params["reach"], params["reach"], 481)
    (w1, b1), (w2, b2) = run.final_params
    network = (np.maximum(0.0, grid[:, None] @ w1 + b1) @ w2 + b2)[:, 0]  # the trained network, evaluated anywhere
    return grid, np.abs(grid), np.polynomial.polynomial.polyval(grid, coefficients), network, run


def make(params, rng):
    grid, target, polynomial, network, run = predictions(params)
    reach = params["reach"]
    figure, axes = new_figure(f"Past the data: degree-{params['degree']} polynomial vs {params['hidden']} ReLUs", xlabel="x", ylabel="y")
    for side in (-1, 1):
        axes.axvspan(side * 1.0, side * reach, color=style.GRID, alpha=0.45, linewidth=0)
    axes.plot(grid, target, label="target |x|", **style.TARGET.kwargs())
    axes.plot(run.train_x, run.train_y, **style.TRAINING_POINTS.kwargs())
    axes.plot(grid, polynomial, color=style.REDDISH_PURPLE, linewidth=2.2, label=f"polynomial, degree {params['degree']}")
    axes.plot(grid, network, color=style.VERMILLION, linewidth=2.2, label=f"{params['hidden']} ReLU neurons")
    axes.text(-reach + 0.05, 2.3, "no data", color=style.MUTED_INK, fontsize=11)
    axes.text(1.05, 2.3, "no data", color=style.MUTED_INK, fontsize=11)
    axes.set_xlim(-reach, reach)
    axes.set_ylim(-0.4, 2.5)
    add_legend(axes, below=True)
    return figure
