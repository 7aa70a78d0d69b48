"""Front matter: YAML split from the body, with the line of every key."""

import pytest

from site_builder.frontmatter import parse_document
from site_builder.problems import BuildFailed

DOC = """---
title: Hello
figures:
  a.png:
    kind: activation
    activation: relu
---
Body line one.
"""


def test_splits_meta_and_body_and_knows_where_the_body_starts() -> None:
    document = parse_document(DOC, "content/x/index.md")
    assert document.meta["title"] == "Hello"
    assert document.body == "Body line one.\n"
    assert document.body_line == 8


def test_knows_the_line_of_nested_keys_and_falls_back_to_the_parent() -> None:
    document = parse_document(DOC, "x.md")
    assert document.line_of("figures", "a.png", "activation") == 6
    assert document.line_of("figures", "a.png", "no-such-key") == 4
    assert document.line_of("title") == 2


def test_no_front_matter_means_empty_meta() -> None:
    document = parse_document("# Just text\n", "x.md")
    assert document.meta == {} and document.body_line == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: [unclosed\n---\n", "x.md:3: front matter is not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("---\n- a\n- b\n---\n", "x.md:2: front matter must be a mapping of keys to values, such as 'title: My article'"),
        ("---\ntitle: x\n", "x.md:1: front matter starts with '---' but never ends; close it with a '---' line"),
        ("---\ntitle: a\n  bad: indent\n---\n", "x.md:3: front matter is not valid YAML: mapping values are not allowed here"),
    ],
)
def test_bad_front_matter_is_a_positioned_problem(text: str, expected: str) -> None:
    with pytest.raises(BuildFailed) as failure:
        parse_document(text, "x.md")
    assert [str(p) for p in failure.value.problems] == [expected]
