"""The term sheet goes to the partner: it must never show the NHS's walk-away, its target, its internal notes, the
partner walk-away it assumes, or any figure derived only from them, however they were typed.

Two proofs for every example: the term sheet of a deal with negotiating positions is byte for byte the term sheet
of the same deal without them (so nothing of them can be in it), and its text holds none of the figures in any of
the ways a user might write them (and the brief, which is internal, does).
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from valueshare import load_deal, value_deal
from valueshare.format import money, percent
from valueshare.negotiation import negotiate
from valueshare.reports.brief import brief_pdf
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.scenario import deal_from_data, deal_to_data, example_paths

ISSUED = datetime.date(2026, 11, 23)
WALK_AWAY = 123_457.0
TARGET_SHARE = 0.2789
MIN_IRR = 0.1789
NOTES = "Private <b>ZQX-7</b>: we would settle at 12 & walk at R&D </para>"


def text(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def ways_to_write(amount: float) -> list[str]:
    """An amount as people write it: £123,457, 123457, 123,457, £123.5k, 123.5k, £0.12m. Amounts under £1,000 (a
    target of £0 when the partner's value is not positive) are everywhere in a term sheet and tell nothing."""
    if abs(amount) < 1000:
        return []
    whole = round(amount)
    return [money(amount), money(amount, exact=True), f"{whole}", f"{whole:,}", f"{amount / 1000:.1f}k",
            f"£{amount / 1e6:.2f}m" if amount >= 1e5 else f"£{amount / 1000:.0f}k"]


def ways_to_write_share(share: float) -> list[str]:
    return [percent(share, 2), percent(share, 1), f"{share:g}", f"{share * 100:g}%"]


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_the_term_sheet_never_shows_the_negotiating_positions(path):
    plain = load_deal(path)
    data = deal_to_data(plain)
    data["negotiation"] = {"nhs_walk_away_gbp": WALK_AWAY, "nhs_target_share": TARGET_SHARE,
                           "partner_min_irr": MIN_IRR, "notes": NOTES}
    private = deal_from_data(data)
    sheet = term_sheet_pdf(private, value_deal(private), issued=ISSUED)
    # 1. Nothing of the positions reaches the term sheet: it is the very same document without them.
    assert sheet == term_sheet_pdf(plain, value_deal(plain), issued=ISSUED)
    # 2. And its text holds none of them, nor anything worked out only from them.
    n = negotiate(private, trials=500)
    secrets = [*ways_to_write(WALK_AWAY), *ways_to_write(n.zone.nhs_target.value), *ways_to_write_share(TARGET_SHARE),
               *ways_to_write_share(MIN_IRR), *ways_to_write(n.zone.partner_walk_away.value), "ZQX-7",
               "we would settle", NOTES]
    # The gap to a target of £0 (no partner value to take a share of) is the offer itself, a public figure.
    if abs(n.zone.nhs_target.value) >= 1000:
        secrets += ways_to_write(n.zone.nhs_target.value - n.zone.offer.value)
    # An offer the deal's own fees already make ("the cost-recovery fees alone reach the target") is the deal as
    # drafted: its NHS NPV is the deal's, which the term sheet shows.
    nhs_npv = value_deal(plain).nhs_npv
    secrets += [money(o.nhs_npv) for o in n.offers
                if o.deal is not None and o.key != "upfront" and abs(o.nhs_npv - nhs_npv) > 0.5]
    shown = text(sheet)
    leaked = [s for s in secrets if s and s in shown]
    assert not leaked, leaked
    # The brief is where they belong: it prints them, the notes exactly as typed.
    brief = text(brief_pdf(private, value_deal(private), issued=ISSUED, negotiation=n))
    assert money(WALK_AWAY) in brief and percent(TARGET_SHARE) in brief and NOTES in brief
