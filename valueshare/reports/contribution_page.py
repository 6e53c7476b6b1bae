"""The negotiation brief's page on what the NHS's contribution is worth: the three approaches and their range, the
reasons they differ, the sanity flags, the costs and every comparable with how it was scaled.

Built from a :class:`~valueshare.contribution.ContributionValue` and worded by ``valueshare.contribution.text``, so
the brief says what the app and the CLI say. User text reaches the page only through ``pdfkit.para``.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from valueshare.contribution import ContributionValue
from valueshare.contribution import text as words
from valueshare.reports.pdfkit import CONTENT_WIDTH, Keep, heading, para, table

W = CONTENT_WIDTH / 170  # widths below are in millimetres of a 170 mm text width


def contribution_page(cv: ContributionValue, *, title: str = words.TITLE) -> list[Flowable]:
    out: list[Flowable] = [heading(title), para(words.INTRO, "small")]
    out.append(table(["Approach", "Central", "Range", "Share", "How it is reached"], words.approach_rows(cv),
                     [36 * W, 20 * W, 32 * W, 16 * W, 66 * W], numeric=(1, 3)))
    out.append(para("Share: the central value as a share of the partner's value before any payment to the NHS, to "
                    "set beside the fair-share band.", "small"))
    out.append(para(f"{words.range_text(cv)} {words.ask_text(cv)}", lead="The range."))
    out += [para(reason, "indented", lead="•") for reason in cv.reasons]
    out += [para(flag.message, "warning", lead="Flag:") for flag in cv.flags]
    out.append(Keep([heading("Cost", 1), table(["Cost", "Historical", "Replacement"], words.cost_rows(cv),
                                               [110 * W, 30 * W, 30 * W], numeric=(1, 2), total=True)]))
    market: list[Flowable] = [heading("Market: comparables and how each was scaled", 1)]
    if cv.market.note:
        market.append(para(f"No market value: {cv.market.note}."))
    used = words.comparables_used(cv)
    if used:
        market.append(table(["", "Comparable", "Source", "Price", "Covers"], used,
                            [9 * W, 52 * W, 48 * W, 30 * W, 31 * W]))
        out.append(Keep(market))
        market = [table(["Data asset", "", "Records", "History", "Type", "Excl.", "Value here"], words.scaled_rows(cv),
                        [64 * W, 10 * W, 20 * W, 18 * W, 16 * W, 16 * W, 26 * W], numeric=(2, 3, 4, 5, 6)),
                  para(f"Each price × the four factors, over {cv.market.years_of_access} year(s) of access at the "
                       f"NHS rate; an asset's value is the middle (median) of its comparables, and the deal's the sum "
                       f"over its assets. [pub] published; [ours] our reading of published figures; [user] entered "
                       f"for this deal.", "small")]
    out.append(Keep(market))
    out.append(Keep([heading("Income", 1), *[para(line) for line in words.income_lines(cv)],
                     para(words.per_record_text(cv), "small")]))
    return out
