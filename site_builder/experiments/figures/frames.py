"""A training animation as data, for the page's player: ``<stem>.frames.js`` beside ``<stem>.gif``.

The GIF cannot be paused, scrubbed or slowed, so pages that run JavaScript
replace it with a player (``static/player.js``) that redraws the same run on a
canvas. This module writes what the player draws, as a small script that a
``<script src>`` can load even from ``file://`` (where ``fetch`` fails)::

    window.siteBuilderAnimations = window.siteBuilderAnimations || {};
    window.siteBuilderAnimations["fit.gif"] = {...};

The object is JSON (sorted keys, fixed rounding: same run, same bytes):

* ``x``, ``target``: the target on :data:`PLAYER_GRID_POINTS` points of the
  training grid (ends included); ``train_x``, ``train_y``: the training data;
  all rounded to 4 significant digits.
* ``steps``, ``losses``: one per snapshot, losses exact (shortest round-trip).
* ``poster``: the index of the frame the poster shows, which readers who
  prefer reduced motion see (see :func:`~.animation.poster_frame`).
* ``xlim``, ``ylim``, ``title``, ``fps``, ``frame_ms``, ``hold_ms``: as the GIF
  uses them; ``look``: the colours and line widths of :mod:`style`;
  ``layout``: where the title, status line and plot go (figure fractions).
* ``quantum`` and ``prediction``: the model's curve on ``x`` for every
  snapshot, as integers ``q`` with value ``q * quantum`` (``quantum`` is a power
  of ten, 1/10 000 to 1/100 000 of the plot's height: far finer than a
  pixel), differenced along training and then along x (so a curve that moves
  little, or a line, costs ~1 character per point), zig-zag signed and
  written as base-64 VLQ (as in source maps). See :func:`encode_curves`.
* ``neurons`` (``neurons`` figures only): ``colours`` and ``dashes`` (px),
  ``contributions`` (one encoded string per hidden unit, like ``prediction``)
  and ``bias`` (the output bias per snapshot, 4 significant digits); and
  ``legend``: its rows, top first, each a list of ``[label, line]``.

A figure drawn by an author's own code has no run to redraw, so its data is
of ``kind: "raster"`` (:func:`raster_frames`): the GIF itself, base64, which
the player decodes frame by frame, with ``labels`` (one per frame, for the
status line), ``frame_ms`` and ``hold_ms``. A reader with scripts then
downloads this file instead of the GIF, never both.
"""

from __future__ import annotations

import base64
import json

import numpy as np

from site_builder.experiments.figures.runs import TrainingResult
from site_builder.experiments.figures import style
from site_builder.experiments.figures.animation import FINAL_HOLD_MS, frame_durations, poster_frame, training_y_limits
from site_builder.experiments.figures.neurons import BIAS, NEURON, legend_rows, neuron_looks, neurons_layout, neurons_y_limits, snapshot_parts

__all__ = ["FORMAT_VERSION", "PLAYER_GRID_POINTS", "encode_curves", "neurons_frames", "raster_frames", "training_frames"]

FORMAT_VERSION = 1
PLAYER_GRID_POINTS = 128  # plenty for curves 640 px wide; half the training grid
QUANTUM_DIGITS = 4  # quantum = 10 ** (floor(log10(plot height)) - QUANTUM_DIGITS)
MAX_QUANTA = 2**40  # a diverging curve is clipped far off the plot, within JS's exact integers
_VLQ_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_POINTS_PER_PX = style.SCREEN_DPI / 72  # line widths and font sizes are in points at SCREEN_DPI


def training_frames(result: TrainingResult, *, name: str, title: str, fps: int) -> bytes:
    """The player's script for the training animation ``name`` of ``result``."""
    data = _common(result, title=title, fps=fps, ylim=training_y_limits(result))
    data["kind"] = "training"
    return _script(name, data)


def neurons_frames(result: TrainingResult, *, name: str, title: str, fps: int) -> bytes:
    """The player's script for the neurons animation ``name``: the training data plus each neuron's share."""
    data = _common(result, title=title, fps=fps, ylim=neurons_y_limits(result))
    parts = [snapshot_parts(s) for s in result.snapshots]
    contributions = np.stack([c for c, _ in parts])[:, _grid_indices(result), :]  # (F, G', H)
    quantum = data["quantum"]
    looks = neuron_looks(result)
    data["kind"] = "neurons"
    data["layout"] = _layout(neurons_layout(result))
    data["legend"] = [[[label, _line(look)] for label, look in row] for row in legend_rows(result)]
    data["neurons"] = {
        "bias": [_round(b) for _, b in parts],
        "colours": [look.color for look in looks],
        "dashes": [_line(look)["dash"] for look in looks],
        "contributions": [encode_curves(contributions[:, :, i], quantum) for i in range(contributions.shape[2])],
    }
    return _script(name, data)


def raster_frames(gif: bytes, *, name: str, labels: list[str], fps: int) -> bytes:
    """The player's script for an animation it can only show as pictures: the GIF, and a label per frame."""
    data = {
        "kind": "raster",
        "version": FORMAT_VERSION,
        "gif": base64.b64encode(gif).decode("ascii"),
        "labels": labels,
        "frame_ms": frame_durations(2, fps)[0],
        "hold_ms": FINAL_HOLD_MS,
    }
    return _script(name, data)


def encode_curves(curves: np.ndarray, quantum: float) -> str:
    """``(F, G)`` curves (one row per frame) as one VLQ string of ``F * G`` quantised second differences.

    Decoding: read ``F * G`` zig-zag VLQ integers; within each row take the
    running sum along x (this gives the row's change since the previous row),
    then add the previous row's values; multiply by ``quantum``.
    """
    finite = np.nan_to_num(np.asarray(curves, dtype=float) / quantum, nan=0.0, posinf=MAX_QUANTA, neginf=-MAX_QUANTA)
    quanta = np.clip(np.round(finite), -MAX_QUANTA, MAX_QUANTA).astype(np.int64)  # (F, G)
    differences = np.diff(np.diff(quanta, axis=0, prepend=0), axis=1, prepend=0)  # (F, G)
    return "".join(_vlq(int(value)) for value in differences.ravel())


def _vlq(value: int) -> str:
    """One integer as base-64 VLQ: zig-zag sign, 5 bits a digit, bit 6 set on every digit but the last."""
    unsigned = 2 * value if value >= 0 else -2 * value - 1
    digits = []
    while True:
        unsigned, low = divmod(unsigned, 32)
        digits.append(_VLQ_DIGITS[low + (32 if unsigned else 0)])
        if not unsigned:
            return "".join(digits)


def _common(result: TrainingResult, *, title: str, fps: int, ylim: tuple[float, float]) -> dict[str, object]:
    """What both kinds of player data share: axes, target, data, steps, losses and the prediction."""
    indices = _grid_indices(result)
    quantum = 10.0 ** (np.floor(np.log10(ylim[1] - ylim[0])) - QUANTUM_DIGITS)
    predictions = np.stack([s.prediction for s in result.snapshots])[:, indices]  # (F, G')
    durations = frame_durations(len(result.snapshots), fps)
    return {
        "version": FORMAT_VERSION,
        "title": title,
        "fps": fps,
        "frame_ms": durations[0],
        "hold_ms": FINAL_HOLD_MS,
        "xlim": [_round(result.grid_x[0]), _round(result.grid_x[-1])],
        "ylim": [_round(ylim[0]), _round(ylim[1])],
        "x": [_round(v) for v in result.grid_x[indices]],
        "target": [_round(v) for v in result.target_y[indices]],
        "train_x": [_round(v) for v in result.train_x],
        "train_y": [_round(v) for v in result.train_y],
        "steps": [s.step for s in result.snapshots],
        "losses": [float(s.loss) for s in result.snapshots],
        "poster": poster_frame(result),
        "quantum": float(f"{quantum:.0e}"),
        "prediction": encode_curves(predictions, quantum),
        "look": _look(),
        "layout": _layout(),
    }


def _grid_indices(result: TrainingResult) -> np.ndarray:
    """At most :data:`PLAYER_GRID_POINTS` evenly spread indices into the training grid, both ends included."""
    size = len(result.grid_x)
    return np.unique(np.round(np.linspace(0, size - 1, min(size, PLAYER_GRID_POINTS))).astype(int))


def _look() -> dict[str, object]:
    """Colours, and widths in px at 640 px wide, of every role the figures draw."""

    line = _line
    return {
        "background": style.BACKGROUND, "ink": style.INK, "muted": style.MUTED_INK, "grid": style.GRID,
        "target": line(style.TARGET), "prediction": line(style.PREDICTION), "neuron": line(NEURON), "bias": line(BIAS),
        "points": {"colour": style.TRAINING_POINTS.color, "radius": _round(style.TRAINING_POINTS.markersize * _POINTS_PER_PX / 2)},
        "font": style.FONT_FAMILY,
        "sizes": {key: _round(size * _POINTS_PER_PX) for key, size in
                  {"title": style.TITLE_SIZE, "label": style.LABEL_SIZE, "tick": style.TICK_SIZE, "legend": style.LEGEND_SIZE}.items()},
    }


def _line(look: style.LineLook) -> dict[str, object]:
    """A line's colour, and its width and dash pattern in px at 640 px wide."""
    dashes = [] if isinstance(look.linestyle, str) else [d * look.linewidth for d in look.linestyle[1]]
    return {"colour": look.color, "width": _round(look.linewidth * _POINTS_PER_PX), "dash": [_round(d * _POINTS_PER_PX) for d in dashes]}


def _layout(layout: style.Layout = style.LEGEND_BELOW) -> dict[str, object]:
    return {
        "width": round(style.PAGE_INCHES[0] * style.SCREEN_DPI), "height": round(style.PAGE_INCHES[1] * style.SCREEN_DPI),
        "axes": [_round(v) for v in layout.axes_rect], "margin_left": style.MARGIN_LEFT,
        "title_top": style.TITLE_TOP, "status_top": style.SUBTITLE_TOP,
    }


def _round(value: float) -> float:
    """4 significant digits, as a plain float (JSON then writes it the same way every time)."""
    return float(f"{float(value):.4g}")


def _script(name: str, data: dict[str, object]) -> bytes:
    payload = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    key = json.dumps(name, ensure_ascii=True)
    return (
        "window.siteBuilderAnimations = window.siteBuilderAnimations || {};\n"
        f"window.siteBuilderAnimations[{key}] = {payload};\n"
    ).encode("ascii")
