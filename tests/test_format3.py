"""Format 2 to format 3 (issue 16): ``uk_share`` is ``nhs_share_of_sales`` and ``consortium_members`` are
``members``, wherever a file names them, and a format-2 file keeps its meaning and its money.

The frozen corpus (``tests/corpus/format2``) holds format-2 files: the four shipped examples exactly as
``scenarios/`` held them at commit 7bf751f, the last before format 3, and two written by hand that name the old keys
everywhere a file can (an uncertain input, a variant's override, whole sections a variant puts in). Their figures
were recorded by ``tests/corpus/format2/record_format2.py`` running on the code of 7bf751f (its docstring says how),
so the comparison below is with an independent valuation: the engine that read format 2.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
from pathlib import Path
from typing import Any

import pytest

from valueshare.engine.valuation import value_deal
from valueshare.errors import DealInvalid
from valueshare.format3 import NEW_SALES_KEY, to_format_3
from valueshare.formats import CURRENT_FORMAT, FORMAT_KEY, MIGRATIONS, migrate, upgrade_file
from valueshare.model.parties import SplitRule
from valueshare.scenario import (
    deal_from_data,
    deal_from_file_content,
    deal_from_yaml,
    deal_to_data,
    deal_to_yaml,
    example_paths,
    load_deal,
    read_deal,
)
from valueshare.textio import load_json, load_yaml

CORPUS = Path(__file__).resolve().parent / "corpus" / "format2"

_spec = importlib.util.spec_from_file_location("corpus_record_format2", CORPUS / "record_format2.py")
assert _spec is not None and _spec.loader is not None
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)

FIGURES: dict[str, Any] = json.loads(record.FIGURES.read_text(encoding="utf-8"))
CORPUS_FILES = record.corpus_files()
#: Figures agree to a millionth, relative, or a millionth of a pound (or of a share) near zero.
RELATIVE = ABSOLUTE = 1e-6
#: The steps up to format 3 and no further: the 2-to-3 step's own tests hold whatever later formats do.
TO_FORMAT_3 = {1: MIGRATIONS[1], 2: MIGRATIONS[2]}


def raw(path: Path) -> dict[str, Any]:
    """A corpus file's plain data, as the loaders read it, before any migration."""
    text = path.read_text(encoding="utf-8")
    data = load_json(text, path.name) if path.suffix == ".json" else load_yaml(text, path.name)
    assert isinstance(data, dict)
    return data


def format_2(**sections: Any) -> dict[str, Any]:
    """A small valid format-2 deal's plain data (sales included), with ``sections`` replacing its own."""
    data: dict[str, Any] = {
        FORMAT_KEY: 2, "name": "Deal", "nhs": {"name": "Lead Trust", "kind": "trust"},
        "partner": {"name": "Partner Ltd", "kind": "sme"}, "use": "commercial_product_development",
        "route_to_market": {
            "stages": [{"name": "Build", "duration_years": 1, "partner_cost_gbp": 100_000,
                        "probability_of_success": 0.8}],
            "sales": {"volume_per_year": 10_000, "price_gbp": 50, "peak_uptake": 0.5, "years_to_peak": 2,
                      "uk_share": 0.4, "operating_margin": 0.3, "end_year": 8}},
        "terms": [{"kind": "access_fee", "amount_gbp": 20_000},
                  {"kind": "royalty", "tiers": [{"from_gbp": 0, "rate": 0.05}], "territory": "uk"},
                  {"kind": "nhs_price_discount", "price_discount": 0.1}],
    }
    data.update(sections)
    return data


# -- the frozen format-2 corpus --------------------------------------------------------------------------------------

def assert_same_figures(got: Any, want: Any, where: str = "") -> None:
    """Every recorded figure equal: numbers to ``RELATIVE`` or ``ABSOLUTE``, the rest (statuses, positions, which
    figures have no value) exactly. Today's valuation may have more lines than the old one had (format 3's new
    kinds of line), but each of them must be nothing: every default of format 3 means none of it."""
    if isinstance(want, dict):
        assert isinstance(got, dict), f"{where}: {got!r}, recorded a section"
        assert set(want) <= set(got), f"{where}: {sorted(set(want) - set(got))} missing"
        for key in set(got) - set(want):
            assert where.endswith(("lines.nhs", "lines.partner")), f"{where}: {key} is new"
            assert math.isclose(got[key], 0.0, abs_tol=ABSOLUTE), f"{where}.{key}: {got[key]!r}, a new line"
        for key in want:
            assert_same_figures(got[key], want[key], f"{where}.{key}" if where else key)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {len(got)} values, recorded {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_figures(g, w, f"{where}[{i}]")
    elif isinstance(want, float) or (isinstance(want, int) and not isinstance(want, bool)):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), f"{where}: {got!r}, recorded {want!r}"
        assert math.isclose(got, want, rel_tol=RELATIVE, abs_tol=ABSOLUTE), f"{where}: {got!r}, recorded {want!r}"
    else:
        assert got == want, f"{where}: {got!r}, recorded {want!r}"


def test_the_format_2_corpus_and_its_figures_cover_the_same_files():
    assert sorted(p.name for p in CORPUS_FILES) == sorted(FIGURES)
    assert {p.suffix for p in CORPUS_FILES} == {".yaml", ".json"}


#: The examples shipped while format 2 was current (``git show 7bf751f:scenarios/<name>``), as the corpus holds them.
FORMAT_2_EXAMPLES = ("academic-study-consent.yaml", "ai-imaging-device.yaml", "pharma-genomic-discovery.yaml",
                     "rwd-network-teaching-trust.yaml")


def test_the_format_2_corpus_holds_every_example_shipped_in_format_2():
    assert set(FORMAT_2_EXAMPLES) <= {p.name for p in CORPUS_FILES}
    shipped = {p.name: p for p in example_paths()}
    for name in FORMAT_2_EXAMPLES:
        assert raw(CORPUS / name)["name"] == load_deal(shipped[name]).name, name  # today's copy, in today's format


def test_the_hand_written_files_name_the_old_keys_everywhere_a_file_can():
    everywhere: set[str] = set()
    for path in CORPUS_FILES:
        data = raw(path)
        if "consortium_members" in data["nhs"]:
            everywhere.add("nhs")
            if data["nhs"]["name"] in data["nhs"]["consortium_members"]:
                everywhere.add("nhs, listing its lead")
        if "uk_share" in data["route_to_market"]["sales"]:
            everywhere.add("sales")
        if any(u["input"] == "route_to_market.sales.uk_share" for u in data.get("uncertainty", [])):
            everywhere.add("uncertainty")
        for variant in data.get("variants", []):
            for path_, value in variant["overrides"].items():
                if path_ == "route_to_market.sales.uk_share":
                    everywhere.add("override")
                elif path_ == "route_to_market.sales" and "uk_share" in value:
                    everywhere.add("override of the sales")
                elif path_ == "route_to_market" and "uk_share" in value["sales"]:
                    everywhere.add("override of the route")
                elif path_ == "nhs" and "consortium_members" in value:
                    everywhere.add("override of the nhs")
                elif path_.startswith("nhs.consortium_members"):
                    everywhere.add("override of a member" if path_.endswith("]") else "override of the members")
    assert everywhere == {"nhs", "nhs, listing its lead", "sales", "uncertainty", "override",
                          "override of the sales", "override of the route", "override of the nhs",
                          "override of a member", "override of the members"}


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_a_format_2_file_values_to_the_figures_the_format_2_code_recorded(path: Path):
    assert raw(path)[FORMAT_KEY] == 2
    loaded = read_deal(path)
    migrated = loaded.migrated
    assert (migrated.from_version, migrated.to_version) == (2, CURRENT_FORMAT)
    assert migrated.steps_applied[0] is MIGRATIONS[2]
    # NHS and partner NPV, IRR, shares, cost recovery, cash flows, each line's present value, the pillars, the
    # framework's verdicts and band, the contribution's value, the positions, a fixed-seed Monte Carlo mean and
    # each variant's money: valued today, compared with what the code of 7bf751f made of the same file.
    assert_same_figures(record.figures_of(loaded.deal), FIGURES[path.name])


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_a_format_2_file_reads_back_equal_from_what_the_writers_write(path: Path):
    deal = load_deal(path)
    assert deal_from_yaml(deal_to_yaml(deal)) == deal
    assert deal_from_data(json.loads(json.dumps(deal_to_data(deal)))) == deal
    assert deal_from_file_content(json.dumps(deal_to_data(deal)).encode(), "deal.json") == deal


def test_the_consortium_examples_read_as_members_with_no_split_and_the_uk_share_as_the_nhs_share():
    deal = load_deal(CORPUS / "pharma-genomic-discovery.yaml")
    assert [m.name for m in deal.nhs.members] == ["Example Regional Secure Data Environment",
                                                  "Example University Hospitals NHS Foundation Trust",
                                                  "Example Genomic Medicine Service Alliance"]
    assert all(m.is_nhs for m in deal.nhs.members) and deal.nhs.split is SplitRule.NOT_AGREED
    assert deal.route_to_market is not None and deal.route_to_market.sales is not None
    assert deal.route_to_market.sales.nhs_share_of_sales == 0.06  # the file's uk_share
    listed = load_deal(CORPUS / "sde-consortium-uk-share.yaml")  # lists its lead first itself: not twice
    assert [m.name for m in listed.nhs.members] == ["Example Regional Secure Data Environment",
                                                   "Example Northern NHS Foundation Trust",
                                                   "Example Southern NHS Trust"]
    assert value_deal(deal).members == [] and "not agreed" in value_deal(deal).members_note


def test_the_variants_of_a_format_2_file_move_with_it():
    deal = load_deal(CORPUS / "trust-consortium-variants.json")
    joined, renamed, led, later = (deal.variant(v.name) for v in deal.variants)
    assert [m.name for m in joined.nhs.members] == ["Example Teaching Hospitals NHS Trust",
                                                    "Example District General NHS Trust", "Example Coastal NHS Trust"]
    assert [m.name for m in renamed.nhs.members] == ["Example Teaching Hospitals NHS Trust",
                                                     "Example Merged NHS Trust"]
    assert [m.name for m in led.nhs.members] == ["Example District General NHS Trust",
                                                 "Example Teaching Hospitals NHS Trust"]
    assert led.nhs.split is SplitRule.NOT_AGREED
    shares = [d.route_to_market.sales.nhs_share_of_sales for d in (joined, later)]  # type: ignore[union-attr]
    assert shares == [0.3, 0.2]


# -- the step: uk_share ----------------------------------------------------------------------------------------------

def test_uk_share_is_named_nhs_share_of_sales_in_its_place_among_the_sales_keys():
    sales = to_format_3(format_2())["route_to_market"]["sales"]
    assert list(sales) == ["volume_per_year", "price_gbp", "peak_uptake", "years_to_peak", NEW_SALES_KEY,
                           "operating_margin", "end_year"]
    assert sales[NEW_SALES_KEY] == 0.4


def test_an_uncertain_uk_share_is_an_uncertain_nhs_share_and_other_inputs_are_left_alone():
    data = format_2(uncertainty=[
        {"input": "route_to_market.sales.uk_share", "distribution": {"dist": "uniform", "low": 0.2, "high": 0.6}},
        {"input": "route_to_market.sales.peak_uptake", "distribution": {"dist": "uniform", "low": 0.4, "high": 0.6}}])
    moved = to_format_3(data)
    assert [u["input"] for u in moved["uncertainty"]] == ["route_to_market.sales.nhs_share_of_sales",
                                                          "route_to_market.sales.peak_uptake"]
    deal = deal_from_data(data)
    assert [u.input for u in deal.uncertainty] == [u["input"] for u in moved["uncertainty"]]
    # Format 2's base case is each uncertain input's mean: the uniform's, (0.2 + 0.6) / 2, on the new name.
    from valueshare.basecase import base_case
    assert base_case(deal).route_to_market.sales.nhs_share_of_sales == pytest.approx(0.4)  # type: ignore[union-attr]


def test_a_variants_overrides_of_the_uk_share_are_renamed_by_path_and_inside_whole_sections():
    sales = {"volume_per_year": 10_000, "price_gbp": 60, "uk_share": 0.7}
    data = format_2(variants=[{"name": "V", "overrides": {
        "route_to_market.sales.uk_share": 0.5,
        "route_to_market.sales": dict(sales),
        "route_to_market": {"stages": [], "sales": dict(sales)},
        "route_to_market.sales.peak_uptake": 0.6,
        "uncertainty": [{"input": "route_to_market.sales.uk_share"}],
        "uncertainty[0]": {"input": "route_to_market.sales.uk_share"},
        "uncertainty[1].input": "route_to_market.sales.uk_share",
    }}])
    overrides = to_format_3(data)["variants"][0]["overrides"]
    renamed = {"volume_per_year": 10_000, "price_gbp": 60, NEW_SALES_KEY: 0.7}
    assert overrides == {
        "route_to_market.sales.nhs_share_of_sales": 0.5,
        "route_to_market.sales": renamed,
        "route_to_market": {"stages": [], "sales": renamed},
        "route_to_market.sales.peak_uptake": 0.6,
        "uncertainty": [{"input": "route_to_market.sales.nhs_share_of_sales"}],
        "uncertainty[0]": {"input": "route_to_market.sales.nhs_share_of_sales"},
        "uncertainty[1].input": "route_to_market.sales.nhs_share_of_sales",
    }
    assert list(overrides)[0] == "route_to_market.sales.nhs_share_of_sales"  # each in its place


def test_a_variant_of_the_uk_share_changes_the_nhs_share_in_the_migrated_deal():
    deal = deal_from_data(format_2(variants=[{"name": "More NHS", "overrides": {
        "route_to_market.sales.uk_share": 0.9}}]))
    assert deal.variant("More NHS").route_to_market.sales.nhs_share_of_sales == 0.9  # type: ignore[union-attr]


def test_a_sales_section_holding_both_names_is_left_for_the_validator_to_report_the_old_one():
    data = format_2()
    data["route_to_market"]["sales"][NEW_SALES_KEY] = 0.5
    assert "uk_share" in to_format_3(data)["route_to_market"]["sales"]
    with pytest.raises(DealInvalid, match=r"route_to_market\.sales\.uk_share: is not a field"):
        deal_from_data(data)


# -- the step: consortium members ------------------------------------------------------------------------------------

def nhs_with(members: Any, name: str = "Lead Trust") -> dict[str, Any]:
    return {"name": name, "kind": "trust", "consortium_members": members}


def test_consortium_members_are_members_led_by_the_lead_with_no_split_agreed():
    nhs = to_format_3(format_2(nhs=nhs_with(["Second Trust", "Third Trust"])))["nhs"]
    assert nhs == {"name": "Lead Trust", "kind": "trust",
                   "members": [{"name": "Lead Trust"}, {"name": "Second Trust"}, {"name": "Third Trust"}],
                   "split": "not_agreed"}


def test_a_lead_already_listed_is_not_listed_twice_and_keeps_its_place():
    nhs = to_format_3(format_2(nhs=nhs_with(["Second Trust", "Lead Trust"])))["nhs"]
    assert nhs["members"] == [{"name": "Second Trust"}, {"name": "Lead Trust"}]


def test_a_member_format_2_listed_twice_is_one_member():
    # Format 2 took the list as names and let one repeat; format 3 refuses a member listed twice.
    data = format_2(nhs=nhs_with(["Second Trust", "Second Trust"]))
    assert to_format_3(data)["nhs"]["members"] == [{"name": "Lead Trust"}, {"name": "Second Trust"}]
    assert [m.name for m in deal_from_data(data).nhs.members] == ["Lead Trust", "Second Trust"]


def test_an_empty_list_of_consortium_members_is_no_members_and_no_split():
    nhs = to_format_3(format_2(nhs=nhs_with([])))["nhs"]
    assert nhs == {"name": "Lead Trust", "kind": "trust"}
    assert deal_from_data(format_2(nhs=nhs_with([]))).nhs.members == []


@pytest.mark.parametrize("members", ["Second Trust", 3, {"name": "Second Trust"}])
def test_consortium_members_that_are_not_a_list_are_reported_at_their_new_place(members: Any):
    data = format_2(nhs=nhs_with(members))
    assert to_format_3(data)["nhs"]["members"] == members  # moved untouched
    with pytest.raises(DealInvalid) as caught:
        deal_from_data(data)
    assert [p.path for p in caught.value.problems] == ["nhs.members"]


def test_a_variants_overrides_of_the_members_move_to_members():
    data = format_2(nhs=nhs_with(["Second Trust", "Third Trust"]), variants=[
        {"name": "Joined", "overrides": {"nhs.consortium_members": ["Second Trust", "Fourth Trust"]}},
        {"name": "Renamed", "overrides": {"nhs.consortium_members[1]": "Merged Trust"}},
        {"name": "New lead", "overrides": {"nhs.name": "Second Trust", "nhs.consortium_members": ["Third Trust"]}},
        {"name": "Alone", "overrides": {"nhs.consortium_members": []}},
        {"name": "Other side", "overrides": {"nhs": nhs_with(["Lead Trust"], name="Third Trust")}},
    ])
    overrides = [v["overrides"] for v in to_format_3(data)["variants"]]
    assert overrides == [
        {"nhs.members": [{"name": "Lead Trust"}, {"name": "Second Trust"}, {"name": "Fourth Trust"}]},
        {"nhs.members[2].name": "Merged Trust"},  # the file's second member is third, after the lead
        {"nhs.name": "Second Trust", "nhs.members": [{"name": "Second Trust"}, {"name": "Third Trust"}]},
        {"nhs.members": []},
        {"nhs": {"name": "Third Trust", "kind": "trust", "members": [{"name": "Third Trust"}, {"name": "Lead Trust"}],
                 "split": "not_agreed"}},
    ]
    deal = deal_from_data(data)
    assert [[m.name for m in deal.variant(v.name).nhs.members] for v in deal.variants] == [
        ["Lead Trust", "Second Trust", "Fourth Trust"], ["Lead Trust", "Second Trust", "Merged Trust"],
        ["Second Trust", "Third Trust"], [], ["Third Trust", "Lead Trust"]]


def test_a_variant_naming_a_member_the_file_does_not_list_is_refused_at_its_new_place_as_at_its_old():
    data = format_2(nhs=nhs_with(["Second Trust"]),
                    variants=[{"name": "V", "overrides": {"nhs.consortium_members[1]": "Nobody"}}])
    assert to_format_3(data)["variants"][0]["overrides"] == {"nhs.members[2].name": "Nobody"}
    with pytest.raises(DealInvalid, match=r"nhs\.members\[2\]: this deal has no such field"):
        deal_from_data(data)


def test_listing_the_members_changes_no_figure():
    # Names alone, with no split agreed: the NHS's figures are the whole consortium's, as in format 2.
    alone = value_deal(deal_from_data(format_2())).to_dict()
    consortium = value_deal(deal_from_data(format_2(nhs=nhs_with(["Second Trust"])))).to_dict()
    assert consortium.pop("members_note") and not alone.pop("members_note")
    assert consortium == alone


# -- the step as a whole ---------------------------------------------------------------------------------------------

def test_the_step_leaves_the_callers_data_alone():
    data = format_2(nhs=nhs_with(["Second Trust"]),
                    uncertainty=[{"input": "route_to_market.sales.uk_share",
                                  "distribution": {"dist": "uniform", "low": 0.2, "high": 0.6}}],
                    variants=[{"name": "V", "overrides": {"route_to_market.sales.uk_share": 0.5,
                                                          "nhs": nhs_with(["Third Trust"])}}])
    before = copy.deepcopy(data)
    to_format_3(data)
    migrate(data, steps=TO_FORMAT_3)
    deal_from_data(data)
    assert data == before


def test_a_format_2_file_reads_as_format_3_and_says_so():
    migrated = migrate(format_2(nhs=nhs_with(["Second Trust"])), "deal.yaml", steps=TO_FORMAT_3)
    assert (migrated.from_version, migrated.to_version, migrated.steps_applied) == (2, 3, (MIGRATIONS[2],))
    assert migrated.note("deal.yaml") == f"deal.yaml: written in format 2, read as format 3 (2 to 3: " \
                                         f"{MIGRATIONS[2].description})"


def test_a_migrated_format_2_deal_validates_with_format_3s_defaults_meaning_none_of_it():
    deal = deal_from_data(format_2(nhs=nhs_with(["Second Trust"])))
    sales = deal.route_to_market.sales  # type: ignore[union-attr]
    assert sales is not None and sales.nhs_share_of_sales == 0.4
    assert sales.nhs_party_purchase_share == 1.0 and sales.starting_uptake == 0.0
    assert deal.funding == [] and deal.platform_users == [] and deal.contribution.curation is None
    assert [m.model_dump() for m in deal.nhs.members] == [
        {"name": n, "is_nhs": True, "records": 0.0, "share": None,
         "own_costs": {"preparation_gbp": 0.0, "yearly_gbp": 0.0, "years": 1}} for n in ("Lead Trust", "Second Trust")]
    assert deal.patient_benefit.outcomes == []
    assert list(deal_to_data(deal))[0] == FORMAT_KEY and deal_to_data(deal)[FORMAT_KEY] == CURRENT_FORMAT


@pytest.mark.parametrize("name", ["pharma-genomic-discovery.yaml", "trust-consortium-variants.json"])
def test_upgrading_a_format_2_file_writes_it_in_the_current_format_as_the_same_deal(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes((CORPUS / name).read_bytes())
    result = upgrade_file(path)
    assert (result.from_version, result.to_version, result.changed) == (2, CURRENT_FORMAT, True)
    text = path.read_text(encoding="utf-8")
    assert "uk_share" not in text and "consortium_members" not in text
    assert raw(path)[FORMAT_KEY] == CURRENT_FORMAT and read_deal(path).note is None
    assert load_deal(path) == load_deal(CORPUS / name)
