"""GIF encoding for line-art animations: one shared palette, only changed pixels stored.

Pillow's own quantiser picks a palette per frame, so colours shift from frame
to frame and flat areas flicker; :func:`encode_gif` picks one palette for the
whole animation from the colours the frames really use.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from PIL import Image

GIF_COLOURS = 32  # one palette for the whole animation: flat line art needs few


def encode_gif(frames: Sequence[np.ndarray], durations_ms: Sequence[int]) -> bytes:
    """A GIF that loops forever, from ``(H, W, 4)`` uint8 opaque RGBA frames.

    All frames share one palette: the animation's most frequent exact
    colours, so the white background and the palette's line colours come
    through unchanged and nothing flickers. Every pixel maps to its nearest
    palette colour, without dithering, which would sprinkle noise over flat
    areas. Pillow then stores each frame as the rectangle that changed,
    unchanged pixels transparent, which LZW compresses to almost nothing.
    """
    if len(frames) != len(durations_ms) or not frames:
        raise ValueError("need one duration per frame, and at least one frame")
    codes = [_colour_codes(frame) for frame in frames]
    palette = _frequent_colours(codes, GIF_COLOURS)
    palette_bytes = _code_to_rgb(palette).astype(np.uint8).tobytes()
    images = []
    for indices in _palette_indices(codes, palette):
        image = Image.frombytes("P", indices.shape[::-1], indices.tobytes())
        image.putpalette(palette_bytes)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(
        buffer, format="GIF", save_all=True, append_images=images[1:],
        duration=list(durations_ms), loop=0, disposal=1, palette=palette_bytes, optimize=True,
    )
    return buffer.getvalue()


def _colour_codes(rgba: np.ndarray) -> np.ndarray:
    """Each pixel's colour as one integer, ``R + G·2⁸ + B·2¹⁶``: ``(H, W, 4)`` uint8 -> ``(H, W)`` uint32."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"frames must be (H, W, 4) uint8 RGBA, got {rgba.shape} {rgba.dtype}")
    return np.ascontiguousarray(rgba).view("<u4")[..., 0] & 0xFFFFFF


def _code_to_rgb(codes: np.ndarray) -> np.ndarray:
    """``(K,)`` colour codes -> ``(K, 3)`` int32 RGB."""
    return np.stack([codes & 0xFF, (codes >> 8) & 0xFF, (codes >> 16) & 0xFF], axis=-1).astype(np.int32)


def _frequent_colours(codes: Sequence[np.ndarray], count: int) -> np.ndarray:
    """The ``count`` commonest colour codes in the first, middle and last frames, commonest first.

    Line art is mostly flat colour, so these are the background, grid, text
    and line colours exactly, then their most common anti-aliasing blends.
    """
    sample = np.concatenate([codes[0].ravel(), codes[len(codes) // 2].ravel(), codes[-1].ravel()])
    colours, counts = np.unique(sample, return_counts=True)
    return colours[np.argsort(-counts, kind="stable")[:count]]


def _palette_indices(codes: Sequence[np.ndarray], palette: np.ndarray) -> list[np.ndarray]:
    """Each frame as ``(H, W)`` uint8 indices of the nearest ``palette`` colour.

    Frames differ from the first only where something moved, so only those
    pixels are looked up per frame; the rest reuse the first frame's indices.
    """
    first = codes[0]
    changed = [frame != first for frame in codes]
    colours = np.unique(np.concatenate([first.ravel(), *(f[m] for f, m in zip(codes, changed))]))
    distances = ((_code_to_rgb(colours)[:, None, :] - _code_to_rgb(palette)[None, :, :]) ** 2).sum(-1)
    nearest = distances.argmin(axis=1).astype(np.uint8)  # (K,) palette index per distinct colour
    first_indices = nearest[np.searchsorted(colours, first)]
    indices = []
    for frame, moved in zip(codes, changed):
        frame_indices = first_indices.copy()
        frame_indices[moved] = nearest[np.searchsorted(colours, frame[moved])]
        indices.append(frame_indices)
    return indices
