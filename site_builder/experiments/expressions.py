"""A safe evaluator for target expressions of ``x``, such as ``"sin(3*x)"``.

Authors write training targets as small formulas in front matter. We parse
them with :func:`ast.parse` and walk the tree against allow-lists of node
types, operators, names and numpy functions, turning each node into a small
Python closure; nothing is ever handed to ``eval``, ``exec`` or ``compile``.
Anything outside the lists (attributes, subscripts, lambdas, strings, other
names, keyword arguments, computed exponents...) raises
:class:`ExpressionError` with the 1-based column of the offending part.

Comparisons give 1.0 or 0.0 rather than booleans, so ``(x > 0) - (x < 0)``
is arithmetic like any other. Evaluation never raises on bad arithmetic:
``log(-1)`` or ``1/0`` produce NaN or inf, which callers check for.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

import numpy as np

MAX_LENGTH = 500  # characters in one expression
MAX_DEPTH = 40  # nesting of operations in one expression
MAX_EXPONENT = 100  # |p| in x**p, which must be a literal number

Value = np.ndarray | np.float64
Evaluator = Callable[[np.ndarray], Value]

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

# name -> (numpy function, number of arguments)
FUNCTIONS: dict[str, tuple[Callable[..., Value], int]] = {
    "abs": (np.abs, 1),
    "sign": (np.sign, 1),
    "sqrt": (np.sqrt, 1),
    "exp": (np.exp, 1),
    "log": (np.log, 1),
    "sin": (np.sin, 1),
    "cos": (np.cos, 1),
    "tan": (np.tan, 1),
    "arcsin": (np.arcsin, 1),
    "arccos": (np.arccos, 1),
    "arctan": (np.arctan, 1),
    "sinh": (np.sinh, 1),
    "cosh": (np.cosh, 1),
    "tanh": (np.tanh, 1),
    "floor": (np.floor, 1),
    "ceil": (np.ceil, 1),
    "maximum": (np.maximum, 2),
    "minimum": (np.minimum, 2),
    "where": (np.where, 3),
    "clip": (np.clip, 3),
}

BINARY_OPERATORS: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}

UNARY_OPERATORS: dict[type[ast.unaryop], Callable[[Value], Value]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}

COMPARISONS: dict[type[ast.cmpop], Callable[[Value, Value], Value]] = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}

ALLOWED_SUMMARY = (
    "numbers, x, pi, e, + - * / ** (with a number exponent), comparisons "
    f"< <= > >= == !=, and the functions {', '.join(FUNCTIONS)}"
)


class ExpressionError(ValueError):
    """An expression that is malformed or uses something not allowed.

    ``column`` is 1-based within the line of the expression, or None when
    the fault is the expression as a whole.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        self.message = message
        self.column = column
        where = "" if column is None else f" (column {column})"
        super().__init__(f"{message}{where}")

    def __reduce__(self) -> tuple[type, tuple[str, int | None]]:
        # Rebuild from our own arguments, so the error survives pickling intact.
        return type(self), (self.message, self.column)


@dataclass(frozen=True)
class TargetFunction:
    """A validated expression of ``x``, callable on arrays."""

    source: str
    evaluator: Evaluator

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """The expression at every point of ``x``, as float64 of x's shape.

        NaN and inf are returned, never raised, for points outside the
        expression's domain.
        """
        x = np.asarray(x, dtype=np.float64)
        with np.errstate(all="ignore"):
            value = self.evaluator(x)
        return np.array(np.broadcast_to(value, x.shape), dtype=np.float64)


def compile_expression(source: str) -> TargetFunction:
    """Validate ``source`` once and return it as a callable; raise ExpressionError if unsafe."""
    if not isinstance(source, str):
        raise ExpressionError(f"an expression must be text, not {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}")
    tree = _parse(source)
    return TargetFunction(source, _Compiler(source).build(tree.body, depth=0))


def evaluate(source: str, x: np.ndarray) -> np.ndarray:
    """Compile ``source`` and evaluate it on ``x`` in one go."""
    return compile_expression(source)(x)


def _parse(source: str) -> ast.Expression:
    """``ast.parse`` in eval mode, with every failure turned into ExpressionError."""
    if not source.strip():
        raise ExpressionError("expression is empty; write a formula in x, like x**2")
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as error:
        reason = error.msg or "invalid syntax"
        column = max(error.offset, 1) if error.offset is not None else None
        raise ExpressionError(f"not a valid expression: {reason}", column) from None
    except (ValueError, RecursionError, MemoryError) as error:
        # null bytes, or nesting deep enough to exhaust the parser
        raise ExpressionError(f"not a valid expression: {error}") from None


@dataclass(frozen=True)
class _Compiler:
    """Turns a parsed expression into nested closures, checking each node."""

    source: str

    def build(self, node: ast.AST, depth: int) -> Evaluator:
        """The evaluator for ``node``; ExpressionError if ``node`` is not allowed."""
        if depth > MAX_DEPTH:
            raise ExpressionError(
                f"expression is nested more than {MAX_DEPTH} levels deep; simplify it",
                _column(self.source, node),
            )
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        self.fail(node, f"{_describe(node)} is not allowed")

    def fail(self, node: ast.AST, what: str) -> NoReturn:
        """Raise ExpressionError at ``node``, listing what is allowed."""
        raise ExpressionError(f"{what}; allowed: {ALLOWED_SUMMARY}", _column(self.source, node))

    def constant(self, node: ast.Constant) -> Evaluator:
        if type(node.value) not in (int, float):
            self.fail(node, f"{_describe(node)} is not allowed")
        # np.float64 so 1/0 and 0**-1 give inf instead of raising ZeroDivisionError
        value = np.float64(_to_float(node.value))
        return lambda x: value

    def name(self, node: ast.Name) -> Evaluator:
        if node.id == "x":
            return lambda x: x
        if node.id in CONSTANTS:
            value = np.float64(CONSTANTS[node.id])
            return lambda x: value
        if node.id in FUNCTIONS:
            self.fail(node, f"{node.id} is a function; call it, like {node.id}(x)")
        self.fail(node, f"the name {node.id!r} is not allowed")

    def binary(self, node: ast.BinOp, depth: int) -> Evaluator:
        op = BINARY_OPERATORS.get(type(node.op))
        if op is None:
            self.fail(node, f"the operator '{_symbol(node.op)}' is not allowed")
        if isinstance(node.op, ast.Pow):
            self.check_exponent(node.right)
        left, right = self.build(node.left, depth + 1), self.build(node.right, depth + 1)
        return lambda x: op(left(x), right(x))

    def check_exponent(self, node: ast.expr) -> None:
        """Exponents must be literal numbers of modest size, so x ** 10**10 cannot run away."""
        value = _literal_number(node)
        if value is None or not abs(value) <= MAX_EXPONENT:
            self.fail(
                node,
                f"the exponent of ** must be a number from -{MAX_EXPONENT} to {MAX_EXPONENT}, "
                "like x**2 (use exp(...) for powers of e)",
            )

    def unary(self, node: ast.UnaryOp, depth: int) -> Evaluator:
        op = UNARY_OPERATORS.get(type(node.op))
        if op is None:
            self.fail(node, f"the operator '{_symbol(node.op)}' is not allowed")
        operand = self.build(node.operand, depth + 1)
        return lambda x: op(operand(x))

    def compare(self, node: ast.Compare, depth: int) -> Evaluator:
        """``a < b <= c`` means ``(a < b) and (b <= c)``, as in Python, as 1.0 or 0.0."""
        tests = []
        for op in node.ops:
            test = COMPARISONS.get(type(op))
            if test is None:
                self.fail(node, f"the comparison '{_symbol(op)}' is not allowed")
            tests.append(test)
        operands = [self.build(n, depth + 1) for n in (node.left, *node.comparators)]

        def evaluate_chain(x: np.ndarray) -> Value:
            values = [operand(x) for operand in operands]
            holds = [test(a, b) for test, a, b in zip(tests, values, values[1:])]
            return np.logical_and.reduce(holds).astype(np.float64)

        return evaluate_chain

    def call(self, node: ast.Call, depth: int) -> Evaluator:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            self.fail(node.func, f"calling {_describe(node.func)} is not allowed")
        function, arity = FUNCTIONS[node.func.id]
        if node.keywords:
            self.fail(node.keywords[0], "keyword arguments are not allowed")
        starred = next((a for a in node.args if isinstance(a, ast.Starred)), None)
        if starred is not None:
            self.fail(starred, "*arguments are not allowed")
        if len(node.args) != arity:
            plural = "s" if arity > 1 else ""
            self.fail(node, f"{node.func.id}() takes {arity} argument{plural}, not {len(node.args)}")
        args = [self.build(a, depth + 1) for a in node.args]
        return lambda x: function(*(arg(x) for arg in args))


def _literal_number(node: ast.expr) -> float | None:
    """The value of a number literal, optionally signed (``2``, ``-0.5``); None otherwise."""
    sign = 1.0
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return sign * _to_float(node.value)
    return None


def _to_float(value: int | float) -> float:
    """``float(value)``, with integers too large for a float becoming +-inf."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _column(source: str, node: ast.AST) -> int | None:
    """1-based character column of ``node`` (ast counts UTF-8 bytes, authors count characters)."""
    lineno, offset = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    if lineno is None or offset is None:
        return None
    lines = re.split(r"\r\n|\r|\n", source)  # the line ends the tokenizer knows
    if lineno > len(lines):
        return None
    line = lines[lineno - 1]
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore")) + 1


_OPERATOR_SYMBOLS: dict[type, str] = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Invert: "~", ast.Not: "not",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}  # fmt: skip


def _symbol(op: ast.AST) -> str:
    return _OPERATOR_SYMBOLS.get(type(op), type(op).__name__)


_NODE_DESCRIPTIONS: dict[type, str] = {
    ast.Attribute: "attribute access (a.b)",
    ast.Subscript: "indexing (a[i])",
    ast.Lambda: "lambda",
    ast.ListComp: "a list comprehension",
    ast.SetComp: "a set comprehension",
    ast.DictComp: "a dict comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.List: "a list",
    ast.Tuple: "a tuple",
    ast.Set: "a set",
    ast.Dict: "a dict",
    ast.BoolOp: "and/or",
    ast.IfExp: "if/else (use where(condition, a, b))",
    ast.NamedExpr: "assignment (:=)",
    ast.JoinedStr: "an f-string",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Starred: "*unpacking",
    ast.Slice: "a slice",
}


def _describe(node: ast.AST) -> str:
    """How to name ``node`` in a message: 'indexing (a[i])', 'the string 'a'', 'the name 'os''."""
    if isinstance(node, ast.Constant):
        kind = {str: "string", bytes: "bytes", bool: "boolean"}.get(type(node.value), "constant")
        return f"the {kind} {node.value!r}"
    if isinstance(node, ast.Name):
        return f"the name {node.id!r}"
    return _NODE_DESCRIPTIONS.get(type(node), type(node).__name__)
