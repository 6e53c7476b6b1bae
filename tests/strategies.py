"""Hypothesis strategies for valid deals and terms (kept apart from the tests, as numpy-financial does)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

money = st.floats(min_value=0, max_value=5e7, allow_nan=False, allow_infinity=False)
fraction = st.floats(min_value=0, max_value=1, allow_nan=False)
probability = st.floats(min_value=0.01, max_value=1, allow_nan=False)
duration = st.floats(min_value=0.25, max_value=4, allow_nan=False)


@st.composite
def stages(draw) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=0, max_value=4))
    return [{"name": f"S{i}", "duration_years": draw(duration), "partner_cost_gbp": draw(money),
             "probability_of_success": draw(probability)} for i in range(count)]


@st.composite
def sales(draw) -> dict[str, Any]:
    return {"volume_per_year": draw(st.floats(0, 1e6)), "price_gbp": draw(st.floats(0, 1e4)),
            "peak_uptake": draw(fraction), "years_to_peak": draw(st.floats(0, 6)), "uk_share": draw(fraction),
            "operating_margin": draw(fraction), "end_year": draw(st.integers(0, 30))}


@st.composite
def tiers(draw) -> list[dict[str, Any]]:
    starts = sorted(set(draw(st.lists(st.floats(1, 1e8), max_size=3))))
    rates = draw(st.lists(st.floats(0, 0.2), min_size=len(starts) + 1, max_size=len(starts) + 1))
    return [{"from_gbp": f, "rate": r} for f, r in zip([0.0, *starts], rates, strict=False)]


def term(stage_names: list[str]):
    """Any mechanism that fits a deal with these stages and with sales."""
    year = st.integers(0, 20)
    options = [
        st.builds(lambda a, s: {"kind": "access_fee", "amount_gbp": a, "start_year": s}, money, year),
        st.builds(lambda a, s, n, e: {"kind": "subscription", "amount_gbp_per_year": a, "start_year": s, "years": n,
                                      "escalation_rate": e}, money, year, st.integers(1, 10), st.floats(-0.5, 0.5)),
        st.builds(lambda t, y, c: {"kind": "royalty", "tiers": t, "term_years": y, "cap_gbp": c}, tiers(),
                  st.none() | duration, st.none() | money),
        st.builds(lambda r: {"kind": "revenue_share", "rate": r}, st.floats(0, 0.3)),
        st.builds(lambda s, v, y, p: {"kind": "equity", "stake": s, "exit_value_gbp": v, "exit_year": y,
                                      "exit_probability": p}, fraction, money, year, fraction),
        st.builds(lambda d: {"kind": "nhs_price_discount", "price_discount": d}, st.floats(0, 0.4)),
        st.builds(lambda v, s, n: {"kind": "in_kind_benefit", "description": "x", "value_gbp_per_year": v,
                                   "start_year": s, "years": n}, money, year, st.integers(1, 5)),
    ]
    if stage_names:
        options.append(st.builds(lambda s, a: {"kind": "milestone", "stage": s, "amount_gbp": a},
                                 st.sampled_from(stage_names), money))
    return st.one_of(options)


@st.composite
def deals(draw, max_terms: int = 4) -> dict[str, Any]:
    """A valid commercial deal as scenario data; at most one price discount so discounts stay below 100%."""
    route_stages = draw(stages())
    names = [s["name"] for s in route_stages]
    terms = draw(st.lists(term(names), max_size=max_terms))
    discounts = [t for t in terms if t["kind"] == "nhs_price_discount"]
    terms = [t for t in terms if t["kind"] != "nhs_price_discount"] + discounts[:1]
    return {
        "name": "Generated",
        "nhs": {"name": "Trust", "kind": "trust"},
        "partner": {"name": "Partner", "kind": "sme"},
        "use": "commercial_product_development",
        "contribution": {"access_costs": {"preparation_gbp": draw(money), "yearly_gbp": draw(money),
                                          "years": draw(st.integers(1, 10))}},
        "route_to_market": {"stages": route_stages, "sales": draw(sales())},
        "terms": terms,
        "assumptions": {"horizon_years": draw(st.integers(1, 30)),
                        "partner_discount_rate": draw(st.floats(0, 0.3))},
    }
