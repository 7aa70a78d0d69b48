"""What an author's ``make(params, rng)`` returned, checked and turned into a figure's files.

* For a ``.png``: a matplotlib ``Figure``, drawn at the stills' 2x resolution
  (:data:`~site_builder.experiments.figures.style.STILL_DPI`).
* Either, wrapped in :class:`Measured` with the numbers it measured, so the
  article's text can quote them (``{{ figure("pieces.png").deep.pieces }}``).
* For a ``.gif``: an iterable of frames, each a ``Figure`` (drawn at 1x), an
  ``(H, W, 3)`` uint8 array, or a :class:`Frame` that adds a label for the
  player's status line. Every frame has the same size. The frames get the
  built-in animations' treatment: one GIF through our own encoder (one
  palette, only changed pixels stored), the last frame as the poster, and
  player data so the page can pause, step and scrub it.

Frames are drawn one at a time and kept zlib-compressed until the GIF is
written, so a long animation does not hold hundreds of raw frames in memory.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import frame_durations
from site_builder.experiments.figures.encode import GifEncoder, palette_for
from site_builder.experiments.figures.frames import raster_frames
from site_builder.experiments.specs import RESULTS_FILE, frames_name, poster_name

MAX_FRAMES = 500
MAX_FRAME_PIXELS = 1920 * 1440  # an animation frame (1x)
MAX_STILL_PIXELS = 4096 * 3072  # a still (2x)


@dataclass(frozen=True)
class Frame:
    """One frame of an author's animation, with the text the player shows for it ("epoch 3", say)."""

    picture: Figure | np.ndarray
    label: str = ""


@dataclass(frozen=True)
class Measured:
    """A figure (what ``make`` would return otherwise) and the numbers its run measured, for the text.

    ``numbers`` maps names to numbers, strings, true/false, null, lists and
    mappings of them; the article quotes them as it quotes a built-in
    figure's: ``return Measured(figure, {"deep": {"pieces": 17}})`` is read by
    ``{{ figure("pieces.png").deep.pieces }}``.
    """

    picture: object
    numbers: Mapping[str, object] = field(default_factory=dict)

    def __iter__(self):  # type: ignore[no-untyped-def]
        """An animation's frames, so a notebook's ``list(make(...))`` works with or without the numbers."""
        return iter(self.picture)  # type: ignore[call-overload]

    def _repr_png_(self) -> bytes | None:
        """Jupyter shows a still as its picture, not as this wrapper."""
        if not isinstance(self.picture, Figure):
            return None
        return style.encode_png(style.figure_pixels(self.picture, style.SCREEN_DPI))


class WrongResult(Exception):
    """The function returned something a figure cannot be made of; the message says what and what was expected."""


def figure_files(name: str, result: object, fps: int) -> dict[str, bytes]:
    """The files of the figure ``name`` from ``result``, what the author's function returned."""
    if isinstance(result, Measured):
        return _picture_files(name, result.picture, fps) | {RESULTS_FILE: _numbers_file(result.numbers)}
    return _picture_files(name, result, fps)


def _numbers_file(numbers: object) -> bytes:
    """``Measured.numbers`` as the figure's results file; refuses what the text could not quote."""
    if not isinstance(numbers, Mapping) or not all(isinstance(key, str) for key in numbers):
        raise WrongResult(f"returned Measured with numbers that are {_what(numbers)}; they must be a dict with string keys, like {{\"pieces\": 17}}")
    _check_plain(numbers, "numbers")
    return json.dumps(numbers, sort_keys=True, allow_nan=False).encode("utf-8")


def _check_plain(value: object, where: str) -> None:
    """Raise WrongResult unless ``value`` is made of JSON values only (numpy scalars are the usual slip)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise WrongResult(f"returned Measured whose {where} has the key {key!r}; keys must be strings")
            _check_plain(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_plain(item, f"{where}[{index}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise WrongResult(f"returned Measured whose {where} is {value}; a number for the text must be finite")
    elif not (value is None or isinstance(value, (bool, int, float, str))):
        raise WrongResult(f"returned Measured whose {where} is {_what(value)}; use plain numbers, strings, lists and dicts (float(x) or int(x) for numpy values)")


def _picture_files(name: str, result: object, fps: int) -> dict[str, bytes]:
    if name.endswith(".png"):
        if not isinstance(result, Figure):
            raise WrongResult(f"returned {_what(result)}; a .png figure needs a matplotlib Figure (figure, axes = site_builder.lab.new_figure(...); ...; return figure)")
        _check_size(result, style.STILL_DPI, "the figure", MAX_STILL_PIXELS)
        return {name: style.encode_png(style.figure_pixels(result, style.STILL_DPI))}
    if isinstance(result, (Figure, str, bytes)) or result is None or not isinstance(result, Iterable):
        raise WrongResult(f"returned {_what(result)}; a .gif figure needs its frames: a list (or generator) of Figures, of (H, W, 3) uint8 arrays, or of site_builder.lab.Frame")
    store = _FrameStore()
    for number, item in enumerate(result, start=1):  # type: ignore[arg-type]
        store.add(number, item)
    if not store.frames:
        raise WrongResult("returned no frames; a .gif figure needs at least one")
    gif, poster = store.encode(fps)
    labels = store.labels if any(store.labels) else [f"frame {i} of {len(store.frames)}" for i in range(1, len(store.frames) + 1)]
    return {name: gif, poster_name(name): poster, frames_name(name): raster_frames(gif, name=name, labels=labels, fps=fps)}


class _FrameStore:
    """Frames as they arrive, compressed, all of one size."""

    def __init__(self) -> None:
        self.frames: list[bytes] = []
        self.labels: list[str] = []
        self.shape: tuple[int, ...] | None = None

    def add(self, number: int, item: object) -> None:
        if len(self.frames) >= MAX_FRAMES:
            raise WrongResult(f"returned more than {MAX_FRAMES} frames; an animation may have at most {MAX_FRAMES}")
        label = ""
        if isinstance(item, Frame):
            item, label = item.picture, str(item.label)
        pixels = _pixels(number, item)
        if self.shape is None:
            self.shape = pixels.shape
        elif pixels.shape != self.shape:
            raise WrongResult(f"frame {number} is {pixels.shape[1]}×{pixels.shape[0]} pixels but frame 1 is {self.shape[1]}×{self.shape[0]}; every frame needs the same size")
        self.frames.append(zlib.compress(pixels.tobytes(), 1))
        self.labels.append(label)

    def rgba(self, index: int) -> np.ndarray:
        assert self.shape is not None
        rgb = np.frombuffer(zlib.decompress(self.frames[index]), dtype=np.uint8).reshape(self.shape)
        return np.dstack([rgb, np.full(rgb.shape[:2], 255, dtype=np.uint8)])

    def encode(self, fps: int) -> tuple[bytes, bytes]:
        """The GIF and its poster (the last frame, exactly)."""
        count = len(self.frames)
        encoder = GifEncoder(palette_for([self.rgba(0), self.rgba(count // 2), self.rgba(count - 1)]))
        for index, duration in enumerate(frame_durations(count, fps)):
            encoder.add(self.rgba(index), duration)
        return encoder.finish(), style.encode_png(np.ascontiguousarray(self.rgba(count - 1)[..., :3]))


def _pixels(number: int, item: object) -> np.ndarray:
    """One frame as ``(H, W, 3)`` uint8."""
    if isinstance(item, Figure):
        _check_size(item, style.SCREEN_DPI, f"frame {number}", MAX_FRAME_PIXELS)
        return style.figure_pixels(item, style.SCREEN_DPI)
    if isinstance(item, np.ndarray):
        if item.ndim != 3 or item.shape[2] != 3 or item.dtype != np.uint8:
            raise WrongResult(f"frame {number} is an array of shape {item.shape} and type {item.dtype}; a frame array must be (H, W, 3) uint8")
        if item.shape[0] * item.shape[1] > MAX_FRAME_PIXELS:
            raise WrongResult(f"frame {number} is {item.shape[1]}×{item.shape[0]} pixels; a frame may have at most {MAX_FRAME_PIXELS} pixels")
        return np.ascontiguousarray(item)
    raise WrongResult(f"frame {number} is {_what(item)}; a frame must be a Figure, an (H, W, 3) uint8 array or a site_builder.lab.Frame")


def _check_size(figure: Figure, dpi: int, what: str, limit: int) -> None:
    """Refuse, before drawing it, a figure whose pixels at ``dpi`` would pass ``limit``."""
    width, height = (round(inches * dpi) for inches in figure.get_size_inches())
    if width * height > limit:
        raise WrongResult(f"{what} would be {width}×{height} pixels, more than the {limit} allowed; make it smaller (site_builder.lab.new_figure() is 640×480)")


def _what(value: object) -> str:
    """``value`` as a message names it: ``None``, ``a list``, ``an int``."""
    if value is None:
        return "None"
    name = type(value).__name__
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"
