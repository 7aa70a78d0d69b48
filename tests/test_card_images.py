"""Card-sized copies of cover images: made from the cover's pixels, kept by its hash, offered through srcset."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from site_builder.build import build
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed
from site_builder.render import card_images
from site_builder.experiments.specs import card_image_name
from site_builder.render.card_images import CARD_WIDTH, CardImageStore, shrink


def png(width: int, height: int, *, seed: int = 0) -> bytes:
    pixels = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size


def test_a_wide_cover_is_scaled_to_the_card_width_keeping_its_shape() -> None:
    small = shrink(png(1280, 960))
    assert small is not None and size(small) == (CARD_WIDTH, 480)
    assert shrink(png(1280, 960)) == small  # the bytes depend on the pixels alone


def test_a_plot_reduced_to_its_colours_stays_close_to_the_scaled_original() -> None:
    """A plot-like picture: lines of a few hues with anti-aliasing. The copy's 256 colours cost it almost nothing."""
    image = Image.new("RGB", (1280, 960), "white")
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    for k, colour in enumerate([(31, 119, 180), (255, 127, 14), (44, 160, 44), (40, 40, 40)]):
        draw.line([(x, 480 + 300 * np.sin(x / (80 + 40 * k))) for x in range(0, 1280, 8)], fill=colour, width=5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    small = shrink(buffer.getvalue())
    assert small is not None
    with Image.open(io.BytesIO(small)) as copy:
        got = np.asarray(copy.convert("RGB")).astype(int)
    exact = np.asarray(image.resize((640, 480), Image.Resampling.LANCZOS)).astype(int)
    assert np.abs(got - exact).mean() < 0.5


def test_a_flat_colour_stays_that_colour() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 500), (12, 34, 56)).save(buffer, format="PNG")
    small = shrink(buffer.getvalue())
    assert small is not None
    with Image.open(io.BytesIO(small)) as image:
        assert image.size == (CARD_WIDTH, 320) and np.unique(np.asarray(image.convert("RGB")).reshape(-1, 3), axis=0).tolist() == [[12, 34, 56]]


@pytest.mark.parametrize("data", [png(CARD_WIDTH, 480), png(300, 200), b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"not an image"])
def test_covers_no_wider_than_a_card_and_non_raster_files_get_no_copy(data: bytes) -> None:
    assert shrink(data) is None


def test_the_store_makes_each_copy_once_and_remakes_a_damaged_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = card_images.shrink
    monkeypatch.setattr(card_images, "shrink", lambda data: calls.append(1) or real(data))
    store, cover = CardImageStore(tmp_path / "cards"), png(1280, 960)
    first = store.card_image(cover)
    assert store.card_image(cover) == first and len(calls) == 1
    (entry,) = (tmp_path / "cards").iterdir()
    entry.write_bytes(entry.read_bytes()[:-10])  # truncated: its seal no longer holds
    assert store.card_image(cover) == first and len(calls) == 2
    assert store.card_image(png(300, 200)) is None and store.card_image(png(300, 200)) is None and len(calls) == 3  # "no copy" is remembered too


def test_a_read_only_cache_costs_time_not_the_build(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert CardImageStore(blocked / "cards").card_image(png(1280, 960)) is not None


ARTICLE = """---
title: A
date: 2026-01-01
cover: relu.png
figures:
  relu.png: {kind: activation, activation: relu}
---
![ReLU.](relu.png "ReLU.")
"""


def test_the_home_page_card_offers_the_copy_and_the_original(make_project) -> None:
    root = make_project({"content/a/index.md": ARTICLE})
    build(BuildOptions(root=root))
    site = root / "_site"
    card = re.search(r'<img class="article-card__cover"[^>]*>', (site / "index.html").read_text(encoding="utf-8")).group(0)
    assert 'src="a/relu.card.png"' in card and 'srcset="a/relu.card.png 640w, a/relu.png 1280w"' in card
    assert 'sizes="(min-width: 44rem) 16rem, 100vw"' in card and 'width="640" height="480"' in card
    assert size((site / "a/relu.card.png").read_bytes()) == (640, 480)
    assert (site / "a/relu.card.png").read_bytes() == shrink((site / "a/relu.png").read_bytes())


def test_a_file_beside_the_article_with_the_copys_name_is_an_error(make_project) -> None:
    root = make_project({"content/a/index.md": ARTICLE, "content/a/relu.card.png": "x"})
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    assert any("content/a/relu.card.png" in str(p) and "card-sized copy of the cover 'relu.png'" in str(p) for p in failure.value.problems), failure.value.problems


def test_card_image_names() -> None:
    assert card_image_name("a/fit.png") == "a/fit.card.png"
    assert card_image_name("a/fit.poster.png") == "a/fit.poster.card.png"
