"""Markdown rendering: unit tests with a fake math renderer, golden files with real KaTeX.

Golden files live in tests/golden/markdown/: each NAME.md beside the NAME.html
it must render to. After a deliberate change, regenerate them with

    UPDATE_GOLDEN=1 python -m pytest tests/test_markdown.py -k golden

and review the diff before committing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.load.bibliography import EMPTY, parse_bibliography
from site_builder.render.markup.katex import KatexError, KatexRenderer
from site_builder.render.markup.katex_install import bundled_katex
from site_builder.render.markup.markdown import Reference, Still, TocEntry, render_markdown
from site_builder.problems import BuildFailed, Problem

GOLDEN_DIR = Path(__file__).parent / "golden" / "markdown"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class FakeMath:
    """Renders ``tex`` as ``[tex]`` (``[[tex]]`` for display); rejects formulas containing ``\\bad``."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, bool]] = []

    def render(self, tex: str, *, display: bool) -> str:
        self.calls.append((tex, display))
        if "\\bad" in tex:
            raise KatexError(
                "KaTeX parse error: Undefined control sequence: \\bad at position …",
                raw_message="Undefined control sequence: \\bad",
                position=tex.index("\\bad"),
            )
        return f'<span class="katex">{"[[" if display else "["}{tex}{"]]" if display else "]"}</span>'


def render(text: str, **options: object) -> str:
    return render_markdown(text, path="a.md", math=FakeMath(), **options).html  # type: ignore[arg-type]


def problems_of(text: str, *, first_line: int = 1) -> tuple[Problem, ...]:
    with pytest.raises(BuildFailed) as caught:
        render_markdown(text, path="articles/a.md", first_line=first_line, math=FakeMath())
    return caught.value.problems


# --- math in Markdown ----------------------------------------------------------------


def test_math_is_hidden_from_markdown() -> None:
    fake = FakeMath()
    html = render_markdown(r"Let $W_1X + b_1$ and $a * b \\ c * d$ be.", path="a.md", math=fake).html
    assert fake.calls == [("W_1X + b_1", False), (r"a * b \\ c * d", False)]
    assert "<em>" not in html
    assert html == r'<p>Let <span class="katex">[W_1X + b_1]</span> and <span class="katex">[a * b \\ c * d]</span> be.</p>'


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("it costs $5 and $10", "<p>it costs $5 and $10</p>"),
        (r"for $w,b \in \mathbb{R} $ all", r'<p>for <span class="katex">[w,b \in \mathbb{R} ]</span> all</p>'),
        (r"a literal \$ sign", "<p>a literal &#36; sign</p>"),
        ("`$x$` code", "<p><code>$x$</code> code</p>"),
        ("```\n$x$ and $$y$$\n```", '<div class="codehilite"><pre><span></span><code>$x$ and $$y$$\n</code></pre></div>'),
        ("$a$ and $b$", '<p><span class="katex">[a]</span> and <span class="katex">[b]</span></p>'),
        ("an unclosed $x here", "<p>an unclosed $x here</p>"),
        ("$$x$$", '<div class="math-display"><span class="katex">[[x]]</span></div>'),
        ("see\n$$x$$\nhere", '<p>see\n<span class="math-display"><span class="katex">[[x]]</span></span>\nhere</p>'),
        ("- item\n\n    $$\n    x\n    $$\n", '<ul>\n<li>\n<p>item</p>\n<div class="math-display"><span class="katex">[[\n    x\n    ]]</span></div>\n</li>\n</ul>'),
        ("$x$", '<p><span class="katex">[x]</span></p>'),
    ],
)
def test_math_and_dollars(source: str, html: str) -> None:
    assert render(source) == html


def test_indented_code_gets_its_dollars_back() -> None:
    assert render("para\n\n    cost $x$ & <y>\n") == (
        '<p>para</p>\n<div class="codehilite"><pre><span></span><code>cost $x$ &amp; &lt;y&gt;\n</code></pre></div>'
    )


def test_math_count() -> None:
    assert render_markdown("$a$ $$b$$ \\(c\\) $5", path="a.md", math=FakeMath()).math_count == 3


def test_each_distinct_formula_is_rendered_once() -> None:
    fake = FakeMath()
    render_markdown("$x$ and $x$ and $$x$$", path="a.md", math=fake)
    assert fake.calls == [("x", False), ("x", True)]


# --- LaTeX errors -------------------------------------------------------------------


def test_latex_error_points_at_the_file_line() -> None:
    body = "Intro.\n\nThe formula $\\bad{x}$ is wrong.\n"
    assert problems_of(body, first_line=10) == (
        Problem("articles/a.md", 12, "LaTeX error: Undefined control sequence: \\bad at position 1 in $\\bad{x}$"),
    )


def test_all_latex_errors_are_reported_at_once() -> None:
    body = "$\\bad$ and $ok$\n\n$$\na\n\\bad b\n$$\n\nthen \\(\\bad\\)"
    assert [(p.line, p.message) for p in problems_of(body, first_line=5)] == [
        (5, "LaTeX error: Undefined control sequence: \\bad at position 1 in $\\bad$"),
        (9, "LaTeX error: Undefined control sequence: \\bad at position 4 in $$ a \\bad b $$"),
        (12, "LaTeX error: Undefined control sequence: \\bad at position 1 in \\(\\bad\\)"),
    ]


# --- Markdown features --------------------------------------------------------------


def test_figure_with_caption() -> None:
    html = render('![A plot](plot.png "The *plot*")', image_size=lambda src: (640, 480))
    assert html == (
        '<figure>\n<img alt="A plot" decoding="async" height="480" loading="lazy" src="plot.png" width="640">\n'
        "<figcaption>The *plot*</figcaption>\n</figure>"
    )


def test_figure_without_caption_and_unknown_size() -> None:
    assert render("![A plot](plot.png)\n", image_size=lambda src: None) == (
        '<figure>\n<img alt="A plot" decoding="async" loading="lazy" src="plot.png">\n</figure>'
    )


def test_image_in_text_is_not_a_figure() -> None:
    assert render('see ![icon](i.png "Icon") here') == (
        '<p>see <img alt="icon" decoding="async" loading="lazy" src="i.png" title="Icon"> here</p>'
    )


def test_math_in_alt_text_becomes_plain_text_and_in_caption_html() -> None:
    html = render('![The $x$ axis](a.png "Plot of $y$")')
    assert 'alt="The $x$ axis"' in html  # the fake renderer has no MathML, so the source is used
    assert '<figcaption>Plot of <span class="katex">[y]</span></figcaption>' in html


def test_urls_are_rewritten_but_references_keep_the_original() -> None:
    body = (
        "Intro\n\n[about](../about.md) [top](#top) [web](https://example.org/a.md)\n"
        "[mail](mailto:a@example.org) ![fig](fig.png)\n\n[ref]: other.md\n\nA [reference][ref]."
    )
    result = render_markdown(body, path="a.md", first_line=7, math=FakeMath(), rewrite_url=lambda url: "/out/" + url)
    hrefs = re.findall(r'(?:href|src)="([^"]*)"', result.html)
    assert hrefs == ["/out/../about.md", "#top", "https://example.org/a.md", "mailto:a@example.org", "/out/fig.png", "/out/other.md"]
    assert result.references == (
        Reference("link", "../about.md", 9),
        Reference("link", "#top", 9),
        Reference("link", "https://example.org/a.md", 9),
        Reference("link", "mailto:a@example.org", 10),
        Reference("image", "fig.png", 10),
        Reference("link", "other.md", 12),
    )


def test_generated_links_are_not_references() -> None:
    result = render_markdown("# Title\n\nText[^n].\n\n[^n]: Note.", path="a.md", math=FakeMath())
    assert result.references == ()


def test_headings_get_ids_permalinks_and_toc() -> None:
    result = render_markdown("# The $\\sigma$ function\n\n## Details {#more}\n\n## Details", path="a.md", math=FakeMath())
    assert result.toc == (
        TocEntry(1, "the-sigma-function", "The $\\sigma$ function"),
        TocEntry(2, "more", "Details"),
        TocEntry(2, "details", "Details"),
    )
    assert (
        '<h1 id="the-sigma-function">The <span class="katex">[\\sigma]</span> function'
        '<a aria-label="Permalink to “The $\\sigma$ function”" class="headerlink" href="#the-sigma-function" '
        'title="Permanent link">#</a></h1>'
    ) in result.html


def test_backslash_at_line_end_is_a_hard_break() -> None:
    assert render("one\\\ntwo\\") == "<p>one<br>\ntwo\\</p>"


def test_no_hard_break_in_code_or_math() -> None:
    assert render("`a\\\nb` and $c\\\nd$") == '<p><code>a\\\nb</code> and <span class="katex">[c\\\nd]</span></p>'
    assert "<br>" not in render("```\na\\\nb\n```")


def test_code_is_highlighted_with_classes_only() -> None:
    html = render("```python\nx = 1  # $y$\n```")
    assert html.startswith('<div class="codehilite"><pre>')
    assert '<span class="n">x</span>' in html and "# $y$" in html and "style=" not in html


def test_tables_footnotes_attr_lists_and_raw_html() -> None:
    html = render("| a | b |\n|---|---|\n| 1 | $x$ |\n\nText[^1].\n{: .lead }\n\n<div class=\"note\">raw *html*</div>\n\n[^1]: Note.")
    assert '<td><span class="katex">[x]</span></td>' in html
    assert '<p class="lead">Text<input aria-label="Side note 1" class="sidenote-toggle"' in html  # a footnote is a side note (see test_asides.py)
    assert "<!-- raw HTML omitted -->" in html and "class=\"note\"" not in html  # the default policy (see test_raw_html.py)
    assert '<div class="footnote">' not in html
    kept = render("<div class=\"note\">raw *html*</div>\n", raw_html="keep")
    assert kept == '<div class="note">raw *html*</div>'



def test_rendering_is_deterministic() -> None:
    text = (GOLDEN_DIR / "prose.md").read_text(encoding="utf-8")
    assert render(text) == render(text)


# --- never crashes ------------------------------------------------------------------

MARKDOWN_PIECES = list("ab $\\`*_[]()!#<>{}|:-.\"\n\t1^~&") + ["$$", "\\(", "\\)", "\\[", "\\]", "```", "    ", "\\bad", "- ", "](x.md)", "\n\n"]
MARKDOWNISH = st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(MARKDOWNISH, st.text(max_size=60)), first_line=st.integers(min_value=1, max_value=500))
def test_any_text_renders_or_fails_with_problems(text: str, first_line: int) -> None:
    try:
        result = render_markdown(text, path="a.md", first_line=first_line, math=FakeMath(), rewrite_url=lambda u: u)
    except BuildFailed as failed:
        assert failed.problems and all(p.path == "a.md" and p.line is not None and p.line >= first_line for p in failed.problems)
    else:
        assert "mathplaceholder" not in result.html or "mathplaceholder" in text
        assert all(ref.line >= first_line for ref in result.references)


# --- golden files (real KaTeX) ------------------------------------------------------


@pytest.fixture(scope="module")
def katex() -> Iterator[KatexRenderer]:
    with KatexRenderer(bundled_katex()) as renderer:
        yield renderer


def _golden_image_size(src: str) -> tuple[int, int] | None:
    return (640, 480) if src.startswith("figures/") else None


def _golden_poster(src: str) -> Still | None:
    return Still(src.removesuffix(".gif") + ".poster.png") if src.startswith("figures/") and src.endswith(".gif") else None


@pytest.mark.parametrize("source", sorted(GOLDEN_DIR.glob("*.md")), ids=lambda path: path.stem)
def test_golden(source: Path, katex: KatexRenderer) -> None:
    """NAME.md renders to NAME.html; a NAME.bib beside them is its bibliography (and the list it cites goes at the end)."""
    bib = source.with_suffix(".bib")
    bibliography = parse_bibliography(bib.read_text(encoding="utf-8"), f"golden/{bib.name}") if bib.is_file() else EMPTY
    result = render_markdown(
        source.read_text(encoding="utf-8"),
        path=f"golden/{source.name}",
        math=katex,
        rewrite_url=lambda url: re.sub(r"\.md(?=$|#)", ".html", url),
        image_size=_golden_image_size,
        poster=_golden_poster,
        bibliography=bibliography,
    )
    expected_path = source.with_suffix(".html")
    actual = result.html + "\n" + (result.references_html + "\n" if result.references_html else "")
    if os.environ.get("UPDATE_GOLDEN"):
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.is_file(), f"no golden file {expected_path.name}; run with UPDATE_GOLDEN=1"
    assert actual == expected_path.read_text(encoding="utf-8")


def test_golden_files_have_no_orphans() -> None:
    assert sorted(p.stem for p in GOLDEN_DIR.glob("*.html")) == sorted(p.stem for p in GOLDEN_DIR.glob("*.md"))


def test_real_latex_error_message(katex: KatexRenderer) -> None:
    with pytest.raises(BuildFailed) as caught:
        render_markdown("One.\n\nTwo.\nA $\\frac{1}{$ here.", path="a.md", first_line=10, math=katex)
    assert caught.value.problems == (
        Problem(
            "a.md", 13, "LaTeX error: Unexpected end of input in a macro argument, expected '}' at position 10 in $\\frac{1}{$"
        ),
    )
    assert str(caught.value).startswith("a.md:13: LaTeX error: ")


def test_error_in_multi_line_display_math_points_at_its_line(katex: KatexRenderer) -> None:
    body = "Intro.\n\n$$\n\\begin{aligned}\na &= 1 \\\\\nb &= \\foo\n\\end{aligned}\n$$\n"
    with pytest.raises(BuildFailed) as caught:
        render_markdown(body, path="a.md", first_line=20, math=katex)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (25, "LaTeX error: Undefined control sequence: \\foo at position 33 in $$ \\begin{aligned} a &= 1 \\\\ b &= \\foo \\end{aligned} $$")
    ]


def test_the_seed_articles_line_is_math_followed_by_a_hard_break() -> None:
    html = render("We look for $w,b \\in \\mathbb{R} $\\\nthat fit.\n")
    assert html == '<p>We look for <span class="katex">[w,b \\in \\mathbb{R} ]</span><br>\nthat fit.</p>'
