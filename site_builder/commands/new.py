"""``new``: start an article from a template that builds as it stands.

The new article is a draft dated today (or the day ``SOURCE_DATE_EPOCH``
names), declares one small figure and shows it with alt text and a caption, so
``serve --drafts`` shows it at once and the author edits from something that
works.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from site_builder.load.content import ARTICLE_FILE, CONTENT_DIR
from site_builder.load.dates import today
from site_builder.load.slugs import slugify

ARTICLE_TEMPLATE = """\
---
title: {title}
date: {date}
summary: ""
tags: []
draft: true
figures:
  ReLU.png: {{kind: activation, activation: relu}}
---

Start with the one idea this article makes concrete.

![The ReLU activation: flat at zero for negative inputs, then a straight line of slope one.](ReLU.png "ReLU keeps positive inputs and sets the rest to zero.")

Every figure is declared under `figures:` above and shown once in the text; the build runs its experiment.
Remove `draft: true` when the article is ready to publish.
"""


MAX_TITLE = 200  # characters; as init's
MAX_SLUG = 60  # characters of a folder name made from a title (or given with --slug): a URL people read


def _shortened(slug: str) -> str:
    """``slug`` cut to MAX_SLUG characters, at a hyphen when there is one."""
    if len(slug) <= MAX_SLUG:
        return slug
    cut = slug[:MAX_SLUG + 1].rsplit("-", 1)[0] if "-" in slug[:MAX_SLUG + 1] else slug[:MAX_SLUG]
    return cut[:MAX_SLUG].strip("-")


class ScaffoldRefused(Exception):
    """The article cannot be created; the message says why and what to do."""


@dataclass(frozen=True)
class NewArticle:
    path: Path  # the index.md written
    slug: str


def new_article(root: Path, title: str, slug: str | None = None) -> NewArticle:
    """Write ``content/<slug>/index.md`` for ``title``; never overwrite anything."""
    title = title.strip()
    if not title:
        raise ScaffoldRefused("the title is empty; write it in quotes, e.g. new \"How sigmoids saturate\"")
    if len(title) > MAX_TITLE:
        raise ScaffoldRefused(f"the title is {len(title)} characters long; keep it to {MAX_TITLE} or fewer (a long one reads badly in tabs and links)")
    if any(ord(character) < 32 or ord(character) == 127 for character in title):
        raise ScaffoldRefused("the title contains a control character (a newline or a tab, say); write it on one line")
    slug = slug or _shortened(slugify(title))
    if not slug:
        raise ScaffoldRefused(f"cannot make a URL-safe folder name from '{title}'; pass one with --slug")
    if slugify(slug) != slug:
        raise ScaffoldRefused(f"'{slug}' is not a URL-safe folder name; use lower-case letters, digits and '-', e.g. '{_shortened(slugify(slug)) or 'my-article'}'")
    if len(slug) > MAX_SLUG:
        raise ScaffoldRefused(f"the folder name is {len(slug)} characters long; keep it to {MAX_SLUG} or fewer, e.g. '{_shortened(slug)}'")
    folder = root / CONTENT_DIR / slug
    if folder.exists():
        raise ScaffoldRefused(f"{CONTENT_DIR}/{slug}/ already exists; nothing was written. Choose another title or pass --slug")
    folder.mkdir(parents=True)
    path = folder / ARTICLE_FILE
    # A JSON string is a valid YAML double-quoted scalar: quotes, colons and '#' in titles stay text.
    path.write_text(ARTICLE_TEMPLATE.format(title=json.dumps(title, ensure_ascii=False), date=today().isoformat()), encoding="utf-8")
    return NewArticle(path, slug)
