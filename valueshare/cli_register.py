"""The register on the command line: ``save``, ``history``, ``show``, ``diff``, ``restore``, ``list``, ``archive``,
``unarchive`` and ``verify``; and the deal's life: ``status``, ``sign-off`` and ``comment``.

``add_register_parsers(subparsers)`` adds the commands to ``python -m valueshare``, each with ``run`` (this module's
``run(args, out, err)``) and ``register_command`` (the command itself) set. Each command opens the register given by
``--register``, else ``VALUESHARE_REGISTER_URL``, else the default file, upgrading its schema if an earlier release
made it. Only ``save`` (and ``org`` and ``member``, a team's set-up) starts a register where there is none yet,
and says so on stderr ("Started a new, empty
register at ..."); every other command says there is no register there yet and creates nothing. Warnings about the
database (PostgreSQL's ``synchronous_commit``) go to stderr as ``warning: ...``. SQLAlchemy is loaded only when a
command runs. The tables and lines printed are ``valueshare.reports.text``'s.

Exit codes: 0 success; 1 a problem the user can fix (one line per problem, never a traceback), or ``verify`` found
the register changed outside valueshare; 2 the command itself is wrong (argparse).
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from valueshare.cli_export import _write
from valueshare.errors import ValueshareError, problem_lines
from valueshare.model import Deal
from valueshare.register import service
from valueshare.register.access import LOCAL, Actor
from valueshare.register.errors import SaveRefused
from valueshare.register.location import ENV
from valueshare.register.repository import Repository
from valueshare.register.service import one_line
from valueshare.reports import text as reports
from valueshare.scenario import load_deal

AUTHOR_ENV = "VALUESHARE_AUTHOR"
COMMANDS = ("save", "history", "show", "diff", "restore", "list", "archive", "unarchive", "status", "sign-off",
            "comment", "counter-offer", "org", "member", "share", "portfolio")
USER_ENV = "VALUESHARE_USER"
CHECKS = ("verify",)  # the register as a whole rather than its deals

Handler = Callable[[argparse.Namespace, Repository, TextIO], int]


def _number(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a version number (1, 2, ...), not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def add_register_parsers(subparsers: Any) -> None:
    """Add the register's commands to an ``argparse`` subparsers object."""
    where = argparse.ArgumentParser(add_help=False)
    where.add_argument("--register", metavar="URL_OR_PATH",
                       help=f"the register: an SQLite file or a postgresql:// URL (default: ${ENV}, else "
                            "~/.local/share/valueshare/register.sqlite)")
    where.add_argument("--as", dest="person", metavar="PERSON",
                       help=f"who you are in a register with organisations: your sign-in identity (default: "
                            f"${USER_ENV}); a register without organisations needs none")
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--author", metavar="NAME", help=f"who is making the change (default: ${AUTHOR_ENV}, else "
                                                      "your login name)")

    save = subparsers.add_parser("save", parents=[where, who], help="save a scenario as a new version in the register")
    save.add_argument("scenario", type=Path, metavar="SCENARIO.yaml", help="a scenario file (YAML, or JSON)")
    save.add_argument("--note", required=True, metavar="TEXT", help="what changed, in a few words")
    save.add_argument("--base-version", type=_number, metavar="N",
                      help="the version your edits started from; required once the deal is in the register, so "
                           "that nobody's newer version is overwritten")
    save.add_argument("--deal", metavar="DEAL", help="the deal in the register (default: the key of the deal's name)")
    save.set_defaults(run=run, register_command=_save)

    hist = subparsers.add_parser("history", parents=[where], help="every version of a deal, with its figures")
    hist.add_argument("deal", metavar="DEAL", help="the deal's key or name")
    hist.set_defaults(run=run, register_command=_history)

    show = subparsers.add_parser("show", parents=[where], help="one version of a deal; --yaml writes its file")
    show.add_argument("deal", metavar="DEAL")
    show.add_argument("--version", type=_number, metavar="N", help="the version (default: the latest)")
    show.add_argument("--yaml", metavar="OUT", help="write the version as a scenario file ('-' for the screen)")
    show.set_defaults(run=run, register_command=_show)

    diff = subparsers.add_parser("diff", parents=[where], help="what changed between two versions of a deal")
    diff.add_argument("deal", metavar="DEAL")
    diff.add_argument("first", type=_number, metavar="V1")
    diff.add_argument("second", type=_number, metavar="V2")
    diff.set_defaults(run=run, register_command=_diff)

    restore = subparsers.add_parser("restore", parents=[where, who],
                                    help="save an old version again as the newest version")
    restore.add_argument("deal", metavar="DEAL")
    restore.add_argument("version", type=_number, metavar="N")
    restore.add_argument("--note", required=True, metavar="TEXT", help="why it is restored")
    restore.set_defaults(run=run, register_command=_restore)

    listing = subparsers.add_parser("list", parents=[where], help="the deals in the register")
    listing.add_argument("--search", metavar="TEXT", default="", help="only deals whose name, key, NHS body or "
                                                                      "partner contains TEXT")
    listing.add_argument("--archived", action="store_true", help="include archived deals")
    listing.set_defaults(run=run, register_command=_list)

    for name, archived, text in (("archive", True, "hide a deal from the list (nothing is deleted)"),
                                 ("unarchive", False, "put an archived deal back in the list")):
        command = subparsers.add_parser(name, parents=[where, who], help=text)
        command.add_argument("deal", metavar="DEAL")
        command.add_argument("--note", default="", metavar="TEXT", help="why")
        command.set_defaults(run=run, register_command=_archive, archived=archived)

    status = subparsers.add_parser("status", parents=[where, who],
                                   help="a deal's status and its events; with STATUS, move it there")
    status.add_argument("deal", metavar="DEAL")
    status.add_argument("status", nargs="?", metavar="STATUS",
                        help="draft, offered, counter-offered, agreed (once its latest version is signed off), "
                             "signed, closed or withdrawn")
    status.add_argument("--note", default="", metavar="TEXT", help="why")
    status.set_defaults(run=run, register_command=_status)

    off = subparsers.add_parser("sign-off", parents=[where, who], help="an approver signs off a version of a deal")
    off.add_argument("deal", metavar="DEAL")
    off.add_argument("version", type=_number, metavar="N")
    off.add_argument("--note", default="", metavar="TEXT", help="the approver's note")
    off.set_defaults(run=run, register_command=_sign_off)

    remark = subparsers.add_parser("comment", parents=[where, who], help="comment on a version of a deal")
    remark.add_argument("deal", metavar="DEAL")
    remark.add_argument("version", type=_number, metavar="N")
    remark.add_argument("text", metavar="TEXT")
    remark.set_defaults(run=run, register_command=_comment)

    counter = subparsers.add_parser(
        "counter-offer", parents=[where, who],
        help="read the partner's returned deal file as a counter-offer on a deal and save it: as the next version, "
             "or as an internal variant; the NHS's own figures are kept from the deal")
    counter.add_argument("deal", metavar="DEAL")
    counter.add_argument("scenario", type=Path, metavar="RETURNED.yaml", help="the partner's file as it came back")
    counter.add_argument("--keep-as", choices=service.KEEP_AS, default="version",
                         help="the deal's next version (default), or a variant beside the deal")
    counter.add_argument("--variant", metavar="NAME", help="the variant's name (default 'Counter-offer')")
    counter.add_argument("--note", default="", metavar="TEXT", help="what the version records (default: where it "
                                                                    "came from)")
    counter.add_argument("--base-version", type=_number, metavar="N",
                         help="the version you compared it with; refused if someone has saved since")
    counter.set_defaults(run=run, register_command=_counter_offer)

    org = subparsers.add_parser("org", parents=[where, who], help="add an organisation to the register")
    org.add_argument("key", metavar="KEY", help="a short key, e.g. trust-a")
    org.add_argument("name", metavar="NAME")
    org.add_argument("--kind", choices=["nhs", "partner", "adviser"], default="nhs",
                     help="an NHS body (it owns deals), a partner or an adviser (default nhs)")
    org.set_defaults(run=run, register_command=_org)

    member = subparsers.add_parser("member", parents=[where, who],
                                   help="add a person to an organisation with a role (or change their role)")
    member.add_argument("organisation", metavar="ORG")
    member.add_argument("identity", metavar="PERSON", help="their sign-in identity (an e-mail address)")
    member.add_argument("--role", choices=["member", "approver", "admin"], default="member")
    member.set_defaults(run=run, register_command=_member)

    sharing = subparsers.add_parser("share", parents=[where, who], help="share a deal with another organisation")
    sharing.add_argument("deal", metavar="DEAL")
    sharing.add_argument("organisation", metavar="ORG")
    sharing.add_argument("--access", choices=["adviser", "partner", "owner"], default="adviser",
                         help="adviser: reads it whole; partner: reads only the deal as shared with the partner; "
                              "owner: the deal moves to that organisation (default adviser)")
    sharing.set_defaults(run=run, register_command=_share)

    folio = subparsers.add_parser("portfolio", parents=[where],
                                  help="across the deals you may see: pipeline by status, totals, terms used, outliers")
    folio.add_argument("--json", action="store_true", help="print it as JSON")
    folio.add_argument("--archived", action="store_true", help="include archived deals")
    folio.add_argument("--csv", type=Path, metavar="OUT.csv", help="also write the table of deals as CSV")
    folio.add_argument("--xlsx", type=Path, metavar="OUT.xlsx",
                       help="also write the portfolio as an Excel workbook (summary, deals, terms, term figures)")
    folio.set_defaults(run=run, register_command=_portfolio)

    check = subparsers.add_parser("verify", parents=[where],
                                  help="check every deal and version against its checksum and the audit chain")
    check.set_defaults(run=run, register_command=_verify)


# -- the commands ------------------------------------------------------------------------------------------------

def _actor(args: argparse.Namespace) -> Actor:
    person = getattr(args, "person", None) or os.environ.get(USER_ENV)
    return Actor(person.strip()) if person and person.strip() else LOCAL


def _org(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    event = service.add_organisation(repo, args.key, args.name, args.kind, author=_author(args), actor=_actor(args))
    print(f"{event.text} ({event.author}, {event.when()})", file=out)
    return 0


def _member(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    event = service.add_member(repo, args.organisation, args.identity, args.role, author=_author(args),
                               actor=_actor(args))
    print(f"{event.text} ({event.author}, {event.when()})", file=out)
    return 0


def _share(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    event = service.share(repo, args.deal, args.organisation, args.access, author=_author(args), actor=_actor(args))
    print(f"{event.text} ({event.author}, {event.when()})", file=out)
    return 0


def _portfolio(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    from valueshare.register.portfolio import portfolio
    from valueshare.reports.portfolio import deals_csv_bytes, portfolio_xlsx, summary_lines, terms_rows

    found = portfolio(repo, actor=_actor(args), include_archived=args.archived)
    for path, content, what in ((args.csv, deals_csv_bytes, "CSV file"), (args.xlsx, portfolio_xlsx, "workbook")):
        if path is not None:
            _write(path, content(found), what)
    if args.json:
        print(json.dumps(found.to_dict(), indent=2, allow_nan=False), file=out)
        return 0
    for line in summary_lines(found):
        print(line, file=out)
    by_group: dict[tuple[str, str], list[str]] = {}
    for row in terms_rows(found):
        by_group.setdefault((row["By"], row["Group"]), []).append(f"{row['Term'].lower()} {row['Deals']}")
    for (by, group), terms in by_group.items():
        print(f"Deals using each term, {by.lower()} {group}: " + ", ".join(terms), file=out)
    return 0


def _author(args: argparse.Namespace) -> str:
    """Who is making the change: in a register with organisations the service records the signed-in identity
    whatever is given here; otherwise --author, else $VALUESHARE_AUTHOR, else the login name."""
    author = args.author or _actor(args).person or os.environ.get(AUTHOR_ENV)
    if not author:
        try:
            author = getpass.getuser()
        except (OSError, KeyError):
            raise SaveRefused("give --author NAME: who is making the change") from None
    return author


def read_scenario(path: Path) -> Deal:
    """A scenario file as a deal: JSON when its name ends .json, else YAML (``valueshare.scenario.load_deal``)."""
    return load_deal(path)


def _save(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    deal = args.scenario_deal
    info = service.save(repo, deal, author=_author(args), note=args.note, base_version=args.base_version,
                        key=args.deal, content_format="json" if args.scenario.suffix.lower() == ".json" else "yaml",
                        actor=_actor(args))
    print(f"Saved '{info.deal_name}' as version {info.number} of {info.deal_key} in {repo.location}", file=out)
    print(f"  {reports.version_figures(info)}", file=out)
    return 0


def _history(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    print(reports.history_table(service.history(repo, args.deal, actor=_actor(args))), file=out)
    return 0


def _show(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    opened = service.open_version(repo, args.deal, args.version, actor=_actor(args))
    text = service.text_of(opened.deal, "yaml")
    if args.yaml == "-":
        print(text, end="", file=out)
        return 0
    lines = [reports.version_summary(opened.info)]
    if args.yaml:
        try:
            Path(args.yaml).write_text(text, encoding="utf-8")
        except OSError as error:
            raise SaveRefused(f"{args.yaml}: cannot write the file ({error.strerror or error})") from None
        lines.append(f"Written to {args.yaml}")
    print("\n".join(lines), file=out)
    return 0


def _diff(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    found = service.diff(repo, args.deal, args.first, args.second, actor=_actor(args))
    for v in (found.older, found.newer):
        print(f"Version {v.number}: {v.author}, {v.when()}: {v.note}", file=out)
    print(file=out)
    print(reports.comparison_table(found.comparison), file=out)
    return 0


def _restore(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    info = service.restore(repo, args.deal, args.version, author=_author(args), note=args.note,
                           actor=_actor(args))
    print(f"Restored version {args.version} of {info.deal_key} as version {info.number}", file=out)
    print(f"  {reports.version_figures(info)}", file=out)
    return 0


def _list(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    found = service.find(repo, args.search, include_archived=args.archived, actor=_actor(args))
    print(reports.list_table(found), file=out)
    return 0


def _archive(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    event = service.archive(repo, args.deal, author=_author(args), note=args.note, archived=args.archived,
                            actor=_actor(args))
    done = "Archived" if event.archived else "Unarchived"
    print(f"{done} {event.deal_key} ({event.author}, {event.when()})", file=out)
    return 0


def _status(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    if args.status is not None:
        event = service.set_status(repo, args.deal, args.status, author=_author(args), note=args.note,
                                   actor=_actor(args))
        print(f"{event.deal_key} is now {event.status.label.lower() if event.status else ''} ({event.author}, "
              f"{event.when()})", file=out)
        return 0
    life = service.life(repo, args.deal, actor=_actor(args))
    print(f"{life.key}: {life.standing()}", file=out)
    for event in life.events:
        what = {"status": f"status {event.status.label.lower() if event.status else ''}",
                "sign_off": f"signed off version {event.version}",
                "comment": f"comment on version {event.version}"}[event.kind.value]
        text = f": {one_line(event.text)}" if event.text else ""
        print(f"  {event.when()}  {one_line(event.author)}  {what}{text}", file=out)
    return 0


def _sign_off(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    event = service.sign_off(repo, args.deal, args.version, author=_author(args), note=args.note,
                             actor=_actor(args))
    print(f"Version {event.version} of {event.deal_key} signed off ({event.author}, {event.when()})", file=out)
    return 0


def _comment(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    event = service.comment(repo, args.deal, args.version, author=_author(args), text=args.text,
                            actor=_actor(args))
    print(f"Comment on version {event.version} of {event.deal_key} recorded ({event.author}, {event.when()})",
          file=out)
    return 0


def _counter_offer(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    done = service.import_counter_offer(repo, args.deal, args.scenario_deal, author=_author(args),
                                        keep_as=args.keep_as, variant=args.variant, note=args.note,
                                        base_version=args.base_version, actor=_actor(args))
    kept = (f"as the variant '{one_line(done.variant)}'" if done.variant else "as the deal's next version")
    print(f"Counter-offer saved {kept}: version {done.info.number} of {done.info.deal_key}", file=out)
    print(f"  {reports.version_figures(done.info)}", file=out)
    print(f"The partner proposes {len(done.offer.changes)} change(s):", file=out)
    for change in done.offer.changes:
        print(f"  {one_line(change.line())}", file=out)
    if done.offer.ignored:
        print("Kept as the NHS had them (the NHS's own parts, which the partner's file cannot change):", file=out)
        for path in done.offer.ignored:
            print(f"  {path}", file=out)
    for line in done.offer.to_complete:
        print(f"To complete: {line}", file=out)
    if done.status is not None:
        print(f"Status: {done.status.status.label.lower() if done.status.status else ''}", file=out)
    return 0


def _verify(args: argparse.Namespace, repo: Repository, out: TextIO) -> int:
    found = service.verify(repo)
    for problem in found.problems:
        print(problem, file=out)
    if found.problems:
        return 1
    print(f"The register {repo.location} is intact: {found.counts()}, each matching its checksum and the audit "
          f"chain.", file=out)
    return 0


# -- running -------------------------------------------------------------------------------------------------------

def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the register command in ``args``; user errors are printed one per line and give exit code 1."""
    out = out or sys.stdout
    err = err or sys.stderr
    repo = None
    try:
        from valueshare.register.sql import open_register  # loads SQLAlchemy only now

        saving = args.register_command is _save
        if args.register_command is _counter_offer:  # a bad file is reported before the register is opened
            args.scenario_deal = read_scenario(args.scenario)
        if saving:  # a bad file, note or author is reported before the register is opened (or started)
            args.scenario_deal = read_scenario(args.scenario)
            service.check_note(args.note)
            service.check_author(_author(args))
        # only a save, or a team's first organisation and member, starts a register where there is none
        repo = open_register(args.register, create=saving or args.register_command in (_org, _member))
        if repo.created:
            print(f"Started a new, empty register at {repo.location} (there was no register there yet)", file=err)
        for note in repo.notes:
            print(f"warning: {note}", file=err)
        return args.register_command(args, repo, out)
    except ValueshareError as error:
        for line in problem_lines(error):
            print(line, file=err)
        return 1
    finally:
        if repo is not None:
            repo.close()


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m valueshare", description="The deal register.")
    add_register_parsers(top.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    return run(parser().parse_args(argv), out, err)


if __name__ == "__main__":
    sys.exit(main())
