"""Monte Carlo: distributions, stage failure, seeds, and agreement with the deterministic risk-adjusted value.

Tolerances are derived from standard errors, never guessed: a sample mean must lie within 4 standard errors of its
expected value (a false alarm about once in 16,000 runs for each check).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from builders import base_data

from valueshare import deal_from_data, load_deal, value_deal
from valueshare.engine.montecarlo import draw_worlds, simulate
from valueshare.engine.sampling import draw
from valueshare.engine.timeline import discount_factors
from valueshare.engine.valuation import deal_flows
from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, Uniform
from valueshare.scenario import example_paths

N = 200_000


def phi(z: float) -> float:
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def Phi(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def truncated_normal_moments(mu, sd, lo, hi):
    a, b = (lo - mu) / sd, (hi - mu) / sd
    z = Phi(b) - Phi(a)
    mean = mu + sd * (phi(a) - phi(b)) / z
    var = sd * sd * (1 + (a * phi(a) - b * phi(b)) / z - ((phi(a) - phi(b)) / z) ** 2)
    return mean, var


CASES = {
    # name: (distribution, theoretical mean, theoretical variance, support)
    "uniform": (Uniform(low=2, high=8), 5.0, 36 / 12, (2, 8)),
    "triangular": (Triangular(low=1, mode=2, high=6), 3.0, (1 + 36 + 4 - 6 - 2 - 12) / 18, (1, 6)),
    # PERT: mean (a + 4c + b)/6 = (1 + 8 + 6)/6 = 2.5; variance (mean - a)(b - mean)/7 = 1.5 × 3.5 / 7 = 0.75
    "pert": (Pert(low=1, mode=2, high=6), 2.5, 0.75, (1, 6)),
    "normal": (Normal(mean=10, sd=2, low=7, high=15), *truncated_normal_moments(10, 2, 7, 15), (7, 15)),
    "lognormal": (Lognormal(mean=50, sd=20), 50.0, 400.0, (0, math.inf)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_distribution_has_its_theoretical_mean_and_variance(name):
    dist, mean, var, (lo, hi) = CASES[name]
    x = draw(dist, N, np.random.default_rng(7))
    assert x.min() >= lo and x.max() <= hi
    assert abs(x.mean() - mean) < 4 * math.sqrt(var / N)
    # the sample variance's standard error is sqrt((m4 - var²)/N), with m4 the fourth central moment
    m4 = float(((x - x.mean()) ** 4).mean())
    assert abs(x.var(ddof=1) - var) < 4 * math.sqrt((m4 - var * var) / N)


def test_a_fixed_input_is_the_same_in_every_trial():
    assert (draw(Fixed(value=3.5), 10, np.random.default_rng(0)) == 3.5).all()


def milestone_deal():
    data = base_data(terms=[
        {"kind": "milestone", "stage": "A", "amount_gbp": 1000},
        {"kind": "milestone", "stage": "B", "amount_gbp": 2000},
        {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.05}]},
    ])
    data["uncertainty"] = [{"input": "route_to_market.stages[0].duration_years",
                            "distribution": {"dist": "uniform", "low": 0.5, "high": 2.5}}]
    data["assumptions"]["horizon_years"] = 8
    data["route_to_market"]["sales"]["end_year"] = 8
    return deal_from_data(data)


def test_a_failed_stage_removes_its_milestone_every_later_milestone_and_all_royalties():
    deal = milestone_deal()
    route, switched, exits = draw_worlds(deal, 4000, np.random.default_rng(3))
    flows = deal_flows(deal, route, switched, exits)
    lines = {line.key: line.values.sum(axis=1) for line in flows.nhs_receipts}
    a_failed = route.passed[:, 0] == 0
    b_failed = route.passed[:, 1] == 0
    assert a_failed.any() and (~a_failed & b_failed).any() and (~b_failed).any()
    assert (lines["terms[0]"][a_failed] == 0).all() and (lines["terms[1]"][a_failed] == 0).all()
    assert (lines["terms[1]"][b_failed] == 0).all() and (lines["terms[2]"][b_failed] == 0).all()
    assert (lines["terms[0]"][~a_failed] == 1000).all() and (lines["terms[1]"][~b_failed] == 2000).all()
    assert (lines["terms[2]"][~b_failed] > 0).all()


def test_a_longer_stage_shifts_launch_and_every_later_payment():
    deal = milestone_deal()
    route, switched, exits = draw_worlds(deal, 4000, np.random.default_rng(4))
    flows = deal_flows(deal, route, switched, exits)
    b = next(line for line in flows.nhs_receipts if line.key == "terms[1]").values
    paid = route.passed[:, 1] == 1
    # stage B ends at (drawn A duration) + 1; the milestone falls in the year containing that moment
    expected_year = np.ceil(route.stage_ends[paid, 1] - 1e-9).astype(int)
    assert (b[paid].argmax(axis=1) == expected_year).all()
    assert len(set(expected_year.tolist())) > 1  # durations really moved it
    royalty = next(line for line in flows.nhs_receipts if line.key == "terms[2]").values
    first_sales_year = (royalty[paid] > 0).argmax(axis=1)
    assert (first_sales_year == np.ceil(route.launch[paid] + 1e-9).astype(int)).all()


def test_the_same_seed_gives_the_same_numbers_and_another_seed_does_not():
    deal = load_deal(example_paths()[1])
    one, two = simulate(deal, trials=3000, seed=11), simulate(deal, trials=3000, seed=11)
    assert np.array_equal(one.nhs_npv, two.nhs_npv) and np.array_equal(one.partner_npv, two.partner_npv)
    assert one.to_dict() == two.to_dict()
    assert not np.array_equal(one.nhs_npv, simulate(deal, trials=3000, seed=12).nhs_npv)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_monte_carlo_mean_agrees_with_the_risk_adjusted_value_when_only_stages_are_uncertain(path):
    # With fixed inputs every flow is linear in the stage (and clause) outcomes, so the expected value of the trials
    # is exactly the deterministic rNPV; the sample mean must be within 4 standard errors of it.
    deal = load_deal(path).model_copy(update={"uncertainty": [], "variants": []})
    sim = simulate(deal, trials=40_000, seed=5)
    expected = value_deal(deal)
    assert abs(sim.nhs.mean - expected.nhs_npv) <= 4 * sim.nhs.standard_error + 1e-6
    assert abs(sim.partner.mean - expected.partner_npv) <= 4 * sim.partner.standard_error + 1e-6


def test_equity_exits_happen_in_the_share_of_trials_their_probability_says():
    data = base_data(route_to_market=None, terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 1e6,
                                                   "exit_year": 3, "exit_probability": 0.3}])
    sim = simulate(deal_from_data(data), trials=20_000, seed=2)
    paid = sim.nhs_npv > 0
    # 0.1 × 1,000,000 / 1.035^3 = 90,194.27 when the exit happens, else 0
    assert np.allclose(sim.nhs_npv[paid], 1e5 / 1.035 ** 3)
    assert abs(paid.mean() - 0.3) < 4 * math.sqrt(0.3 * 0.7 / 20_000)


def test_percentiles_and_risk_shares_are_read_from_the_trials():
    sim = simulate(load_deal(example_paths()[1]), trials=5000, seed=1)
    s = sim.partner
    assert s.p10 <= s.p50 <= s.p90
    assert s.probability_negative == pytest.approx((sim.partner_npv < 0).mean())
    assert sim.nhs_fan.shape == (3, len(sim.years))
    assert (sim.nhs_fan[0] <= sim.nhs_fan[2] + 1e-6).all()


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_npv_summed_line_by_line_equals_npv_of_the_yearly_totals(path):
    # simulate() takes the first route for the trials its fan is drawn from and the second for the rest; both must
    # give each trial the same NPV (to rounding of the order of the sums).
    deal = load_deal(path)
    a = deal.assumptions
    flows = deal_flows(deal, *draw_worlds(deal, 500, np.random.default_rng(7)))
    nhs_df = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30,
                              rate_after_75=a.nhs_discount_rate_after_75)
    partner_df = discount_factors(a.partner_discount_rate, a.horizon_years)
    np.testing.assert_allclose(flows.nhs_npv(nhs_df), flows.nhs_total() @ nhs_df, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(flows.partner_npv(partner_df), flows.partner_total() @ partner_df, rtol=1e-12,
                               atol=1e-6)


def test_trials_after_the_fan_are_valued_as_the_fan_trials_are():
    # With the fan cut to 2 chunks' worth of trials, the trials after it take the line-by-line route: the result
    # must equal a run in which every trial is in the fan (same seed, same chunks).
    import valueshare.engine.montecarlo as mc

    deal = load_deal(next(p for p in example_paths() if p.name == "ai-imaging-device.yaml"))
    every = simulate(deal, trials=4_000, seed=3, chunk_size=1_000)
    saved = mc.FAN_TRIALS
    try:
        mc.FAN_TRIALS = 2_000
        split = simulate(deal, trials=4_000, seed=3, chunk_size=1_000)
    finally:
        mc.FAN_TRIALS = saved
    np.testing.assert_allclose(split.nhs_npv, every.nhs_npv, rtol=1e-12, atol=1e-6)
    np.testing.assert_allclose(split.partner_npv, every.partner_npv, rtol=1e-12, atol=1e-6)
    assert split.fan_trials == 2_000 and every.fan_trials == 4_000
