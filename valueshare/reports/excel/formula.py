"""A small formula language for the Excel model: every expression knows both its Excel text and its value.

A formula is written once, as a Python expression, and gives the text stored in the cell and the value stored beside
it as the cached result. So a reader that does not recalculate (a file preview, ``openpyxl`` with ``data_only``)
shows the same figures Excel computes, and a test can check those figures against the engine without a spreadsheet
program. The values follow Excel's rules: a blank cell counts as 0 in arithmetic, text compares without regard to
case, and a division by zero is the error ``#DIV/0!`` that spreads until an ``IF`` or ``IFERROR`` leaves it aside.

>>> a, b = ref("A1", 2.0), ref("B1", 3.0)
>>> f = IF(a.ge(1), (a + b) * 2, -a ** 2)
>>> f.text, f.value
('IF(A1>=1,(A1+B1)*2,-(A1^2))', 10.0)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

# Precedence, highest first; a child whose precedence is lower than its parent's is put in brackets. Excel's unary
# minus binds tighter than ^ (-2^2 is 4), so a negation here always brackets anything that is not a single atom,
# and itself counts as low as + and - so that a parent brackets it too: the text never relies on that surprise.
ATOM, POWER, PRODUCT, SUM_, COMPARE = 9, 5, 4, 3, 1


class ExcelError(str):
    """An error value such as ``#DIV/0!``: it spreads through arithmetic."""


DIV0 = ExcelError("#DIV/0!")

Value = float | bool | str | None


def _number(value: Value) -> float | ExcelError:
    if isinstance(value, ExcelError):
        return value
    if value is None:
        return 0.0  # a blank cell is 0 in arithmetic, as in Excel
    if isinstance(value, str):
        raise TypeError(f"text {value!r} used as a number")
    return float(value)


def _arith(fn: Callable[[float, float], float]) -> Callable[[Value, Value], Value]:
    def apply(a: Value, b: Value) -> Value:
        x, y = _number(a), _number(b)
        if isinstance(x, ExcelError):
            return x
        if isinstance(y, ExcelError):
            return y
        return fn(x, y)
    return apply


def _divide(a: float, b: float) -> float:
    return DIV0 if b == 0 else a / b  # type: ignore[return-value]


def _power(a: float, b: float) -> float:
    if a == 0 and b < 0:
        return DIV0  # type: ignore[return-value]
    return a ** b


@dataclass(frozen=True)
class X:
    """An expression: its Excel text (without the leading '='), its value and its precedence."""

    text: str
    value: Value
    precedence: int = ATOM

    def _op(self, symbol: str, other: object, precedence: int, fn: Callable[[float, float], float],
            *, reverse: bool = False) -> X:
        left, right = (lift(other), self) if reverse else (self, lift(other))
        # left-associative: a left child of equal precedence needs no brackets (except for ^, bracketed for clarity)
        lt = left.text if left.precedence > precedence or (left.precedence == precedence and precedence != POWER) \
            else f"({left.text})"
        rt = right.text if right.precedence > precedence else f"({right.text})"
        return X(f"{lt}{symbol}{rt}", _arith(fn)(left.value, right.value), precedence)

    def __add__(self, other: object) -> X:
        return self._op("+", other, SUM_, lambda a, b: a + b)

    def __radd__(self, other: object) -> X:
        return self._op("+", other, SUM_, lambda a, b: a + b, reverse=True)

    def __sub__(self, other: object) -> X:
        return self._op("-", other, SUM_, lambda a, b: a - b)

    def __rsub__(self, other: object) -> X:
        return self._op("-", other, SUM_, lambda a, b: a - b, reverse=True)

    def __mul__(self, other: object) -> X:
        return self._op("*", other, PRODUCT, lambda a, b: a * b)

    def __rmul__(self, other: object) -> X:
        return self._op("*", other, PRODUCT, lambda a, b: a * b, reverse=True)

    def __truediv__(self, other: object) -> X:
        return self._op("/", other, PRODUCT, _divide)

    def __rtruediv__(self, other: object) -> X:
        return self._op("/", other, PRODUCT, _divide, reverse=True)

    def __pow__(self, other: object) -> X:
        return self._op("^", other, POWER, _power)

    def __neg__(self) -> X:
        inner = self.text if self.precedence == ATOM else f"({self.text})"
        value = _number(self.value)
        return X(f"-{inner}", value if isinstance(value, ExcelError) else -value, SUM_)

    def _compare(self, symbol: str, other: object, fn: Callable[[object, object], bool]) -> X:
        right = lift(other)
        a, b = self.value, right.value
        if isinstance(a, ExcelError) or isinstance(b, ExcelError):
            value: Value = a if isinstance(a, ExcelError) else b
        elif isinstance(a, str) or isinstance(b, str):
            value = fn(str(a or "").casefold(), str(b or "").casefold()) if symbol in ("=", "<>") else False
        else:
            value = fn(_number(a), _number(b))
        lt = self.text if self.precedence > COMPARE else f"({self.text})"
        rt = right.text if right.precedence > COMPARE else f"({right.text})"
        return X(f"{lt}{symbol}{rt}", value, COMPARE)

    def ge(self, other: object) -> X:
        return self._compare(">=", other, lambda a, b: a >= b)  # type: ignore[operator]

    def le(self, other: object) -> X:
        return self._compare("<=", other, lambda a, b: a <= b)  # type: ignore[operator]

    def gt(self, other: object) -> X:
        return self._compare(">", other, lambda a, b: a > b)  # type: ignore[operator]

    def lt(self, other: object) -> X:
        return self._compare("<", other, lambda a, b: a < b)  # type: ignore[operator]

    def eq(self, other: object) -> X:
        return self._compare("=", other, lambda a, b: a == b)


@dataclass(frozen=True)
class Range:
    """A block of cells, e.g. ``'Cash flows'!E9:Y9``, with the values of its cells."""

    text: str
    values: tuple[Value, ...]


def ref(text: str, value: Value) -> X:
    """A reference to a cell or a defined name whose value is known."""
    return X(text, value, ATOM)


def number_text(x: float) -> str:
    """A number as a formula literal: whole numbers without a decimal point, others in the shortest exact form.

    >>> number_text(30.0), number_text(0.035), number_text(1e-12)
    ('30', '0.035', '1E-12')
    """
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x)).upper()


def lift(value: object) -> X:
    """A Python number or text as an expression; an expression stays as it is."""
    if isinstance(value, X):
        return value
    if isinstance(value, bool):
        return X("TRUE" if value else "FALSE", value)
    if isinstance(value, (int, float)):
        if value < 0:
            return -lift(-value)
        return X(number_text(value), float(value))
    if isinstance(value, str):
        return X('"' + value.replace('"', '""') + '"', value)
    raise TypeError(f"cannot use {value!r} in a formula")


def _call(name: str, args: Sequence[X | Range], value: Value) -> X:
    return X(f"{name}({','.join(a.text for a in args)})", value, ATOM)


def _first_error(values: Sequence[Value]) -> ExcelError | None:
    return next((v for v in values if isinstance(v, ExcelError)), None)


def _numbers(args: Sequence[object]) -> tuple[list[X], list[float], ExcelError | None]:
    xs = [lift(a) for a in args]
    error = _first_error([x.value for x in xs])
    return xs, ([] if error else [_number(x.value) for x in xs]), error  # type: ignore[misc]


def MIN(*args: object) -> X:
    xs, values, error = _numbers(args)
    return _call("MIN", xs, error or min(values))


def MAX(*args: object) -> X:
    xs, values, error = _numbers(args)
    return _call("MAX", xs, error or max(values))


def ABS(x: object) -> X:
    xs, values, error = _numbers([x])
    return _call("ABS", xs, error or abs(values[0]))


def SIGN(x: object) -> X:
    xs, values, error = _numbers([x])
    return _call("SIGN", xs, error or float(np.sign(values[0])))


def ROUND(x: object, digits: int) -> X:
    """Rounded to ``digits`` places; the value is numpy's, as the engine rounds (they differ only on exact ties)."""
    xs, values, error = _numbers([x, digits])
    return _call("ROUND", xs, error or float(np.round(values[0], digits)))


def ROUNDUP(x: object, digits: int = 0) -> X:
    """Away from zero to ``digits`` places; used with 0 digits, where it is the ceiling of a number >= 0."""
    xs, values, error = _numbers([x, digits])
    if error:
        return _call("ROUNDUP", xs, error)
    scale = 10.0 ** digits
    v = values[0]
    return _call("ROUNDUP", xs, math.copysign(math.ceil(abs(v) * scale) / scale, v))


def _truth(value: Value) -> bool | ExcelError:
    if isinstance(value, ExcelError):
        return value
    if isinstance(value, str):
        raise TypeError(f"text {value!r} used as a condition")
    return bool(value)


def IF(condition: X, then: object, otherwise: object) -> X:
    a, b = lift(then), lift(otherwise)
    truth = _truth(condition.value)
    value = truth if isinstance(truth, ExcelError) else (a.value if truth else b.value)
    return _call("IF", [condition, a, b], value)


def AND(*conditions: X) -> X:
    truths = [_truth(c.value) for c in conditions]
    error = _first_error(truths)
    return _call("AND", list(conditions), error or all(truths))


def ISBLANK(cell: X) -> X:
    return _call("ISBLANK", [cell], cell.value is None)


def IFERROR(x: X, otherwise: object) -> X:
    alt = lift(otherwise)
    return _call("IFERROR", [x, alt], alt.value if isinstance(x.value, ExcelError) else x.value)


def SUM(*items: X | Range) -> X:
    values = [v for item in items for v in (item.values if isinstance(item, Range) else (item.value,))]
    error = _first_error(values)
    return _call("SUM", list(items), error or float(sum(_number(v) for v in values)))  # type: ignore[misc]


def SUMPRODUCT(a: Range, b: Range) -> X:
    error = _first_error(list(a.values) + list(b.values))
    total = error or float(np.dot([_number(v) for v in a.values], [_number(v) for v in b.values]))
    return _call("SUMPRODUCT", [a, b], total)


def call(name: str, args: Sequence[object], value: Value) -> X:
    """Any other function, whose value the caller works out (e.g. ``IRR`` or ``NPV``, valued by the engine)."""
    return _call(name, [a if isinstance(a, Range) else lift(a) for a in args], value)
