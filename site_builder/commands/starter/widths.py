"""Three networks of different widths, trained on the same curve and drawn on one axis.

The build calls make(params, rng) and caches the figure by this file, the
modules it imports, its params and its seed. site_builder.lab has the same
network, trainer and look the built-in figures use.
"""

from site_builder.lab import add_legend, fit, new_figure, style

COLOURS = [style.VERMILLION, style.BLUISH_GREEN, style.REDDISH_PURPLE]


def make(params, rng):
    figure, axes = new_figure("Wider networks bend in more places", xlabel="x", ylabel="y")
    seed = int(rng.integers(2**31))  # one seed for all three, drawn from the figure's own
    for width, colour in zip(params["widths"], COLOURS):
        run = fit("x**2", hidden=[width], steps=1500, lr=0.05, seed=seed, frames=2)
        label = f"{width} neuron{'' if width == 1 else 's'}"
        axes.plot(run.grid_x, run.snapshots[-1].prediction, color=colour, linewidth=2, label=label)
    axes.plot(run.grid_x, run.target_y, color=style.BLUE, linewidth=3, zorder=1, label="target")
    add_legend(axes)
    return figure
