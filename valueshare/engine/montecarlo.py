"""Monte Carlo: the same cash-flow functions as the deterministic valuation, over many drawn worlds at once.

In each trial every stage succeeds or fails (a draw against its probability), so a failed stage takes its milestone,
every later milestone and all sales-linked payments with it; uncertain inputs are drawn from their distributions, so
a longer stage shifts launch and everything after it; a consent clause switches on or not; an equity exit happens
or not. Trials are processed in chunks so memory stays bounded: one chunk of trials × years is about 1 MB per array
(5,000 by default: see CHUNK). Each chunk is drawn in order on the calling thread (``draw``: random numbers only)
and valued on a pool of threads (one per core), a few chunks to a task, so the number of threads changes nothing.
Trials whose flows are the same (a programme that stops at a stage whose inputs are fixed) are valued once
(``alike``). Reproducible: the same deal, seed, trial count and chunk size give the same numbers.
"""

from __future__ import annotations

import ctypes
import os
import platform
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from valueshare.engine.finance import npv
from valueshare.engine.route import SALES_INPUTS, RouteDraw, base_inputs, build_route, route_offset_and_branch
from valueshare.engine.sampling import draw as sample
from valueshare.engine.timeline import discount_factors
from valueshare.engine.valuation import deal_flows, value_deal
from valueshare.mechanisms import of
from valueshare.model import Deal, Use
from valueshare.paths import parse

DEFAULT_TRIALS = 10_000
CHUNK = 5_000  # small chunks stay in cache; 50,000 was 4x slower here (measured in bench/)
#: Chunks drawn one after another and valued together by one thread: the worlds that repeat across them are valued
#: once (``alike``), and the cost of each call of ``deal_flows`` is shared by more trials. Measured in bench/ (1M
#: trials, medians of 5-7): 8 chunks a task, at most 10,000 rows a call, beat 4 and 5,000 by 10-20% on the pharma
#: example (most trials alike), on national-ai-adoption (none alike) and on ai-imaging-device.
CHUNKS_PER_TASK = 8
ROWS_PER_CALL = 10_000
#: The first tasks' chunks (``task_chunks``).
RAMP = (1, 1, 2, 4)
FAN_TRIALS = 20_000  # percentiles of 20,000 trials are within about 1% of those of more; sorting 100,000 cost 70 ms
PERCENTILES = (10, 50, 90)


@dataclass(frozen=True)
class Spread:
    """Summary of one party's NPV over the trials. ``standard_error`` is sd / √trials, the error of the mean."""

    mean: float
    sd: float
    standard_error: float
    p10: float
    p50: float
    p90: float
    probability_negative: float

    @staticmethod
    def of(values: np.ndarray) -> Spread:
        p10, p50, p90 = np.percentile(values, PERCENTILES)
        sd = float(values.std(ddof=1)) if values.size > 1 else 0.0
        return Spread(float(values.mean()), sd, sd / np.sqrt(values.size), float(p10), float(p50), float(p90),
                      float((values < 0).mean()))

    def to_dict(self) -> dict[str, float]:
        return {k: round(v, 2) if k not in ("probability_negative",) else round(v, 6)
                for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class ByLaunch:
    """One side's trials split by launch: the share that launched (with its standard error, √(p(1 − p) / trials)),
    and the NPVs of the trials that launched and of those that did not."""

    launch_probability: float
    standard_error: float
    launched: np.ndarray
    not_launched: np.ndarray

    @staticmethod
    def of(values: np.ndarray, launched: np.ndarray) -> ByLaunch:
        """
        >>> split = ByLaunch.of(np.array([-1.0, 5.0, -1.0, 7.0]), np.array([False, True, False, True]))
        >>> split.launch_probability, split.launched.tolist(), split.not_launched.tolist()
        (0.5, [5.0, 7.0], [-1.0, -1.0])
        """
        p = float(launched.mean())
        return ByLaunch(p, float(np.sqrt(p * (1 - p) / launched.size)), values[launched], values[~launched])


@dataclass(frozen=True)
class Simulation:
    """The result of a Monte Carlo: every trial's NPV for each party and the yearly spread of cash flows."""

    deal_name: str
    trials: int
    seed: int | None
    years: np.ndarray
    nhs_npv: np.ndarray          # (trials,) NHS NPV of each trial, £
    partner_npv: np.ndarray      # (trials,)
    nhs_fan: np.ndarray          # (3, years) P10, P50, P90 of the NHS's yearly cash flow
    partner_fan: np.ndarray      # (3, years)
    fan_trials: int              # how many trials the fan is computed from
    expected_nhs_npv: float      # the deterministic (risk-adjusted) values, for comparison
    expected_partner_npv: float
    launched: np.ndarray | None = None  # (trials,) bool: the product reached the market; None: no route to market

    @property
    def nhs(self) -> Spread:
        return Spread.of(self.nhs_npv)

    @property
    def partner(self) -> Spread:
        return Spread.of(self.partner_npv)

    @property
    def probability_nhs_loses_money(self) -> float:
        """Share of trials in which everything the NHS receives does not cover its costs (NHS NPV below zero)."""
        return float((self.nhs_npv < 0).mean())

    def by_launch(self, side: str) -> ByLaunch | None:
        """One side's NPVs split by whether the product launched in the trial (``side`` is "nhs" or "partner");
        None when the deal has no route to market."""
        if self.launched is None:
            return None
        values = self.nhs_npv if side == "nhs" else self.partner_npv
        return ByLaunch.of(values, self.launched)

    def to_dict(self) -> dict[str, Any]:
        def fan(values: np.ndarray) -> dict[str, list[float]]:
            return {f"p{q}": [round(float(v), 2) for v in row] for q, row in zip(PERCENTILES, values, strict=False)}
        return {
            "deal": self.deal_name, "trials": self.trials, "seed": self.seed,
            "nhs_npv": self.nhs.to_dict(), "partner_npv": self.partner.to_dict(),
            "probability_nhs_fails_to_recover_costs": round(self.probability_nhs_loses_money, 6),
            "probability_partner_npv_negative": round(self.partner.probability_negative, 6),
            "expected_nhs_npv_gbp": round(self.expected_nhs_npv, 2),
            "expected_partner_npv_gbp": round(self.expected_partner_npv, 2),
            "years": [int(y) for y in self.years],
            "nhs_cash_flow_fan_gbp": fan(self.nhs_fan), "partner_cash_flow_fan_gbp": fan(self.partner_fan),
            "fan_trials": self.fan_trials,
        }


@dataclass(frozen=True)
class Draws:
    """The random numbers of n worlds, in the order they are drawn from the stream; ``assemble`` turns them into
    worlds. Drawing is all a chunk needs of the stream, so only this part runs in order on the calling thread."""

    n: int
    clause: np.ndarray | None                      # (n,) uniforms for the consent clause
    inputs: list[tuple[str, int | None, np.ndarray]]  # (stage or sales input, stage index or None, (n,) values)
    success: np.ndarray | None                     # (n, S) uniforms for the stages' success
    worlds: dict[int, Any]                         # each term's own drawn part of the worlds (equity's exits)

    @staticmethod
    def join(parts: list[Draws]) -> Draws:
        """The draws of consecutive chunks as one, their worlds in order."""
        if len(parts) == 1:
            return parts[0]
        first = parts[0]

        def cat(arrays: list[Any]) -> Any:
            if isinstance(arrays[0], tuple):
                return tuple(np.concatenate(column) for column in zip(*arrays, strict=True))
            return np.concatenate(arrays)

        return Draws(
            sum(p.n for p in parts),
            None if first.clause is None else np.concatenate([p.clause for p in parts]),
            [(name, stage, np.concatenate([p.inputs[k][2] for p in parts]))
             for k, (name, stage, _) in enumerate(first.inputs)],
            None if first.success is None else np.concatenate([p.success for p in parts]),
            {i: cat([p.worlds[i] for p in parts]) for i in first.worlds},
        )


def _uncertain_route_inputs(deal: Deal) -> list[tuple[str, int | None, Any]]:
    """The uncertain stage and sales inputs, in the deal's order: (field name, stage index or None, distribution)."""
    out: list[tuple[str, int | None, Any]] = []
    if deal.route_to_market is None:
        return out
    for item in deal.uncertainty:
        keys = parse(item.input)
        name = str(keys[-1])
        if keys[:2] == ["route_to_market", "stages"]:
            out.append((name, int(keys[2]), item.distribution))
        elif keys[:2] == ["route_to_market", "sales"] and name in SALES_INPUTS:
            out.append((name, None, item.distribution))
    return out


def draw(deal: Deal, n: int, rng: np.random.Generator,
         inputs: list[tuple[str, int | None, Any]] | None = None) -> Draws:
    """The random numbers of n worlds, from ``rng`` in a fixed order: the consent clause, each uncertain stage and
    sales input in the deal's order, the stages' success, then each term's own part (equity's exits).
    ``inputs`` is ``_uncertain_route_inputs(deal)``, read once by a caller that draws many chunks."""
    clause = deal.consent_clause
    uniforms = rng.random(n) if clause else None
    drawn_inputs = [(name, stage, sample(distribution, n, rng))
                    for name, stage, distribution in (_uncertain_route_inputs(deal) if inputs is None else inputs)]
    route = deal.route_to_market
    success = rng.random((n, len(route.stages))) if route is not None else None
    worlds = {}
    for i, term in enumerate(deal.terms):
        world = of(term).world
        if world is not None:
            prefix = f"terms[{i}]."
            uncertain = {item.input[len(prefix):]: item.distribution for item in deal.uncertainty
                         if item.input.startswith(prefix)}
            worlds[i] = world(term, n, rng, uncertain)
    return Draws(n, uniforms, drawn_inputs, success, worlds)


def assemble(deal: Deal, drawn: Draws):
    """The worlds of ``drawn``: the route (stages succeed or fail), whether the consent clause switched on, and each
    top-level term's own part of them where its mechanism draws one (equity's exits), by term index. No random
    numbers are drawn here, so chunks can be assembled on any thread."""
    n, clause = drawn.n, deal.consent_clause
    switched = (drawn.clause < clause.probability).astype(float) if clause and drawn.clause is not None \
        else np.zeros(n)
    route: RouteDraw | None = None
    if deal.route_to_market is not None:
        stage, sales = base_inputs(deal.route_to_market, n)
        for name, index, values in drawn.inputs:
            if index is None:
                sales[name] = values
            else:
                stage[name][:, index] = values
        offset, _ = route_offset_and_branch(deal)
        branch = switched if clause and deal.use is Use.NON_COMMERCIAL_RESEARCH else np.ones(n)
        assert drawn.success is not None
        success = (drawn.success < stage["probability_of_success"]).astype(float)
        route = build_route(deal.route_to_market, deal.assumptions.horizon_years, offset=offset, branch=branch,
                            durations=stage["duration_years"], costs=stage["partner_cost_gbp"], success=success,
                            sales=sales)
    return route, switched, drawn.worlds


def draw_worlds(deal: Deal, n: int, rng: np.random.Generator):
    """n random worlds: the route (stages succeed or fail), whether the consent clause switched on, and each
    top-level term's own part of them where its mechanism draws one (equity's exits), by term index."""
    return assemble(deal, draw(deal, n, rng))


def alike(drawn: Draws, worlds: tuple[RouteDraw | None, np.ndarray, dict[int, Any]]
          ) -> tuple[np.ndarray, np.ndarray] | None:
    """Worlds whose cash flows are the same: ``(keep, inverse)``, the rows to value and, for each of the n worlds,
    the index into ``keep`` of the row whose flows are its own; None when every world is to be valued. ``worlds``
    are those ``assemble`` made of ``drawn``.

    A world's flows depend only on what it reaches: a programme that stops at stage k spends and earns nothing in
    the stages after k (their weights are 0) and sells nothing, so the durations and costs of those stages and
    every sales input play no part (``deal_flows``). Every input that is not drawn is the deal's own in every world
    (``assemble``), and a stage's start and end follow from the durations of the stages up to it. So worlds that
    passed the same number of stages, with the consent clause switched the same way, have the same flows when
    their draws agree on every input that plays a part: each term's own draw (equity's exit); the drawn durations
    and costs of the stages they reached; and, when they launched, the drawn durations, costs and sales inputs.
    (A drawn chance of success plays no part beyond whether the stage passed.) Those are valued as one row. In a
    Monte Carlo of a medicine most trials stop at the first stages, whose inputs are often fixed: those trials are
    then valued once a chunk."""
    route, switched, own = worlds
    n = drawn.n
    always = [switched]
    for world in own.values():
        parts = world if isinstance(world, tuple) else (world,)
        for part in parts:
            if not isinstance(part, np.ndarray) or part.shape != (n,):
                return None  # a term's draw of another shape: value every world
            always.append(part)
    stages = 0 if route is None else len(route.stage_names)
    reached: list[list[np.ndarray]] = [[] for _ in range(stages)]  # drawn inputs of each stage
    sold: list[np.ndarray] = []                                    # drawn sales inputs
    for name, index, values in drawn.inputs:
        if name == "probability_of_success":
            continue
        (sold if index is None else reached[index]).append(values)
    if stages:
        assert route is not None
        passed = ((route.passed != 0) @ np.ones(stages)).astype(np.intp)
        sold = [v for each in reached for v in each] + sold
    else:
        passed = np.zeros(n, dtype=np.intp)

    def varies(values: np.ndarray) -> bool:
        return not (values == values[0]).all()

    always = [v for v in always if varies(v)]
    reached = [[v for v in each if varies(v)] for each in reached]
    sold = [v for v in sold if varies(v)]
    code = passed * 2 + (switched != 0)
    counts = np.bincount(code)
    representative = np.arange(n)
    for group in np.flatnonzero(counts > 1):
        k = int(group) // 2
        compared = always + (sold if k == stages else [v for each in reached[:k + 1] for v in each])
        rows = np.flatnonzero(code == group)
        if all((values[rows] == values[rows[0]]).all() for values in compared):
            representative[rows] = rows[0]
    keep = np.flatnonzero(representative == np.arange(n))
    if keep.size == n:
        return None
    position = np.empty(n, dtype=np.intp)
    position[keep] = np.arange(keep.size)
    return keep, position[representative]


def take_worlds(worlds: tuple[RouteDraw | None, np.ndarray, dict[int, Any]], rows: np.ndarray
                ) -> tuple[RouteDraw | None, np.ndarray, dict[int, Any]]:
    """The same worlds, only ``rows`` of them (an index array), in that order."""
    route, switched, drawn = worlds
    return (None if route is None else route.take(rows), switched[rows],
            {i: tuple(part[rows] for part in world) if isinstance(world, tuple) else world[rows]
             for i, world in drawn.items()})


#: glibc's malloc options (malloc.h): M_TRIM_THRESHOLD, M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_allocator_tuned = False


def _keep_freed_memory() -> None:
    """Ask glibc's malloc, once per process, to keep up to 64 MiB of freed memory at the top of each heap and to
    serve arrays under 32 MiB from its heaps.

    By default it adapts both thresholds to the sizes freed so far and hands the freed top of a heap back to the
    system as soon as it exceeds twice the largest block seen: a chunk's arrays of trials × years (a few MB each)
    are then returned at the end of every chunk and faulted in, zeroed, again in the next. Measured (bench/) on
    300,000 trials of the pharma example with an 80-year horizon: 520,000 page faults and 3.5 s without this,
    1,100 and 1.2 s with it; at 25 years the faults came and went with the history of sizes (7,000 to 810,000 in
    1,000,000 trials). The cost is that the process keeps up to that much memory it no longer uses instead of
    returning it. Nothing changes on another C library (musl, macOS, Windows)."""
    global _allocator_tuned
    if _allocator_tuned:
        return
    _allocator_tuned = True
    if platform.libc_ver()[0] != "glibc":
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_TRIM_THRESHOLD, 64 << 20)
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    except (OSError, AttributeError):  # no such library or function: the defaults stay
        pass


def task_chunks(chunks: int) -> list[tuple[int, int]]:
    """The tasks of a simulation of ``chunks`` chunks: (first chunk, number of chunks) of each, in order. The first
    tasks are short (1, 1, 2, 4 chunks) so that every thread has work soon after the start, then
    ``CHUNKS_PER_TASK`` each. They depend only on the number of chunks, never on the number of threads.

    >>> task_chunks(20)
    [(0, 1), (1, 1), (2, 2), (4, 4), (8, 8), (16, 4)]
    """
    out: list[tuple[int, int]] = []
    first = 0
    for count in RAMP:
        if first >= chunks:
            return out
        out.append((first, min(count, chunks - first)))
        first += count
    while first < chunks:
        out.append((first, min(CHUNKS_PER_TASK, chunks - first)))
        first += CHUNKS_PER_TASK
    return out


def _workers(workers: int | None) -> int:
    """Threads for the chunks: ``workers``, or one per core the process may use."""
    if workers is not None:
        return max(1, workers)
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return max(1, len(usable) if usable else (os.cpu_count() or 1))


def simulate(deal: Deal, *, trials: int = DEFAULT_TRIALS, seed: int | None = None, chunk_size: int = CHUNK,
             progress: Callable[[float], None] | None = None, workers: int | None = None) -> Simulation:
    """Run ``trials`` trials of the deal, in chunks; ``progress`` (if given) is called with the share done.

    The random numbers of every chunk are drawn in order in the calling thread, so the stream (and every trial) is
    the same whatever the number of threads; the worlds and cash flows of ``CHUNKS_PER_TASK`` chunks at a time are
    then computed in a pool of ``workers`` threads (default: one per core; numpy releases the GIL inside its array
    loops), a few tasks ahead of the results, so memory stays bounded. ``progress`` is called in the calling thread,
    after each task."""
    if trials < 2:
        raise ValueError("trials: at least 2 trials are needed")
    a = deal.assumptions
    rng = np.random.default_rng(seed)
    df_nhs = discount_factors(a.nhs_discount_rate, a.horizon_years, rate_after_30=a.nhs_discount_rate_after_30,
                              rate_after_75=a.nhs_discount_rate_after_75)
    df_partner = discount_factors(a.partner_discount_rate, a.horizon_years)
    nhs_npv = np.empty(trials)
    partner_npv = np.empty(trials)
    fan_n = min(trials, FAN_TRIALS)
    nhs_yearly = np.empty((fan_n, a.horizon_years + 1), dtype=np.float32)
    partner_yearly = np.empty_like(nhs_yearly)
    launched = np.zeros(trials, dtype=bool) if deal.route_to_market is not None else None

    def value(done: int, chunks: list[Draws]) -> None:
        """Every result of the trials of consecutive ``chunks`` from ``done`` on, written into their own rows (no two
        tasks share one). Worlds with the same flows are valued once (``alike``); the rows valued are
        taken ``ROWS_PER_CALL`` at a time, so the yearly arrays stay small."""
        drawn = Draws.join(chunks)
        n = drawn.n
        worlds = assemble(deal, drawn)
        if launched is not None and worlds[0] is not None:  # a trial's weights are 0 or 1: it launched or not
            launched[done:done + n] = worlds[0].launched > 0.5
        same = alike(drawn, worlds)
        kept = n if same is None else same[0].size
        fan = done < fan_n  # yearly totals are needed for the fan: NPV from them
        nhs, partner = np.empty(kept), np.empty(kept)
        if fan:
            nhs_cf, partner_cf = np.empty((kept, a.horizon_years + 1)), np.empty((kept, a.horizon_years + 1))
        for lo in range(0, kept, ROWS_PER_CALL):
            hi = min(lo + ROWS_PER_CALL, kept)
            rows = np.arange(lo, hi) if same is None else same[0][lo:hi]
            flows = deal_flows(deal, *(take_worlds(worlds, rows) if hi - lo < n else worlds))
            if fan:
                nhs_cf[lo:hi], partner_cf[lo:hi] = flows.nhs_total(), flows.partner_total()
                nhs[lo:hi], partner[lo:hi] = npv(nhs_cf[lo:hi], df_nhs), npv(partner_cf[lo:hi], df_partner)
            else:  # NPV line by line: cheaper than adding up yearly arrays first (measured in bench/)
                nhs[lo:hi], partner[lo:hi] = flows.nhs_npv(df_nhs), flows.partner_npv(df_partner)
        every = slice(None) if same is None else same[1]  # each trial's row among those valued
        nhs_npv[done:done + n] = nhs[every]
        partner_npv[done:done + n] = partner[every]
        if fan:
            keep = min(n, fan_n - done)
            nhs_yearly[done:done + keep] = nhs_cf[every][:keep]
            partner_yearly[done:done + keep] = partner_cf[every][:keep]

    def fan() -> tuple[np.ndarray, np.ndarray]:
        return (np.percentile(nhs_yearly, PERCENTILES, axis=0), np.percentile(partner_yearly, PERCENTILES, axis=0))

    inputs = _uncertain_route_inputs(deal)
    starts = range(0, trials, chunk_size)
    if len(starts) == 1:
        value(0, [draw(deal, trials, rng, inputs)])
        if progress is not None:
            progress(1.0)
        fans, expected = fan(), value_deal(deal)
    else:
        # Even one worker is a thread of its own, so the next chunks are drawn while some are valued.
        _keep_freed_memory()
        tasks = task_chunks(len(starts))
        threads = min(_workers(workers), len(tasks))
        with ThreadPoolExecutor(max_workers=threads) as pool:
            # The deterministic values and the fan's percentiles are computed in the pool too: the first while the
            # first chunks are drawn, the second once the fan's trials are done, beside the tasks still running.
            expected_soon = pool.submit(value_deal, deal)
            fan_soon: Future[tuple[np.ndarray, np.ndarray]] | None = None
            pending: deque[tuple[int, Future[None]]] = deque()

            def finish_one() -> None:
                nonlocal fan_soon
                end, future = pending.popleft()
                future.result()
                if fan_soon is None and end >= fan_n:
                    fan_soon = pool.submit(fan)
                if progress is not None:
                    progress(end / trials)

            for first, count in tasks:
                done = starts[first]
                chunks = [draw(deal, min(chunk_size, trials - lo), rng, inputs)
                          for lo in starts[first:first + count]]
                end = done + sum(c.n for c in chunks)
                pending.append((end, pool.submit(value, done, chunks)))
                if len(pending) > 2 * threads:  # a few tasks drawn ahead, no more: memory stays bounded
                    finish_one()
            while pending:
                finish_one()
            assert fan_soon is not None  # the last task ends at ``trials`` >= fan_n
            fans, expected = fan_soon.result(), expected_soon.result()
    return Simulation(
        deal_name=deal.name, trials=trials, seed=seed, years=np.arange(a.horizon_years + 1),
        nhs_npv=nhs_npv, partner_npv=partner_npv, nhs_fan=fans[0], partner_fan=fans[1],
        fan_trials=fan_n, expected_nhs_npv=expected.nhs_npv, expected_partner_npv=expected.partner_npv,
        launched=launched,
    )
