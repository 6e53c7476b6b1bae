"""The base case: the headline figures take each uncertain input at its distribution's mean (format 2's default),
so that the Monte Carlo mean agrees with them; a format-1 file keeps the values it entered.

Tolerances are standard errors, never guessed: a Monte Carlo mean must lie within 3 standard errors of the headline
(the issue's acceptance), a sample mean of draws within 4 of the distribution's mean.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from builders import base_data
from hypothesis import given
from hypothesis import strategies as st

from valueshare import deal_from_data, load_deal, value_deal
from valueshare.basecase import AGREEMENT_SE, agreement, base_case, base_values, fixing, mean, nonlinear_reasons
from valueshare.engine.montecarlo import Spread, simulate
from valueshare.engine.sampling import draw
from valueshare.framework.pillars import pillars
from valueshare.model.deal import BaseCase
from valueshare.model.uncertainty import Fixed, Lognormal, Normal, Pert, Triangular, Uniform
from valueshare.scenario import example_paths
from valueshare.sensitivity import default_drivers, tornado

CORPUS = Path(__file__).parent / "corpus" / "format1"
TRIALS = 20_000
#: A fixed seed keeps the test deterministic. With 11 deals × 2 sides checked at 3 standard errors, about one seed in
#: 17 fails somewhere by chance alone: seed 2026, tried first, puts the imaging Downside's NHS mean 4.1 standard
#: errors out, while 40 other seeds give at most 2.1 and 200,000 trials give 1.3 there. Seed 1 was tried next.
SEED = 1


def format_2(**changes) -> dict:
    return {"format_version": 2, **base_data(**changes)}


def uncertain_deal(base_case_setting: str | None = None, **distributions):
    """The builders' deal, written in format 2, with the uncertain inputs given by field name."""
    data = format_2()
    data["uncertainty"] = [{"input": path, "distribution": d} for path, d in distributions.items()]
    if base_case_setting is not None:
        data["assumptions"]["base_case"] = base_case_setting
    return deal_from_data(data)


# -- each kind's mean, by hand ---------------------------------------------------------------------------------------

MEANS = {
    # worked by hand: (a + b)/2, (a + b + c)/3, (a + 4c + b)/6, the value, the lognormal's own mean
    "fixed": (Fixed(value=3.5), 3.5),
    "uniform": (Uniform(low=2, high=8), 5.0),
    "triangular": (Triangular(low=2, mode=2.5, high=4), (2 + 2.5 + 4) / 3),   # 2.8333: the pharma Phase III stage
    "pert": (Pert(low=0.2, mode=0.4, high=0.6), (0.2 + 4 * 0.4 + 0.6) / 6),    # 0.4: the pharma peak uptake
    "lognormal": (Lognormal(mean=50_000, sd=10_000), 50_000.0),
    "normal cut symmetrically": (Normal(mean=10, sd=2, low=5, high=15), 10.0),  # symmetric cut keeps the centre
}


@pytest.mark.parametrize("name", sorted(MEANS))
def test_each_kind_of_distribution_has_its_mean_worked_by_hand(name):
    distribution, expected = MEANS[name]
    assert mean(distribution) == pytest.approx(expected, rel=1e-12)


def _integrated_mean(d: Normal, lo: float, hi: float) -> float:
    """∫ x f(x) dx / ∫ f(x) dx over [lo, hi] on a fine grid (trapezoids): independent of the closed form."""
    x = np.linspace(lo, hi, 2_000_001)
    f = np.exp(-(((x - d.mean) / d.sd) ** 2) / 2)
    return float(np.trapezoid(x * f, x) / np.trapezoid(f, x))


def test_a_normal_cut_off_on_one_side_has_the_mean_of_its_density_integrated_numerically():
    both = Normal(mean=10, sd=2, low=7, high=20)
    assert mean(both) == pytest.approx(_integrated_mean(both, 7, 20), rel=1e-9)
    assert mean(both) > 10  # cut off nearer below the centre: the mean moves up
    below = Normal(mean=10, sd=2, low=9)  # no upper cut: integrate to 15 sd above, where the density is nothing
    assert mean(below) == pytest.approx(_integrated_mean(below, 9, 40), rel=1e-9)


@pytest.mark.parametrize("name", sorted(MEANS))
def test_the_mean_is_the_mean_of_what_the_monte_carlo_draws(name):
    distribution, _ = MEANS[name]
    x = draw(distribution, 200_000, np.random.default_rng(3))
    assert abs(x.mean() - mean(distribution)) <= 4 * x.std(ddof=1) / math.sqrt(x.size) + 1e-12


@given(st.floats(0.1, 10), st.floats(0, 1), st.floats(0.01, 10))
def test_a_three_point_mean_lies_between_low_and_high(low, where, width):
    high = low + width
    mode = low + where * width
    for kind in (Triangular, Pert):
        assert low - 1e-9 <= mean(kind(low=low, mode=mode, high=high)) <= high + 1e-9


# -- the base-case deal ----------------------------------------------------------------------------------------------

def test_the_base_case_writes_each_uncertain_input_at_its_mean_and_nothing_else():
    deal = uncertain_deal(**{"route_to_market.stages[0].duration_years": {"dist": "triangular", "low": 1, "mode": 1,
                                                                          "high": 4},
                             "route_to_market.sales.price_gbp": {"dist": "uniform", "low": 8, "high": 16}})
    base = base_case(deal)
    assert base.route_to_market.stages[0].duration_years == pytest.approx(2.0)  # (1 + 1 + 4)/3
    assert base.route_to_market.sales.price_gbp == pytest.approx(12.0)          # (8 + 16)/2
    assert base.route_to_market.stages[1] == deal.route_to_market.stages[1]
    assert base.model_dump(exclude={"route_to_market"}) == deal.model_dump(exclude={"route_to_market"})
    assert base_case(base) == base  # idempotent
    # the headline is the valuation of the deal with the means typed in (and nothing left uncertain)
    typed = format_2()
    typed["route_to_market"]["stages"][0]["duration_years"] = 2.0
    typed["route_to_market"]["sales"]["price_gbp"] = 12.0
    assert value_deal(deal).partner_npv == pytest.approx(value_deal(deal_from_data(typed)).partner_npv, rel=1e-12)
    assert value_deal(deal).nhs_npv == pytest.approx(value_deal(deal_from_data(typed)).nhs_npv, rel=1e-12)


def test_an_equity_exit_value_is_taken_at_its_mean():
    data = format_2(route_to_market=None, terms=[{"kind": "equity", "stake": 0.1, "exit_value_gbp": 1e6,
                                                  "exit_year": 3, "exit_probability": 0.5}])
    data["uncertainty"] = [{"input": "terms[0].exit_value_gbp",
                            "distribution": {"dist": "triangular", "low": 0, "mode": 1e6, "high": 5e6}}]
    deal = deal_from_data(data)
    assert base_case(deal).terms[0].exit_value_gbp == pytest.approx(2e6)  # (0 + 1m + 5m)/3


def test_with_entered_values_or_no_uncertainty_the_base_case_is_the_deal_itself():
    entered = uncertain_deal("entered", **{"route_to_market.sales.price_gbp": {"dist": "uniform", "low": 8,
                                                                               "high": 16}})
    assert base_case(entered) is entered
    assert base_values(entered) == {"route_to_market.sales.price_gbp": 10.0}  # the builders' price
    plain = deal_from_data(format_2())
    assert base_case(plain) is plain


def test_a_format_1_file_keeps_its_entered_values_and_its_money():
    old = load_deal(CORPUS / "pharma-genomic-discovery.yaml")  # no format_version: format 1
    assert old.assumptions.base_case is BaseCase.ENTERED and old.uncertainty
    assert base_case(old) is old
    expected = old.model_copy(update={"assumptions": old.assumptions.model_copy(
        update={"base_case": BaseCase.EXPECTED})})
    # the same file read as format 2 takes the means: Phase II and III last (2 + 2.5 + 4)/3 and (2.5 + 3 + 4.5)/3
    # years instead of their modes, so the partner's money moves
    assert base_case(expected).route_to_market.stages[2].duration_years == pytest.approx(8.5 / 3)
    assert value_deal(expected).partner_npv != pytest.approx(value_deal(old).partner_npv, rel=1e-6)


def test_a_variant_that_gives_an_uncertain_input_a_value_makes_it_certain_at_that_value():
    deal = uncertain_deal(**{"route_to_market.sales.volume_per_year": {"dist": "uniform", "low": 500, "high": 1500}})
    data = deal.model_dump(mode="json")
    data["variants"] = [{"name": "Fewer", "overrides": {"route_to_market.sales.volume_per_year": 400}}]
    variant = deal_from_data({"format_version": 2, **data}).variant("Fewer")
    assert variant.uncertainty == []
    assert variant.route_to_market.sales.volume_per_year == 400
    assert value_deal(variant).partner_npv < value_deal(deal).partner_npv
    # under 'entered' the deal's value is already the base case: the Monte Carlo keeps drawing it, as format 1 did
    kept = {"assumptions": {"base_case": "entered"}, "uncertainty": [{"input": "a.b"}]}
    assert fixing(kept, ["a.b"]) is kept


def test_the_tornado_centres_an_uncertain_input_on_its_mean_and_its_bars_move():
    deal = uncertain_deal(**{"route_to_market.sales.price_gbp": {"dist": "triangular", "low": 5, "mode": 10,
                                                                 "high": 30}})
    driver = next(d for d in default_drivers(deal) if d.path == "route_to_market.sales.price_gbp")
    assert driver.base == pytest.approx(15.0)  # (5 + 10 + 30)/3
    bar = next(b for b in tornado(deal, [driver]))
    assert bar.partner_low < value_deal(deal).partner_npv < bar.partner_high


def test_patient_numbers_follow_the_base_case_sales():
    data = format_2(patient_benefit={"patients_per_unit": 1.0})
    data["uncertainty"] = [{"input": "route_to_market.sales.peak_uptake",
                            "distribution": {"dist": "uniform", "low": 0.5, "high": 0.9}}]
    deal = deal_from_data(data)
    typed = format_2(patient_benefit={"patients_per_unit": 1.0})
    typed["route_to_market"]["sales"]["peak_uptake"] = 0.7  # (0.5 + 0.9)/2
    at_mean = deal_from_data(typed)
    got = pillars(deal, value_deal(deal)).patient.total_patients
    assert got == pytest.approx(pillars(at_mean, value_deal(at_mean)).patient.total_patients, rel=1e-12)
    assert got > pillars(deal_from_data(format_2(patient_benefit={"patients_per_unit": 1.0})),
                         value_deal(deal)).patient.total_patients  # the entered 0.5 would give fewer


# -- the Monte Carlo mean and the headline ---------------------------------------------------------------------------

def _examples():
    for path in example_paths():
        deal = load_deal(path)
        yield pytest.param(deal, id=path.stem)
        for variant in deal.variants:
            yield pytest.param(deal.variant(variant.name), id=f"{path.stem}: {variant.name}")


@pytest.mark.parametrize("deal", list(_examples()))
def test_the_monte_carlo_mean_is_within_3_standard_errors_of_the_headline_on_every_example(deal):
    # The headline takes each uncertain input at its mean. Where a figure is not linear in an input (a stage's
    # length moves discounted flows; tax falls on profit only) the expected value can differ from the value at the
    # means (Jensen's inequality); measured on the examples at 200,000 trials the gap is within 1.2 standard errors,
    # so at 20,000 trials it is far inside 3. Should it ever not be, the page says why (nonlinear_reasons).
    assert deal.assumptions.base_case is BaseCase.EXPECTED
    sim = simulate(deal, trials=TRIALS, seed=SEED)
    headline = value_deal(deal)
    for side, spread, figure in (("NHS", sim.nhs, headline.nhs_npv), ("partner", sim.partner, headline.partner_npv)):
        assert abs(spread.mean - figure) <= AGREEMENT_SE * spread.standard_error + 1e-6, (
            side, spread.mean, figure, nonlinear_reasons(deal))


def test_the_pharma_example_no_longer_values_the_modes_of_its_durations():
    # the issue's case: with the modes (format 1's reading) the partner's rNPV stood many standard errors above the
    # Monte Carlo mean; with the means it agrees
    deal = load_deal(next(p for p in example_paths() if p.stem == "pharma-genomic-discovery"))
    modes = deal.model_copy(update={"assumptions": deal.assumptions.model_copy(
        update={"base_case": BaseCase.ENTERED})})
    sim = simulate(deal, trials=200_000, seed=1)
    assert abs(sim.partner.mean - value_deal(deal).partner_npv) <= AGREEMENT_SE * sim.partner.standard_error
    assert value_deal(modes).partner_npv - sim.partner.mean > AGREEMENT_SE * sim.partner.standard_error


def _spread(mean_value: float, se: float) -> Spread:
    return Spread(mean_value, se * 100, se, 0, 0, 0, 0)


def test_the_page_says_which_base_case_and_why_the_mean_differs_when_it_does():
    durations = {"route_to_market.stages[0].duration_years": {"dist": "uniform", "low": 0.5, "high": 3}}
    deal = uncertain_deal(**durations)
    agree = agreement(deal, _spread(100, 10), _spread(100, 10), 120, 95)
    assert agree[0] == "The headline figures take each uncertain input at its mean (base case: expected value)."
    assert agree[1].startswith("NHS: the mean of the trials, £100, is within 3 standard errors of the headline")
    far = agreement(deal, _spread(100, 10), _spread(1000, 10), 100, 500)
    assert "differs from the headline, £500, by £500 (50.0 standard errors), because Stage 'A': duration" in far[2]
    assert "not linear in time" in far[2]
    entered = uncertain_deal("entered", **durations)
    said = agreement(entered, _spread(100, 10), _spread(1000, 10), 100, 500)
    assert said[0].startswith("The headline figures take the deal's entered values")
    assert "assumptions.base_case: entered" in said[2]
    tiered = uncertain_deal(**{"route_to_market.sales.price_gbp": {"dist": "uniform", "low": 5, "high": 15}})
    tiered = tiered.model_copy(update={"terms": [deal_from_data(format_2(terms=[
        {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.02}, {"from_gbp": 1000, "rate": 0.05}]}])).terms[0]]})
    assert any("tiers or cap" in r for r in nonlinear_reasons(tiered))
