"""Sidenotes (^[...]) and callouts (> [!TIP]): what they become, and what is wrong with them."""

from __future__ import annotations

import pytest

from site_builder.problems import BuildFailed
from site_builder.render.markup.markdown import render_markdown

from test_markdown import FakeMath


def render(text: str) -> str:
    return render_markdown(text, path="a.md", math=FakeMath()).html


def test_sidenotes_are_numbered_notes_where_they_stand() -> None:
    html = render("One.^[A *first* note with $x$ and [a link](https://example.org).] Two.^[Second [with brackets].]")
    assert html == (
        '<p>One.<sup aria-hidden="true" class="sidenote-mark">1</sup><span class="sidenote" role="note">'
        '<span class="sidenote__number">1<span class="visually-hidden"> (side note)</span></span> A <em>first</em> note with '
        '<span class="katex">[x]</span> and <a href="https://example.org">a link</a>.</span> Two.'
        '<sup aria-hidden="true" class="sidenote-mark">2</sup><span class="sidenote" role="note">'
        '<span class="sidenote__number">2<span class="visually-hidden"> (side note)</span></span> Second [with brackets].</span></p>'
    )


@pytest.mark.parametrize("text", ["`^[code]`", "x^[]", "a ^[unclosed", "[^1]\n\n[^1]: A footnote."])
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
