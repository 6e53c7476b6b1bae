"""The fair-share estimate: score what each side contributes, turn the scores into a fair band for the NHS's share.

Principle 4 of the framework says the NHS should share in commercial value in proportion to what it contributed,
but publishes no formula. This one is valueshare's own [ours], simple enough to explain to a board:

1. Score six NHS factors and four partner factors from 1 (very little) to 5 (a great deal), each on a stated scale
   (``SCALES``), or by the user's own score with a note.
2. The NHS's contribution share is c = NHS average score / (NHS average + partner average).
3. The fair share's centre is ``share_at_equal_contribution`` × c / 0.5 (15% of the partner's value when both sides
   contribute equally); the band runs a third either side of it.
4. The deal's value share (what the partner gives the NHS beyond the NHS's costs of access, over the partner's
   value before any payment, both at its rate) is compared with the band. The framework asks for cost recovery
   *plus* a value share (principle 3 [pub]), so the band measures the value share alone: what recovers costs is
   reported beside it, never counted in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valueshare.basecase import base_case
from valueshare.engine.valuation import Valuation
from valueshare.model import Curation, Deal
from valueshare.model.benefits import NHS_FACTORS, PARTNER_FACTORS, ContributionFactor

#: Thresholds of each measured scale: a value at or above the k-th threshold scores k + 2 (below the first: 1).
SCALES: dict[ContributionFactor, tuple[str, tuple[float, ...]]] = {
    ContributionFactor.DATA_VOLUME: ("patients in the largest data asset: 1k, 10k, 100k, 1m",
                                     (1_000, 10_000, 100_000, 1_000_000)),
    ContributionFactor.DATA_DEPTH: ("years of history: 2, 5, 10, 20", (2, 5, 10, 20)),
    ContributionFactor.EXPERTISE: ("staff hours over the deal: any, 200, 1,000, 5,000", (1, 200, 1_000, 5_000)),
    ContributionFactor.CAPITAL_AT_RISK: ("partner's development spend: £1m, £10m, £50m, £200m",
                                         (1e6, 1e7, 5e7, 2e8)),
}
#: How the other defaults are reached, for the docs and the brief.
RULES: dict[ContributionFactor, str] = {
    ContributionFactor.CURATION_AND_LINKAGE: "raw 1, standardised 2, curated 3, labelled 4; one more if linked",
    ContributionFactor.UNIQUENESS: "5 if any asset is hard to obtain elsewhere, else 2 (1 with no data)",
    ContributionFactor.DATA_CRITICALITY: "your judgement, 1 to 5",
    ContributionFactor.DEVELOPMENT_STAGE: "chance of reaching the market: 80% or more 1, 50% 2, 20% 3, 5% 4, "
                                          "below 5% 5",
    ContributionFactor.PARTNER_IP: "your judgement, 1 to 5",
    ContributionFactor.COMMERCIALISATION: "your judgement, 1 to 5",
}
_CURATION_SCORE = {Curation.RAW: 1, Curation.STANDARDISED: 2, Curation.CURATED: 3, Curation.LABELLED: 4}


def scale_score(value: float, thresholds: tuple[float, ...]) -> int:
    """1 below the first threshold, then one more for each threshold reached.

    >>> [scale_score(v, (10, 20, 30, 40)) for v in (5, 10, 25, 40, 99)]
    [1, 2, 3, 5, 5]
    """
    return 1 + sum(value >= t for t in thresholds)


@dataclass(frozen=True)
class FactorScore:
    factor: ContributionFactor
    side: str            # "NHS" or "Partner"
    score: int
    default_score: int
    basis: str           # how the default was reached, with the figure
    note: str = ""       # the user's reason, when overridden


@dataclass(frozen=True)
class FairShare:
    factors: list[FactorScore]
    nhs_score: float          # average NHS factor score
    partner_score: float
    contribution: float       # c = NHS / (NHS + partner)
    low: float
    centre: float
    high: float
    actual: float | None      # the deal's value share beyond cost recovery, as a share of the partner's value
    position: str             # "below", "within", "above" or "not applicable"

    @property
    def gap(self) -> float | None:
        """How far the actual share is below the band's low end (positive = short of the band)."""
        return None if self.actual is None else max(self.low - self.actual, 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "factors": [{"factor": f.factor.value, "label": f.factor.label, "side": f.side, "score": f.score,
                         "default_score": f.default_score, "basis": f.basis, "note": f.note} for f in self.factors],
            "nhs_score": round(self.nhs_score, 4), "partner_score": round(self.partner_score, 4),
            "contribution": round(self.contribution, 6), "band_low": round(self.low, 6),
            "band_centre": round(self.centre, 6), "band_high": round(self.high, 6),
            "actual_share": None if self.actual is None else round(self.actual, 6), "position": self.position,
            "gap": None if self.gap is None else round(self.gap, 6),
        }


def default_scores(deal: Deal, valuation: Valuation) -> dict[ContributionFactor, tuple[int, str]]:
    """Each factor's default score and the figure it rests on."""
    assets = deal.contribution.data_assets
    f = ContributionFactor
    out: dict[ContributionFactor, tuple[int, str]] = {}
    patients = max((a.patients for a in assets), default=0.0)
    out[f.DATA_VOLUME] = (scale_score(patients, SCALES[f.DATA_VOLUME][1]), f"{patients:,.0f} patients")
    depth = max((a.history_years for a in assets), default=0.0)
    out[f.DATA_DEPTH] = (scale_score(depth, SCALES[f.DATA_DEPTH][1]), f"{depth:g} years of history")
    curation = max((_CURATION_SCORE[a.curation] for a in assets), default=1)
    linked = any(a.linked for a in assets)
    out[f.CURATION_AND_LINKAGE] = (min(5, curation + int(linked)),
                                   "best curation " + str(curation) + "/4" + (", linked" if linked else ""))
    unique = any(a.unique for a in assets)
    out[f.UNIQUENESS] = ((5 if unique else 2) if assets else 1,
                         "hard to obtain elsewhere" if unique else "comparable data exists elsewhere")
    hours = sum(e.hours_per_year * e.years for e in deal.contribution.expertise)
    out[f.EXPERTISE] = (scale_score(hours, SCALES[f.EXPERTISE][1]), f"{hours:,.0f} staff hours")
    out[f.DATA_CRITICALITY] = (deal.fair_share.data_criticality, "your judgement")
    route = deal.route_to_market
    spend = sum(s.partner_cost_gbp for s in route.stages) if route else 0.0
    out[f.CAPITAL_AT_RISK] = (scale_score(spend, SCALES[f.CAPITAL_AT_RISK][1]), f"£{spend:,.0f} development spend")
    p = valuation.launch_probability
    # the lower the chance of reaching the market, the more development risk the partner carries
    stage = 1 if p is None else 1 + sum(p < t for t in (0.8, 0.5, 0.2, 0.05))
    out[f.DEVELOPMENT_STAGE] = (stage, "no product" if p is None else f"{p:.0%} chance of reaching the market")
    out[f.PARTNER_IP] = (deal.fair_share.partner_ip, "your judgement")
    out[f.COMMERCIALISATION] = (deal.fair_share.partner_commercialisation, "your judgement")
    return out


def fair_share(deal: Deal, valuation: Valuation) -> FairShare:
    """Score both sides, derive the fair band and place the deal's NHS share against it."""
    defaults = default_scores(base_case(deal), valuation)  # the development spend as the valuation takes it
    overrides = {o.factor: o for o in deal.fair_share.overrides}
    factors = []
    for side, group in (("NHS", NHS_FACTORS), ("Partner", PARTNER_FACTORS)):
        for factor in group:
            score, basis = defaults[factor]
            chosen = overrides.get(factor)
            factors.append(FactorScore(factor, side, chosen.score if chosen else score, score, basis,
                                       chosen.note if chosen else ""))
    nhs = sum(x.score for x in factors if x.side == "NHS") / len(NHS_FACTORS)
    partner = sum(x.score for x in factors if x.side == "Partner") / len(PARTNER_FACTORS)
    c = nhs / (nhs + partner)
    settings = deal.fair_share
    centre = min(1.0, settings.share_at_equal_contribution * c / 0.5)
    low, high = centre * (1 - settings.band_width), min(1.0, centre * (1 + settings.band_width))
    actual = valuation.value_share
    if actual is None:
        position = "not applicable"
    else:
        position = "below" if actual < low else "above" if actual > high else "within"
    return FairShare(factors, nhs, partner, c, low, centre, high, actual, position)
