"""How to cite an article: its own BibTeX entry, and the ``citation_*`` meta tags Google Scholar reads.

Both come from what the site already knows: the article's title and date,
its authors (front matter ``author``, else ``author`` in ``site.toml``), the
site's title as where it appeared, and its address from ``base_url``. A
site without ``base_url`` gets no ``url`` field and no
``citation_public_url``: the entry never shows an address it made up.

Names are written to BibTeX whole, in braces (``{Ann Smith}``), unless they
are already "Family, Given": BibTeX would otherwise split a group's name
("The site_builder team") as if it were a person's. All pure functions.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_BIBTEX_SPECIAL = re.compile(r"([\\{}&%$#_~^])")
_ESCAPES = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class ArticleCitation:
    """The entry a reader copies, its key, and the meta tags for the page's head (name, content), in order."""

    key: str
    bibtex: str
    meta: tuple[tuple[str, str], ...]


def article_citation(*, slug: str, title: str, authors: tuple[str, ...], date: dt.date, site_title: str, url: str) -> ArticleCitation:
    """The citation of one article; ``url`` is its absolute address, or ``""`` when the site has no ``base_url``."""
    key = citation_key(slug, date)
    fields = [
        ("author", " and ".join(_bibtex_name(name) for name in authors)) if authors else None,
        ("title", "{" + _escape(title) + "}"),  # doubled braces: styles keep its capitals (ReLU)
        ("howpublished", _escape(site_title)) if site_title else None,
        ("year", str(date.year)),
        ("month", _MONTHS[date.month - 1]),
        ("url", url) if url else None,
    ]
    body = ",\n".join(f"  {name:<12} = {value if name == 'month' else '{' + value + '}'}" for name, value in (f for f in fields if f is not None))
    bibtex = f"@misc{{{key},\n{body}\n}}\n"
    meta = [("citation_title", title)]
    meta += [("citation_author", name) for name in authors]
    meta.append(("citation_publication_date", date.strftime("%Y/%m/%d")))
    if url:
        meta.append(("citation_public_url", url))
    return ArticleCitation(key, bibtex, tuple(meta))


def citation_key(slug: str, date: dt.date) -> str:
    """``relu-guide`` of 2026 -> ``relu-guide2026``: letters, digits and ``-`` only, so every BibTeX reads it."""
    return re.sub(r"[^A-Za-z0-9-]", "", slug) + str(date.year)


def _bibtex_name(name: str) -> str:
    """``Smith, Ann`` stays (BibTeX's own form); any other name is braced whole so it is never split."""
    return _escape(name) if "," in name else "{" + _escape(name) + "}"


def _escape(text: str) -> str:
    """Characters BibTeX or LaTeX would read as markup, escaped."""
    return _BIBTEX_SPECIAL.sub(lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), " ".join(text.split()))
