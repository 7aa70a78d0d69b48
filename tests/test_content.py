"""Articles and pages: discovery, front-matter schema, figures, and every problem with its line."""

from pathlib import Path

import pytest

from site_builder.load.content import load_content
from site_builder.problems import BuildFailed

ARTICLE = """
---
title: A
date: 2026-01-02
summary: S
figures:
  relu.png: {kind: activation, activation: relu}
---
Text.
"""


def problems(root: Path) -> list[str]:
    with pytest.raises(BuildFailed) as failure:
        load_content(root)
    return [str(p) for p in failure.value.problems]


def test_finds_articles_newest_first_pages_and_assets(make_project) -> None:
    root = make_project({
        "content/old/index.md": "---\ntitle: Old\ndate: 2020-01-01\n---\n",
        "content/new/index.md": ARTICLE,
        "content/new/photo.jpg": "not really a photo",
        "content/about.md": "---\ntitle: About\n---\nHi.\n",
    })
    content = load_content(root)
    assert [a.slug for a in content.articles] == ["new", "old"]
    assert content.articles[0].assets == ("photo.jpg",)
    assert content.articles[0].figures[0].spec.name == "relu.png"
    assert content.articles[0].figures[0].line == 6
    assert [p.name for p in content.pages] == ["about"]
    assert content.articles[0].document.body_line == 8


def test_drafts_are_left_out_unless_asked(make_project) -> None:
    root = make_project({"content/a/index.md": "---\ntitle: A\ndate: 2026-01-01\ndraft: true\n---\n", "content/p.md": "---\ntitle: P\n---\n"})
    assert load_content(root).articles == ()
    assert len(load_content(root, include_drafts=True).articles) == 1


def test_reports_every_front_matter_problem_across_files(make_project) -> None:
    root = make_project({
        "content/a/index.md": "---\ndate: someday\ndraft: maybe\ncolour: blue\n---\n",
        "content/b/index.md": "---\ntitle: B\ndate: 2026-01-01\ntags: relu\n---\n",
        "content/page.md": "---\ntitle: P\ndate: 2026-01-01\n---\n",
    })
    assert problems(root) == [
        "content/a/index.md:1: front matter has no 'title'; add a line such as 'title: ...'",
        "content/a/index.md:2: 'date' must be a date written YYYY-MM-DD, not 'someday'",
        "content/a/index.md:3: 'draft' must be true or false, not 'maybe'",
        "content/a/index.md:4: unknown front matter key 'colour'; allowed keys: title, date, summary, draft, tags, order, cover, figures, playground, author, bibliography",
        "content/b/index.md:4: 'tags' must be a list of words, such as [relu, basics], not 'relu'",
        "content/page.md:3: unknown front matter key 'date'; allowed keys: title, summary, draft",
    ]


def test_figure_problems_point_at_the_parameter_line(make_project) -> None:
    root = make_project({"content/a/index.md": """
        ---
        title: A
        date: 2026-01-01
        figures:
          fit.gif:
            kind: training
            target: "x**2"
            lr: -1
        ---
        """})
    [message] = problems(root)
    assert message.startswith("content/a/index.md:8: figure 'fit.gif': ")
    assert "lr" in message


def test_folder_without_index_and_bad_names(make_project) -> None:
    root = make_project({"content/images/x.png": "", "content/Bad Name.md": "---\ntitle: x\n---\n"})
    assert problems(root) == [
        "content/Bad Name.md: page file name 'Bad Name' is not a URL-safe name; use letters, digits, '-' and '_' only",
        "content/images: folder has no index.md; an article is content/images/index.md (shared files belong in static/)",
    ]


def test_missing_and_empty_content(tmp_path: Path, make_project) -> None:
    assert problems(tmp_path) == ["content: content folder not found; create it and add content/<slug>/index.md"]
    assert problems(make_project({})) == ["content: no articles or pages found; add content/<slug>/index.md"]


def test_not_utf8_is_reported(make_project) -> None:
    root = make_project({"content/p.md": "---\ntitle: x\n---\n"})
    (root / "content/p.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    assert problems(root) == ["content/p.md:2: not valid UTF-8 (byte 0xe9); save the file with UTF-8 encoding"]


# --- never crashes ------------------------------------------------------------------

import datetime as dt  # noqa: E402
import tempfile  # noqa: E402

import yaml  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

VALUES = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10), st.dates(min_value=dt.date(1, 1, 1)),
        st.sampled_from(["relu", "training", "activation", "x**2", "a.png", "b.gif", "1/x"]),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=6), inner, max_size=3)),
    max_leaves=8,
)
FIGURE_NAMES = st.one_of(st.sampled_from(["a.png", "b.gif", "A.PNG", "../c.png", "index.html", "b.poster.png"]), st.text(max_size=8))
FIGURES = st.dictionaries(
    FIGURE_NAMES,
    st.one_of(VALUES, st.fixed_dictionaries({"kind": st.sampled_from(["activation", "training"])}, optional={"activation": VALUES, "target": VALUES, "steps": VALUES})),
    max_size=3,
)
META = st.fixed_dictionaries(
    {}, optional={"title": VALUES, "date": VALUES, "summary": VALUES, "draft": VALUES, "tags": VALUES, "cover": st.one_of(VALUES, FIGURE_NAMES), "figures": st.one_of(VALUES, FIGURES), "extra": VALUES},
)


@settings(max_examples=150, deadline=None, database=None)
@given(meta=META, page=st.booleans(), asset=st.sampled_from([None, "a.png", "B.gif", "index.html", "b.poster.png"]))
def test_any_front_matter_loads_or_gives_positioned_problems(meta: dict, page: bool, asset: str | None) -> None:
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\nBody.\n"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = root / ("content/p.md" if page else "content/a/index.md")
        source.parent.mkdir(parents=True)
        source.write_text(text, encoding="utf-8")
        if asset and not page:
            (source.parent / asset).write_bytes(b"x")
        try:
            content = load_content(root, include_drafts=True)
        except BuildFailed as failure:
            assert failure.problems and all(p.message and p.path.startswith("content/") for p in failure.problems)
        else:
            assert len(content.articles) + len(content.pages) == 1
