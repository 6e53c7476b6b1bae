"""The command line: ``python -m valueshare validate|value ...``. It translates files into deals and domain errors
into one line per problem; it never prints a traceback for a problem the user can fix.

Exit codes: 0 success; 1 an input is invalid; 2 the command itself is wrong (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Sequence, TextIO

from valueshare.engine import Valuation, value_deal
from valueshare.errors import DealInvalid, ValueshareError
from valueshare.format import money, percent, ratio
from valueshare.model import Deal
from valueshare.scenario import load_deal


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m valueshare", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("validate", help="check scenario files and list every problem")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")

    value = commands.add_parser("value", help="value a deal and print a summary")
    value.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    value.add_argument("--json", action="store_true", help="print the results as JSON")
    value.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="also write the term sheet PDF")
    return parser


def summary(valuation: Valuation) -> str:
    """The readable summary ``value`` prints."""
    v = valuation
    rows = [
        ("NHS NPV", money(v.nhs_npv)),
        ("Partner NPV", money(v.partner_npv)),
        ("Partner IRR", v.partner_irr.text()),
        ("Cost recovery", ratio(v.cost_recovery_ratio) if v.cost_recovery_ratio is not None
         else f"n/a ({v.cost_recovery_note})"),
        ("NHS share of value", percent(v.nhs_share) if v.nhs_share is not None else f"n/a ({v.nhs_share_note})"),
        ("Probability of reaching market", percent(v.launch_probability) if v.launch_probability is not None
         else "no product"),
    ]
    width = max(len(label) for label, _ in rows)
    lines = [v.deal_name, "=" * len(v.deal_name)]
    lines += [f"{label:<{width}}  {text}" for label, text in rows]
    lines += ["", "Present value by line (NHS at its rate; partner at its rate)"]
    for item in v.nhs_lines:
        lines.append(f"  NHS      {money(item.present_value):>10}  {item.label}")
    for item in v.partner_lines:
        lines.append(f"  Partner  {money(item.present_value):>10}  {item.label}")
    return "\n".join(lines)


def _report_problems(error: DealInvalid, err: TextIO) -> None:
    prefix = f"{error.source}: " if error.source else ""
    for problem in error.problems:
        print(prefix + problem.line(), file=err)


def _validate(files: list[Path], out: TextIO, err: TextIO) -> int:
    status = 0
    for path in files:
        try:
            load_deal(path)
        except DealInvalid as error:
            _report_problems(error, err)
            status = 1
        else:
            print(f"{path}: valid", file=out)
    return status


def _write_pdf(deal: Deal, valuation: Valuation, target: Path) -> None:
    from valueshare.reports.termsheet import term_sheet_pdf  # reportlab is only loaded when a PDF is asked for

    data = term_sheet_pdf(deal, valuation)
    try:
        target.write_bytes(data)
    except OSError as error:
        raise ValueshareError(f"{target}: cannot write the PDF ({error.strerror or error})") from None


def _value(args: argparse.Namespace, out: TextIO) -> int:
    deal = load_deal(args.scenario)
    valuation = value_deal(deal)
    if args.pdf:
        _write_pdf(deal, valuation, args.pdf)
    if args.json:
        print(json.dumps(valuation.to_dict(), indent=2, allow_nan=False), file=out)
    else:
        print(summary(valuation), file=out)
        if args.pdf:
            print(f"\nTerm sheet written to {args.pdf}", file=out)
    return 0


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args.files, out, err)
        return _value(args, out)
    except DealInvalid as error:
        _report_problems(error, err)
        return 1
    except ValueshareError as error:
        print(str(error), file=err)
        return 1
