"""Numbered equations and figures, labelled sections, and cross-references to them."""

from __future__ import annotations

import re

import pytest

from site_builder.problems import BuildFailed
from site_builder.render.markup.markdown import render_markdown

from test_markdown import FakeMath


def render(text: str):
    return render_markdown(text, path="a.md", math=FakeMath())


def problems_of(text: str, *, first_line: int = 1) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        render_markdown(text, path="a.md", first_line=first_line, math=FakeMath())
    return [str(p) for p in caught.value.problems]


def test_labelled_equations_are_numbered_in_order_and_referenced() -> None:
    fake = FakeMath()
    html = render_markdown("See @eq-b, then @eq-a.\n\n$$\na\n$$ {#eq-a}\n\n$$c$$\n\n$$b$$ {#eq-b}\n", path="a.md", math=fake).html
    assert fake.calls == [("\na\n", True), ("c", True), ("b", True)]  # the formulas as written: their numbers are HTML
    assert '<p>See <a class="crossref" href="#eq-b">Equation (2)</a>, then <a class="crossref" href="#eq-a">Equation (1)</a>.</p>' in html
    assert '<div class="math-display math-display--numbered" id="eq-a"><span class="katex">[[\na\n]]</span><span class="equation-number">(1)</span></div>' in html
    assert '<div class="math-display"><span class="katex">[[c]]</span></div>' in html  # unlabelled: no number
    assert '<div class="math-display math-display--numbered" id="eq-b"><span class="katex">[[b]]</span><span class="equation-number">(2)</span></div>' in html
    assert "{#eq" not in html


def test_labelled_figures_get_a_number_in_their_caption() -> None:
    html = render('![A.](a.png "First."){#fig-a}\n\n![B.](b.png)\n\n![C.](c.png){#fig-c}\n\nAs @fig-c and @fig-a show.').html
    assert '<figure id="fig-a">\n<img alt="A."' in html
    assert '<figcaption><span class="figure__number">Figure 1.</span> First.</figcaption>' in html
    assert '<figcaption><span class="figure__number">Figure 2.</span></figcaption>' in html  # a label alone makes a caption
    assert html.count("figure__number") == 2
    assert '<a class="crossref" href="#fig-c">Figure 2</a> and <a class="crossref" href="#fig-a">Figure 1</a>' in html
    assert 'id="fig-' not in re.sub(r"<figure id=\"fig-[ac]\">", "", html)  # the id moved from the image to the figure


def test_section_references_read_the_heading() -> None:
    rendered = render("## Why $x^2$? {#sec-why}\n\nText.\n\n## Next\n\nBack to @sec-why.")
    assert '<a class="crossref" href="#sec-why">“Why $x^2$?”</a>' in rendered.html  # formulas as text (FakeMath has no MathML)
    assert rendered.toc[0].anchor == "sec-why"


def test_a_cross_reference_works_before_and_inside_a_figure_caption() -> None:
    html = render('@fig-a first.\n\n![A.](a.png "Unlike @fig-a, see @eq-x."){#fig-a}\n\n$$x$$ {#eq-x}').html
    assert '<span class="figure__number">Figure 1.</span> Unlike <a class="crossref" href="#fig-a">Figure 1</a>, see <a class="crossref" href="#eq-x">Equation (1)</a>.' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See @eq-nope.", "a.md:3: no equation labelled 'eq-nope' on this page; label a display formula with $$ ... $$ {#eq-name}"),
        ("See @fig-nope.", "a.md:3: no figure labelled 'fig-nope' on this page; label a figure with ![Alt](file.png \"Caption.\"){#fig-name}"),
        ("See @sec-nope.", "a.md:3: no section labelled 'sec-nope' on this page; label a heading with ## Title {#sec-name}"),
        ("See [@eq-a].\n\n$$a$$ {#eq-a}", "a.md:3: cross-references are written without brackets, one at a time: @eq-a, not [@eq-a]"),
        ("Inline $a$ {#eq-a}.", "a.md:3: '{#eq-a}' follows inline math; only display math ($$ ... $$) can be numbered"),
        ("$$a$$ {#eq-a}\n\n$$b$$ {#eq-a}", "a.md:5: label 'eq-a' is used twice on this page; give each equation its own"),
        ("Text ![A.](a.png){#fig-a} inline.", "a.md:3: figure label 'fig-a' is on an image inside text; put the image alone in its paragraph to make it a figure"),
    ],
    ids=["equation", "figure", "section", "bracketed", "inline math", "equation twice", "inline image"],
)
def test_problems_name_their_line(text: str, expected: str) -> None:
    assert problems_of(text, first_line=3) == [expected]


def test_figure_label_used_twice() -> None:
    assert problems_of("![A.](a.png){#fig-a}\n\n![B.](b.png){#fig-a}") == [
        "a.md:3: label 'fig-a' is used twice on this page; give each figure its own",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## A {#sec-a}\n\nText.\n\n## B {#sec-a}\n", "a.md:7: label 'sec-a' is used twice on this page; give each section its own"),
        ("A paragraph.\n{#eq-x}\n", "a.md:4: '{#eq-x}' is on a <p> element, which cannot carry an equation label; label a display formula with $$ ... $$ {#eq-name}"),
        ("## Results {#fig-x}\n", "a.md:3: '{#fig-x}' is on a heading, which cannot carry a figure label; label a figure with ![Alt](file.png \"Caption.\"){#fig-name}"),
        ("A paragraph.\n{#sec-x}\n", "a.md:4: '{#sec-x}' is on a <p> element, which cannot carry a section label; label a heading with ## Title {#sec-name}"),
        ("Some words {#eq-y} here.\n", "a.md:3: '{#eq-y}' is attached to nothing and would show as text; label a display formula with $$ ... $$ {#eq-name}"),
    ],
    ids=["section twice", "equation label on a paragraph", "figure label on a heading", "section label on a paragraph", "label left as text"],
)
def test_a_label_where_it_cannot_be_is_a_problem(text: str, expected: str) -> None:
    assert problems_of(text, first_line=3) == [expected]


def test_a_label_in_code_is_just_code() -> None:
    html = render("Write `## Title {#sec-name}` to label a heading.\n\n```\n$$ x $$ {#eq-x}\n```\n").html
    assert "{#sec-name}" in html and "{#eq-x}" in html


def test_an_unknown_label_suggests_a_close_one() -> None:
    assert problems_of("$$a$$ {#eq-loss}\n\nSee @eq-los.\n") == [
        "a.md:3: no equation labelled 'eq-los' on this page (did you mean 'eq-loss'?); label a display formula with $$ ... $$ {#eq-name}",
    ]


def test_every_label_problem_of_a_page_is_reported_at_once() -> None:
    assert problems_of("## A {#sec-a}\n\n## B {#sec-a}\n\n## C {#fig-c}\n\nSee @sec-b.\n") == [
        "a.md:3: label 'sec-a' is used twice on this page; give each section its own",
        "a.md:5: '{#fig-c}' is on a heading, which cannot carry a figure label; label a figure with ![Alt](file.png \"Caption.\"){#fig-name}",
        "a.md:7: no section labelled 'sec-b' on this page (did you mean 'sec-a'?); label a heading with ## Title {#sec-name}",
    ]
