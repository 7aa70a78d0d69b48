"""Figure drawing: arrays and training results in, PNG and GIF bytes out.

Nothing here knows about networks or specs; :mod:`site_builder.experiments.produce`
runs the experiment and hands the arrays over. Every figure shares the look
defined in :mod:`site_builder.figures.style`.
"""

from site_builder.figures.animation import draw_training_animation, draw_training_still
from site_builder.figures.plots import draw_activation_plot

__all__ = ["draw_activation_plot", "draw_training_animation", "draw_training_still"]
