"""Results anyone can reproduce (issue 15): every JSON result carries its provenance and its deal, and ``replay``
makes it again and says whether it reproduces; the PDFs and the workbook carry the version, rule set and digest.

No money is asserted here: a replay compares valueshare's figures with valueshare's own figures made again, and
the digests are checked against ``hashlib.sha256`` of the canonical JSON written out independently here.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from valueshare import __version__, load_deal, value_deal
from valueshare.cli import main
from valueshare.errors import DealInvalid
from valueshare.framework.principles import VSF_2023
from valueshare.provenance import (
    Provenance,
    ResultInvalid,
    Simulated,
    canonical_json,
    deal_digest,
    digest_data,
    partner_digest,
)
from valueshare.replay import EXACT, Tolerance, differences, replay_data, replay_file
from valueshare.scenario import deal_to_data, example_paths
from valueshare.sharing import partner_yaml

EXAMPLES = example_paths()
TRIALS = "300"  # small: a replay re-runs the whole simulation


def saved(tmp_path: Path, capsys, *args: str, name: str = "result.json") -> Path:
    """Run a command with --json and save what it printed, as a user would with '> result.json'."""
    assert main([*args, "--json"]) == 0
    path = tmp_path / name
    path.write_text(capsys.readouterr().out, encoding="utf-8")
    return path


def replayed(path: Path, capsys) -> tuple[int, str, str]:
    code = main(["replay", str(path)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def edit(path: Path, change) -> Path:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# -- replay on a saved result of every example ----------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_saved_value_result_of_every_example_reproduces_exactly(path, tmp_path, capsys):
    result = saved(tmp_path, capsys, "value", str(path))
    code, out, err = replayed(result, capsys)
    assert code == 0, out + err
    assert out.splitlines()[-1].startswith("reproduces: all ") and "figures are the same" in out
    assert "matches its recorded digest" in out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_a_saved_simulation_of_every_example_reproduces_exactly_with_its_seed(path, tmp_path, capsys):
    result = saved(tmp_path, capsys, "simulate", str(path), "--trials", TRIALS, "--seed", "7")
    code, out, err = replayed(result, capsys)
    assert code == 0, out + err
    assert "PCG64, seed 7, 300 trials" in out and out.splitlines()[-1].startswith("reproduces")


def test_a_simulation_without_a_seed_records_the_one_it_chose_and_reproduces(tmp_path, capsys):
    result = saved(tmp_path, capsys, "simulate", str(EXAMPLES[1]), "--trials", TRIALS)
    data = json.loads(result.read_text(encoding="utf-8"))
    seed = data["provenance"]["simulation"]["seed"]
    assert isinstance(seed, int) and data["seed"] == seed
    assert replayed(result, capsys)[0] == 0


def test_a_variant_a_comparison_and_a_negotiation_reproduce(tmp_path, capsys):
    deal = load_deal(EXAMPLES[1])
    variant = deal.variants[0].name
    value = saved(tmp_path, capsys, "value", str(EXAMPLES[1]), "--variant", variant, name="v.json")
    data = json.loads(value.read_text(encoding="utf-8"))
    assert data["provenance"]["options"] == {"variant": variant}
    assert data["provenance"]["variant_digest"] == deal_digest(deal.variant(variant))
    assert data["nhs_npv_gbp"] == round(value_deal(deal.variant(variant)).nhs_npv, 2)  # the variant was valued
    one = saved(tmp_path, capsys, "compare", str(EXAMPLES[1]), name="c1.json")
    two = saved(tmp_path, capsys, "compare", str(EXAMPLES[0]), str(EXAMPLES[1]), name="c2.json")
    assert len(json.loads(two.read_text(encoding="utf-8"))["deal_data"]) == 2
    negotiation = saved(tmp_path, capsys, "negotiate", str(EXAMPLES[1]), "--target", "20%", name="n.json")
    assert json.loads(negotiation.read_text(encoding="utf-8"))["provenance"]["options"]["target"] == \
        {"kind": "share", "value": 0.2}
    for result in (value, one, two, negotiation):
        code, out, err = replayed(result, capsys)
        assert code == 0, out + err


# -- what a result carries ------------------------------------------------------------------------------------------

def test_a_result_carries_the_version_rule_set_format_digest_command_and_deal(tmp_path, capsys):
    path = EXAMPLES[0]
    data = json.loads(saved(tmp_path, capsys, "simulate", str(path), "--trials", TRIALS, "--seed", "3")
                      .read_text(encoding="utf-8"))
    p = data["provenance"]
    assert p["valueshare_version"] == __version__
    assert p["rule_set"]["short_name"] == VSF_2023.short_name and p["rule_set"]["name"] == VSF_2023.name
    assert p["format_version"] == data["deal_data"]["format_version"]
    assert p["command"] == "simulate" and p["options"] == {"variant": None, "trials": 300, "seed": 3}
    assert p["simulation"]["generator"] == "PCG64" and p["simulation"]["seed"] == 3
    assert p["simulation"]["trials"] == 300 and p["simulation"]["numpy_version"]
    # the digest, worked independently: sha256 of the deal's JSON with sorted keys and no spaces
    text = json.dumps(data["deal_data"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert p["deal_digest"] == "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert data["deal_data"] == deal_to_data(load_deal(path))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_digest_is_of_the_deal_not_of_the_files_comments_key_order_or_format(path, tmp_path):
    deal = load_deal(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    shuffled = tmp_path / "shuffled.yaml"
    shuffled.write_text("# another comment\n" + yaml.safe_dump(dict(reversed(list(data.items())))),
                        encoding="utf-8")
    as_json = tmp_path / "deal.json"
    as_json.write_text(json.dumps(deal_to_data(deal), indent=4), encoding="utf-8")
    assert deal_digest(load_deal(shuffled)) == deal_digest(load_deal(as_json)) == deal_digest(deal)
    # and a deal read back from its own written data has the same digest
    assert deal_digest(load_deal(as_json)) == digest_data(deal_to_data(deal))
    other = deal_to_data(deal)
    other["name"] = other["name"] + " (revised)"
    assert digest_data(other) != deal_digest(deal)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.floats(allow_nan=False,
                                                                                allow_infinity=False),
                                                         st.text(max_size=5), st.none()), max_size=6))
def test_the_canonical_form_does_not_depend_on_key_order(data):
    reordered = dict(reversed(list(data.items())))
    assert canonical_json(reordered) == canonical_json(data)
    assert json.loads(canonical_json(data)) == data


def test_a_provenance_reads_back_as_it_was_written():
    made = Provenance.of(load_deal(EXAMPLES[0]), command="simulate", options={"seed": 1, "trials": 9},
                         simulation=Simulated(seed=1, trials=9, chunk_size=5000))
    assert Provenance.from_dict(json.loads(json.dumps(made.to_dict()))) == made


# -- what does not reproduce, and what cannot be replayed -----------------------------------------------------------

def test_a_tampered_figure_is_reported_as_differing(tmp_path, capsys):
    result = saved(tmp_path, capsys, "value", str(EXAMPLES[1]))
    recorded = json.loads(result.read_text(encoding="utf-8"))["nhs_npv_gbp"]

    def tamper(data):
        data["nhs_npv_gbp"] += 1000
        data["principles"][0]["status"] = "fail" if data["principles"][0]["status"] != "fail" else "pass"
    code, out, _ = replayed(edit(result, tamper), capsys)
    assert code == 1
    assert "does not reproduce: 2 of " in out
    assert f"nhs_npv_gbp: recorded {recorded + 1000!r}, now {recorded!r}" in out
    assert "principles[0].status: recorded" in out


def test_a_tampered_simulation_figure_is_reported_as_differing(tmp_path, capsys):
    result = saved(tmp_path, capsys, "simulate", str(EXAMPLES[1]), "--trials", TRIALS, "--seed", "2")

    def tamper(data):
        data["nhs_npv"]["p90"] += 0.01  # a penny is a difference: the same seed gives the same numbers
    code, out, _ = replayed(edit(result, tamper), capsys)
    assert code == 1 and "nhs_npv.p90: recorded" in out


def test_another_seed_in_the_provenance_gives_other_figures(tmp_path, capsys):
    result = saved(tmp_path, capsys, "simulate", str(EXAMPLES[1]), "--trials", TRIALS, "--seed", "2")
    code, out, _ = replayed(edit(result, lambda d: d["provenance"]["simulation"].update(seed=3)), capsys)
    assert code == 1 and "nhs_npv.mean: recorded" in out


def test_a_tampered_deal_fails_its_digest_and_nothing_is_run(tmp_path, capsys):
    result = saved(tmp_path, capsys, "value", str(EXAMPLES[1]))

    def tamper(data):
        data["deal_data"]["assumptions"]["nhs_discount_rate"] = 0.01
    code, out, err = replayed(edit(result, tamper), capsys)
    assert code == 1 and out == ""
    assert f"{result}: deal_data: the deal was changed after the result was written" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("content", "expected"), [
    ("not json at all", "not valid JSON at line 1"),
    ("[1, 2]", "a result is a JSON object"),
    ('{"nhs_npv_gbp": 1}', "provenance: is missing"),
    ("{}", "provenance: is missing"),
])
def test_a_file_that_is_not_a_result_is_one_clear_line(tmp_path, capsys, content, expected):
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = replayed(path, capsys)
    assert code == 1 and out == ""
    assert err.startswith(f"{path}: ") and expected in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(("change", "field"), [
    (lambda d: d["provenance"].pop("deal_digest"), "provenance.deal_digest: is missing"),
    (lambda d: d["provenance"].update(deal_digest=5), "provenance.deal_digest: must be a str or list, not int"),
    (lambda d: d["provenance"].update(command="export"), "provenance.command: 'export' is not a command"),
    (lambda d: d["provenance"].pop("command"), "provenance.command: is missing"),
    (lambda d: d["provenance"]["simulation"].update(seed="one"), "provenance.simulation.seed: must be a int"),
    (lambda d: d["provenance"].pop("simulation"), "provenance.simulation: is missing"),
    (lambda d: d["provenance"]["options"].update(variant=3), "provenance.options.variant: must be a str"),
    (lambda d: d.pop("deal_data"), "deal_data: is missing"),
    (lambda d: d["deal_data"].update(name=None), "deal_data: the deal was changed"),
])
def test_a_broken_provenance_names_its_field(tmp_path, capsys, change, field):
    result = saved(tmp_path, capsys, "simulate", str(EXAMPLES[1]), "--trials", TRIALS, "--seed", "1")
    code, out, err = replayed(edit(result, change), capsys)
    assert code == 1 and out == "" and "Traceback" not in err
    assert field in err


def test_an_invalid_deal_whose_digest_matches_is_reported_with_its_field(tmp_path, capsys):
    # A deal rewritten with its digest recomputed (so not tampered by accident) that no longer validates.
    result = saved(tmp_path, capsys, "value", str(EXAMPLES[1]))

    def rewrite(data):
        data["deal_data"]["assumptions"]["nhs_discount_rate"] = -5
        data["provenance"]["deal_digest"] = digest_data(data["deal_data"])
    code, _, err = replayed(edit(result, rewrite), capsys)
    assert code == 1 and "deal_data.assumptions.nhs_discount_rate" in err


def test_replay_data_raises_result_invalid_a_domain_error():
    with pytest.raises(ResultInvalid) as caught:
        replay_data({"provenance": {}}, "r.json")
    assert isinstance(caught.value, DealInvalid)
    assert caught.value.problems[0].path.startswith("provenance.")


# -- another environment: said, and compared within the stated tolerance --------------------------------------------

def test_another_numpy_is_said_and_the_simulation_is_compared_within_its_sampling_error(tmp_path, capsys):
    result = saved(tmp_path, capsys, "simulate", str(EXAMPLES[1]), "--trials", TRIALS, "--seed", "5")
    data = json.loads(result.read_text(encoding="utf-8"))
    se = data["nhs_npv"]["standard_error"]

    def elsewhere(shift):
        def change(d):
            d["provenance"]["numpy_version"] = "1.26.0"
            d["provenance"]["simulation"]["numpy_version"] = "1.26.0"
            d["nhs_npv"]["mean"] += shift
        return change
    near = tmp_path / "near.json"
    near.write_text(result.read_text(encoding="utf-8"), encoding="utf-8")
    edit(near, elsewhere(se))  # one standard error: within 3
    code, out, _ = replayed(near, capsys)
    assert code == 0, out
    assert "numpy" in out and "(recorded 1.26.0)" in out and "within 2% or 3 standard errors" in out
    far = edit(result, elsewhere(10 * se + 0.05 * abs(data["nhs_npv"]["mean"])))
    code, out, _ = replayed(far, capsys)
    assert code == 1 and "nhs_npv.mean: recorded" in out


def test_another_version_compares_a_value_result_within_one_part_in_a_million(tmp_path, capsys):
    result = saved(tmp_path, capsys, "value", str(EXAMPLES[1]))

    def elsewhere(d):
        d["provenance"]["valueshare_version"] = "0.0.1"
        d["partner_npv_gbp"] *= 1 + 1e-8
    code, out, _ = replayed(edit(result, elsewhere), capsys)
    assert code == 0, out
    assert "valueshare " + __version__ + " (recorded 0.0.1)" in out and "one part in a million" in out


def test_differences_exact_and_within_a_tolerance():
    recorded = {"a": 100.0, "b": [1, "x"], "provenance": {}, "gone": 1}
    now = {"a": 100.5, "b": [1, "y"], "new": 2}
    compared, found, added = differences(recorded, now)
    assert compared == 4 and [d.path for d in found] == ["a", "b[1]", "gone", "new"] and added == []
    compared, found, added = differences(recorded, now, Tolerance(rel=0.01), strict=False)
    assert [d.path for d in found] == ["b[1]", "gone"] and added == ["new"]
    assert EXACT.agree("a", 1.0, 1.0) and not EXACT.agree("a", 1.0, 1.0 + 1e-12)
    assert Tolerance(0.0, 1000.0, 0.01).agree("probability_x", 0.5, 0.505)
    assert not Tolerance(0.0, 1000.0, 0.01).agree("probability_x", 0.5, 0.52)


# -- the documents --------------------------------------------------------------------------------------------------

def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_term_sheet_carries_the_version_rule_set_and_the_partners_digest():
    from valueshare.reports.termsheet import term_sheet_pdf

    deal = load_deal(EXAMPLES[1])
    text = " ".join(pdf_text(term_sheet_pdf(deal, value_deal(deal), issued=datetime.date(2026, 1, 2))).split())
    digest = partner_digest(deal)
    assert f"valueshare {__version__} · {VSF_2023.short_name} · deal {digest[7:23]}" in text  # each page's footer
    assert digest in text.replace(" ", "") or digest[7:] in text.replace(" ", "")  # the About line, in full
    assert deal_digest(deal) not in text.replace(" ", "")  # never the digest of the NHS's own file


def test_the_partner_can_check_the_term_sheets_digest_against_the_file_it_is_sent(tmp_path, capsys):
    deal = load_deal(EXAMPLES[1])
    sent = tmp_path / "for-partner.yaml"
    sent.write_text(partner_yaml(deal), encoding="utf-8")
    result = saved(tmp_path, capsys, "value", str(sent))
    assert json.loads(result.read_text(encoding="utf-8"))["provenance"]["deal_digest"] == partner_digest(deal)
    # with the NHS's costs disclosed (the term sheet's annex A), the file sent with them
    sent.write_text(partner_yaml(deal, with_nhs_costs=True), encoding="utf-8")
    result = saved(tmp_path, capsys, "value", str(sent))
    assert (json.loads(result.read_text(encoding="utf-8"))["provenance"]["deal_digest"]
            == partner_digest(deal, with_nhs_costs=True))


def test_the_brief_carries_the_digest_of_the_whole_deal():
    from valueshare.negotiation import negotiate
    from valueshare.reports.brief import brief_pdf

    deal = load_deal(EXAMPLES[1])
    n = negotiate(deal, trials=200)
    text = " ".join(pdf_text(brief_pdf(deal, n.valuation, negotiation=n)).split())
    assert f"valueshare {__version__} · {VSF_2023.short_name} · deal {deal_digest(deal)[7:23]}" in text
    assert "About this document." in text


def test_the_workbook_summary_records_its_provenance():
    from openpyxl import load_workbook

    from valueshare.reports.excel import deal_workbook

    deal = load_deal(EXAMPLES[1])
    sheet = load_workbook(io.BytesIO(deal_workbook(deal)))["Summary"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["valueshare version"] == __version__ and rows["Rule set"] == VSF_2023.short_name
    assert rows["Deal content digest"] == deal_digest(deal)
    assert "Provenance" in rows


def test_replaying_does_not_change_the_result_file(tmp_path, capsys):
    result = saved(tmp_path, capsys, "value", str(EXAMPLES[0]))
    before = result.read_bytes()
    assert replay_file(result).reproduces
    assert result.read_bytes() == before
