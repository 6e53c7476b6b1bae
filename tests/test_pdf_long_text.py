"""Every text field's longest allowed value lays out in both PDFs, printed whole and inside the margins.

The fields are read from the deal's JSON Schema (every string with ``x-text``, so a new text field fails
``test_every_text_field_of_the_deal_has_a_long_text_case`` until it is given a case here). Each field is set to its
``maxLength`` in two shapes: one word with no space (Welsh, Polish, Czech, Hungarian and Greek letters and W, the
widest Latin capital), and words; each text starts with the field's number, so that no two fields' texts look alike.
Each case starts from an example deal that prints the field and builds the term sheet and the negotiation brief:

* neither may raise (reportlab's LayoutError);
* no line of text, chart labels included, may start or end outside the margins (``pdf_layout``, from the PDF);
* wherever a document prints the start of the text, it prints the whole text (a long word broken over lines still
  counts: whitespace is ignored), and each document that always prints the field does print it;
* the term sheet, which goes to the partner, never prints the NHS's internal fields, and no document prints the
  fields the glyph check skips as unprinted (``valueshare.reports.glyphs.NOT_PRINTED``).

Where a field sits in a list, both shapes go into one deal (two entries), so that a case builds each document once;
a single field takes one deal per shape. The brief's Monte Carlo runs 1,000 trials instead of 10,000: the figures
change a little, the layout does not, and each deal builds in about a second.

The issue's reproductions are here too: a consortium member of 3,500 characters (now refused, naming the field
and the limit) and a data asset named with 180 characters and no space (it broke the brief).
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from pdf_layout import body_text, outside_margins, squashed

from valueshare import Deal, deal_from_data, load_deal, value_deal
from valueshare.errors import DealInvalid, problem_lines
from valueshare.negotiation import negotiate
from valueshare.reports.brief import brief_pdf
from valueshare.reports.glyphs import printed
from valueshare.reports.termsheet import term_sheet_pdf
from valueshare.reports.termsheet_content import TermSheetOptions
from valueshare.scenario import deal_to_data, example_paths

EVERY_ANNEX = TermSheetOptions(with_nhs_costs=True, with_valuation=True, with_framework=True)
ISSUED = datetime.date(2026, 11, 24)
EXAMPLES = {path.stem: path for path in example_paths()}

# Wide letters from the languages the font must cover: W is the widest Latin capital.
WORD_LETTERS = "WŴŷąęńśźżłřőűΩώΣ"
WORDS_TEXT = "Bwrdd Iechyd Prifysgol Betsi Cadwaladr, Łódź, Příbram, Győr, Αθήνα; "


def one_word(length: int, tag: str) -> str:
    """``length`` characters with no space, starting with ``tag``."""
    return (tag + WORD_LETTERS * (length // len(WORD_LETTERS) + 1))[:length]


def words(length: int, tag: str) -> str:
    """``length`` characters of words starting with ``tag``, not ending in a space."""
    text = (f"{tag} " + WORDS_TEXT * (length // len(WORDS_TEXT) + 1))[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


SHAPES = (one_word, words)


# --- the text fields, from the schema -----------------------------------------------------------------------------

def schema_text_fields() -> dict[str, int]:
    """Every text field of the deal as ``path -> maxLength``; a list is ``[]``, a term of one kind ``<kind>``."""
    schema = Deal.model_json_schema()
    defs = schema["$defs"]
    found: dict[str, int] = {}

    def walk(node: dict[str, Any], path: str) -> None:
        if "$ref" in node:
            return walk(defs[node["$ref"].split("/")[-1]], path)
        for key in ("anyOf", "oneOf"):
            for option in node.get(key, []):
                target = defs[option["$ref"].split("/")[-1]] if "$ref" in option else option
                kind = target.get("properties", {}).get("kind", {}).get("const")
                walk(option, f"{path}<{kind}>" if key == "oneOf" and kind else path)
        if node.get("type") == "object":
            for name, child in node.get("properties", {}).items():
                walk(child, f"{path}.{name}" if path else name)
        elif node.get("type") == "array":
            walk(node["items"], path + "[]")
        elif node.get("type") == "string" and "x-text" in node:
            found[path] = node["maxLength"]

    walk(schema, "")
    return found


FIELDS = schema_text_fields()


def longest(field: str, shape) -> str:
    """The field's longest allowed text in ``shape``, tagged with the field's number (each field's text differs)."""
    return shape(FIELDS[field], f"{sorted(FIELDS).index(field):02d}")


# --- where each field is printed, and a deal that prints it ---------------------------------------------------

TERM_SHEET, BRIEF = "term sheet", "brief"
BOTH = (TERM_SHEET, BRIEF)


Shape = Callable[[int, str], str]
Placed = dict[str, list[str]]


@dataclass(frozen=True)
class Case:
    """How to put long texts into a field: ``place(data, shapes)`` writes them into an example's data and returns
    the texts it wrote, by field (a case may fill several fields at once, so that they share one deal). A list
    field takes every shape in one deal; a single field takes one deal per shape (``one_deal=False``).
    ``printed_in`` names the documents that always print the field; the other may print it too (the brief names a
    stage where one of its main sensitivities is that stage's), and then prints it whole as well."""

    example: str
    place: Callable[[dict[str, Any], list[Shape]], Placed]
    printed_in: tuple[str, ...] = BOTH
    one_deal: bool = True


def _set(field: str) -> Callable[[dict[str, Any], list[Shape]], Placed]:
    """Put the field's longest text at its place: a field of the deal, not in a list."""
    *parents, last = field.split(".")

    def place(data: dict[str, Any], shapes: list[Shape]) -> Placed:
        node = data
        for key in parents:
            node = node[key]
        node[last] = longest(field, shapes[0])
        return {field: [node[last]]}
    return place


def _each(field: str, items: Callable[[dict[str, Any]], list[dict[str, Any]]], key: str):
    """Put one shape into each of the first entries of a list, at ``key``."""
    def place(data: dict[str, Any], shapes: list[Shape]) -> Placed:
        entries = items(data)
        assert len(entries) >= len(shapes), field
        for entry, shape in zip(entries, shapes, strict=False):
            entry[key] = longest(field, shape)
        return {field: [entry[key] for entry in entries[:len(shapes)]]}
    return place


def _members(data, shapes):
    field = "nhs.members[].name"
    for member, shape in zip(data["nhs"]["members"], shapes, strict=False):
        member["name"] = longest(field, shape)
    return {field: [m["name"] for m in data["nhs"]["members"][:len(shapes)]]}


def _funding(data, shapes):
    """Grants towards the partner's costs (the term sheet names those; the brief every grant)."""
    data["funding"] = [{"funder": longest("funding[].funder", shape), "towards": "partner", "amount_gbp": 1000,
                        "conditions": longest("funding[].conditions", shape)} for shape in shapes]
    return {f"funding[].{key}": [g[key] for g in data["funding"]] for key in ("funder", "conditions")}


def _outcomes(data, shapes):
    """Outcomes beyond QALYs, valued with a source: the framework page's aims print each name and unit, and the
    note under them each source."""
    keys = ("name", "unit", "value_source")
    data["patient_benefit"]["outcomes"] = [
        {**{key: longest(f"patient_benefit.outcomes[].{key}", shape) for key in keys}, "per_year": 100,
         "value_per_unit_gbp": 10} for shape in shapes]
    return {f"patient_benefit.outcomes[].{key}": [o[key] for o in data["patient_benefit"]["outcomes"]]
            for key in keys}


def _platform(data, shapes):
    """Other users of the platform: the brief names them; the term sheet, for the partner, never does."""
    data["platform_users"] = [{"name": longest("platform_users[].name", shape), "terms": [
        {"kind": "in_kind_benefit", "description": longest("platform_users[].terms[]<in_kind_benefit>.description",
                                                           shape), "value_gbp_per_year": 100},
        {"kind": "service_income", "description": longest("platform_users[].terms[]<service_income>.description",
                                                          shape), "units_per_year": 1, "price_per_unit_gbp": 10}]}
        for shape in shapes]
    return {"platform_users[].name": [u["name"] for u in data["platform_users"]],
            "platform_users[].terms[]<in_kind_benefit>.description":
                [u["terms"][0]["description"] for u in data["platform_users"]],
            "platform_users[].terms[]<service_income>.description":
                [u["terms"][1]["description"] for u in data["platform_users"]]}


def _curation(data, shapes):
    data["contribution"]["curation"] = {"description": longest("contribution.curation.description", shapes[0]),
                                        "already_spent_gbp": 100_000, "expected_users": 4}
    return {"contribution.curation.description": [data["contribution"]["curation"]["description"]]}


def _service(data, shapes):
    field = "terms[]<service_income>.description"
    texts = [longest(field, shape) for shape in shapes]
    data["terms"] += [{"kind": "service_income", "description": text, "units_per_year": 10,
                       "price_per_unit_gbp": 100} for text in texts]
    return {field: texts}


def _stages(data, shapes):
    """Rename the two stages the milestones name, and the milestones with them."""
    renamed = {}
    for stage, shape in zip(data["route_to_market"]["stages"][2:], shapes, strict=False):
        renamed[stage["name"]] = stage["name"] = longest("route_to_market.stages[].name", shape)
    for term in data["terms"]:
        if term["kind"] == "milestone":
            term["stage"] = renamed.get(term["stage"], term["stage"])
    texts = list(renamed.values())
    return {"route_to_market.stages[].name": texts, "terms[]<milestone>.stage": texts}


def _in_kind(data, shapes):
    field = "terms[]<in_kind_benefit>.description"
    texts = [longest(field, shape) for shape in shapes]
    data["terms"] += [{"kind": "in_kind_benefit", "description": text, "value_gbp_per_year": 1000} for text in texts]
    return {field: texts}


CLAUSE = "terms[]<consent_to_commercialise>.terms[]"


def _clause(data, shapes):
    """Two stages renamed, a milestone on each inside the clause, and two in-kind benefits in it."""
    clause = next(t for t in data["terms"] if t["kind"] == "consent_to_commercialise")
    placed: Placed = {f"{CLAUSE}<milestone>.stage": [], f"{CLAUSE}<in_kind_benefit>.description": []}
    for stage, shape in zip(data["route_to_market"]["stages"][:2], shapes, strict=False):
        stage["name"] = longest(f"{CLAUSE}<milestone>.stage", shape)
        description = longest(f"{CLAUSE}<in_kind_benefit>.description", shape)
        clause["terms"] += [{"kind": "milestone", "stage": stage["name"], "amount_gbp": 20000},
                            {"kind": "in_kind_benefit", "description": description, "value_gbp_per_year": 500}]
        placed[f"{CLAUSE}<milestone>.stage"].append(stage["name"])
        placed[f"{CLAUSE}<in_kind_benefit>.description"].append(description)
    return placed


def _overrides(data, shapes):
    field = "fair_share.overrides[].note"
    data["fair_share"]["overrides"] = [{"factor": factor, "score": 4, "note": longest(field, shape)}
                                       for factor, shape in zip(("data_volume", "uniqueness"), shapes, strict=False)]
    return {field: [item["note"] for item in data["fair_share"]["overrides"]]}


COMPARABLE = "contribution_value.comparables[]"


def _comparables(data, shapes):
    """Two comparables of the deal's own, each with every text field at its longest."""
    fields = ("name", "source", "notes")
    data["contribution_value"]["comparables"] = [
        {**{key: longest(f"{COMPARABLE}.{key}", shape) for key in fields}, "published": "2025-06-30",
         "price_gbp": 40000 + 1000 * k, "unit": "per_year", "records": 100000, "history_years": 10,
         "data_type": "imaging"}
        for k, shape in enumerate(shapes)]
    return {f"{COMPARABLE}.{key}": [c[key] for c in data["contribution_value"]["comparables"]] for key in fields}


def _variants(data, shapes):
    placed: Placed = {"variants[].name": [], "variants[].description": []}
    for variant, shape in zip(data["variants"], shapes, strict=False):
        for key in ("name", "description"):
            variant[key] = longest(f"variants[].{key}", shape)
            placed[f"variants[].{key}"].append(variant[key])
    return placed


def _exclusive(data, shapes):
    """Exclusive rights to derived data and models, limited in time, whose field of use is the long text: the
    framework page's exclusivity check prints it among its figures."""
    data["exclusivity"] = {"derived_exclusive": True, "years": 3,
                           "field_of_use": longest("exclusivity.field_of_use", shapes[0])}
    return {"exclusivity.field_of_use": [data["exclusivity"]["field_of_use"]]}


IMAGING, GENOMIC, NETWORK, ACADEMIC = ("ai-imaging-device", "pharma-genomic-discovery",
                                       "rwd-network-teaching-trust", "academic-study-consent")
CASES: dict[str, Case] = {
    "name": Case(IMAGING, _set("name"), one_deal=False),
    "description": Case(IMAGING, _set("description"), printed_in=(TERM_SHEET,), one_deal=False),
    "purpose": Case(IMAGING, _set("purpose"), printed_in=(TERM_SHEET,), one_deal=False),
    "nhs.name": Case(IMAGING, _set("nhs.name"), one_deal=False),
    "partner.name": Case(IMAGING, _set("partner.name"), one_deal=False),
    "nhs.members[].name": Case(GENOMIC, _members, printed_in=(TERM_SHEET,)),
    "funding[].funder": Case(IMAGING, _funding),
    "funding[].conditions": Case(IMAGING, _funding),
    "patient_benefit.outcomes[].name": Case(IMAGING, _outcomes),
    "patient_benefit.outcomes[].unit": Case(IMAGING, _outcomes),
    "patient_benefit.outcomes[].value_source": Case(IMAGING, _outcomes),
    "platform_users[].name": Case(NETWORK, _platform, printed_in=(BRIEF,)),
    "platform_users[].terms[]<in_kind_benefit>.description": Case(NETWORK, _platform, printed_in=()),
    "platform_users[].terms[]<service_income>.description": Case(NETWORK, _platform, printed_in=()),
    "contribution.curation.description": Case(NETWORK, _curation, printed_in=(BRIEF,), one_deal=False),
    "terms[]<service_income>.description": Case(NETWORK, _service, printed_in=(TERM_SHEET,)),
    "contribution.data_assets[].name": Case(
        GENOMIC, _each("contribution.data_assets[].name", lambda d: d["contribution"]["data_assets"], "name")),
    "contribution.expertise[].description": Case(
        GENOMIC, _each("contribution.expertise[].description", lambda d: d["contribution"]["expertise"],
                       "description"), printed_in=(TERM_SHEET,)),
    "route_to_market.stages[].name": Case(IMAGING, _stages, printed_in=(TERM_SHEET,)),
    "route_to_market.sales.unit": Case(IMAGING, _set("route_to_market.sales.unit"), printed_in=(TERM_SHEET,),
                                       one_deal=False),
    "terms[]<milestone>.stage": Case(IMAGING, _stages, printed_in=(TERM_SHEET,)),
    "terms[]<in_kind_benefit>.description": Case(NETWORK, _in_kind, printed_in=(TERM_SHEET,)),
    f"{CLAUSE}<milestone>.stage": Case(ACADEMIC, _clause, printed_in=(TERM_SHEET,)),
    f"{CLAUSE}<in_kind_benefit>.description": Case(ACADEMIC, _clause, printed_in=(TERM_SHEET,)),
    "fair_share.overrides[].note": Case(NETWORK, _overrides),
    "exclusivity.field_of_use": Case(IMAGING, _exclusive, one_deal=False),
    "contribution_value.preparation_costs[].description": Case(
        IMAGING, _each("contribution_value.preparation_costs[].description",
                       lambda d: d["contribution_value"]["preparation_costs"], "description"), printed_in=(BRIEF,)),
    f"{COMPARABLE}.name": Case(IMAGING, _comparables, printed_in=(BRIEF,)),
    f"{COMPARABLE}.source": Case(IMAGING, _comparables, printed_in=(BRIEF,)),
    f"{COMPARABLE}.notes": Case(IMAGING, _comparables, printed_in=()),
    "negotiation.notes": Case(IMAGING, _set("negotiation.notes"), printed_in=(BRIEF,), one_deal=False),
    "variants[].name": Case(IMAGING, _variants, printed_in=()),
    "variants[].description": Case(IMAGING, _variants, printed_in=()),
}
#: The NHS's own sections: the term sheet goes to the partner and must never print them.
INTERNAL = ("negotiation.", "contribution_value.", "platform_users[]", "contribution.curation.")


# --- building, once per distinct deal ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Built:
    term_sheet: bytes
    brief: bytes

    def document(self, name: str) -> bytes:
        return self.term_sheet if name == TERM_SHEET else self.brief


@cache
def _build(data_json: str) -> Built:
    deal = deal_from_data(json.loads(data_json))
    valuation = value_deal(deal)
    # with every annex: each field the term sheet can print is printed (the annexes are where most of them are)
    return Built(term_sheet_pdf(deal, valuation, issued=ISSUED, options=EVERY_ANNEX),
                 brief_pdf(deal, valuation, issued=ISSUED, negotiation=negotiate(deal, trials=1_000)))


def build(data: dict[str, Any]) -> Built:
    return _build(json.dumps(data, sort_keys=True, default=str))


def deals_for(field: str) -> Iterator[tuple[dict[str, Any], list[str]]]:
    """(deal data, the field's long texts in it) for each deal of the field's case."""
    case = CASES[field]
    for shapes in [list(SHAPES)] if case.one_deal else [[shape] for shape in SHAPES]:
        data = deal_to_data(load_deal(EXAMPLES[case.example]))
        placed = case.place(data, shapes)
        yield data, placed[field]


# --- the tests ---------------------------------------------------------------------------------------------------

def test_every_text_field_of_the_deal_has_a_long_text_case():
    assert sorted(FIELDS) == sorted(CASES)


def test_the_glyph_check_skips_exactly_the_fields_no_document_prints():
    for field, case in CASES.items():
        assert printed(re.sub(r"<\w+>", "", field)) == bool(case.printed_in), field


def cut_and_whole(pdf: bytes, text: str) -> tuple[int, int]:
    """How many times the document prints the start of ``text``, and how many of those are the whole text."""
    body, whole = squashed(body_text(pdf)), squashed(text)
    return body.count(whole[:24]), body.count(whole)


@pytest.mark.parametrize("field", sorted(CASES))
def test_the_longest_text_of_each_field_prints_whole_inside_the_margins_of_both_documents(field):
    case = CASES[field]
    for data, texts in deals_for(field):
        built = build(data)
        for name in BOTH:
            pdf = built.document(name)
            assert outside_margins(pdf) == [], f"{name}: text runs past the margins"
            for text in texts:
                starts, whole = cut_and_whole(pdf, text)
                assert starts == whole, f"{name}: the text is cut short ({starts - whole} of {starts} times)"
                if name in case.printed_in:
                    assert whole >= 1, f"{name}: the text is not printed"
                if name == TERM_SHEET and field.startswith(INTERNAL) or not case.printed_in:
                    assert starts == 0, f"{name}: prints a field it should not"


def test_a_consortium_member_of_3500_characters_is_refused_naming_the_field_and_the_limit():
    data = deal_to_data(load_deal(EXAMPLES[GENOMIC]))
    data["nhs"]["members"][1]["name"] = "Ysbyty " * 500
    with pytest.raises(DealInvalid) as error:
        deal_from_data(data)
    assert problem_lines(error.value) == ["nhs.members[1].name: is too long (at most 200 characters)"]


def test_a_consortium_member_of_200_characters_lays_out_in_the_term_sheet():
    data = deal_to_data(load_deal(EXAMPLES[GENOMIC]))
    data["nhs"]["members"][1]["name"] = ("Ysbyty " * 40)[:199] + "x"
    pdf = build(data).term_sheet
    assert squashed(data["nhs"]["members"][1]["name"]) in squashed(body_text(pdf))
    assert outside_margins(pdf) == []


def test_a_data_asset_named_with_180_characters_and_no_space_lays_out_in_the_brief():
    data = deal_to_data(load_deal(EXAMPLES[IMAGING]))
    data["contribution"]["data_assets"][0]["name"] = "W" * 180
    pdf = build(data).brief
    assert "W" * 180 in squashed(body_text(pdf))
    assert outside_margins(pdf) == []
