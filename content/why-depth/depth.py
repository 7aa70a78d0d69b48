"""Why depth helps: count the straight pieces a ReLU network makes along one input.

A ReLU network of one input is piecewise linear, and it changes slope only
where some neuron switches on or off. So the pieces can be counted exactly:
walk a fine grid and count where the set of active neurons changes.

``folds`` builds, by hand, networks of two neurons per layer that fold the
interval in half once per layer (the tent map composed with itself), so the
pieces double with every layer; and trains that same narrow shape from a random
start. ``race`` trains a shallow, a deep and a wide network on one target.
Both return what their figure draws and what tests/test_article_depth.py checks
the article's words against.
"""

from __future__ import annotations

import numpy as np

from site_builder.lab import Measured, add_legend, fit, new_figure, style

COUNT_POINTS = 20001  # grid the pieces are counted on: far finer than any piece these networks make
NETWORKS = {  # name: (hidden widths, legend words: neurons per layer × layers)
    "shallow": ((24,), "24×1"),
    "deep": ((12, 12), "12×2"),
    "wide": ((64,), "64×1"),
}
COLOURS = {"shallow": style.ORANGE, "deep": style.VERMILLION, "wide": style.BLUISH_GREEN}


def count_pieces(layers: list[tuple[np.ndarray, np.ndarray]] | tuple, interval: tuple[float, float]) -> int:
    """The straight pieces of the ReLU network ``layers`` ((weight, bias) per layer) over ``interval``.

    Each change in which hidden neurons are on is one corner, so the count is
    one more than the number of changes along the grid. The grid is of cell
    midpoints, so a neuron whose input only touches 0 at a round x (as the
    hand-built folds' do) is not counted as switching.
    """
    edges = np.linspace(*interval, COUNT_POINTS)
    h = ((edges[1:] + edges[:-1]) / 2)[:, None]
    patterns = []
    for weight, bias in list(layers)[:-1]:
        z = h @ weight + bias
        patterns.append(z > 0)
        h = np.maximum(z, 0.0)
    on = np.concatenate(patterns, axis=1)  # (points, neurons)
    return 1 + int(np.any(on[1:] != on[:-1], axis=1).sum())


def evaluate(layers: list[tuple[np.ndarray, np.ndarray]] | tuple, x: np.ndarray) -> np.ndarray:
    """The ReLU network ``layers`` at the points ``x`` (1-D in, 1-D out)."""
    h = x[:, None]
    for weight, bias in list(layers)[:-1]:
        h = np.maximum(h @ weight + bias, 0.0)
    weight, bias = list(layers)[-1]
    return (h @ weight + bias)[:, 0]


def parameter_count(hidden: tuple[int, ...]) -> int:
    """Weights and biases of a 1-input, 1-output network with these hidden widths."""
    widths = (1, *hidden, 1)
    return sum(fan_in * fan_out + fan_out for fan_in, fan_out in zip(widths[:-1], widths[1:]))


def tent_network(layers: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Two ReLUs per layer that fold [-1, 1] in half ``layers`` times: a triangle wave of 2**layers pieces.

    u = (x + 1) / 2 maps the interval onto [0, 1]; there the tent map
    t(u) = 2 relu(u) - 4 relu(u - 1/2) rises from 0 to 1 and falls back, and
    each further layer applies it to the previous layer's t.
    """
    network = [(np.array([[0.5, 0.5]]), np.array([0.5, 0.0]))]  # relu(u), relu(u - 1/2)
    for _ in range(layers - 1):
        network.append((np.array([[2.0, 2.0], [-4.0, -4.0]]), np.array([0.0, -0.5])))  # the same two, of t
    network.append((np.array([[2.0], [-4.0]]), np.array([0.0])))  # t itself
    return network


def folds(params: dict) -> dict:
    """The hand-built folding networks, and the same narrow shape trained from a random start."""
    interval = tuple(params["interval"])
    x = np.linspace(*interval, 1601)
    built = {k: tent_network(k) for k in range(1, params["layers"] + 1)}
    trained = fit(params["target"], interval=list(interval), hidden=[2] * params["layers"], samples=params["samples"],
                  steps=params["steps"], lr=params["lr"], optimizer="adam", seed=params["seed"], frames=2)
    return {
        "x": x,
        "curves": {k: evaluate(network, x) for k, network in built.items()},
        "pieces": [count_pieces(network, interval) for network in built.values()],
        "neurons": [2 * k for k in built],
        "trained": trained,
        "trained_pieces": count_pieces(trained.final_params, interval),
        "flat_loss": float(np.var(trained.train_y)),  # the error of the best flat line, the mean
    }


def make_folds(params: dict, rng: np.random.Generator) -> Measured:
    run = folds(params)
    figure, axes = new_figure("Two ReLUs per layer, each layer folding once", xlabel="x")
    colours = [style.BLUE, style.BLUISH_GREEN, style.REDDISH_PURPLE, style.VERMILLION]
    count = len(run["curves"])
    for (k, curve), colour, pieces in zip(run["curves"].items(), colours, run["pieces"]):
        offset = 1.5 * (count - k)
        axes.plot(run["x"], curve + offset, color=colour, linewidth=2.2)
        layers = f"{k} layer{'s' if k > 1 else ''}"
        axes.text(-1.0, offset + 1.08, f"{layers}, {2 * k} neurons: {pieces} pieces", color=style.INK, fontsize=style.LEGEND_SIZE)
    axes.set_yticks([])
    axes.set_ylim(-0.1, 1.5 * (count - 1) + 1.45)
    return Measured(figure, {
        "pieces": run["pieces"], "neurons": run["neurons"],
        "trained": {"loss": run["trained"].final_loss, "pieces": run["trained_pieces"]},
        "flat_loss": run["flat_loss"],
    })


def race(params: dict) -> dict:
    """The shallow, deep and wide networks trained on one target with the same settings and seed."""
    interval = tuple(params["interval"])
    runs = {}
    for name, (hidden, _) in NETWORKS.items():
        runs[name] = fit(params["target"], interval=list(interval), hidden=list(hidden), samples=params["samples"],
                         steps=params["steps"], lr=params["lr"], optimizer="adam", seed=params["seed"], frames=2)
    return {
        "runs": runs,
        "numbers": {
            name: {
                "loss": run.final_loss,
                "pieces": count_pieces(run.final_params, interval),
                "neurons": sum(NETWORKS[name][0]),
                "parameters": parameter_count(NETWORKS[name][0]),
            }
            for name, run in runs.items()
        },
    }


def make_race(params: dict, rng: np.random.Generator) -> Measured:
    result = race(params)
    any_run = result["runs"]["shallow"]
    figure, axes = new_figure(f"{params['title']} (width×layers: pieces)", xlabel="x", ylabel="y")
    axes.plot(any_run.grid_x, any_run.target_y, **style.TARGET.kwargs())  # the thick blue line; the caption says so
    for name, run in result["runs"].items():
        numbers = result["numbers"][name]
        axes.plot(run.grid_x, run.snapshots[-1].prediction, color=COLOURS[name], linewidth=2.0,
                  label=f"{NETWORKS[name][1]}: {numbers['pieces']}")
    add_legend(axes)
    return Measured(figure, result["numbers"])
