"""Errors a user can cause, as domain exceptions whose messages name the field and the rule.

The app, the CLI and the reports all show ``Problem.line()``; none of them shows a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is (``terms[2].tiers[0].rate``), the rule it breaks (a short name:
    ``required``, ``bounds``, ``milestone_stage``...) and the message that says so in people's words.

    ``message`` speaks in the unit a deal file holds (a rate as a fraction: "must be between 0 and 1 (0% to 100%)");
    ``in_form``, when it differs, in the unit the app's form shows ("must be at most 100%"), where the field is named
    by its label, not its path. ``shown()`` is the one for a form; it takes no part in comparing problems.

    >>> p = Problem("terms[0].rate", "must be between 0 and 1 (0% to 100%)", "bounds", "must be at most 100%")
    >>> p.line(), p.shown()
    ('terms[0].rate: must be between 0 and 1 (0% to 100%)', 'Must be at most 100%')
    """

    path: str
    message: str
    rule: str = ""
    in_form: str = field(default="", compare=False)

    def line(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def shown(self) -> str:
        """The message as a form shows it, under or beside the field's label: in the form's unit, capitalised."""
        return sentence(self.in_form or self.message)

    def within(self, prefix: str) -> Problem:
        """The same problem, its path taken as relative to ``prefix``."""
        return Problem(_join(prefix, self.path), self.message, self.rule, self.in_form)


def sentence(text: str) -> str:
    """``text`` with its first letter a capital, as a message on its own begins: 'an author is required' -> 'An author
    is required'. Text that begins with a quote, a figure or a name is left as it is.

    >>> sentence("an author is required"), sentence("'x' is not a field"), sentence("")
    ('An author is required', "'x' is not a field", '')
    """
    return text[:1].upper() + text[1:] if text[:1].islower() else text


class Invalid(ValueError):
    """What a model's validator raises: the problems it found as objects, each path relative to the model that
    checks it (pydantic keeps the exception, and ``problems_from_validation`` reads its problems as they are)."""

    def __init__(self, *problems: Problem):
        self.problems = problems
        super().__init__("; ".join(p.line() for p in problems))


def invalid(path: str, rule: str, message: str, in_form: str = "") -> Invalid:
    """One problem to raise: ``raise invalid("tiers[0].from_gbp", "first_tier_at_zero", "must start at 0")``;
    ``in_form``: the message in the unit the app's form shows, when it differs (a rate as a percentage)."""
    return Invalid(Problem(path, message, rule, in_form))


class ValueshareError(Exception):
    """Base of every error a user can cause."""


class DealInvalid(ValueshareError):
    """A deal (or a file holding one) breaks one or more rules; ``problems`` lists each one."""

    def __init__(self, problems: Iterable[Problem], source: str | None = None):
        self.problems = list(problems)
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + p.line() for p in self.problems))


def problem_lines(error: ValueshareError) -> list[str]:
    """The lines a command prints for an error: one per problem of a ``DealInvalid`` (with its file), else the
    error's own lines.

    >>> problem_lines(DealInvalid([Problem("terms[0].rate", "must be a number")], "deal.yaml"))
    ['deal.yaml: terms[0].rate: must be a number']
    """
    if isinstance(error, DealInvalid):
        prefix = f"{error.source}: " if error.source else ""
        return [prefix + problem.line() for problem in error.problems]
    return str(error).splitlines() or [type(error).__name__]


class NoAnswer(ValueshareError):
    """A calculation has no answer for this input (e.g. no IRR); the message says why."""


def _union_tags() -> frozenset[str]:
    """The tags of the term union: pydantic puts the tag of a discriminated union into the location (terms -> 2 ->
    royalty -> rate); users never wrote that tag as a key, so it is dropped from the path they see. Read from the
    model when first needed: the model imports this module."""
    from valueshare.model.terms import TERM_KINDS
    return frozenset(TERM_KINDS)


_DISTRIBUTION_TAGS = {"fixed", "uniform", "triangular", "pert", "normal", "lognormal"}


def format_path(loc: Iterable[Any]) -> str:
    """``('terms', 2, 'royalty', 'tiers', 0, 'rate')`` -> ``terms[2].tiers[0].rate``."""
    out = ""
    previous: Any = None
    union_tags = _union_tags()
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif (isinstance(previous, int) and part in union_tags) or (
                previous == "distribution" and part in _DISTRIBUTION_TAGS):
            pass
        else:
            out += f".{part}" if out else str(part)
        previous = part
    return out


def _join(path: str, sub: str) -> str:
    if not path or not sub:
        return path or sub
    return f"{path}{sub}" if sub.startswith("[") else f"{path}.{sub}"


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field of this section (check the spelling)"
    if kind in ("union_tag_invalid",):
        expected = ctx.get("expected_tags", "")
        return f"unknown kind {ctx.get('tag')!r}; the kinds are: {expected}"
    if kind == "union_tag_not_found":
        return "needs a 'kind' saying which mechanism it is"
    if kind == "enum":
        return f"must be one of: {ctx.get('expected', '')}"
    if kind == "literal_error":
        return f"must be {ctx.get('expected', '')}"
    if kind in ("int_from_float", "int_parsing", "int_type"):
        return "must be a whole number"
    if kind in ("float_type", "float_parsing"):
        return "must be a number"
    if kind in ("string_type",):
        return "must be text"
    if kind == "string_unicode":
        return "holds a lone surrogate (half of a character, U+D800 to U+DFFF), which no text file can hold: remove it"
    if kind.startswith("date_"):
        return "must be a date written YYYY-MM-DD, e.g. 2023-04-01"
    if kind in ("bool_type", "bool_parsing"):
        return "must be true or false"
    if kind in ("list_type",):
        return "must be a list (one '- ' item per line in YAML)"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a section of named fields"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind in ("too_long", "string_too_long") and isinstance(error.get("input"), str):
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "too_long":
        return f"has too many items or characters (at most {ctx.get('max_length')})"
    if kind == "string_too_long":
        return f"is too long (at most {ctx.get('max_length')} characters)"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def problems_from_validation(error: ValidationError, prefix: str = "") -> list[Problem]:
    """Translate pydantic's errors into ``Problem`` lines a commercial lead can act on."""
    problems: list[Problem] = []
    for err in error.errors(include_url=False):
        path = _join(prefix, format_path(err["loc"])) if prefix else format_path(err["loc"])
        raised = (err.get("ctx") or {}).get("error")
        if isinstance(raised, Invalid):
            problems += [p.within(path) for p in raised.problems]
        else:
            problems.append(Problem(path, _message(dict(err)), err["type"]))
    return problems
