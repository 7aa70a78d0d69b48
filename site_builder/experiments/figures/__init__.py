"""Figure drawing: arrays and training results in, PNG and GIF bytes out.

Nothing here knows about networks or specs; :mod:`site_builder.experiments.produce`
runs the experiment and hands the arrays over. Every figure shares the look
defined in :mod:`site_builder.experiments.figures.style`; animations are encoded by
:mod:`site_builder.experiments.figures.encode` and come with a poster frame.
"""

from site_builder.experiments.figures.animation import (
    Animation,
    animate_training,
    draw_training_animation,
    draw_training_still,
)
from site_builder.experiments.figures.neurons import animate_neurons, draw_neurons_still
from site_builder.experiments.figures.plots import draw_activation_plot

__all__ = [
    "Animation",
    "animate_neurons",
    "animate_training",
    "draw_activation_plot",
    "draw_neurons_still",
    "draw_training_animation",
    "draw_training_still",
]
