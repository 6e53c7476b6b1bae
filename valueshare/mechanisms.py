"""The catalogue of value-sharing mechanisms: one record per mechanism, holding everything valueshare does with it.

A record names the mechanism's model (valueshare/model/terms.py, which carries the facts the model itself needs: its
``kind``, ``label`` and whether it is ``sales_linked``), the engine functions that turn a term into cash flows, the
functions that word it, its rows in the Excel model, the fields a closing change may move, and its flags. Everything
that treats mechanisms differently looks its record up here (``of(term)``, ``mechanism(kind)``) or loops over
``MECHANISMS``; none of it names a mechanism's kind. Adding a mechanism is its model class, its engine function, its
sentence, its Excel rows, one record below, and its tests.

>>> [m.label for m in MECHANISMS.values() if m.fee_like]
['Access fee', 'Subscription', 'Secure data environment charges', 'Trial and service income']
>>> of(AccessFee(amount_gbp=60_000)).kind, mechanism("royalty").closing_fields
('access_fee', ('tiers[*].rate',))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from valueshare import contract, wording
from valueshare.engine import mechanisms as engine
from valueshare.model.base import Model
from valueshare.model.terms import (
    COMMERCIAL_MODELS,
    TERM_MODELS,
    AccessFee,
    ConsentToCommercialise,
    Equity,
    InKindBenefit,
    Milestone,
    NhsPriceDiscount,
    RevenueShare,
    Royalty,
    SdeCharges,
    ServiceIncome,
    Subscription,
    kind_of,
)
from valueshare.reports.excel import terms as excel

__all__ = ["MECHANISMS", "Benefit", "Mechanism", "closing_defaults", "mechanism", "of"]


class Benefit(Enum):
    """How the NHS receives what a mechanism gives it: the return pillar counts each apart."""

    CASH = "cash"
    PRICE_DISCOUNT = "price_discount"   # a saving on what the NHS buys
    IN_KIND = "in_kind"                 # goods or services, valued


@dataclass(frozen=True)
class Mechanism:
    """One value-sharing mechanism and everything valueshare does with it.

    ``kind``, ``label``, ``sales_linked`` and ``in_clause`` are read from the model, which owns them; the rest is
    given here:

    - ``flows(term, route, timing) -> Flow``: the NHS's receipt and the partner's cost, year by year
      (valueshare.engine.mechanisms); None for the consent-to-commercialise clause, whose lines are its own terms'.
    - ``world(term, n, rng, uncertain)`` and ``flows_drawn(term, world, route, timing)``: for a mechanism whose
      Monte Carlo draws something of its own (equity's exit), the draw and the flows in the drawn worlds (and drawn
      route); ``uncertain`` holds the term's uncertain inputs by field name. The draw is an (n,) array or a tuple of
      them, one value per world, so that the Monte Carlo can join chunks, take rows and compare worlds
      (valueshare.engine.montecarlo). Without them the Monte Carlo uses ``flows`` on the drawn route.
    - ``payments(term, route, timing) -> Payments``: for a mechanism that pays at most once in each world (a
      milestone), those payments, from which its ``flows`` are built; the valuation adds them to totals and present
      values one entry per world, without a trials × years array.
    - ``sentence(term, origin)`` and ``title(term)``: the term in words (valueshare.wording), years counted from
      ``origin``.
    - ``clause(term, origin)``: the term in contract language for the term sheet (valueshare.contract): the
      obligation, its trigger, timing and indexation, and nothing of either party's valuation.
    - ``excel``: its inputs and formula rows in the Excel model (valueshare.reports.excel.terms).
    - ``closing_fields``: the term's fields that a closing change (the framework's, the negotiation's solver) may
      move, each raising the NHS's share as it rises; ``[*]`` stands for every item of a list.
      ``default_closing``: its rank when the framework picks the term to close a gap by default (1 first; None:
      never the default).
    - ``starter(draft)``: what a new term of this kind starts with beyond the model's defaults, given the deal's
      data so far.
    - Flags: ``fee_like`` (a charge for access that recovers the NHS's costs: the cost-recovery ratio, principle 2
      and the equivalent offers' base count these); ``minority_case`` (a mechanism the framework's practical
      applications expect only in a minority of deals, mainly where the partner prefers it: royalties and revenue
      shares, which principle 3 tags so); ``contingent`` (paid only if development succeeds or the product sells:
      the NHS shares that risk); ``benefit`` (cash, a price saving, or in kind); ``ownership`` (given in the
      partner's own shares, not paid from the project's cash: not a deductible expense for the partner's
      corporation tax, and left out of the project cash flow its IRR is computed on).
    """

    kind: str = field(init=False)
    model: type[Model]
    label: str = field(init=False)
    flows: Callable[..., engine.Flow] | None
    sentence: Callable[[Any, str], str]
    excel: excel.ExcelRows | None
    clause: Callable[[Any, str], contract.Clause]
    title: Callable[[Any], str] = wording.label_title
    closing_fields: tuple[str, ...] = ()
    default_closing: int | None = None
    fee_like: bool = False
    minority_case: bool = False
    contingent: bool = False
    benefit: Benefit = Benefit.CASH
    ownership: bool = False
    world: Callable[..., Any] | None = None
    flows_drawn: Callable[..., engine.Flow] | None = None
    payments: Callable[..., engine.Payments] | None = None
    starter: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    sales_linked: bool = field(init=False)
    in_clause: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", kind_of(self.model))
        object.__setattr__(self, "label", self.model.label)  # type: ignore[attr-defined]
        object.__setattr__(self, "sales_linked", self.model.sales_linked)  # type: ignore[attr-defined]
        object.__setattr__(self, "in_clause", self.model in COMMERCIAL_MODELS)

    def closing(self, term: Any) -> list[str]:
        """The paths, within the term, of the fields a closing change may move.

        >>> from valueshare.model import RoyaltyTier
        >>> tiers = [RoyaltyTier(from_gbp=0, rate=0.02), RoyaltyTier(from_gbp=10_000_000, rate=0.03)]
        >>> mechanism("royalty").closing(Royalty(tiers=tiers))
        ['tiers[0].rate', 'tiers[1].rate']
        """
        out = []
        for name in self.closing_fields:
            if "[*]" in name:
                items, rest = name.split("[*]", 1)
                out += [f"{items}[{k}]{rest}" for k in range(len(getattr(term, items)))]
            else:
                out.append(name)
        return out

    def default_closing_field(self) -> str:
        """The field the framework moves by default: the first closing field (a list's first item)."""
        return self.closing_fields[0].replace("[*]", "[0]")


def _first_tier(draft: dict[str, Any]) -> dict[str, Any]:
    return {"tiers": [{"from_gbp": 0.0}]}  # the first tier must start at £0; its rate is the user's to set


def _first_stage(draft: dict[str, Any]) -> dict[str, Any]:
    stages = ((draft.get("route_to_market") or {}).get("stages")) or []
    return {"stage": stages[0]["name"]} if stages and stages[0].get("name") else {}


#: Every mechanism, in the order of the model's ``Term`` (the order the app offers them and the docs list them).
MECHANISMS: dict[str, Mechanism] = {m.kind: m for m in (
    Mechanism(AccessFee, engine.access_fee, wording.access_fee_sentence, excel.ACCESS_FEE,
              contract.access_fee_clause,
              title=wording.access_fee_title, closing_fields=("amount_gbp",), default_closing=1, fee_like=True),
    Mechanism(Subscription, engine.subscription, wording.subscription_sentence, excel.SUBSCRIPTION,
              contract.subscription_clause,
              closing_fields=("amount_gbp_per_year",), default_closing=2, fee_like=True),
    Mechanism(Milestone, engine.milestone, wording.milestone_sentence, excel.MILESTONE,
              contract.milestone_clause,
              title=wording.milestone_title, closing_fields=("amount_gbp",), default_closing=3, contingent=True,
              starter=_first_stage, payments=engine.milestone_payments),
    Mechanism(Royalty, engine.royalty, wording.royalty_sentence, excel.ROYALTY,
              contract.royalty_clause,
              title=wording.royalty_title, closing_fields=("tiers[*].rate",), default_closing=5,
              minority_case=True, contingent=True, starter=_first_tier),
    Mechanism(RevenueShare, engine.revenue_share, wording.revenue_share_sentence, excel.REVENUE_SHARE,
              contract.revenue_share_clause,
              closing_fields=("rate",), default_closing=4, minority_case=True, contingent=True),
    Mechanism(Equity, engine.equity, wording.equity_sentence, excel.EQUITY,
              contract.equity_clause,
              closing_fields=("stake",), contingent=True, ownership=True,
              world=engine.equity_world, flows_drawn=engine.equity_drawn),
    Mechanism(NhsPriceDiscount, engine.nhs_price_discount, wording.nhs_price_discount_sentence,
              excel.NHS_PRICE_DISCOUNT,
              contract.nhs_price_discount_clause, closing_fields=("price_discount",), contingent=True,
              benefit=Benefit.PRICE_DISCOUNT),
    Mechanism(InKindBenefit, engine.in_kind_benefit, wording.in_kind_benefit_sentence, excel.IN_KIND_BENEFIT,
              contract.in_kind_benefit_clause,
              title=wording.in_kind_benefit_title, closing_fields=("value_gbp_per_year",),
              benefit=Benefit.IN_KIND),
    Mechanism(SdeCharges, engine.sde_charges, wording.sde_charges_sentence, excel.SDE_CHARGES,
              contract.sde_charges_clause,
              closing_fields=("per_user_per_month_gbp",), fee_like=True),
    Mechanism(ServiceIncome, engine.service_income, wording.service_income_sentence, excel.SERVICE_INCOME,
              contract.service_income_clause,
              title=wording.service_income_title, closing_fields=("price_per_unit_gbp",), fee_like=True),
    Mechanism(ConsentToCommercialise, None, wording.consent_sentence, None,
              contract.consent_clause),
)}

_BY_MODEL: dict[type, Mechanism] = {m.model: m for m in MECHANISMS.values()}
assert tuple(_BY_MODEL) == TERM_MODELS, "one record per model of Term, in its order"


def mechanism(kind: str) -> Mechanism:
    """The record of the mechanism whose ``kind`` this is.

    >>> mechanism("equity").label
    'Equity'
    """
    try:
        return MECHANISMS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}; the kinds are: {', '.join(MECHANISMS)}") from None


def of(term: Any) -> Mechanism:
    """The record of a term's mechanism (a term, or its model class).

    >>> of(Royalty).label
    'Royalty'
    """
    return _BY_MODEL[term if isinstance(term, type) else type(term)]


def closing_defaults() -> list[Mechanism]:
    """The mechanisms the framework may pick to close a gap by default, first choice first: the mechanisms the
    framework's practical applications name as the usual ways to share value (upfront, subscription, milestones)
    before those it expects only in a minority of cases, mainly where the partner prefers them (royalties and
    revenue shares) [pub: NHS England, Practical applications of the Value Sharing Framework, 2023].

    >>> [m.label for m in closing_defaults()]
    ['Access fee', 'Subscription', 'Milestone payment', 'Revenue share', 'Royalty']
    """
    ranked = [m for m in MECHANISMS.values() if m.default_closing is not None]
    return sorted(ranked, key=lambda m: m.default_closing)  # type: ignore[arg-type, return-value]

