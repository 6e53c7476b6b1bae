"""The catalogue of inputs (valueshare.inputs) is the one place an input's label, unit and written value come from:
this walks it and checks each surface that shows inputs — the app's forms, the CLI's comparison, the brief (PDF),
the Excel model's Inputs sheet and the generated scenario-format reference — names and writes each one the same way.

Expected texts are built here from the model's own field titles and units by the rule docs/scenario-format.md
states (a fraction's label ends "(%)", money "(£)", a duration "(years)" unless the title already says so; a
fraction is written as a percentage to at most two decimals, money exactly), not by calling the writer under test.
"""

from __future__ import annotations

import io
import math
import typing
from pathlib import Path

import openpyxl
import pytest
from apptest_support import open_page, show

from valueshare import inputs, paths
from valueshare.docgen import SECTIONS
from valueshare.model.base import Model
from valueshare.scenario import deal_to_data, example_paths, load_deal

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {p.stem: p for p in example_paths()}


def expected_label(title: str, unit: str | None, number: bool) -> str:
    suffix = {"fraction": " (%)", "gbp": " (£)", "years": " (years)",
              "year": " (years after signature)"}.get(unit or "", "") if number else ""
    if unit == "years" and "year" in title.lower():
        suffix = ""
    return title if title.endswith(suffix) else title + suffix


def expected_text(unit: str | None, value: float, per_year: bool = False) -> str:
    if unit == "fraction":
        return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"
    if unit == "gbp":
        text = f"£{value:,.2f}" if not float(value).is_integer() else f"£{value:,.0f}"
        return text + (" a year" if per_year else "")
    if unit == "years":
        v = round(value, 2)
        shown = f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}".rstrip("0").rstrip(".")
        return f"{shown} year" if shown == "1" else f"{shown} years"
    if unit == "year":
        return f"year {value:,.0f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def all_models() -> list[type[Model]]:
    return sorted({e.model for entries in inputs.catalogue().values() for e in entries}, key=lambda m: m.__name__)


def test_every_field_of_every_model_has_a_title_and_the_label_follows_the_documented_rule():
    for model in all_models():
        for name, info in model.model_fields.items():
            if typing.get_origin(info.annotation) is typing.Literal:
                continue  # a mechanism's or distribution's tag: fixed, never typed
            assert info.title, f"{model.__name__}.{name} has no Field(title=...)"
            found = inputs.field_input(model, name)
            assert found.label == expected_label(info.title, found.unit, found.kind == "number"), (model, name)


def test_every_numeric_input_has_a_unit_and_bounds_and_its_solver_range_lies_within_them():
    for found in inputs.numbers():
        assert found.unit, found.pattern
        assert found.lo is not None and found.hi is not None, found.pattern  # every number is bounded
        searched = found.solver_range()
        if searched is None:
            assert found.whole or found.unit not in {"fraction", "gbp", "years", "count", "hours"}, found.pattern
            continue
        lo, hi = searched
        assert found.allows(lo), found.pattern
        if hi is not None:
            assert found.allows(hi) and hi > lo, found.pattern


@pytest.mark.parametrize("unit,value,text", [
    ("fraction", 0.02, "2%"), ("fraction", 0.1673, "16.73%"), ("fraction", 0.035, "3.5%"),
    ("gbp", 60_000, "£60,000"), ("gbp", 12.5, "£12.50"), ("years", 1.0, "1 year"), ("years", 2.5, "2.5 years"),
    ("year", 3, "year 3"), ("count", 4_800_000, "4,800,000"),
])
def test_the_documented_writing_rule_itself(unit, value, text):
    assert expected_text(unit, value) == text


def walk(deal) -> list[tuple[str, inputs.Input, float]]:
    """Every numeric input a deal holds a value for: (path, entry, value)."""
    data = deal_to_data(deal)
    out = []
    for path in inputs.concrete(data, lambda e: e.kind == "number"):
        try:
            value = paths.get(data, path)
        except Exception:  # noqa: BLE001 - an optional input left out
            continue
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            out.append((path, inputs.entry(path, data), value))
    return out


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_every_input_of_every_example_is_written_by_the_catalogue_as_the_rule_says(name):
    deal = load_deal(EXAMPLES[name])
    found = walk(deal)
    assert found
    for path, entry, value in found:
        if entry.unit in ("fraction", "gbp", "years", "year", "count"):
            assert inputs.write(path, value, deal) == expected_text(entry.unit, value, entry.per_year), path


def test_the_scenario_format_reference_names_each_field_by_its_catalogue_label():
    text = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    for _, model in SECTIONS:
        for name, _info in model.model_fields.items():
            label = inputs.field_input(model, name).label.replace("|", "\\|")
            assert f"| `{name}` | {label} |" in text, (model.__name__, name)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_excel_inputs_sheet_names_and_holds_each_input_as_the_catalogue_does(name):
    from valueshare.basecase import base_case
    from valueshare.reports.excel import deal_workbook

    deal = load_deal(EXAMPLES[name])
    # The sheet holds the base case the formulas value (its Base case row says so): each uncertain input at its
    # mean under assumptions.base_case: expected; with the optional inputs left empty, as the sheet lists them.
    data = base_case(deal).model_dump(mode="json")
    book = openpyxl.load_workbook(io.BytesIO(deal_workbook(deal)))
    sheet = book["Inputs"]
    head = [c.value for c in sheet[4]]
    label_col, value_col, field_col = head.index("Input"), head.index("Value"), head.index("Scenario field")
    seen = 0
    for row in sheet.iter_rows(min_row=5, values_only=True):
        path = row[field_col]
        if not path or inputs.entry(path, data) is None:
            continue
        assert row[label_col] == inputs.label(path, deal), path
        value = paths.get(data, path)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and row[value_col] is not None:
            # exactly, to the 16 significant figures an xlsx file keeps (a mean of 5/3 years is not a short decimal)
            assert math.isclose(float(row[value_col]), float(value), rel_tol=1e-15, abs_tol=0), path
        seen += 1
    assert seen >= len([p for p, e, _ in walk(deal) if p.startswith(("route_to_market", "terms"))])


def test_the_cli_and_the_app_compare_name_and_write_each_differing_input_the_same_way(capsys):
    from valueshare.cli import main

    path = EXAMPLES["ai-imaging-device"]
    deal = load_deal(path)
    assert main(["compare", str(path)]) == 0
    out = capsys.readouterr().out
    differing = sorted({p for v in deal.variants for p in v.overrides})
    assert differing
    for p in differing:
        row = next(line for line in out.splitlines() if inputs.label(p, deal) in line)
        for variant in [deal, *(deal.variant(v.name) for v in deal.variants)]:
            assert inputs.write(p, paths.get(deal_to_data(variant), p), variant) in row, (p, row)
    at = open_page("app_pages/compare.py", path)
    tables = [t.value.data if hasattr(t.value, "data") else t.value for t in at.dataframe]
    frame = next(t for t in tables if "Field path" in t.columns)
    for p in differing:
        shown = frame[frame["Field path"] == p].iloc[0]
        assert shown.iloc[0] == inputs.label(p, deal)


def test_the_deal_pages_form_labels_every_number_by_the_catalogue():
    at = open_page("app_pages/deal.py", EXAMPLES["pharma-genomic-discovery"])
    draft = deal_to_data(load_deal(EXAMPLES["pharma-genomic-discovery"]))
    from ui.editor import SECTIONS

    checked = 0
    for section in SECTIONS:  # the page draws one section at a time
        show(at, section)
        for widget in [*at.number_input, *at.text_input]:  # money is typed in a text box (£6,000,000)
            key = widget.key or ""
            if not key.startswith("w:"):
                continue
            found = inputs.entry(key[2:], draft)
            if found is None or found.kind != "number":
                continue
            assert widget.label == found.label, key
            checked += 1
    assert checked >= 10


def test_the_brief_names_and_writes_each_tornado_driver_as_the_catalogue_does():
    from pypdf import PdfReader

    from valueshare.engine import value_deal
    from valueshare.reports.brief import brief_pdf
    from valueshare.sensitivity import tornado

    deal = load_deal(EXAMPLES["ai-imaging-device"])
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(brief_pdf(deal, value_deal(deal)))).pages)
    text = " ".join(text.split())
    drivers = [b.driver for b in tornado(deal)][:5]
    for d in drivers:
        assert " ".join(d.label.split()) in text, d.label
        assert f"{inputs.write(d.path, d.low)} to {inputs.write(d.path, d.high)}" in text, d.path
