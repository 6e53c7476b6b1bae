"""Invariants of the engine that hold for any valid deal (hypothesis)."""

from __future__ import annotations

import copy
import json

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import deals, term

from valueshare import deal_from_data, value_deal
from valueshare.engine.timeline import discount_factors, ramp_integral, year_overlap

SETTINGS = settings(max_examples=60, deadline=None)


def receipts(data) -> float:
    return value_deal(deal_from_data(data)).nhs_receipts_undiscounted


@SETTINGS
@given(deals(), st.data())
def test_adding_a_mechanism_never_lowers_the_nhs_undiscounted_receipts(data, extra):
    names = [s["name"] for s in data["route_to_market"]["stages"]]
    new_term = extra.draw(term(names).filter(lambda t: t["kind"] != "nhs_price_discount"))
    more = copy.deepcopy(data)
    more["terms"].append(new_term)
    # a new price discount would lower the royalty base; every other mechanism only adds
    assert receipts(more) >= receipts(data) - 1e-6


@SETTINGS
@given(deals(max_terms=0), st.floats(0, 0.5), st.floats(0, 0.5))
def test_a_royaltys_value_rises_with_its_rate(data, low, high):
    low, high = sorted((low, high))
    values = []
    for rate in (low, high):
        d = copy.deepcopy(data)
        d["terms"] = [{"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": rate}]}]
        values.append(value_deal(deal_from_data(d)).nhs_npv)
    assert values[1] >= values[0] - 1e-6


@SETTINGS
@given(deals())
def test_what_the_nhs_receives_is_what_the_partner_pays_for_every_cash_term(data):
    v = value_deal(deal_from_data(data))
    partner = {x.key: x for x in v.partner_lines}
    in_kind = {f"terms[{i}]" for i, t in enumerate(data["terms"]) if t["kind"] == "in_kind_benefit"}
    for line in v.nhs_lines:
        if line.key.startswith("terms[") and line.key not in in_kind:
            np.testing.assert_allclose(line.yearly, -partner[line.key].yearly, atol=1e-6)


@SETTINGS
@given(deals())
def test_every_figure_is_finite_and_serialises_as_json(data):
    v = value_deal(deal_from_data(data))
    json.dumps(v.to_dict(), allow_nan=False)
    assert np.isfinite(v.nhs_cash_flow).all() and np.isfinite(v.partner_cash_flow).all()


@SETTINGS
@given(deals(max_terms=0))
def test_expected_sales_never_exceed_peak_sales_times_the_chance_of_launch(data):
    v = value_deal(deal_from_data(data))
    s = data["route_to_market"]["sales"]
    peak = s["volume_per_year"] * s["price_gbp"] * s["peak_uptake"]
    assert (v.expected_sales <= peak * v.launch_probability * (1 + 1e-9) + 1e-6).all()


@SETTINGS
@given(deals(max_terms=0), st.data())
def test_a_more_likely_stage_never_lowers_a_later_milestones_value(data, extra):
    stages = data["route_to_market"]["stages"]
    if not stages:
        return
    i = extra.draw(st.integers(0, len(stages) - 1))
    data["terms"] = [{"kind": "milestone", "stage": stages[-1]["name"], "amount_gbp": 1e6}]
    before = value_deal(deal_from_data(data)).nhs_npv
    stages[i]["probability_of_success"] = min(1.0, stages[i]["probability_of_success"] + 0.1)
    assert value_deal(deal_from_data(data)).nhs_npv >= before - 1e-6


@given(st.floats(0, 0.5), st.integers(1, 60))
def test_discount_factors_start_at_one_and_never_rise(rate, horizon):
    df = discount_factors(rate, horizon, rate_after_30=rate / 2)
    assert df[0] == 1.0
    assert (np.diff(df) <= 1e-15).all()


@given(st.floats(0, 20), st.floats(0.01, 20), st.integers(1, 50))
def test_year_overlap_adds_up_to_the_part_of_the_interval_within_the_horizon(start, length, horizon):
    end = start + length
    got = year_overlap(np.array([start]), np.array([end]), horizon).sum()
    assert np.isclose(got, max(0.0, min(end, horizon) - min(start, horizon)))


@given(st.floats(0, 30), st.floats(0, 30), st.floats(0, 10))
def test_ramp_integral_grows_by_at_most_the_elapsed_time(a, b, years_to_peak):
    lo, hi = sorted((a, b))
    ytp = np.array([years_to_peak])
    gain = ramp_integral(np.array([hi]), ytp) - ramp_integral(np.array([lo]), ytp)
    assert -1e-9 <= gain[0] <= hi - lo + 1e-9


def _stage_costs_all_at_once(route) -> np.ndarray:
    """The stage costs as the engine computed them before issue 20, every stage in every world and every year in one
    array (the reference for the stage-by-stage, reached-worlds-only form): the share of each stage elapsed by the
    end of each year, weighted, summed over stages, then differenced."""
    t = np.arange(route.horizon_years + 1, dtype=float)[None, None, :]
    duration = route.stage_ends - route.stage_starts
    elapsed = np.minimum(np.maximum(t - route.stage_starts[:, :, None], 0.0), duration[:, :, None])
    spent = np.einsum("nst,ns->nt", elapsed, route.stage_costs * route.reach / duration)
    return np.diff(spent, axis=1, prepend=0.0)


@SETTINGS
@given(deals(), st.integers(0, 2**32 - 1), st.floats(0, 0.4))
def test_a_monte_carlo_chunk_computed_only_where_it_can_be_non_zero_equals_it_computed_everywhere(data, seed, tax):
    """Issue 20 computes sales-linked terms and operating profit only in the trials that can launch, stage costs only
    in the trials (and years) that reach each stage, and tax only in the trials with a profit in some year: each is
    exactly 0 elsewhere. Checked against the same mechanisms run on every trial, the tax formula on every trial
    and the stage costs of the engine before the change."""
    from valueshare import mechanisms as registry
    from valueshare.engine.mechanisms import Timing
    from valueshare.engine.montecarlo import draw_worlds
    from valueshare.engine.valuation import deal_flows, total_price_discount

    data["assumptions"]["partner_tax_rate"] = tax
    deal = deal_from_data(data)
    worlds = draw_worlds(deal, 64, np.random.default_rng(seed))
    route = worlds[0]
    flows = deal_flows(deal, *worlds)
    a = deal.assumptions
    df_nhs = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30,
                              rate_after_75=a.nhs_discount_rate_after_75)
    df_partner = discount_factors(a.partner_discount_rate, a.horizon_years)
    top = Timing(0, np.ones(64), a.horizon_years, total_price_discount(deal), a.inflation_rate, df_nhs, df_partner)

    def close(got, want):
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-6)

    receipts = {x.key: x.values for x in flows.nhs_receipts}
    payments = {x.key: x.values for x in flows.partner_payments}
    for i, t in enumerate(deal.terms):
        if registry.of(t).sales_linked:
            everywhere = registry.of(t).flows(t, route, top)
            close(np.broadcast_to(receipts[f"terms[{i}]"], (64, a.horizon_years + 1)), everywhere.nhs)
            close(np.broadcast_to(payments[f"terms[{i}]"], (64, a.horizon_years + 1)), -everywhere.partner)
    operating = {x.key: x.values for x in flows.partner_operating}
    close(operating["partner.operating_profit"], route.operating_margin[:, None] * route.sales()
          * route.launched[:, None])
    close(-operating["partner.stage_costs"], _stage_costs_all_at_once(route))
    if tax > 0:
        taxable = flows.partner_taxable
        assert taxable is not None
        cumulative = np.maximum.accumulate(np.maximum(np.cumsum(taxable, axis=1), 0.0), axis=1)
        close(-flows.partner_tax[0].values, tax * np.diff(cumulative, axis=1, prepend=0.0))
    close(flows.partner_npv(df_partner), flows.partner_total() @ df_partner)
    close(flows.nhs_npv(df_nhs), flows.nhs_total() @ df_nhs)


@st.composite
def uncertain_deals(draw):
    """A generated deal with some of its stage and sales inputs (and an equity term's exit value) drawn from uniform
    spreads around their values, and sometimes a fixed "distribution"; the terms and the route are ``deals()``'s."""
    data = draw(deals())
    items = []
    for i, stage in enumerate(data["route_to_market"]["stages"]):
        for name, low in (("duration_years", 0.25), ("partner_cost_gbp", 0.0), ("probability_of_success", 0.01)):
            choice = draw(st.sampled_from(["fixed", "drawn", "none", "none"]))
            value = stage[name]
            high = min(value * 1.5 + 0.01, 1.0) if name == "probability_of_success" else value * 1.5 + 0.5
            if choice == "drawn":
                items.append({"input": f"route_to_market.stages[{i}].{name}",
                              "distribution": {"dist": "uniform", "low": max(low, value * 0.5), "high": high}})
            elif choice == "fixed":
                items.append({"input": f"route_to_market.stages[{i}].{name}",
                              "distribution": {"dist": "fixed", "value": value}})
    for name in ("price_gbp", "peak_uptake"):
        if draw(st.booleans()):
            value = data["route_to_market"]["sales"][name]
            high = min(value + 0.2, 1.0) if name == "peak_uptake" else value * 1.5 + 1.0
            items.append({"input": f"route_to_market.sales.{name}",
                          "distribution": {"dist": "uniform", "low": value * 0.5, "high": high}})
    for i, t in enumerate(data["terms"]):
        if t["kind"] == "equity" and draw(st.booleans()):
            items.append({"input": f"terms[{i}].exit_value_gbp",
                          "distribution": {"dist": "uniform", "low": 0.0, "high": t["exit_value_gbp"] + 1.0}})
    data["uncertainty"] = items
    data["assumptions"]["partner_tax_rate"] = draw(st.sampled_from([0.0, 0.25]))
    return data


@SETTINGS
@given(uncertain_deals(), st.integers(0, 2**32 - 1))
def test_worlds_valued_once_for_all_alike_have_the_cash_flows_of_each_of_them(data, seed):
    """Issue 20 values the trials that ``alike`` finds the same as one row. Every trial's yearly cash flows, both
    parties, and its NPVs are those of the trial valued on its own, whatever is drawn and whichever stages pass."""
    from valueshare.engine.montecarlo import alike, assemble, draw, take_worlds
    from valueshare.engine.valuation import deal_flows

    deal = deal_from_data(data)
    drawn = draw(deal, 300, np.random.default_rng(seed))
    worlds = assemble(deal, drawn)
    every = deal_flows(deal, *worlds)
    same = alike(drawn, worlds)
    if same is None:
        return
    keep, inverse = same
    assert keep.size < 300 and inverse.shape == (300,) and np.array_equal(inverse[keep], np.arange(keep.size))
    once = deal_flows(deal, *take_worlds(worlds, keep))
    a = deal.assumptions
    df_nhs = discount_factors(a.nhs_discount_rate, a.horizon_years)
    df_partner = discount_factors(a.partner_discount_rate, a.horizon_years)
    for got, want in ((once.nhs_total()[inverse], every.nhs_total()),
                      (once.partner_total()[inverse], every.partner_total()),
                      (once.nhs_npv(df_nhs)[inverse], every.nhs_npv(df_nhs)),
                      (once.partner_npv(df_partner)[inverse], every.partner_npv(df_partner))):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-6)


@SETTINGS
@given(deals(max_terms=6), st.integers(0, 2**32 - 1), st.floats(0, 0.4))
def test_a_term_held_as_its_payments_has_the_yearly_flows_of_its_mechanism(data, seed, tax):
    """Issue 20 keeps a milestone in a Monte Carlo as one payment per trial (``PaymentLine``) and a sales-linked
    term and the operating profit as the rows of the trials that launch (``RowsLine``), and adds them to totals and
    present values entry by entry or row by row. A milestone's yearly values are the mechanism's flows, and every
    total and NPV is the one added up from the yearly values of every line."""
    from valueshare import mechanisms as registry
    from valueshare.engine.mechanisms import Timing
    from valueshare.engine.montecarlo import draw_worlds
    from valueshare.engine.valuation import PaymentLine, deal_flows, total_price_discount

    data["assumptions"]["partner_tax_rate"] = tax
    deal = deal_from_data(data)
    worlds = draw_worlds(deal, 64, np.random.default_rng(seed))
    flows = deal_flows(deal, *worlds)
    a = deal.assumptions
    shape = (64, a.horizon_years + 1)
    df_nhs = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30,
                              rate_after_75=a.nhs_discount_rate_after_75)
    df_partner = discount_factors(a.partner_discount_rate, a.horizon_years)
    top = Timing(0, np.ones(64), a.horizon_years, total_price_discount(deal), a.inflation_rate, df_nhs, df_partner)
    receipts = {x.key: x for x in flows.nhs_receipts}
    payments = {x.key: x for x in flows.partner_payments}
    for i, t in enumerate(deal.terms):
        if registry.of(t).payments is not None:
            dense = registry.of(t).flows(t, worlds[0], top)
            assert isinstance(receipts[f"terms[{i}]"], PaymentLine)
            assert np.array_equal(receipts[f"terms[{i}]"].values, dense.nhs)
            assert np.array_equal(payments[f"terms[{i}]"].values, -dense.partner)

    def added(lines):
        return sum((np.broadcast_to(x.values, shape) for x in lines), np.zeros(shape))

    close = {"rtol": 1e-12, "atol": 1e-6}
    np.testing.assert_allclose(flows.nhs_total(), added(flows.nhs_lines()), **close)
    np.testing.assert_allclose(flows.partner_total(), added(flows.partner_operating + flows.partner_payments
                                                            + flows.partner_tax), **close)
    np.testing.assert_allclose(flows.nhs_npv(df_nhs), added(flows.nhs_lines()) @ df_nhs, **close)
    np.testing.assert_allclose(flows.partner_npv(df_partner), flows.partner_total() @ df_partner, **close)
