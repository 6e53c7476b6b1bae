"""What of a deal may go to the partner: the deal file for the partner holds the terms and the product, never the
NHS's internal position.

``for_partner`` leaves out, by every path the format allows:

- the internal sections (``valueshare.model.deal.INTERNAL_SECTIONS``): the negotiating position and its notes
  (walk-away, target, the partner's walk-away as the NHS sees it), the fair-share judgements and their notes, and
  the case for the contribution's value (costs, comparables, the anchor of the NHS's ask);
- the NHS's costs of giving access (``contribution.access_costs``, and what its staff's hours and its delivery of a
  service cost it), from which its default walk-away (full cost recovery) could be read, unless the user chooses
  to disclose them (``with_nhs_costs=True``);
- other platform users' names and terms (theirs, not this partner's business), always: only how many there are;
- with the NHS's costs: its shared curation, consortium members' own costs and shares (the split is the members'
  own agreement) and grants towards the NHS's costs (which lower the costs it must recover);
- every variant not marked ``shared: true`` (variants are internal by default: a fallback, a counter-offer being
  weighed, and their descriptions are notes); a shared variant cannot change an internal part (the model refuses
  it), so no override can carry a position out.

What is left is validated again as a deal, so the partner's file always opens.
"""

from __future__ import annotations

from valueshare.model import Deal
from valueshare.model.deal import INTERNAL_SECTIONS, OTHER_USERS
from valueshare.scenario import deal_from_data, deal_to_data, deal_to_yaml


def for_partner(deal: Deal, *, with_nhs_costs: bool = False) -> Deal:
    """The deal as it may be sent to the partner (see the module's docstring for what is left out)."""
    data = deal_to_data(deal)
    for section in INTERNAL_SECTIONS:
        data.pop(section, None)
    # other users' names and terms are theirs; how many there are stays, unnamed and without terms, so that the
    # partner's share of the NHS's costs (an equal share each) reads the same from its file as from its term sheet
    data[OTHER_USERS] = [{"name": f"Other user {k + 1}"} for k, _ in enumerate(data.get(OTHER_USERS, []))]
    if not with_nhs_costs:
        data.get("contribution", {}).pop("access_costs", None)
        data.get("contribution", {}).pop("curation", None)
        # the staff's hours stay (what the NHS puts in); what an hour costs the NHS is one of its costs of access
        for expertise in data.get("contribution", {}).get("expertise", []):
            expertise["cost_per_hour_gbp"] = 0.0
        for term in _all_terms(data):  # what delivering a service costs the NHS, beside the price the partner pays
            if "nhs_cost_per_unit_gbp" in term:
                term["nhs_cost_per_unit_gbp"] = 0.0
        nhs = data.get("nhs", {})
        if nhs.get("members"):
            nhs["split"] = "not_agreed"
            for member in nhs["members"]:
                member.pop("own_costs", None)
                member.pop("share", None)
        data["funding"] = [f for f in data.get("funding", []) if f.get("towards") != "nhs"]
    data["variants"] = [variant for variant in data.get("variants", []) if variant.get("shared")]
    return deal_from_data(data, "the deal for the partner")


def _all_terms(data: dict) -> list[dict]:
    """Every term of the deal's data, a consent clause's own terms included."""
    terms = [t for t in data.get("terms", []) if isinstance(t, dict)]
    return terms + [inner for t in terms for inner in t.get("terms", []) if isinstance(inner, dict)]


def partner_yaml(deal: Deal, *, with_nhs_costs: bool = False) -> str:
    """The partner's deal file: a YAML scenario file of ``for_partner(deal)``, headed by a line saying what it is."""
    head = ("# A valueshare deal file for the partner: the terms, the product and what the NHS contributes. The NHS's\n"
            "# internal figures and notes are not in it" + ("" if with_nhs_costs else ", nor its costs of access")
            + ".\n")
    return head + deal_to_yaml(for_partner(deal, with_nhs_costs=with_nhs_costs))
