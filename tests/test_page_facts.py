"""One parse per page serves the link checks and font subsetting, with the rules each had on its own."""

from site_builder.render.linkcheck import find_broken_references
from site_builder.render.markup.fonts import read_math
from site_builder.render.page_facts import PageFacts, PageReader, read_page

PAGE = (b'<html><head><meta name="viewport" content="x"><link href="s.css" rel="stylesheet"></head><body>'
        b'<h2 id="top">T</h2><a name="old"></a><img src="a.png" srcset="a.png 1x, b.png 2x"><video poster="p.png"></video>'
        b'<span class="katex"><math><semantics><mi>&alpha;</mi><annotation>\\alpha</annotation></semantics></math>'
        b'<span class="katex-html mord"><br>+ 1</span></span><p>outside</p></body></html>')


def test_one_pass_collects_references_ids_and_math() -> None:
    facts = read_page(PAGE)
    assert facts.references == ("s.css", "a.png", "a.png", "b.png", "p.png")
    assert facts.ids == {"top", "old"}  # <meta name> is not an anchor
    assert facts.math_characters == {"α", "+", "1"}  # the TeX source in <annotation> is never drawn
    assert {"katex", "katex-html", "mord"} <= facts.math_classes
    assert read_math([PAGE]).characters == facts.math_characters


def test_a_reader_parses_each_page_once_and_again_when_its_bytes_change() -> None:
    reader = PageReader()
    files = {"index.html": PAGE, "s.css": b"", "a.png": b"", "b.png": b"", "p.png": b""}
    assert find_broken_references(files, reader) == []
    reader.pages(files)
    assert reader.parsed == 1
    changed = PAGE.replace(b'id="top"', b'id="other"')
    assert reader.facts(changed).ids == {"other", "old"}
    assert reader.parsed == 2


def test_known_facts_are_used_without_parsing_and_survive_json() -> None:
    stored = read_page(PAGE)
    reader = PageReader(known=lambda digest: PageFacts.from_json(stored.to_json()))
    assert reader.facts(PAGE) == stored
    assert reader.parsed == 0
