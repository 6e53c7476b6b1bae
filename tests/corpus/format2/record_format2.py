"""Record the figures of the frozen format-2 corpus with the valueshare that wrote format 2: figures.json here.

``tests/test_format3.py`` loads every deal file in this folder (files as valueshare wrote them while format 2 was
current, each starting ``format_version: 2``), migrates it to today's format, values it with today's engine and
compares every money figure with ``figures.json``. The promise it checks: format 3 (issue 16) renamed
``uk_share`` and turned ``consortium_members`` into ``members``, and a format-2 file keeps its money.

The figures must come from the code that read format 2, not from today's: commit 7bf751f, the last commit before
format 3. From the repository's root::

    git worktree add /tmp/wt-7bf751f 7bf751f
    mkdir -p /tmp/wt-7bf751f/tests/corpus/format2
    cp tests/corpus/format2/*.yaml tests/corpus/format2/*.json tests/corpus/format2/record_format2.py \\
       /tmp/wt-7bf751f/tests/corpus/format2/
    (cd /tmp/wt-7bf751f && python tests/corpus/format2/record_format2.py)
    cp /tmp/wt-7bf751f/tests/corpus/format2/figures.json tests/corpus/format2/
    git worktree remove /tmp/wt-7bf751f --force

Run as a script, this module uses the valueshare of the checkout it sits in, and the figures of that checkout's
``tests/corpus/record.py`` (the format-1 corpus's recorder), with each valuation's lines and each variant's money
added. **Record again only when a figure is meant to change** (the format-1 recorder's docstring says when), and
then with the old code and a reason in the commit: a figure that differs after a change to the format or its
loader means the migration changed what people's files mean, and the migration is what is wrong. Never edit the
deal files; add one (and record again, at 7bf751f) to cover something new.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent.parent
FIGURES = HERE / "figures.json"

if __name__ == "__main__" and str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script: this checkout's valueshare

_spec = importlib.util.spec_from_file_location("corpus_record_format1", HERE.parent / "record.py")
assert _spec is not None and _spec.loader is not None
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

from valueshare.compare import variants_of  # noqa: E402
from valueshare.engine.valuation import Valuation, value_deal  # noqa: E402
from valueshare.model import Deal  # noqa: E402
from valueshare.scenario import load_deal  # noqa: E402

TRIALS, SEED = base.TRIALS, base.SEED


def corpus_files() -> list[Path]:
    """Every deal file of the format-2 corpus, by name."""
    return sorted(p for p in HERE.iterdir() if p.suffix in (".yaml", ".json") and p.name != FIGURES.name)


def lines_of(v: Valuation) -> dict[str, dict[str, float]]:
    """Each line's present value (NHS lines at the NHS rate, the partner's at its rate), by the line's key."""
    return {"nhs": {x.key: x.present_value for x in v.nhs_lines},
            "partner": {x.key: x.present_value for x in v.partner_lines}}


def figures_of(deal: Deal) -> dict[str, Any]:
    """The format-1 recorder's figures of one deal, each valuation's lines, and each variant's money and lines."""
    figures = base.figures_of(deal)
    figures["lines"] = lines_of(value_deal(deal))
    variants = {}
    for name, variant in variants_of(deal)[1:]:
        v = value_deal(variant)
        variants[name] = {**base._money(v), "lines": lines_of(v)}
    figures["variants"] = variants
    return figures


def record() -> dict[str, Any]:
    """The figures of every format-2 corpus file, by file name."""
    return {path.name: figures_of(load_deal(path)) for path in corpus_files()}


def main() -> int:
    FIGURES.write_text(json.dumps(record(), indent=1, allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {FIGURES}: {len(corpus_files())} deal files. Say in the commit which code recorded them, and why.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
