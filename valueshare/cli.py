"""The command line: ``python -m valueshare COMMAND ...``. It translates files into deals and domain errors into one
line per problem; it never prints a traceback for a problem the user can fix.

Exit codes: 0 success; 1 an input is invalid; 2 the command itself is wrong (argparse).
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO, cast

from valueshare import basecase, results
from valueshare.cli_export import add_export_parser
from valueshare.cli_register import add_register_parsers
from valueshare.contribution import value_contribution
from valueshare.engine import Valuation, value_deal
from valueshare.engine.montecarlo import CHUNK, DEFAULT_TRIALS, simulate
from valueshare.errors import DealInvalid, ValueshareError, problem_lines
from valueshare.formats import upgrade_file
from valueshare.framework import assess
from valueshare.model import Deal
from valueshare.negotiation import Negotiation
from valueshare.negotiation.equivalents import DEFAULT_MIX
from valueshare.provenance import Simulated
from valueshare.replay import replay_file
from valueshare.reports import text as reports
from valueshare.scenario import NO_DEFAULT, new_deal_yaml
from valueshare.terminal import CleanStream, clean, read_deal_saying

MAX_TRIALS = 5_000_000


class _Parser(argparse.ArgumentParser):
    """argparse, whose messages (which quote what was typed) go to the terminal cleaned."""

    def _print_message(self, message: str, file: TextIO | None = None) -> None:  # type: ignore[override]
        if message:
            (file or sys.stderr).write(clean(message))


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m valueshare",
                                     description="Value, negotiate and document NHS data partnerships.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    new = commands.add_parser("new", help="write a new, empty deal to fill in")
    new.add_argument("file", type=Path, metavar="OUT.yaml")
    new.set_defaults(run=_new)

    check = commands.add_parser("validate", help="check scenario files and list every problem")
    check.add_argument("files", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--upgrade", action="store_true",
                       help="also rewrite each valid file in the current format (its format_version first), saying "
                            "for each what was done; an invalid file is left as it was")
    check.set_defaults(run=_validate)

    value = commands.add_parser("value", help="value a deal and print a summary")
    value.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    value.add_argument("--json", action="store_true", help="print the results as JSON")
    value.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="also write the term sheet PDF (for the partner)")
    value.add_argument("--docx", type=Path, metavar="OUT.docx",
                       help="also write the term sheet as a Word document, for legal redlining")
    _disclosure_options(value)
    value.add_argument("--variant", metavar="NAME", help="value this named variant instead of the base deal")
    value.set_defaults(run=_value)

    summary = commands.add_parser("summary", help="a few lines to paste into an e-mail: the deal, its terms and the "
                                                  "headline figures")
    summary.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    summary.add_argument("--for-partner", action="store_true",
                         help="leave out the NHS side's figures: the deal and its terms only")
    summary.add_argument("--variant", metavar="NAME", help="summarise this named variant instead of the base deal")
    summary.set_defaults(run=_summary)

    sim = commands.add_parser("simulate", help="Monte Carlo: NPV ranges for both parties")
    sim.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    sim.add_argument("--trials", type=_trials, default=DEFAULT_TRIALS,
                     help=f"number of trials (default {DEFAULT_TRIALS:,})")
    sim.add_argument("--seed", type=int, default=None,
                     help="seed for reproducible results (default: one chosen at random, and printed)")
    sim.add_argument("--variant", metavar="NAME", help="simulate this named variant instead of the base deal")
    sim.add_argument("--json", action="store_true", help="print the results as JSON")
    sim.set_defaults(run=_simulate)

    neg = commands.add_parser("negotiate", help="walk-aways, the zone of agreement, term values, equivalent "
                                                "offers; --brief writes the internal brief")
    neg.add_argument("scenario", type=Path, metavar="SCENARIO.yaml")
    neg.add_argument("--variant", metavar="NAME", help="use this named variant instead of the base deal")
    neg.add_argument("--target", type=_amount_or_share, metavar="£ OR %",
                     help="the NHS's target value to the NHS, in £ (250000) or as a share of the partner's value "
                          "(18%%); default: the deal's own or valueshare's")
    neg.add_argument("--term", metavar="PATH", help="the term to solve for each position, e.g. terms[4].tiers[0].rate "
                                                    "(default: the first royalty rate, else a revenue share or fee)")
    neg.add_argument("--mix", type=_mix, metavar="KIND=WEIGHT,...",
                     help="your mix for the equivalent offers, e.g. upfront=0.3,royalty=0.7 (kinds: upfront, "
                          "subscription, milestones, royalty)")
    neg.add_argument("--json", action="store_true", help="print the results as JSON")
    neg.add_argument("--brief", type=Path, metavar="OUT.pdf", help="write the negotiation brief (internal)")
    neg.set_defaults(run=_negotiate)

    add_export_parser(commands)
    add_register_parsers(commands)

    comp = commands.add_parser("compare", help="side by side: one deal's variants, or two deals")
    comp.add_argument("files", nargs="+", type=Path, metavar="FILE",
                      help="one scenario (its base and variants) or several (e.g. an offer and a counter-offer)")
    comp.add_argument("--json", action="store_true", help="print the comparison as JSON")
    comp.set_defaults(run=_compare)

    again = commands.add_parser("replay", help="make a saved --json result again and say whether it reproduces",
                                description="Read a result written with --json, check the deal it holds against "
                                            "its recorded digest, run the same command with the same options (and "
                                            "seed and trials) and compare every figure. Exit code 0 when it "
                                            "reproduces, 1 when a figure differs or the result cannot be replayed.")
    again.add_argument("result", type=Path, metavar="RESULT.json")
    again.set_defaults(run=_replay)
    return parser


def _trials(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if not 2 <= value <= MAX_TRIALS:
        raise argparse.ArgumentTypeError(f"must be between 2 and {MAX_TRIALS:,}")
    return value


def _amount_or_share(text: str) -> tuple[str, float]:
    """'250000', '250,000' or '£250k' as ('gbp', 250000.0); '18%' as ('share', 0.18)."""
    raw = text.strip().replace(",", "").replace("_", "").replace("£", "")
    try:
        if raw.endswith("%"):
            share = float(raw[:-1]) / 100
            if not 0 <= share <= 1:
                raise argparse.ArgumentTypeError(f"must be between 0% and 100%, not {text!r}")
            return "share", share
        scale = {"k": 1e3, "m": 1e6}.get(raw[-1:].lower(), 1.0)
        value = float(raw[:-1] if scale != 1.0 else raw) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an amount in £ (250000, £250k) or a share (18%), not {text!r}") \
            from None
    if value < 0 or value != value or value in (float("inf"),):
        raise argparse.ArgumentTypeError(f"must be an amount of £0 or more, not {text!r}")
    return "gbp", value


def _mix(text: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        kind = kind.strip()
        if kind not in DEFAULT_MIX:
            raise argparse.ArgumentTypeError(f"unknown kind {kind!r}; the kinds are: {', '.join(DEFAULT_MIX)}")
        try:
            out[kind] = float(weight)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{kind}: the weight must be a number, not {weight!r}") from None
        if out[kind] < 0:
            raise argparse.ArgumentTypeError(f"{kind}: the weight must not be negative")
    if not sum(out.values()):
        raise argparse.ArgumentTypeError("give at least one kind a weight above zero")
    return out


def _report_problems(error: ValueshareError, err: TextIO) -> None:
    for line in problem_lines(error):
        print(line, file=err)


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    path = args.file
    try:
        with path.open("x", encoding="utf-8") as file:  # never over a file that is already there
            file.write(new_deal_yaml())
    except FileExistsError:
        print(f"{path}: already exists; choose another name (a new deal never replaces a file)", file=err)
        return 1
    except OSError as error:
        print(f"{path}: cannot be written ({error.strerror or error})", file=err)
        return 1
    print(f"{path}: a new deal; fill in {', '.join(NO_DEFAULT)}, then run: python -m valueshare validate {path}",
          file=out)
    return 0


def _validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Each file: 'valid', or with ``--upgrade`` what ``upgrade_file`` did; or its problems, one line each."""
    status = 0
    for path in args.files:
        try:
            if args.upgrade:
                line = upgrade_file(path).line()
            else:
                read_deal_saying(path, err)
                line = f"{path}: valid"
        except DealInvalid as error:
            _report_problems(error, err)
            status = 1
        except OSError as error:  # read, then validated: only writing the new file is left to fail
            print(f"{path}: valid, but cannot be rewritten ({error.strerror or error}); the file is unchanged",
                  file=err)
            status = 1
        else:
            print(line, file=out)
    return status


def _disclosure_options(parser: argparse.ArgumentParser) -> None:
    """The term sheet's annexes, each off by default, and its reference."""
    from valueshare.reports.termsheet_content import DISCLOSURES

    for d in DISCLOSURES:
        what = d.label[0].lower() + d.label[1:]
        parser.add_argument(f"--{d.key.replace('_', '-')}", action="store_true",
                            help=f"add {what} to the term sheet; it discloses {d.discloses}")
    parser.add_argument("--reference", metavar="TEXT", help="the term sheet's reference (default: a blank to fill)")


def _sheet_options(args: argparse.Namespace) -> Any:
    from valueshare.reports.termsheet_content import TermSheetOptions

    return TermSheetOptions(with_nhs_costs=args.with_nhs_costs, with_valuation=args.with_valuation,
                            with_framework=args.with_framework, reference=args.reference)


def _write_docx(deal: Deal, valuation: Valuation, target: Path, options: Any) -> None:
    from valueshare.reports.termsheet_docx import term_sheet_docx

    data = term_sheet_docx(deal, valuation, options=options)
    try:
        target.write_bytes(data)
    except OSError as error:
        raise ValueshareError(f"{target}: cannot write the Word document ({error.strerror or error})") from None


def _write_pdf(deal: Deal, valuation: Valuation, target: Path, err: TextIO, *, brief: bool = False,
               negotiation: Negotiation | None = None, options: Any = None) -> None:
    """Write the term sheet (or the brief) to ``target``; each character the PDF's font cannot draw is a
    ``warning:`` line on ``err`` (the PDF is written all the same)."""
    # reportlab is only loaded when a PDF is asked for
    from valueshare.reports.glyphs import missing_glyphs

    if brief:
        from valueshare.reports.brief import brief_pdf

        data = brief_pdf(deal, valuation, negotiation=negotiation)
    else:
        from valueshare.reports.termsheet import term_sheet_pdf

        data = term_sheet_pdf(deal, valuation, **({} if options is None else {"options": options}))
    try:
        target.write_bytes(data)
    except OSError as error:
        raise ValueshareError(f"{target}: cannot write the PDF ({error.strerror or error})") from None
    for line in missing_glyphs(deal):
        print(f"warning: {target}: {line}", file=err)


def _print_json(data: dict, out: TextIO) -> None:
    print(json.dumps(data, indent=2, allow_nan=False), file=out)


def _value(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    read = read_deal_saying(args.scenario, err)
    options = {"variant": args.variant}
    deal = results.chosen(read, options)
    valuation = value_deal(deal)
    if args.pdf:
        _write_pdf(deal, valuation, args.pdf, err, options=_sheet_options(args))
    if args.docx:
        _write_docx(deal, valuation, args.docx, _sheet_options(args))
    if args.json:
        _print_json(results.with_provenance(results.value_figures(deal, valuation), "value", [read], options), out)
        return 0
    print(reports.summary(valuation), file=out)
    print("\n" + reports.framework_summary(assess(deal, valuation)), file=out)
    print("\n" + reports.contribution_summary(value_contribution(deal, valuation)), file=out)
    if args.pdf:
        print(f"\nTerm sheet written to {args.pdf}", file=out)
    if args.docx:
        print(f"\nTerm sheet (Word) written to {args.docx}", file=out)
    return 0


def _summary(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from valueshare.reports.summary import summary_text

    read = read_deal_saying(args.scenario, err)
    deal = results.chosen(read, {"variant": args.variant})
    print(summary_text(deal, value_deal(deal), for_partner=args.for_partner), file=out)
    return 0


def _negotiate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    read = read_deal_saying(args.scenario, err)
    # the target set here replaces the deal's own, for this run
    target = None if args.target is None else {"kind": args.target[0], "value": args.target[1]}
    options = {"variant": args.variant, "target": target, "term": args.term, "mix": args.mix}
    n = results.negotiation_of(read, options)
    if args.brief:
        _write_pdf(n.deal, n.valuation, args.brief, err, brief=True, negotiation=n)
    if args.json:
        _print_json(results.with_provenance(results.negotiation_figures(n), "negotiate", [read], options,
                                            results.simulation_of("negotiate", options)), out)
    else:
        print(reports.negotiation_summary(n), file=out)
        print("\n" + reports.contribution_summary(n.worth), file=out)
        print("\n" + reports.framework_summary(n.assessment), file=out)
        if args.brief:
            print(f"\nNegotiation brief (internal: not for the partner) written to {args.brief}", file=out)
    return 0


def _simulate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    read = read_deal_saying(args.scenario, err)
    # a seed is always chosen, and printed, so that every run can be made again (with --seed, or by replay)
    seed = args.seed if args.seed is not None else secrets.randbelow(10**9)
    options = {"variant": args.variant, "trials": args.trials, "seed": seed}
    show = (lambda share: print(f"\rsimulating... {share:.0%}", end="", file=getattr(err, "raw", err))) \
        if not args.json and err.isatty() else None
    deal = results.chosen(read, options)
    sim = simulate(deal, trials=args.trials, seed=seed, chunk_size=CHUNK, progress=show)
    if show:
        print(file=err)
    if args.json:
        _print_json(results.with_provenance(sim.to_dict(), "simulate", [read], options,
                                            Simulated(seed=seed, trials=args.trials, chunk_size=CHUNK)), out)
    else:
        print(reports.simulation_summary(sim), file=out)
        said = basecase.agreement(deal, sim.nhs, sim.partner, sim.expected_nhs_npv, sim.expected_partner_npv)
        print("\n" + "\n".join(said), file=out)  # which base case the headline uses, and any gap explained
    return 0


def _compare(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    deals = [read_deal_saying(path, err) for path in args.files]
    options = {"labels": [path.name for path in args.files]} if len(deals) > 1 else {}
    comparison = results.compared(deals, options)
    if args.json:
        _print_json(results.with_provenance(comparison.to_dict(), "compare", deals, options), out)
    else:
        print(reports.comparison_table(comparison), file=out)
    return 0


def _replay(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Replay a saved result: its report on ``out``; 0 when every figure reproduces, else 1."""
    replayed = replay_file(args.result)
    for line in replayed.lines():
        print(line, file=out)
    return 0 if replayed.reproduces else 1


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Parse ``argv`` and run the command it names (each sub-command's parser sets ``run``); the exit code."""
    out = cast(TextIO, CleanStream(out or sys.stdout))
    err = cast(TextIO, CleanStream(err or sys.stderr))
    args = _parser().parse_args(argv)
    try:
        return args.run(args, out, err)
    except ValueshareError as error:
        _report_problems(error, err)
        return 1
