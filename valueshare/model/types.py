"""Numeric field types shared by every model: units in the name, bounds as validators, plain-English errors.

Each type carries its unit in the JSON Schema (``x-unit``) so the app can format it (a ``fraction`` is shown as a
percentage, ``gbp`` as pounds) and the docs can list it. The bounds are checked by our own validator, not by
pydantic's ``ge``/``le``, so that the message reads the way a commercial lead would say it, in the unit the
deal file holds (``must be between 0 and 1 (0% to 100%)``) and, for the app's form, in the unit typed there
(``must be between 0% and 100%``: ``Problem.in_form``).

Numbers must be numbers: YAML turns ``off`` into ``False`` and keeps ``1e3`` as the string ``"1e3"``; both are
refused here with a message that says so, instead of being coerced silently. Every number has an upper bound
(``MAX_GBP`` for money, ``MAX_COUNT`` for counts), so that no valid deal can overflow to infinity anywhere.

Text is either one line (``Name``, ``Line``) or prose that may hold new lines (``Prose``). Neither may hold a
character that cannot be kept exactly in a deal file or shown safely: control characters (ESC, NUL, U+0085 NEXT
LINE...), U+2028 and U+2029, lone surrogates and the non-characters U+FFFE and U+FFFF. Each is refused at its field,
named, so what a user typed either round-trips exactly or is refused where they typed it.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from valueshare.errors import invalid
from valueshare.textio import describe_character


def _reject_text_and_booleans(unit: str):
    def check(value: Any) -> Any:
        if isinstance(value, bool):
            raise invalid("", "number",
                          f"must be a number, not {str(value).lower()} (YAML reads yes/no/on/off as true/false)")
        if isinstance(value, str):
            # the app's money fields are text boxes: what was typed is kept, and said back, when it is not an amount
            in_form = (f"must be an amount in pounds, such as 6,000,000, £6,000,000 or £6m, not {value!r}"
                       if unit == "gbp" else "")
            raise invalid("", "number",
                          f"must be a number, not the text {value!r} (write 1000 or 1.0e+3, without quotes or commas)",
                          in_form)
        return value

    return check


def _reject_non_finite(value: float) -> float:
    if isinstance(value, float) and not math.isfinite(value):
        raise invalid("", "finite", "must be a finite number")
    return value


#: The most any money field may hold: £1 trillion, five times the NHS in England's yearly budget; a price, a fee, a
#: company's value at exit, a cost. Products of these (volume × price, compounded growth) stay finite in float64.
MAX_GBP = 1e12
#: The most any count may hold (patients, units sold a year, records): a trillion.
MAX_COUNT = 1e12
#: The most staff hours a year: 100 million (about 60,000 full-time staff).
MAX_HOURS = 1e8


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:g}"


def _percent(x: float) -> str:
    """A fraction as the form shows it: 0.035 -> '3.5%'."""
    return _fmt(round(x * 100, 10)) + "%"


def _money(x: float) -> str:
    return ("-£" if x < 0 else "£") + _fmt(abs(x))


def describe_bounds(lo: float | None, hi: float | None, lo_open: bool = False, hi_open: bool = False, *,
                    write: Any = _fmt, after: str = "") -> str:
    """The rule a number breaks, each bound written by ``write`` and ``after`` said once, at the end.

    >>> describe_bounds(0.0, 1.0, lo_open=True, write=_percent)
    'must be above 0% and at most 100%'
    >>> describe_bounds(1, 100, after=" years"), describe_bounds(0.0, None, write=_money)
    ('must be between 1 and 100 years', 'must be at least £0')
    """
    if lo is not None and hi is not None:
        if lo_open or hi_open:
            lower = f"above {write(lo)}" if lo_open else f"at least {write(lo)}"
            upper = f"below {write(hi)}" if hi_open else f"at most {write(hi)}"
            return f"must be {lower} and {upper}{after}"
        return f"must be between {write(lo)} and {write(hi)}{after}"
    if lo is not None:
        return f"must be {'more than' if lo_open else 'at least'} {write(lo)}{after}"
    return f"must be {'less than' if hi_open else 'at most'} {write(hi)}{after}"


#: What follows a bound in each unit's message; a year counted from signature says so, as its label does.
_AFTER = {"years": " years", "year": " (years after signature: year 0 is signature)", "hours": " hours"}


def _bounds_check(lo: float | None, hi: float | None, lo_open: bool, hi_open: bool, unit: str):
    """The check of a number's bounds. Its message speaks in the unit the deal file holds (a fraction: '... at most 1
    (0% to 100%)'); for a fraction the form's own message speaks in percent, the unit it is typed in."""
    after = _AFTER.get(unit, "")
    if unit == "fraction":
        text = describe_bounds(lo, hi, lo_open, hi_open)
        if lo is not None and hi is not None:
            text += f" ({_percent(lo)} to {_percent(hi)})"
        in_form = describe_bounds(lo, hi, lo_open, hi_open, write=_percent)
    else:
        text = describe_bounds(lo, hi, lo_open, hi_open, write=_money if unit == "gbp" else _fmt, after=after)
        in_form = ""

    def check(value: float) -> float:
        bad = (
            (lo is not None and (value < lo or (lo_open and value == lo)))
            or (hi is not None and (value > hi or (hi_open and value == hi)))
        )
        if bad:
            raise invalid("", "bounds", text, in_form)
        return value

    return check


def bounded(unit: str, lo: float | None = None, hi: float | None = None, *,
            lo_open: bool = False, hi_open: bool = False) -> tuple[Any, ...]:
    """The metadata of a number in ``unit`` between ``lo`` and ``hi``: spread into ``Annotated`` after its type
    (``Annotated[float, *bounded("fraction", 0.0, 1.0)]``) so that mypy sees a float and pydantic the rules."""
    schema: dict[str, Any] = {"x-unit": unit}
    if lo is not None:
        schema["exclusiveMinimum" if lo_open else "minimum"] = lo
    if hi is not None:
        schema["exclusiveMaximum" if hi_open else "maximum"] = hi
    return (
        BeforeValidator(_reject_text_and_booleans(unit)),
        AfterValidator(_reject_non_finite),
        AfterValidator(_bounds_check(lo, hi, lo_open, hi_open, unit)),
        Field(json_schema_extra=schema),
    )


#: A share, rate or probability written as a fraction: 0.02 is 2%.
Fraction = Annotated[float, *bounded("fraction", 0.0, 1.0)]
#: A probability of success that can be 1 but not 0 (a stage that cannot succeed is not a stage).
Probability = Annotated[float, *bounded("fraction", 0.0, 1.0, lo_open=True)]
#: A discount off a price, below 100%.
DiscountFraction = Annotated[float, *bounded("fraction", 0.0, 1.0, hi_open=True)]
#: A yearly rate that may be negative (e.g. a real price fall), within ±100%.
GrowthRate = Annotated[float, *bounded("fraction", -0.99, 1.0)]
#: A discount rate per year, as a fraction: 0.035 is 3.5%.
DiscountRate = Annotated[float, *bounded("fraction", 0.0, 1.0)]
#: Pounds sterling, in the deal's price base year, never negative.
Gbp = Annotated[float, *bounded("gbp", 0.0, MAX_GBP)]
#: Pounds that may be negative (a saving that is a cost), within ±``MAX_GBP``.
SignedGbp = Annotated[float, *bounded("gbp", -MAX_GBP, MAX_GBP)]
#: A duration in years that may be fractional (six months is 0.5), above zero.
DurationYears = Annotated[float, *bounded("years", 0.0, 100.0, lo_open=True)]
#: A duration in years that may be zero.
YearsNonNegative = Annotated[float, *bounded("years", 0.0, 100.0)]
#: A whole year counted from signature (year 0 is signature).
YearIndex = Annotated[int, *bounded("year", 0, 100)]
#: A whole number of years, at least one.
WholeYears = Annotated[int, *bounded("years", 1, 100)]
#: A count of things (patients, records, units), never negative.
Count = Annotated[float, *bounded("count", 0.0, MAX_COUNT)]
#: Hours of staff time.
Hours = Annotated[float, *bounded("hours", 0.0, MAX_HOURS)]


# Characters no text may hold: C0 controls but tab, line feed and carriage return; DEL; the C1 controls (U+0085
# NEXT LINE among them: YAML reads it as a line break, so it never came back from a deal file); the line and
# paragraph separators; lone surrogates (no UTF-8 file can hold them); and the non-characters U+FFFE and U+FFFF.
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff"
_NOT_IN_PROSE = re.compile(f"[{_NEVER}]")
#: What no text valueshare keeps may hold (a deal's prose, a register note): search a text with it.
NOT_IN_TEXT = _NOT_IN_PROSE
_NOT_IN_A_LINE = re.compile(f"[{_NEVER}\n\r]")


def _refuse_characters(pattern: re.Pattern[str], prose: bool):
    def check(value: str) -> str:
        match = pattern.search(value)
        if match:
            char = match.group()
            if char in "\n\r" and not prose:
                raise invalid("", "one_line",
                              f"must be on one line: it holds a line break, {describe_character(char)}, at "
                              f"character {match.start() + 1}")
            raise invalid("", "characters",
                          f"holds the character {describe_character(char)} at character {match.start() + 1}, which a "
                          f"deal cannot keep (a control or invisible character, perhaps pasted in): remove it")
        return value

    return check


def _not_blank(value: str) -> str:
    if not value.strip():
        raise invalid("", "not_blank", "must not be blank")
    return value


#: Text on one line, possibly empty: a unit, a stage a milestone names.
Line = Annotated[str, AfterValidator(_refuse_characters(_NOT_IN_A_LINE, prose=False)),
                 Field(json_schema_extra={"x-text": "one line"})]
#: A name: text on one line that is not empty or only spaces.
Name = Annotated[str, AfterValidator(_refuse_characters(_NOT_IN_A_LINE, prose=False)), AfterValidator(_not_blank),
                 Field(json_schema_extra={"x-text": "one line"})]
#: Prose: text that may run over several lines (a description, notes).
Prose = Annotated[str, AfterValidator(_refuse_characters(_NOT_IN_PROSE, prose=True)),
                  Field(json_schema_extra={"x-text": "prose"})]
