#!/usr/bin/env python
"""valueshare benchmarks: how long the engine, the sensitivities and the app take, and how much memory a large
Monte Carlo needs, on this machine.

Run from anywhere: ``python bench/bench.py`` (a minute or two), ``python bench/bench.py --quick`` (fewer repeats),
``python bench/bench.py --only montecarlo,memory``. It prints figures and their ratio to each target; it never passes
or fails (timings depend on the machine), so it is not a test. See docs/performance.md for the targets and the
figures measured when they were set.

Sections:
  deterministic  value_deal(deal) for each example, and validation (load_deal, deal_from_data) separately
  montecarlo     simulate() of 100,000 trials of ai-imaging-device (20 years) against a minimal hand-written
                 numpy kernel of the same deal, whose mean NPVs must agree; chunk sizes
  tornado        tornado(deal) for each example
  app            Streamlit reruns after one input change, through streamlit.testing.v1.AppTest
  pharma         simulate() of 1,000,000 trials of pharma-genomic-discovery (25 years, corporation tax) against a
                 minimal hand-written numpy kernel of that deal, checked trial by trial; again at a 20-year
                 horizon, the issue's target (issue 20)
  growth         simulate() of the pharma example by trials (100,000, 1,000,000; 10,000,000 with --ten-million),
                 by horizon (10 to 80 years) and by number of terms (1 to 16)
  memory         simulate() of 1,000,000 trials in a subprocess: peak RSS and time; the pharma example too, and at
                 10,000,000 trials with --ten-million
  browser        the app served by Streamlit in headless Chromium (Playwright): each page opened from the sidebar,
                 first and again, until the page has run and drawn; on the Deal page, a number typed into an input
                 until the headline figure shown changes; needs Debian's chromium
  portfolio      the register's portfolio (valueshare.register.portfolio) of 100, 1,000, 3,000 and 10,000 generated
                 deals, on SQLite and (when a server is up: .ci/postgres) PostgreSQL
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import inspect
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from valueshare import deal_from_data, load_deal, value_deal  # noqa: E402
from valueshare.engine.montecarlo import CHUNK, FAN_TRIALS, PERCENTILES, draw_worlds, simulate  # noqa: E402
from valueshare.engine.valuation import deal_flows  # noqa: E402
from valueshare.model import Deal  # noqa: E402
from valueshare.scenario import deal_to_data, example_paths  # noqa: E402
from valueshare.sensitivity import tornado  # noqa: E402

IMAGING = ROOT / "scenarios" / "ai-imaging-device.yaml"
APP = ROOT / "app.py"
RISK_PAGE = ROOT / "app_pages" / "risk.py"
SECTIONS = ("deterministic", "montecarlo", "pharma", "growth", "tornado", "app", "memory", "browser", "portfolio")

# Targets (docs/performance.md). Printed as ratios, never asserted.
TARGET_VALUE_MS = 5.0
TARGET_MC_S = 1.0
TARGET_KERNEL_RATIO = 2.0
TARGET_TORNADO_MS = 1000.0
TARGET_RERUN_MS = 300.0
TARGET_MEMORY_MIB = 1024.0
TARGET_MEMORY_10M_MIB = 4096.0  # 10,000,000 trials, chunked (issue 20)

RESULTS: dict[str, Any] = {}


# -- timing helpers ----------------------------------------------------------------------------------------------

def times_of(fn: Callable[[], Any], repeats: int, *, warmup: int = 1) -> list[float]:
    """Wall time of each of ``repeats`` calls of ``fn`` (seconds), after ``warmup`` untimed calls."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


@dataclass
class Runs:
    """Wall time, minor page faults and system (kernel) time of each timed call."""

    wall: list[float]
    faults: list[int]
    system: list[float]
    cpu: list[float] = field(default_factory=list)  # user + system time of this process, every thread

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def best(self) -> float:
        return min(self.wall)


def interleaved(calls: dict[str, Callable[[], Any]], repeats: int) -> dict[str, Runs]:
    """Time each call ``repeats`` times, taking turns (a, b, c, a, b, c, ...) after one untimed call each, so that
    a slow patch of the machine (another job, a reclaim pass) falls on all of them alike."""
    for fn in calls.values():
        fn()
    runs = {name: Runs([], [], []) for name in calls}
    for _ in range(repeats):
        for name, fn in calls.items():
            before = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            fn()
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_SELF)
            runs[name].wall.append(wall)
            runs[name].faults.append(after.ru_minflt - before.ru_minflt)
            runs[name].system.append(after.ru_stime - before.ru_stime)
            runs[name].cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return runs


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1e3


def vs_target(value: float, target: float, unit: str) -> str:
    """'0.21× the 5 ms target' — a ratio, so a reader sees the headroom (or the shortfall) at a glance."""
    return f"{value / target:.2f}× the {target:g} {unit} target"


def heading(title: str) -> None:
    print(f"\n== {title} " + "=" * max(0, 100 - len(title)))


# -- 1. deterministic valuation and validation -------------------------------------------------------------------

def bench_deterministic(repeats: int) -> None:
    heading("Deterministic valuation (value_deal) and validation, per example")
    print(f"median of {repeats} calls each; target value_deal < {TARGET_VALUE_MS:g} ms")
    print(f"{'example':34} {'value_deal':>11} {'load_deal':>11} {'from_data':>11}  value_deal vs target")
    rows = {}
    for path in example_paths():
        deal = load_deal(path)
        data = deal_to_data(deal)
        value = median_ms(times_of(lambda deal=deal: value_deal(deal), repeats, warmup=5))
        load = median_ms(times_of(lambda path=path: load_deal(path), max(repeats // 4, 5)))
        validate = median_ms(times_of(lambda data=data: deal_from_data(data), repeats))
        rows[path.stem] = {"value_deal_ms": value, "load_deal_ms": load, "deal_from_data_ms": validate}
        print(f"{path.stem:34} {value:8.3f} ms {load:8.3f} ms {validate:8.3f} ms  "
              f"{vs_target(value, TARGET_VALUE_MS, 'ms')}")
    print("load_deal = read file + yaml.safe_load + validate; from_data = pydantic validation of parsed data only")
    RESULTS["deterministic"] = rows


# -- 2. Monte Carlo against a minimal kernel ---------------------------------------------------------------------

@dataclass(frozen=True)
class ImagingInputs:
    """The ai-imaging-device deal reduced to the numbers the kernel needs; the kernel itself knows its structure."""

    horizon: int
    durations: np.ndarray          # (S,) base stage durations
    stage_costs: np.ndarray        # (S,)
    probability: np.ndarray        # (S,)
    pert_stage1: tuple[float, float, float]
    pert_stage3: tuple[float, float, float]
    uptake_triangular: tuple[float, float, float]
    price_normal: tuple[float, float, float, float]   # mean, sd, low, high
    volume: float
    years_to_peak: float
    uk_share: float
    margin: float
    sales_end: float
    milestones: tuple[tuple[int, float], ...]         # (stage index, amount)
    tiers: tuple[tuple[float, float], ...]            # (from £, rate)
    price_discount: float
    fixed_nhs: np.ndarray          # (years,) fees received less NHS costs (identical in every trial)
    fees: np.ndarray               # (years,) fees alone: what the partner pays whatever happens
    df_nhs: np.ndarray
    df_partner: np.ndarray


def imaging_inputs(deal: Deal) -> ImagingInputs:
    """Read the numbers out of the deal, checking it has exactly the structure the kernel hard-codes."""
    route, a = deal.route_to_market, deal.assumptions
    kinds = [t.kind for t in deal.terms]
    assert kinds == ["access_fee", "access_fee", "milestone", "milestone", "royalty", "nhs_price_discount"], kinds
    assert [u.input for u in deal.uncertainty] == [
        "route_to_market.stages[1].duration_years", "route_to_market.stages[3].duration_years",
        "route_to_market.sales.peak_uptake", "route_to_market.sales.price_gbp"]
    assert a.horizon_years <= 30 and deal.consent_clause is None
    fee0, fee1, ms0, ms1, royalty, discount = deal.terms
    assert fee0.frequency.value == "one_off" and fee1.frequency.value == "yearly"
    assert royalty.territory.value == "worldwide" and royalty.cap_gbp is None and royalty.term_years is None
    h = a.horizon_years
    names = [s.name for s in route.stages]
    u = [x.distribution for x in deal.uncertainty]
    years = np.arange(h + 1)

    def paid(amount: float, first: int, count: int) -> np.ndarray:
        return np.where((years >= first) & (years < first + count), amount, 0.0)

    costs = deal.contribution.access_costs
    fees = paid(fee0.amount_gbp, fee0.start_year, 1) + paid(fee1.amount_gbp, fee1.start_year, fee1.years)
    nhs_costs = paid(costs.preparation_gbp, 0, 1) + paid(costs.yearly_gbp, 1, costs.years)
    for e in deal.contribution.expertise:
        nhs_costs = nhs_costs + paid(e.hours_per_year * e.cost_per_hour_gbp, e.start_year, e.years)
    return ImagingInputs(
        horizon=h,
        durations=np.array([s.duration_years for s in route.stages], float),
        stage_costs=np.array([s.partner_cost_gbp for s in route.stages], float),
        probability=np.array([s.probability_of_success for s in route.stages], float),
        pert_stage1=(u[0].low, u[0].mode, u[0].high), pert_stage3=(u[1].low, u[1].mode, u[1].high),
        uptake_triangular=(u[2].low, u[2].mode, u[2].high), price_normal=(u[3].mean, u[3].sd, u[3].low, u[3].high),
        volume=route.sales.volume_per_year, years_to_peak=route.sales.years_to_peak,
        uk_share=route.sales.nhs_share_of_sales,
        margin=route.sales.operating_margin, sales_end=float(route.sales.end_year),
        milestones=tuple((names.index(m.stage), m.amount_gbp) for m in (ms0, ms1)),
        tiers=tuple((t.from_gbp, t.rate) for t in royalty.tiers), price_discount=discount.price_discount,
        fixed_nhs=fees - nhs_costs, fees=fees,
        df_nhs=(1 + a.nhs_discount_rate) ** -years.astype(float),  # horizon <= 30: the Green Book step never applies
        df_partner=(1 + a.partner_discount_rate) ** -years.astype(float),
    )


def _pert(rng: np.random.Generator, low: float, mode: float, high: float, n: int) -> np.ndarray:
    span = high - low
    return low + span * rng.beta(1 + 4 * (mode - low) / span, 1 + 4 * (high - mode) / span, n)


def _truncated_normal(rng: np.random.Generator, mean: float, sd: float, low: float, high: float,
                      n: int) -> np.ndarray:
    x = rng.normal(mean, sd, n)
    bad = (x < low) | (x > high)
    for _ in range(200):  # as the engine: redraw only what falls outside; the model keeps >= 1% of the curve
        if not bad.any():
            break
        x[bad] = rng.normal(mean, sd, int(bad.sum()))
        bad = (x < low) | (x > high)
    return np.clip(x, low, high)


def _ramp(s: np.ndarray, n: float) -> np.ndarray:
    """∫0^s min(u/n, 1) du for s >= 0."""
    m = np.minimum(s, n)
    return m * m / (2.0 * n) + (s - m)


def kernel_chunk(p: ImagingInputs, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """NHS and partner NPV of n trials of the imaging deal, by hand. Draws in the engine's order (stage 1 and 3
    durations, uptake, price, then stage success), so with the same seed and chunking the trials are the same."""
    # Draws.
    durations = np.tile(p.durations, (n, 1))
    durations[:, 1] = _pert(rng, *p.pert_stage1, n)
    durations[:, 3] = _pert(rng, *p.pert_stage3, n)
    uptake = rng.triangular(*p.uptake_triangular, n)
    price = _truncated_normal(rng, *p.price_normal, n)
    success = rng.random((n, p.durations.size)) < p.probability
    # Route: stages back to back from signature; a stage is reached if every earlier one succeeded.
    ends = np.cumsum(durations, axis=1)
    starts = ends - durations
    passed = np.logical_and.accumulate(success, axis=1)
    reached = np.ones_like(passed)
    reached[:, 1:] = passed[:, :-1]
    launch = ends[:, -1]
    launched = passed[:, -1]
    # Sales given launch in year t (the interval (t-1, t]): volume × price × peak uptake × ∫ramp over the part of
    # the year after launch and before sales end.
    t = np.arange(p.horizon + 1, dtype=float)
    lower = np.maximum(t - 1.0, launch[:, None])
    upper = np.maximum(np.minimum(t, p.sales_end), lower)
    gross = (p.volume * price * uptake)[:, None] * (_ramp(upper - launch[:, None], p.years_to_peak)
                                                    - _ramp(lower - launch[:, None], p.years_to_peak))
    gross[:, 0] = 0.0
    # What the NHS gets from sales: tiered royalty on net sales (worldwide, after the NHS discount on the UK
    # share) and the discount itself on the UK share.
    net = gross * (1.0 - p.uk_share * p.price_discount)
    from_sales = p.price_discount * p.uk_share * gross
    for k, (floor, rate) in enumerate(p.tiers):
        top = p.tiers[k + 1][0] if k + 1 < len(p.tiers) else np.inf
        from_sales += rate * np.clip(net - floor, 0.0, top - floor)
    # Milestones: paid in the year their stage ends (ceil), if it succeeds; none past the horizon.
    df_nhs = np.append(p.df_nhs, 0.0)
    df_partner = np.append(p.df_partner, 0.0)
    milestones_nhs = np.zeros(n)
    milestones_partner = np.zeros(n)
    for stage, amount in p.milestones:
        year = np.minimum(np.ceil(np.round(ends[:, stage], 9)).astype(int), p.horizon + 1)
        milestones_nhs += amount * passed[:, stage] * df_nhs[year]
        milestones_partner += amount * passed[:, stage] * df_partner[year]
    nhs = launched * (from_sales @ p.df_nhs) + milestones_nhs + p.fixed_nhs @ p.df_nhs
    # Partner: operating profit on sales, less stage costs spread evenly over each stage (if reached), less
    # everything paid to the NHS.
    stage_costs = np.zeros(n)
    for i in range(p.durations.size):
        overlap = np.clip(np.minimum(t, ends[:, i, None]) - np.maximum(t - 1.0, starts[:, i, None]), 0.0, None)
        overlap[:, 0] = 0.0
        stage_costs += p.stage_costs[i] * reached[:, i] * (overlap @ p.df_partner) / durations[:, i]
    partner = (launched * ((p.margin * gross - from_sales) @ p.df_partner) - stage_costs - milestones_partner
               - p.fees @ p.df_partner)
    return nhs, partner


def kernel(p: ImagingInputs, trials: int, *, seed: int, chunk_size: int = CHUNK) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    nhs, partner = np.empty(trials), np.empty(trials)
    for lo in range(0, trials, chunk_size):
        n = min(chunk_size, trials - lo)
        nhs[lo:lo + n], partner[lo:lo + n] = kernel_chunk(p, n, rng)
    return nhs, partner


def _mean_se(x: np.ndarray) -> tuple[float, float]:
    return float(x.mean()), float(x.std(ddof=1) / np.sqrt(x.size))


def bench_montecarlo(repeats: int, trials: int, *, profile: bool) -> None:
    heading(f"Monte Carlo: {trials:,} trials of {IMAGING.stem} against a minimal numpy kernel")
    deal = load_deal(IMAGING)
    p = imaging_inputs(deal)
    print(f"horizon {p.horizon} years, {p.durations.size} stages, chunk size {CHUNK:,} (the engine's default)")
    seed = 20261122
    sim = simulate(deal, trials=trials, seed=seed)

    # Agreement, two ways: the same seed and chunking give the very same trials (the kernel draws in the engine's
    # order), so every trial's NPV must match to rounding; an independent seed must agree within sampling error.
    nhs_same, partner_same = kernel(p, trials, seed=seed)
    nhs_other, partner_other = kernel(p, trials, seed=seed + 1)
    print("agreement of NPVs (£):")
    agree = {}
    for party, engine_values, same, other in (("NHS", sim.nhs_npv, nhs_same, nhs_other),
                                              ("partner", sim.partner_npv, partner_same, partner_other)):
        m_sim, se_sim = _mean_se(engine_values)
        m_ker, se_ker = _mean_se(other)
        z = (m_sim - m_ker) / np.hypot(se_sim, se_ker)
        worst = float(np.max(np.abs(engine_values - same)))
        print(f"  {party:8} simulate mean {m_sim:14,.0f} (SE {se_sim:,.0f}); kernel, other seed {m_ker:14,.0f} "
              f"(SE {se_ker:,.0f}); difference {z:+.2f} SE; same seed: largest per-trial difference £{worst:.2g}")
        agree[party] = {"simulate_mean": m_sim, "simulate_se": se_sim, "kernel_mean_other_seed": m_ker,
                        "kernel_se": se_ker, "difference_in_se": z, "max_abs_diff_same_seed": worst}

    runs = interleaved({
        "simulate": lambda: simulate(deal, trials=trials, seed=seed),
        "kernel": lambda: kernel(p, trials, seed=seed),
        "kernel_whole": lambda: kernel(p, trials, seed=seed, chunk_size=trials),
    }, repeats)
    s, k, kw = runs["simulate"].median, runs["kernel"].median, runs["kernel_whole"].median
    print(f"wall time, median (best) of {repeats} interleaved runs:")
    print(f"  simulate()                       {s * 1e3:7.1f} ms ({runs['simulate'].best * 1e3:5.1f})   "
          f"{vs_target(s, TARGET_MC_S, 's')}")
    print(f"  kernel, same chunks              {k * 1e3:7.1f} ms ({runs['kernel'].best * 1e3:5.1f})")
    print(f"  kernel, one chunk of {trials:<11,} {kw * 1e3:7.1f} ms ({runs['kernel_whole'].best * 1e3:5.1f})")
    best_ratio = runs["simulate"].best / runs["kernel"].best
    print(f"  ratio simulate / kernel          {s / k:7.2f}× (best to best {best_ratio:.2f}×)   "
          f"{vs_target(s / k, TARGET_KERNEL_RATIO, '×')}")

    # simulate() also returns a fan chart of yearly cash flows (percentiles over up to FAN_TRIALS trials × years,
    # for both parties), which the kernel does not: time that part alone on the deal's real yearly flows.
    fan_n = min(trials, FAN_TRIALS)
    flows = deal_flows(deal, *draw_worlds(deal, fan_n, np.random.default_rng(seed)))
    yearly = [flows.nhs_total().astype(np.float32), flows.partner_total().astype(np.float32)]
    f = statistics.median(times_of(lambda: [np.percentile(y, PERCENTILES, axis=0) for y in yearly], repeats))
    print(f"  of which the fan (percentiles of {fan_n:,} × {p.horizon + 1} yearly flows, both parties) "
          f"{f * 1e3:6.1f} ms; simulate() less the fan / kernel: {(s - f) / k:.2f}×")

    sizes = (2_000, 5_000, 20_000, 50_000)
    by_size = interleaved({str(size): (lambda size=size: simulate(deal, trials=trials, seed=seed, chunk_size=size))
                           for size in sizes}, repeats)
    default = by_size[str(CHUNK)].median if str(CHUNK) in by_size else s
    chunks = {}
    print(f"simulate() by chunk size, median (best) of {repeats} interleaved runs; page faults and system time are "
          f"medians per run:")
    for size in sizes:
        r = by_size[str(size)]
        faults, system = statistics.median(r.faults), statistics.median(r.system)
        chunks[size] = {"ms": r.median * 1e3, "best_ms": r.best * 1e3, "minor_faults": faults,
                        "system_ms": system * 1e3, "all_ms": [x * 1e3 for x in r.wall]}
        print(f"  {size:>7,}  {r.median * 1e3:7.1f} ms ({r.best * 1e3:6.1f})  {r.median / default:5.2f}× the default  "
              f"{faults:>9,.0f} page faults  {system * 1e3:5.0f} ms system")
    RESULTS["montecarlo"] = {"trials": trials, "simulate_ms": s * 1e3, "kernel_ms": k * 1e3,
                             "simulate_best_ms": runs["simulate"].best * 1e3,
                             "kernel_best_ms": runs["kernel"].best * 1e3,
                             "kernel_one_chunk_ms": kw * 1e3, "ratio": s / k, "fan_ms": f * 1e3,
                             "ratio_without_fan": (s - f) / k, "agreement": agree, "chunks": chunks}
    if profile:
        import cProfile
        import pstats
        print("profile of one simulate() (tottime, top 15):")
        prof = cProfile.Profile()
        prof.runcall(simulate, deal, trials=trials, seed=seed)
        pstats.Stats(prof).sort_stats("tottime").print_stats(15)


# -- 2b. Monte Carlo of the pharma example against a minimal kernel (issue 20) ---------------------------------

PHARMA = ROOT / "scenarios" / "pharma-genomic-discovery.yaml"
TARGET_PHARMA_MC_S = 0.5        # 1,000,000 trials of the pharma example (issue 20)
TARGET_PHARMA_RATIO = 1.2       # simulate() / the minimal kernel below


@dataclass(frozen=True)
class PharmaInputs:
    """The pharma-genomic-discovery deal reduced to the numbers its kernel needs (the kernel knows its structure)."""

    horizon: int
    durations: np.ndarray          # (S,) base stage durations
    stage_costs: np.ndarray        # (S,)
    probability: np.ndarray        # (S,)
    triangular_stage2: tuple[float, float, float]
    triangular_stage3: tuple[float, float, float]
    pert_uptake: tuple[float, float, float]
    lognormal_price: tuple[float, float]             # mean, sd
    volume: float
    years_to_peak: float
    margin: float
    sales_end: float
    milestones: tuple[tuple[int, float], ...]        # (stage index, amount fixed in cash)
    tiers: tuple[tuple[float, float], ...]           # (from £ fixed in cash, rate)
    royalty_years: float
    tax_rate: float
    deflator: np.ndarray           # (years,) 1 / (1 + inflation)^t: every term is fixed in cash
    fees: np.ndarray               # (years,) the fees in real pounds
    nhs_costs: np.ndarray          # (years,) the NHS's own costs (real), positive
    df_nhs: np.ndarray
    df_partner: np.ndarray


def pharma_inputs(deal: Deal) -> PharmaInputs:
    """Read the numbers out of the pharma deal, checking it has exactly the structure the kernel hard-codes."""
    route, a = deal.route_to_market, deal.assumptions
    kinds = [t.kind for t in deal.terms]
    assert kinds == ["access_fee", "access_fee", "milestone", "milestone", "milestone", "royalty"], kinds
    assert [u.input for u in deal.uncertainty] == [
        "route_to_market.stages[2].duration_years", "route_to_market.stages[3].duration_years",
        "route_to_market.sales.peak_uptake", "route_to_market.sales.price_gbp"]
    u = [x.distribution for x in deal.uncertainty]
    assert [x.dist for x in u] == ["triangular", "triangular", "pert", "lognormal"]
    assert deal.consent_clause is None and not deal.funding and not deal.platform_users
    assert deal.nhs.split.value == "not_agreed" and deal.contribution.curation is None
    assert all(not (m.own_costs.preparation_gbp or m.own_costs.yearly_gbp) for m in deal.nhs.members)
    assert all(t.indexation.value == "fixed" for t in deal.terms)
    fee0, fee1, ms0, ms1, ms2, royalty = deal.terms
    assert fee0.frequency.value == "one_off" and fee1.frequency.value == "yearly"
    assert royalty.territory.value == "worldwide" and royalty.cap_gbp is None and royalty.term_years is not None
    sales = route.sales
    assert sales.starting_uptake == 0 and sales.nhs_party_purchase_share == 1.0
    h = a.horizon_years
    assert h <= 30  # the Green Book's step never applies
    names = [s.name for s in route.stages]
    years = np.arange(h + 1)
    deflator = (1 + a.inflation_rate) ** -years.astype(float)

    def paid(amount: float, first: int, count: int) -> np.ndarray:
        return np.where((years >= first) & (years < first + count), amount, 0.0)

    costs = deal.contribution.access_costs
    nhs_costs = paid(costs.preparation_gbp, 0, 1) + paid(costs.yearly_gbp, 1, costs.years)
    for e in deal.contribution.expertise:
        nhs_costs = nhs_costs + paid(e.hours_per_year * e.cost_per_hour_gbp, e.start_year, e.years)
    fees = (paid(fee0.amount_gbp, fee0.start_year, 1) + paid(fee1.amount_gbp, fee1.start_year, fee1.years)) * deflator
    return PharmaInputs(
        horizon=h,
        durations=np.array([s.duration_years for s in route.stages], float),
        stage_costs=np.array([s.partner_cost_gbp for s in route.stages], float),
        probability=np.array([s.probability_of_success for s in route.stages], float),
        triangular_stage2=(u[0].low, u[0].mode, u[0].high), triangular_stage3=(u[1].low, u[1].mode, u[1].high),
        pert_uptake=(u[2].low, u[2].mode, u[2].high), lognormal_price=(u[3].mean, u[3].sd),
        volume=sales.volume_per_year, years_to_peak=sales.years_to_peak, margin=sales.operating_margin,
        sales_end=float(sales.end_year),
        milestones=tuple((names.index(m.stage), m.amount_gbp) for m in (ms0, ms1, ms2)),
        tiers=tuple((t.from_gbp, t.rate) for t in royalty.tiers), royalty_years=float(royalty.term_years),
        tax_rate=a.partner_tax_rate, deflator=deflator, fees=fees, nhs_costs=nhs_costs,
        df_nhs=(1 + a.nhs_discount_rate) ** -years.astype(float),
        df_partner=(1 + a.partner_discount_rate) ** -years.astype(float),
    )


def pharma_kernel_chunk(p: PharmaInputs, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """NHS and partner NPV of n trials of the pharma deal, by hand. Draws in the engine's order (stage 2 and 3
    durations, uptake, price, then stage success), so with the same seed and chunking the trials are the same."""
    # Draws.
    durations = np.tile(p.durations, (n, 1))
    durations[:, 2] = rng.triangular(*p.triangular_stage2, n)
    durations[:, 3] = rng.triangular(*p.triangular_stage3, n)
    low, mode, high = p.pert_uptake
    uptake = _pert(rng, low, mode, high, n)
    mean, sd = p.lognormal_price
    sigma2 = np.log1p((sd / mean) ** 2)
    price = rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), n)
    success = rng.random((n, p.durations.size)) < p.probability
    # Route: stages back to back from signature; a stage is reached if every earlier one succeeded.
    ends = np.cumsum(durations, axis=1)
    starts = ends - durations
    passed = np.logical_and.accumulate(success, axis=1)
    reached = np.ones_like(passed)
    reached[:, 1:] = passed[:, :-1]
    launch = ends[:, -1, None]
    launched = passed[:, -1, None]
    # Sales given launch in year t (the interval (t-1, t]): volume × price × peak uptake × ∫ramp over the part of
    # the year after launch and before sales end; the royalty's base stops 12 years after launch.
    t = np.arange(p.horizon + 1, dtype=float)
    lower = np.maximum(t - 1.0, launch)
    scale = (p.volume * price * uptake)[:, None]
    ramp_lower = _ramp(lower - launch, p.years_to_peak)
    upper = np.maximum(np.minimum(t, p.sales_end), lower)
    gross = scale * (_ramp(upper - launch, p.years_to_peak) - ramp_lower)
    upper_royalty = np.maximum(np.minimum(upper, launch + p.royalty_years), lower)
    royalty_base = scale * (_ramp(upper_royalty - launch, p.years_to_peak) - ramp_lower)
    gross[:, 0] = 0.0
    royalty_base[:, 0] = 0.0
    # Tiered royalty; the thresholds are fixed in cash, so in real pounds they fall with the deflator.
    royalty = np.zeros_like(gross)
    for k, (floor, rate) in enumerate(p.tiers):
        top = p.tiers[k + 1][0] if k + 1 < len(p.tiers) else np.inf
        royalty += rate * np.minimum(np.maximum(royalty_base - floor * p.deflator, 0.0), (top - floor) * p.deflator)
    royalty *= launched
    # Everything the partner pays the NHS, year by year: fees, royalty, milestones (in the year their stage ends,
    # ceil, if it succeeds; none past the horizon; fixed in cash).
    paid = royalty
    paid += p.fees
    rows = np.arange(n)
    for stage, amount in p.milestones:
        year = np.ceil(np.round(ends[:, stage], 9)).astype(int)
        inside = year <= p.horizon
        paid[rows[inside], year[inside]] += amount * passed[inside, stage] * p.deflator[year[inside]]
    nhs = paid @ p.df_nhs - p.nhs_costs @ p.df_nhs
    # Partner: operating profit on sales, less stage costs spread evenly over each stage (if reached), less what it
    # pays the NHS, less corporation tax on all of that with losses carried forward.
    flow = gross
    flow *= p.margin * launched
    for i in range(p.durations.size):
        overlap = np.minimum(t, ends[:, i, None]) - np.maximum(t - 1.0, starts[:, i, None])
        np.maximum(overlap, 0.0, out=overlap)
        overlap[:, 0] = 0.0
        overlap *= (p.stage_costs[i] * reached[:, i] / durations[:, i])[:, None]
        flow -= overlap
    flow -= paid
    taxed = np.maximum.accumulate(np.maximum(np.cumsum(flow, axis=1), 0.0), axis=1)
    tax = p.tax_rate * np.diff(taxed, axis=1, prepend=0.0)
    partner = (flow - tax) @ p.df_partner
    return nhs, partner


def pharma_kernel(p: PharmaInputs, trials: int, *, seed: int,
                  chunk_size: int = CHUNK) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    nhs, partner = np.empty(trials), np.empty(trials)
    for lo in range(0, trials, chunk_size):
        n = min(chunk_size, trials - lo)
        nhs[lo:lo + n], partner[lo:lo + n] = pharma_kernel_chunk(p, n, rng)
    return nhs, partner


def bench_pharma(repeats: int, trials: int, *, profile: bool) -> None:
    heading(f"Monte Carlo: {trials:,} trials of {PHARMA.stem} against a minimal numpy kernel (issue 20)")
    deal = load_deal(PHARMA)
    p = pharma_inputs(deal)
    load = os.getloadavg()
    print(f"horizon {p.horizon} years, {p.durations.size} stages, {len(deal.terms)} terms, corporation tax, chunk "
          f"size {CHUNK:,}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    seed = 20261207
    check = min(trials, 200_000)  # the same seed and chunking give the same trials: checked on the first ones
    sim = simulate(deal, trials=check, seed=seed)
    nhs_same, partner_same = pharma_kernel(p, check, seed=seed)
    nhs_other, partner_other = pharma_kernel(p, check, seed=seed + 1)
    agree = {}
    print(f"agreement of NPVs (£), {check:,} trials:")
    for party, engine_values, same, other in (("NHS", sim.nhs_npv, nhs_same, nhs_other),
                                              ("partner", sim.partner_npv, partner_same, partner_other)):
        m_sim, se_sim = _mean_se(engine_values)
        m_ker, se_ker = _mean_se(other)
        z = (m_sim - m_ker) / np.hypot(se_sim, se_ker)
        worst = float(np.max(np.abs(engine_values - same)))
        print(f"  {party:8} simulate mean {m_sim:14,.0f} (SE {se_sim:,.0f}); kernel, other seed {m_ker:14,.0f} "
              f"(SE {se_ker:,.0f}); difference {z:+.2f} SE; same seed: largest per-trial difference £{worst:.2g}")
        agree[party] = {"simulate_mean": m_sim, "kernel_mean_other_seed": m_ker, "difference_in_se": z,
                        "max_abs_diff_same_seed": worst}
    threaded = "workers" in inspect.signature(simulate).parameters  # simulate() runs chunks on threads (issue 20)
    calls: dict[str, Callable[[], Any]] = {"simulate": lambda: simulate(deal, trials=trials, seed=seed)}
    if threaded:
        calls["simulate, 1 thread"] = lambda: simulate(deal, trials=trials, seed=seed, workers=1)  # type: ignore
    calls["kernel"] = lambda: pharma_kernel(p, trials, seed=seed)
    runs = interleaved(calls, repeats)
    s, k = runs["simulate"].median, runs["kernel"].median
    after = os.getloadavg()
    print(f"wall time, median (best) of {repeats} interleaved runs, and CPU time (user + system, all threads); "
          f"load average after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}:")
    for name, r in runs.items():
        target = f"   {vs_target(r.median, TARGET_PHARMA_MC_S * trials / 1e6, 's')}" if name != "kernel" else ""
        print(f"  {name:20} {r.median * 1e3:8.1f} ms ({r.best * 1e3:7.1f}); CPU {r.cpu_median * 1e3:8.1f} ms{target}")
    print(f"  ratio simulate / kernel {s / k:5.2f}× (best to best {runs['simulate'].best / runs['kernel'].best:.2f}×)"
          f"   {vs_target(s / k, TARGET_PHARMA_RATIO, '×')}")
    if threaded:
        one = runs["simulate, 1 thread"]
        print(f"  ratio simulate on 1 thread / kernel {one.median / k:5.2f}×; CPU time, simulate on 1 thread / "
              f"kernel {one.cpu_median / runs['kernel'].cpu_median:5.2f}×")
    # The target is stated at 20 years: the example with a 20-year horizon (sales to its end), same again.
    twenty = _pharma_variant(_with_horizon(20))
    p20 = pharma_inputs(twenty)
    runs20 = interleaved({"simulate": lambda: simulate(twenty, trials=trials, seed=seed),
                          "kernel": lambda: pharma_kernel(p20, trials, seed=seed)}, repeats)
    s20, k20 = runs20["simulate"].median, runs20["kernel"].median
    print(f"the same at a 20-year horizon (sales to year 20), median (best) of {repeats} interleaved runs:")
    print(f"  simulate             {s20 * 1e3:8.1f} ms ({runs20['simulate'].best * 1e3:7.1f}); CPU "
          f"{runs20['simulate'].cpu_median * 1e3:8.1f} ms   {vs_target(s20, TARGET_PHARMA_MC_S * trials / 1e6, 's')}")
    print(f"  kernel               {k20 * 1e3:8.1f} ms ({runs20['kernel'].best * 1e3:7.1f})")
    print(f"  ratio simulate / kernel {s20 / k20:5.2f}×   {vs_target(s20 / k20, TARGET_PHARMA_RATIO, '×')}")
    RESULTS["pharma_20_years"] = {"trials": trials, "simulate_ms": s20 * 1e3, "kernel_ms": k20 * 1e3,
                                  "ratio": s20 / k20, "simulate_best_ms": runs20["simulate"].best * 1e3,
                                  "kernel_best_ms": runs20["kernel"].best * 1e3}
    RESULTS["pharma"] = {"trials": trials, "simulate_ms": s * 1e3, "kernel_ms": k * 1e3, "ratio": s / k,
                         "runs": {name: {"median_ms": r.median * 1e3, "best_ms": r.best * 1e3,
                                         "cpu_median_ms": r.cpu_median * 1e3, "all_ms": [x * 1e3 for x in r.wall]}
                                  for name, r in runs.items()},
                         "load_average_before": load, "load_average_after": after, "agreement": agree}
    if profile:
        import cProfile
        import pstats
        print("profile of one simulate() (tottime, top 20):")
        prof = cProfile.Profile()
        prof.runcall(simulate, deal, trials=trials, seed=seed)
        pstats.Stats(prof).sort_stats("tottime").print_stats(20)


def _pharma_variant(change: Callable[[dict[str, Any]], None]) -> Deal:
    data = deal_to_data(load_deal(PHARMA))
    data["variants"] = []  # they name the example's own terms by position
    change(data)
    return deal_from_data(data)


def _with_horizon(years: int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["assumptions"]["horizon_years"] = years
        data["route_to_market"]["sales"]["end_year"] = years  # sales to the end of the horizon
    return change


def _with_terms(count: int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        terms = data["terms"]  # fees, milestones, then the royalty: the royalty first, then the others in turn
        order = [terms[-1]] + terms[:-1]
        data["terms"] = [order[i % len(order)] for i in range(count)]
    return change


def bench_growth(repeats: int, *, ten_million: bool) -> None:
    heading(f"How simulate() grows with trials, horizon and terms ({PHARMA.stem})")
    load = os.getloadavg()
    print(f"median of {repeats} interleaved runs in each group; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} cores")
    deal = load_deal(PHARMA)
    out: dict[str, Any] = {"load_average_before": load}
    sizes = (100_000, 1_000_000) + ((10_000_000,) if ten_million else ())
    by_trials = interleaved({str(n): (lambda n=n: simulate(deal, trials=n, seed=1)) for n in sizes},
                            repeats if not ten_million else max(1, repeats // 2))
    out["trials"] = {}
    print("by trials (horizon 25, 6 terms):")
    for n in sizes:
        ms = by_trials[str(n)].median * 1e3
        out["trials"][n] = {"ms": ms, "us_per_trial": ms * 1e3 / n}
        print(f"  {n:>11,} trials  {ms:9.1f} ms  {ms * 1e3 / n:6.3f} µs a trial")
    if not ten_million:
        print("  (10,000,000 trials: bench/bench.py --only growth --ten-million)")
    trials = 1_000_000
    horizons = (10, 20, 25, 40, 80)
    deals = {h: _pharma_variant(_with_horizon(h)) for h in horizons}
    by_horizon = interleaved({str(h): (lambda h=h: simulate(deals[h], trials=trials, seed=1)) for h in horizons},
                             repeats)
    out["horizon"] = {}
    print(f"by horizon ({trials:,} trials, 6 terms; sales to the end of the horizon):")
    for h in horizons:
        ms = by_horizon[str(h)].median * 1e3
        out["horizon"][h] = {"ms": ms, "us_per_trial_year": ms * 1e3 / trials / (h + 1)}
        print(f"  {h:3} years  {ms:9.1f} ms  {ms * 1e6 / trials / (h + 1):6.1f} ns a trial-year")
    counts = (1, 4, 6, 16)
    term_deals = {c: _pharma_variant(_with_terms(c)) for c in counts}
    by_terms = interleaved({str(c): (lambda c=c: simulate(term_deals[c], trials=trials, seed=1)) for c in counts},
                           repeats)
    out["terms"] = {}
    print(f"by number of terms ({trials:,} trials, horizon 25; the royalty first, then fees and milestones in turn):")
    for c in counts:
        ms = by_terms[str(c)].median * 1e3
        out["terms"][c] = {"ms": ms}
        print(f"  {c:3} terms  {ms:9.1f} ms")
    after = os.getloadavg()
    print(f"load average after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
    out["load_average_after"] = after
    RESULTS["growth"] = out


# -- 3. tornado --------------------------------------------------------------------------------------------------

def bench_tornado(repeats: int) -> None:
    heading("Tornado (every default driver at low and high), per example")
    print(f"median of {repeats} runs; target < {TARGET_TORNADO_MS:g} ms")
    rows = {}
    for path in example_paths():
        deal = load_deal(path)
        bars = tornado(deal)
        ms = median_ms(times_of(lambda deal=deal: tornado(deal), repeats))
        rows[path.stem] = {"tornado_ms": ms, "bars": len(bars)}
        print(f"  {path.stem:34} {len(bars):3} bars ({2 * len(bars)} valuations)  {ms:8.1f} ms  "
              f"{vs_target(ms, TARGET_TORNADO_MS, 'ms')}")
    RESULTS["tornado"] = rows


# -- 4. the app --------------------------------------------------------------------------------------------------

def _risk_page_listed() -> bool:
    return RISK_PAGE.exists() and "app_pages/risk.py" in APP.read_text()


def bench_app(repeats: int) -> None:
    heading("App reruns (streamlit.testing.v1.AppTest)")
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60).run()
    if at.session_state["start:example"] != str(IMAGING):
        at.sidebar.selectbox(key="start:example").select(str(IMAGING)).run()
    at.run()  # warm: imports, caches and the first drawing are done
    key = "w:terms[0].amount_gbp"
    base = at.number_input(key=key).value
    times = []
    # A new amount each time: the valuation is cached by the deal's content, and a user's edit is new too.
    for i in range(repeats + 1):
        at.number_input(key=key).set_value(base + 1_000.0 * (i + 1))
        start = time.perf_counter()
        at.run()
        if i:  # the first edited run is a warm-up
            times.append(time.perf_counter() - start)
    assert not at.exception, at.exception
    ms = median_ms(times)
    print(f"Deal page, {IMAGING.stem}, after changing {key}: median of {repeats} reruns {ms:.0f} ms "
          f"(min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f})  {vs_target(ms, TARGET_RERUN_MS, 'ms')}")
    RESULTS["app"] = {"deal_page_rerun_ms": ms, "deal_page_rerun_all_ms": [x * 1e3 for x in times]}

    if not _risk_page_listed():
        print("Risk page: app_pages/risk.py is not in the app yet, not measured")
        return
    at.switch_page("app_pages/risk.py").run()
    assert not at.exception, at.exception
    RESULTS["app"]["risk_page"] = {}
    step = 0
    for tab in ("Monte Carlo", "Tornado", "Two-way table"):
        # The page computes only the tab on screen; each tab is timed after an input change on the Deal page (so
        # nothing is cached for the changed deal), then again with nothing changed.
        at.session_state["risk:tab"] = tab
        at.run()
        risk_times, rerun_times = [], []
        for _ in range(repeats):
            step += 1
            at.switch_page("app_pages/deal.py").run()
            at.number_input(key=key).set_value(base + 100.0 * step).run()
            at.switch_page("app_pages/risk.py")
            start = time.perf_counter()
            at.run()
            risk_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            at.run()  # the same page again with nothing changed
            rerun_times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
        assert at.session_state["risk:tab"] == tab
        ms, again = median_ms(risk_times), median_ms(rerun_times)
        print(f"Risk page, {tab} tab (default trials), after an input change: median of {repeats} runs {ms:.0f} ms "
              f"(min {min(risk_times) * 1e3:.0f}, max {max(risk_times) * 1e3:.0f})  "
              f"{vs_target(ms, TARGET_RERUN_MS, 'ms')}; with nothing changed: {again:.0f} ms")
        RESULTS["app"]["risk_page"][tab] = {"after_change_ms": ms, "rerun_unchanged_ms": again}


# -- 5. memory ---------------------------------------------------------------------------------------------------

_CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from valueshare import load_deal
from valueshare.engine.montecarlo import simulate

def status(field):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))

deal = load_deal({path!r})
before = status("VmRSS")
start = time.perf_counter()
sim = simulate(deal, trials={trials}, seed=1) if {trials} else None
wall = time.perf_counter() - start
print(json.dumps({{"wall_s": wall, "rss_before_kib": before, "hwm_kib": status("VmHWM"),
                  "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""

# A process inherits its parent's peak RSS in ru_maxrss when it execs (Linux keeps the old image's high-water mark),
# so a child started from this process, which holds numpy, pydantic and perhaps Streamlit, would report at least
# this process's size. A small launcher in between makes RUSAGE_CHILDREN measure the simulation's process alone.
_LAUNCHER = """
import json, resource, subprocess, sys
out = subprocess.run([sys.executable, "-c", sys.argv[1]], capture_output=True, text=True, check=True).stdout
result = json.loads(out.strip().splitlines()[-1])
result["children_maxrss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(result))
"""


def _child(trials: int, path: Path = IMAGING) -> dict[str, float]:
    code = _CHILD.format(root=str(ROOT), path=str(path), trials=trials)
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_memory(trials: int, *, ten_million: bool = False) -> None:
    heading(f"Memory: simulate() of {trials:,} trials of {IMAGING.stem} in a subprocess")
    baseline = _child(0)  # imports and the deal, no simulation
    result = _child(trials)
    mib = result["children_maxrss_kib"] / 1024
    print(f"peak RSS of the child (RUSAGE_CHILDREN ru_maxrss, via a launcher): {mib:.0f} MiB  "
          f"{vs_target(mib, TARGET_MEMORY_MIB, 'MiB')}")
    print(f"  the same process with Python, numpy and valueshare imported and the deal loaded, no simulation: "
          f"{baseline['children_maxrss_kib'] / 1024:.0f} MiB peak; RSS just before simulate(): "
          f"{result['rss_before_kib'] / 1024:.0f} MiB; simulate() raises the peak by "
          f"{(result['hwm_kib'] - result['rss_before_kib']) / 1024:.0f} MiB")
    print(f"wall time of simulate() in the child: {result['wall_s']:.2f} s")
    RESULTS["memory"] = {"trials": trials, "peak_rss_mib": mib,
                         "baseline_peak_mib": baseline["children_maxrss_kib"] / 1024,
                         "rss_before_simulate_mib": result["rss_before_kib"] / 1024,
                         "added_mib": (result["hwm_kib"] - result["rss_before_kib"]) / 1024,
                         "wall_s": result["wall_s"]}
    pharma_sizes = (trials,) + ((10_000_000,) if ten_million else ())
    RESULTS["memory_pharma"] = {}
    baseline = _child(0, PHARMA)
    for n in pharma_sizes:
        result = _child(n, PHARMA)
        mib = result["children_maxrss_kib"] / 1024
        target = TARGET_MEMORY_MIB if n <= 1_000_000 else TARGET_MEMORY_10M_MIB
        print(f"{PHARMA.stem}, {n:,} trials: peak RSS {mib:.0f} MiB  {vs_target(mib, target, 'MiB')}; simulate() "
              f"raises the peak by {(result['hwm_kib'] - result['rss_before_kib']) / 1024:.0f} MiB (imported, no "
              f"simulation: {baseline['children_maxrss_kib'] / 1024:.0f} MiB); wall time {result['wall_s']:.2f} s")
        RESULTS["memory_pharma"][n] = {"peak_rss_mib": mib, "wall_s": result["wall_s"],
                                       "added_mib": (result["hwm_kib"] - result["rss_before_kib"]) / 1024}
    if not ten_million:
        print(f"  ({PHARMA.stem} at 10,000,000 trials: bench/bench.py --only memory --ten-million)")


# -- 6. the app in a browser ------------------------------------------------------------------------------------

BROWSER_PAGES = ("Valuation", "Risk", "Framework check", "Contribution value", "Negotiation", "Compare", "Documents",
                 "Register", "Deal")
TARGET_PAGE_MS = 500.0
TARGET_EDIT_MS = 300.0
#: The edit timed on the Deal page: a number typed into this input, then Tab; and the headline figure watched.
EDIT_INPUT = "NHS discount rate (%)"
EDIT_VALUES = ("4", "3.5")
EDIT_SECTION = "Assumptions"
WATCHED_METRIC = "NHS NPV"

# In-page timing, so that Playwright's round trips are not counted: from the click (or the key) that starts a run,
# caught in the capture phase, until the script has run (stApp's script state back to notRunning after running) and
# two animation frames have passed (the browser has drawn what the run sent) -- and, for an edit, until the watched
# metric's text has changed.
_ARM = """([kind, metric]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const read = () => {
    const boxes = [...document.querySelectorAll('[data-testid="stMetric"]')];
    const label = b => (b.querySelector('[data-testid="stMetricLabel"]')?.textContent || '').trim();
    const box = boxes.find(b => label(b) === metric);
    const value = box && box.querySelector('[data-testid="stMetricValue"]');
    return value ? value.textContent.trim() : null;
  };
  const t = window.__vs = {start: null, changed: null, done: null, before: read()};
  let ran = false;
  document.addEventListener(kind, () => { if (t.start === null) t.start = performance.now(); },
                            {capture: true, once: true});
  const watch = new MutationObserver(records => {
    if (t.start === null) return;
    const now = read();
    if (t.changed === null && now !== null && now !== t.before) t.changed = performance.now();
    // A run has started once the state attribute has changed at all (running and back can come in one batch).
    if (records.some(r => r.attributeName === 'data-test-script-state')) ran = true;
    if (ran && app.getAttribute('data-test-script-state') === 'notRunning' && t.done === null) {
      t.done = -1;
      requestAnimationFrame(() => requestAnimationFrame(() => { t.done = performance.now(); watch.disconnect(); }));
    }
  });
  watch.observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                                attributeFilter: ['data-test-script-state']});
}"""


#: Whether the page titled as asked has been drawn and nothing runs: for a visit whose run was not seen.
_SETTLED = """(title) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const heading = document.querySelector('[data-testid="stMain"] h1');
  const idle = app.getAttribute('data-test-script-state') === 'notRunning';
  return idle && !!heading && heading.textContent.trim() === title;
}"""


def bench_browser(repeats: int) -> None:
    heading("The app in headless Chromium (Playwright): each page opened from the sidebar until it has run and "
            "drawn; an edit on the Deal page until the figures change")
    import shutil
    import tempfile

    sys.path.insert(0, str(ROOT / "tests"))
    from app_server import CHROMIUM_ARGS, IDLE, served

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print(f"no Chromium at {chromium}: not measured (apt-get install chromium)")
        return
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    home = Path(tempfile.mkdtemp(prefix="valueshare-bench-"))
    try:
        with served(home, home / "streamlit.log") as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)  # the app opens on the imaging example (ui.state.OPENING_EXAMPLE)
            page.wait_for_selector(IDLE, timeout=90_000)

            missed: dict[str, int] = {}

            def timed(action: Callable[[], None], kind: str, *, until_changed: bool = False,
                      title: str | None = None) -> dict[str, float] | None:
                page.evaluate(_ARM, [kind, WATCHED_METRIC])
                action()
                wait = "window.__vs.changed !== null" if until_changed else "window.__vs.done > 0"
                try:
                    page.wait_for_function(wait, timeout=30_000 if title else 90_000, polling="raf")
                    if until_changed:
                        page.wait_for_function("window.__vs.done > 0", timeout=90_000, polling="raf")
                except Exception as error:
                    # About one visit in fifty, on any page, the script-state attribute is never seen to change
                    # (perhaps the run's start and end drawn in one frame; the cause is not known). When the page
                    # asked for has been drawn and nothing runs, that visit is left out (and counted), not timed.
                    if title is not None and page.evaluate(_SETTLED, title):
                        missed[title] = missed.get(title, 0) + 1
                        return None
                    raise RuntimeError(f"{kind} on {page.url}: {page.evaluate('window.__vs')}") from error
                t = page.evaluate("window.__vs")
                return {"changed": t["changed"] - t["start"] if t["changed"] else float("nan"),
                        "done": t["done"] - t["start"]}

            elements: dict[str, int] = {}

            def open_page(title: str) -> float:
                link = page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title)
                result = timed(link.click, "click", title=title)
                seconds = result["done"] / 1e3 if result is not None else float("nan")
                # What the browser draws, whatever the machine's speed: elements (widgets, text, charts) in the page
                elements[title] = page.evaluate(
                    "document.querySelectorAll('[data-testid=\"stMain\"] [data-testid=\"stElementContainer\"]')"
                    ".length")
                return seconds

            first = {title: open_page(title) for title in BROWSER_PAGES}
            again: dict[str, list[float]] = {title: [] for title in BROWSER_PAGES}
            for _ in range(repeats):
                for title in BROWSER_PAGES:
                    again[title].append(open_page(title))

            # The edit: on the Deal page (the last opened), its section open if the page has sections.
            section = page.get_by_role("tab", name=EDIT_SECTION, exact=True)
            if section.count():
                timed(section.first.click, "click", title="Deal")
            box = page.get_by_label(EDIT_INPUT, exact=True).first
            edits: dict[str, list[float]] = {"changed": [], "done": []}
            for value in (EDIT_VALUES * (repeats + 1))[:2 * repeats + 1]:
                box.fill(value)
                result = timed(lambda: box.press("Tab"), "keydown", until_changed=True)
                assert result is not None
                for name in edits:
                    edits[name].append(result[name])
            browser.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    RESULTS["browser"] = {"load_average_1min": load, "pages": {}}
    print(f"load average before: {load:.2f} on {os.cpu_count()} cores; medians of {repeats} returns")
    for title in BROWSER_PAGES:
        timed_again = [x for x in again[title] if x == x]  # a visit not seen (NaN) is left out
        ms = median_ms(timed_again) if timed_again else float("nan")
        unseen = f" ({len(again[title]) - len(timed_again)} of {len(again[title])} not seen)" \
            if len(timed_again) < len(again[title]) else ""
        print(f"{title:20s} first visit {first[title] * 1e3:5.0f} ms; back to it: {ms:5.0f} ms "
              f" {vs_target(ms, TARGET_PAGE_MS, 'ms')}; {elements[title]:4d} elements{unseen}")
        RESULTS["browser"]["pages"][title] = {"first_ms": first[title] * 1e3, "back_ms": ms,
                                              "elements": elements[title], "returns": again[title]}
    if missed:
        print(f"visits whose run was not seen (the page drawn, its run never seen to start), left out: {missed}")
    changed = statistics.median(edits["changed"][1:])  # the first edit warms the caches of the new value
    done = statistics.median(edits["done"][1:])
    print(f"Deal page, '{EDIT_INPUT}' typed and Tab: the {WATCHED_METRIC} shown changes after {changed:5.0f} ms "
          f"{vs_target(changed, TARGET_EDIT_MS, 'ms')}; the whole run drawn after {done:5.0f} ms "
          f"(median of {len(edits['done']) - 1})")
    RESULTS["browser"]["edit"] = {"changed_ms": changed, "done_ms": done, "all_changed_ms": edits["changed"],
                                  "all_done_ms": edits["done"]}


# -- main --------------------------------------------------------------------------------------------------------

def machine() -> dict[str, Any]:
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    import pydantic
    try:
        streamlit_version = importlib.metadata.version("streamlit")
    except importlib.metadata.PackageNotFoundError:
        streamlit_version = "not installed"
    return {"date": datetime.date.today().isoformat(), "cpu_count": os.cpu_count(), "usable_cpus": affinity,
            "python": platform.python_version(), "numpy": np.__version__, "pydantic": pydantic.VERSION,
            "streamlit": streamlit_version,
            "platform": platform.platform(), "processor": platform.processor() or platform.machine()}


TARGET_PORTFOLIO_S = 2.0
PORTFOLIO_SIZES = (100, 1000, 3000, 10000)


def _postgres_url() -> str | None:
    """The test server's URL ($VALUESHARE_TEST_POSTGRES_URL, or the one .ci/postgres wrote), or None."""
    url = os.environ.get("VALUESHARE_TEST_POSTGRES_URL", "")
    written = Path(os.environ.get("VALUESHARE_PG_DIR", "/tmp/valueshare-postgres")) / "url"
    if not url and written.exists():
        url = written.read_text().strip()
    return url or None


def _portfolio_backend(name: str, location: str, repeats: int, sizes: tuple[int, ...]) -> dict[int, dict[str, float]]:
    from dataclasses import replace

    from valueshare.register import service
    from valueshare.register.portfolio import portfolio
    from valueshare.register.sql import open_register

    # Each example saved once as service.save would (validated, valued, its outline made), then stored under new
    # keys and names: a register of real-sized deals, made in seconds rather than the minutes 10,000 saves take.
    saved = [service.new_version(load_deal(p), author="bench", note="generated") for p in example_paths()]
    rows = {}
    repo = open_register(location)
    try:
        made = 0
        for size in sizes:
            while made < size:
                new = saved[made % len(saved)]
                repo.add_version(f"deal-{made:05d}", replace(new, deal_name=f"Deal {made:05d}"), None)
                made += 1
            seconds = median_ms(times_of(lambda: portfolio(repo), repeats)) / 1000
            rows[size] = {"seconds": seconds, "per_deal_ms": 1000 * seconds / size}
            print(f"  {name:10} {size:6,} deals  {seconds:7.3f} s  ({1000 * seconds / size:5.3f} ms a deal)"
                  + (f"  {vs_target(seconds, TARGET_PORTFOLIO_S, 's')}" if size == 1000 else ""))
    finally:
        repo.close()
    return rows


def bench_portfolio(repeats: int, sizes: tuple[int, ...] = PORTFOLIO_SIZES) -> None:
    heading("Portfolio of a register, by number of deals, on SQLite and PostgreSQL")
    print(f"median of {repeats} runs; target < {TARGET_PORTFOLIO_S:g} s at 1,000 deals")
    import tempfile

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = _portfolio_backend("SQLite", str(Path(folder) / "register.sqlite"), repeats, sizes)
    url = _postgres_url()
    if url is None:
        print("  PostgreSQL: no server (start one with .ci/postgres, or set VALUESHARE_TEST_POSTGRES_URL)")
    else:
        import psycopg

        schema = f"bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            results["postgresql"] = _portfolio_backend("PostgreSQL", f"{url}?options=-csearch_path%3D{schema}",
                                                       repeats, sizes)
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
    RESULTS["portfolio"] = results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (about four times faster, noisier)")
    default = [name for name in SECTIONS if name != "growth"]  # growth takes minutes: only when asked for
    parser.add_argument("--only", default=",".join(default),
                        help=f"comma-separated sections to run (default: {','.join(default)}; also growth)")
    parser.add_argument("--trials", type=int, default=100_000, help="Monte Carlo trials (default 100,000)")
    parser.add_argument("--memory-trials", type=int, default=1_000_000, help="trials for the memory section")
    parser.add_argument("--pharma-trials", type=int, default=1_000_000,
                        help="trials for the pharma section (default 1,000,000)")
    parser.add_argument("--ten-million", action="store_true",
                        help="growth and memory sections: also 10,000,000 trials of the pharma example (minutes)")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one simulate()")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")

    info = machine()
    RESULTS["machine"] = info
    print(f"valueshare benchmarks, {info['date']}: {info['cpu_count']} cores (os.cpu_count(); usable "
          f"{info['usable_cpus']}), Python {info['python']}, numpy {info['numpy']}, pydantic {info['pydantic']}, "
          f"streamlit {info['streamlit']}, {info['platform']}")
    quick = args.quick
    runs: dict[str, Callable[[], None]] = {
        "deterministic": lambda: bench_deterministic(100 if quick else 500),
        "montecarlo": lambda: bench_montecarlo(3 if quick else 7, args.trials, profile=args.profile),
        "pharma": lambda: bench_pharma(3 if quick else 7, args.pharma_trials, profile=args.profile),
        "growth": lambda: bench_growth(3 if quick else 5, ten_million=args.ten_million),
        "tornado": lambda: bench_tornado(3 if quick else 10),
        "app": lambda: bench_app(3 if quick else 5),
        "memory": lambda: bench_memory(args.memory_trials, ten_million=args.ten_million),
        "browser": lambda: bench_browser(3 if quick else 5),
        "portfolio": lambda: bench_portfolio(3 if quick else 5),
    }
    for name in SECTIONS:
        if name not in only:
            continue
        try:
            runs[name]()
        except Exception as error:  # one broken section (an app page mid-edit) should not hide the others' figures
            print(f"{name}: could not be measured: {type(error).__name__}: {error}")
            RESULTS.setdefault("failed", {})[name] = repr(error)
    if args.json:
        args.json.write_text(json.dumps(RESULTS, indent=2, default=str))
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
