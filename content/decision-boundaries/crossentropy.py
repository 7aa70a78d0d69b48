"""Cross-entropy against squared error, for one point whose label is 1, as the network's logit z varies.

The network's output for two classes is p = sigmoid(z), the probability it gives
class 1. Cross-entropy charges -log p; squared error charges (1 - p)**2. What
training feels is the slope with respect to z: p - 1 for cross-entropy, and
-2 (1 - p) p (1 - p) for squared error, whose extra sigmoid slope vanishes
exactly when the network is confidently wrong. ``curves`` is what the figure
draws and what tests/test_article_boundaries.py checks the words against.
"""

from __future__ import annotations

import numpy as np

from site_builder.lab import Measured, add_legend, new_figure, style


def curves(params: dict) -> dict:
    """Both losses and their slopes in z on a grid of logits, and their values at ``params["wrong_logit"]``."""
    z = np.linspace(*params["logits"], 601)
    p = 1.0 / (1.0 + np.exp(-z))
    wrong = params["wrong_logit"]
    pw = 1.0 / (1.0 + np.exp(-wrong))
    return {
        "z": z,
        "cross_entropy": -np.log(p), "squared": (1.0 - p) ** 2,
        "cross_entropy_slope": p - 1.0, "squared_slope": -2.0 * (1.0 - p) ** 2 * p,
        "at_wrong": {
            "logit": float(wrong), "probability": float(pw),
            "cross_entropy": float(-np.log(pw)), "squared": float((1.0 - pw) ** 2),
            "cross_entropy_slope": float(pw - 1.0), "squared_slope": float(-2.0 * (1.0 - pw) ** 2 * pw),
        },
    }


def make(params: dict, rng: np.random.Generator) -> Measured:
    c = curves(params)
    figure, axes = new_figure("A point of class 1: loss and its pull, by logit z", xlabel="logit z (p = sigmoid(z))", ylabel="loss (solid), pull (dashed)")
    axes.plot(c["z"], c["cross_entropy"], color=style.BLUE, linewidth=2.4, label="cross-entropy −log p")
    axes.plot(c["z"], c["squared"], color=style.VERMILLION, linewidth=2.4, label="squared error (1 − p)²")
    axes.plot(c["z"], -c["cross_entropy_slope"], color=style.BLUE, linewidth=1.6, linestyle=(0, (4.0, 2.0)), label="pull of cross-entropy")
    axes.plot(c["z"], -c["squared_slope"], color=style.VERMILLION, linewidth=1.6, linestyle=(0, (4.0, 2.0)), label="pull of squared error")
    axes.axvline(c["at_wrong"]["logit"], color=style.MUTED_INK, linewidth=1.0)
    axes.set_ylim(0, 4)
    add_legend(axes)
    return Measured(figure, {"at_wrong": c["at_wrong"]})
