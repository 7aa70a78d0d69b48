"""The small copies of cover images that article cards show, made once per cover and kept in the cache.

A listing card shows its article's cover at 16rem (256 CSS pixels) on wide
screens and across the screen on phones, but figures are drawn at 1280 px.
Each cover wider than :data:`CARD_WIDTH` therefore gets a copy at that width,
``<stem>.card.png`` beside it; the card offers both through ``srcset`` and the
browser takes the smaller one wherever it is sharp enough (desktops), the
original where it is not (most phones).

A copy is a pure function of the cover's bytes, so the store keeps it under
the SHA-256 of those bytes, sealed like every cache entry
(:mod:`site_builder.cache_seal`): an edit that leaves the figures alone
resizes nothing.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from site_builder.cache_seal import read_sealed, write_sealed
from site_builder.experiments.specs import card_image_name, poster_name

if TYPE_CHECKING:
    from site_builder.load.content import Article

CARD_WIDTH = 640  # px: 16rem at 2.5 device pixels per CSS pixel
_VERSION = "2"  # bump when the resizing below changes, so stored copies are made again
_KIND = "card-images"


def shrink(data: bytes, width: int = CARD_WIDTH) -> bytes | None:
    """A PNG of the image ``data`` scaled to ``width`` pixels wide, or ``None`` if it is no wider (or not a raster image).

    Lanczos keeps thin plot lines and small text legible at half size; an
    opaque image is then reduced to 256 colours without dithering (on the
    example site's covers the mean error is under 0.2 of 255 levels, for a
    third of the bytes). The PNG has no metadata chunks, so the bytes depend
    on the pixels alone.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in ("PNG", "JPEG") or image.width <= width:
                return None
            height = max(1, round(image.height * width / image.width))
            small = image.convert("RGBA" if "A" in image.getbands() else "RGB").resize((width, height), Image.Resampling.LANCZOS)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    if small.mode == "RGB":  # a plot has few hues: 256 colours, undithered, make a third of the bytes
        small = small.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    small.save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()


class CardImageStore:
    """Card copies kept by the hash of the cover they were made from (``None`` as folder: keep nothing)."""

    def __init__(self, folder: Path | None) -> None:
        self._folder = folder

    def card_image(self, cover: bytes) -> bytes | None:
        """The card copy of ``cover`` (see :func:`shrink`), from the store when a verified one is there."""
        if self._folder is None:
            return shrink(cover)
        entry = self._folder / f"{hashlib.sha256(cover).hexdigest()}-{CARD_WIDTH}-v{_VERSION}"
        stored = read_sealed(entry, _KIND)
        if stored is not None:
            return stored or None  # an empty entry: the cover needs no copy
        small = shrink(cover)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_sealed(entry, _KIND, small or b"")
        except OSError:
            pass  # a cache that cannot be written costs time on the next build, never this one
        return small


def cover_path(article: Article, files: Mapping[str, bytes]) -> str | None:
    """The output path of the image that stands for ``article`` in listings, if it was made.

    That is its ``cover``, except that an animation is shown by its poster frame.
    """
    if not article.cover:
        return None
    path = f"{article.slug}/{article.cover}"
    if path.endswith(".gif") and poster_name(path) in files:
        path = poster_name(path)
    return path if path in files else None


def card_images(articles: Sequence[Article], files: Mapping[str, bytes], store: CardImageStore) -> dict[str, bytes]:
    """Output path -> bytes of the card copy of each article's cover (among ``files``) that needs one."""
    covers = sorted({path for path in (cover_path(article, files) for article in articles) if path})
    made = {card_image_name(path): store.card_image(files[path]) for path in covers}
    return {path: data for path, data in made.items() if data is not None}
