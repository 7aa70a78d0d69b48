"""GIF encoding for line-art animations: one shared palette, only changed pixels stored.

Pillow's own quantiser picks a palette per frame, so colours shift from frame
to frame and flat areas flicker; :func:`encode_gif` picks one palette for the
whole animation from the colours the frames really use.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
from PIL import GifImagePlugin, Image

GIF_COLOURS = 32  # one palette for the whole animation: flat line art needs few
UNCHANGED = GIF_COLOURS - 1  # the transparent index: "this pixel is as in the frame before"
LZW_BITS = (GIF_COLOURS - 1).bit_length()  # the LZW code size the palette needs: 5 bits, not the 8 Pillow writes
UNSEEN_CHANGE = 8  # of 255 per channel: a pixel whose new colour is this close to what it shows is left as it is


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
    if len(frames) != len(durations_ms):
        raise ValueError("need one duration per frame")
    encoder = GifEncoder(palette_for([frames[0], frames[len(frames) // 2], frames[-1]]))
    for frame, duration in zip(frames, durations_ms):
        encoder.add(frame, duration)
    return encoder.finish()


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
    """Writes a GIF one frame at a time, holding only the previous frame: memory stays flat.

    Each RGBA frame is reduced to palette indices as it arrives (only the
    pixels that differ from the first frame are looked up; a colour's nearest
    palette entry is computed once). The first frame is stored whole; every
    later one as the rectangle that changed since the previous frame, with the
    unchanged pixels inside it transparent, which LZW compresses to almost
    nothing. The GIF container is written here; each frame's LZW data comes
    from Pillow's public per-frame encoder (``GifImagePlugin.getdata``), told
    to use the palette's own code size (:data:`LZW_BITS`), which saves about
    5% of the bytes over Pillow's fixed 8 bits with the same pixels.

    A pixel counts as changed only when its new colour differs from the colour
    it shows by more than :data:`UNSEEN_CHANGE` levels in some channel: the
    faint shifts of anti-aliasing as a line moves by a fraction of a pixel are
    not redrawn (another 5%). The comparison is with what the reader sees, not
    with the frame before, so the difference never builds up: every pixel of
    every decoded frame is within that tolerance of the exact frame.
    """

    def __init__(self, palette: np.ndarray, size: tuple[int, int] | None = None) -> None:
        palette = palette[: GIF_COLOURS - 1]  # the last index is reserved for "unchanged"
        self._palette = palette  # (K,) colour codes
        self._palette_rgb = _code_to_rgb(palette)  # (K, 3)
        table = np.zeros((GIF_COLOURS, 3), dtype=np.uint8)
        table[: len(palette)] = self._palette_rgb
        self._palette_bytes = table.tobytes()
        self._known = np.empty(0, dtype=np.uint32)  # sorted colour codes seen so far
        self._nearest = np.empty(0, dtype=np.uint8)  # their palette indices
        self._first: np.ndarray | None = None  # (H, W) codes of the first frame
        self._first_indices: np.ndarray | None = None
        self._shown: np.ndarray | None = None  # (H, W) indices a decoder shows after the frames so far
        self._chunks: list[bytes] = []
        self.frames = 0

    def add(self, rgba: np.ndarray, duration_ms: int) -> None:
        """Append one ``(H, W, 4)`` uint8 frame, shown for ``duration_ms``."""
        codes = _colour_codes(rgba)
        if self._first is None:
            self._first, self._first_indices = codes, self._lookup(codes)
            self._chunks.append(self._header(codes.shape))
        if codes.shape != self._first.shape:
            raise ValueError("all frames must have the same size")
        indices = self._first_indices.copy()
        moved = codes != self._first
        indices[moved] = self._lookup(codes[moved])
        if self._shown is not None:
            unseen = np.abs(self._palette_rgb[indices] - self._palette_rgb[self._shown]).max(axis=-1) <= UNSEEN_CHANGE
            indices[unseen] = self._shown[unseen]
        self._chunks.extend(self._frame(indices, duration_ms))
        self._shown = indices
        self.frames += 1

    def finish(self) -> bytes:
        """The GIF's bytes."""
        if not self.frames:
            raise ValueError("a GIF needs at least one frame")
        return b"".join([*self._chunks, b";"])

    def _header(self, shape: tuple[int, ...]) -> bytes:
        """GIF89a signature, screen descriptor with the global palette, and 'loop forever'."""
        height, width = shape
        size_bits = GIF_COLOURS.bit_length() - 2  # the table holds 2 ** (size_bits + 1) colours
        screen = struct.pack("<HHBBB", width, height, 0x80 | 0x70 | size_bits, 0, 0)
        loop = b"!\xff\x0bNETSCAPE2.0\x03\x01" + struct.pack("<H", 0) + b"\x00"
        return b"GIF89a" + screen + self._palette_bytes + loop

    def _frame(self, indices: np.ndarray, duration_ms: int) -> list[bytes]:
        """One frame's graphic control, descriptor and LZW data: whole, or what changed."""
        params = {"duration": duration_ms, "disposal": 1}
        if self._shown is None:
            return _lzw_frame(self._image(indices), (0, 0), **params)
        changed = indices != self._shown
        if not changed.any():
            changed[0, 0] = True  # keep one frame per snapshot: a single transparent pixel
            indices = indices.copy()
            indices[0, 0] = UNCHANGED
        rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        top, bottom, left, right = rows[0], rows[-1] + 1, columns[0], columns[-1] + 1
        patch = np.where(changed[top:bottom, left:right], indices[top:bottom, left:right], UNCHANGED).astype(np.uint8)
        return _lzw_frame(self._image(patch), (int(left), int(top)), transparency=UNCHANGED, **params)

    def _image(self, indices: np.ndarray) -> Image.Image:
        image = Image.frombytes("P", indices.shape[::-1], np.ascontiguousarray(indices).tobytes())
        image.putpalette(self._palette_bytes)
        return image

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


def _lzw_frame(image: Image.Image, offset: tuple[int, int], **params: object) -> list[bytes]:
    """One frame's chunks from Pillow's per-frame GIF writer, its LZW data at :data:`LZW_BITS` bits a code.

    Pillow's writer always declares and uses a code size of 8; its encoder takes
    the size as the image's ``encoderconfig``, and the declaration is the lone
    byte before the data. Should a later Pillow lay the chunks out otherwise,
    the frame is written at Pillow's own size instead: larger, never wrong.
    """
    image.encoderconfig = (LZW_BITS, False)
    chunks = GifImagePlugin.getdata(image, offset, **params)
    declared = [k for k, chunk in enumerate(chunks) if chunk == b"\x08"]
    if len(declared) != 1:
        image.encoderconfig = ()
        return GifImagePlugin.getdata(image, offset, **params)
    chunks[declared[0]] = bytes([LZW_BITS])
    return chunks


def _colour_codes(rgba: np.ndarray) -> np.ndarray:
    """Each pixel's colour as one integer, ``R + G·2⁸ + B·2¹⁶``: ``(H, W, 4)`` uint8 -> ``(H, W)`` uint32."""
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"frames must be (H, W, 4) uint8 RGBA, got {rgba.shape} {rgba.dtype}")
    return np.ascontiguousarray(rgba).view("<u4")[..., 0] & 0xFFFFFF


def _code_to_rgb(codes: np.ndarray) -> np.ndarray:
    """``(K,)`` colour codes -> ``(K, 3)`` int32 RGB."""
    codes = codes.astype(np.int64)
    return np.stack([codes & 0xFF, (codes >> 8) & 0xFF, (codes >> 16) & 0xFF], axis=-1).astype(np.int32)
