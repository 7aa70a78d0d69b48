"""Still plots of functions: an activation and its derivative."""

from __future__ import annotations

import numpy as np

from site_builder.experiments.figures import style

Y_MARGIN = 0.12  # fraction of the data's height added above and below
# style.LEGEND_ABOVE with room on the left and below for the axis labels.
LABELLED_LEGEND_ABOVE = style.Layout(
    axes_rect=(0.16, 0.155, 0.81, 0.645), legend_loc=style.LEGEND_ABOVE.legend_loc, legend_anchor=style.LEGEND_ABOVE.legend_anchor,
)


def draw_activation_plot(
    x: np.ndarray,
    y: np.ndarray,
    dy: np.ndarray,
    *,
    title: str,
    formula_label: str,
    xlabel: str = "input $z$",
    ylabel: str = "value",
) -> bytes:
    """PNG of an activation ``y = f(z)`` (solid) and its derivative ``dy`` (dashed), the input ``z`` given as ``x``.

    ``x`` must be sorted; ``formula_label`` names the solid curve in the
    legend and may use mathtext (``r"$\\max(0, z)$"``); ``xlabel`` and
    ``ylabel`` label the axes. The axes cross at
    the origin when it is in view. Where the derivative jumps (ReLU at 0)
    the dashed line is broken rather than joined by a vertical stroke that
    the function does not have. Rendered at :data:`style.STILL_DPI`.
    """
    x, y, dy = (np.asarray(a, dtype=float) for a in (x, y, dy))
    if not (x.ndim == 1 and x.shape == y.shape == dy.shape and x.size >= 2):
        raise ValueError(f"x, y, dy must be equal-length 1-D arrays, got {x.shape}, {y.shape}, {dy.shape}")
    with style.figure_context():
        canvas = style.new_canvas(style.STILL_DPI)
        axes = style.add_titled_axes(canvas.figure, title, LABELLED_LEGEND_ABOVE)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.plot(x, y, label=formula_label, **style.FUNCTION.kwargs())
        axes.plot(*break_at_jumps(x, dy), label="derivative", **style.DERIVATIVE.kwargs())
        axes.set_xlim(float(x[0]), float(x[-1]))
        axes.set_ylim(*padded_range(np.concatenate([y, dy])))
        style.draw_zero_lines(axes)
        style.add_legend(canvas.figure, axes, style.LEGEND_ABOVE)
        canvas.draw()
        return style.encode_png(style.rendered_rgb(canvas))


def break_at_jumps(x: np.ndarray, y: np.ndarray, *, jump: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` with a NaN inserted wherever ``y`` jumps, so a line plot shows a gap there.

    A step counts as a jump when it exceeds ``jump`` times the range of
    ``y``: on a dense grid a continuous function moves far less per step.
    """
    height = float(np.ptp(y)) if y.size else 0.0
    if height == 0.0:
        return x, y
    cuts = np.flatnonzero(np.abs(np.diff(y)) > jump * height) + 1  # index after each jump
    midpoints = (x[cuts - 1] + x[cuts]) / 2.0
    return np.insert(x, cuts, midpoints), np.insert(y, cuts, np.nan)


def padded_range(values: np.ndarray, *, include: float = 0.0, margin: float = Y_MARGIN) -> tuple[float, float]:
    """The finite range of ``values`` widened to contain ``include`` and padded by ``margin``."""
    finite = values[np.isfinite(values)]
    low = min(float(finite.min()), include) if finite.size else include - 1.0
    high = max(float(finite.max()), include) if finite.size else include + 1.0
    pad = margin * (high - low) if high > low else 1.0
    return low - pad, high + pad
