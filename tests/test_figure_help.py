"""Each headline figure's help says what it holds, at what rate and over which years (valueshare.figures, the one
source every surface reads: the Valuation page's help marks, the CLI, the documents)."""

from __future__ import annotations

from valueshare.figures import FIGURES


def test_the_nhs_npvs_help_names_what_it_holds_and_leaves_out_and_over_which_years():
    words = FIGURES["nhs_npv"].help
    for part in ("NHS rate", "signature (year 0)", "end of the horizon", "Horizon, 20 years", "weighted by its "
                 "chance", "pays in cash or in kind", "grants", "discounts and rebates", "costs of giving access",
                 "spend on the product", "savings are shown apart, never in it"):
        assert part in words, part


def test_every_present_value_among_the_headlines_says_its_rate_and_its_years():
    for figure in FIGURES.values():
        if not figure.help.startswith("Present value"):
            continue
        assert "NHS rate" in figure.help or "partner's" in figure.help, figure.key
    for key in ("nhs_npv", "partner_npv", "nhs_receipts", "partner_value_before_payments"):
        assert "horizon" in FIGURES[key].help, key
        assert "weighted by its chance" in FIGURES[key].help or "risk-adjusted" in FIGURES[key].help, key
