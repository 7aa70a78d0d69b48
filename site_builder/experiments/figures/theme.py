"""How the figures read in the page's dark theme: the same image, inverted with its hues turned back.

Figures are drawn once, on white (:mod:`.style`). In the dark theme the
stylesheet shows them through :data:`DARK_FILTER`, a CSS filter that inverts
lightness (white becomes a near-black like the page, ink a light grey) and
then rotates hue by half a turn so blue stays blue and vermillion stays
vermillion. That costs no second image (a dark variant of every PNG, GIF
and poster would double the figures' bytes, and GIF's 1-bit transparency
would fringe a transparent one), it follows the page's theme toggle through
CSS alone, and it applies to the player's canvas as well.

:func:`dark_colour` computes what the filter makes of a colour, as the
Filter Effects specification defines ``invert()`` and ``hue-rotate()`` (on
sRGB values, as browsers apply filter functions), so tests can check the
contrast of every colour the figures use in both themes.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.colors import to_hex, to_rgb

__all__ = ["DARK_FILTER", "INVERT", "contrast_ratio", "dark_colour"]

INVERT = 0.92  # not 1: white becomes #141414, near the dark page (#17181c), not a black hole in it
DARK_FILTER = f"invert({INVERT:g}) hue-rotate(180deg)"


def dark_colour(colour: str) -> str:
    """``colour`` as it shows through :data:`DARK_FILTER`, as ``#rrggbb``."""
    rgb = np.array(to_rgb(colour))
    inverted = rgb * (1 - INVERT) + (1 - rgb) * INVERT
    return to_hex(np.clip(_hue_rotation(180.0) @ inverted, 0.0, 1.0))


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _hue_rotation(degrees: float) -> np.ndarray:
    """The ``feColorMatrix type="hueRotate"`` matrix (Filter Effects Module Level 1)."""
    c, s = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    return np.array([
        [0.213 + c * 0.787 - s * 0.213, 0.715 - c * 0.715 - s * 0.715, 0.072 - c * 0.072 + s * 0.928],
        [0.213 - c * 0.213 + s * 0.143, 0.715 + c * 0.285 + s * 0.140, 0.072 - c * 0.072 - s * 0.283],
        [0.213 - c * 0.213 - s * 0.787, 0.715 - c * 0.715 + s * 0.715, 0.072 + c * 0.928 + s * 0.072],
    ])


def _luminance(colour: str) -> float:
    """WCAG relative luminance."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
