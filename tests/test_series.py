"""The site as a course: ``order`` in front matter, "Part N of M", previous/next links, reading time, card images."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.build import build
from site_builder.load.content import load_content
from site_builder.options import BuildOptions
from site_builder.problems import BuildFailed
from site_builder.render.reading_time import (
    CODE_WORDS_PER_MINUTE, SECONDS_PER_DISPLAY_FORMULA, SECONDS_PER_FIGURE, WORDS_PER_INLINE_FORMULA, WORDS_PER_MINUTE, ReadingCount, count_reading,
)
from site_builder.render.series import places, reading_order


def article(title: str, date: str, extra: str = "", body: str = "Text.\n") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}"


# --- the front-matter key --------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "'2'", "true", "[1]", "null"])
def test_order_must_be_a_whole_number_from_one_and_the_error_names_file_and_line(make_project, value: str) -> None:
    root = make_project({"content/a/index.md": article("A", "2026-01-01", f"tags: [x]\norder: {value}\n")})
    with pytest.raises(BuildFailed) as failure:
        load_content(root)
    (problem,) = failure.value.problems
    assert str(problem).startswith("content/a/index.md:5: 'order' must be a whole number, 1 or more, such as 'order: 2'"), str(problem)


def test_two_articles_with_one_number_are_an_error_at_the_second_naming_the_first(make_project) -> None:
    root = make_project({
        "content/a/index.md": article("A", "2026-01-01", "order: 2\n"),
        "content/b/index.md": article("B", "2026-01-02", "summary: s\norder: 2\n"),
        "content/c/index.md": article("C", "2026-01-03", "order: 2\ndraft: true\n"),  # a draft keeps its number: --drafts must build
    })
    with pytest.raises(BuildFailed) as failure:
        load_content(root)
    assert [str(p) for p in failure.value.problems] == [
        "content/b/index.md:5: 'order: 2' is taken already by content/a/index.md:4; give each article of the series its own number",
        "content/c/index.md:4: 'order: 2' is taken already by content/a/index.md:4; give each article of the series its own number",
    ]


def test_a_failed_build_reports_every_bad_order_and_leaves_the_previous_site(make_project) -> None:
    root = make_project({"content/a/index.md": article("A", "2026-01-01", "order: 1\n")})
    build(BuildOptions(root=root))
    before = (root / "_site/index.html").read_bytes()
    for slug, order in (("b", "one"), ("c", "1")):
        (root / "content" / slug).mkdir()
        (root / "content" / slug / "index.md").write_text(article(slug.upper(), "2026-01-02", f"order: {order}\n"), encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        build(BuildOptions(root=root))
    assert sorted(p.path for p in failure.value.problems) == ["content/b/index.md", "content/c/index.md"]
    assert (root / "_site/index.html").read_bytes() == before


# --- the reading order --------------------------------------------------------------------


def loaded(make_project, *, drafts: bool = False):
    return load_content(series_project(make_project), include_drafts=drafts).articles


def series_project(make_project) -> Path:
    return make_project({
        "content/intro/index.md": article("Intro", "2026-01-01", "order: 10\n"),
        "content/deeper/index.md": article("Deeper", "2026-01-09", "order: 20\n"),
        "content/deepest/index.md": article("Deepest", "2026-01-02", "order: 30\n"),
        "content/wip/index.md": article("Work in progress", "2026-01-03", "order: 15\ndraft: true\n"),
        "content/aside/index.md": article("An aside", "2026-02-01"),
        "content/old-aside/index.md": article("An old aside", "2025-06-01"),
    })


def test_the_series_comes_first_by_order_then_the_rest_newest_first(make_project) -> None:
    assert [a.slug for a in reading_order(loaded(make_project))] == ["intro", "deeper", "deepest", "aside", "old-aside"]


def test_parts_count_the_published_series_so_gaps_and_drafts_leave_no_hole(make_project) -> None:
    root = series_project(make_project)
    published = places(load_content(root).articles)
    assert {slug: place.label for slug, place in published.items()} == {
        "intro": "Part 1 of 3", "deeper": "Part 2 of 3", "deepest": "Part 3 of 3", "aside": "", "old-aside": "",
    }
    with_drafts = places(load_content(root, include_drafts=True).articles)
    assert with_drafts["wip"].label == "Part 2 of 4" and with_drafts["deepest"].label == "Part 4 of 4"


def test_previous_and_next_follow_the_reading_order_end_to_end(make_project) -> None:
    found = places(loaded(make_project))
    chain = {slug: (p.previous.slug if p.previous else None, p.next.slug if p.next else None) for slug, p in found.items()}
    assert chain == {
        "intro": (None, "deeper"), "deeper": ("intro", "deepest"), "deepest": ("deeper", "aside"),
        "aside": ("deepest", "old-aside"), "old-aside": ("aside", None),
    }


def test_without_any_order_the_site_reads_newest_first_as_before(make_project) -> None:
    root = make_project({"content/a/index.md": article("A", "2026-01-01"), "content/b/index.md": article("B", "2026-02-01")})
    articles = load_content(root).articles
    assert [a.slug for a in reading_order(articles)] == ["b", "a"]
    assert {p.label for p in places(articles).values()} == {""}


# --- reading time ---------------------------------------------------------------------------


def test_words_formulas_code_and_figures_are_each_counted_as_themselves() -> None:
    html = (
        '<p>One two three <span class="katex"><span class="katex-mathml"><math><annotation>x^2 + y</annotation></math></span>'
        '<span class="katex-html">x2+y</span></span> four <code>relu</code>.</p>'
        '<p><span class="katex-display"><span class="katex"><span class="katex-html">a = b c d e</span></span></span></p>'
        '<pre><code>def f(x):\n    return max(0, x)\n</code></pre>'
        '<figure><picture><source srcset="a.poster.png"><img src="a.gif" alt="An alt text is not read aloud here"></picture>'
        '<figcaption>A caption, read.</figcaption></figure>'
        "<p>ReLU's slope is 0.05 on the x-axis.</p>"
    )
    assert count_reading(html) == ReadingCount(words=5 + 3 + 7, inline_formulas=1, display_formulas=1, code_words=7, figures=1)


def test_minutes_follow_the_documented_rates_and_round_to_the_nearest_minute() -> None:
    assert ReadingCount(WORDS_PER_MINUTE * 5, 0, 0, 0, 0).minutes == 5
    assert ReadingCount(0, 0, 0, CODE_WORDS_PER_MINUTE * 2, 0).minutes == 2
    assert ReadingCount(0, 0, 60 // SECONDS_PER_DISPLAY_FORMULA * 3, 0, 0).minutes == 3
    assert ReadingCount(0, 0, 0, 0, 60 // SECONDS_PER_FIGURE * 2).minutes == 2
    assert ReadingCount(0, WORDS_PER_MINUTE // WORDS_PER_INLINE_FORMULA * 4, 0, 0, 0).minutes == 4
    assert ReadingCount(int(WORDS_PER_MINUTE * 2.4), 0, 0, 0, 0).minutes == 2
    assert ReadingCount(int(WORDS_PER_MINUTE * 2.6), 0, 0, 0, 0).minutes == 3
    assert ReadingCount(3, 0, 0, 0, 0).minutes == 1  # never "0 min read"


# --- the built site ----------------------------------------------------------------------------------

FIGURES = """figures:
  fit.gif: {kind: training, target: "x**2", hidden: [2], steps: 20, frames: 3}
  relu.png: {kind: activation, activation: relu}
"""


def course(make_project) -> Path:
    words = " ".join(["word"] * 1000)  # five minutes at 200 words a minute
    return make_project({
        "content/basics/index.md": article("Basics", "2026-03-01", "tags: [course]\norder: 1\n" + FIGURES,
                                           f"{words}\n\n![A fit.](fit.gif \"The fit.\")\n\n![ReLU.](relu.png \"ReLU.\")\n"),
        "content/next-step/index.md": article("Next step", "2026-01-01", "tags: [course]\norder: 2\ncover: relu.png\n" + FIGURES.replace("fit.gif", "other.gif"),
                                              "Short.\n\n![A fit.](other.gif \"The fit.\")\n\n![ReLU.](relu.png \"ReLU.\")\n"),
        "content/plan/index.md": article("A plan", "2026-04-01", "order: 3\ndraft: true\n"),
        "content/news/index.md": article("News", "2026-05-01", "tags: [course]\n"),
        "content/about.md": "---\ntitle: About\n---\nAbout.\n",
    }, site_toml='title = "Course"\nbase_url = "https://user.github.io/repo/"\n')


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="article-card">(.*?)</li>', html, re.DOTALL)


def test_the_home_page_reads_as_a_course(make_project) -> None:
    root = course(make_project)
    build(BuildOptions(root=root))
    site = root / "_site"
    home = cards((site / "index.html").read_text(encoding="utf-8"))
    titles = [re.search(r'<a href="([^"]+)">([^<]+)</a>', card).groups() for card in home]
    assert titles == [("basics/index.html", "Basics"), ("next-step/index.html", "Next step"), ("news/index.html", "News")]
    assert ['<span class="part">Part 1 of 2</span>' in home[0], '<span class="part">Part 2 of 2</span>' in home[1], 'class="part"' in home[2]] == [True, True, False]
    minutes = [int(re.search(r'<span class="reading-time">(\d+) min read</span>', card).group(1)) for card in home]
    assert minutes == [5, 1, 1]  # 1,000 words and two figures; a line and two figures; one word
    # the card image: the first figure (an animation shows its poster frame), or the cover the article names
    images = [re.search(r'<img class="article-card__cover" src="([^"]+)"', card) for card in home]
    # a 640 px poster is shown as it is; a 1280 px plot through its card-sized copy, the original in srcset
    assert [m.group(1) if m else None for m in images] == ["basics/fit.poster.png", "next-step/relu.card.png", None]
    assert 'srcset="next-step/relu.card.png 640w, next-step/relu.png 1280w"' in home[1]
    assert (site / "basics/fit.poster.png").is_file() and (site / "next-step/relu.card.png").is_file()


def test_each_article_names_its_part_and_links_to_its_neighbours(make_project) -> None:
    root = course(make_project)
    build(BuildOptions(root=root))
    site = root / "_site"

    def neighbours(slug: str) -> dict[str, tuple[str, str]]:
        html = (site / slug / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'href="([^"]+)" rel="(prev|next)"><span class="series-nav__label">\w+</span> ([^<]+)</a>', html)
        return {rel: (href, title) for href, rel, title in links}

    first = (site / "basics/index.html").read_text(encoding="utf-8")
    assert '<span class="part">Part 1 of 2</span>' in first and '<span class="reading-time">5 min read</span>' in first
    assert neighbours("basics") == {"next": ("../next-step/index.html", "Next step")}
    assert neighbours("next-step") == {"prev": ("../basics/index.html", "Basics"), "next": ("../news/index.html", "News")}
    assert neighbours("news") == {"prev": ("../next-step/index.html", "Next step")}
    for slug in ("basics", "next-step", "news"):  # every neighbour link leads to a page that exists
        for href, _ in neighbours(slug).values():
            assert (site / slug / href).resolve().is_file()


def test_tag_pages_feed_and_drafts_keep_working(make_project) -> None:
    root = course(make_project)
    build(BuildOptions(root=root))
    site = root / "_site"
    assert not (site / "plan").exists()
    tag = (site / "tags/course.html").read_text(encoding="utf-8")
    assert re.findall(r'article-card__title"><a href="[^"]+">([^<]+)</a>', tag) == ["News", "Basics", "Next step"]  # newest first, as before
    assert "Part 1 of 2" in tag and "min read" in tag
    feed = ET.parse(site / "feed.xml").getroot()
    titles = [e.findtext("{http://www.w3.org/2005/Atom}title") for e in feed.findall("{http://www.w3.org/2005/Atom}entry")]
    assert titles == ["News", "Basics", "Next step"]  # the feed stays by date, newest first
    assert "A plan" not in (site / "index.html").read_text(encoding="utf-8")

    build(BuildOptions(root=root, include_drafts=True))
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.index("Basics") < home.index("Next step") < home.index("A plan") < home.index("News")
    assert "Part 3 of 3" in home and '<span class="draft">draft</span>' in home
    assert (site / "plan/index.html").is_file()


def test_cover_naming_an_animation_shows_its_poster(make_project) -> None:
    root = make_project({"content/a/index.md": article("A", "2026-01-01", "cover: fit.gif\n" + FIGURES, "![A fit.](fit.gif \"The fit.\")\n\n![ReLU.](relu.png \"ReLU.\")\n")})
    build(BuildOptions(root=root))
    assert '<img class="article-card__cover" src="a/fit.poster.png"' in (root / "_site/index.html").read_text(encoding="utf-8")


def test_dates_are_unchanged_by_order(make_project) -> None:
    articles = loaded(make_project)
    assert {a.slug: a.date for a in articles}["deeper"] == dt.date(2026, 1, 9)
    assert [a.slug for a in articles][:2] == ["aside", "deeper"]  # content itself stays newest first, for the feed and search
