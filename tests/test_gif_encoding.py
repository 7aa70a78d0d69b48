"""The GIF encoder: frames decode to what they were given, exactly where colours fit the palette and differ plainly."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageSequence

from site_builder.experiments.figures.encode import LZW_BITS, UNSEEN_CHANGE, GifEncoder, encode_gif

COLOURS = np.array([[255, 255, 255], [31, 119, 180], [255, 127, 14], [40, 40, 40], [200, 200, 200]], dtype=np.uint8)


def line_art(count: int, seed: int) -> list[np.ndarray]:
    """Frames like a training animation's: a still background and a few moving coloured strokes."""
    rng = np.random.default_rng(seed)
    background = np.full((60, 80, 3), 255, dtype=np.uint8)
    background[::10, :] = COLOURS[4]  # grid lines
    background[50:, 5:40] = COLOURS[3]  # a label that never moves
    frames = []
    for k in range(count):
        frame = background.copy()
        for colour in (1, 2):
            row, start = int(rng.integers(0, 58)), int(rng.integers(0, 60))
            frame[row : row + 2, start : start + int(rng.integers(5, 20))] = COLOURS[colour]
        if k % 3 == 0:
            frame[rng.integers(0, 60, 30), rng.integers(0, 80, 30)] = COLOURS[rng.integers(0, 5, 30)]  # scattered changes
        frames.append(np.dstack([frame, np.full(frame.shape[:2], 255, dtype=np.uint8)]))
    return frames


@pytest.mark.parametrize("seed", range(5))
def test_every_decoded_frame_is_its_source_frame(seed: int) -> None:
    frames = line_art(12, seed)
    frames.insert(5, frames[4].copy())  # a frame that changes nothing still counts as a frame
    gif = encode_gif(frames, [50] * len(frames))
    decoded = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(Image.open(io.BytesIO(gif)))]
    assert len(decoded) == len(frames)
    for k, (got, want) in enumerate(zip(decoded, frames)):
        np.testing.assert_array_equal(got, want[..., :3], err_msg=f"frame {k}")


def decode(gif: bytes) -> list[np.ndarray]:
    return [np.asarray(f.convert("RGB")).astype(int) for f in ImageSequence.Iterator(Image.open(io.BytesIO(gif)))]


def test_a_slow_fade_is_drawn_in_steps_that_never_stray_past_the_tolerance() -> None:
    """Each frame darkens a block by 3 levels, too little to redraw; the error is held to UNSEEN_CHANGE, not allowed to build up."""
    levels = [255 - 3 * k for k in range(20)]
    frames = []
    for level in levels:
        frame = np.full((20, 30, 4), 255, dtype=np.uint8)
        frame[5:15, 5:25, :3] = level
        frames.append(frame)
    palette = np.array([level * 0x010101 for level in levels], dtype=np.uint32)  # every grey exactly in the palette
    encoder = GifEncoder(palette)
    for frame in frames:
        encoder.add(frame, 50)
    decoded = decode(encoder.finish())
    errors = [int(np.abs(got - want[..., :3].astype(int)).max()) for got, want in zip(decoded, frames)]
    assert max(errors) <= UNSEEN_CHANGE and errors[0] == 0, errors
    assert decoded[-1][10, 10, 0] < 255 - UNSEEN_CHANGE  # the block did follow the fade
    assert int(np.abs(decoded[-1] - frames[-1][..., :3]).max()) <= UNSEEN_CHANGE


def test_the_lzw_code_size_is_the_palettes() -> None:
    """Each frame declares LZW_BITS (the byte after its image descriptor and palette), and decodes as above."""
    gif = encode_gif(line_art(3, 0), [50] * 3)
    descriptors = [k for k in range(len(gif) - 10) if gif[k] == 0x2C and gif[k - 1] == 0 and gif[k - 8] == 0x21]
    assert len(descriptors) == 3
    assert all(gif[k + 10] == LZW_BITS for k in descriptors), [gif[k + 10] for k in descriptors]
