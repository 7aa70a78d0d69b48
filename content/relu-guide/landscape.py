"""The error of every straight line y = w·x + b on the parabola, and the path training took across it.

The built-in figures show what the model draws; this one shows where the
model is, among all the models it could be: each point (w, b) is a line, its
colour that line's mean squared error on the training points. The path is the
run of the animation above (the same declaration, so the same run), read off
its recorded predictions: for a line, two points give w and b.
"""

import numpy as np

from site_builder.lab import add_legend, fit, new_figure, style


def make(params, rng):
    run = fit("x**2", interval=[-1, 1], hidden=[], steps=params["steps"], lr=params["lr"],
              batch_size=params["batch_size"], seed=params["seed"], frames=params["steps"] + 1)
    x, y = run.train_x, run.train_y  # (N,)
    grid = run.grid_x
    predictions = np.array([s.prediction for s in run.snapshots])  # (steps + 1, G)
    w = (predictions[:, -1] - predictions[:, 0]) / (grid[-1] - grid[0])  # (steps + 1,)
    b = predictions[:, 0] - w * grid[0]

    ws = np.linspace(-1.0, 1.0, 201)
    bs = np.linspace(-0.2, 0.8, 161)
    W, B = np.meshgrid(ws, bs)  # (181, 241)
    errors = ((W[..., None] * x + B[..., None] - y) ** 2).mean(axis=-1)  # (181, 241): MSE of every line
    best_w, best_b = np.polyfit(x, y, 1)  # the least-squares line

    figure, axes = new_figure("Every line's error on x², and SGD's path", xlabel="slope w", ylabel="height b")
    axes.grid(False)
    levels = np.geomspace(errors.min() * 1.05, errors.max(), 14)
    axes.contour(W, B, errors, levels=levels, colors=style.GRID, linewidths=1.0)
    axes.contourf(W, B, errors, levels=np.concatenate([[0], levels]), cmap="Blues_r", alpha=0.35)
    axes.plot(w, b, color=style.VERMILLION, linewidth=1.0, alpha=0.8, label="SGD's path")
    axes.plot(w[:1], b[:1], linestyle="None", marker="o", markersize=7, color=style.VERMILLION, label="start")
    axes.plot([best_w], [best_b], linestyle="None", marker="*", markersize=14, color=style.INK, label="least error")
    axes.set_xlim(ws[0], ws[-1])
    axes.set_ylim(bs[0], bs[-1])
    add_legend(axes)
    return figure
