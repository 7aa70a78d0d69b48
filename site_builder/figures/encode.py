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
    if not frames:
        raise ValueError("need at least one frame")
    encoder = GifEncoder(palette_for([frames[0], frames[len(frames) // 2], frames[-1]]))
    for frame in frames:
        encoder.add(frame)
    return encoder.finish(durations_ms)


def palette_for(sample_frames: Sequence[np.ndarray], count: int = GIF_COLOURS) -> np.ndarray:
    """The ``count`` commonest colour codes in ``sample_frames``, commonest first.

    Line art is mostly flat colour, so these are the background, grid, text
    and line colours exactly, then their most common anti-aliasing blends.
    The first, middle and last frames of an animation are a good sample.
    """
    codes = np.concatenate([_colour_codes(frame).ravel() for frame in sample_frames])
    colours, counts = np.unique(codes, return_counts=True)
    return colours[np.argsort(-counts, kind="stable")[:count]]


class GifEncoder:
    """Builds a GIF one frame at a time, so an animation never holds its RGBA frames in memory.

    Each frame is reduced to palette indices (1 byte a pixel) as it arrives.
    Frames differ from the first only where something moved, so only those
    pixels are looked up; a colour's nearest palette entry is computed once.
    """

    def __init__(self, palette: np.ndarray) -> None:
        self._palette = palette  # (K,) colour codes
        self._palette_rgb = _code_to_rgb(palette)  # (K, 3)
        self._palette_bytes = self._palette_rgb.astype(np.uint8).tobytes()
        self._known = np.empty(0, dtype=np.uint32)  # sorted colour codes seen so far
        self._nearest = np.empty(0, dtype=np.uint8)  # their palette indices
        self._first: np.ndarray | None = None  # (H, W) codes of the first frame
        self._first_indices: np.ndarray | None = None
        self._images: list[Image.Image] = []

    def add(self, rgba: np.ndarray) -> None:
        """Append one ``(H, W, 4)`` uint8 frame."""
        codes = _colour_codes(rgba)
        if self._first is None:
            self._first, self._first_indices = codes, self._lookup(codes)
        if codes.shape != self._first.shape:
            raise ValueError("all frames must have the same size")
        indices = self._first_indices.copy()
        moved = codes != self._first
        indices[moved] = self._lookup(codes[moved])
        image = Image.frombytes("P", indices.shape[::-1], indices.tobytes())
        image.putpalette(self._palette_bytes)
        self._images.append(image)

    def finish(self, durations_ms: Sequence[int]) -> bytes:
        """The GIF bytes, one duration per frame added."""
        if len(durations_ms) != len(self._images) or not self._images:
            raise ValueError("need one duration per frame, and at least one frame")
        buffer = io.BytesIO()
        self._images[0].save(
            buffer, format="GIF", save_all=True, append_images=self._images[1:],
            duration=list(durations_ms), loop=0, disposal=1, palette=self._palette_bytes, optimize=True,
        )
        return buffer.getvalue()

    def _lookup(self, codes: np.ndarray) -> np.ndarray:
        """Palette indices (uint8, same shape) of the nearest palette colour to each code."""
        new = np.setdiff1d(np.unique(codes), self._known, assume_unique=True)
        if new.size:
            distances = ((_code_to_rgb(new)[:, None, :] - self._palette_rgb[None, :, :]) ** 2).sum(-1)
            known = np.concatenate([self._known, new.astype(np.uint32)])
            nearest = np.concatenate([self._nearest, distances.argmin(axis=1).astype(np.uint8)])
            order = np.argsort(known, kind="stable")
            self._known, self._nearest = known[order], nearest[order]
        return self._nearest[np.searchsorted(self._known, codes)]


def _colour_codes(rgba: np.ndarray) -> np.ndarray:
    """Each pixel's colour as one integer, ``R + G·2⁸ + B·2¹⁶``: ``(H, W, 4)`` uint8 -> ``(H, W)`` uint32."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"frames must be (H, W, 4) uint8 RGBA, got {rgba.shape} {rgba.dtype}")
    return np.ascontiguousarray(rgba).view("<u4")[..., 0] & 0xFFFFFF


def _code_to_rgb(codes: np.ndarray) -> np.ndarray:
    """``(K,)`` colour codes -> ``(K, 3)`` int32 RGB."""
    codes = codes.astype(np.int64)
    return np.stack([codes & 0xFF, (codes >> 8) & 0xFF, (codes >> 16) & 0xFF], axis=-1).astype(np.int32)
