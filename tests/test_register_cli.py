"""The register's CLI commands: what each prints, exit codes, and one line per problem, never a traceback.

Figures as in test_register_service: fee_deal(fee) has NHS NPV = the fee (paid at signature, the NHS has no costs),
partner NPV = 59.60 for a £1,000 fee and 59.60 - 1,500 = -1,440.40 for £2,500, partner IRR 11.5% for £1,000.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from register_support import ROOT, fee_deal

from valueshare import deal_from_yaml
from valueshare.cli_register import COMMANDS, main
from valueshare.register.location import ENV
from valueshare.scenario import deal_to_yaml, example_paths


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("VALUESHARE_AUTHOR", "Ana")
    return tmp_path / "register.sqlite"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def scenario(tmp_path: Path, fee: float, name: str = "deal.yaml") -> str:
    path = tmp_path / name
    path.write_text(deal_to_yaml(fee_deal(fee)))
    return str(path)


def saved(tmp_path: Path, register: Path, *fees: float) -> None:
    for number, fee in enumerate(fees, start=1):
        base = [] if number == 1 else ["--base-version", str(number - 1)]
        code, _, err = run("save", scenario(tmp_path, fee), "--note", f"fee {fee:g}", "--register", str(register),
                           *base)
        assert code == 0, err


def test_save_prints_the_version_and_its_figures(tmp_path, register):
    code, out, err = run("save", scenario(tmp_path, 1000), "--note", "first offer", "--register", str(register))
    # the first save into a register that does not exist yet says, on stderr, that it started one
    assert (code, err) == (0, f"Started a new, empty register at {register} (there was no register there yet)\n")
    code, out, err = run("save", scenario(tmp_path, 1000), "--note", "first offer", "--register", str(register),
                         "--base-version", "1")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Saved 'Test deal' as version 2 of test-deal in {register}",
        "  NHS NPV £1,000, Partner NPV £60, Partner IRR 11.5%"]


def test_save_on_a_stale_version_is_refused_with_who_saved_the_newer_one(tmp_path, register):
    saved(tmp_path, register, 1000)
    code, _, _ = run("save", scenario(tmp_path, 2000), "--note", "Bo's edit", "--author", "Bo", "--base-version", "1",
                     "--register", str(register))
    assert code == 0
    code, out, err = run("save", scenario(tmp_path, 3000), "--note", "mine", "--base-version", "1",
                         "--register", str(register))
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1
    assert "you started from version 1, but version 2 was saved by Bo on " in err
    # Without a base version, an existing deal is never overwritten either.
    code, _, err = run("save", scenario(tmp_path, 3000), "--note", "mine", "--register", str(register))
    assert code == 1 and "is already in the register (version 2 was saved by Bo" in err


def test_history_lists_every_version_with_its_figures_and_archive_events(tmp_path, register):
    saved(tmp_path, register, 1000, 2500)
    assert run("restore", "test-deal", "1", "--note", "back to the offer", "--author", "Cy",
               "--register", str(register))[0] == 0
    assert run("archive", "Test deal", "--note", "signed", "--register", str(register))[0] == 0
    code, out, err = run("history", "test-deal", "--register", str(register))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Test deal (test-deal) [archived]"
    assert lines[2].split() == ["Version", "Saved", "Author", "NHS", "NPV", "Partner", "NPV", "Partner", "IRR", "Note"]
    rows = [line.split("  ") for line in lines[3:]]
    cells = [[c.strip() for c in row if c.strip()] for row in rows]
    # Partner NPV and IRR for £2,500: -£1,440 and the rate that zeroes -2500, -100, -100, 600, 600, 600 (-9.8%).
    assert [c[:1] + c[2:] for c in cells] == [
        ["1", "Ana", "£1,000", "£60", "11.5%", "fee 1000"],
        ["2", "Ana", "£2,500", "-£1,440", "-9.8%", "fee 2500"],
        ["3", "Cy", "£1,000", "£60", "11.5%", "back to the offer (restores version 1)"],
        ["-", "Ana", "archived: signed"]]


def test_show_writes_a_version_as_a_scenario_file_that_reads_back_equal(tmp_path, register):
    saved(tmp_path, register, 1000, 2500)
    out_file = tmp_path / "v1.yaml"
    code, out, err = run("show", "test-deal", "--version", "1", "--yaml", str(out_file), "--register", str(register))
    assert (code, err) == (0, "")
    assert deal_from_yaml(out_file.read_text()) == fee_deal(1000)
    assert "  NHS NPV: £1,000" in out.splitlines() and out.splitlines()[-1] == f"Written to {out_file}"
    code, out, _ = run("show", "test-deal", "--yaml", "-", "--register", str(register))   # latest, to the screen
    assert code == 0 and deal_from_yaml(out) == fee_deal(2500)


def test_diff_shows_the_figures_and_inputs_that_changed(tmp_path, register):
    saved(tmp_path, register, 1000, 2500)
    code, out, err = run("diff", "test-deal", "1", "2", "--register", str(register))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Version 1: Ana, ") and lines[0].endswith(": fee 1000")
    # The table is valueshare.cli's comparison_table: differing rows start with '*', one column per version.
    # (the three aims come first; their NHS return row names NHS NPV after its aim)
    nhs = next(line for line in lines if line.lstrip("* ").startswith("NHS NPV")).split()
    assert nhs[:5] == ["*", "NHS", "NPV", "£1,000", "£2,500"]
    fee = next(line for line in lines if "(term 1): amount (£)" in line)
    assert fee.split()[-3:] == ["£1,000", "£2,500", "+£1,500"]  # the catalogue's label and values, and the change
    same = next(line for line in lines if "Chance of launch" in line).split()
    assert same[0] != "*" and same[3:5] == ["40.0%", "40.0%"]   # 0.5 x 0.8 in both versions


def test_list_searches_and_hides_archived_deals_unless_asked(tmp_path, register):
    saved(tmp_path, register, 1000)
    path = tmp_path / "other.yaml"
    path.write_text(deal_to_yaml(fee_deal(5, name="Genomic discovery")))
    assert run("save", str(path), "--note", "n", "--register", str(register))[0] == 0
    assert run("archive", "genomic-discovery", "--register", str(register))[0] == 0

    def keys(*args: str) -> list[str]:
        code, out, _ = run("list", "--register", str(register), *args)
        assert code == 0
        return [line.split()[0] for line in out.splitlines()[1:]]

    assert keys() == ["test-deal"]
    assert keys("--archived") == ["genomic-discovery", "test-deal"]
    assert keys("--archived", "--search", "GENOMIC") == ["genomic-discovery"]
    assert run("list", "--search", "nothing", "--register", str(register))[1] == "No deals found.\n"


def test_a_json_scenario_is_saved_as_json(tmp_path, register):
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(fee_deal(1000).model_dump(mode="json", exclude_none=True)))
    assert run("save", str(path), "--note", "n", "--register", str(register))[0] == 0
    code, out, _ = run("show", "test-deal", "--yaml", "-", "--register", str(register))
    assert deal_from_yaml(out) == fee_deal(1000)


@pytest.mark.parametrize("content, expected", [
    ("name: [unclosed\n", "deal.yaml: not valid YAML at line 2, column 1"),
    ("name: Test deal\nnhs: {name: T, kind: trust}\n", "deal.yaml: partner: is required"),
    ("", "deal.yaml: a deal must be a section of named fields"),
])
def test_a_bad_file_is_reported_one_line_per_problem_and_writes_nothing(tmp_path, register, content, expected):
    path = tmp_path / "deal.yaml"
    path.write_text(content)
    code, out, err = run("save", str(path), "--note", "n", "--register", str(register))
    assert (code, out) == (1, "")
    assert expected in err.splitlines()[0] and "Traceback" not in err
    assert all(line.startswith(str(path)) for line in err.splitlines())
    assert not register.exists()   # a bad file is refused before the register is even opened


def test_a_truncated_scenario_file_names_the_problem(tmp_path, register):
    text = deal_to_yaml(fee_deal(1000))
    path = tmp_path / "deal.yaml"
    path.write_text(text[: text.index("terms:") + 12])   # cut in the middle of the terms
    code, _, err = run("save", str(path), "--note", "n", "--register", str(register))
    assert code == 1 and err.startswith(f"{path}: ") and "Traceback" not in err


@pytest.mark.parametrize("argv, message", [
    (["history", "nope"], "no deal 'nope' in the register at "),
    (["show", "test-deal", "--version", "7"], "deal 'test-deal' has no version 7 (its versions are 1 to 1)"),
    (["restore", "test-deal", "1", "--note", "n"], "version 1 is already the latest version of 'Test deal'"),
    (["diff", "test-deal", "1", "3"], "deal 'test-deal' has no version 3"),
    (["archive", "test-deal", "--author", " "], "an author is required"),
    (["list", "--register", "mysql://x/y"], "'mysql://x/y': the register works with an SQLite file or a PostgreSQL"),
])
def test_user_errors_exit_1_with_one_line(tmp_path, register, argv, message):
    saved(tmp_path, register, 1000)
    if "--register" not in argv:
        argv = [*argv, "--register", str(register)]
    code, out, err = run(*argv)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and message in err


def test_the_register_comes_from_the_environment_when_not_given(tmp_path, register, monkeypatch):
    monkeypatch.setenv(ENV, str(register))
    assert run("save", scenario(tmp_path, 1000), "--note", "n")[0] == 0
    assert run("list")[1].splitlines()[1].startswith("test-deal ")


def test_the_commands_are_the_documented_ones():
    assert COMMANDS == ("save", "history", "show", "diff", "restore", "list", "archive", "unarchive", "status",
                        "sign-off", "comment", "counter-offer", "org", "member", "share", "portfolio")


def test_portfolio_prints_the_pipeline_and_totals_and_as_json(tmp_path, register):
    saved(tmp_path, register, 1000)
    where = ["--register", str(register)]
    code, out, _ = run("portfolio", *where)
    # by hand: one deal, its £1,000 fee paid at signature with no NHS costs, so NHS NPV £1,000
    assert code == 0 and out.splitlines()[0].startswith("1 deal; NHS NPV in total £1,000; NHS receipts in total "
                                                         "£1,000")
    assert "Pipeline: draft 1" in out
    assert "Deals using each term, use Commercial product development: access fee 1" in out
    data = json.loads(run("portfolio", "--json", *where)[1])
    assert data["total_nhs_npv_gbp"] == 1000 and data["pipeline"]["draft"] == 1
    code, _, err = run("portfolio", "--csv", str(tmp_path / "p.csv"), "--xlsx", str(tmp_path / "p.xlsx"), *where)
    assert code == 0, err
    from valueshare.register.portfolio import portfolio
    from valueshare.register.sql import open_register
    from valueshare.reports.portfolio import deals_csv_bytes

    repo = open_register(str(register))
    try:
        assert (tmp_path / "p.csv").read_bytes() == deals_csv_bytes(portfolio(repo))
    finally:
        repo.close()
    assert (tmp_path / "p.xlsx").read_bytes()[:2] == b"PK"                  # a workbook (a zip)
    code, _, err = run("portfolio", "--csv", str(tmp_path / "no" / "such" / "p.csv"), *where)
    assert code == 1 and "cannot write the CSV file" in err


def test_organisations_members_and_sharing_from_the_command_line(tmp_path, register):
    where = ["--register", str(register)]
    assert run("org", "trust-a", "Trust A", *where)[1].startswith("organisation trust-a added (nhs): Trust A (")
    assert run("member", "trust-a", "ana@a.nhs.uk", "--role", "admin", *where)[0] == 0
    assert run("org", "nhse", "NHS England", "--kind", "adviser", "--as", "ana@a.nhs.uk", *where)[0] == 0
    assert run("member", "nhse", "eve@england.nhs.uk", "--as", "ana@a.nhs.uk", *where)[0] == 0
    code, _, err = run("save", scenario(tmp_path, 1000), "--note", "n", *where)  # nobody signed in
    assert code == 1 and "sign in" in err and "--as PERSON" in err
    assert run("save", scenario(tmp_path, 1000), "--note", "n", "--as", "ana@a.nhs.uk", *where)[0] == 0
    assert run("list", "--as", "eve@england.nhs.uk", *where)[1].strip().splitlines()[1:] == []  # not shared yet
    code, out, _ = run("share", "test-deal", "nhse", "--as", "ana@a.nhs.uk", *where)
    assert code == 0 and out.startswith("deal test-deal shared with nhse as adviser (ana@a.nhs.uk, ")
    assert run("list", "--as", "eve@england.nhs.uk", *where)[1].splitlines()[1].startswith("test-deal ")
    code, _, err = run("restore", "test-deal", "1", "--note", "n", "--as", "eve@england.nhs.uk", *where)
    assert code == 1 and "may not restore" in err and "Traceback" not in err


def test_a_deals_life_from_the_command_line_each_step_with_who_and_when(tmp_path, register):
    saved(tmp_path, register, 1000)
    where = ["--register", str(register)]
    assert run("status", "test-deal", *where)[1].splitlines() == ["test-deal: draft; version 1 not yet approved"]
    code, out, _ = run("status", "test-deal", "offered", "--note", "sent to the partner", *where)
    assert code == 0 and out.startswith("test-deal is now offered (Ana, ")
    code, _, err = run("status", "test-deal", "agreed", *where)
    assert code == 1 and err.strip().endswith("its latest version (1) has not been signed off by an approver")
    assert run("sign-off", "test-deal", "1", "--author", "Dr Okafor", *where)[1].startswith(
        "Version 1 of test-deal signed off (Dr Okafor, ")
    assert run("comment", "test-deal", "1", "Cap <b>the</b> royalty?", *where)[0] == 0
    assert run("status", "test-deal", "agreed", *where)[0] == 0
    lines = run("status", "test-deal", *where)[1].splitlines()
    assert lines[0].startswith("test-deal: agreed; version 1 approved by Dr Okafor on ")
    assert [line.split("UTC  ", 1)[1] for line in lines[1:]] == [
        "Ana  status offered: sent to the partner", "Dr Okafor  signed off version 1",
        "Ana  comment on version 1: Cap <b>the</b> royalty?", "Ana  status agreed"]
    code, _, err = run("sign-off", "test-deal", "9", *where)
    assert code == 1 and "version 9" in err and "Traceback" not in err


def test_a_real_process_saves_an_example_and_never_prints_a_traceback(tmp_path):
    env = {**os.environ, ENV: str(tmp_path / "r.sqlite"), "VALUESHARE_AUTHOR": "CI"}
    example = str(example_paths()[0])
    ok = subprocess.run([sys.executable, "-m", "valueshare.cli_register", "save", example, "--note", "n"],
                        cwd=ROOT, env=env, capture_output=True, text=True)
    assert ok.returncode == 0 and ok.stdout.startswith("Saved '")
    bad = subprocess.run([sys.executable, "-m", "valueshare.cli_register", "history", "x", "--register",
                          str(tmp_path / "missing-folder" / "r.sqlite")], cwd=ROOT, env=env, capture_output=True,
                         text=True)
    assert bad.returncode == 1 and bad.stdout == "" and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("cannot open the register file ")


def test_importing_the_register_commands_and_service_does_not_load_sqlalchemy():
    code = ("import sys, json, valueshare.cli_register, valueshare.register, valueshare.register.service; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic'))))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == []
