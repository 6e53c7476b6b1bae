"""Make a saved result again and say whether it reproduces: ``python -m valueshare replay RESULT.json``.

A result written by ``value``, ``simulate``, ``negotiate`` or ``compare`` with ``--json`` carries its provenance and
the deal it was made from (``valueshare.results``). ``replay_data``:

1. reads the provenance (``valueshare.provenance.Provenance.from_dict``), refusing a result without one;
2. checks the embedded deal against the recorded digest: the digest of ``deal_data`` as it stands must be
   ``provenance.deal_digest``, or the deal was changed after the result was written and nothing is re-run;
3. validates the deal again (migrating it first if it was written in an older file format);
4. runs the same command with the same options (the variant, the target, the term, the mix; for a Monte Carlo the
   recorded seed, trials and chunk size);
5. compares every figure of the result, number by number and text by text (``leaves``).

Tolerance [ours]. When the valueshare version, numpy's version, the bit generator and the rule set's thresholds
are all those recorded, every figure must be *exactly* the same: the engine is deterministic and a seeded Monte
Carlo draws the same numbers from the same generator. When any of them differs the report says which, and numbers
agree when ``|recorded − now| ≤ rel · max(|recorded|, |now|) + abs`` (``Tolerance``):

- a command that draws nothing (``value``, ``compare``): rel = 10⁻⁶, abs = 10⁻⁹; a real change of method shows,
  floating-point noise does not;
- ``simulate``: a changed generator or numpy may draw other trials [pub: numpy's NEP 19 keeps a bit generator's
  stream but not every distribution's], so a figure is an estimate with its own sampling error: money within 2% or
  3 standard errors of the larger recorded mean (``nhs_npv.standard_error``, ``partner_npv.standard_error``), a
  probability within 3 binomial standard errors at its widest, 3·√(0.25 / trials);
- ``negotiate``, whose equivalent offers carry Monte Carlo ranges: 2%.

Texts (statuses, verdicts, labels) must always be the same.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from valueshare.errors import DealInvalid, Problem
from valueshare.model import Deal
from valueshare.provenance import Provenance, ResultInvalid, Simulated, digest_data, generator_name
from valueshare.results import COMMANDS, figures
from valueshare.scenario import read_deal_data
from valueshare.textio import load_json, read_file

#: What a result holds besides its figures.
NOT_FIGURES = ("provenance", "deal_data")
#: The most differences a report lists one by one (the count is always given).
SHOWN = 40


@dataclass(frozen=True)
class Tolerance:
    """Two numbers agree when ``|a − b| ≤ rel · max(|a|, |b|) + abs``; a probability (a figure whose name says
    ``probability``) uses ``probability`` as its ``abs`` instead. ``EXACT`` is no tolerance at all."""

    rel: float = 0.0
    abs: float = 0.0
    probability: float | None = None
    text: str = "exactly"

    def agree(self, path: str, a: float, b: float) -> bool:
        if a == b:
            return True
        last = path.rsplit(".", 1)[-1]
        allowance = self.probability if self.probability is not None and "probability" in last else self.abs
        return abs(a - b) <= self.rel * max(abs(a), abs(b)) + allowance


EXACT = Tolerance()


@dataclass(frozen=True)
class Difference:
    """One figure that is not what was recorded: where it is in the result, then and now (``None``: absent)."""

    path: str
    recorded: Any
    now: Any

    def line(self) -> str:
        if self.now is None and self.recorded is not None:
            return f"{self.path}: recorded {_show(self.recorded)}, not in the result made now"
        if self.recorded is None and self.now is not None:
            return f"{self.path}: not in the recorded result, now {_show(self.now)}"
        return f"{self.path}: recorded {_show(self.recorded)}, now {_show(self.now)}"


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


@dataclass(frozen=True)
class Replay:
    """What replaying a result found: the recorded provenance and today's, what differs in the environment, the
    tolerance used, how many figures were compared and which of them differ."""

    source: str
    recorded: Provenance
    deals: tuple[Deal, ...]
    environment: tuple[str, ...]
    tolerance: Tolerance
    compared: int
    differences: tuple[Difference, ...]
    new_figures: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def reproduces(self) -> bool:
        return not self.differences

    def lines(self) -> list[str]:
        """The report ``replay`` prints: what was replayed, the checks, then ``reproduces`` or what differs."""
        p = self.recorded
        variant = p.options.get("variant")
        what = f"{p.command} of " + ", ".join(f"'{d.name}'" for d in self.deals) + \
            (f" (variant '{variant}')" if variant else "")
        settings = [p.rule_set, f"numpy {p.numpy_version}"]
        if p.simulation is not None:
            s = p.simulation
            settings += [s.generator, f"seed {s.seed}", f"{s.trials:,} trials"]
        out = [f"{self.source}: {what}, recorded by valueshare {p.valueshare_version} ({', '.join(settings)})",
               "  the deal's content matches its recorded digest ("
               + (p.deal_digest if isinstance(p.deal_digest, str) else ", ".join(p.deal_digest)) + ")"]
        out += [f"  {note}" for note in self.notes]
        if self.environment:
            out.append("  made now with " + "; ".join(self.environment) + f": numbers compared {self.tolerance.text}")
        if self.new_figures:
            out.append(f"  {len(self.new_figures)} figures are new in this version and were not recorded: "
                       + ", ".join(self.new_figures[:10]) + (", ..." if len(self.new_figures) > 10 else ""))
        if self.reproduces:
            out.append(f"reproduces: all {self.compared:,} figures are the same"
                       + ("" if self.tolerance is EXACT else f" ({self.tolerance.text})"))
        else:
            out.append(f"does not reproduce: {len(self.differences):,} of {self.compared:,} figures differ")
            out += [f"  {d.line()}" for d in self.differences[:SHOWN]]
            if len(self.differences) > SHOWN:
                out.append(f"  ... and {len(self.differences) - SHOWN:,} more")
        return out


def leaves(data: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every number, text, truth value and null in ``data``, each with its path (``principles[2].status``).

    >>> dict(leaves({"a": [1, {"b": "x"}], "c": None}))
    {'a[0]': 1, 'a[1].b': 'x', 'c': None}
    """
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        for k, value in enumerate(data):
            yield from leaves(value, f"{path}[{k}]")
    else:
        yield path, data


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def differences(recorded: Mapping[str, Any], now: Mapping[str, Any], tolerance: Tolerance = EXACT, *,
                strict: bool = True) -> tuple[int, list[Difference], list[str]]:
    """Compare two results' figures: how many were compared, those that differ, and those only ``now`` has (a
    difference when ``strict``; with another version, a new figure is listed, not counted against it)."""
    before = dict(leaves({k: v for k, v in recorded.items() if k not in NOT_FIGURES}))
    after = dict(leaves({k: v for k, v in now.items() if k not in NOT_FIGURES}))
    found: list[Difference] = []
    for path, value in before.items():
        if path not in after:
            found.append(Difference(path, value, None))
            continue
        new = after[path]
        same = tolerance.agree(path, float(value), float(new)) if _number(value) and _number(new) else \
            type(value) is type(new) and value == new or (_number(value) and _number(new) and value == new)
        if not same:
            found.append(Difference(path, value, new))
    added = [path for path in after if path not in before]
    if strict:
        found += [Difference(path, None, after[path]) for path in added]
        added = []
    return len(before), found, added


def _tolerance(command: str, recorded: Mapping[str, Any], simulation: Simulated | None) -> Tolerance:
    if command == "simulate" and simulation is not None:
        errors = [recorded.get(side, {}).get("standard_error") for side in ("nhs_npv", "partner_npv")
                  if isinstance(recorded.get(side), Mapping)]
        se = max((float(e) for e in errors if _number(e)), default=0.0)
        widest = 3 * math.sqrt(0.25 / simulation.trials)
        return Tolerance(0.02, 3 * se, widest, f"within 2% or 3 standard errors (£{3 * se:,.0f}), a probability "
                                               f"within {widest:.3f}")
    if command == "negotiate":
        return Tolerance(0.02, 1e-9, None, "within 2%")
    return Tolerance(1e-6, 1e-9, None, "within one part in a million")


def _environment(recorded: Provenance) -> list[str]:
    """What differs between the recorded environment and this one, one phrase each."""
    now = Provenance(recorded.deal_digest)
    out = []
    if recorded.valueshare_version != now.valueshare_version:
        out.append(f"valueshare {now.valueshare_version} (recorded {recorded.valueshare_version})")
    if recorded.numpy_version != now.numpy_version:
        out.append(f"numpy {now.numpy_version} (recorded {recorded.numpy_version})")
    if recorded.simulation is not None and recorded.simulation.generator != generator_name():
        out.append(f"the {generator_name()} generator (recorded {recorded.simulation.generator})")
    if recorded.rule_set_digest != now.rule_set_digest or recorded.rule_set != now.rule_set:
        out.append(f"the rule set {now.rule_set} {now.rule_set_digest[:15]}... (recorded {recorded.rule_set} "
                   f"{recorded.rule_set_digest[:15]}...)")
    return out


def _options(command: str, options: Mapping[str, Any], source: str | None) -> None:
    """Refuse options of the wrong kind, naming the field, before anything is run on them."""
    kinds: dict[str, tuple[type, ...]] = {"variant": (str, type(None)), "term": (str, type(None)),
                                          "target": (dict, type(None)), "mix": (dict, type(None)),
                                          "labels": (list, type(None)), "seed": (int,), "trials": (int,)}
    for key, value in options.items():
        if key in kinds and not isinstance(value, kinds[key]):
            raise ResultInvalid([Problem(f"provenance.options.{key}", f"must be a {kinds[key][0].__name__}, "
                                                                      f"not {type(value).__name__}")], source)
    target = options.get("target")
    if target is not None and (target.get("kind") not in ("gbp", "share") or not _number(target.get("value"))):
        raise ResultInvalid([Problem("provenance.options.target", "must be {\"kind\": \"gbp\" or \"share\", "
                                                                  "\"value\": a number}")], source)
    if command in ("simulate", "negotiate") and options.get("trials", 2) < 2:
        raise ResultInvalid([Problem("provenance.options.trials", "must be at least 2")], source)


def _deals(data: Mapping[str, Any], recorded: Provenance, source: str | None) -> tuple[list[Deal], list[str]]:
    """The embedded deals, each checked against its recorded digest, then validated; and any migration notes."""
    content = data.get("deal_data")
    several = recorded.command == "compare"
    if content is None:
        raise ResultInvalid([Problem("deal_data", "is missing: the result does not hold the deal it was made "
                                                  "from")], source)
    items = content if several else [content]
    digests = [recorded.deal_digest] if isinstance(recorded.deal_digest, str) else list(recorded.deal_digest)
    if several and not isinstance(content, list) or not several and not isinstance(content, dict):
        raise ResultInvalid([Problem("deal_data", f"must be {'a list of deals' if several else 'a deal'}, not "
                                                  f"{type(content).__name__}")], source)
    if len(items) != len(digests):
        raise ResultInvalid([Problem("provenance.deal_digest", f"records {len(digests)} digests for "
                                                               f"{len(items)} deals")], source)
    deals, notes = [], []
    for k, (item, digest) in enumerate(zip(items, digests, strict=True)):
        where = f"deal_data[{k}]" if several else "deal_data"
        try:
            found = digest_data(item)
        except (TypeError, ValueError):
            found = "(none: it cannot be written as JSON)"
        if found != digest:
            raise ResultInvalid([Problem(where, f"the deal was changed after the result was written: its digest "
                                                f"is {found}, not provenance.deal_digest's {digest}")], source)
        try:
            loaded = read_deal_data(item, where)
        except DealInvalid as error:
            raise ResultInvalid([p.within(where) for p in error.problems], source) from None
        deals.append(loaded.deal)
        if loaded.note:
            notes.append(loaded.note)
    return deals, notes


def replay_data(data: Any, source: str = "the result") -> Replay:
    """Replay an already-parsed result (see the module's docstring). Raises ``ResultInvalid`` naming the field
    when the result cannot be replayed, and ``DealInvalid`` when its options no longer fit its deal."""
    if not isinstance(data, Mapping):
        raise ResultInvalid([Problem("", f"a result is a JSON object (as --json writes it); this is "
                                         f"{'null' if data is None else 'a ' + type(data).__name__}")], source)
    recorded = Provenance.from_dict(data.get("provenance"), source)
    if recorded.command is None:
        raise ResultInvalid([Problem("provenance.command", "is missing: only a result a command wrote with --json "
                                                           "can be replayed")], source)
    if recorded.command not in COMMANDS:
        raise ResultInvalid([Problem("provenance.command", f"'{recorded.command}' is not a command that writes a "
                                                           f"result (the commands: {', '.join(COMMANDS)})")],
                            source)
    if recorded.command in ("simulate", "negotiate") and recorded.simulation is None:
        raise ResultInvalid([Problem("provenance.simulation", "is missing: a Monte Carlo cannot be made again "
                                                              "without its seed and trials")], source)
    _options(recorded.command, recorded.options, source)
    deals, notes = _deals(data, recorded, source)
    now = figures(recorded.command, deals, recorded.options, recorded.simulation)
    environment = _environment(recorded)
    tolerance = _tolerance(recorded.command, data, recorded.simulation) if environment else EXACT
    compared, found, added = differences(data, now, tolerance, strict=not environment)
    return Replay(source, recorded, tuple(deals), tuple(environment), tolerance, compared, tuple(found),
                  tuple(added), tuple(notes))


def read_result(path: str | Path) -> Any:
    """A result file's JSON, read as a deal file's JSON is (``valueshare.textio``: size and depth limited,
    duplicate keys and NaN refused); ``DealInvalid`` with one line when it cannot be read or is not JSON."""
    return load_json(read_file(path), str(path))


def replay_file(path: str | Path) -> Replay:
    """Replay the result saved in ``path``."""
    return replay_data(read_result(path), str(path))
