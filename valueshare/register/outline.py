"""A version's outline: what a portfolio needs to know of it without opening and valuing the deal again.

Saved beside each version (revision 0006) when it is saved: the deal's use and kinds of data, the kinds of term it
uses, the present value the NHS receives by kind of term, the highest royalty and revenue-share rates, the value
share and the fair band (``valueshare.framework.fairshare``). It is derived from the version's text, so it is not
part of the version's record or its audit chain: a version saved before revision 0006 has none, and the portfolio
works its outline out from the text (``outline_of_text``), which takes a valuation per version.

Money in £ of the deal's price base year, present values at the NHS's rate; rates and shares as fractions.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from valueshare.engine.valuation import Valuation, value_deal
from valueshare.framework.fairshare import fair_share
from valueshare.model import Deal
from valueshare.model.terms import ConsentToCommercialise, RevenueShare, Royalty

#: The version of the outline's JSON; an outline of another version is worked out again from the text.
OUTLINE_SCHEME = 1


@dataclass(frozen=True)
class Outline:
    use: str
    data_types: list[str]
    mechanisms: list[str]                         # the kind of every term, a consent clause's own terms included
    nhs_receipts_gbp: float                       # present value of what the partner and other users pay
    receipts_by_kind: dict[str, float] = field(default_factory=dict)  # present value received, by kind of term
    top_royalty_rate: float | None = None         # the highest tier's rate of any royalty
    revenue_share_rate: float | None = None       # the highest revenue share's rate
    value_share: float | None = None              # the NHS's value share beyond cost recovery (method section 12)
    value_share_gbp: float | None = None          # the same in £
    band_low: float | None = None                 # the fair band (method section 13)
    band_centre: float | None = None
    band_high: float | None = None
    position: str = "not applicable"              # below, within or above the band, or not applicable

    def to_json(self) -> str:
        return json.dumps({"scheme": OUTLINE_SCHEME, **asdict(self)}, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str | None) -> Outline | None:
        """The outline stored as ``text``; None if there is none or it is of another scheme (work it out again)."""
        if not text:
            return None
        try:
            data = json.loads(text)
            if data.pop("scheme", None) != OUTLINE_SCHEME:
                return None
            return cls(**data)
        except (ValueError, TypeError):
            return None


def _terms(deal: Deal) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for i, term in enumerate(deal.terms):
        out.append((f"terms[{i}]", term))
        if isinstance(term, ConsentToCommercialise):
            out.extend((f"terms[{i}].terms[{j}]", inner) for j, inner in enumerate(term.terms))
    return out


def outline_of(deal: Deal, valuation: Valuation) -> Outline:
    """The outline of ``deal`` as valued (``valuation`` is ``value_deal(deal)``)."""
    terms = _terms(deal)
    kind_at = {path: term.kind for path, term in terms}
    by_kind: dict[str, float] = {}
    for line in valuation.nhs_lines:
        kind = kind_at.get(line.key)
        if kind is not None:  # a consent clause has no line of its own: its terms have theirs
            by_kind[kind] = by_kind.get(kind, 0.0) + line.present_value
    royalties = [tier.rate for _, t in terms if isinstance(t, Royalty) for tier in t.tiers]
    shares = [t.rate for _, t in terms if isinstance(t, RevenueShare)]
    band = fair_share(deal, valuation)
    return Outline(
        deal.use.value, sorted({a.data_type.value for a in deal.contribution.data_assets}),
        [t.kind for _, t in terms], valuation.nhs_receipts,
        {k: by_kind[k] for k in sorted(by_kind)}, max(royalties) if royalties else None,
        max(shares) if shares else None, valuation.value_share, valuation.value_share_gbp, band.low, band.centre,
        band.high, band.position)


def outline_of_deal(deal: Deal) -> Outline:
    return outline_of(deal, value_deal(deal))
