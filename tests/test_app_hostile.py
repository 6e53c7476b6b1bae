"""The app under hostile text and broken files (issue 13).

Every text field of a deal holds a string of the hostile corpus (tests/hostile.py); every page of the app is opened
on that deal, and every string the page sends to the browser in a place Streamlit renders as Markdown (a widget's
label or help, an expander's or tab's title, a heading, markdown, captions, notices, a metric's label, radio
options) is checked: the user's text is there only escaped (``ui.text.md``), never raw, so it is shown as typed and
never obeyed. Every file of the broken-file corpus uploaded in the sidebar gives one error with one problem, no
exception, and leaves the deal being edited as it was.
"""

from __future__ import annotations

import copy
import json
import types
import typing
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from apptest_support import open_page, show
from hostile import ACCEPTED
from pydantic import BaseModel
from test_pdf_long_text import schema_text_fields

from ui import contribution
from ui.editor import SECTIONS
from ui.text import md
from valueshare import paths
from valueshare.errors import DealInvalid
from valueshare.register import service
from valueshare.register.sql import open_register
from valueshare.scenario import deal_from_data, deal_to_data, deal_to_yaml, load_deal

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "app_pages").glob("*.py"))
BROKEN = Path(__file__).parent / "broken_files"
EXPECTED = json.loads((BROKEN / "EXPECTED.json").read_text(encoding="utf-8"))
#: What a browser can upload: file contents (a link to /dev/zero, say, is the CLI's problem, tested there).
UPLOADABLE = sorted(name for name in EXPECTED if (BROKEN / name).is_file() and not (BROKEN / name).is_symlink())

#: The hostile strings that hold markup: shown raw, Streamlit would obey them (md changes them).
MARKUP = [text for text in ACCEPTED if md(text) != text]
#: The second hostile deal starts this far along the corpus, so that the two hold every markup string.
SHIFT = 31

# Streamlit renders these proto fields as Markdown (GitHub-flavoured, with its directives and LaTeX); the others a
# page sends (a text box's value, a select box's options, a table's cells and columns, a chart's data) are plain.
_MARKDOWN_FIELDS = {"label", "help", "body"}
_PLAIN_ELEMENTS = {"Text", "Code", "Json", "Exception"}
_MARKDOWN_OPTIONS = {"Radio", "ButtonGroup"}


# ----------------------------------------------------------------------------------------------- the hostile deal

def _bare(annotation: Any) -> Any:
    """The type without None and without Annotated metadata (read here on its own, not by the code under test)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        annotation = args[0] if len(args) == 1 else annotation
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_text(annotation: Any) -> bool:
    bare = _bare(annotation)
    if typing.get_origin(bare) is list:
        bare = _bare(typing.get_args(bare)[0])
    return bare is str


def text_paths(obj: BaseModel, path: tuple = ()) -> Iterator[tuple]:
    """The path of every free-text value in a deal (names, notes, descriptions, units, list items)."""
    for name, info in type(obj).model_fields.items():
        value, here = getattr(obj, name), path + (name,)
        if isinstance(value, BaseModel):
            yield from text_paths(value, here)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from text_paths(item, here + (i,))
                elif isinstance(item, str) and not isinstance(item, Enum) and _is_text(info.annotation):
                    yield here + (i,)
        elif isinstance(value, str) and not isinstance(value, Enum) and _is_text(info.annotation):
            yield here


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _richest_deal() -> dict:
    """The example with the most parts, plus a comparable, an in-kind benefit and a fair-share override, so that
    every kind of text the format has is on some page."""
    data = deal_to_data(load_deal(ROOT / "scenarios" / "pharma-genomic-discovery.yaml"))
    data.setdefault("contribution_value", {}).setdefault("comparables", []).append({
        "name": "A comparable", "source": "A source", "published": "2024-04-01", "price_gbp": 100000,
        "unit": "per_year", "records": 100000, "history_years": 5, "data_type": "ehr", "notes": "A note."})
    data["terms"].append({"kind": "in_kind_benefit", "description": "Dashboards", "value_gbp_per_year": 1000,
                          "partner_cost_gbp_per_year": 500, "start_year": 1})
    data.setdefault("fair_share", {}).setdefault("overrides", []).append(
        {"factor": "uniqueness", "score": 3, "note": "A note on uniqueness."})
    # issue 16's parts: the members with a fixed split (their table on the Valuation page), shared curation, a grant,
    # another platform user with terms of its own, service income and an outcome beyond QALYs
    for member, share in zip(data["nhs"]["members"], (0.5, 0.3, 0.2), strict=True):
        member["share"] = share
    data["nhs"]["split"] = "fixed"
    data["contribution"]["curation"] = {"description": "Coding to a common model", "already_spent_gbp": 100000,
                                        "expected_users": 5}
    data["funding"] = [{"funder": "A research fund", "kind": "government_research_fund", "towards": "nhs",
                        "amount_gbp": 10000, "conditions": "Results published openly."}]
    service = {"kind": "service_income", "description": "Trial recruitment", "units_per_year": 10,
               "unit": "patients", "price_per_unit_gbp": 1000, "nhs_cost_per_unit_gbp": 600}
    data["terms"].append(dict(service))
    data["platform_users"] = [{"name": "Another user", "terms": [
        dict(service), {"kind": "in_kind_benefit", "description": "Training", "value_gbp_per_year": 100,
                        "partner_cost_gbp_per_year": 50, "start_year": 1}]}]
    data.setdefault("patient_benefit", {}).setdefault("outcomes", []).append(
        {"name": "Bed days avoided", "kind": "bed_days_avoided", "unit": "bed days", "per_year": 100,
         "value_per_unit_gbp": 300, "value_source": "A published unit cost", "cash_releasing": True})
    return deal_to_data(deal_from_data(data))  # as the app holds it: every field, in its own type


def _consent_deal() -> dict:
    """The non-commercial example, its consent-to-commercialise clause holding a milestone and an in-kind benefit:
    the text fields only such a clause has."""
    data = deal_to_data(load_deal(ROOT / "scenarios" / "academic-study-consent.yaml"))
    clause = next(term for term in data["terms"] if term["kind"] == "consent_to_commercialise")
    clause["terms"] += [
        {"kind": "milestone", "stage": data["route_to_market"]["stages"][1]["name"], "amount_gbp": 1000},
        {"kind": "in_kind_benefit", "description": "Training", "value_gbp_per_year": 100,
         "partner_cost_gbp_per_year": 50, "start_year": 4}]
    return deal_to_data(deal_from_data(data))


#: The deals the hostile text goes into: between them they hold every text field the format has.
BASES = {"richest": _richest_deal, "consent": _consent_deal}


def schema_path(data: dict, path: tuple) -> str:
    """A path in the form of tests/test_pdf_long_text.schema_text_fields: ``[]`` for an index, ``<kind>`` after
    a term's."""
    out, here, parent = "", data, None
    for key in path:
        here = here[key]
        if isinstance(key, int):
            out += "[]" + (f"<{here['kind']}>" if parent == "terms" else "")
        else:
            out += f".{key}" if out else key
        parent = key
    return out


def hostile_deal(strings: list[str], shift: int = 0, base: str = "richest") -> tuple[dict, dict[tuple, str]]:
    """A base deal with every free-text value replaced by a hostile string (cycling from ``shift``), each one
    distinct; returns the deal's data and the string at each path."""
    data = BASES[base]()
    deal = deal_from_data(data)
    placed: dict[tuple, str] = {}
    stages: dict[str, str] = {}
    milestones = []
    for k, path in enumerate(text_paths(deal)):
        if path[-1] == "input" and path[0] == "uncertainty":
            continue  # a path to another input, not free text
        if "terms" in path and path[-1] == "stage":
            milestones.append(path)  # names a stage: set below, to the stage's new name
            continue
        old = _get(data, path)
        text = f"{strings[(k + shift) % len(strings)]} #{k}"  # distinct: stage and variant names must be
        _set(data, path, text)
        placed[path] = text
        if path[:2] == ("route_to_market", "stages"):
            stages[old] = text
    for path in milestones:
        placed[path] = stages[_get(data, path)]
        _set(data, path, placed[path])
    # a field too short for its string (a unit: 40 characters) takes a short one that still holds markup
    try:
        deal_from_data(data)
    except DealInvalid as error:
        for problem in error.problems:
            assert "is too long" in problem.message, problem.line()
            path = tuple(paths.parse(problem.path))
            old = _get(data, path)
            short = f"**{old.rsplit(' #', 1)[-1]}** :red[u]"
            if old in stages.values():
                raise AssertionError(f"a stage name too long: {problem.line()}") from None
            _set(data, path, short)
            placed[path] = short
    deal_from_data(data)  # every hostile string is valid text
    return data, placed


def test_the_hostile_deal_puts_hostile_text_in_every_kind_of_text_field():
    data, where_placed = hostile_deal(MARKUP)
    placed = list(where_placed.values())
    deal = deal_from_data(data)
    kinds = {tuple(k for k in path if not isinstance(k, int)) for path in text_paths(deal)}
    # by hand, from the model: the text fields of the richest deal, each holding hostile text
    for where in [("name",), ("description",), ("purpose",), ("nhs", "name"), ("nhs", "members", "name"),
                  ("funding", "funder"), ("funding", "conditions"), ("platform_users", "name"),
                  ("platform_users", "terms", "description"), ("contribution", "curation", "description"),
                  ("patient_benefit", "outcomes", "name"), ("patient_benefit", "outcomes", "value_source"),
                  ("partner", "name"), ("contribution", "data_assets", "name"),
                  ("contribution", "expertise", "description"), ("route_to_market", "stages", "name"),
                  ("route_to_market", "sales", "unit"), ("terms", "stage"), ("terms", "description"),
                  ("fair_share", "overrides", "note"), ("contribution_value", "preparation_costs", "description"),
                  ("contribution_value", "comparables", "name"), ("contribution_value", "comparables", "source"),
                  ("contribution_value", "comparables", "notes"), ("negotiation", "notes"),
                  ("variants", "name"), ("variants", "description")]:
        assert where in kinds, where
    own = [text for path, text in where_placed.items() if path[-1] != "stage"]  # a milestone names its stage
    assert len(own) >= 30 and len(set(own)) == len(own)
    # every text field of the format (read from its schema, as the PDF tests do) holds hostile text in one of them
    consent, in_consent = hostile_deal(MARKUP, 0, "consent")
    covered = {schema_path(data, path) for path in where_placed} | {schema_path(consent, p) for p in in_consent}
    assert covered >= set(schema_text_fields())
    # the two deals the page test opens place every markup string of the corpus between them
    rotated = list(hostile_deal(MARKUP, SHIFT)[1].values())
    assert {text.rsplit(" #", 1)[0] for text in placed + rotated} >= set(MARKUP)


# ----------------------------------------------------------------------------------------------- what a page shows

def _strings(message: Any, element: str, out: list[tuple[str, str, str]]) -> None:
    for field, value in message.ListFields():
        values = list(value) if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for v in values:
                _strings(v, type(v).__name__, out)
        elif field.type == field.TYPE_STRING:
            out.extend((element, field.name, v) for v in values)


def markdown_strings(at) -> list[tuple[str, str, str]]:
    """(element, field, text) for every string the page sends that Streamlit renders as Markdown."""
    found: list[tuple[str, str, str]] = []

    def walk(node: Any) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            _strings(proto, type(proto).__name__, found)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return [(element, field, text) for element, field, text in found
            if element not in _PLAIN_ELEMENTS and (field in _MARKDOWN_FIELDS
                                                    or (field == "options" and element in _MARKDOWN_OPTIONS))]


def raw_user_text(at, placed: list[str]) -> list[str]:
    """Each place where a page shows one of ``placed`` unescaped, where Streamlit would render it as Markdown."""
    bad = []
    for element, field, text in markdown_strings(at):
        for user in placed:
            if user in text.replace(md(user), "\0"):  # the escaped form is fine; any raw copy left is not
                bad.append(f"{element}.{field}: {text[:160]!r}")
    return bad


#: The expanders drawn only when open (ui.view.opened): opened, so that what is in them is checked too.
LAZY = ("framework:inputs", "risk:uncertain", "risk:figures:histogram", "risk:figures:fan", "risk:figures:two-way")


def _open(page: str, data: dict):
    at = open_page()
    at.session_state["pending_load"] = (copy.deepcopy(data), "hostile.yaml")
    at.run()
    for key in LAZY:
        at.session_state[key] = True
    return at.switch_page(page).run()


@pytest.mark.parametrize("shift, base", [(0, "richest"), (SHIFT, "richest"), (0, "consent")],
                         ids=["markup", "markup-rotated", "markup-consent-clause"])
@pytest.mark.parametrize("page", PAGES, ids=lambda p: Path(p).stem)
def test_every_page_shows_hostile_text_escaped_in_every_label_and_never_fails(page, shift, base):
    data, placed = hostile_deal(MARKUP, shift, base)
    at = _open(page, data)
    assert not at.exception
    assert not [e.value for e in at.error if "Something went wrong" in e.value]
    assert deal_from_data(at.session_state["draft"]) == deal_from_data(data)  # showing the deal never changes it
    assert raw_user_text(at, list(placed.values())) == []


def test_the_contribution_pages_register_button_shows_the_nhs_name_as_typed():
    # the reproduction: "Add {organisation}'s earlier deals…" rendered the NHS name as Markdown (bold, colours,
    # LaTeX, and a remote image the browser fetched as the page opened)
    data = _richest_deal()
    data["nhs"]["name"] = "**Bold** :red[NHS] $x^2$ ![i](https://evil.example/t.png)"
    at = _open("app_pages/contribution.py", data)
    at.session_state[contribution.INPUTS] = True  # the button is in the inputs' box, drawn only while it is open
    button = at.run().button(key="do:register-comparables")
    assert button.label == f"Add {md(data['nhs']['name'])}'s earlier deals from the register"


def test_every_string_of_the_corpus_reaches_a_page_exactly_as_typed():
    # the strings with no markup are shown as they are: escaping changes only markup characters
    data, placed = hostile_deal(ACCEPTED)
    at = _open("app_pages/deal.py", data)
    values = []
    for section in SECTIONS:  # the Deal page draws one section at a time
        show(at, section)
        assert not at.exception
        values += [w.value for w in at.text_input] + [w.value for w in at.text_area]
        for table in at.dataframe:  # the editable tables: data assets, stages, expertise
            frame = table.value.data if hasattr(table.value, "data") else table.value
            values += [cell for column in frame.columns for cell in frame[column] if isinstance(cell, str)]
    # each text the Deal page edits is in its own box or cell, unchanged (the others are edited on other pages)
    for path, text in placed.items():
        if path[0] in ("name", "description", "purpose", "nhs", "partner", "contribution", "route_to_market",
                       "funding", "platform_users"):
            assert any(text == line for value in values for line in value.split("\n")), (path, text)


# ----------------------------------------------------------------------------------------------- broken uploads

@pytest.mark.parametrize("name", UPLOADABLE, ids=str)
def test_every_broken_file_uploaded_gives_one_error_with_one_problem_and_keeps_the_deal(name):
    at = open_page()
    before = copy.deepcopy(at.session_state["draft"])
    content = (BROKEN / name).read_bytes()
    at.sidebar.file_uploader[0].set_value((name, content, "application/x-yaml")).run()
    assert not at.exception
    shown = [e.value for e in at.error]
    assert len(shown) == 1, shown
    head, _, problems = shown[0].partition("\n\n")
    assert head.startswith(f"**{md(name)} could not be opened**")
    assert len(problems.splitlines()) == 1, problems           # one problem, on one line
    assert EXPECTED[name] in problems.replace("\\", ""), problems  # the rule the corpus expects
    assert at.session_state["draft"] == before


def test_the_register_page_shows_hostile_deals_authors_and_notes_escaped(tmp_path, monkeypatch):
    where = str(tmp_path / "register.sqlite")
    monkeypatch.setenv("VALUESHARE_REGISTER_URL", where)
    data, placed = hostile_deal(MARKUP)
    repo = open_register(where)
    try:
        service.save(repo, deal_from_data(data), author=MARKUP[1], note=MARKUP[2], base_version=None)
        data2, placed2 = hostile_deal(MARKUP, SHIFT)
        data2["name"] = data["name"]  # the same deal, a second version: the history and the comparison show both
        service.save(repo, deal_from_data(data2), author=MARKUP[3], note=MARKUP[4], base_version=1)
    finally:
        repo.close()
    at = _open("app_pages/register.py", data)
    assert not at.exception and not [e.value for e in at.error]
    shown = " ".join(c.value for c in list(at.caption) + list(at.markdown))
    assert f"by {md(service.one_line(MARKUP[3]))}" in shown  # the author of the latest version (on one line), escaped
    assert raw_user_text(at, list(placed.values()) + list(placed2.values()) + MARKUP[1:5]) == []


def test_the_compare_page_shows_a_hostile_counter_offer_escaped():
    data, placed = hostile_deal(MARKUP)
    counter, placed2 = hostile_deal(MARKUP, SHIFT)
    at = _open("app_pages/compare.py", data)
    at.segmented_control[0].set_value("file").run()
    text = deal_to_yaml(deal_from_data(counter)).encode()
    at.main.file_uploader[0].set_value((f"{MARKUP[0]}.yaml", text, "application/x-yaml"))
    at.run()
    assert not at.exception and not [e.value for e in at.error]
    assert raw_user_text(at, list(placed.values()) + list(placed2.values()) + [MARKUP[0]]) == []
