"""The negotiation brief's page on what the NHS's contribution is worth: the concluded value and its range for
negotiation first, then the three approaches with their weights and the reason for each, the reasons they differ,
the sanity flags (a wide spread among them), the costs and every comparable with its kind and how it was scaled.

Built from a :class:`~valueshare.contribution.ContributionValue` and worded by ``valueshare.contribution.text``, so
the brief says what the app and the CLI say. User text reaches the page only through ``pdfkit.para``.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from valueshare.contribution import ContributionValue
from valueshare.contribution import text as words
from valueshare.reports.pdfkit import CONTENT_WIDTH, Keep, heading, para, table

W = CONTENT_WIDTH / 170  # widths below are in millimetres of a 170 mm text width


def contribution_page(cv: ContributionValue, *, title: str = words.TITLE, ask: str | None = None) -> list[Flowable]:
    """The contribution's value, approach by approach; ``ask``, when given, says how the brief's one ask relates to
    the anchor's figure in place of the anchor's own ask (the brief names one ask)."""
    out: list[Flowable] = [heading(title), para(words.INTRO, "small")]
    out.append(para(words.concluded_text(cv), lead="Concluded value."))
    out.append(table(["Approach", "Weight", "Central", "Range", "Share", "How it is reached"], words.approach_rows(cv),
                     [34 * W, 14 * W, 18 * W, 30 * W, 14 * W, 60 * W], numeric=(1, 2, 4)))
    out.append(para("Share: the central value as a share of the partner's value before any payment to the NHS, to "
                    "set beside the fair-share band. Weight: the approach's weight in the concluded value.", "small"))
    out.append(Keep([heading("Why each weight", 1),
                     table(["Approach", "Central", "Weight", "Why"], words.weight_rows(cv),
                           [34 * W, 20 * W, 14 * W, 102 * W], numeric=(1, 2))]))
    out += [para(line, "small") for line in words.reconciliation_lines(cv)]
    out.append(para(f"{words.range_text(cv)} {ask if ask is not None else words.ask_text(cv)}",
                    lead="The approaches and the ask."))
    out += [para(reason, "indented", lead="•") for reason in cv.reasons]
    out += [para(flag.message, "warning", lead="Flag:") for flag in cv.flags]
    out.append(Keep([heading("Cost", 1), table(["Cost", "Historical", "Replacement"], words.cost_rows(cv),
                                               [110 * W, 30 * W, 30 * W], numeric=(1, 2), total=True)]))
    market: list[Flowable] = [heading("Market: comparables and how each was scaled", 1)]
    if cv.market.note:
        market.append(para(f"No market value: {cv.market.note}."))
    market += [para(line, "small") for line in words.market_lines(cv)]
    used = words.comparables_used(cv)
    if used:
        market.append(table(["", "Comparable", "Kind", "Source", "Price", "Covers"], used,
                            [9 * W, 40 * W, 26 * W, 38 * W, 28 * W, 29 * W]))
        out.append(Keep(market))
        market = [table(["Data asset", "", "Records", "History", "Type", "Excl.", "Value here"], words.scaled_rows(cv),
                        [64 * W, 10 * W, 20 * W, 18 * W, 16 * W, 16 * W, 26 * W], numeric=(2, 3, 4, 5, 6)),
                  para(f"Each price × the four factors, over {cv.market.years_of_access} year(s) of access at the "
                       f"NHS rate (a price per record or per patient-year × the asset's volume, at signature); an "
                       f"asset's value is the middle (median) of its comparables, and the deal's the sum over its "
                       f"assets. [pub] published; [ours] our reading of published figures; [user] entered for this "
                       f"deal.", "small")]
    out.append(Keep(market))
    out.append(Keep([heading("Income", 1), *[para(line) for line in words.income_lines(cv)],
                     para(words.per_record_text(cv), "small")]))
    return out
