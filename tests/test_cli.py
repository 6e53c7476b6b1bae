"""The command line on every example and on broken files: exit codes, JSON, one clear line per problem."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from valueshare import load_deal, value_deal
from valueshare.cli import main
from valueshare.format import money
from valueshare.formats import CURRENT_FORMAT, MIGRATIONS
from valueshare.scenario import example_paths

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "valueshare", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_value_json_on_every_example_matches_the_engine(path, capsys):
    assert main(["value", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    expected = value_deal(load_deal(path))
    assert data["nhs_npv_gbp"] == pytest.approx(expected.nhs_npv, abs=0.01)
    assert data["partner_npv_gbp"] == pytest.approx(expected.partner_npv, abs=0.01)
    assert len(data["nhs_cash_flow_gbp"]) == len(data["years"]) == len(data["partner_cash_flow_gbp"])
    for key in ("partner_irr", "cost_recovery_ratio", "nhs_share"):
        assert key in data


def test_value_prints_a_readable_summary_with_the_apps_figures(capsys):
    path = example_paths()[0]
    assert main(["value", str(path)]) == 0
    out = capsys.readouterr().out
    assert money(value_deal(load_deal(path)).nhs_npv) in out
    assert "Partner IRR" in out


def test_validate_accepts_all_examples(capsys):
    assert main(["validate", *map(str, example_paths())]) == 0
    assert capsys.readouterr().out.count(": valid") == len(example_paths())


def unversioned(tmp_path: Path) -> Path:
    """An example as a file written before files recorded their format: format 1, no format_version."""
    text = example_paths()[1].read_text(encoding="utf-8")
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "deal.yaml"
    path.write_text("".join(line for line in text.splitlines(keepends=True)
                            if not line.startswith("format_version:")), encoding="utf-8")
    return path


def test_validate_upgrade_records_the_format_once_and_says_what_it_did_for_each_file(tmp_path, capsys):
    path = unversioned(tmp_path)
    assert main(["validate", "--upgrade", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: upgraded from format 1 to format {CURRENT_FORMAT}\n"
    assert path.read_text(encoding="utf-8").startswith(f"format_version: {CURRENT_FORMAT}\n")
    assert load_deal(path) == load_deal(unversioned(tmp_path / "again"))  # the same deal, read as format 1 was
    before = path.read_bytes()
    assert main(["validate", "--upgrade", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: already format {CURRENT_FORMAT}, the current format; not changed\n"
    assert path.read_bytes() == before


def test_validate_upgrade_migrates_an_older_format_and_names_both(tmp_path, capsys):
    from valueshare.formats import Step, migration_steps

    path = unversioned(tmp_path)
    with migration_steps({CURRENT_FORMAT: Step("nothing to change", lambda data: data)}):
        assert main(["validate", "--upgrade", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: upgraded from format 1 to format {CURRENT_FORMAT + 1}\n"


def test_validate_upgrade_leaves_an_invalid_file_as_it_was_and_goes_on_to_the_next(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN["missing.yaml"][0], encoding="utf-8")
    good = unversioned(tmp_path)
    assert main(["validate", "--upgrade", str(bad), str(good)]) == 1
    out, err = capsys.readouterr()
    assert err.startswith(f"{bad}: ") and "partner: is required" in err
    assert bad.read_text(encoding="utf-8") == BROKEN["missing.yaml"][0]
    assert out.startswith(f"{good}: upgraded from format 1 to format {CURRENT_FORMAT}")


def test_validate_upgrade_that_cannot_write_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    import valueshare.formats

    def refuse(path, text):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(valueshare.formats, "_write_atomically", refuse)
    path = unversioned(tmp_path)
    before = path.read_bytes()
    assert main(["validate", "--upgrade", str(path)]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"{path}: valid, but cannot be rewritten (Permission denied); the file is unchanged\n")
    assert path.read_bytes() == before


BROKEN = {
    "wrong_type.yaml": ("name: x\nnhs: {name: a, kind: trust}\npartner: {name: b, kind: sme}\n"
                        "use: commercial_research\n"
                        "terms:\n  - kind: access_fee\n    amount_gbp: lots\n",
                        "terms[0].amount_gbp: must be a number, not the text 'lots'"),
    "probability.yaml": ("name: x\nnhs: {name: a, kind: trust}\npartner: {name: b, kind: sme}\n"
                         "use: commercial_research\n"
                         "route_to_market:\n  stages:\n"
                         "    - {name: s, duration_years: 1, probability_of_success: 1.5}\n",
                         "route_to_market.stages[0].probability_of_success: must be above 0 and at most 1"),
    "missing.yaml": ("name: x\nnhs: {name: a, kind: trust}\nuse: commercial_research\n", "partner: is required"),
    "unknown.yaml": ("name: x\nnhs: {name: a, kind: trust}\npartner: {name: b, kind: sme}\nuse: commercial_research\n"
                     "terms:\n  - kind: goodwill\n", "terms[0]: unknown kind 'goodwill'"),
    "not_yaml.yaml": ("name: [unclosed\n  nhs: {", "not valid YAML at line"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_exit_non_zero_with_a_clear_line_and_no_traceback(tmp_path, name):
    text, expected = BROKEN[name]
    path = tmp_path / name
    path.write_text(text)
    for command in (["validate", str(path)], ["value", str(path), "--json"]):
        result = run(*command)
        assert result.returncode == 1
        assert expected in result.stderr
        assert result.stderr.startswith(f"{path}: ")
        assert "Traceback" not in result.stderr
        assert result.stdout == "" or "valid" not in result.stdout


def test_a_missing_file_is_reported_not_raised(tmp_path):
    result = run("value", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert "cannot read the file" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_simulate_json_prints_percentiles_and_the_same_seed_repeats_them(path, capsys):
    args = ["simulate", str(path), "--trials", "2000", "--seed", "1", "--json"]
    assert main(args) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == first
    for side in ("nhs_npv", "partner_npv"):
        assert first[side]["p10"] <= first[side]["p50"] <= first[side]["p90"]
    assert 0 <= first["probability_nhs_fails_to_recover_costs"] <= 1
    assert first["trials"] == 2000


def test_simulate_100000_trials_from_the_command_line():
    result = run("simulate", str(example_paths()[1]), "--trials", "100000", "--seed", "1", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["trials"] == 100_000


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_compare_shows_every_variant_side_by_side(path, capsys):
    assert main(["compare", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["columns"] == ["Base", *[v.name for v in load_deal(path).variants]]
    assert any(row["differs"] for row in data["figures"])


def test_compare_two_deals_marks_the_differences(capsys):
    paths = example_paths()[:2]
    assert main(["compare", *map(str, paths)]) == 0
    out = capsys.readouterr().out
    assert "* NHS NPV" in out and paths[0].name in out


def test_an_unknown_variant_or_a_bad_trial_count_is_a_clear_error():
    result = run("value", str(example_paths()[1]), "--variant", "Nope")
    assert result.returncode == 1 and "no variant is called 'Nope'" in result.stderr
    result = run("simulate", str(example_paths()[1]), "--trials", "many")
    assert result.returncode == 2 and "--trials: must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_value_json_carries_the_pillars_principles_and_fair_share(path, capsys):
    assert main(["value", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["pillars"]) == {"patient_benefit", "economic_growth", "nhs_financial_return"}
    assert [p["key"] for p in data["principles"]][:4] == ["principle_1", "principle_2", "principle_3", "principle_4"]
    assert all(p["status"] in ("pass", "warning", "fail", "not_applicable") for p in data["principles"])
    assert data["fair_share"]["band_low"] <= data["fair_share"]["band_high"]


def test_value_summary_shows_the_framework_check(capsys):
    assert main(["value", str(example_paths()[1])]) == 0
    out = capsys.readouterr().out
    assert "Framework check (VSF-2023)" in out and "1. Patient benefit" in out and "Fair NHS share" in out


def test_a_reader_that_stops_early_gets_no_traceback():
    # `python -m valueshare value ... | head -1`: the reader goes away; here it has gone before the first write,
    # so every write meets a closed pipe. The command ends quietly.
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-m", "valueshare", "value", "scenarios/ai-imaging-device.yaml"],
                           cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    run.stdout.close()
    assert run.wait(timeout=60) == 0
    err = run.stderr.read().decode()
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def fill_in(path: Path) -> None:
    """Type into a file that ``new`` wrote what it has no default for, as its author would."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("name: ''", "name: Sepsis alert AI", 1)
                    .replace("nhs:\n  name: ''", "nhs:\n  name: Northshire Trust\n  kind: trust")
                    .replace("partner:\n  name: ''", "partner:\n  name: Acme Analytics Ltd\n  kind: sme")
                    + "use: commercial_product_development\n", encoding="utf-8")


def test_new_writes_a_deal_to_fill_in_whose_validation_names_each_empty_field(tmp_path, capsys):
    path = tmp_path / "my-deal.yaml"
    assert main(["new", str(path)]) == 0
    assert "validate" in capsys.readouterr().out
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [f"{path}: name: must not be blank", f"{path}: nhs.name: must not be blank",
                     f"{path}: nhs.kind: is required", f"{path}: partner.name: must not be blank",
                     f"{path}: partner.kind: is required", f"{path}: use: is required"]
    fill_in(path)
    assert main(["value", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # Nothing is contributed, paid or sold yet: every flow is zero, so both NPVs are £0 (worked by hand).
    assert data["nhs_npv_gbp"] == 0 and data["partner_npv_gbp"] == 0
    assert load_deal(path).assumptions.horizon_years == 20  # the model's default, written out to see and change


def test_new_never_replaces_a_file_that_is_there(tmp_path, capsys):
    path = tmp_path / "mine.yaml"
    path.write_text("keep me", encoding="utf-8")
    assert main(["new", str(path)]) == 1
    assert capsys.readouterr().err.strip() == f"{path}: already exists; choose another name (a new deal never " \
                                              "replaces a file)"
    assert path.read_text(encoding="utf-8") == "keep me"


def test_compare_says_why_no_input_differs(tmp_path, capsys):
    path = tmp_path / "new.yaml"
    assert main(["new", str(path)]) == 0
    fill_in(path)
    capsys.readouterr()
    assert main(["compare", str(path)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("none: the deal has no variants (name some in its file's "
                                                     "variants section, or give another file to compare it with)")
    assert main(["compare", str(path), str(path)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("none: every input is the same in each deal")


def test_a_command_reading_an_older_format_says_so_once_on_stderr_and_leaves_the_file_alone(tmp_path, capsys):

    path = unversioned(tmp_path)
    before = path.read_bytes()
    assert main(["value", str(path)]) == 0
    captured = capsys.readouterr()
    steps = "; ".join(f"{n} to {n + 1}: {MIGRATIONS[n].description}" for n in sorted(MIGRATIONS))
    assert captured.err == f"{path}: written in format 1, read as format {CURRENT_FORMAT} ({steps})\n"
    assert "NHS NPV" in captured.out and path.read_bytes() == before
    current = tmp_path / "current.yaml"
    current.write_bytes(example_paths()[1].read_bytes())
    assert main(["value", str(current)]) == 0 and capsys.readouterr().err == ""  # the current format: no line


def test_simulate_without_a_seed_prints_the_seed_it_chose_and_that_seed_repeats_the_run(capsys):
    path = str(example_paths()[1])
    assert main(["simulate", path, "--trials", "500"]) == 0
    first = capsys.readouterr().out
    seed = first.splitlines()[0].rsplit("seed ", 1)[1]
    assert seed.isdigit()
    assert main(["simulate", path, "--trials", "500", "--seed", seed]) == 0
    assert capsys.readouterr().out == first


def test_replay_is_a_command_that_reports_a_missing_or_foreign_file_without_a_traceback(tmp_path):
    result = run("replay", str(tmp_path / "nope.json"))
    assert result.returncode == 1 and "cannot read the file" in result.stderr and "Traceback" not in result.stderr
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"nhs_npv_gbp": 1}', encoding="utf-8")
    result = run("replay", str(foreign))
    assert result.returncode == 1 and result.stderr == f"{foreign}: provenance: is missing: this is not a result " \
        "valueshare wrote with its provenance (write one with --json)\n"
    assert "replay" in run("--help").stdout


def test_every_json_result_carries_its_provenance_and_its_deal(capsys):
    path = str(example_paths()[1])
    for command in (["value", path], ["simulate", path, "--trials", "200", "--seed", "1"], ["compare", path]):
        assert main([*command, "--json"]) == 0
        data = json.loads(capsys.readouterr().out)
        assert data["provenance"]["command"] == command[0] and data["provenance"]["deal_digest"]
        assert data["deal_data"]
