"""A deal's yearly cash flows for both parties and the figures derived from them.

Sign convention: every array is money *to* the party it belongs to: NHS receipts and savings are positive, NHS
costs negative; the partner's operating profit is positive, its stage costs and payments to the NHS negative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from valueshare import mechanisms as registry  # by module: the registry imports this package's mechanisms
from valueshare.basecase import base_case
from valueshare.engine.adoption import adoption
from valueshare.engine.consortium import MemberResult, member_shares, own_cost_row
from valueshare.engine.finance import TINY_OUTLAY, Irr, irr, npv
from valueshare.engine.mechanisms import Flow, Payments, Timing
from valueshare.engine.route import RouteDraw, expected_route
from valueshare.engine.tax import corporation_tax, outcome_worlds
from valueshare.engine.timeline import discount_factors, yearly_schedule
from valueshare.model import ConsentToCommercialise, Deal, NhsPriceDiscount
from valueshare.model.partnership import Funding, FundingFor
from valueshare.wording import term_title


@dataclass(frozen=True)
class Line:
    """One named row of yearly cash flows for n worlds: (n, years)."""

    key: str
    label: str
    values: np.ndarray


class HeldLine(Line):
    """A line held in a smaller form than its (n, years) ``values``, which are built from it when first read, while
    ``_sum`` and ``_present_value`` use the smaller form (``add_to``, ``present_value``): the same additions as with
    the yearly array, whose other entries are 0. In a Monte Carlo that saves passes over trials × years."""

    _yearly: np.ndarray | None

    def __init__(self, key: str, label: str) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "_yearly", None)

    @property
    def values(self) -> np.ndarray:
        yearly = self._yearly
        if yearly is None:
            yearly = self.yearly()
            object.__setattr__(self, "_yearly", yearly)
        return yearly

    def yearly(self) -> np.ndarray:
        raise NotImplementedError

    def add_to(self, total: np.ndarray) -> None:
        """Add the line to ``total`` (n, years), in place."""
        raise NotImplementedError

    def present_value(self, factors: np.ndarray) -> np.ndarray:
        """(n,) ``values @ factors``."""
        raise NotImplementedError


class PaymentLine(HeldLine):
    """A line that pays at most once in each world (a milestone), held as those payments (``Payments``): one entry
    per world instead of a zeroed array, its negation for the partner, and a product with the discount factors."""

    payments: Payments

    def __init__(self, key: str, label: str, payments: Payments) -> None:
        super().__init__(key, label)
        object.__setattr__(self, "payments", payments)

    def yearly(self) -> np.ndarray:
        return self.payments.yearly()

    def add_to(self, total: np.ndarray) -> None:
        self.payments.add_to(total)

    def present_value(self, factors: np.ndarray) -> np.ndarray:
        return self.payments.present_value(factors)


class RowsLine(HeldLine):
    """A line that is non-zero only in some worlds (a sales-linked term: only the worlds that launch sell), held as
    those worlds' rows: ``compact`` (len(rows), years) for the worlds ``rows`` of ``worlds``."""

    rows: np.ndarray
    compact: np.ndarray
    worlds: int

    def __init__(self, key: str, label: str, rows: np.ndarray, compact: np.ndarray, n: int) -> None:
        super().__init__(key, label)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "compact", compact)
        object.__setattr__(self, "worlds", n)

    def yearly(self) -> np.ndarray:
        out = np.zeros((self.worlds, self.compact.shape[1]))
        out[self.rows] = self.compact
        return out

    def add_to(self, total: np.ndarray) -> None:
        total[self.rows] += self.compact

    def present_value(self, factors: np.ndarray) -> np.ndarray:
        out = np.zeros(self.worlds)
        out[self.rows] = npv(self.compact, factors)
        return out


@dataclass(frozen=True)
class DealFlows:
    """Every line of both parties' cash flows, for n worlds over years 0..horizon."""

    nhs_receipts: list[Line]       # one per term (inner terms of a clause have their own line)
    nhs_costs: list[Line]          # negative
    partner_operating: list[Line]  # operating profit (positive) and stage costs (negative)
    partner_payments: list[Line]   # one per term, negative
    expected_sales: np.ndarray     # (n, years) list-price sales, weighted by the chance of launch
    partner_tax: list[Line] = field(default_factory=list)  # corporation tax (negative), engine/tax.py
    ownership_keys: frozenset[str] = frozenset()  # payments in the partner's shares (equity): not deductible
    outside_irr_keys: frozenset[str] = frozenset()  # those of them left out of the project cash flow's IRR
    nhs_other: list[Line] = field(default_factory=list)  # grants towards the NHS's costs; non-NHS co-owners' share
    rebates: list[Line] = field(default_factory=list)    # the part of a receipt that is a rebate on own purchases
    other_nhs: list[Line] = field(default_factory=list)  # what terms give other NHS bodies (not in the totals)
    partner_taxable: np.ndarray | None = None  # (n, years) operating lines + deductible payments, when taxed

    def nhs_lines(self) -> list[Line]:
        """Every line of the NHS party's cash flow: receipts, grants and co-owners' share, then costs."""
        return self.nhs_receipts + self.nhs_other + self.nhs_costs

    def nhs_total(self) -> np.ndarray:
        return _sum(self.nhs_lines(), self.expected_sales.shape)

    def partner_before_payments(self) -> np.ndarray:
        return _sum(self.partner_operating, self.expected_sales.shape)

    def partner_total(self) -> np.ndarray:
        return self.partner_before_payments() + _sum(self.partner_payments + self.partner_tax,
                                                     self.expected_sales.shape)

    def partner_project(self) -> np.ndarray:
        """The partner's project cash flow: its total without what it gives in its own shares (an equity stake),
        the flows its IRR is computed on."""
        return self.partner_total() - _sum([x for x in self.partner_payments if x.key in self.outside_irr_keys],
                                           self.expected_sales.shape)

    def nhs_npv(self, factors: np.ndarray) -> np.ndarray:
        """(n,) NPV of the NHS's flows in each world: equals ``npv(self.nhs_total(), factors)``, without adding up
        yearly arrays first (a Monte Carlo needs yearly totals only for the trials its fan chart is drawn from)."""
        return _present_value(self.nhs_lines(), factors, self.expected_sales.shape[0])

    def partner_npv(self, factors: np.ndarray) -> np.ndarray:
        """(n,) NPV of the partner's flows in each world: equals ``npv(self.partner_total(), factors)``. When the
        partner is taxed, the taxable profit already adds up its operating lines and every payment but those in its
        own shares: one product for all of them."""
        n = self.expected_sales.shape[0]
        if self.partner_taxable is None:
            return _present_value(self.partner_operating + self.partner_payments + self.partner_tax, factors, n)
        ownership = [x for x in self.partner_payments if x.key in self.ownership_keys]
        return npv(self.partner_taxable, factors) + _present_value(ownership + self.partner_tax, factors, n)


def _sum(lines: list[Line], shape: tuple[int, ...]) -> np.ndarray:
    """The lines added up, (n, years). A line may be (1, years), the same in every world: those are added up as one
    row first, which is then added to every world once."""
    total = np.zeros(shape)
    same = None
    for line in lines:
        if isinstance(line, HeldLine):
            line.add_to(total)
        elif line.values.shape[0] == 1 and shape[0] != 1:
            same = line.values.copy() if same is None else same + line.values
        else:
            total += line.values
    if same is not None:
        total += same
    return total


def _present_value(lines: list[Line], factors: np.ndarray, n: int) -> np.ndarray:
    total = np.zeros(n)
    for line in lines:
        if isinstance(line, HeldLine):
            total += line.present_value(factors)
        else:
            total += npv(line.values, factors)  # (1,) for a line that is the same in every world: it broadcasts
    return total


def total_price_discount(deal: Deal) -> float:
    """Sum of every NHS price discount in the deal, including any inside a consent clause."""
    found = [t.price_discount for t in deal.terms if isinstance(t, NhsPriceDiscount)]
    for clause in (t for t in deal.terms if isinstance(t, ConsentToCommercialise)):
        found += [t.price_discount for t in clause.terms if isinstance(t, NhsPriceDiscount)]
    return float(sum(found))


def nhs_cost_lines(deal: Deal, trials: int) -> list[Line]:
    """The NHS's own costs of giving access: preparation (year 0), yearly hosting and governance, expertise."""
    horizon = deal.assumptions.horizon_years
    costs = deal.contribution.access_costs
    lines = [
        Line("costs.preparation", "Preparing data and environment",
             yearly_schedule(costs.preparation_gbp, 0, 1, horizon)),
        Line("costs.yearly", "Hosting, governance and support",
             yearly_schedule(costs.yearly_gbp, 1, costs.years, horizon)),
    ]
    for i, item in enumerate(deal.contribution.expertise):
        lines.append(Line(f"costs.expertise[{i}]", f"{item.kind.label} expertise",
                          yearly_schedule(item.hours_per_year * item.cost_per_hour_gbp, item.start_year, item.years,
                                          horizon)))
    curation = deal.contribution.curation
    if curation is not None:
        share = curation_share(deal)
        if curation.already_spent_gbp:
            lines.append(Line("costs.curation_done", "Curation already done (this deal's share)",
                              yearly_schedule(curation.already_spent_gbp * share, 0, 1, horizon)))
        if curation.yearly_gbp:
            lines.append(Line("costs.curation", "Curation over the years (this deal's share)",
                              yearly_schedule(curation.yearly_gbp * share, curation.start_year, curation.years,
                                              horizon)))
    for k, member in enumerate(deal.nhs.members):
        if member.is_nhs and (member.own_costs.preparation_gbp or member.own_costs.yearly_gbp):
            lines.append(Line(f"costs.members[{k}]", f"{member.name}: its own costs", own_cost_row(member, horizon)))
    return [Line(x.key, x.label, -x.values[None, :]) for x in lines]  # the same in every world: (1, years)


def curation_share(deal: Deal) -> float:
    """The share of the shared curation this deal bears: its users (the partner and the other platform users) over
    the users the curation is expected to serve."""
    curation = deal.contribution.curation
    if curation is None:
        return 0.0
    return (1 + len(deal.platform_users)) / curation.expected_users


def partner_cost_share(deal: Deal) -> float:
    """The partner's share of the NHS's costs of access on a platform: an equal share with each other user [ours];
    1 when the partner is the only user."""
    return 1.0 / (1 + len(deal.platform_users))


def funding_row(item: Funding, horizon_years: int) -> np.ndarray:
    return yearly_schedule(item.amount_gbp, item.start_year, item.years, horizon_years)


def _flows(function: Callable[..., Flow] | None) -> Callable[..., Flow]:
    assert function is not None  # only a consent clause has none, and its own terms are valued instead
    return function


def deal_flows(deal: Deal, route: RouteDraw | None, clause_weight: np.ndarray,
               drawn: dict[int, Any] | None = None) -> DealFlows:
    """Both parties' cash flows for the worlds in ``route``; ``clause_weight`` (n,) says, per world, whether (or how
    likely) a consent-to-commercialise clause has switched on. ``drawn`` gives, for a Monte Carlo, what each top-level
    term whose mechanism draws its own part of the worlds drew (equity: the exit, 0/1, and exit value), by term
    index; without it such a term is valued at its expectation. Each term's mechanism gives its flows."""
    drawn = drawn or {}
    a = deal.assumptions
    horizon = a.horizon_years
    n = clause_weight.shape[0]
    discount = total_price_discount(deal)
    df_partner = discount_factors(a.partner_discount_rate, horizon)
    df_nhs = discount_factors(a.nhs_discount_rate, horizon, rate_after_30=a.nhs_discount_rate_after_30,
                              rate_after_75=a.nhs_discount_rate_after_75)

    def timing(offset: int, weight: np.ndarray) -> Timing:
        return Timing(offset, weight, horizon, discount, a.inflation_rate, df_nhs, df_partner)

    top = timing(0, np.ones(n))
    receipts: list[Line] = []
    payments: list[Line] = []
    ownership: set[str] = set()
    outside_irr: set[str] = set()

    rebates: list[Line] = []
    other_nhs: list[Line] = []
    delivery: list[Line] = []

    def add(key: str, label: str, term: Any, flow: Flow, *, partner: bool = True,
            rows: np.ndarray | None = None) -> None:
        """The term's lines; with ``rows``, ``flow`` is the flow of those worlds only (``RowsLine``)."""
        def line(line_key: str, line_label: str, values: np.ndarray) -> Line:
            return Line(line_key, line_label, values) if rows is None else RowsLine(line_key, line_label, rows,
                                                                                   values, n)

        receipts.append(line(key, label, flow.nhs))
        if partner:
            payments.append(line(key, label, -flow.partner))
        if flow.rebate is not None:
            rebates.append(line(key, label, flow.rebate))
        if flow.other_nhs is not None:
            other_nhs.append(line(key, f"{label}: on other NHS bodies' purchases", flow.other_nhs))
        if flow.nhs_cost is not None:
            delivery.append(line(f"costs.delivery.{key}", f"Delivering: {term_title(term)}", -flow.nhs_cost))
        if registry.of(term).ownership:
            ownership.add(key)
            if not getattr(term, "in_partner_irr", False):
                outside_irr.add(key)

    # A sales-linked term is computed only in the worlds that can launch (route.launch_rows): in the others each of
    # its flows is weighted by a launch weight of 0, so it is exactly 0 there.
    rows = route.launch_rows if route is not None else None
    launching = route.take(rows) if route is not None and rows is not None else None

    def flows_of(term: Any, at: Timing) -> tuple[Flow, np.ndarray | None]:
        """The term's flow, and the rows it is computed in when only those can be non-zero (None: every row)."""
        function = _flows(registry.of(term).flows)
        if launching is None or rows is None or not registry.of(term).sales_linked:
            return function(term, route, at), None
        return function(term, launching, at.take(rows)), rows

    def pays(key: str, label: str, term: Any, at: Timing) -> bool:
        """Add a term that pays at most once in each world as its payments (``PaymentLine``); False for any other
        term."""
        function = registry.of(term).payments
        if function is None or registry.of(term).ownership:
            return False
        paid = function(term, route, at)
        receipts.append(PaymentLine(key, label, paid))
        payments.append(PaymentLine(key, label, paid.negated()))
        return True

    for i, term in enumerate(deal.terms):
        if isinstance(term, ConsentToCommercialise):
            inner = timing(term.year, clause_weight)
            for j, sub in enumerate(term.terms):
                key, label = f"terms[{i}].terms[{j}]", f"If commercialised: {term_title(sub)}"
                if not pays(key, label, sub, inner):
                    flow, where = flows_of(sub, inner)
                    add(key, label, sub, flow, rows=where)
        elif i in drawn:
            add(f"terms[{i}]", term_title(term), term,
                _flows(registry.of(term).flows_drawn)(term, drawn[i], route, top))
        elif not pays(f"terms[{i}]", term_title(term), term, top):
            flow, where = flows_of(term, top)
            add(f"terms[{i}]", term_title(term), term, flow, rows=where)

    for k, user in enumerate(deal.platform_users):
        for j, used in enumerate(user.terms):
            add(f"platform_users[{k}].terms[{j}]", f"{user.name}: {term_title(used)}", used,
                _flows(registry.of(used).flows)(used, None, top), partner=False)

    operating: list[Line] = []
    nhs_other: list[Line] = []
    for k, grant in enumerate(deal.funding):
        row = funding_row(grant, horizon)[None, :]
        if grant.towards is FundingFor.NHS:
            nhs_other.append(Line(f"funding[{k}]", f"Grant from {grant.funder}", row))
        else:
            operating.append(Line(f"partner.funding[{k}]", f"Grant from {grant.funder}", row))
    expected_sales = np.zeros((n, horizon + 1))
    if route is not None:
        selling = route if launching is None else launching
        sold = selling.sales() * selling.launched[:, None]
        profit = selling.operating_margin[:, None] * sold
        label = "Operating profit from sales"
        if launching is None or rows is None:
            expected_sales = sold
            operating.append(Line("partner.operating_profit", label, profit))
        else:
            expected_sales[rows] = sold
            operating.append(RowsLine("partner.operating_profit", label, rows, profit, n))
        operating.append(Line("partner.stage_costs", "Development stage costs", -route.stage_cost_flows()))
    taxable = _sum(operating + [x for x in payments if x.key not in ownership], (n, horizon + 1)) \
        if a.partner_tax_rate > 0 else None
    tax = [Line(TAX_KEY, "Corporation tax", -corporation_tax(taxable, a.partner_tax_rate))] \
        if taxable is not None else []
    costs = nhs_cost_lines(deal, n) + delivery
    nhs_other += co_owner_lines(deal, receipts + nhs_other, costs, df_nhs, (n, horizon + 1))
    return DealFlows(receipts, costs, operating, payments, expected_sales, tax, frozenset(ownership),
                     frozenset(outside_irr), nhs_other, rebates, other_nhs, taxable)


def co_owner_lines(deal: Deal, shared_in: list[Line], costs: list[Line], nhs_factors: np.ndarray,
                   shape: tuple[int, int]) -> list[Line]:
    """The non-NHS members' share of what the consortium receives less its shared costs, taken out of the NHS's
    cash flow (negative), so that the NHS's figures are its NHS members'. Empty without such a member or a split."""
    shares = member_shares(deal, nhs_factors)
    if shares is None:
        return []
    outside = sum(float(s) for s, m in zip(shares, deal.nhs.members, strict=True) if not m.is_nhs)
    if outside == 0.0:
        return []
    shared = _sum(shared_in + [x for x in costs if not x.key.startswith("costs.members[")], shape)
    return [Line("co_owners", "Share of co-owners outside the NHS", -outside * shared)]


#: The engine key of the partner's corporation-tax line.
TAX_KEY = "partner.corporation_tax"


def expected_tax(deal: Deal) -> list[Line]:
    """The partner's expected corporation tax, (1, years): the tax of each outcome of the deal weighted by its
    chance (engine/tax.py says why not the tax of the expected flows)."""
    if deal.assumptions.partner_tax_rate <= 0:
        return []
    worlds = outcome_worlds(deal)
    each = deal_flows(deal, worlds.route, worlds.clause_weight).partner_tax[0].values
    return [Line(TAX_KEY, "Corporation tax", (worlds.probability @ each)[None, :])]


@dataclass(frozen=True)
class LineSummary:
    key: str
    label: str
    yearly: np.ndarray   # (years,)
    present_value: float


@dataclass(frozen=True)
class Valuation:
    """The deterministic, risk-adjusted valuation of a deal, from both sides. Money in £ of the price base year."""

    deal_name: str
    years: np.ndarray
    nhs_lines: list[LineSummary]          # receipts per term, then costs (negative)
    partner_lines: list[LineSummary]      # operating profit, stage costs, then payments per term (negative)
    nhs_cash_flow: np.ndarray
    partner_cash_flow: np.ndarray
    expected_sales: np.ndarray
    nhs_npv: float
    partner_npv: float
    partner_irr: Irr
    partner_value_before_payments: float  # NPV at the partner's rate of operating profit less stage costs
    payments_to_nhs_partner_pv: float     # NPV at the partner's rate of everything the partner gives the NHS
    nhs_share: float | None
    nhs_share_note: str
    nhs_access_costs: float               # PV at the NHS rate of the NHS's costs of giving access: the base of cost
    #                                       recovery (principle 2)
    value_share_gbp: float                # payments_to_nhs_partner_pv − nhs_access_costs: the value share beyond
    #                                       cost recovery (negative: short of cost recovery by that much)
    value_share: float | None             # value_share_gbp over the partner's value before payments
    cost_recovery_share: float | None     # nhs_access_costs over the partner's value before payments
    cost_recovery_ratio: float | None
    cost_recovery_note: str
    nhs_receipts_undiscounted: float
    launch_probability: float | None
    launch_year: float | None
    nhs_discount_factors: np.ndarray = field(repr=False)
    partner_discount_factors: np.ndarray = field(repr=False)
    # The NHS party's money by where it comes from (issue 16), PVs at the NHS rate; none of the last four is in the
    # NHS NPV but ``nhs_npv_with_product``.
    nhs_receipts: float = 0.0             # what the partner (and other platform users) pay, not rebates
    nhs_grants: float = 0.0               # third-party funding towards the NHS's costs
    nhs_price_terms: float = 0.0          # discounts and rebates on the party's own purchases of the product
    nhs_product_spend: float = 0.0        # its spend on the product net of them (negative)
    nhs_savings: float = 0.0              # what using the product (and the outcomes that release cash) saves it
    nhs_npv_with_product: float = 0.0     # NHS NPV + savings − list-price spend (unless savings are net of price)
    nhs_buys_product: bool = False
    nhs_savings_basis: str = ""           # "gross_of_price" or "net_of_price": the cost offsets' basis
    other_nhs_bodies: float = 0.0         # discounts and rebates on other NHS bodies' purchases: theirs
    platform_access_costs: float = 0.0    # the NHS's costs less grants, across every user of the platform
    partner_cost_share: float = 1.0       # the partner's share of them (1 without other platform users)
    members: list[MemberResult] = field(default_factory=list)
    members_note: str = ""
    users: list[UserResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: every figure, rounded to pennies, no NaN."""
        def lines(items: list[LineSummary]) -> list[dict[str, Any]]:
            return [{"key": x.key, "label": x.label, "present_value_gbp": round(x.present_value, 2),
                     "yearly_gbp": [round(float(v), 2) for v in x.yearly]} for x in items]
        return {
            "deal": self.deal_name,
            "nhs_npv_gbp": round(self.nhs_npv, 2),
            "partner_npv_gbp": round(self.partner_npv, 2),
            "partner_irr": None if self.partner_irr.value is None else round(self.partner_irr.value, 6),
            "partner_irr_note": self.partner_irr.caveat(),
            "partner_mirr": None if self.partner_irr.mirr is None else round(self.partner_irr.mirr, 6),
            "cost_recovery_ratio": None if self.cost_recovery_ratio is None else round(self.cost_recovery_ratio, 6),
            "cost_recovery_note": self.cost_recovery_note,
            "nhs_share": None if self.nhs_share is None else round(self.nhs_share, 6),
            "nhs_share_note": self.nhs_share_note,
            "nhs_access_costs_gbp": round(self.nhs_access_costs, 2),
            "value_share_gbp": round(self.value_share_gbp, 2),
            "value_share": None if self.value_share is None else round(self.value_share, 6),
            "cost_recovery_share": None if self.cost_recovery_share is None else round(self.cost_recovery_share, 6),
            "partner_value_before_payments_gbp": round(self.partner_value_before_payments, 2),
            "payments_to_nhs_at_partner_rate_gbp": round(self.payments_to_nhs_partner_pv, 2),
            "nhs_receipts_undiscounted_gbp": round(self.nhs_receipts_undiscounted, 2),
            "launch_probability": None if self.launch_probability is None else round(self.launch_probability, 6),
            "launch_year": self.launch_year,
            "years": [int(y) for y in self.years],
            "nhs_cash_flow_gbp": [round(float(v), 2) for v in self.nhs_cash_flow],
            "partner_cash_flow_gbp": [round(float(v), 2) for v in self.partner_cash_flow],
            "expected_sales_gbp": [round(float(v), 2) for v in self.expected_sales],
            "nhs_lines": lines(self.nhs_lines),
            "partner_lines": lines(self.partner_lines),
            "nhs_receipts_gbp": round(self.nhs_receipts, 2),
            "nhs_grants_gbp": round(self.nhs_grants, 2),
            "nhs_price_terms_gbp": round(self.nhs_price_terms, 2),
            "nhs_product_spend_gbp": round(self.nhs_product_spend, 2),
            "nhs_savings_gbp": round(self.nhs_savings, 2),
            "nhs_savings_basis": self.nhs_savings_basis,
            "nhs_npv_with_product_gbp": round(self.nhs_npv_with_product, 2),
            "other_nhs_bodies_gbp": round(self.other_nhs_bodies, 2),
            "platform_access_costs_gbp": round(self.platform_access_costs, 2),
            "partner_cost_share": round(self.partner_cost_share, 6),
            "members": [m.to_dict() for m in self.members],
            "members_note": self.members_note,
            "platform_users": [u.to_dict() for u in self.users],
        }


def _ratio(numerator: float, denominator: float, when_undefined: str) -> tuple[float | None, str]:
    if denominator <= 1e-9:
        return None, when_undefined
    return numerator / denominator, ""


def value_deal(deal: Deal) -> Valuation:
    """Value a deal deterministically: every flow weighted by the probability that it happens, then discounted.

    NHS flows are discounted at the NHS rate (Green Book schedule), the partner's at its hurdle rate. Uncertain
    inputs are taken at their base-case values (``valueshare.basecase``: by default each one's mean).
    """
    deal = base_case(deal)
    a = deal.assumptions
    route = expected_route(deal)
    clause = deal.consent_clause
    flows = deal_flows(deal, route, np.array([clause.probability if clause else 0.0]))
    flows = replace(flows, partner_tax=expected_tax(deal))
    df_nhs = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30,
                              rate_after_75=a.nhs_discount_rate_after_75)
    df_partner = discount_factors(a.partner_discount_rate, a.horizon_years)

    def summarise(lines: list[Line], factors: np.ndarray) -> list[LineSummary]:
        return [LineSummary(x.key, x.label, x.values[0], float(npv(x.values[0], factors))) for x in lines]

    nhs_cf = flows.nhs_total()[0]
    partner_cf = flows.partner_total()[0]
    before = float(npv(flows.partner_before_payments()[0], df_partner))
    given = -float(npv(_sum(flows.partner_payments, flows.expected_sales.shape)[0], df_partner))
    share, share_note = _ratio(given, before, "the partner's value before payments to the NHS is not positive, "
                                              "so a share of it has no meaning")
    fee_keys = fee_line_keys(deal)

    def pv(lines: list[Line], keep: Callable[[str], bool] = lambda key: True) -> float:
        return sum(float(npv(x.values[0], df_nhs)) for x in lines if keep(x.key))

    fees_pv = pv(flows.nhs_receipts, lambda key: key in fee_keys)
    grants_pv = pv([x for x in flows.nhs_other if x.key.startswith("funding[")])
    basis = cost_basis(deal, flows, df_nhs)
    all_costs_pv = basis.gross
    platform_costs = basis.platform
    cost_share_of_partner = partner_cost_share(deal)
    costs_pv = basis.of_user(None)
    if all_costs_pv > 1e-9 and platform_costs <= 1e-9:
        recovery, recovery_note = None, "grants cover all of the NHS's costs of access"
    else:
        recovery, recovery_note = _ratio(fees_pv, platform_costs, "no NHS access costs are entered")
    value_share_gbp = given - costs_pv
    value_share = None if share is None else value_share_gbp / before
    cost_share = None if share is None else costs_pv / before
    rebates = _sum(flows.rebates, flows.expected_sales.shape)[0]
    bought = adoption(deal, route, rebates, df_nhs)
    nhs_npv = float(npv(nhs_cf, df_nhs))
    members, members_note = member_results(deal, flows, df_nhs, fees_pv)
    return Valuation(
        deal_name=deal.name,
        years=np.arange(a.horizon_years + 1),
        nhs_lines=summarise(flows.nhs_lines(), df_nhs),
        partner_lines=summarise(flows.partner_operating, df_partner) + summarise(flows.partner_payments, df_partner)
        + summarise(flows.partner_tax, df_partner),
        nhs_cash_flow=nhs_cf, partner_cash_flow=partner_cf, expected_sales=flows.expected_sales[0],
        nhs_npv=nhs_npv, partner_npv=float(npv(partner_cf, df_partner)),
        partner_irr=_partner_irr(deal, flows.partner_project()[0], a.partner_discount_rate),
        partner_value_before_payments=before, payments_to_nhs_partner_pv=given,
        nhs_share=share, nhs_share_note=share_note, nhs_access_costs=costs_pv,
        value_share_gbp=value_share_gbp, value_share=value_share, cost_recovery_share=cost_share,
        cost_recovery_ratio=recovery, cost_recovery_note=recovery_note,
        nhs_receipts_undiscounted=float(sum(x.values[0].sum() for x in flows.nhs_receipts)),
        launch_probability=None if route is None else float(route.launched[0]),
        launch_year=None if route is None else float(route.launch[0]),
        nhs_discount_factors=df_nhs, partner_discount_factors=df_partner,
        nhs_receipts=pv(flows.nhs_receipts) - bought.price_terms_pv, nhs_grants=grants_pv,
        nhs_price_terms=bought.price_terms_pv, nhs_product_spend=bought.spend_pv, nhs_savings=bought.savings_pv,
        nhs_npv_with_product=bought.npv_with_product(nhs_npv), nhs_buys_product=bought.buys,
        nhs_savings_basis=bought.savings_basis,
        other_nhs_bodies=pv(flows.other_nhs), platform_access_costs=platform_costs,
        partner_cost_share=cost_share_of_partner, members=members, members_note=members_note,
        users=user_results(deal, flows, df_nhs, basis),
    )


#: Why a product already on the market has no IRR when the partner puts almost nothing in [ours].
ON_THE_MARKET = ("the product is already on the market and the partner puts almost nothing in before it is paid "
                 "back, so there is no investment for a rate of return to measure: read its NPV")


def _partner_irr(deal: Deal, cash_flow: np.ndarray, rate: float) -> Irr:
    """The partner's IRR; none for a product already on the market (no development stages) whose IRR would only be
    the ratio of its sales to almost nothing put in (issue 16)."""
    found = irr(cash_flow, rate=rate)
    route = deal.route_to_market
    on_market = route is not None and not route.stages
    if on_market and found.value is not None and TINY_OUTLAY in found.note:
        return replace(found, value=None, reason=ON_THE_MARKET, note="", several_possible=False)
    return found


def fee_line_keys(deal: Deal) -> set[str]:
    """The keys of the receipts that are charges for access (fee-like): the partner's and other platform users'."""
    keys = {f"terms[{i}]" for i, t in enumerate(deal.terms) if registry.of(t).fee_like}
    for k, user in enumerate(deal.platform_users):
        keys |= {f"platform_users[{k}].terms[{j}]" for j, t in enumerate(user.terms) if registry.of(t).fee_like}
    return keys


@dataclass(frozen=True)
class UserResult:
    """One user of a platform (the partner first), PVs at the NHS rate."""

    name: str
    receipts: float          # what it pays the NHS
    fees: float              # of which charges for access
    cost_share: float        # its equal share of the NHS's costs of access, less grants
    cost_recovery: float | None

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "receipts_gbp": round(self.receipts, 2), "fees_gbp": round(self.fees, 2),
                "cost_share_gbp": round(self.cost_share, 2),
                "cost_recovery_ratio": None if self.cost_recovery is None else round(self.cost_recovery, 6)}


@dataclass(frozen=True)
class CostBasis:
    """What the NHS's fees must recover, PVs at the NHS rate (docs/method.md): the costs every user of the data
    shares (access, expertise, this deal's share of curation, consortium members' own costs, a co-owner's outside
    the NHS among them), less grants towards them; and the cost of delivering each user's own services (trial
    recruitment), which is that user's alone [ours]."""

    shared: float                    # before grants
    grants: float
    partner_delivery: float
    user_delivery: tuple[float, ...]

    @property
    def gross(self) -> float:
        return self.shared + self.partner_delivery + sum(self.user_delivery)

    @property
    def platform(self) -> float:
        """Every cost less the grants, floored at 0: the base of the cost-recovery ratio."""
        return max(self.gross - self.grants, 0.0)

    def _delivery_kept(self) -> float:
        """The share of the delivery costs left once grants beyond the shared costs have paid for part of them."""
        delivery = self.partner_delivery + sum(self.user_delivery)
        beyond = max(self.grants - self.shared, 0.0)
        return max(delivery - beyond, 0.0) / delivery if delivery > 1e-9 else 0.0

    def of_user(self, k: int | None) -> float:
        """The partner's (None) or the k-th other user's costs: an equal share of the shared costs less grants
        [ours], plus its own services' delivery."""
        equal = max(self.shared - self.grants, 0.0) / (1 + len(self.user_delivery))
        own = self.partner_delivery if k is None else self.user_delivery[k]
        return equal + own * self._delivery_kept()


def cost_basis(deal: Deal, flows: DealFlows, factors: np.ndarray) -> CostBasis:
    def pv(line: Line) -> float:
        return -float(npv(line.values[0], factors))

    horizon = deal.assumptions.horizon_years
    outside = sum(float(own_cost_row(m, horizon) @ factors) for m in deal.nhs.members if not m.is_nhs)
    shared = sum(pv(x) for x in flows.nhs_costs if not x.key.startswith("costs.delivery.")) + outside
    partner = sum(pv(x) for x in flows.nhs_costs if x.key.startswith("costs.delivery.terms["))
    users = tuple(sum(pv(x) for x in flows.nhs_costs if x.key.startswith(f"costs.delivery.platform_users[{k}]."))
                  for k in range(len(deal.platform_users)))
    grants = sum(float(npv(x.values[0], factors)) for x in flows.nhs_other if x.key.startswith("funding["))
    return CostBasis(shared, grants, partner, users)


def user_results(deal: Deal, flows: DealFlows, factors: np.ndarray, basis: CostBasis) -> list[UserResult]:
    """The partner's and each other platform user's payments and share of the costs; empty without other users."""
    if not deal.platform_users:
        return []
    fee_keys = fee_line_keys(deal)

    def row(name: str, prefix: str, k: int | None) -> UserResult:
        mine = [x for x in flows.nhs_receipts if x.key.startswith(prefix)]
        receipts = sum(float(npv(x.values[0], factors)) for x in mine)
        fees = sum(float(npv(x.values[0], factors)) for x in mine if x.key in fee_keys)
        share = basis.of_user(k)
        return UserResult(name, receipts, fees, share, fees / share if share > 1e-9 else None)

    return [row(deal.partner.name, "terms[", None)] + [row(u.name, f"platform_users[{k}].", k)
                                                       for k, u in enumerate(deal.platform_users)]


def member_results(deal: Deal, flows: DealFlows, factors: np.ndarray, fees_pv: float
                   ) -> tuple[list[MemberResult], str]:
    """Each consortium member's figures, with a note when there are none (no members, or no split agreed)."""
    members = deal.nhs.members
    if not members:
        return [], ""
    shares = member_shares(deal, factors)
    if shares is None:
        return [], "the members have not agreed how to split the receipts, so there are no figures per member"
    horizon = deal.assumptions.horizon_years
    receipts = sum(float(npv(x.values[0], factors)) for x in flows.nhs_receipts)
    grants = sum(float(npv(x.values[0], factors)) for x in flows.nhs_other if x.key.startswith("funding["))
    # the consortium's shared costs less the grants towards them, shared by the split like the receipts
    shared_costs = -sum(float(npv(x.values[0], factors)) for x in flows.nhs_costs
                        if not x.key.startswith("costs.members[")) - grants
    out = []
    for share, member in zip(shares, members, strict=True):
        own = float(own_cost_row(member, horizon) @ factors)
        s = float(share)
        borne = s * shared_costs + own
        out.append(MemberResult(member.name, member.is_nhs, s, s * receipts, s * shared_costs, own, s * fees_pv,
                                s * receipts - borne, s * fees_pv / borne if borne > 1e-9 else None))
    return out, ""
