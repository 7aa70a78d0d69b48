"""Sidenotes (^[...]) and callouts (> [!TIP]): what they become, and what is wrong with them."""

from __future__ import annotations

import re

import pytest

from site_builder.problems import BuildFailed
from site_builder.render.markup.markdown import render_markdown

from test_markdown import FakeMath


def render(text: str) -> str:
    return render_markdown(text, path="a.md", math=FakeMath()).html


def toggle(number: int) -> str:
    return (
        f'<input aria-label="Side note {number}" class="sidenote-toggle" id="sidenote-{number}-toggle" type="checkbox">'
        f'<label class="sidenote-mark" for="sidenote-{number}-toggle"><span aria-hidden="true">{number}</span></label>'
    )


def opening(number: int) -> str:
    return f'<span class="sidenote" id="sidenote-{number}" role="note"><span class="sidenote__number">{number}<span class="visually-hidden"> (side note)</span></span> '


def test_sidenotes_are_numbered_notes_where_they_stand() -> None:
    html = render("One.^[A *first* note with $x$ and [a link](https://example.org).] Two.^[Second [with brackets].]")
    assert html == (
        f'<p>One.{toggle(1)}{opening(1)}A <em>first</em> note with '
        '<span class="katex">[x]</span> and <a href="https://example.org">a link</a>.</span> Two.'
        f'{toggle(2)}{opening(2)}Second [with brackets].</span></p>\n'
        '<div aria-hidden="true" class="sidenotes-print">\n<p class="sidenotes-print__title">Notes</p>\n<ol>\n'
        '<li value="1">A <em>first</em> note with <span class="katex">[x]</span> and <a href="https://example.org">a link</a>.</li>\n'
        '<li value="2">Second [with brackets].</li>\n</ol>\n</div>'
    )


def test_footnotes_are_the_same_notes_numbered_with_them_in_text_order() -> None:
    html = render("A[^z] b^[Inline.] c[^a] d[^z].\n\n[^a]: Two\n\n    paragraphs.\n\n[^z]: First *one*.\n")
    body = html.split('<div aria-hidden="true"')[0]
    assert body == (
        f'<p>A{toggle(1)}{opening(1)}First <em>one</em>.</span> b{toggle(2)}{opening(2)}Inline.</span> '
        f'c{toggle(3)}{opening(3)}Two<span class="sidenote__paragraph">paragraphs.</span></span> '
        'd<sup class="sidenote-ref"><a aria-label="Note 1" href="#sidenote-1">1</a></sup>.</p>\n'
    )
    assert "footnote" not in html and "↩" not in html and "&#8617;" not in html  # the list at the end is gone
    assert [m for m in re.findall(r'<li value="(\d)">', html)] == ["1", "2", "3"]


def test_a_footnote_with_a_list_stays_at_the_end_with_its_number_in_the_sequence() -> None:
    html = render("A^[Side.] b[^l].\n\n[^l]: Steps:\n\n    * one\n    * two\n")
    assert '<sup class="sidenote-ref" id="fnref:l"><a aria-label="Note 2" href="#fn:l">2</a></sup>' in html
    assert '<li id="fn:l" value="2">' in html and 'href="#fnref:l" title="Back to note 2 in the text"' in html
    assert html.count('class="sidenote"') == 1


def test_a_screen_reader_meets_each_note_once() -> None:
    html = render("A^[Only *once*.] b[^1].\n\n[^1]: Also once.\n")
    visible = re.sub(r'<div aria-hidden="true" class="sidenotes-print">.*', "", html, flags=re.DOTALL)
    assert visible.count("Only <em>once</em>") == 1 and visible.count("Also once") == 1
    assert html.count("Only <em>once</em>") == 2  # the second, for print, is hidden from screen readers


def test_a_citation_in_a_note_links_once() -> None:
    from site_builder.load.bibliography import parse_bibliography

    bibliography = parse_bibliography("@misc{k, author = {Ann, A}, title = {T}, year = {2000}}", "r.bib")
    rendered = render_markdown("A.^[As [@k] says.]", path="a.md", math=FakeMath(), bibliography=bibliography)
    assert rendered.html.count('id="cite-k-1"') == 1 and "cite-k-2" not in rendered.html + rendered.references_html
    assert '<li value="1">As (Ann 2000) says.</li>' in rendered.html


@pytest.mark.parametrize("text", ["`^[code]`", "x^[]", "a ^[unclosed"])
def test_not_a_sidenote(text: str) -> None:
    assert "sidenote" not in render(text)


def test_callout_with_and_without_a_title() -> None:
    html = render("> [!TIP] Try it\n> Change the **seed**.\n\n> [!note]\n> Plain.\n>\n> Two paragraphs.")
    assert html == (
        '<div class="callout callout--tip" role="note">\n<p class="callout__title">Try it</p>\n<p>Change the <strong>seed</strong>.</p>\n</div>\n'
        '<div class="callout callout--note" role="note">\n<p class="callout__title">Note</p>\n<p>Plain.</p>\n<p>Two paragraphs.</p>\n</div>'
    )


def test_a_plain_block_quote_stays_one() -> None:
    assert render("> Just a quote.\n> [!NOTE] later") == "<blockquote>\n<p>Just a quote.\n[!NOTE] later</p>\n</blockquote>"


def test_every_kind() -> None:
    for kind in ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"):
        assert f'class="callout callout--{kind.lower()}"' in render(f"> [!{kind}]\n> Text.")


def test_an_unknown_kind_is_a_problem_at_its_line() -> None:
    with pytest.raises(BuildFailed) as caught:
        render_markdown("Intro.\n\n> [!DANGER]\n> Text.\n\nMore.\n\n> [!DANGER]\n> Again.", path="a.md", first_line=4, math=FakeMath())
    assert [str(p) for p in caught.value.problems] == [
        "a.md:6: unknown callout [!DANGER]; use one of [!NOTE], [!TIP], [!IMPORTANT], [!WARNING], [!CAUTION]",
        "a.md:11: unknown callout [!DANGER]; use one of [!NOTE], [!TIP], [!IMPORTANT], [!WARNING], [!CAUTION]",
    ]


def test_admonitions_are_the_same_callouts() -> None:
    html = render('!!! tip "Try it"\n    Change the **seed**.\n\n!!! warning\n    Careful.\n\n!!! note ""\n    Untitled.')
    assert html == (
        '<div class="callout callout--tip" role="note">\n<p class="callout__title">Try it</p>\n<p>Change the <strong>seed</strong>.</p>\n</div>\n'
        '<div class="callout callout--warning" role="note">\n<p class="callout__title">Warning</p>\n<p>Careful.</p>\n</div>\n'
        '<div aria-label="Note" class="callout callout--note" role="note">\n<p>Untitled.</p>\n</div>'
    )
    assert render('!!! tip "Try it"\n    Change the seed.') == render("> [!TIP] Try it\n> Change the seed.")


def test_every_admonition_kind() -> None:
    for kind in ("note", "tip", "important", "warning", "caution"):
        assert f'class="callout callout--{kind}"' in render(f"!!! {kind}\n    Text.")


def test_an_unknown_admonition_is_a_problem_at_its_line_with_a_suggestion() -> None:
    with pytest.raises(BuildFailed) as caught:
        render_markdown("Intro.\n\n!!! notee\n    Text.\n\n> [!WARNIGN]\n> Again.\n\n!!! danger\n    x", path="a.md", first_line=4, math=FakeMath())
    assert [str(p) for p in caught.value.problems] == [
        "a.md:6: unknown callout !!! notee (did you mean 'note'?); use one of !!! note, !!! tip, !!! important, !!! warning, !!! caution",
        "a.md:9: unknown callout [!WARNIGN] (did you mean 'WARNING'?); use one of [!NOTE], [!TIP], [!IMPORTANT], [!WARNING], [!CAUTION]",
        "a.md:12: unknown callout !!! danger; use one of !!! note, !!! tip, !!! important, !!! warning, !!! caution",
    ]
