"""Record the figures of the frozen deal-file corpus: ``python tests/corpus/record.py`` rewrites figures.json.

``tests/test_formats.py`` loads every file under ``tests/corpus/format1/`` (deal files as valueshare wrote them
before deal files recorded their format: format 1), values it with today's engine and compares every figure with
``format1/figures.json``. The promise it checks: a deal file keeps its meaning, and its money, on every later
version of valueshare, whatever migrations the loader applies.

**Run this only when a figure is meant to change**, and say why in the commit: a corrected formula, a new
published rate the engine now applies to every deal, a deliberate change of method documented in docs/method.md.
Never run it to make a failing test pass after a change to the format or its loader: a migration that changes a
figure has changed the meaning of the files people already hold, and the migration is what is wrong. Never edit
the deal files either; add a new one (and record again) to cover something new.

The figures are full float precision. The Monte Carlo mean is a fixed-seed run (``TRIALS`` trials, seed
``SEED``): it changes if numpy changes the streams of its random generator, a reason to record again that the
commit must name.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "format1"
FIGURES = CORPUS / "figures.json"
TRIALS = 2_000
SEED = 1

if __name__ == "__main__" and str(HERE.parent.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent.parent))  # run as a script from anywhere: the repository's valueshare

from valueshare.compare import variants_of  # noqa: E402
from valueshare.contribution import value_contribution  # noqa: E402
from valueshare.engine.montecarlo import simulate  # noqa: E402
from valueshare.engine.valuation import Valuation, value_deal  # noqa: E402
from valueshare.framework import assess  # noqa: E402
from valueshare.model import Deal  # noqa: E402
from valueshare.negotiation.zone import zone  # noqa: E402
from valueshare.scenario import load_deal  # noqa: E402


def corpus_files() -> list[Path]:
    """Every deal file of the corpus, by name."""
    return sorted(p for p in CORPUS.iterdir() if p.suffix in (".yaml", ".json") and p.name != FIGURES.name)


def _money(v: Valuation) -> dict[str, Any]:
    return {
        "nhs_npv": v.nhs_npv,
        "partner_npv": v.partner_npv,
        "partner_irr": v.partner_irr.value,
        "nhs_share": v.nhs_share,
        "cost_recovery_ratio": v.cost_recovery_ratio,
        "partner_value_before_payments": v.partner_value_before_payments,
        "payments_to_nhs_partner_pv": v.payments_to_nhs_partner_pv,
        "nhs_receipts_undiscounted": v.nhs_receipts_undiscounted,
        "launch_probability": v.launch_probability,
        "launch_year": v.launch_year,
        "nhs_cash_flow": [float(x) for x in v.nhs_cash_flow],
        "partner_cash_flow": [float(x) for x in v.partner_cash_flow],
    }


def figures_of(deal: Deal) -> dict[str, Any]:
    """Every recorded figure of one deal: its valuation, the framework's verdicts and band, the three aims, the
    contribution's value, the negotiating positions, a fixed-seed Monte Carlo mean, and each variant's NPVs."""
    v = value_deal(deal)
    a = assess(deal, v)
    worth = value_contribution(deal, v)
    z = zone(deal, v, worth, fair=a.fair_share, openers=False)
    simulation = simulate(deal, trials=TRIALS, seed=SEED)
    patient, growth, back = a.pillars.patient, a.pillars.growth, a.pillars.nhs_return
    return {
        **_money(v),
        "principles": {c.key: c.status.name for c in a.checks},
        "fair_band": {"low": a.fair_share.low, "centre": a.fair_share.centre, "high": a.fair_share.high,
                      "contribution": a.fair_share.contribution, "position": a.fair_share.position},
        "pillars": {
            "patient": {"total_patients": patient.total_patients, "qalys_discounted": patient.qalys_discounted,
                        "qaly_value_nhs": patient.qaly_value_nhs, "qaly_value_societal": patient.qaly_value_societal,
                        "cost_offsets": patient.cost_offsets, "nhs_purchase_cost": patient.nhs_purchase_cost,
                        "net_monetary_benefit_nhs": patient.net_monetary_benefit_nhs,
                        "net_monetary_benefit_societal": patient.net_monetary_benefit_societal},
            "growth": {"fte_years": growth.fte_years, "gross_gva": growth.gross_gva,
                       "additional_gva": growth.additional_gva, "uk_investment": growth.uk_investment,
                       "uk_sales": growth.uk_sales, "uk_share": growth.nhs_share_of_sales},
            "nhs_return": {"cash_receipts": back.cash_receipts, "price_discount_savings": back.price_discount_savings,
                           "in_kind_value": back.in_kind_value, "nhs_costs": back.nhs_costs, "total": back.total},
        },
        "contribution_value": {"low": worth.low, "high": worth.high, "ask": worth.ask,
                               **{f"{x.key}_central": x.central for x in worth.approaches}},
        "negotiation": {"partner_value": z.partner_value, "nhs_walk_away": z.nhs_walk_away.value,
                        "nhs_target": z.nhs_target.value, "partner_walk_away": z.partner_walk_away.value,
                        "zone_exists": z.exists},
        "monte_carlo": {"trials": TRIALS, "seed": SEED, "nhs_npv_mean": float(simulation.nhs_npv.mean()),
                        "partner_npv_mean": float(simulation.partner_npv.mean())},
        "variants": {name: {"nhs_npv": value_deal(d).nhs_npv, "partner_npv": value_deal(d).partner_npv}
                     for name, d in variants_of(deal)[1:]},
    }


def record() -> dict[str, Any]:
    """The figures of every corpus file, by file name."""
    return {path.name: figures_of(load_deal(path)) for path in corpus_files()}


def main() -> int:
    FIGURES.write_text(json.dumps(record(), indent=1, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {FIGURES}: {len(corpus_files())} deal files. Say in the commit why the figures were meant to change.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
