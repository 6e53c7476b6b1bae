"""Hostile and broken input through the core and the CLI: every file a clear one-line answer, never a crash, a hang
or a silent change; every accepted text comes back exactly; nothing printed can drive a terminal; the partner's
deal file holds nothing internal."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hostile import ACCEPTED, REFUSED
from hypothesis import given, settings
from hypothesis import strategies as st

from valueshare import value_deal
from valueshare.cli import main
from valueshare.errors import DealInvalid
from valueshare.model import Deal
from valueshare.model.types import MAX_COUNT, MAX_GBP
from valueshare.register import service
from valueshare.scenario import deal_from_data, deal_from_yaml, deal_to_data, deal_to_yaml, example_paths, load_deal
from valueshare.sharing import for_partner, partner_yaml
from valueshare.terminal import clean
from valueshare.textio import MAX_FILE_BYTES, load_json, load_yaml

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "broken_files"
EXPECTED: dict[str, str] = json.loads((BROKEN / "EXPECTED.json").read_text(encoding="utf-8"))
IMAGING = ROOT / "scenarios" / "ai-imaging-device.yaml"


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue(), err.getvalue()


# -- the broken-file corpus ------------------------------------------------------------------------------------------

def test_the_broken_file_corpus_has_at_least_fifty_files():
    assert len(EXPECTED) >= 50
    assert sorted(EXPECTED) == sorted(p.name for p in BROKEN.iterdir() if p.name != "EXPECTED.json")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_broken_file_gets_one_clear_line_from_validate(name):
    code, out, err = cli("validate", str(BROKEN / name))
    lines = err.strip().splitlines()
    assert code == 1 and not out
    assert len(lines) == 1, lines
    assert lines[0].startswith(str(BROKEN / name) + ": ")
    assert EXPECTED[name] in lines[0]
    assert "Traceback" not in err and "\x1b" not in err


@pytest.mark.parametrize("command", ["value", "simulate", "negotiate", "compare"])
def test_every_command_refuses_the_deepest_and_most_repeated_files_in_one_line(command):
    for name in ("deep-flow-30000.yaml", "alias-bomb.yaml", "duplicate-top-level-terms.yaml", "deep.json"):
        code, out, err = cli(command, str(BROKEN / name))
        assert code == 1 and len(err.strip().splitlines()) == 1, (name, err)


def test_a_file_nested_30000_deep_no_longer_kills_the_process():
    # The reproduction as written: libyaml's composer segfaulted (exit 139) on this 60 kB file.
    result = subprocess.run([sys.executable, "-m", "valueshare", "validate", str(BROKEN / "deep-flow-30000.yaml")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "nested more than 64 deep" in result.stderr and "line 1, column" in result.stderr


def test_a_named_pipe_is_refused_at_once_instead_of_waiting_forever(tmp_path):
    fifo = tmp_path / "deal.yaml"
    os.mkfifo(fifo)
    result = subprocess.run([sys.executable, "-m", "valueshare", "validate", str(fifo)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{fifo}: this is a named pipe, not a file: give the path of a deal file"


def test_a_folder_is_refused(tmp_path):
    code, _, err = cli("value", str(tmp_path))
    assert code == 1 and err.strip() == f"{tmp_path}: this is a folder, not a file: give the path of a deal file"


def test_a_link_to_dev_zero_is_refused_without_reading_it():
    code, _, err = cli("validate", str(BROKEN / "link-to-dev-zero.yaml"))
    assert code == 1 and "this is a device, not a file" in err


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_read(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    code, _, err = cli("validate", str(big))
    assert code == 1 and "larger than 1 MB (1,048,576 bytes)" in err
    at_limit = tmp_path / "at-limit.yaml"
    text = IMAGING.read_bytes()
    at_limit.write_bytes(text + b"#" * (MAX_FILE_BYTES - len(text)))
    assert cli("validate", str(at_limit))[0] == 0


def test_the_apps_upload_limit_is_the_same_megabyte_and_the_app_serves_this_machine_only():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_FILE_BYTES  # Streamlit counts MB as 2**20 bytes
    assert config["server"]["address"] == "127.0.0.1"


# -- the reproductions as the issue writes them ----------------------------------------------------------------------

def test_appending_empty_terms_to_an_example_is_refused_naming_both_lines():
    text = IMAGING.read_text(encoding="utf-8")
    first = next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith("terms:"))
    last = len(text.splitlines()) + 1
    with pytest.raises(DealInvalid) as caught:
        deal_from_yaml(text + "terms: []\n", "imaging.yaml")
    assert (f"the key 'terms' appears twice in one section, first at line {first}, column 1 and again at line "
            f"{last}, column 1") in str(caught.value)


def test_a_partner_named_twice_is_refused_not_renamed():
    text = IMAGING.read_text(encoding="utf-8").replace("partner:\n", "partner: {name: A, name: B, kind: sme}\n"
                                                       "ignored:\n", 1)
    with pytest.raises(DealInvalid, match="the key 'name' appears twice"):
        deal_from_yaml(text)


def test_merge_keys_may_still_be_overridden():
    # '<<: *base' then a key of its own is YAML's way to override, not a duplicate.
    assert load_yaml("base: &b {x: 1, y: 2}\nthing:\n  <<: *b\n  x: 3\n") == {"base": {"x": 1, "y": 2},
                                                                            "thing": {"x": 3, "y": 2}}


def test_json_duplicate_keys_name_both_lines():
    with pytest.raises(DealInvalid) as caught:
        load_json('{\n "a": 1,\n "b": {"a": 2},\n "a": 3\n}')
    assert "the key 'a' appears twice in one object, first at line 2, column 2 and again at line 4, column 2" in \
        str(caught.value)


def test_a_100000_deep_json_register_text_is_a_clear_problem_not_a_recursion_error():
    with pytest.raises(DealInvalid, match="nested more than 64 deep"):
        service.read_text('{"name": ' + "[" * 100_000 + "]" * 100_000 + "}", "json", "register")


def test_a_raw_control_character_is_named_with_its_line_and_column():
    with pytest.raises(DealInvalid) as caught:
        deal_from_yaml("name: a\nnhs:\n  name: b\x00c\n")
    assert "at line 3, column 10: the character U+0000 (NULL) is not allowed in a YAML file" in str(caught.value)


def _example_data() -> dict[str, Any]:
    return deal_to_data(load_deal(IMAGING))


def test_a_price_of_1e308_is_refused_at_its_field():
    data = _example_data()
    data["route_to_market"]["sales"]["price_gbp"] = 1.0e308
    with pytest.raises(DealInvalid) as caught:
        deal_from_data(data)
    assert [p.line() for p in caught.value.problems] == [
        "route_to_market.sales.price_gbp: must be between £0 and £1,000,000,000,000"]


def _at_the_bounds(data: Any, key: str = "") -> Any:
    """Every money field at MAX_GBP and every count at MAX_COUNT (a walk over the deal's plain data)."""
    if isinstance(data, dict):
        return {k: _at_the_bounds(v, k) for k, v in data.items()}
    if isinstance(data, list):
        return [_at_the_bounds(v, key) for v in data]
    if isinstance(data, (int, float)) and not isinstance(data, bool) and key.endswith("_gbp") and key not in (
            "nhs_walk_away_gbp", "nhs_target_gbp", "partner_walk_away_gbp", "from_gbp"):
        return MAX_GBP
    if key in ("volume_per_year", "patients", "records", "patients_per_year"):
        return MAX_COUNT
    return data


def _finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite(v) for v in value)
    return True


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_a_deal_at_every_money_and_count_bound_values_to_finite_figures_everywhere(path, tmp_path):
    deal = deal_from_data(_at_the_bounds(deal_to_data(load_deal(path))))
    scenario = tmp_path / "bounds.yaml"
    scenario.write_text(deal_to_yaml(deal), encoding="utf-8")
    for command in (["value", "--json"], ["simulate", "--trials", "200", "--seed", "1", "--json"],
                    ["negotiate", "--json"], ["compare", "--json"]):
        code, out, err = cli(command[0], str(scenario), *command[1:])
        assert code == 0, err
        assert _finite(json.loads(out)), command  # json.dumps(allow_nan=False) would also have refused
    code, _, err = cli("export", str(scenario), "--xlsx", str(tmp_path / "bounds.xlsx"), "--partner-yaml",
                       str(tmp_path / "partner.yaml"))
    assert code == 0, err
    code, _, err = cli("value", str(scenario), "--pdf", str(tmp_path / "bounds.pdf"))
    assert code == 0, err
    assert _finite(value_deal(deal).nhs_cash_flow.tolist())


# -- text: accepted exactly, or refused at its field -----------------------------------------------------------------

def _with_text_everywhere(text: str) -> dict[str, Any]:
    data = _example_data()
    data["name"] = text if text.strip() else "x" + text
    data["description"] = data["purpose"] = text
    data["nhs"]["name"] = data["partner"]["name"] = text if text.strip() else "x"
    data["nhs"]["members"] = [{"name": text if text.strip() else "x"}]
    data["funding"] = [{"funder": text if text.strip() else "x", "towards": "partner", "amount_gbp": 1,
                        "conditions": text}]
    data["patient_benefit"]["outcomes"] = [{"name": text if text.strip() else "x", "unit": "x", "per_year": 1,
                                            "value_per_unit_gbp": 1, "value_source": text if text.strip() else "x"}]
    data["contribution"]["data_assets"][0]["name"] = text if text.strip() else "x"
    data["negotiation"] = {"notes": text}
    data["route_to_market"]["sales"]["unit"] = text[:40]
    return data


@pytest.mark.parametrize("text", ACCEPTED, ids=range(len(ACCEPTED)))
def test_hostile_text_round_trips_exactly_through_yaml_json_and_the_partner_file(text):
    deal = deal_from_data(_with_text_everywhere(text))
    assert deal_from_yaml(deal_to_yaml(deal)) == deal
    assert service.read_text(service.text_of(deal, "json"), "json") == deal
    shared = for_partner(deal)
    assert deal_from_yaml(partner_yaml(deal)) == shared
    assert shared.name == deal.name and shared.description == text


@pytest.mark.parametrize("text", ACCEPTED, ids=range(len(ACCEPTED)))
def test_hostile_text_through_the_cli_is_printed_cleaned_and_comes_back_exactly_from_json(text, tmp_path):
    deal = deal_from_data(_with_text_everywhere(text))
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(deal_to_yaml(deal), encoding="utf-8")
    code, out, err = cli("value", str(scenario))
    assert code == 0, err
    assert clean(out) == out and "\x1b" not in out
    code, out, err = cli("value", str(scenario), "--json")
    assert code == 0, err
    assert json.loads(out)["deal"] == deal.name
    assert clean(out) == out
    assert cli("validate", str(scenario))[0] == 0
    assert cli("export", str(scenario), "--partner-yaml", str(tmp_path / "p.yaml"))[0] == 0
    assert load_deal(tmp_path / "p.yaml").name == deal.name


@pytest.mark.parametrize("text,char", REFUSED, ids=[c for _, c in REFUSED])
@pytest.mark.parametrize("field", ["name", "description", "nhs.members[0].name", "negotiation.notes"])
def test_characters_no_file_can_keep_are_refused_at_their_field_and_named(text, char, field):
    data = _example_data()
    if field == "name":
        data["name"] = text
    elif field == "description":
        data["description"] = text
    elif field == "negotiation.notes":
        data["negotiation"] = {"notes": text}
    else:
        data["nhs"]["members"] = [{"name": text}]
    with pytest.raises(DealInvalid) as caught:
        deal_from_data(data)
    (problem,) = caught.value.problems
    assert problem.path == field
    assert char in problem.message or "lone surrogate" in problem.message


def test_a_line_break_is_refused_in_a_name_and_kept_in_prose():
    data = _example_data()
    data["description"] = "Line one\nLine two\r\n\tindented"
    assert deal_from_data(data).description == "Line one\nLine two\r\n\tindented"
    data["partner"]["name"] = "Acme\nLtd"
    with pytest.raises(DealInvalid, match=r"partner.name: must be on one line"):
        deal_from_data(data)


_ALLOWED = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85\u2028\u2029\ufffe\uffff") \
    .filter(lambda c: not (ord(c) < 0x20 and c not in "\t") and not 0x7F <= ord(c) <= 0x9F)


@settings(max_examples=150, deadline=None)
@given(name=st.text(_ALLOWED, min_size=1, max_size=60).filter(lambda t: t.strip()),
       prose=st.text(st.one_of(_ALLOWED, st.sampled_from("\n\r\t")), max_size=200))
def test_any_text_a_deal_accepts_comes_back_exactly_from_its_file_and_the_register(name, prose):
    data = _example_data()
    data["partner"]["name"] = name
    data["description"] = prose
    deal = deal_from_data(data)
    assert deal_from_yaml(deal_to_yaml(deal)) == deal
    assert service.read_text(service.text_of(deal, "json"), "json") == deal
    assert service.read_text(service.text_of(deal, "yaml"), "yaml") == deal


# -- terminals --------------------------------------------------------------------------------------------------------

def test_terminal_escapes_in_a_file_name_and_an_echoed_value_are_written_as_visible_escapes(tmp_path):
    scenario = tmp_path / "deal\x1b]0;owned\x07.yaml"
    scenario.write_text(IMAGING.read_text(encoding="utf-8").replace("kind: sme", 'kind: "sme\\e[2J"', 1),
                        encoding="utf-8")
    for command in ("validate", "value", "negotiate", "compare", "simulate"):
        code, out, err = cli(command, str(scenario))
        assert code == 1
        assert "\x1b" not in err + out and "\x07" not in err + out
        assert "\\u001b" in err


def test_bidirectional_overrides_in_a_name_are_escaped_on_the_terminal_and_exact_in_json(tmp_path):
    data = _example_data()
    data["name"] = "Trust \u202egnp.exe\u202c deal"
    scenario = tmp_path / "bidi.yaml"
    scenario.write_text(deal_to_yaml(deal_from_data(data)), encoding="utf-8")
    code, out, _ = cli("value", str(scenario))
    assert code == 0 and "\u202e" not in out and "Trust \\u202egnp.exe\\u202c deal" in out
    code, out, _ = cli("value", str(scenario), "--json")
    assert json.loads(out)["deal"] == data["name"]


def test_argparse_messages_that_quote_what_was_typed_are_cleaned(capsys):
    with pytest.raises(SystemExit):
        main(["simulate", str(IMAGING), "--trials", "1\x1b[2J"])
    assert "\x1b" not in capsys.readouterr().err


# -- the partner's deal file ------------------------------------------------------------------------------------------

SECRETS = ["555555", "777777", "0.1919", "0.2323", "0.3434", "313131", "424242", "989898", "SECRET-NOTE", "SECRET-FAIR",
           "SECRET-COST", "SECRET-COMPARABLE", "SECRET-VARIANT", "SECRET-VARIANT-NOTE",
           "SECRET-VARIANT-OVERRIDE", "0.0989", "0.4321", "SECRET-YEARLY", "646464", "SECRET-USER", "858585",
           "737373", "616161", "0.6262", "535353"]
#: The NHS's costs (issue 16: shared curation, members' own costs and shares, grants towards them): disclosed only on
#: request.
COST_SECRETS = {"313131", "737373", "616161", "535353", "0.6262"}


def _deal_with_secrets_everywhere(shares: bool = False) -> Deal:
    data = _example_data()
    position: dict[str, Any] = (
        {"nhs_walk_away_share": 0.2323, "nhs_target_share": 0.3434} if shares
        else {"nhs_walk_away_gbp": 555555, "nhs_target_gbp": 777777})
    data["negotiation"] = {**position, "partner_min_irr": 0.1919, "partner_walk_away_gbp": 646464,
                           "notes": "SECRET-NOTE: we would accept less"}
    # issue 16's internal places: another platform user's terms, shared curation, a member's own costs and share,
    # a grant towards the NHS's costs
    data["platform_users"] = [{"name": "SECRET-USER Ltd", "terms": [{"kind": "subscription",
                                                                     "amount_gbp_per_year": 858585, "years": 2}]}]
    data["contribution"]["curation"] = {"already_spent_gbp": 737373, "expected_users": 4}
    data["nhs"]["members"] = [{"name": data["nhs"]["name"], "share": 0.6262,
                               "own_costs": {"preparation_gbp": 616161}},
                              {"name": "Second Trust", "share": 1 - 0.6262}]
    data["nhs"]["split"] = "fixed"
    data["funding"] = [{"funder": "A fund", "towards": "nhs", "amount_gbp": 535353}]
    data["fair_share"]["band_width"] = 0.4321
    data["fair_share"]["overrides"] = [{"factor": "uniqueness", "score": 5, "note": "SECRET-FAIR judgement"}]
    data["contribution"]["access_costs"] = {"preparation_gbp": 313131, "yearly_gbp": 0, "years": 1}
    data["contribution_value"]["preparation_costs"] = [
        {"activity": "curation", "description": "SECRET-COST work", "historical_gbp": 424242}]
    data["contribution_value"]["comparables"] = [
        {"name": "SECRET-COMPARABLE licence", "source": "our files", "published": "2024-01-31",
         "unit": "one_off", "price_gbp": 1}]
    data["variants"] = [
        {"name": "SECRET-VARIANT fallback", "description": "SECRET-VARIANT-NOTE",
         "overrides": {"negotiation.notes": "SECRET-VARIANT-OVERRIDE",
                       **({"negotiation.nhs_walk_away_share": 0.0989} if shares
                          else {"negotiation.nhs_walk_away_gbp": 989898})}},
        {"name": "Internal downside", "description": "SECRET-YEARLY",
         "overrides": {"contribution.access_costs.preparation_gbp": 989898}},
        {"name": "Slower uptake", "description": "Shared with the partner", "shared": True,
         "overrides": {"route_to_market.sales.peak_uptake": 0.1}},
    ]
    return deal_from_data(data)


def _data_fields(model_class: type) -> set[str]:
    return set(model_class.model_fields)


def test_the_secret_deal_plants_a_secret_in_every_internal_place_the_format_has():
    from valueshare.model.benefits import FairShareInputs
    from valueshare.model.contribution_value import ContributionValueInputs
    from valueshare.model.negotiation import NegotiationInputs

    planted = set()
    for shares in (False, True):
        deal = _deal_with_secrets_everywhere(shares)
        planted |= {k for k, v in deal.negotiation.model_dump().items() if v}
    # Every field of the negotiating position is planted; a new field there must be planted here too.
    assert planted == _data_fields(NegotiationInputs)
    assert deal.fair_share != FairShareInputs() and deal.contribution_value != ContributionValueInputs()


@pytest.mark.parametrize("shares", [False, True], ids=["in-gbp", "as-shares"])
def test_the_partner_file_holds_no_internal_position_note_cost_or_internal_variant(shares):
    deal = _deal_with_secrets_everywhere(shares)
    text = partner_yaml(deal)
    for secret in SECRETS:
        assert secret not in text, secret
    shared = deal_from_yaml(text)
    assert [v.name for v in shared.variants] == ["Slower uptake"]
    assert shared.negotiation == type(deal.negotiation)()
    assert shared.contribution.access_costs == type(deal.contribution.access_costs)()
    assert shared.terms == deal.terms and shared.route_to_market == deal.route_to_market


def test_the_partner_file_discloses_the_nhs_costs_only_when_asked():
    deal = _deal_with_secrets_everywhere()
    text = partner_yaml(deal, with_nhs_costs=True)
    assert all(secret in text for secret in COST_SECRETS)
    for secret in set(SECRETS) - COST_SECRETS:
        assert secret not in text, secret


def test_the_cli_writes_the_partner_file_too(tmp_path):
    scenario = tmp_path / "secret.yaml"
    scenario.write_text(deal_to_yaml(_deal_with_secrets_everywhere()), encoding="utf-8")
    code, out, err = cli("export", str(scenario), "--partner-yaml", str(tmp_path / "for-partner.yaml"))
    assert code == 0, err
    assert "without the NHS's costs of access" in out
    text = (tmp_path / "for-partner.yaml").read_text(encoding="utf-8")
    assert not [s for s in SECRETS if s in text]
    assert cli("export", str(scenario))[0] == 2


def test_a_variant_shared_with_the_partner_cannot_carry_an_internal_figure():
    data = deal_to_data(_deal_with_secrets_everywhere())
    data["variants"][0]["shared"] = True
    with pytest.raises(DealInvalid) as caught:
        deal_from_data(data)
    assert [(p.path, p.message.split(": ")[0]) for p in caught.value.problems] == [
        ("variants[0].overrides", "negotiation.notes"), ("variants[0].overrides", "negotiation.nhs_walk_away_gbp")]
    assert ("a variant shared with the partner cannot change the NHS's internal figures"
            in caught.value.problems[0].message)
