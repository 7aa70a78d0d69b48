"""The gradient's fate through depth as the initial weights grow: vanishing below the right scale, exploding above it.

For each activation and each ``init_scale`` (a multiple of the standard
deviation ``init: auto`` picks: 1/sqrt(fan_in) for sigmoid and tanh, He's
sqrt(2/fan_in) for ReLU), a network of ``depth`` hidden layers is initialised
from several seeds, and the gradient of the MSE on the target with respect to
each hidden layer's weights is measured once, before any training. The figure
plots the first layer's gradient norm over the last layer's: below 1 the
signal shrinks on its way back to the input (vanishing), above 1 it grows
(exploding). ``ratios`` is what the figure draws and what
tests/test_article_vanishing.py checks the article's words against.
"""

import numpy as np

from site_builder.lab import add_legend, get_activation, init_mlp, mse_and_grad, new_figure, style

COLOURS = {"sigmoid": style.BLUE, "tanh": style.VERMILLION, "relu": style.BLUISH_GREEN}  # as the gradients figures colour them
NAMES = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU"}


def first_over_last(activation, scale, depth, width, seed, samples=64):
    """First hidden layer's gradient norm over the last one's, at initialisation, on sin(3x) over [-1, 1]."""
    x = np.linspace(-1.0, 1.0, samples)[:, None]
    y = np.sin(3 * x)
    act = get_activation(activation)
    model = init_mlp((1, *[width] * depth, 1), [act] * depth, np.random.default_rng(seed), (-1.0, 1.0), scale=scale)
    prediction, trace = model.forward(x)
    _, grad = mse_and_grad(prediction, y)
    grads = model.backward(trace, grad)
    norms = [np.linalg.norm(g.bias) for g in grads[:-1]]  # dLoss/dbias: the error signal arriving at each layer
    return norms[0] / norms[-1]


def ratios(params):
    """scales (S,) and, per activation, the (seeds, S) array of first-over-last gradient ratios."""
    scales = np.geomspace(params["scale_min"], params["scale_max"], params["points"])
    out = {}
    for activation in params["activations"]:
        out[activation] = np.array([[first_over_last(activation, s, params["depth"], params["width"], seed) for s in scales] for seed in range(params["seeds"])])
    return scales, out


def make(params, rng):
    scales, found = ratios(params)
    figure, axes = new_figure(f"Error signal at layer 1 over layer {params['depth']}, at the start", xlabel="init_scale (1 = the usual scale)", ylabel=f"layer 1 / layer {params['depth']}")
    axes.set_xscale("log")
    axes.set_yscale("log")
    ticks = [t for t in (0.25, 0.5, 1, 2, 4) if scales[0] <= t <= scales[-1]]
    axes.set_xticks(ticks, [f"{t:g}" for t in ticks])
    axes.minorticks_off()
    axes.axhline(1.0, color=style.MUTED_INK, linewidth=1, linestyle=":")
    axes.axvline(1.0, color=style.MUTED_INK, linewidth=1, linestyle=":")
    for activation, values in found.items():
        median = np.median(values, axis=0)
        axes.fill_between(scales, values.min(axis=0), values.max(axis=0), color=COLOURS[activation], alpha=0.15, linewidth=0)
        axes.plot(scales, median, color=COLOURS[activation], linewidth=2.2, label=NAMES[activation])
    axes.text(scales[0] * 1.1, 3e3, "exploding", color=style.MUTED_INK, fontsize=11)
    axes.text(scales[0] * 1.1, 3e-6, "vanishing", color=style.MUTED_INK, fontsize=11)
    add_legend(axes)
    return figure
