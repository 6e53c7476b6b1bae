"""The negotiation brief's playbook pages: the ask and the opening, the walk-away and what moves it, the concessions
ladder, the red lines, the partner's objections and the answers, the fallback and the sign-off.

Built from a :class:`~valueshare.negotiation.playbook.Playbook`; user text reaches the page only through
``pdfkit.para`` and ``pdfkit.table``.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from valueshare.format import money, money_range, percent
from valueshare.negotiation.playbook import Playbook
from valueshare.reports.pdfkit import CONTENT_WIDTH, Keep, heading, para, table

W = CONTENT_WIDTH / 170
LADDER_COLUMNS = ("Step", "The NHS gives", "The NHS gets", "Value to the NHS", "NHS NPV", "Partner NPV")


def share_text(share: float | None) -> str:
    return f", {percent(share)} of the partner's value" if share is not None else ""


def ask_line(pb: Playbook) -> str:
    """The one ask in a sentence: the figure the brief names 'the ask' everywhere."""
    return f"{money(pb.ask.value)}{share_text(pb.ask.share)} ({pb.ask.basis})."


def ladder_rows(pb: Playbook) -> list[list[str]]:
    """The opening, then one row per step: the move, what the NHS gives and gets, and the deal after it."""
    rows = []
    if pb.opening.rung is not None:
        o = pb.opening.rung
        rows.append(["Opening", o.structure.text(), "", f"{money(o.value)}{_share(o.share)}",
                     money(o.valuation.nhs_npv), money(o.valuation.partner_npv)])
    for s in pb.steps:
        change = "same value" if abs(s.change) < 1.0 else f"{money(s.change)} on the step"
        rows.append([f"{s.number}. {s.move}", s.gives, s.gets,
                     f"{money(s.rung.value)}{_share(s.rung.share)}; {change}",
                     money(s.rung.valuation.nhs_npv), money(s.rung.valuation.partner_npv)])
    return rows


def _share(share: float | None) -> str:
    return f" ({percent(share)})" if share is not None else ""


def playbook_sections(pb: Playbook, *, first: int) -> tuple[list[Flowable], int]:
    """The playbook sections numbered from ``first``; returns the flowables and the next section number."""
    number = iter(range(first, first + 10))
    out: list[Flowable] = []
    # the ask and the opening
    block: list[Flowable] = [heading(f"{next(number)}. The ask and the opening"),
                             para(ask_line(pb), lead="The ask."), para(pb.ask.relation, "small")]
    if pb.opening.rung is not None:
        o = pb.opening.rung
        block.append(para(f"{money(pb.opening.value)}{share_text(pb.opening.share)}: {o.structure.text()}, with "
                          f"the deal's cost-recovery fees as drafted. Why: {pb.opening.why}. At the opening the "
                          f"NHS's NPV is {money(o.valuation.nhs_npv)} at its own rate and the partner's "
                          f"{money(o.valuation.partner_npv)}.", lead="The opening."))
    else:
        block.append(para(pb.opening.why, lead="The opening."))
    if not pb.commercial:
        block.append(para(pb.why_not, "notice", lead="What does not apply."))
    out.append(Keep(block))
    # the walk-away
    walk = pb.walk_away
    block = [heading(f"{next(number)}. The walk-away, and what would move it"),
             para(f"{money(walk.value)}{share_text(walk.share)} ({walk.basis}). Below it, no deal is better.",
                  lead="The NHS walks away below"), para(pb.partner_walk_away, "small")]
    if walk.note:
        block.append(para(walk.note, "small"))
    if walk.movers:
        block.append(para("Each input on its own at its low and high value, the rest as drafted, with the NHS's "
                          "costs of access 20% either way [ours]; each walk-away is a full revaluation:", "small"))
        block.append(table(["Input", "Low to high", "Walk-away"],
                           [[m.label, f"{m.low_text} to {m.high_text}",
                             money_range(m.walk_low, m.walk_high)] for m in walk.movers],
                           [80 * W, 45 * W, 45 * W], numeric=(1, 2)))
    elif pb.commercial:
        block.append(para("No input among the main sensitivities moves it.", "small"))
    out.append(Keep(block))
    # the ladder
    block = [heading(f"{next(number)}. The concessions ladder")]
    rows = ladder_rows(pb)
    if pb.steps:
        block += [para(pb.ladder_note, "small"),
                  table(list(LADDER_COLUMNS), rows, [34 * W, 42 * W, 32 * W, 24 * W, 19 * W, 19 * W],
                        numeric=(3, 4, 5)),
                  para("Value to the NHS: present value at the partner's rate (share of its value); NHS NPV at the "
                       "NHS's own rate, after its costs of access; partner NPV at its rate, after tax and every "
                       "payment to the NHS.", "small")]
    else:
        block.append(para(pb.ladder_note, "small"))
    out.append(Keep(block))
    # red lines
    block = [heading(f"{next(number)}. Red lines: not traded for money")]
    for line in pb.red_lines:
        flag = " The draft crosses it." if line.breached else ""
        block.append(para(f"{line.text}{flag} ({line.source})", "indented", lead=f"{line.title}."))
    out.append(Keep(block))
    # objections
    block = [heading(f"{next(number)}. The partner's likely objections, and the answers")]
    block.append(table(["They say", "The answer, from its own figures"],
                       [[f"“{o.objection}”", o.answer] for o in pb.objections], [50 * W, 120 * W]))
    out.append(Keep(block))
    # fallback and sign-off
    block = [heading(f"{next(number)}. If there is no deal")]
    block += [para(text, "indented", lead="•") for text in pb.fallback]
    out.append(Keep(block))
    s = pb.sign_off
    block = [heading(f"{next(number)}. Sign-off"), para(s.rule, "small"),
             table(["Approver", "Why", "Name", "Signature", "Date"],
                   [[a.role, a.why, "", "", ""] for a in s.approvers],
                   [42 * W, 62 * W, 24 * W, 24 * W, 18 * W])]
    out.append(Keep(block))
    return out, next(number)
