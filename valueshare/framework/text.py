"""The framework assessment in words and figures for people: the same rows and sentences in the app, the PDF and
any brief. Each aim is a list of (label, figure) rows in the aim's own units; nothing here adds aims together.
"""

from __future__ import annotations

from dataclasses import dataclass

from valueshare import inputs, prices
from valueshare.engine.valuation import Valuation
from valueshare.format import money, number, percent, ratio
from valueshare.framework import Assessment, Status
from valueshare.framework.fairshare import FairShare
from valueshare.framework.pillars import GrowthPillar, PatientPillar, Pillars, ReturnPillar
from valueshare.model import Deal
from valueshare.model.benefits import CostOffsetBasis, JobsBasis, PatientBenefit
from valueshare.solver import Solution

#: The framework's three aims, in its order.
AIMS = ("1. Patient benefit", "2. UK economic growth", "3. NHS financial return")
#: A pale fill behind each status word (Okabe-Ito hues, distinct with the common colour-vision deficiencies). The
#: word is always written: the colour only helps the eye find it.
STATUS_COLOURS = {Status.PASS: "#D5EFE6", Status.WARNING: "#FBE9C4", Status.FAIL: "#F6D3C2",
                  Status.NOT_APPLICABLE: "#EDEDED"}
POSITION = {"below": "below the band", "within": "within the band", "above": "above the band",
            "not applicable": "not measurable"}


@dataclass(frozen=True)
class Row:
    """One figure of an aim: its label, the figure as written, and the number behind it (None for a year)."""

    label: str
    text: str
    value: float | None


def patient_rows(p: PatientPillar) -> list[Row]:
    return [
        Row("Expected patients reached", number(round(p.total_patients)), p.total_patients),
        Row("First year patients benefit", "none" if p.first_year is None else f"year {p.first_year}",
            None if p.first_year is None else float(p.first_year)),
        Row("QALYs gained, discounted", number(round(p.qalys_discounted, 1)), p.qalys_discounted),
        Row("QALYs gained, discounted (societal lens)", number(round(p.qalys_discounted_societal, 1)),
            p.qalys_discounted_societal),
        Row("QALY value, NHS lens", money(p.qaly_value_nhs), p.qaly_value_nhs),
        Row("Value of a QALY, societal lens", money(p.societal_value_per_qaly, exact=True),
            p.societal_value_per_qaly),
        Row("QALY value, societal lens", money(p.qaly_value_societal), p.qaly_value_societal),
        Row("NHS cost offsets", money(p.cost_offsets), p.cost_offsets),
        Row("Spend on the product across the NHS", money(-p.nhs_purchase_cost), -p.nhs_purchase_cost),
        *(Row(f"{o.name} ({o.unit}, {o.years})", number(round(o.total, 1))
              + ("" if o.value is None else f", worth {money(o.value)}"), o.total) for o in p.outcomes),
        Row("Net monetary benefit, NHS", money(p.net_monetary_benefit_nhs), p.net_monetary_benefit_nhs),
        Row("Net monetary benefit, societal", money(p.net_monetary_benefit_societal), p.net_monetary_benefit_societal),
    ]


def growth_rows(g: GrowthPillar) -> list[Row]:
    return [
        Row("UK jobs, FTE-years", number(round(g.fte_years, 1)), g.fte_years),
        Row("Net additional UK jobs, FTE-years", number(round(g.additional_fte_years, 1)), g.additional_fte_years),
        Row("GVA per FTE a year", money(g.gva_per_fte, exact=True), g.gva_per_fte),
        Row("Gross value added", money(g.gross_gva), g.gross_gva),
        Row("Additional GVA", money(g.additional_gva), g.additional_gva),
        Row("UK investment", money(g.uk_investment), g.uk_investment),
        Row("UK sales", money(g.uk_sales), g.uk_sales),
        Row("Share of sales to the NHS", "n/a" if g.nhs_share_of_sales is None else percent(g.nhs_share_of_sales, 0),
            g.nhs_share_of_sales),
    ]


def return_rows(r: ReturnPillar) -> list[Row]:
    return [
        Row("Cash receipts", money(r.cash_receipts), r.cash_receipts),
        Row("Price-discount savings", money(r.price_discount_savings), r.price_discount_savings),
        Row("In-kind value", money(r.in_kind_value), r.in_kind_value),
        *([Row("Grants towards the NHS's costs", money(r.grants), r.grants)] if r.grants else []),
        *([Row("Share of co-owners outside the NHS", money(r.co_owners), r.co_owners)] if r.co_owners else []),
        Row("NHS costs of access", money(r.nhs_costs), r.nhs_costs),
        Row("Total: NHS NPV", money(r.total), r.total),
    ]


def aim_rows(p: Pillars) -> dict[str, list[Row]]:
    """Each aim's rows, by its title, in the framework's order."""
    return dict(zip(AIMS, (patient_rows(p.patient), growth_rows(p.growth), return_rows(p.nhs_return)), strict=False))


def aim_notes(deal: Deal, a: Assessment) -> dict[str, str]:
    """One line under each aim on what its figures are: the lens, the rates and the [ours] judgements."""
    p, b = a.pillars, deal.patient_benefit
    rate = percent(deal.assumptions.nhs_discount_rate)
    source = "patients follow UK sales" if p.patient.source == "sales" else "patients as entered"
    g = deal.economic_growth
    offsets = ("cost offsets gross of the product's price, its NHS spend subtracted"
               if b.cost_offset_basis is CostOffsetBasis.GROSS_OF_PRICE
               else "cost offsets net of the product's price, its NHS spend shown but not subtracted again")
    patient = (f"Risk-adjusted; {source}. QALYs at {percent(b.nhs_health_discount_rate)} (NHS lens, NICE reference "
               f"case) and at the Green Book's {_steps(b)} "
               f"(societal lens), valued at {money(b.value_per_qaly_gbp, exact=True)} (NHS) and "
               f"{uprated_text(p.patient.societal_value_per_qaly, p.patient.societal_value_uplift)} (societal) a "
               f"QALY; {offsets}; £ at {rate}." + _outcome_sources(b))
    jobs = ("jobs follow expected UK sales" if g.jobs_basis is JobsBasis.PER_UK_SALES else "jobs as entered")
    growth = (f"Direct UK jobs ({jobs}) at {uprated_text(p.growth.gva_per_fte, p.growth.gva_per_fte_uplift)} GVA "
              f"each a year; net additional = gross × (1 − {percent(g.leakage, 0)} leakage) × "
              f"(1 − {percent(g.deadweight, 0)} deadweight) × (1 − {percent(g.displacement, 0)} displacement) × "
              f"(1 − {percent(g.substitution, 0)} substitution) × {number(g.multiplier)} multiplier "
              f"(Additionality Guide; defaults [ours]); £ at {rate}.")
    return dict(zip(AIMS, (patient, growth, f"Present values at {rate}, risk-adjusted."), strict=False))


def _outcome_sources(b: PatientBenefit) -> str:
    """Where each outcome's money value comes from; outcomes without one stay in their own units."""
    valued = [f"{o.name} at {money(o.value_per_unit_gbp, exact=True)} per {o.unit} ({o.value_source})"
              for o in b.outcomes if o.value_per_unit_gbp is not None]
    return f" Outcomes beyond QALYs valued: {'; '.join(valued)}." if valued else ""


def uprated_text(value: float, uplift: prices.Uplift) -> str:
    """A published value brought into the price base year: '£86,624 (£70,000 in 2020-21 prices × 1.2375, GDP
    deflator)', or the value alone when it was already in the base year's prices."""
    if uplift.from_year == uplift.to_year:
        return money(value, exact=True)
    return f"{money(value, exact=True)} ({money(value / uplift.factor, exact=True)} {uplift.text()})"


def _steps(b: PatientBenefit) -> str:
    """The societal lens's health rates: '1.5%', or '1.5% to year 30, 1.29% to 75, 1.07% after'."""
    def rate(value: float) -> str:
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    first, after_30, after_75 = (b.societal_health_discount_rate, b.societal_health_discount_rate_after_30,
                                 b.societal_health_discount_rate_after_75)
    if first == after_30 == after_75:
        return rate(first)
    return f"{rate(first)} to year 30, {rate(after_30)} to 75, {rate(after_75)} after"


def scorecard(named: list[tuple[str, Pillars]]) -> list[tuple[str, Row, list[Row]]]:
    """The three aims across alternatives (a deal and its variants): one entry per figure, ``(aim, the first
    alternative's row, every alternative's row)``, in the framework's order."""
    per_deal = [aim_rows(p) for _, p in named]
    out = []
    for aim in AIMS:
        for k, first in enumerate(per_deal[0][aim]):
            out.append((aim, first, [rows[aim][k] for rows in per_deal]))
    return out


def figures_text(figures: dict[str, str]) -> str:
    """A check's figures on one line: 'Cost recovery: 1.00×; Use: Commercial research'."""
    return "; ".join(f"{name}: {value}" for name, value in figures.items()) or "–"


def band_text(fair: FairShare, v: Valuation) -> str:
    """The fair band, the scores behind it and where the deal's NHS share sits, in two sentences."""
    band = (f"A fair NHS value share beyond cost recovery runs from {percent(fair.low)} (low) through "
            f"{percent(fair.centre)} (centre) to {percent(fair.high)} (high), for average factor scores of "
            f"{number(round(fair.nhs_score, 2))} (NHS) and {number(round(fair.partner_score, 2))} (partner): an NHS "
            f"contribution share of {percent(fair.contribution)}; the band is a share of the partner's value.")
    if fair.actual is None:
        return f"{band} The deal's value share cannot be placed on it: {v.nhs_share_note}."
    return (f"{band} This deal recovers the NHS's costs of access ({money(v.nhs_access_costs)}) and shares "
            f"{money(v.value_share_gbp)} beyond them, {percent(fair.actual)} of the partner's value: "
            f"{POSITION[fair.position]}.")


def closing_text(deal: Deal, closing: Solution) -> str:
    return (f"{inputs.label(closing.path, deal)}: from {inputs.write(closing.path, closing.current)} to "
            f"{inputs.write(closing.path, closing.value)} would bring the NHS's value share to the band's low end "
            f"({percent(closing.achieved)}), other terms unchanged.")


def footnote(a: Assessment) -> str:
    """What is the framework's and what is valueshare's own judgement [ours]."""
    r = a.rules
    return (f"[ours]: valueshare's own default, yours to change: the Pass/Warning/Fail thresholds "
            f"({ratio(r.non_commercial_recovery_warning)} and {ratio(r.non_commercial_recovery_fail)} costs for "
            f"non-commercial use, {percent(r.sme_early_burden_warning, 0)} of an SME's early cash, "
            f"{percent(r.fail_below_band_fraction, 0)} of the band's low end), the fair-share scores and band, "
            f"additionality. Unmarked: the framework's rules ({r.short_name}; DHSC 2019).")
