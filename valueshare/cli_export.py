"""``python -m valueshare export SCENARIO.yaml --xlsx OUT.xlsx [--variant NAME]``: the deal as an Excel model.

``add_export_parser`` adds the sub-command to the CLI's parser; ``export_command`` runs it. Like the rest of the CLI
it turns problems the user can fix into one line each on ``err`` and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from valueshare.errors import ValueshareError, problem_lines
from valueshare.scenario import load_deal


def add_export_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``export`` to the sub-commands of the CLI's parser (``parser.add_subparsers(...)``)."""
    export = subparsers.add_parser(
        "export", help="write the deal as an Excel workbook whose figures are live formulas",
        description="Write the deal as an .xlsx workbook: Inputs, Workings, Cash flows and Summary sheets, every "
                    "figure a formula a finance team can audit (docs/excel-model.md).")
    export.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    export.add_argument("--xlsx", type=Path, required=True, metavar="OUT.xlsx", help="the workbook to write")
    export.add_argument("--variant", metavar="NAME", help="export this named variant instead of the base deal")
    return export


def export_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the workbook; 0 on success, 1 when the scenario is invalid or the file cannot be written."""
    try:
        deal = load_deal(args.scenario)
        if args.variant:
            deal = deal.variant(args.variant)
        from valueshare.reports.excel import deal_workbook  # XlsxWriter is loaded only when a workbook is asked for

        data = deal_workbook(deal)
        try:
            args.xlsx.write_bytes(data)
        except OSError as error:
            raise ValueshareError(f"{args.xlsx}: cannot write the workbook ({error.strerror or error})") from None
    except ValueshareError as error:
        for line in problem_lines(error):
            print(line, file=err)
        return 1
    print(f"Excel model of '{deal.name}' written to {args.xlsx}", file=out)
    return 0
