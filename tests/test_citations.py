"""Citations: where an @ is one, how it reads in each style, the reference list, and the problems."""

from __future__ import annotations

import re

import pytest

from site_builder.load.bibliography import parse_bibliography
from site_builder.problems import BuildFailed
from site_builder.render.markup.citations import cited_works, format_reference, reference_list_html
from site_builder.render.markup.markdown import render_markdown
from site_builder.render.markup.math import protect_math
from site_builder.render.markup.mentions import CitedItem, protect_mentions

from test_markdown import FakeMath

BIB = parse_bibliography(
    """\
@article{cybenko1989, author = {Cybenko, George}, title = {Approximation by superpositions of a sigmoidal function},
  journal = {Mathematics of Control, Signals and Systems}, year = {1989}, volume = {2}, number = {4}, pages = {303--314}, doi = {10.1007/BF02551274}}
@article{hornik1989, author = {Hornik, Kurt and Stinchcombe, Maxwell and White, Halbert}, title = {Multilayer feedforward networks are universal approximators},
  journal = {Neural Networks}, year = {1989}, volume = {2}, number = {5}, pages = {359--366}}
@inproceedings{nair2010, author = {Nair, Vinod and Hinton, Geoffrey E.}, title = {Rectified linear units improve restricted {Boltzmann} machines},
  booktitle = {Proceedings of ICML}, year = {2010}, pages = {807--814}}
@misc{hornik1989b, author = {Hornik, Kurt and Other, Ann and Third, Tom}, title = {Another}, year = {1989}, url = {https://example.org/a?b=1&c=2}}
""",
    "refs.bib",
)


def mentions(text: str) -> list[tuple[tuple[CitedItem, ...], bool]]:
    return [(m.items, m.bracketed) for m in protect_mentions(protect_math(text).text).mentions]


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def render(text: str, style: str = "author-year"):
    return render_markdown(text, path="a.md", math=FakeMath(), bibliography=BIB, citation_style=style)


def problems_of(text: str, *, first_line: int = 1) -> list[str]:
    with pytest.raises(BuildFailed) as caught:
        render_markdown(text, path="a.md", first_line=first_line, math=FakeMath(), bibliography=BIB)
    return [str(p) for p in caught.value.problems]


# --- where an @ is a citation ------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "write to me@example.com",
        "<me@example.com>",
        "[mail](mailto:me@example.com)",
        "[@nair2010](https://example.org)",  # a link's text: a link may not hold another link
        "see https://example.org/@user",
        "`@code` and ``a @b``",
        "```\n@fenced\n```",
        "$a @b$ and $$@x$$",
        "<!-- @comment -->",
        '<span title="@x">y</span>',
        "a literal \\@ sign",
        "name@@host and x.@y",
    ],
)
def test_no_citation(text: str) -> None:
    assert mentions(text) == []


def test_bare_and_bracketed_citations() -> None:
    assert mentions("As @cybenko1989 showed [see @nair2010, p. 3; @hornik1989].") == [
        ((CitedItem("cybenko1989"),), False),
        ((CitedItem("nair2010", "see", "p. 3"), CitedItem("hornik1989")), True),
    ]


def test_a_key_ends_before_trailing_punctuation() -> None:
    assert mentions("(@cybenko1989), @a:b.c. @x-y;") == [((CitedItem("cybenko1989"),), False), ((CitedItem("a:b.c"),), False), ((CitedItem("x-y"),), False)]


def test_brackets_that_are_not_citations_still_hold_bare_ones() -> None:
    assert mentions("[as @nair2010 says [1]]") == [((CitedItem("nair2010"),), False)]
    assert mentions("[^1]: A footnote citing @nair2010.") == [((CitedItem("nair2010"),), False)]


def test_an_image_title_may_cite_but_its_alt_text_may_not() -> None:
    assert mentions('![Alt @hornik1989](f.png "After @nair2010.")') == [((CitedItem("nair2010"),), False)]


def test_literal_at_sign_is_an_entity() -> None:
    assert render("a \\@ sign").html == "<p>a &#64; sign</p>"


# --- how citations read ------------------------------------------------------------


def test_author_year_style() -> None:
    html = render("@nair2010 and [@cybenko1989; see @hornik1989, ch. 2].").html
    assert text_of(html) == "Nair and Hinton (2010) and (Cybenko 1989; see Hornik et al. 1989, ch. 2)."
    assert '<a class="citation__link" href="#ref-nair2010" id="cite-nair2010-1">Nair and Hinton (2010)</a>' in html


def test_entries_that_would_read_the_same_get_letters() -> None:
    # Letters follow the reference list's order: by author names ("Hornik, Other" before "Hornik, Stinchcombe").
    assert text_of(render("[@hornik1989; @hornik1989b]").html) == "(Hornik et al. 1989b; Hornik et al. 1989a)"
    assert text_of(render("[@hornik1989b]").html) == "(Hornik et al. 1989)"  # only cited entries count


def test_numeric_style_numbers_by_first_citation() -> None:
    rendered = render("@nair2010, then [@cybenko1989; @nair2010].", "numeric")
    assert text_of(rendered.html) == "Nair and Hinton [1], then [2, 1]."
    assert re.findall(r'<li id="(ref-[^"]+)"', rendered.references_html) == ["ref-nair2010", "ref-cybenko1989"]
    assert "references__list--numeric" in rendered.references_html


def test_author_year_references_are_sorted_by_author_and_link_back_to_each_citation() -> None:
    rendered = render("[@nair2010] [@cybenko1989] @nair2010")
    assert re.findall(r'<li id="(ref-[^"]+)"', rendered.references_html) == ["ref-cybenko1989", "ref-nair2010"]
    backs = re.findall(r'<a class="references__back" href="#([^"]+)" aria-label="([^"]+)">', rendered.references_html)
    assert backs == [("cite-cybenko1989-1", "Back to the citation"), ("cite-nair2010-1", "Back to citation 1 of 2"), ("cite-nair2010-2", "Back to citation 2 of 2")]
    ids = set(re.findall(r'id="([^"]+)"', rendered.html))
    assert {target for target, _ in backs} <= ids  # every way back lands on a citation


def test_uncited_entries_are_not_listed() -> None:
    assert render("No citations.").references_html == ""
    assert "ref-hornik1989" not in render("@nair2010").references_html


def test_a_citation_in_a_heading_is_plain_text_in_the_contents() -> None:
    rendered = render("## After @nair2010\n\nText.")
    assert rendered.toc[0].title == "After Nair and Hinton (2010)"


def test_a_citation_in_code_blocks_the_scanner_missed_gets_its_source_back() -> None:
    assert "@nair2010" in render("    indented @nair2010 code\n").html


def test_reference_formats() -> None:
    entries = BIB.entries
    assert format_reference(entries["cybenko1989"]) == (
        "Cybenko, G. (1989). Approximation by superpositions of a sigmoidal function. <i>Mathematics of Control, Signals and Systems</i>, 2(4), 303–314. "
        '<a class="references__link" href="https://doi.org/10.1007/BF02551274">https://doi.org/10.1007/BF02551274</a>'
    )
    assert format_reference(entries["nair2010"]) == "Nair, V., and Hinton, G. E. (2010). Rectified linear units improve restricted Boltzmann machines. In <i>Proceedings of ICML</i> (pp. 807–814)."
    assert format_reference(entries["hornik1989b"]) == (
        'Hornik, K., Other, A., and Third, T. (1989). Another. <a class="references__link" href="https://example.org/a?b=1&amp;c=2">https://example.org/a?b=1&amp;c=2</a>'
    )


def test_reference_list_of_nothing_is_empty() -> None:
    assert reference_list_html(cited_works([], BIB, "author-year"), {}) == ""


# --- problems ----------------------------------------------------------------------


def test_unknown_keys_are_reported_with_their_lines_after_multi_line_math() -> None:
    text = "Intro.\n\n$$\na\n\\\\\nb\n$$\n\nAs @nobody showed [@nair2010; @missing].\n"
    assert problems_of(text, first_line=5) == [
        "a.md:13: '@nobody' cites 'nobody', which is not in the bibliography; add it to the .bib file or correct the key (write \\@ for a literal @)",
        "a.md:13: '[@nair2010; @missing]' cites 'missing', which is not in the bibliography; add it to the .bib file or correct the key (write \\@ for a literal @)",
    ]


def test_a_citation_without_a_bibliography_says_how_to_add_one() -> None:
    with pytest.raises(BuildFailed) as caught:
        render_markdown("Ask @someone.", path="a.md", math=FakeMath())
    assert [str(p) for p in caught.value.problems] == [
        "a.md:1: '@someone' cites 'someone', but this page has no bibliography; set 'bibliography' in site.toml or the front matter, or write \\@ for a literal @",
    ]


def test_citation_and_latex_problems_are_reported_together() -> None:
    assert problems_of("$\\bad$ and @missing") == [
        "a.md:1: '@missing' cites 'missing', which is not in the bibliography; add it to the .bib file or correct the key (write \\@ for a literal @)",
        "a.md:1: LaTeX error: Undefined control sequence: \\bad at position 1 in $\\bad$",
    ]


def test_lenient_rendering_leaves_unknown_citations_as_written() -> None:
    html = render_markdown("Ask @someone.", path="a.md", math=FakeMath(), strict=False).html
    assert html == "<p>Ask @someone.</p>"


def test_an_unknown_key_suggests_a_close_one() -> None:
    with pytest.raises(BuildFailed) as caught:
        render_markdown("As [@cybenko1998] showed.", path="a.md", math=FakeMath(), bibliography=BIB)
    assert [str(p) for p in caught.value.problems] == [
        "a.md:1: '[@cybenko1998]' cites 'cybenko1998', which is not in the bibliography (did you mean 'cybenko1989'?); add it to the .bib file or correct the key (write \\@ for a literal @)",
    ]
