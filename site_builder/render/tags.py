"""Tag pages: one page per tag, ``tags/<slug>.html``, listing the articles that carry it.

Tags that differ only in case or punctuation (``ReLU``, ``relu``) share one
page, named as the newest article writes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from site_builder.load.content import Article
from site_builder.load.slugs import slugify

TAGS_DIR = "tags"


@dataclass(frozen=True)
class TagPage:
    name: str
    slug: str
    articles: tuple[Article, ...]  # newest first, like the home page

    @property
    def output_path(self) -> str:
        return f"{TAGS_DIR}/{self.slug}.html"


def tag_path(tag: str) -> str:
    """Output path of the page listing ``tag``, e.g. ``tags/relu.html``."""
    return f"{TAGS_DIR}/{tag_slug(tag)}.html"


def tag_slug(tag: str) -> str:
    """File name for a tag; a tag with no ASCII letters or digits gets a short hash instead."""
    return slugify(tag) or "tag-" + hashlib.sha256(tag.encode("utf-8")).hexdigest()[:8]


def tag_pages(articles: Sequence[Article]) -> list[TagPage]:
    """One page per distinct tag slug among ``articles`` (given newest first), sorted by slug."""
    names: dict[str, str] = {}
    members: dict[str, list[Article]] = {}
    for article in articles:
        for tag in dict.fromkeys(article.tags):
            slug = tag_slug(tag)
            names.setdefault(slug, tag)
            listed = members.setdefault(slug, [])
            if not listed or listed[-1] is not article:  # "ReLU" and "relu" on one article list it once
                listed.append(article)
    return [TagPage(names[slug], slug, tuple(members[slug])) for slug in sorted(members)]
