"""The random stream and every trial's cash flows are those of the engine before issue 20 (Monte Carlo speed).

``montecarlo_stream/reference.json`` holds, for every shipped example and the corpus deals that use every mechanism,
the NHS and partner NPV of each recorded trial at seed 7, recorded by ``montecarlo_stream/record_stream.py`` on the
engine of commit cd37098, before any change made for speed (its docstring says how and when to record again). A change
that keeps the draws (same calls, same order) and the cash flows gives the same trials to rounding: £1e-6 is a
millionth of a penny above the £1e-8 the engine and a hand-written kernel differ by (docs/performance.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from valueshare import load_deal
from valueshare.engine.montecarlo import simulate, task_chunks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
REFERENCE = json.loads((HERE / "montecarlo_stream" / "reference.json").read_text())
TOLERANCE_GBP = 1e-6


def _check(recorded: dict, nhs: np.ndarray, partner: np.ndarray, launched: np.ndarray | None) -> None:
    np.testing.assert_allclose(nhs, recorded["nhs_npv"], rtol=0, atol=TOLERANCE_GBP)
    np.testing.assert_allclose(partner, recorded["partner_npv"], rtol=0, atol=TOLERANCE_GBP)
    if recorded["launched"] is None:
        assert launched is None
    else:
        assert launched is not None and launched.tolist() == recorded["launched"]


@pytest.mark.parametrize("name", sorted(REFERENCE["deals"]))
def test_each_trial_is_the_one_recorded_before_issue_20(name):
    recorded = REFERENCE["deals"][name]
    deal = load_deal(ROOT / name)
    seed = REFERENCE["seed"]
    small = simulate(deal, trials=REFERENCE["small_trials"], seed=seed, chunk_size=REFERENCE["small_chunk"])
    _check(recorded["small"], small.nhs_npv, small.partner_npv, small.launched)
    # The fan is percentiles of float32 yearly flows: a float32 keeps 24 bits, so £1e-6 relative to the flow
    np.testing.assert_allclose(small.nhs_fan, recorded["small"]["nhs_fan"], rtol=1e-6, atol=TOLERANCE_GBP)
    np.testing.assert_allclose(small.partner_fan, recorded["small"]["partner_fan"], rtol=1e-6, atol=TOLERANCE_GBP)

    trials, kept = REFERENCE["large_trials"], REFERENCE["kept"]
    large = simulate(deal, trials=trials, seed=seed)
    for key, part in (("large_first", slice(0, kept)), ("large_last", slice(trials - kept, trials))):
        _check(recorded[key], large.nhs_npv[part], large.partner_npv[part],
               None if large.launched is None else large.launched[part])


@pytest.mark.parametrize("name", ["scenarios/pharma-genomic-discovery.yaml",
                                  "tests/corpus/format1/every-mechanism.yaml",
                                  "tests/corpus/format1/consent-every-term.json"])
def test_the_trials_do_not_depend_on_the_number_of_threads(name):
    """The draws are made in order on the calling thread and each chunk is valued on its own, so 1, 2 or 3 threads
    give the very same numbers, bit for bit: 23 chunks of 1,000 (the last short), across the fan's 20,000."""
    deal = load_deal(ROOT / name)
    runs = {w: simulate(deal, trials=22_500, seed=11, chunk_size=1_000, workers=w) for w in (1, 2, 3)}
    one = runs[1]
    for w in (2, 3):
        assert np.array_equal(runs[w].nhs_npv, one.nhs_npv) and np.array_equal(runs[w].partner_npv, one.partner_npv)
        assert np.array_equal(runs[w].nhs_fan, one.nhs_fan) and np.array_equal(runs[w].partner_fan, one.partner_fan)
        assert (runs[w].launched is None) == (one.launched is None)
        if one.launched is not None:
            assert np.array_equal(runs[w].launched, one.launched)
    # and they are the trials of one long run of the same chunks on the default threads
    default = simulate(deal, trials=22_500, seed=11, chunk_size=1_000)
    assert np.array_equal(default.nhs_npv, one.nhs_npv) and np.array_equal(default.partner_npv, one.partner_npv)


def test_progress_is_reported_in_order_on_the_calling_thread():
    import threading

    deal = load_deal(ROOT / "scenarios/pharma-genomic-discovery.yaml")
    seen: list[tuple[float, threading.Thread]] = []
    simulate(deal, trials=10_500, seed=1, chunk_size=1_000, workers=2,
             progress=lambda share: seen.append((share, threading.current_thread())))
    # 11 chunks: 1,000 trials each, the last 500; tasks of 1, 1, 2 and 4 chunks, then up to 8 (task_chunks):
    # done after 1,000, 2,000, 4,000, 8,000 and 10,500 trials; the share done after each, by hand
    assert task_chunks(11) == [(0, 1), (1, 1), (2, 2), (4, 4), (8, 3)]
    assert [round(share, 6) for share, _ in seen] == [round(k / 10_500, 6) for k in (1_000, 2_000, 4_000, 8_000)] \
        + [1.0]
    assert all(thread is threading.current_thread() for _, thread in seen)


def test_trials_of_the_pharma_example_that_stop_at_its_fixed_first_stages_are_valued_once():
    """The pharma example draws the durations of Phase II and III, uptake and price: its first two stages are fixed,
    so every trial that fails target discovery has the same flows, as has every trial that fails Phase I; a trial
    that reaches Phase II has a drawn duration of its own (``alike``)."""
    from valueshare.engine.montecarlo import alike, assemble, draw

    deal = load_deal(ROOT / "scenarios/pharma-genomic-discovery.yaml")
    drawn = draw(deal, 5_000, np.random.default_rng(3))
    worlds = assemble(deal, drawn)
    keep, inverse = alike(drawn, worlds)
    passed = (worlds[0].passed > 0).sum(axis=1)
    assert (passed == 0).any() and (passed == 1).any()
    assert keep.size == 2 + int((passed >= 2).sum())
    for k in (0, 1):
        assert len(set(inverse[passed == k].tolist())) == 1
    later = inverse[passed >= 2]
    assert len(set(later.tolist())) == later.size


@pytest.mark.parametrize("name", sorted(REFERENCE["deals"]))
def test_valuing_alike_trials_once_changes_no_trial(name, monkeypatch):
    """Every trial, and the fan, of a run that values alike trials once equal those of the same run valuing every
    trial on its own (``alike`` switched off), to rounding: tasks of several chunks and a short last chunk."""
    from valueshare.engine import montecarlo

    deal = load_deal(ROOT / name)
    once = simulate(deal, trials=12_345, seed=3, chunk_size=1_000)
    monkeypatch.setattr(montecarlo, "alike", lambda drawn, worlds: None)
    each = simulate(deal, trials=12_345, seed=3, chunk_size=1_000)
    for got, want in ((once.nhs_npv, each.nhs_npv), (once.partner_npv, each.partner_npv),
                      (once.nhs_fan, each.nhs_fan), (once.partner_fan, each.partner_fan)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-6)
