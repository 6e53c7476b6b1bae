"""The JSON results of the commands (``value``, ``simulate``, ``negotiate``, ``compare`` with ``--json``), made so
that each can be made again.

``result(command, deals, options)`` computes a command's figures from the deal(s) it was given and its options,
and returns them with what ``valueshare.replay`` needs to make them again:

- ``provenance``: ``valueshare.provenance.Provenance`` (version, rule set, format, the deal's digest, the command
  and its options, and for a Monte Carlo its seed, trials, chunk size and generator);
- ``deal_data``: the deal's content as valueshare writes it (for ``compare``, a list: one per file, in order), the
  deal *as read*: a variant named in the options is applied again when the result is made again.

The figures themselves are the engine results' own ``to_dict`` (``figures``), the very ones the CLI printed before
results carried their provenance: existing readers of the JSON find every key where it was.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from valueshare.compare import compare, variants_of
from valueshare.contribution import value_contribution
from valueshare.engine import value_deal
from valueshare.engine.montecarlo import CHUNK, simulate
from valueshare.errors import DealInvalid, Problem
from valueshare.framework import assess, closing_candidates
from valueshare.model import Deal
from valueshare.negotiation import negotiate
from valueshare.provenance import Provenance, Simulated, deal_data, deal_digest
from valueshare.scenario import deal_from_data

COMMANDS = ("value", "simulate", "negotiate", "compare")

_NEGOTIATE = inspect.signature(negotiate).parameters
#: The Monte Carlo ``negotiate`` runs for its equivalent offers' ranges: its own defaults, recorded in each result.
NEGOTIATION_TRIALS: int = _NEGOTIATE["trials"].default
NEGOTIATION_SEED: int = _NEGOTIATE["seed"].default


def chosen(deal: Deal, options: Mapping[str, Any]) -> Deal:
    """The deal a command works on: the variant named in ``options["variant"]``, else the deal itself."""
    name = options.get("variant")
    return deal.variant(name) if name else deal


def with_target(deal: Deal, target: Mapping[str, Any] | None) -> Deal:
    """The deal with the NHS's target replaced, for one run: ``{"kind": "gbp" | "share", "value": x}``."""
    if target is None:
        return deal
    kind, value = target["kind"], target["value"]
    data = deal.model_dump(mode="json")
    data["negotiation"] = {**data["negotiation"], "nhs_target_gbp": value if kind == "gbp" else None,
                           "nhs_target_share": value if kind == "share" else None}
    return deal_from_data(data)


def negotiation_of(deal: Deal, options: Mapping[str, Any], *, trials: int = NEGOTIATION_TRIALS,
                   seed: int = NEGOTIATION_SEED):
    """``negotiate`` as the command runs it: the chosen variant, the target and the term of ``options``."""
    deal = with_target(chosen(deal, options), options.get("target"))
    term = options.get("term")
    if term is not None and term not in closing_candidates(deal):
        known = ", ".join(closing_candidates(deal)) or "none"
        raise DealInvalid([Problem("--term", f"'{term}' is not a term that can be solved for (terms: {known})")])
    return negotiate(deal, term=term, mix=options.get("mix"), trials=trials, seed=seed)


def compared(deals: Sequence[Deal], options: Mapping[str, Any]):
    """``compare`` as the command runs it: one deal's base and variants, or several deals under their labels."""
    if len(deals) == 1:
        return compare(variants_of(deals[0]))
    labels = options.get("labels") or [f"Deal {k + 1}" for k in range(len(deals))]
    return compare(list(zip(labels, deals, strict=True)))


def figures(command: str, deals: Sequence[Deal], options: Mapping[str, Any],
            simulation: Simulated | None = None) -> dict[str, Any]:
    """What ``command --json`` prints about ``deals`` with ``options``, without its provenance."""
    if command == "value":
        deal = chosen(deals[0], options)
        valuation = value_deal(deal)
        return value_figures(deal, valuation)
    if command == "simulate":
        assert simulation is not None
        sim = simulate(chosen(deals[0], options), trials=simulation.trials, seed=simulation.seed,
                       chunk_size=simulation.chunk_size)
        return sim.to_dict()
    if command == "negotiate":
        assert simulation is not None
        return negotiation_figures(negotiation_of(deals[0], options, trials=simulation.trials,
                                                  seed=simulation.seed))
    if command == "compare":
        return compared(deals, options).to_dict()
    raise ValueError(f"unknown command {command!r}")


def value_figures(deal: Deal, valuation) -> dict[str, Any]:
    """``value --json``'s figures: the valuation, the framework check and the contribution's value."""
    return {**valuation.to_dict(), **assess(deal, valuation).to_dict(),
            "contribution_value": value_contribution(deal, valuation).to_dict()}


def negotiation_figures(n) -> dict[str, Any]:
    """``negotiate --json``'s figures."""
    return {"deal": n.deal.name, **n.to_dict(), "contribution_value": n.worth.to_dict(), **n.assessment.to_dict()}


def simulation_of(command: str, options: Mapping[str, Any]) -> Simulated | None:
    """The Monte Carlo settings a command runs with (``None`` for a command that draws nothing)."""
    if command == "simulate":
        return Simulated(seed=options["seed"], trials=options["trials"], chunk_size=CHUNK)
    if command == "negotiate":
        return Simulated(seed=NEGOTIATION_SEED, trials=NEGOTIATION_TRIALS, chunk_size=CHUNK)
    return None


def provenance_of(command: str, deals: Sequence[Deal], options: Mapping[str, Any],
                  simulation: Simulated | None = None) -> Provenance:
    """The provenance of ``command``'s result about ``deals``: one digest for one deal; for ``compare``, a list of
    them, one per deal file (one for a deal and its variants)."""
    return Provenance.of(deals[0] if len(deals) == 1 and command != "compare" else list(deals), command=command,
                         options=options, simulation=simulation)


def with_provenance(data: Mapping[str, Any], command: str, deals: Sequence[Deal], options: Mapping[str, Any],
                    simulation: Simulated | None = None) -> dict[str, Any]:
    """``data`` (a command's figures) with its provenance and the deal content that made it. With a variant, the
    provenance also holds ``variant_digest``: the digest of the variant as valued, which a term sheet of it shows."""
    record = provenance_of(command, deals, options, simulation).to_dict()
    if options.get("variant"):
        record["variant_digest"] = deal_digest(chosen(deals[0], options))
    content: Any = deal_data(deals[0]) if len(deals) == 1 and command != "compare" else \
        [deal_data(d) for d in deals]
    return {**data, "provenance": record, "deal_data": content}


def result(command: str, deals: Sequence[Deal], options: Mapping[str, Any]) -> dict[str, Any]:
    """The whole JSON result of ``command`` on ``deals`` with ``options``: figures, provenance, deal content."""
    simulation = simulation_of(command, options)
    return with_provenance(figures(command, deals, options, simulation), command, deals, options, simulation)
