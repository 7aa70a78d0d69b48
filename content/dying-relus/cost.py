"""What dead neurons cost: for many seeds, the share of a ReLU layer that died against the error the network ends with.

Each seed trains the same hundred-neuron layer on x² with the same step, as
the article's ``seeds.png`` does; only the random start differs. A leaky ReLU
layer from the same starts is drawn beside it (it has no dead neurons by
construction). ``outcomes`` is what the figure draws and what
tests/test_article_dying.py checks the article's words against.
"""

import numpy as np

from site_builder.lab import add_legend, fit, new_figure, style


def outcomes(params, activation="relu"):
    """(dead share, final MSE) for each seed in range(params["seeds"])."""
    shares, losses = [], []
    for seed in range(params["seeds"]):
        run = fit(params["target"], hidden=[params["width"]], activation=activation, init_output="zero",
                  steps=params["steps"], lr=params["lr"], seed=seed, frames=2)
        shares.append(run.dead_neurons / params["width"])
        losses.append(run.final_loss)
    return np.array(shares), np.array(losses)


def make(params, rng):
    relu_dead, relu_loss = outcomes(params)
    leaky_dead, leaky_loss = outcomes(params, "leaky_relu")
    figure, axes = new_figure(f"{params['seeds']} starts of {params['width']} neurons, lr {params['lr']}", xlabel="dead neurons at the end (%)", ylabel="final training loss (MSE)")
    axes.set_yscale("log")
    axes.scatter(100 * relu_dead, relu_loss, s=36, color=style.VERMILLION, label="ReLU", zorder=3)
    axes.scatter(100 * leaky_dead, leaky_loss, s=36, marker="D", facecolors="none", edgecolors=style.BLUE, label="leaky ReLU", zorder=3)
    axes.set_xlim(-5, 100)
    add_legend(axes)
    return figure
