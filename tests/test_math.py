"""Finding math in Markdown source: pure functions, no Node needed."""

from __future__ import annotations

import pytest

from site_builder.render.markup.math import LITERAL_DOLLAR, ProtectedText, protect_math, token_pattern


def formulas(text: str) -> list[tuple[str, bool]]:
    """(tex, display) of every formula found in ``text``."""
    return [(span.tex, span.display) for span in protect_math(text).spans]


def restored(protected: ProtectedText) -> str:
    """The protected text with each token put back as its source: must equal the input."""
    text = protected.text
    for span in protected.spans:
        text = text.replace(span.token, span.source)
    return text.replace(LITERAL_DOLLAR, "\\$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the dollar rule
        ("it costs $5 and $10", []),
        ("it costs $5 and $10.", []),
        (r"for $w,b \in \mathbb{R} $ we have", [(r"w,b \in \mathbb{R} ", False)]),
        ("$5 and $x$ here", [("x", False)]),
        ("$x$5 dollars", []),
        ("$ x$ needs a non-space after the opening dollar", []),
        ("an unclosed $x stays literal", []),
        ("two $a$ and $b$ on one line", [("a", False), ("b", False)]),
        ("$a$ at the start and at the end $b$", [("a", False), ("b", False)]),
        ("$a$.", [("a", False)]),
        ("$a$, $b$; ($c$)", [("a", False), ("b", False), ("c", False)]),
        ("inline math may span\n$a +\nb$ one line break", [("a +\nb", False)]),
        ("but not a blank line $a\n\nb$", []),
        ("nor a Windows blank line $a\r\n \r\nb$", []),
        (r"an escaped \$ inside $a \$ b$", [(r"a \$ b", False)]),
        (r"an escaped backslash \\$x$ then math", [("x", False)]),
        (r"$W_1X + b_1$ and $a * b \\ c$", [("W_1X + b_1", False), (r"a * b \\ c", False)]),
        # display math
        ("$$x^2$$", [("x^2", True)]),
        ("$$\nx\n$$", [("\nx\n", True)]),
        ("text $$ a $$ more", [(" a ", True)]),
        ("$$ $$ is empty, so no math", []),
        ("$$x\n\ny$$ crosses a blank line", []),
        (r"\[ a \]", [(" a ", True)]),
        ("\\[\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n\\]", [("\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n", True)]),
        (r"and \(a\) inline", [("a", False)]),
        ("$$a$$ then $b$", [("a", True), ("b", False)]),
        # code and comments are left alone
        ("`$x$` is code", []),
        ("``a `$x$` b`` is code", []),
        ("`unclosed $x$", [("x", False)]),
        ("\\`$x$` escaped backtick", [("x", False)]),
        ("```\n$x$\n```\n$y$", [("y", False)]),
        ("~~~python\ncost = $5 + $x$\n~~~\n", []),
        ("```\nunclosed fence $x$", [("x", False)]),
        ("<!-- $x$ -->", []),
        # lists
        ("- item\n\n    $$\n    a\n    $$\n\n- next $b$", [("\n    a\n    ", True), ("b", False)]),
    ],
)
def test_formulas_found(text: str, expected: list[tuple[str, bool]]) -> None:
    assert formulas(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "it costs $5 and $10",
        "$a$ and `$b$` and \\$ and $$c$$\n\n```\n$d$\n```\n",
        "- $$\n  x\n  $$\n",
        "mathplaceholder00000 is just a word $x$",
    ],
)
def test_protection_is_lossless(text: str) -> None:
    assert restored(protect_math(text)) == text


def test_formulas_are_replaced_by_inert_tokens() -> None:
    protected = protect_math("Let $W_1X + b_1$ be\n\n$$a*b$$\n")
    assert [span.token in protected.text for span in protected.spans] == [True, True]
    assert "$" not in protected.text and "_" not in protected.text and "*" not in protected.text
    assert all(span.token.isalnum() for span in protected.spans)


def test_escaped_dollar_becomes_an_entity() -> None:
    assert protect_math(r"costs \$5").text == "costs &#36;5"


def test_dollar_in_code_is_not_unescaped() -> None:
    assert protect_math("`\\$`").text == "`\\$`"


def test_span_lines_and_sources() -> None:
    text = "first\n\nsecond $a$\nthird $$\nb\n$$ and \\(c\\)\n"
    spans = protect_math(text).spans
    assert [(span.line, span.source) for span in spans] == [(3, "$a$"), (4, "$$\nb\n$$"), (6, "\\(c\\)")]


def test_tokens_never_clash_with_the_text() -> None:
    text = "mathplaceholder00000 and $x$"
    protected = protect_math(text)
    (span,) = protected.spans
    assert not span.token.startswith("mathplaceholder0")
    assert protected.text.count(span.token) == 1


def test_token_pattern_matches_every_token() -> None:
    protected = protect_math("$a$ $b$ $c$")
    pattern = token_pattern(protected.spans)
    assert pattern is not None
    assert pattern.findall(protected.text) == [span.token for span in protected.spans]
    assert token_pattern(()) is None


def test_deterministic() -> None:
    text = "$a$ and $$b$$ and \\(c\\)"
    assert protect_math(text) == protect_math(text)


# Every neighbour a closing "$" can have, after a tight formula ($x$) and after one with a space
# before its closing dollar ($x $), as authors write both. The seed article's own line is
# "... with $w,b \in \mathbb{R} $\" at the end of a line: a hard-break backslash follows.
CLOSING_NEIGHBOURS = [
    ("end of text", "", True),
    ("space", " then", True),
    ("newline", "\nthen", True),
    ("hard break", "\\\nthen", True),
    ("hard break, CRLF", "\\\r\nthen", True),
    ("full stop", ".", True),
    ("comma", ", then", True),
    ("semicolon", "; then", True),
    ("colon", ": then", True),
    ("question mark", "?", True),
    ("exclamation mark", "!", True),
    ("closing parenthesis", ") then", True),
    ("closing bracket", "] then", True),
    ("closing quote", "' then", True),
    ("closing double quote", "\" then", True),
    ("hyphen", "-wise", True),
    ("em dash", "— then", True),
    ("emphasis star", "* then", True),
    ("underscore", "_ then", True),
    ("backtick", "` then", True),
    ("HTML tag", "<br> then", True),
    ("letter", "s then", True),
    ("non-ASCII letter", "é then", True),
    ("digit", "5 then", False),  # "$x$5" is not math: a closing "$" is never followed by a digit
]


@pytest.mark.parametrize("before", ["", " "], ids=["tight", "space before"])
@pytest.mark.parametrize(("follower", "expected"), [(f, e) for _, f, e in CLOSING_NEIGHBOURS], ids=[n for n, _, _ in CLOSING_NEIGHBOURS])
def test_every_neighbour_of_a_closing_dollar(before: str, follower: str, expected: bool) -> None:
    text = f"with $w,b \\in \\mathbb{{R}}{before}${follower}"
    assert formulas(text) == ([(f"w,b \\in \\mathbb{{R}}{before}", False)] if expected else [])


def test_the_seed_articles_line_renders_as_math_and_keeps_its_hard_break() -> None:
    text = "Weights and biases, with $w,b \\in \\mathbb{R} $\\\nare learned. Later $x$ and $y$.\n"
    assert formulas(text) == [("w,b \\in \\mathbb{R} ", False), ("x", False), ("y", False)]
    assert "\\\n" in protect_math(text).text  # the backslash is left for Markdown's hard break


@pytest.mark.parametrize(("text", "expected"), [
    ("it costs $5 and $x$ is math", [("x", False)]),
    ("$a $b$", [("b", False)]),  # the second "$" opens a tight formula, so the first opens none
    ("$a $. and $b$", [("a ", False), ("b", False)]),
    ("$a $\\\n$b$", [("a ", False), ("b", False)]),
])
def test_a_spaced_closing_dollar_that_opens_a_formula_of_its_own_does_not_close(text: str, expected: list) -> None:
    assert formulas(text) == expected
