"""Record the per-trial results of ``simulate()`` for fixed seeds: ``python tests/montecarlo_stream/record_stream.py``.

``tests/test_montecarlo_stream.py`` runs ``simulate()`` with today's engine and compares every recorded trial's NHS
and partner NPV with ``reference.json`` (within £1e-6), and whether it launched exactly. The promise it checks: a
change made for speed (issue 20) keeps the random stream (the same draws, in the same order, from the same calls)
and every trial's cash flows, so a seed gives the same trials as before.

``reference.json`` was recorded by this script on the engine of commit cd37098 (main before issue 20), before any
change to the engine, with numpy 2.4.6 on Python 3.11.7. **Run it again only when per-trial results are meant to
change** (a corrected formula, or a documented change of the random stream in docs/method.md), and say why in the
commit; never to make a failing test pass after a change made for speed.

For each deal: every shipped example and the corpus deals that between them use every mechanism
(``tests/corpus/format1/every-mechanism.yaml``, ``consent-every-term.json``): seed 7, and

- ``small``: 50 trials in chunks of 16 (several chunks, the last one short), all of them in the fan's trials;
- ``large``: 20,050 trials in the default chunks, the first 50 and the last 50 recorded (the last ones come after
  the fan's 20,000 trials, where the engine computes NPVs without yearly totals);
- the fan (P10, P50, P90 of each party's yearly cash flow) of the ``small`` run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REFERENCE = HERE / "reference.json"
SEED = 7
SMALL_TRIALS, SMALL_CHUNK = 50, 16
LARGE_TRIALS, KEPT = 20_050, 50

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from valueshare import load_deal  # noqa: E402
from valueshare.engine.montecarlo import simulate  # noqa: E402
from valueshare.scenario import example_paths  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "format1"


def deal_paths() -> list[Path]:
    return list(example_paths()) + [CORPUS / "every-mechanism.yaml", CORPUS / "consent-every-term.json"]


def figures(path: Path) -> dict[str, Any]:
    deal = load_deal(path)
    small = simulate(deal, trials=SMALL_TRIALS, seed=SEED, chunk_size=SMALL_CHUNK)
    large = simulate(deal, trials=LARGE_TRIALS, seed=SEED)

    def launched(sim, part: slice) -> list[bool] | None:
        return None if sim.launched is None else [bool(x) for x in sim.launched[part]]

    first, last = slice(0, KEPT), slice(LARGE_TRIALS - KEPT, LARGE_TRIALS)
    return {
        "small": {"nhs_npv": small.nhs_npv.tolist(), "partner_npv": small.partner_npv.tolist(),
                  "launched": launched(small, slice(None)),
                  "nhs_fan": small.nhs_fan.tolist(), "partner_fan": small.partner_fan.tolist()},
        "large_first": {"nhs_npv": large.nhs_npv[first].tolist(), "partner_npv": large.partner_npv[first].tolist(),
                        "launched": launched(large, first)},
        "large_last": {"nhs_npv": large.nhs_npv[last].tolist(), "partner_npv": large.partner_npv[last].tolist(),
                       "launched": launched(large, last)},
    }


def main() -> None:
    out = {"seed": SEED, "small_trials": SMALL_TRIALS, "small_chunk": SMALL_CHUNK, "large_trials": LARGE_TRIALS,
           "kept": KEPT, "deals": {str(p.relative_to(ROOT)): figures(p) for p in deal_paths()}}
    REFERENCE.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {REFERENCE} ({len(out['deals'])} deals)")


if __name__ == "__main__":
    main()
