"""A portfolio across the deals a person may see: the pipeline by status, the totals of the NHS's value, the terms
used by kind of data and use, and the outliers.

Every figure is a version's headline figure as valued when it was saved (``Headlines``), so the portfolio needs no
valuation; the terms and the data come from the latest version's text. Only the deals the actor may read whole are
in it (``access.visible``): a partner's shared deals never are.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml

from valueshare.register import service
from valueshare.register.access import LOCAL, Actor
from valueshare.register.errors import RegisterTampered
from valueshare.register.records import DealStatus, checksum
from valueshare.register.repository import Repository, status_of

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    cost_recovery: float | None
    nhs_share: float | None


@dataclass(frozen=True)
class Portfolio:
    deals: list[PortfolioDeal]
    pipeline: dict[str, int]                        # status: number of deals, in the order of the deal's life
    total_nhs_npv_gbp: float
    mean_nhs_share: float | None                    # over the deals that have one
    below_cost_recovery: list[str]                  # keys of the deals whose charges recover less than the costs
    terms_by_use: dict[str, dict[str, int]] = field(default_factory=dict)
    terms_by_data_type: dict[str, dict[str, int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _outline(repo: Repository, key: str, number: int) -> tuple[str, list[str], list[str]]:
    """The version's use, kinds of data and mechanisms, read from its stored text without validating the whole
    deal again (it was validated when saved, and these keys mean the same in every format; the text must still
    match its checksum: ``verify`` checks the rest). Validating 1,000 deals took three times the portfolio's budget.
    """
    stored = repo.version(key, number)
    if stored.sha256 != checksum(stored.content):
        raise RegisterTampered(key, [f"deal '{key}' version {number}: its text no longer matches its checksum"])
    data = json.loads(stored.content) if stored.content_format == "json" else yaml.load(stored.content, _LOADER)
    terms = [t for t in data.get("terms") or [] if isinstance(t, dict)]
    inner = [i for t in terms for i in t.get("terms") or [] if isinstance(i, dict)]
    assets = (data.get("contribution") or {}).get("data_assets") or []
    return (str(data.get("use", "")), sorted({str(a.get("data_type")) for a in assets if isinstance(a, dict)}),
            [str(t.get("kind")) for t in [*terms, *inner]])


def portfolio(repo: Repository, *, actor: Actor = LOCAL, include_archived: bool = False) -> Portfolio:
    """The portfolio of every deal ``actor`` may read whole."""
    deals = []
    for info in service.find(repo, include_archived=include_archived, actor=actor):
        latest = info.latest
        use, data_types, kinds = _outline(repo, info.key, latest.number)
        deals.append(PortfolioDeal(
            info.key, latest.deal_name, latest.nhs_name, latest.partner_name,
            status_of(repo.deal_events(info.key)).value, latest.number, use, data_types, kinds,
            latest.headlines.nhs_npv, latest.headlines.partner_npv, latest.headlines.cost_recovery,
            latest.headlines.nhs_share))
    shares = [d.nhs_share for d in deals if d.nhs_share is not None]
    by_use: dict[str, Counter[str]] = {}
    by_type: dict[str, Counter[str]] = {}
    for d in deals:
        by_use.setdefault(d.use, Counter()).update(d.mechanisms)
        for kind in d.data_types:
            by_type.setdefault(kind, Counter()).update(d.mechanisms)
    counts = Counter(d.status for d in deals)
    return Portfolio(
        deals, {s.value: counts[s.value] for s in DealStatus}, sum(d.nhs_npv_gbp for d in deals),
        sum(shares) / len(shares) if shares else None,
        [d.key for d in deals if d.cost_recovery is not None and d.cost_recovery < 1.0],
        {use: dict(sorted(c.items())) for use, c in sorted(by_use.items())},
        {kind: dict(sorted(c.items())) for kind, c in sorted(by_type.items())})
