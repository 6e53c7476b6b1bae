"""The negotiation brief: an internal PDF for the side that made it, never for the partner.

It opens with a one-page summary (the one ask, the opening, both walk-aways and the zone, the headline figures, the
framework check in a line, the contribution's value, the internal notes), then the playbook (the ask and the
opening, the walk-away and what moves it, the concessions ladder, the red lines, the partner's objections and the
answers, the fallback, the sign-off: ``valueshare.negotiation.playbook``), then the detail (the zone, what one term
would have to be, equivalent offers, the main sensitivities), what the NHS's contribution is worth, and how the
deal meets the Value Sharing Framework. Sections flow on from one page to the next (only the summary has a page to
itself), so no page is left mostly blank. Every page is marked internal. Figures come from the
same engine results as the app and the CLI, with the same labels (``valueshare.figures``), and are written by the
same wording modules; user text reaches the page only through ``pdfkit.para``.
"""

from __future__ import annotations

import datetime

from reportlab.platypus import Flowable, PageBreak

from valueshare.contribution import text as worth_words
from valueshare.engine.valuation import Valuation
from valueshare.figures import nhs_money, select
from valueshare.format import money, percent, ratio
from valueshare.framework import Assessment
from valueshare.framework import text as framework_words
from valueshare.model import Deal
from valueshare.negotiation import Negotiation, negotiate
from valueshare.negotiation import text as words
from valueshare.negotiation.playbook import Playbook, playbook
from valueshare.provenance import Provenance
from valueshare.reports.brief_playbook import ask_line, playbook_sections
from valueshare.reports.contribution_page import contribution_page
from valueshare.reports.framework_page import TITLE as FRAMEWORK_TITLE
from valueshare.reports.framework_page import framework_page
from valueshare.reports.negotiation_page import negotiation_sections
from valueshare.reports.pdfkit import CONTENT_WIDTH, MARKING, heading, para, render, table

KIND = "Negotiation brief"
INTERNAL_MARKING = f"{MARKING} · INTERNAL: NOT FOR THE PARTNER"
W = CONTENT_WIDTH / 170


def brief_pdf(deal: Deal, valuation: Valuation, *, issued: datetime.date | None = None,
              negotiation: Negotiation | None = None) -> bytes:
    """The negotiation brief as PDF bytes; the same inputs and date always give the same bytes. ``negotiation``
    is the deal's negotiation picture (default: made here with ``negotiate(deal)``)."""
    day = issued or datetime.date.today()
    n = negotiation if negotiation is not None else negotiate(deal)
    made = Provenance.of(deal)  # the brief is internal: the digest is of the whole deal
    return render(lambda: [*_story(deal, valuation, n), para(made.about(), "small", lead="About this document.")],
                  title=deal.name, kind=KIND, issued=day, marking=INTERNAL_MARKING, provenance=made.footer())


def _story(deal: Deal, v: Valuation, n: Negotiation) -> list[Flowable]:
    pb = playbook(n)
    plays, after = playbook_sections(pb, first=2)
    sections, after = negotiation_sections(n, first=after, rows=position_rows(n, pb))
    differs = n.worth.ask is not None and abs(n.worth.ask - pb.ask.value) >= 0.5
    return [*_opening(deal), *_summary(deal, v, n, pb), PageBreak(), *plays, *sections,
            *contribution_page(n.worth, title=f"{after}. {worth_words.TITLE}",
                               ask=f"This is not the brief's ask: {pb.ask.relation}" if differs else None),
            *framework_page(deal, v, n.assessment, title=f"{after + 1}. {FRAMEWORK_TITLE}"), *_who_shares(deal, v)]


def position_rows(n: Negotiation, pb: Playbook) -> list[list[str]]:
    """[position, value to the NHS, share, how it was set]: the ask (the NHS's target), the opening, the NHS's
    walk-away, the deal as drafted and the partner's walk-away; a partner's walk-away above 100% of its value says
    why rather than print a share of more than all of it."""
    z = n.zone
    rows = [["The ask (NHS target)", money(pb.ask.value), words.share_text(pb.ask.share), pb.ask.basis],
            ["Opening", money(pb.opening.value), words.share_text(pb.opening.share), pb.opening.basis],
            *[row for row in words.position_rows(z) if row[0] != z.nhs_target.name]]
    partner = z.partner_walk_away
    if partner.applies and partner.share is not None and partner.share > 1.0:
        rows[-1] = [partner.name, money(partner.value), "above 100%", pb.partner_walk_away.removeprefix(
            "Partner walk-away: ")]
    return rows


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


#: The headline figures (``valueshare.figures``) the summary page shows, in order.
SUMMARY_FIGURES = ("nhs_npv", "partner_npv", "partner_irr", "cost_recovery", "nhs_share", "nhs_access_costs",
                   "value_share_gbp", "value_share", "contribution_value")


def _bases(deal: Deal, a: Assessment) -> dict[str, str]:
    """What each figure on the summary page is based on; a figure's own note, when it has one, comes first."""
    rates = deal.assumptions
    fair = a.fair_share
    return {
        "nhs_npv": f"at {percent(rates.nhs_discount_rate)}, risk-adjusted",
        "partner_npv": f"at its {percent(rates.partner_discount_rate)} rate, after every payment to the NHS",
        "cost_recovery": "fees ÷ the NHS's costs of access",
        "nhs_share": "everything the partner gives the NHS ÷ its value before payments: costs recovered and the "
                     "value share beyond them",
        "nhs_access_costs": "recovered first (principle 2)",
        "value_share_gbp": "the value to the NHS less its costs of access",
        "value_share": f"fair band {percent(fair.low)} to {percent(fair.high)}: "
                       f"{framework_words.POSITION[fair.position]}",
        "contribution_value": "the cost, market and income approaches reconciled with weights; range for "
                              "negotiation in brackets",
    }


#: The basis of each of the NHS party's money figures on the summary page, in a few words.
MONEY_BASES = {"nhs_receipts": "paid by the partner (and other users), not rebates",
               "nhs_grants": "third-party funding towards the NHS's costs",
               "nhs_price_terms": "on its own purchases: less spend, not income",
               "nhs_product_spend": "not in the NHS NPV",
               "nhs_savings": "not in the NHS NPV",
               "nhs_npv_with_product": "NHS NPV + savings − list-price spend",
               "other_nhs_bodies": "theirs, not credited to this NHS party"}


def checks_line(a: Assessment) -> str:
    """The framework check in one line: what does not pass, by title, and how many pass (section 5 has each)."""
    by_status: dict[str, list[str]] = {}
    for check in a.checks:
        by_status.setdefault(check.status.label, []).append(check.title)
    parts = [f"{status}: {'; '.join(titles)}" for status, titles in by_status.items()
             if status not in ("Pass", "Not applicable")]
    passed = len(by_status.get("Pass", []))
    parts.append(f"{passed} of {len(a.checks)} checks pass" + (
        f", {len(by_status['Not applicable'])} do not apply" if "Not applicable" in by_status else ""))
    return ". ".join(parts) + "."


def _who_shares(deal: Deal, v: Valuation) -> list[Flowable]:
    """Where the NHS party's money comes from and goes, and the consortium's members and the platform's users, when
    the deal has them (issue 16)."""
    out: list[Flowable] = []
    money_figures = nhs_money(v)
    if len(money_figures) > 1 or v.members_note or v.members or v.users or deal.funding or deal.contribution.curation:
        out.append(heading("The NHS party's money, and who shares it"))
    if len(money_figures) > 1:  # more than the partner's payments: its sources apart (none of the last is in the NPV)
        out.append(table(["Measure", "Figure", "Basis"],
                         [[f.label, f.text(v), MONEY_BASES.get(f.key, "")] for f in money_figures],
                         [55 * W, 30 * W, 85 * W], numeric=(1,)))
    for grant in deal.funding:
        out.append(para(f"{grant.funder} ({grant.kind.label}) gives {money(grant.amount_gbp, exact=True)} a year "
                        f"{grant.towards.label[0].lower()}{grant.towards.label[1:]}, in years {grant.start_year} to "
                        f"{grant.start_year + grant.years - 1}."
                        + (f" Conditions: {grant.conditions}" if grant.conditions else ""), lead="Funding."))
    curation = deal.contribution.curation
    if curation is not None:
        what = f"{curation.description}: " if curation.description else ""
        out.append(para(f"{what}{money(curation.already_spent_gbp, exact=True)} already spent and "
                        f"{money(curation.yearly_gbp, exact=True)} a year for {curation.years} years from year "
                        f"{curation.start_year}, shared by the {curation.expected_users} users it is expected to "
                        f"serve; this deal's {1 + len(deal.platform_users)} of them bear "
                        f"{1 + len(deal.platform_users)}/{curation.expected_users} of it.",
                        lead="Shared curation."))
    if v.members_note:
        out.append(para(v.members_note[0].upper() + v.members_note[1:] + ".", lead="Consortium."))
    elif v.members:
        out.append(table(["Member", "Share", "Receipts", "Costs borne", "NPV", "Cost recovery"],
                         [[m.name if m.is_nhs else f"{m.name} (not NHS)", percent(m.share), money(m.receipts),
                           money(m.shared_costs + m.own_costs), money(m.npv),
                           "n/a" if m.cost_recovery is None else ratio(m.cost_recovery)] for m in v.members],
                         [50 * W, 18 * W, 26 * W, 26 * W, 26 * W, 24 * W], numeric=(1, 2, 3, 4, 5)))
    if v.users:
        out.append(table(["Platform user", "Pays", "Of which fees", "Cost share", "Cost recovery"],
                         [[u.name, money(u.receipts), money(u.fees), money(u.cost_share),
                           "n/a" if u.cost_recovery is None else ratio(u.cost_recovery)] for u in v.users],
                         [60 * W, 28 * W, 28 * W, 28 * W, 26 * W], numeric=(1, 2, 3, 4)))
    return out


def _summary(deal: Deal, v: Valuation, n: Negotiation, pb: Playbook) -> list[Flowable]:
    a, cv, z = n.assessment, n.worth, n.zone
    out: list[Flowable] = [heading("1. Summary"), para(ask_line(pb), lead="The ask.")]
    if pb.commercial and pb.opening.rung is not None:
        out.append(para(f"Open at {money(pb.opening.value)} ({pb.opening.rung.structure.text()}); concede in "
                        f"{len(pb.steps)} priced steps (section 4), to the walk-away at "
                        f"{money(pb.walk_away.value)} at most.", lead="The opening."))
    else:
        out.append(para(pb.why_not, lead="No value share to negotiate."))
    out += [table(["Position", "Value to the NHS", "Share", "How it was set"], position_rows(n, pb),
                  [32 * W, 26 * W, 16 * W, 96 * W], numeric=(1, 2)),
            para(z.verdict, lead="The zone.")]
    bases = _bases(deal, a)
    # a figure with no answer gives only why (its basis would describe a figure that is not there)
    rows = [[figure.label, figure.text(result), figure.note(result) if figure.value(result) is None else
             "; ".join(filter(None, [figure.note(result), bases.get(figure.key)]))]
            for figure in select(*SUMMARY_FIGURES) for result in [figure.of(v, cv)]]
    out.append(table(["Measure (the deal as drafted)", "Figure", "Basis"], rows, [55 * W, 30 * W, 85 * W],
                     numeric=(1,)))
    out.append(para(checks_line(a), lead="Framework check."))
    out += [para(flag, "warning", lead="Patient-first flag:") for flag in a.patient_first]
    if deal.negotiation.notes:
        out.append(para(deal.negotiation.notes, "notice", lead="Internal notes."))
    return out
