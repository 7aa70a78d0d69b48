"""The one look every figure shares: size, palette, type, line styles, and the canvas.

Figures are read on phones as often as on desks, on light and dark page
themes, by readers with every kind of colour vision. So:

* every figure is 640×480 pixels at 1x (stills render at 2x for high-density
  screens); the figure is laid out on a 5×3.75 inch page at 128 dpi, so an
  11 pt label is about 20 px tall, 3 % of the width, and still ~11 CSS px when
  a phone shrinks the image to 360 px;
* the background is opaque white; the dark page theme shows the figure
  through a CSS filter that inverts it and turns its hues back (:mod:`.theme`),
  so it reads dark without a second image;
* colours come from the Okabe–Ito palette (safe for the common colour-vision
  deficiencies), and each line also differs in dash pattern or marker, so
  the figure survives greyscale printing too.

All values here are immutable. Matplotlib reads ``rcParams`` both when an
artist is created and when it is drawn (hinting, for instance), so drawing
code runs inside :func:`figure_context`, which resets every setting to
matplotlib's defaults plus ours for the duration and restores the caller's
afterwards. That makes the bytes independent of any ``matplotlibrc`` on the
machine. (It does touch matplotlib's process-wide settings while it runs, so
figures must not be drawn from several threads of one process at once; the
build uses processes.)
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from PIL import Image

# -- Size ---------------------------------------------------------------------

PAGE_INCHES: tuple[float, float] = (5.0, 3.75)
SCREEN_DPI: int = 128  # 5 in × 128 = 640 px: animations, and the 1x size of everything
STILL_DPI: int = 2 * SCREEN_DPI  # 1280×960: crisp on high-density screens

# -- Colour -------------------------------------------------------------------
# Okabe & Ito, "Color Universal Design" (2008). Contrast on white: blue 5.2:1
# and vermillion 3.9:1 (WCAG asks 3:1 of graphics), ink 17:1, muted ink 7.5:1.
# In the dark theme the page shows figures through theme.DARK_FILTER.

INK = "#1a1a1a"  # text, axes, markers
MUTED_INK = "#555555"  # secondary text (tick labels, status line)
GRID = "#d9d9d9"
BACKGROUND = "#ffffff"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
BLUISH_GREEN = "#009E73"
REDDISH_PURPLE = "#CC79A7"
ORANGE = "#B26F00"  # Okabe–Ito orange (#E69F00) darkened: 4.1:1 on white, where the original has 2.3:1

SKY = "#2B8CC4"  # Okabe–Ito sky blue (#56B4E9) darkened: 3.7:1 on white, where the original has 2.3:1
# Every colour above but GRID keeps at least 3:1 on the figure's background in the dark theme too
# (see theme.py; tests/test_figure_looks.py checks them all).

# -- Type ---------------------------------------------------------------------

FONT_FAMILY = "DejaVu Sans"  # bundled with matplotlib: identical glyphs everywhere
TITLE_SIZE = 14.0
LABEL_SIZE = 12.0
TICK_SIZE = 11.0
LEGEND_SIZE = 11.0


# -- Lines --------------------------------------------------------------------


@dataclass(frozen=True)
class LineLook:
    """How one role of line is drawn; ``kwargs()`` feeds ``Axes.plot``."""

    color: str
    linestyle: str | tuple[float, tuple[float, ...]] = "-"
    linewidth: float = 2.5
    marker: str = "None"
    markersize: float = 0.0
    markerfacecolor: str = BACKGROUND
    zorder: float = 2.0

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Axes.plot`` that apply this look."""
        return {
            "color": self.color,
            "linestyle": self.linestyle,
            "linewidth": self.linewidth,
            "marker": self.marker,
            "markersize": self.markersize,
            "markerfacecolor": self.markerfacecolor,
            "markeredgecolor": self.color,
            "markeredgewidth": 0.0 if self.markerfacecolor == self.color else 1.3,
            "zorder": self.zorder,
            # Round caps make short dashes read as dashes, not as noise.
            "dash_capstyle": "round",
            "solid_capstyle": "round",
        }


# The main curve is solid; the curve compared with it is dashed in a colour
# far from it in hue and lightness.
FUNCTION = LineLook(color=BLUE)
DERIVATIVE = LineLook(color=VERMILLION, linestyle=(0, (4.0, 2.0)))
# The model is a solid line, thinner than the target and on top of it, so its
# corners (a ReLU network's hinges) stay sharp where dashes would blur them, and
# where it matches the target it shows as a vermillion core in a blue band.
TARGET = LineLook(color=BLUE, linewidth=3.6)
PREDICTION = LineLook(color=VERMILLION, linewidth=1.9, zorder=3.0)
# Dots under the target line, a little wider than it: the line stays whole and
# each point shows as ink on either side of it (or alone, where it is off the line).
TRAINING_POINTS = LineLook(
    color=INK, linestyle="None", linewidth=0.0, marker="o", markersize=5.2,
    markerfacecolor=INK, zorder=1.8,
)

# -- Matplotlib settings ------------------------------------------------------

RC: MappingProxyType[str, Any] = MappingProxyType(
    {
        "font.family": FONT_FAMILY,
        "font.size": LABEL_SIZE,
        "mathtext.fontset": "dejavusans",
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.labelsize": LABEL_SIZE,
        "axes.linewidth": 1.1,
        "axes.facecolor": BACKGROUND,
        "axes.grid": True,
        "axes.axisbelow": True,
        "grid.color": GRID,
        "grid.linewidth": 0.9,
        "xtick.color": INK,
        "ytick.color": INK,
        "xtick.labelcolor": MUTED_INK,
        "ytick.labelcolor": MUTED_INK,
        "xtick.labelsize": TICK_SIZE,
        "ytick.labelsize": TICK_SIZE,
        "legend.fontsize": LEGEND_SIZE,
        "legend.frameon": False,
        "figure.facecolor": BACKGROUND,
        "figure.edgecolor": BACKGROUND,
        "savefig.facecolor": BACKGROUND,
        # Plots that name no colour (an author's own, say) take the palette's colours in turn.
        "axes.prop_cycle": matplotlib.cycler(color=[BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, INK]),
    }
)


@contextmanager
def figure_context() -> Iterator[None]:
    """Draw with matplotlib's defaults plus :data:`RC`, whatever the machine's settings."""
    with matplotlib.style.context(dict(RC), after_reset=True):
        yield


def new_canvas(dpi: int = SCREEN_DPI) -> FigureCanvasAgg:
    """A fresh :data:`PAGE_INCHES` figure on an Agg canvas; the figure is ``canvas.figure``.

    Call inside :func:`figure_context` so the figure picks up the shared look.
    """
    figure = Figure(figsize=PAGE_INCHES, dpi=dpi)
    return FigureCanvasAgg(figure)


def new_figure(title: str | None = None, *, status: str | None = None, xlabel: str | None = None, ylabel: str | None = None) -> tuple[Figure, Axes]:
    """A figure in the site's look, for an author's own experiment: 640×480 at 1x, title top left.

    With ``status`` (a line such as "step 250   MSE 0.0123") the plot sits
    under it and the legend goes below, as in the built-in animations;
    otherwise the legend (call ``lab.add_legend(axes)``) sits above the plot,
    as in the built-in stills. ``xlabel`` and ``ylabel`` label the axes and
    make room for themselves. Part of the public API (:mod:`site_builder.lab`).
    """
    figure = new_canvas().figure
    layout = LEGEND_BELOW if status is not None else LEGEND_ABOVE
    left, bottom, width, height = layout.axes_rect
    if xlabel:
        bottom, height = bottom + 0.07, height - 0.07
    if ylabel:
        left, width = left + 0.05, width - 0.05
    axes = add_titled_axes(figure, title or "", Layout((left, bottom, width, height), layout.legend_loc, layout.legend_anchor))
    if xlabel:
        axes.set_xlabel(xlabel)
    if ylabel:
        axes.set_ylabel(ylabel)
    if status is not None:
        add_status_text(figure).set_text(status)
    return figure, axes


def figure_pixels(figure: Figure, dpi: int) -> np.ndarray:
    """``figure`` rendered at ``dpi`` as ``(H, W, 3)`` uint8 pixels, drawn on an Agg canvas of our own.

    Any figure an author made (with :func:`new_figure` or ``Figure()``) is
    drawn the same way, whatever backend pyplot would pick.
    """
    canvas = FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    canvas.draw()
    return rendered_rgb(canvas)


def rendered_rgb(canvas: FigureCanvasAgg) -> np.ndarray:
    """A copy of the canvas's current pixels as an ``(H, W, 3)`` uint8 array.

    The copy matters: the canvas reuses its buffer on the next draw.
    """
    return np.array(np.asarray(canvas.buffer_rgba())[..., :3])


def encode_png(rgb: np.ndarray) -> bytes:
    """Encode ``(H, W, 3)`` uint8 pixels as a PNG with no metadata chunks.

    Pillow, unlike ``savefig``, writes no ``Software`` text or timestamp, so
    the bytes depend on the pixels alone.
    """
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", compress_level=6)  # "optimize" costs 3x the time for 4% fewer bytes
    return buffer.getvalue()


# -- Layout -------------------------------------------------------------------
# Fixed positions (figure fractions), not a layout engine: every figure in an
# article then has its plot area in the same place, and nothing moves between
# the frames of an animation.


@dataclass(frozen=True)
class Layout:
    """Where the plot and its legend go under the title (figure fractions)."""

    axes_rect: tuple[float, float, float, float]  # left, bottom, width, height
    legend_loc: str
    legend_anchor: tuple[float, float]


MARGIN_LEFT = 0.035
TITLE_TOP = 0.965
SUBTITLE_TOP = 0.885  # the row under the title

# Title, legend, plot: for stills, where the legend is what you read first.
LEGEND_ABOVE = Layout(
    axes_rect=(0.125, 0.085, 0.845, 0.715), legend_loc="upper left",
    legend_anchor=(MARGIN_LEFT - 0.012, SUBTITLE_TOP),
)
# Title, status line, plot, legend: for animations, whose status line
# ("step 250  MSE 0.0123") changes every frame and belongs next to the title.
LEGEND_BELOW = Layout(
    axes_rect=(0.125, 0.165, 0.845, 0.65), legend_loc="lower center",
    legend_anchor=(0.5, 0.01),
)


def add_titled_axes(figure: Figure, title: str, layout: Layout) -> Axes:
    """Put ``title`` top left of ``figure`` and return the plot axes placed by ``layout``.

    Ticks get at most six round-valued labels, written compactly (``0.5``,
    not ``0.50``), with no tick marks: the grid already shows where they are.
    """
    heading = figure.text(
        MARGIN_LEFT, TITLE_TOP, title,
        fontsize=TITLE_SIZE, fontweight="bold", ha="left", va="top",
    )
    fit_to_width(heading, 1.0 - 2 * MARGIN_LEFT)
    axes = figure.add_axes(layout.axes_rect)
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        axis.set_major_formatter(_compact_tick)
    axes.tick_params(length=0, pad=6)
    return axes


MIN_TITLE_SIZE = 10.0


def fit_to_width(text: Text, width: float, smallest: float = MIN_TITLE_SIZE) -> None:
    """Make ``text`` span at most ``width`` of its figure: smaller in half-point steps down to ``smallest`` pt, then cut at a word with "…".

    A title that fits is left exactly as it was, so its pixels do not change;
    one such as "2 hidden layers of tanh/ReLU neurons on spiral" would
    otherwise run off the right edge of a 640-pixel figure. (The caption
    under the figure is where a long description belongs.)
    """
    figure = text.get_figure()
    renderer = figure.canvas.get_renderer()  # type: ignore[union-attr]
    limit = width * figure.bbox.width  # type: ignore[union-attr]

    def too_wide() -> bool:
        return text.get_window_extent(renderer).width > limit

    while too_wide() and text.get_fontsize() > smallest:
        text.set_fontsize(max(smallest, text.get_fontsize() - 0.5))
    words = text.get_text().split(" ")
    while too_wide() and len(words) > 1:
        words.pop()
        text.set_text(" ".join(words).rstrip(",;:") + "…")


def title_fits(title: str, smallest: float = MIN_TITLE_SIZE) -> bool:
    """Whether ``title`` spans at most the width :func:`add_titled_axes` gives it at ``smallest`` pt, so
    :func:`fit_to_width` would shrink it rather than cut it; for code that picks between wordings."""
    with figure_context():
        figure = new_canvas().figure
        text = figure.text(MARGIN_LEFT, TITLE_TOP, title, fontsize=smallest, fontweight="bold")
        renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        return bool(text.get_window_extent(renderer).width <= (1.0 - 2 * MARGIN_LEFT) * figure.bbox.width)


def first_fitting_title(*wordings: str) -> str:
    """The first of ``wordings`` (most detailed first) that :func:`title_fits`; the last one if none does."""
    return next((w for w in wordings if title_fits(w)), wordings[-1])


def add_status_text(figure: Figure) -> Text:
    """The empty "step N   MSE x" line under the title, which animations update every frame."""
    return figure.text(MARGIN_LEFT, SUBTITLE_TOP, "", ha="left", va="top", fontsize=LABEL_SIZE, color=MUTED_INK)


def draw_zero_lines(axes: Axes) -> None:
    """Replace the frame by the lines x = 0 and y = 0 (where in view), textbook style.

    Call after setting the limits. Tick labels stay on the plot's edges:
    on lines through the origin they would sit on top of the curves.
    """
    axes.spines[:].set_visible(False)
    xlow, xhigh = axes.get_xlim()
    ylow, yhigh = axes.get_ylim()
    if xlow < 0.0 < xhigh:
        axes.axvline(0.0, color=INK, linewidth=1.2, zorder=1.5)
    if ylow < 0.0 < yhigh:
        axes.axhline(0.0, color=INK, linewidth=1.2, zorder=1.5)


def add_legend(figure: Figure, axes: Axes, layout: Layout) -> Legend:
    """All of ``axes``' labelled lines in one row outside the plot, so it hides no data."""
    handles, labels = axes.get_legend_handles_labels()
    return figure.legend(
        handles, labels,
        loc=layout.legend_loc, bbox_to_anchor=layout.legend_anchor,
        ncols=len(handles), handlelength=2.4, columnspacing=1.6,
        borderaxespad=0.0, borderpad=0.0,
    )


def add_fitting_legend(figure: Figure, axes: Axes, layout: Layout) -> Legend:
    """:func:`add_legend`, or, when one row would not fit across the figure, a legend inside the plot
    where it covers the least data (for figures whose labels the author or the data choose)."""
    legend = add_legend(figure, axes, layout)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    if legend.get_window_extent(renderer).width <= 0.98 * figure.bbox.width:
        return legend
    legend.remove()
    return axes.legend(loc="best", frameon=True, framealpha=0.9, edgecolor=GRID, fontsize=LEGEND_SIZE - 1)


def _compact_tick(value: float, _position: int | None) -> str:
    """A tick label such as ``0.5`` or ``−2``, with a true minus sign (a tick formatter)."""
    text = f"{value:.6g}"
    return "0" if text == "-0" else text.replace("-", "\N{MINUS SIGN}")
