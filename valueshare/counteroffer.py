"""The partner's round trip: the NHS sends the partner's deal file (``valueshare.sharing``), the partner changes
terms and sends it back, and the NHS reads it as a counter-offer on its own deal.

The file that comes back has none of the NHS's own parts, or only the ones it chose to disclose, so it is never
taken as it stands: ``read_counter_offer`` takes from it every part the partner may propose (terms, product, route
to market, sales, the data and expertise asked for, assumptions...) and keeps from the NHS's deal every part that is
the NHS's own, whatever the file says:

- the internal sections (negotiating position, fair-share judgements, the case for the contribution's value) and
  other platform users' names and terms;
- the NHS's costs of access and shared curation, what its staff's hours cost it (by position in the list of
  expertise) and what delivering a service costs it (by the term's position, when it is the same kind of term);
- consortium members' own costs and shares and the split between them, and grants towards the NHS's costs;
- its internal variants (the partner's file held only the shared ones; a returned variant of the same name as an
  internal one is left out).

What the partner changed in those parts is listed in ``ignored`` (said to the user, never applied), and what the
NHS must fill in itself (a cost for expertise or a service the partner added) in ``to_complete``. The result is a
valid deal: ``adopt`` it as the deal's next version, or keep it beside the deal as an internal variant
(``as_variant``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from valueshare.compare import leaves
from valueshare.model import Deal
from valueshare.model.deal import INTERNAL_SECTIONS, OTHER_USERS, is_internal_path
from valueshare.scenario import deal_from_data, deal_to_data
from valueshare.sharing import for_partner
from valueshare.variants import variant_from_edit

#: The parts of the contribution that are the NHS's costs (kept from its deal whatever the file says).
_COST_SECTIONS = ("access_costs", "curation")


@dataclass(frozen=True)
class Change:
    """One value the partner proposes differently: its field path, the NHS deal's value and the partner's (None
    where the one has no such field)."""

    path: str
    ours: Any
    theirs: Any

    def line(self) -> str:
        return f"{self.path}: {_shown(self.ours)} -> {_shown(self.theirs)}"


def _shown(value: Any) -> str:
    return "(none)" if value is None else repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class CounterOffer:
    """A returned partner file read against the NHS's deal."""

    deal: Deal                                        # the NHS's deal with the partner's proposals
    changes: list[Change] = field(default_factory=list)  # what the partner proposes differently, by field path
    ignored: list[str] = field(default_factory=list)  # field paths of the NHS's own parts it changed: kept as they were
    to_complete: list[str] = field(default_factory=list)  # what the NHS must fill in, in words

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _terms(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for i, term in enumerate(data.get("terms") or []):
        if isinstance(term, dict):
            out.append((f"terms[{i}]", term))
            out.extend((f"terms[{i}].terms[{j}]", inner) for j, inner in enumerate(term.get("terms") or [])
                       if isinstance(inner, dict))
    return out


def _own_paths(path: str) -> bool:
    """Whether a field path is one of the NHS's own parts that the partner's file cannot change."""
    if is_internal_path(path):
        return True
    return (path.startswith("contribution.expertise[") and path.endswith(".cost_per_hour_gbp")
            or path.endswith(".nhs_cost_per_unit_gbp"))


def _merged(ours: dict[str, Any], back: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``back`` with the NHS's own parts put back from ``ours``; and what the NHS must complete itself."""
    merged = copy.deepcopy(back)
    to_complete: list[str] = []
    for section in (*INTERNAL_SECTIONS, OTHER_USERS):
        merged.pop(section, None)
        if section in ours:
            merged[section] = copy.deepcopy(ours[section])
    contribution = merged.setdefault("contribution", {})
    for section in _COST_SECTIONS:
        contribution.pop(section, None)
        if section in ours.get("contribution", {}):
            contribution[section] = copy.deepcopy(ours["contribution"][section])
    our_expertise = ours.get("contribution", {}).get("expertise") or []
    for k, expertise in enumerate(contribution.get("expertise") or []):
        if k < len(our_expertise):
            expertise["cost_per_hour_gbp"] = our_expertise[k].get("cost_per_hour_gbp", 0.0)
        else:
            expertise["cost_per_hour_gbp"] = 0.0
            to_complete.append(f"contribution.expertise[{k}]: the partner asks for expertise the deal did not have; "
                               f"set what an hour costs the NHS (cost_per_hour_gbp, now 0)")
    our_terms = dict(_terms(ours))
    for path, term in _terms(merged):
        if "nhs_cost_per_unit_gbp" in term:
            mine = our_terms.get(path)
            if mine is not None and mine.get("kind") == term.get("kind"):
                term["nhs_cost_per_unit_gbp"] = mine.get("nhs_cost_per_unit_gbp", 0.0)
            else:
                term["nhs_cost_per_unit_gbp"] = 0.0
                to_complete.append(f"{path}: a service the deal did not have at this place; set what each unit "
                                   f"costs the NHS to deliver (nhs_cost_per_unit_gbp, now 0)")
    our_nhs, their_nhs = ours.get("nhs", {}), merged.get("nhs", {})
    if our_nhs.get("members") or their_nhs.get("members"):
        our_members = our_nhs.get("members") or []
        by_name = {m.get("name"): m for m in our_members}
        for k, member in enumerate(their_nhs.get("members") or []):
            # the same member by name, else at the same place in the list (a member the partner renamed)
            mine = by_name.get(member.get("name")) or (our_members[k] if k < len(our_members) else {})
            for part in ("own_costs", "share"):
                member.pop(part, None)
                if part in mine:
                    member[part] = copy.deepcopy(mine[part])
        their_nhs.pop("split", None)
        if "split" in our_nhs:
            their_nhs["split"] = our_nhs["split"]
        if their_nhs.get("split") == "fixed" and any("share" not in m for m in their_nhs.get("members") or []):
            their_nhs["split"] = "not_agreed"
            for member in their_nhs.get("members") or []:  # shares go with a fixed split only
                member.pop("share", None)
            to_complete.append("nhs.members: the partner's file has members the deal had no agreed share for; the "
                               "split is set to not agreed until the members agree their shares")
    theirs = [f for f in back.get("funding") or [] if f.get("towards") != "nhs"]
    if theirs == [f for f in ours.get("funding") or [] if f.get("towards") != "nhs"]:
        merged["funding"] = copy.deepcopy(ours.get("funding") or [])  # unchanged: in the NHS's own order
    else:
        merged["funding"] = theirs + [copy.deepcopy(f) for f in ours.get("funding") or [] if f.get("towards") == "nhs"]
    if not merged["funding"]:
        merged.pop("funding")
    internal = [v for v in ours.get("variants") or [] if not v.get("shared")]
    taken = {v.get("name") for v in internal}
    merged["variants"] = [copy.deepcopy(v) for v in internal] + [
        v for v in back.get("variants") or [] if v.get("name") not in taken]
    if not merged["variants"]:
        merged.pop("variants")
    return merged, to_complete


def read_counter_offer(ours: Deal, returned: Deal, source: str = "the counter-offer") -> CounterOffer:
    """The counter-offer ``returned`` (a partner file as the partner sent it back) on the NHS's deal ``ours``."""
    back = deal_to_data(returned)
    came = leaves(back)
    # the file as it was sent: with the NHS's costs or without, whichever the returned file is nearer to
    sent = min((leaves(deal_to_data(for_partner(ours, with_nhs_costs=costs))) for costs in (False, True)),
               key=lambda file: sum(file.get(p) != came.get(p) for p in set(file) | set(came)))
    ignored = sorted(p for p in set(sent) | set(came)
                     if _own_paths(p) and not p.startswith(OTHER_USERS) and sent.get(p) != came.get(p))
    if any(sent.get(p) != came.get(p) for p in set(sent) | set(came) if p.startswith(OTHER_USERS)):
        ignored.append(f"{OTHER_USERS} (other users' terms are the NHS's and theirs)")
    merged, to_complete = _merged(deal_to_data(ours), back)
    deal = deal_from_data(merged, source)
    before, after = leaves(_without_variants(deal_to_data(ours))), leaves(_without_variants(deal_to_data(deal)))
    changes = [Change(p, before.get(p), after.get(p))
               for p in sorted(set(before) | set(after)) if before.get(p) != after.get(p)]
    return CounterOffer(deal, changes, ignored, to_complete)


def _without_variants(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k != "variants"}


def adopt(offer: CounterOffer) -> Deal:
    """The counter-offer as the deal's next version: the NHS's deal with the partner's proposals."""
    return offer.deal


def as_variant(ours: Deal, offer: CounterOffer, name: str, description: str = "") -> Deal:
    """The NHS's deal unchanged, with the counter-offer beside it as an internal variant called ``name``."""
    edited = offer.deal.model_copy(update={"variants": ours.variants})
    return variant_from_edit(ours, edited, name, description=description or "The partner's counter-offer, as "
                             "returned in its deal file; the NHS's own figures are kept from the deal.")
