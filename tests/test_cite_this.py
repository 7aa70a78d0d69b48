"""Cite this article: the page's own BibTeX entry and the citation_* meta tags, from the site's real settings."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from site_builder.build import BuildOptions, build
from site_builder.load.bibliography import parse_bibliography
from site_builder.problems import BuildFailed
from site_builder.render.cite_this import article_citation, citation_key

DATE = dt.date(2026, 11, 28)


def test_the_entry_is_valid_bibtex_that_reads_back_what_went_in() -> None:
    citation = article_citation(
        slug="relu-guide", title="ReLUs & 100% of #x_1", authors=("The site_builder team", "Smith, Ann"),
        date=DATE, site_title="Learning, illustrated", url="https://example.org/site/relu-guide/",
    )
    entry = parse_bibliography(citation.bibtex, "cite.bib").entries["relu-guide2026"]
    assert entry.kind == "misc" and entry.title == "ReLUs & 100% of #x_1" and entry.year == "2026"
    assert [(p.given, p.family) for p in entry.authors] == [("", "The site_builder team"), ("Ann", "Smith")]  # a group's name is never split
    assert entry.publisher == "Learning, illustrated" and entry.url == "https://example.org/site/relu-guide/"
    assert citation.meta == (
        ("citation_title", "ReLUs & 100% of #x_1"),
        ("citation_author", "The site_builder team"),
        ("citation_author", "Smith, Ann"),
        ("citation_publication_date", "2026/11/28"),
        ("citation_public_url", "https://example.org/site/relu-guide/"),
    )


def test_without_a_base_url_there_is_no_address_at_all() -> None:
    citation = article_citation(slug="a", title="T", authors=(), date=DATE, site_title="S", url="")
    assert "url" not in citation.bibtex and "author" not in citation.bibtex
    assert [name for name, _ in citation.meta] == ["citation_title", "citation_publication_date"]


def test_keys_are_plain() -> None:
    assert citation_key("relu_guide.v2", DATE) == "reluguidev22026"


ARTICLE = "---\ntitle: A & B\ndate: 2026-03-04\n{front}---\nText.\n"


def page(make_project, front: str = "", site_toml: str = 'title = "My site"\n') -> str:
    root = make_project({"content/a/index.md": ARTICLE.format(front=front)}, site_toml=site_toml)
    build(BuildOptions(root=root, out=root / "out"))
    return (root / "out/a/index.html").read_text(encoding="utf-8")


def test_the_page_carries_the_entry_and_the_meta_tags_from_the_real_site_settings(make_project) -> None:
    text = page(make_project, site_toml='title = "My site"\nauthor = "Ann Smith"\nbase_url = "https://ann.example/blog/"\n')
    assert '<meta name="citation_title" content="A &amp; B">' in text
    assert '<meta name="citation_author" content="Ann Smith">' in text
    assert '<meta name="citation_publication_date" content="2026/03/04">' in text
    assert '<meta name="citation_public_url" content="https://ann.example/blog/a/">' in text
    assert "citation_pdf_url" not in text  # the site makes no PDF
    entry = html.unescape(re.search(r'<pre class="cite-this__entry"[^>]*><code>(.*?)</code></pre>', text, re.DOTALL).group(1))
    assert entry.startswith("@misc{a2026,\n") and "{https://ann.example/blog/a/}" in entry and "{{Ann Smith}}" in entry
    assert '<button class="cite-this__copy" type="button" data-copy="cite-this-entry" hidden>' in text  # shown by its script
    assert 'src="../static/copy.js"' in text
    assert '<a href="#cite-this">Cite this article</a>' not in text  # a short article has no contents


def test_front_matter_authors_replace_the_sites(make_project) -> None:
    text = page(make_project, front="author: [Ann Smith, 'Li, Bo']\n", site_toml='title = "S"\nauthor = "Team"\n')
    assert re.findall(r'<meta name="citation_author" content="([^"]+)">', text) == ["Ann Smith", "Li, Bo"]
    assert "{Ann Smith} and Li, Bo" in html.unescape(text)


def test_a_bad_author_is_a_problem_at_its_line(make_project) -> None:
    root = make_project({"content/a/index.md": ARTICLE.format(front="author: [Ann, 3]\n")})
    with pytest.raises(BuildFailed) as caught:
        build(BuildOptions(root=root, out=root / "out"))
    assert [str(p) for p in caught.value.problems] == ["content/a/index.md:4: 'author' must be a name or a list of names, such as [Ann Smith, Bo Li], not ['Ann', 3]"]
