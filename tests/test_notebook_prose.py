"""The article's words for its notebook: the right paragraph per figure, turned into Markdown a notebook renders."""

from __future__ import annotations

import textwrap

from site_builder.load.bibliography import parse_bibliography
from site_builder.render.notebook_prose import article_prose

BIB = """
@article{cybenko1989,
  author = {Cybenko, George},
  title = {Approximation by superpositions of a sigmoidal function},
  journal = {Mathematics of Control, Signals and Systems},
  year = {1989}, volume = {2}, number = {4}, pages = {303--314},
  doi = {10.1007/BF02551274}
}
"""

BODY = textwrap.dedent(
    """
    An opening paragraph that names no figure.

    ## Fitting a line {#sec-line}

    $$
    y = wx + b
    $$ {#eq-line}

    ![A line rocking.](line.gif "A straight line trained on $x^2$: it hovers near flat."){#fig-line}

    The paragraph after the line figure, with <b>raw HTML</b> and a note.^[A side remark with $z$.][^1]

    ## Two hinges

    Before the hinges: see [the about page](../about.md) and [the playground](#playground).

    ![Two hinges.](hinges.png "Two ReLU hinges. The rest of the caption.")

    @fig-line shows it. The error ends at {{ figure("line.gif").final_loss | round(3) }}, as @cybenko1989 would
    predict from @eq-line, and as "@sec-line" explains [@cybenko1989, p. 3]. Write \\@ for a literal at.

    [^1]: A footnote.
    """
)


def prose(page_url: str | None = "https://site.example/post/"):
    bibliography = parse_bibliography(BIB, "references.bib")
    return article_prose(BODY, ["line.gif", "hinges.png", "unshown.png"], numbers={"line.gif": {"final_loss": 0.12345}},
                         bibliography=bibliography, page_url=page_url)


def test_each_shown_figure_gets_its_heading_number_and_caption_in_reading_order() -> None:
    found = prose()
    assert [f.name for f in found.figures] == ["line.gif", "hinges.png"]  # a figure the text never shows has no prose
    line, hinges = found.figures
    assert (line.section, line.number, line.caption) == ("Fitting a line", 1, "A straight line trained on $x^2$: it hovers near flat.")
    assert (hinges.section, hinges.number, hinges.alt) == ("Two hinges", None, "Two hinges.")


def test_the_paragraph_is_the_one_after_the_figure_in_its_section_with_html_notes_and_marks_cleaned_up() -> None:
    line, _ = prose().figures
    # @fig-line's paragraph sits in another section, so the one right after the figure is about it.
    assert line.paragraph == "The paragraph after the line figure, with raw HTML and a note. (A side remark with $z$.)"


def test_quotes_citations_and_cross_references_read_as_on_the_page() -> None:
    _, hinges = prose().figures
    assert hinges.paragraph == (
        "Figure 1 shows it. The error ends at 0.123, as Cybenko (1989) would\n"
        "predict from [Equation (1)](https://site.example/post/#eq-line), and as \"[“Fitting a line”](https://site.example/post/#sec-line)\" "
        "explains (Cybenko 1989, p. 3). Write @ for a literal at."
    )
    assert prose().references == (
        "Cybenko, G. (1989). Approximation by superpositions of a sigmoidal function. *Mathematics of Control, Signals and Systems*, "
        "2(4), 303–314. https://doi.org/10.1007/BF02551274",
    )


def test_a_caption_keeps_its_math_and_a_figure_without_a_label_falls_back_to_the_next_paragraph() -> None:
    body = "## Part\n\n![Alt.](a.png \"Caption with $\\alpha$.\")\n\nThe text about it.\n\n![B.](b.png)\n\nAbout b.\n"
    a, b = article_prose(body, ["a.png", "b.png"]).figures
    assert (a.caption, a.paragraph, a.number) == ("Caption with $\\alpha$.", "The text about it.", None)
    assert (b.caption, b.paragraph) == ("", "About b.")


def test_without_a_published_address_links_become_words_and_references_say_where_they_point() -> None:
    _, hinges = prose(page_url=None).figures
    assert "predict from Equation (1) in the article" in hinges.paragraph
    assert "](" not in hinges.paragraph


def test_links_to_other_pages_point_at_the_published_pages() -> None:
    body = "## A\n\nBefore: [about](../about.md), [here](#playground), [out](https://x.org/a).\n\n![B.](b.png)\n"
    (b,) = article_prose(body, ["b.png"], page_url="https://site.example/post/").figures
    assert b.paragraph == "Before: [about](https://site.example/about.html), [here](https://site.example/post/#playground), [out](https://x.org/a)."
    (b,) = article_prose(body, ["b.png"], page_url=None).figures
    assert b.paragraph == "Before: about, here, [out](https://x.org/a)."


def test_a_paragraph_that_introduces_a_list_brings_the_list() -> None:
    body = "## A\n\n![B.](b.png)\n\nThree things:\n\n- one\n- two\n\nLater text.\n"
    (b,) = article_prose(body, ["b.png"]).figures
    assert b.paragraph == "Three things:\n\n- one\n- two"


def test_code_is_not_searched_for_figures() -> None:
    body = "## A\n\n```markdown\n![Not a figure.](b.png \"No.\")\n```\n\n![Yes.](b.png \"Yes.\")\n\nAfter.\n"
    (b,) = article_prose(body, ["b.png"]).figures
    assert (b.caption, b.paragraph) == ("Yes.", "After.")


def test_prose_kept_in_the_page_cache_is_the_prose_made(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Every build writes every notebook; an unchanged article's prose comes from the page cache, unchanged."""
    from pathlib import Path

    from site_builder.load.content import load_content
    from site_builder.render import reuse
    from site_builder.write.page_cache import PageCache

    repo = Path(__file__).resolve().parent.parent
    article = next(a for a in load_content(repo).articles if a.slug == "relu-guide")
    names = [figure.spec.name for figure in article.figures]
    made = []
    monkeypatch.setattr(reuse, "article_prose", lambda *args, **kwargs: made.append(args) or article_prose(*args, **kwargs))

    def prose(cache_read: bool = True, code: str = "code", **changes: object):  # noqa: ANN202
        arguments = {"numbers": {}, "bibliography": article.bibliography, "page_url": None, **changes}
        return reuse.prose_memo(PageCache(tmp_path, read=cache_read), code)(article.document.body, names, **arguments)

    first = prose()
    assert first == article_prose(article.document.body, names, bibliography=article.bibliography) and first.figures
    assert prose() == first and len(made) == 1
    prose(page_url="https://example.org/relu-guide/")
    prose(code="other")
    prose(cache_read=False)  # --force
    assert len(made) == 4


def test_stored_prose_of_another_shape_is_not_used() -> None:
    from site_builder.render.reuse import _prose_from_json

    good = {"figures": [["fit.gif", "Intro", 1, "A caption", "alt", "A paragraph"]], "references": ["Ref."]}
    assert _prose_from_json(good).figures[0].number == 1
    for bad in (None, [], {"figures": []}, {"figures": [["fit.gif"]], "references": []},
                {"figures": [["fit.gif", "Intro", "1", "c", "a", "p"]], "references": []}, {"figures": [], "references": [1]}):
        assert _prose_from_json(bad) is None
