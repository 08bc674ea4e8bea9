"""Formulas in x, parsed by a whitelist and never ``eval``'d, with exact first and second derivatives.

Allowed: numbers, ``x``, ``pi``, ``e``, ``+ - * / **`` (``^`` means ``**``), parentheses, and
the functions sin cos tan exp log sqrt abs tanh. Anything else is refused with a message
naming it. The parser is a small recursive descent over a list of tokens:

    sum     := product (('+' | '-') product)*
    product := signed (('*' | '/') signed)*
    signed  := ('+' | '-') signed | power
    power   := atom ('**' signed)?              right-associative: 2**3**2 = 2**9
    atom    := number | name | function '(' sum ')' | '(' sum ')'

A formula becomes a tree of tuples, evaluated over a whole array of x at once together with
its first and second derivative (forward-mode automatic differentiation: every node carries
(f, f', f'') and each rule is the chain rule written out).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

Array = np.ndarray
# A parsed formula, nested tuples: ("num", value), ("x",), ("neg", tree), ("add", left, right), …,
# ("pow", base, exponent), ("call", name, argument).
Tree = tuple[Any, ...]

MAX_CHARACTERS = 200  # the default of playground.limits' formula_characters
MAX_DEPTH = 30  # nested parentheses, calls and signs: enough for any formula a person types
MAX_NUMBER = 1e100
MAX_EXPONENT = 1000.0
LARGEST_VALUE = 1e100  # a value beyond this counts as an overflow
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh")
CONSTANTS = {"pi": math.pi, "e": math.e}

_TOKEN = re.compile(
    r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(\*\*|[-+*/^()]))"
)


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why, in words a student can act on."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text and its tree."""

    text: str
    tree: Tree

    def __call__(self, x: Array | float) -> Array:
        return jet(self.tree, np.asarray(x, dtype=np.float64))[0]

    def derivatives(self, x: Array | float) -> tuple[Array, Array, Array]:
        """f(x), f'(x) and f''(x), exactly (up to rounding)."""
        return jet(self.tree, np.asarray(x, dtype=np.float64))


def tokens(text: str) -> list[str]:
    """The formula's tokens; any character outside the whitelist is refused by name."""
    found, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            bad = text[position:].lstrip()[0]
            raise FormulaError(f"{bad!r} is not allowed: use numbers, x, + - * / ** ( ) and {', '.join(FUNCTIONS)}")
        assert match.lastindex is not None  # each alternative of _TOKEN is a group
        found.append(match.group(match.lastindex).replace("^", "**"))
        position = match.end()
    return found


class _Parser:
    def __init__(self, items: list[str]) -> None:
        self.items, self.position, self.depth = items, 0, 0

    def peek(self) -> str | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None:
            raise FormulaError("the formula ends too early: something is missing at the end")
        if expected is not None and token != expected:
            raise FormulaError(f"expected '{expected}' but found '{token}'")
        self.position += 1
        return token

    def nested(self, parse: Callable[[], Tree]) -> Tree:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError(f"the formula is nested too deeply (more than {MAX_DEPTH} levels)")
        try:
            return parse()
        finally:
            self.depth -= 1

    def sum(self) -> Tree:
        tree = self.product()
        while self.peek() in ("+", "-"):
            operation = "add" if self.take() == "+" else "sub"
            tree = (operation, tree, self.product())
        return tree

    def product(self) -> Tree:
        tree = self.signed()
        while self.peek() in ("*", "/"):
            operation = "mul" if self.take() == "*" else "div"
            tree = (operation, tree, self.signed())
        return tree

    def signed(self) -> Tree:
        if self.peek() in ("+", "-"):
            sign = self.take()
            inner = self.nested(self.signed)
            return ("neg", inner) if sign == "-" else inner
        return self.power()

    def power(self) -> Tree:
        base = self.atom()
        if self.peek() == "**":
            self.take()
            exponent = self.nested(self.signed)
            if exponent[0] == "num" and abs(exponent[1]) > MAX_EXPONENT:
                raise FormulaError(f"the exponent {exponent[1]:g} is too large (at most {MAX_EXPONENT:g})")
            return ("pow", base, exponent)
        return base

    def atom(self) -> Tree:
        token = self.take()
        if token == "(":
            inside = self.nested(self.sum)
            self.take(")")
            return inside
        if token[0].isdigit() or token[0] == ".":
            value = float(token)
            if not value <= MAX_NUMBER:
                raise FormulaError(f"the number {token} is too large (at most 1e100)")
            return ("num", value)
        if token == "x":
            return ("x",)
        if token in CONSTANTS:
            return ("num", CONSTANTS[token])
        if token in FUNCTIONS:
            if self.peek() != "(":
                raise FormulaError(f"{token} needs its argument in parentheses, e.g. {token}(x)")
            self.take("(")
            argument = self.nested(self.sum)
            self.take(")")
            return ("call", token, argument)
        if token[0].isalpha() or token[0] == "_":
            raise FormulaError(f"'{token}' is not allowed: the variable is x, the functions are {', '.join(FUNCTIONS)}")
        raise FormulaError(f"'{token}' cannot stand here")


def parse_formula(text: str, max_characters: int = MAX_CHARACTERS) -> Formula:
    """A formula in x from its text, of at most ``max_characters`` (the app passes its limit);
    raises FormulaError with a message for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError("type a formula in x, e.g. x**2 - 3*x + 4")
    if len(text) > max_characters:
        raise FormulaError(f"the formula is {len(text)} characters long: at most {max_characters}")
    parser = _Parser(tokens(text))
    tree = parser.sum()
    if parser.peek() is not None:
        raise FormulaError(f"'{parser.peek()}' cannot follow here (a * may be missing, e.g. 3*x)")
    return Formula(text.strip(), tree)


# ------------------------------------------------------------------ values and derivatives

# Each function g: its value g(u) and slopes g'(u), g''(u).
_SLOPES = {
    "sin": lambda u: (np.sin(u), np.cos(u), -np.sin(u)),
    "cos": lambda u: (np.cos(u), -np.sin(u), -np.cos(u)),
    "tan": lambda u: (np.tan(u), 1 / np.cos(u) ** 2, 2 * np.tan(u) / np.cos(u) ** 2),
    "exp": lambda u: (np.exp(u),) * 3,
    "log": lambda u: (np.log(u), 1 / u, -1 / u**2),
    "sqrt": lambda u: (np.sqrt(u), 0.5 / np.sqrt(u), -0.25 / u**1.5),
    "abs": lambda u: (np.abs(u), np.sign(u), np.zeros_like(u)),
    "tanh": lambda u: (np.tanh(u), 1 - np.tanh(u) ** 2, -2 * np.tanh(u) * (1 - np.tanh(u) ** 2)),
}


def jet(tree: Tree, x: Array) -> tuple[Array, Array, Array]:
    """(f, f', f'') of the tree at every x: the chain rule, node by node."""
    with np.errstate(all="ignore"):
        return _jet(tree, x)


def _jet(tree: Tree, x: Array) -> tuple[Array, Array, Array]:
    kind = tree[0]
    zero = np.zeros_like(x)
    if kind == "num":
        return zero + tree[1], zero, zero
    if kind == "x":
        return x, zero + 1, zero
    if kind == "neg":
        f, d1, d2 = _jet(tree[1], x)
        return -f, -d1, -d2
    if kind == "call":
        u, du, ddu = _jet(tree[2], x)
        g, dg, ddg = _SLOPES[tree[1]](u)
        return g, dg * du, ddg * du**2 + dg * ddu
    a, da, dda = _jet(tree[1], x)
    if kind == "pow" and tree[2][0] == "num":
        return _power(a, da, dda, tree[2][1])
    b, db, ddb = _jet(tree[2], x)
    if kind == "add":
        return a + b, da + db, dda + ddb
    if kind == "sub":
        return a - b, da - db, dda - ddb
    if kind == "mul":
        return a * b, da * b + a * db, dda * b + 2 * da * db + a * ddb
    if kind == "div":
        q = a / b
        dq = (da - q * db) / b
        return q, dq, (dda - 2 * dq * db - q * ddb) / b
    # a ** b with b a function of x: exp(b · log a), defined where a > 0.
    log_a, dlog_a, ddlog_a = _SLOPES["log"](a)[0], da / a, dda / a - da**2 / a**2
    e = b * log_a
    de = db * log_a + b * dlog_a
    dde = ddb * log_a + 2 * db * dlog_a + b * ddlog_a
    p = np.exp(e)
    return p, p * de, p * (dde + de**2)


def _power(a: Array, da: Array, dda: Array, c: float) -> tuple[Array, Array, Array]:
    """a ** c for a constant c: c·a^(c−1)·a' and c(c−1)·a^(c−2)·a'² + c·a^(c−1)·a''.

    A coefficient of 0 (c = 0 or 1) drops its term, so 0 ** 0 never turns a slope into NaN.
    """
    value = a**c
    first = c * a ** (c - 1) if c != 0 else np.zeros_like(a)
    second = c * (c - 1) * a ** (c - 2) if c not in (0, 1) else np.zeros_like(a)
    return value, first * da, second * da**2 + first * dda


def check_values(formula: Formula, xs: Array) -> Array:
    """f over xs for a plot: NaN where f is undefined, a FormulaError where it overflows or is nowhere defined."""
    values = formula(xs)
    too_large = np.abs(values) > LARGEST_VALUE
    if np.any(too_large):
        where = xs[np.argmax(too_large)]
        raise FormulaError(f"{formula.text} overflows (beyond ±1e100) near x = {where:.3g}")
    if not np.any(np.isfinite(values)):
        raise FormulaError(f"{formula.text} is not defined anywhere on [{xs[0]:g}, {xs[-1]:g}]")
    return values
