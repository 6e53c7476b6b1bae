"""Small hand-built deals for tests, so every expected figure can be worked out on paper."""

from __future__ import annotations

from typing import Any

from valueshare import Deal, deal_from_data


def base_data(**changes: Any) -> dict[str, Any]:
    """A five-year deal with two stages and flat sales, described in test_engine_golden's module docstring."""
    data: dict[str, Any] = {
        "name": "Test deal",
        "nhs": {"name": "Test Trust", "kind": "trust"},
        "partner": {"name": "Test Partner", "kind": "sme"},
        "use": "commercial_product_development",
        "route_to_market": {
            "stages": [
                {"name": "A", "duration_years": 1, "partner_cost_gbp": 100, "probability_of_success": 0.5},
                {"name": "B", "duration_years": 1, "partner_cost_gbp": 200, "probability_of_success": 0.8},
            ],
            "sales": {"volume_per_year": 1000, "price_gbp": 10, "peak_uptake": 0.5, "years_to_peak": 0,
                      "uk_share": 0.5, "operating_margin": 0.3, "end_year": 5},
        },
        "terms": [],
        "assumptions": {"horizon_years": 5, "nhs_discount_rate": 0.035, "partner_discount_rate": 0.10},
    }
    data.update(changes)
    return data


def deal(**changes: Any) -> Deal:
    return deal_from_data(base_data(**changes))
