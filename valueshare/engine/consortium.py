"""The NHS side as a consortium: each member's share of what the partner pays, its costs and its figures.

Members share the consortium's receipts, grants and shared costs (the deal's access costs, expertise and shared
curation) by the agreed split; each bears its own costs alone. A member outside the NHS (a university) has its share,
which is not the NHS's: the NHS's figures are those of its NHS members.

Shares: ``by_records`` each member's records over all; ``by_contribution`` each member's own costs at present value
(the NHS rate) over all members' [ours: the framework shares value in proportion to contribution, and what each
member spends to contribute is the measurable part]; ``fixed`` as agreed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valueshare.engine.timeline import yearly_schedule
from valueshare.model import Deal
from valueshare.model.parties import Member, SplitRule


def own_cost_row(member: Member, horizon_years: int) -> np.ndarray:
    """(years,) what a member spends itself, as a positive amount: preparation at signature, then yearly costs."""
    c = member.own_costs
    return (yearly_schedule(c.preparation_gbp, 0, 1, horizon_years)
            + yearly_schedule(c.yearly_gbp, 1, c.years, horizon_years))


def member_shares(deal: Deal, nhs_factors: np.ndarray) -> np.ndarray | None:
    """Each member's share of the consortium's receipts and shared costs, in the order of ``nhs.members``; None for
    a single organisation, or when no split is agreed."""
    members = deal.nhs.members
    split = deal.nhs.split
    if not members or split is SplitRule.NOT_AGREED:
        return None
    if split is SplitRule.FIXED:
        return np.array([m.share or 0.0 for m in members])
    if split is SplitRule.BY_RECORDS:
        weights = np.array([m.records for m in members])
    else:
        weights = np.array([float(own_cost_row(m, deal.assumptions.horizon_years) @ nhs_factors) for m in members])
    return weights / weights.sum()


@dataclass(frozen=True)
class MemberResult:
    """One member's figures (present values at the NHS rate)."""

    name: str
    is_nhs: bool
    share: float                 # its share of the consortium's receipts and shared costs
    receipts: float              # its share of what the partner (and other users) pay
    shared_costs: float          # its share of the consortium's shared costs less grants towards them
    own_costs: float             # what it spends itself (positive)
    fees: float                  # its share of the fee-like receipts (for cost recovery)
    npv: float                   # receipts − shared costs − own costs
    cost_recovery: float | None  # fees ÷ (shared costs + own costs); None when it bears no cost

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "is_nhs": self.is_nhs, "share": round(self.share, 6),
                "receipts_gbp": round(self.receipts, 2), "shared_costs_gbp": round(self.shared_costs, 2),
                "own_costs_gbp": round(self.own_costs, 2), "npv_gbp": round(self.npv, 2),
                "cost_recovery_ratio": None if self.cost_recovery is None else round(self.cost_recovery, 6)}
