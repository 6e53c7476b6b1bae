"""A few plain lines to paste into an e-mail: the deal, its terms and (for the NHS team) the headline figures.

The terms are the term sheet's own (``valueshare.contract``), so the e-mail promises what the term sheet says. The
figures are the NHS side's valuation: ``for_partner=True`` leaves them out, and then nothing of the NHS's costs,
judgement or the partner's projections is in the text (the same rule as the term sheet's).

>>> from valueshare import load_deal, value_deal
>>> from valueshare.scenario import example_paths
>>> deal = load_deal(next(p for p in example_paths() if p.name == "ics-linked-record.yaml"))
>>> print(summary_text(deal, value_deal(deal), for_partner=True))  # doctest: +ELLIPSIS
ICS linked record - consortium and data environment
Example Integrated Care System data consortium (NHS) and Example Real-World Evidence Ltd; commercial research, ...
Terms proposed:
- Secure data environment charges. The Partner shall pay the secure data environment's charges: a set-up charge ...
- Subscription. The Partner shall pay the NHS a subscription of £60,000 a year in its first year, for 5 years.
"""

from __future__ import annotations

from valueshare.contract import SIGNATURE, SWITCH, clause
from valueshare.engine.valuation import Valuation
from valueshare.figures import select
from valueshare.model import ConsentToCommercialise, Deal
from valueshare.wording import term_title

#: The headline figures of the NHS team's summary, in order (``valueshare.figures``).
FIGURES = ("nhs_npv", "partner_npv", "partner_irr", "cost_recovery", "nhs_share", "launch_probability")


def _lines(deal: Deal) -> list[str]:
    out = []
    for term in deal.terms:
        out.append(f"- {term_title(term)}. {clause(term, SIGNATURE).text}")
        if isinstance(term, ConsentToCommercialise):
            out += [f"  - {term_title(t)}. {clause(t, SWITCH).text}" for t in term.terms]
    return out or ["- No payments: the Partner pays nothing for access."]


def summary_text(deal: Deal, valuation: Valuation, *, for_partner: bool = False) -> str:
    """The summary, one line per item; ``for_partner`` leaves out the NHS side's figures."""
    lines = [deal.name,
             f"{deal.nhs.name} (NHS) and {deal.partner.name}; {deal.use.label.lower()}, through "
             f"{deal.access_route.label[:1].lower() + deal.access_route.label[1:]}.",
             "Terms proposed:", *_lines(deal)]
    if not for_partner:
        figures = "; ".join(f"{f.label} {f.text(valuation)}" for f in select(*FIGURES))
        lines += [f"Headline figures (NHS valuation, risk-adjusted; internal, not for the partner): {figures}."]
    return "\n".join(lines)
