"""``python -m valueshare export SCENARIO.yaml --xlsx OUT.xlsx --partner-yaml OUT.yaml [--variant NAME]``.

``--xlsx`` writes the deal as an Excel model; ``--partner-yaml`` writes the deal file for the partner, without the
NHS's internal position, notes, internal variants or (unless ``--with-nhs-costs``) its costs of access
(``valueshare.sharing``). ``add_export_parser`` adds the sub-command to the CLI's parser, whose ``run`` is
``export_command``.
Like the rest of the CLI it turns problems the user can fix into one line each on ``err`` and exit code 1, never a
traceback.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from valueshare.errors import ValueshareError, problem_lines
from valueshare.sharing import partner_yaml
from valueshare.terminal import read_deal_saying


def add_export_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``export`` to the sub-commands of the CLI's parser (``parser.add_subparsers(...)``)."""
    export = subparsers.add_parser(
        "export", help="write the deal as an Excel workbook, or as the deal file for the partner",
        description="Write the deal as an .xlsx workbook (Inputs, Workings, Cash flows and Summary sheets, every "
                    "figure a formula a finance team can audit: docs/excel-model.md), or as the deal file to send "
                    "to the partner (no internal position, notes or internal variants).")
    export.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    export.add_argument("--xlsx", type=Path, metavar="OUT.xlsx", help="the workbook to write")
    export.add_argument("--partner-yaml", type=Path, metavar="OUT.yaml",
                        help="the deal file for the partner to write")
    export.add_argument("--with-nhs-costs", action="store_true",
                        help="with --partner-yaml: also disclose the NHS's costs of access (from which full cost "
                             "recovery, the NHS's default walk-away, can be read)")
    export.add_argument("--variant", metavar="NAME", help="export this named variant instead of the base deal")
    export.set_defaults(run=export_command)
    return export


def _write(path: Path, data: bytes, what: str) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise ValueshareError(f"{path}: cannot write the {what} ({error.strerror or error})") from None


def export_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write what was asked for; 0 on success, 1 when the scenario is invalid or a file cannot be written."""
    if not args.xlsx and not args.partner_yaml:
        print("export: say what to write: --xlsx OUT.xlsx (the Excel model), --partner-yaml OUT.yaml (the deal "
              "file for the partner), or both", file=err)
        return 2
    if args.with_nhs_costs and not args.partner_yaml:
        print("export: --with-nhs-costs goes with --partner-yaml", file=err)
        return 2
    written: list[str] = []
    try:
        deal = read_deal_saying(args.scenario, err)
        if args.variant:
            deal = deal.variant(args.variant)
        if args.partner_yaml:
            text = partner_yaml(deal, with_nhs_costs=args.with_nhs_costs)
            _write(args.partner_yaml, text.encode("utf-8"), "deal file for the partner")
            costs = "with" if args.with_nhs_costs else "without"
            written.append(f"Deal file for the partner ({costs} the NHS's costs of access) written to "
                           f"{args.partner_yaml}")
        if args.xlsx:
            from valueshare.reports.excel import deal_workbook  # XlsxWriter is loaded only when a workbook is asked

            _write(args.xlsx, deal_workbook(deal), "workbook")
            written.append(f"Excel model of '{deal.name}' written to {args.xlsx}")
    except ValueshareError as error:
        for line in problem_lines(error):
            print(line, file=err)
        return 1
    for line in written:
        print(line, file=out)
    return 0
