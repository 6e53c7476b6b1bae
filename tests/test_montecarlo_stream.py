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
from valueshare.engine.montecarlo import simulate

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
