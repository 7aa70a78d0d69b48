"""The order a reader meets the articles in: the series first, then the rest, and each article's place in it.

An article joins the site's series with ``order: N`` in its front matter.
The home page lists the series first, lowest ``order`` first, then every
other article newest first; each article links to its neighbours in that
same list, so a reader can go through the whole site from the first part.
Parts are numbered by rank among the published articles (``order: 1, 2, 5``
reads "Part 1, 2, 3 of 3"), so a gap or a draft left out leaves no hole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from site_builder.load.content import Article


@dataclass(frozen=True)
class Place:
    """Where one article sits in the reading order."""

    part: int | None  # 1-based part of the series, or None for an article outside it
    parts: int  # how many articles the series has
    previous: Article | None  # the article before it in the reading order
    next: Article | None  # the article after it

    @property
    def label(self) -> str:
        """"Part 2 of 5", or "" outside the series."""
        return f"Part {self.part} of {self.parts}" if self.part is not None else ""


def reading_order(articles: Sequence[Article]) -> tuple[Article, ...]:
    """The series by ``order``, then the articles without one in the order given (newest first, as content loads them)."""
    series = sorted((a for a in articles if a.order is not None), key=lambda a: (a.order, a.slug))
    return tuple(series) + tuple(a for a in articles if a.order is None)


def places(articles: Sequence[Article]) -> Mapping[str, Place]:
    """Each article's :class:`Place`, by slug, along :func:`reading_order`."""
    ordered = reading_order(articles)
    parts = sum(1 for a in ordered if a.order is not None)
    result = {}
    for index, article in enumerate(ordered):
        result[article.slug] = Place(
            part=index + 1 if article.order is not None else None,
            parts=parts,
            previous=ordered[index - 1] if index > 0 else None,
            next=ordered[index + 1] if index + 1 < len(ordered) else None,
        )
    return result
