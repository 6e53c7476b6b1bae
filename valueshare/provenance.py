"""Where a result came from: the record every JSON result, term sheet, brief and Excel model carries.

A ``Provenance`` names what made a figure, so that anyone holding the deal can make it again
(``python -m valueshare replay RESULT.json``, ``valueshare.replay``):

- the **valueshare version** that computed it (``valueshare.__version__``);
- the **rule set** whose thresholds judged it (``valueshare.framework.principles.VSF_2023``: its short name, its
  full name and a digest of its thresholds, so that a changed threshold is seen even under the same name);
- the **deal-file format** the deal was written in (``valueshare.formats``);
- a **digest of the deal's content**: ``sha256`` of its canonical serialisation (``canonical_json``) [ours]. The
  canonical form is the deal as valueshare writes it (``valueshare.scenario.deal_to_data``: every field the
  validated deal holds, defaults filled in, empty optional fields left out, ``format_version`` included) as JSON
  with sorted keys, no spaces and UTF-8 text. It is the digest of the *validated deal*, not of the file's bytes: a
  file's comments, key order, layout, YAML or JSON, and fields written out at their default do not change it; any
  change to any input does. A digest reveals nothing of the content (SHA-256 is one-way [pub: FIPS 180-4]), but a
  short secret in otherwise known content could be guessed and checked against it, so a document for the partner
  carries the digest of the deal as shared with the partner (``partner_digest``), never of the NHS's own file;
- the **command** and its **options** (for a JSON result), and for a Monte Carlo its **seed, trials, chunk size
  and generator** (numpy's default bit generator, PCG64, and numpy's version): the same deal, seed, trials and chunk
  size give the same numbers with the same numpy (``valueshare.engine.montecarlo``).

The record is plain data (``to_dict``; ``from_dict`` reads one back and names the field that is wrong).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from valueshare.errors import DealInvalid, Problem
from valueshare.formats import current_format
from valueshare.framework.principles import VSF_2023, RuleSet
from valueshare.model import Deal
from valueshare.scenario import deal_to_data
from valueshare.sharing import for_partner

#: How a digest is written: the algorithm, a colon, the hex digest.
DIGEST_PREFIX = "sha256:"


class ResultInvalid(DealInvalid):
    """A saved result that cannot be replayed: not JSON, no provenance, a field of the wrong kind, or a deal whose
    digest no longer matches. Each problem names its field (``provenance.deal_digest``)."""


def canonical_json(data: Any) -> str:
    """The canonical text of plain data: JSON, keys sorted, no spaces, non-ASCII kept as UTF-8, no NaN.

    >>> canonical_json({"b": 1.5, "a": ["£", None]})
    '{"a":["£",null],"b":1.5}'
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def digest_data(data: Any) -> str:
    """``sha256:`` and the hex SHA-256 of ``canonical_json(data)`` in UTF-8.

    >>> digest_data({"b": 1, "a": 2}) == digest_data({"a": 2, "b": 1})
    True
    >>> digest_data({})
    'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
    """
    return DIGEST_PREFIX + hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def deal_data(deal: Deal) -> dict[str, Any]:
    """The deal's content as a result embeds it (and as its digest is taken): ``deal_to_data``."""
    return deal_to_data(deal)


def deal_digest(deal: Deal) -> str:
    """The digest of the validated deal's content (see the module's docstring)."""
    return digest_data(deal_data(deal))


def partner_digest(deal: Deal, *, with_nhs_costs: bool = False) -> str:
    """The digest of the deal as it is shared with the partner: ``valueshare.sharing.for_partner(deal,
    with_nhs_costs=...)``, with the NHS's costs of access only when they are disclosed (a digest over them would let
    a partner who has everything else try candidate costs until one matches). It is what the partner can check
    against the deal file it is sent (``export --partner-yaml``, with ``--with-nhs-costs`` when the costs are
    disclosed), and it depends on nothing the partner is not shown, so the term sheet stays the same document
    whatever the NHS's internal position."""
    return deal_digest(for_partner(deal, with_nhs_costs=with_nhs_costs))


def rule_set_digest(rules: RuleSet = VSF_2023) -> str:
    """The digest of a rule set's name and thresholds."""
    return digest_data(dataclasses.asdict(rules))


def generator_name() -> str:
    """The bit generator ``numpy.random.default_rng`` uses (PCG64 since numpy 1.17), as the Monte Carlo draws."""
    return type(np.random.default_rng(0).bit_generator).__name__


def _version() -> str:
    from valueshare import __version__

    return __version__


@dataclass(frozen=True)
class Simulated:
    """How a Monte Carlo drew its trials: ``seed``, ``trials``, ``chunk_size`` (trials drawn at a time), the bit
    generator and numpy's version. With the same numpy, the same four give the same numbers."""

    seed: int
    trials: int
    chunk_size: int
    generator: str = field(default_factory=generator_name)
    numpy_version: str = np.__version__

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Provenance:
    """What made a result (see the module's docstring). ``deal_digest`` is one digest, or one per deal for a
    comparison of several deal files, in their order."""

    deal_digest: str | tuple[str, ...]
    command: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    simulation: Simulated | None = None
    valueshare_version: str = field(default_factory=_version)
    rule_set: str = VSF_2023.short_name
    rule_set_name: str = VSF_2023.name
    rule_set_digest: str = field(default_factory=rule_set_digest)
    format_version: int = field(default_factory=current_format)
    numpy_version: str = np.__version__
    python_version: str = field(default_factory=platform.python_version)

    @staticmethod
    def of(deals: Deal | Sequence[Deal], *, command: str | None = None, options: Mapping[str, Any] | None = None,
           simulation: Simulated | None = None) -> Provenance:
        """The provenance of a result about ``deals`` (one deal, or several in order), made here and now."""
        digest: str | tuple[str, ...] = deal_digest(deals) if isinstance(deals, Deal) else \
            tuple(deal_digest(d) for d in deals)
        return Provenance(digest, command, dict(options or {}), simulation)

    @property
    def short_digest(self) -> str:
        """The first 16 hex digits of the (first) deal digest: enough to tell deals apart on a page footer."""
        first = self.deal_digest if isinstance(self.deal_digest, str) else self.deal_digest[0]
        return first.removeprefix(DIGEST_PREFIX)[:16]

    def footer(self) -> str:
        """One short line for a page footer: ``valueshare 0.1.0 · VSF-2023 · deal 1a2b3c4d5e6f7a8b``."""
        return f"valueshare {self.valueshare_version} · {self.rule_set} · deal {self.short_digest}"

    def about(self, content: str = "the deal's content") -> str:
        """One sentence for a document's "About this document" line, with the full digest of ``content``."""
        digest = self.deal_digest if isinstance(self.deal_digest, str) else ", ".join(self.deal_digest)
        return (f"Made by valueshare {self.valueshare_version} under the rule set {self.rule_set} "
                f"({self.rule_set_name}), file format {self.format_version}; {content} has the digest {digest}.")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "valueshare_version": self.valueshare_version,
            "rule_set": {"short_name": self.rule_set, "name": self.rule_set_name, "digest": self.rule_set_digest},
            "format_version": self.format_version,
            "deal_digest": self.deal_digest if isinstance(self.deal_digest, str) else list(self.deal_digest),
            "digest_method": "sha256 of the deal's canonical JSON (valueshare.provenance.canonical_json)",
            "numpy_version": self.numpy_version,
            "python_version": self.python_version,
        }
        if self.command is not None:
            out["command"] = self.command
            out["options"] = dict(self.options)
        if self.simulation is not None:
            out["simulation"] = self.simulation.to_dict()
        return out

    @staticmethod
    def from_dict(data: Any, source: str | None = None) -> Provenance:
        """A provenance read back from a result's ``provenance`` block; ``ResultInvalid`` names a missing or wrong
        field (``provenance.simulation.seed``)."""
        where = "provenance"
        if not isinstance(data, Mapping):
            raise ResultInvalid([Problem(where, "is missing: this is not a result valueshare wrote with its "
                                                "provenance (write one with --json)")], source)

        def get(key: str, kind: type | tuple[type, ...], block: Mapping[str, Any] = data, at: str = where) -> Any:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            value = block.get(key)
            if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):  # True is an int
                names = " or ".join(k.__name__ for k in kinds)
                what = "is missing" if key not in block else f"must be a {names}, not {type(value).__name__}"
                raise ResultInvalid([Problem(f"{at}.{key}", what)], source)
            return value

        rules = get("rule_set", dict)
        digest = get("deal_digest", (str, list))
        if isinstance(digest, list) and not all(isinstance(d, str) for d in digest):
            raise ResultInvalid([Problem(f"{where}.deal_digest", "must be a list of digests")], source)
        simulation = None
        if "simulation" in data:
            sim = get("simulation", dict)
            at = f"{where}.simulation"
            simulation = Simulated(get("seed", int, sim, at), get("trials", int, sim, at),
                                   get("chunk_size", int, sim, at), get("generator", str, sim, at),
                                   get("numpy_version", str, sim, at))
        command = get("command", str) if "command" in data else None
        options = get("options", dict) if command is not None else {}
        return Provenance(digest if isinstance(digest, str) else tuple(digest), command, options, simulation,
                          get("valueshare_version", str), get("short_name", str, rules, f"{where}.rule_set"),
                          get("name", str, rules, f"{where}.rule_set"),
                          get("digest", str, rules, f"{where}.rule_set"), get("format_version", int),
                          get("numpy_version", str), get("python_version", str))
