"""A portfolio across the deals a person may see: the pipeline by status, the totals of the NHS's value, the terms
used by kind of data and use, each deal's value share against its fair band, and the outliers.

Every figure is a version's own as valued when it was saved: its headline figures (``Headlines``) and its outline
(``outline.Outline``: use, kinds of data and terms, what the NHS receives by kind of term, the value share and the
fair band), so opening the portfolio values nothing. A version saved before the register kept outlines (revision
0006) has its outline worked out from its text, which is checked against its checksum and valued again; the
portfolio says how many were. Only the deals the actor may read whole are in it (``access.visible``): a partner's
shared deals never are.

The register is read in four queries whatever the number of deals (the deals with their latest versions, access,
the outlines and the statuses), so the time grows with the deals only by the work of building each row.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from valueshare.mechanisms import MECHANISMS
from valueshare.register import service
from valueshare.register.access import LOCAL, Actor
from valueshare.register.errors import RegisterTampered
from valueshare.register.outline import Outline, outline_of_deal
from valueshare.register.records import DealInfo, DealStatus, checksum
from valueshare.register.repository import Repository

#: The kinds of term whose present value counts as the deal's fees: the charges for access that recover the NHS's
#: costs (``Mechanism.fee_like``), paid whatever the product does.
FEE_KINDS = tuple(m.kind for m in MECHANISMS.values() if m.fee_like)


@dataclass(frozen=True)
class PortfolioDeal:
    key: str
    name: str
    nhs_name: str
    partner_name: str
    status: str
    version: int
    use: str
    data_types: list[str]
    mechanisms: list[str]
    nhs_npv_gbp: float
    partner_npv_gbp: float
    nhs_receipts_gbp: float
    fees_gbp: float                    # present value of the access fees, subscriptions and SDE charges
    top_royalty_rate: float | None
    revenue_share_rate: float | None
    cost_recovery: float | None
    nhs_share: float | None
    value_share: float | None
    value_share_gbp: float | None
    band_low: float | None
    band_high: float | None
    position: str                      # the value share against the fair band: below, within, above, not applicable


@dataclass(frozen=True)
class Spread:
    """How one term figure is spread across the deals that have it."""

    deals: int
    low: float
    median: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread | None:
        return cls(len(values), min(values), statistics.median(values), max(values)) if values else None


#: The term figures whose spread the portfolio gives, by use and by kind of data: (field of ``PortfolioDeal``,
#: label). Fees count only deals that charge them; rates only deals with such a term.
TERM_FIGURES = (("fees_gbp", "Fees (present value)"), ("top_royalty_rate", "Highest royalty rate"),
                ("revenue_share_rate", "Revenue share rate"))


def _spreads(deals: list[PortfolioDeal]) -> dict[str, Spread | None]:
    out: dict[str, Spread | None] = {}
    for name, _ in TERM_FIGURES:
        values = [v for d in deals if (v := getattr(d, name)) is not None and (name != "fees_gbp" or v > 0)]
        out[name] = Spread.of(values)
    return out


@dataclass(frozen=True)
class Portfolio:
    deals: list[PortfolioDeal]
    pipeline: dict[str, int]                        # status: number of deals, in the order of the deal's life
    total_nhs_npv_gbp: float
    total_nhs_receipts_gbp: float
    total_value_share_gbp: float                    # over the deals that have one
    mean_nhs_share: float | None                    # over the deals that have one
    below_cost_recovery: list[str]                  # keys of the deals whose charges recover less than the costs
    above_band: list[str]                           # keys of the deals whose value share is above the fair band
    below_band: list[str]
    terms_by_use: dict[str, dict[str, int]] = field(default_factory=dict)        # use: kind of term: deals
    terms_by_data_type: dict[str, dict[str, int]] = field(default_factory=dict)
    figures_by_use: dict[str, dict[str, Spread | None]] = field(default_factory=dict)
    figures_by_data_type: dict[str, dict[str, Spread | None]] = field(default_factory=dict)
    worked_out: int = 0                             # deals whose outline was worked out from the text

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _worked_out(repo: Repository, info: DealInfo) -> Outline:
    """The outline of a version saved before the register kept outlines, from its text (checksum checked)."""
    stored = repo.version(info.key, info.latest.number)
    if stored.sha256 != checksum(stored.content):
        raise RegisterTampered(info.key, [f"deal '{info.key}' version {info.latest.number}: its text no longer "
                                          f"matches its checksum"])
    return outline_of_deal(service.read_text(stored.content, stored.content_format,
                                             f"register: deal '{info.key}' version {info.latest.number}"))


def portfolio(repo: Repository, *, actor: Actor = LOCAL, include_archived: bool = False) -> Portfolio:
    """The portfolio of every deal ``actor`` may read whole."""
    found = service.find(repo, include_archived=include_archived, actor=actor)
    stored = repo.outlines([info.key for info in found])
    statuses = repo.statuses()
    deals, worked_out = [], 0
    for info in found:
        latest, h = info.latest, info.latest.headlines
        outline = Outline.from_json(stored.get(info.key))
        if outline is None:
            outline, worked_out = _worked_out(repo, info), worked_out + 1
        deals.append(PortfolioDeal(
            info.key, latest.deal_name, latest.nhs_name, latest.partner_name,
            statuses.get(info.key, DealStatus.DRAFT).value, latest.number, outline.use, outline.data_types,
            outline.mechanisms, h.nhs_npv, h.partner_npv, outline.nhs_receipts_gbp,
            sum(outline.receipts_by_kind.get(k, 0.0) for k in FEE_KINDS), outline.top_royalty_rate,
            outline.revenue_share_rate, h.cost_recovery, h.nhs_share, outline.value_share, outline.value_share_gbp,
            outline.band_low, outline.band_high, outline.position))
    shares = [d.nhs_share for d in deals if d.nhs_share is not None]
    by_use: dict[str, list[PortfolioDeal]] = {}
    by_type: dict[str, list[PortfolioDeal]] = {}
    for d in deals:
        by_use.setdefault(d.use, []).append(d)
        for kind in d.data_types:
            by_type.setdefault(kind, []).append(d)

    def counts(group: list[PortfolioDeal]) -> dict[str, int]:  # deals using each kind of term
        return dict(sorted(Counter(k for d in group for k in set(d.mechanisms)).items()))

    pipeline = Counter(d.status for d in deals)
    return Portfolio(
        deals, {s.value: pipeline[s.value] for s in DealStatus}, sum(d.nhs_npv_gbp for d in deals),
        sum(d.nhs_receipts_gbp for d in deals), sum(d.value_share_gbp or 0.0 for d in deals),
        sum(shares) / len(shares) if shares else None,
        [d.key for d in deals if d.cost_recovery is not None and d.cost_recovery < 1.0],
        [d.key for d in deals if d.position == "above"], [d.key for d in deals if d.position == "below"],
        {use: counts(g) for use, g in sorted(by_use.items())},
        {kind: counts(g) for kind, g in sorted(by_type.items())},
        {use: _spreads(g) for use, g in sorted(by_use.items())},
        {kind: _spreads(g) for kind, g in sorted(by_type.items())}, worked_out)
