"""The allow-list evaluator for target expressions."""

from __future__ import annotations

import ast
import builtins
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.experiments.expressions import (
    ALLOWED_SUMMARY,
    FUNCTIONS,
    ExpressionError,
    TargetFunction,
    compile_expression,
    evaluate,
)

X = np.linspace(-2.0, 2.0, 41)


@pytest.mark.parametrize(
    "source, expected",
    [
        ("x**2", X**2),
        ("abs(x)", np.abs(X)),
        ("sin(3*x)", np.sin(3 * X)),
        ("where(x > 0, 1, 0)", np.where(X > 0, 1.0, 0.0)),
        ("exp(-x**2)", np.exp(-(X**2))),
        ("-x + 2*x - x/4", X / 4 * 3),
        ("+x ** -2 * (x != 0)", np.where(X != 0, 1 / np.where(X == 0, 1, X) ** 2, np.nan)),
        ("maximum(x, 0) - minimum(x, 0)", np.abs(X)),
        ("clip(x, -1, 1) * pi + e", np.clip(X, -1, 1) * np.pi + np.e),
        ("tanh(x) + arctan(x) + sign(x)", np.tanh(X) + np.arctan(X) + np.sign(X)),
        ("(x > 0) - (x < 0)", np.sign(X)),  # comparisons are numbers, so this is arithmetic
        ("-1 <= x < 1", ((X >= -1) & (X < 1)).astype(float)),  # chained, as in Python
        ("3", np.full_like(X, 3.0)),  # constants broadcast to x's shape
    ],
)
def test_allowed_expressions_evaluate_like_numpy(source, expected):
    np.testing.assert_allclose(evaluate(source, X), expected, equal_nan=True)


def test_compiled_function_keeps_its_source_and_returns_float_arrays():
    target = compile_expression("x**2")
    assert isinstance(target, TargetFunction) and target.source == "x**2"
    result = target(np.arange(3))  # int input
    assert result.dtype == np.float64 and result.tolist() == [0.0, 1.0, 4.0]


def test_bad_arithmetic_gives_nan_or_inf_instead_of_raising():
    with np.errstate(all="raise"):  # the evaluator must silence these itself
        values = evaluate("log(x) + 1/x + 0**-1", np.array([-1.0, 0.0]))
    assert not np.isfinite(values).any()


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "x.__class__",
        "().__class__",
        "().__class__.__bases__[0].__subclasses__()",
        "open",
        "open('/etc/passwd')",
        "[1][0]",
        "x[0]",
        "lambda: 1",
        "x ** 10**10",
        "10 ** 10 ** 10",
        "x ** 101",
        "2 ** x",
        "'x'",
        "b'x'",
        "f'{x}'",
        "True",
        "None",
        "1j",
        "y",
        "np.sin(x)",
        "sin",
        "sin(x, x)",
        "where(x > 0, 1)",
        "sin(x=1)",
        "sin(*[x])",
        "[x for x in (1,)]",
        "(x, x)",
        "{1: 2}",
        "x if x > 0 else 0",
        "x and 1",
        "not x",
        "~x",
        "x // 2",
        "x % 2",
        "x @ x",
        "x is x",
        "x in x",
        "(y := 2)",
        "x +",
        "",
        "   ",
        "x\x00",
        "-" * 60 + "x",
        "(" * 300 + "x" + ")" * 300,
        "x" + "+x" * 300,
    ],
)
def test_everything_else_is_rejected(source):
    with pytest.raises(ExpressionError):
        compile_expression(source)


@pytest.mark.parametrize(
    "source, message, column",
    [
        ("x.__class__", "attribute access (a.b) is not allowed", 1),
        ("1 + os", "the name 'os' is not allowed", 5),
        ("__import__('os')", "calling the name '__import__' is not allowed", 1),
        ("x + [1][0]", "indexing (a[i]) is not allowed", 5),
        (
            "x ** 10**10",
            "the exponent of ** must be a number from -100 to 100, like x**2 (use exp(...) for powers of e)",
            6,
        ),
        ("sin(x, 2)", "sin() takes 1 argument, not 2", 1),
        ("sin(x=1)", "keyword arguments are not allowed", 5),
        ("abs + x", "abs is a function; call it, like abs(x)", 1),
        ("'x'", "the string 'x' is not allowed", 1),
        ("x // 2", "the operator '//' is not allowed", 1),
        ("π * x", "the name 'π' is not allowed", 1),  # columns count characters, not UTF-8 bytes
        (
            "x ** π",
            "the exponent of ** must be a number from -100 to 100, like x**2 (use exp(...) for powers of e)",
            6,
        ),
    ],
)
def test_rejections_say_what_and_where_and_list_what_is_allowed(source, message, column):
    with pytest.raises(ExpressionError) as caught:
        compile_expression(source)
    assert caught.value.message == f"{message}; allowed: {ALLOWED_SUMMARY}"
    assert caught.value.column == column
    assert str(caught.value) == f"{caught.value.message} (column {column})"


def test_the_allowed_list_names_every_function():
    assert ALLOWED_SUMMARY.startswith("numbers, x, pi, e, + - * / ** (with a number exponent)")
    assert all(name in ALLOWED_SUMMARY for name in FUNCTIONS)


def test_syntax_errors_and_limits_have_their_own_messages():
    with pytest.raises(ExpressionError, match=r"^not a valid expression: "):
        compile_expression("x +")
    with pytest.raises(ExpressionError) as caught:
        compile_expression("x" * 501)
    assert str(caught.value) == "expression is 501 characters long; the limit is 500"
    with pytest.raises(ExpressionError) as caught:
        compile_expression(" ")
    assert str(caught.value) == "expression is empty; write a formula in x, like x**2"


def test_never_runs_python_code_from_the_expression(monkeypatch):
    # ast.parse itself calls compile(), but only to build a tree (PyCF_ONLY_AST).
    real_compile = builtins.compile

    def tree_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        assert flags & ast.PyCF_ONLY_AST, "the evaluator must not compile code to run"
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    def forbidden(*args, **kwargs):
        raise AssertionError("the evaluator must not call eval or exec")

    monkeypatch.setattr(builtins, "compile", tree_only_compile)
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    values = evaluate("sin(x)**2 + cos(x)**2", X)
    monkeypatch.undo()
    np.testing.assert_allclose(values, 1.0)


def test_errors_survive_pickling():
    copy = pickle.loads(pickle.dumps(ExpressionError("bad thing", 4)))
    assert (copy.message, copy.column, str(copy)) == ("bad thing", 4, "bad thing (column 4)")


EXPRESSION_ALPHABET = "x()+-*/<>=!.,:[]{}'\"_ 0123456789eEjpisnaxbcolgqrtwhmdufk\\\t\n#@%^&|~"


@settings(max_examples=300, deadline=None, database=None)
@given(st.one_of(st.text(), st.text(alphabet=EXPRESSION_ALPHABET)))
def test_any_text_compiles_or_raises_expression_error(source):
    try:
        target = compile_expression(source)
    except ExpressionError:
        return
    assert target(X).shape == X.shape


def expressions() -> st.SearchStrategy[str]:
    """Random well-formed expressions of the allowed grammar."""
    leaves = st.one_of(
        st.just("x"),
        st.sampled_from(["pi", "e"]),
        st.floats(-1e3, 1e3, allow_nan=False).map(repr),
        st.integers(0, 10**6).map(str),
    )

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "<", ">=", "==", "!="]), inner)
        calls = st.sampled_from(sorted(FUNCTIONS)).flatmap(
            lambda name: st.lists(inner, min_size=FUNCTIONS[name][1], max_size=FUNCTIONS[name][1]).map(
                lambda args: f"{name}({', '.join(args)})"
            )
        )
        return st.one_of(
            binary.map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.integers(-100, 100)).map(lambda t: f"({t[0]}) ** {t[1]}"),
            inner.map(lambda s: f"-({s})"),
            calls,
        )

    return st.recursive(leaves, extend, max_leaves=12)


@settings(max_examples=150, deadline=None, database=None)
@given(expressions())
def test_every_expression_of_the_grammar_compiles_and_evaluates_without_raising(source):
    with np.errstate(all="raise"):
        values = compile_expression(source)(X)
    assert values.shape == X.shape and values.dtype == np.float64
