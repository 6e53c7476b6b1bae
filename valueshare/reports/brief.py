"""The negotiation brief: an internal PDF for the side that made it, never for the partner.

It opens with a one-page summary (headline figures, the framework check, the contribution's value and the NHS's
ask), then sets out what the NHS's contribution is worth and how the deal meets the Value Sharing Framework. Every
page is marked internal. Figures come from the same engine results as the app and the CLI, and are written by the
same wording modules; user text reaches the page only through ``pdfkit.para``.
"""

from __future__ import annotations

import datetime

from reportlab.platypus import Flowable, PageBreak

from valueshare.contribution import ContributionValue, value_contribution
from valueshare.contribution import text as worth_words
from valueshare.engine.valuation import Valuation
from valueshare.format import money, percent, ratio
from valueshare.framework import Assessment, assess
from valueshare.framework import text as framework_words
from valueshare.model import Deal
from valueshare.reports.contribution_page import contribution_page
from valueshare.reports.framework_page import TITLE as FRAMEWORK_TITLE
from valueshare.reports.framework_page import framework_page
from valueshare.reports.pdfkit import CONTENT_WIDTH, MARKING, Keep, heading, para, render, table

KIND = "Negotiation brief"
INTERNAL_MARKING = f"{MARKING} · INTERNAL: NOT FOR THE PARTNER"
W = CONTENT_WIDTH / 170


def brief_pdf(deal: Deal, valuation: Valuation, *, issued: datetime.date | None = None,
              assessment: Assessment | None = None, worth: ContributionValue | None = None) -> bytes:
    """The negotiation brief as PDF bytes; the same inputs and date always give the same bytes."""
    day = issued or datetime.date.today()
    a = assessment if assessment is not None else assess(deal, valuation)
    cv = worth if worth is not None else value_contribution(deal, valuation)
    return render(lambda: _story(deal, valuation, a, cv), title=deal.name, kind=KIND, issued=day,
                  marking=INTERNAL_MARKING)


def _story(deal: Deal, v: Valuation, a: Assessment, cv: ContributionValue) -> list[Flowable]:
    return [*_opening(deal), *_summary(deal, v, a, cv), PageBreak(),
            *contribution_page(cv, title=f"2. {worth_words.TITLE}"), PageBreak(),
            *framework_page(deal, v, a, title=f"3. {FRAMEWORK_TITLE}")]


def _opening(deal: Deal) -> list[Flowable]:
    out: list[Flowable] = [para(deal.name, "title"),
                           para(f"{KIND} for {deal.nhs.name}: internal, not for {deal.partner.name}", "subtitle"),
                           para("This brief holds the NHS's own judgements of the deal: what its contribution is "
                                "worth and what it should ask for. Do not send it to the partner: the term sheet is "
                                "the document to share.", "warning", lead="Internal.")]
    if deal.illustrative:
        out.append(para("The figures are made up for illustration; they are not the terms of a real deal.",
                        "notice", lead="Illustrative figures."))
    return out


def _summary(deal: Deal, v: Valuation, a: Assessment, cv: ContributionValue) -> list[Flowable]:
    fair = a.fair_share
    share = percent(v.nhs_share) if v.nhs_share is not None else "n/a"
    irr = v.partner_irr
    rows = [
        ["NHS net present value", money(v.nhs_npv), f"at {percent(deal.assumptions.nhs_discount_rate)}, "
                                                    "risk-adjusted"],
        ["Partner net present value", money(v.partner_npv),
         f"at its {percent(deal.assumptions.partner_discount_rate)} hurdle rate, after every payment to the NHS"],
        ["Partner internal rate of return", irr.text() if irr.value is not None else "n/a", irr.reason],
        ["Cost recovery", ratio(v.cost_recovery_ratio), v.cost_recovery_note or "fees ÷ the NHS's costs of access"],
        ["NHS share of the partner's value", share,
         f"fair band {percent(fair.low)} to {percent(fair.high)}: {framework_words.POSITION[fair.position]}"],
        ["Value of the NHS's contribution", worth_words.span(cv.low, cv.high), "cost, market and income approaches"],
        ["The NHS's ask", money(cv.ask) if cv.ask is not None else "n/a", f"anchored on {cv.anchor.label.lower()}"],
    ]
    out: list[Flowable] = [heading("1. Summary"),
                           table(["Measure", "Figure", "Basis"], rows, [55 * W, 30 * W, 85 * W], numeric=(1,))]
    checks = [[c.title, c.status.label, c.reason] for c in a.checks]
    out.append(Keep([heading("The framework check", 1),
                     table(["Principle", "Status", "Why"], checks, [55 * W, 22 * W, 93 * W])]))
    out += [para(flag, "warning", lead="Patient-first flag:") for flag in a.patient_first]
    out.append(para(f"{worth_words.range_text(cv)} {worth_words.ask_text(cv)}", lead="Contribution value."))
    if cv.flags:
        out.append(para(f"{len(cv.flags)} flag(s) on the contribution's value: see section 2.", "small"))
    if a.closing is not None:
        out.append(para(framework_words.closing_text(deal, a.closing), lead="To reach the fair band:"))
    return out
