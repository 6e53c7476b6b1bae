"""The Contribution value page, driven headless by AppTest: the concluded value and its range first, then the three
approaches with their weights as the core computes them, and the inputs they rest on edited like the rest of the
deal."""

from __future__ import annotations

import pytest
from apptest_support import errors, expand, metrics, texts
from apptest_support import open_page as open_app
from streamlit.testing.v1 import AppTest

from ui.contribution import CONCLUDED, INPUTS
from valueshare.contribution import text as words
from valueshare.contribution import value_contribution
from valueshare.format import money
from valueshare.scenario import deal_from_data, example_paths, load_deal

EXAMPLES = example_paths()
IMAGING = next(p for p in EXAMPLES if p.name == "ai-imaging-device.yaml")
PAGE = "app_pages/contribution.py"


def edit(at: AppTest, path: str, **changes) -> AppTest:
    """An edit of the table at ``path``, as the user makes it: the table is touched too (its on_change, which setting
    its state here does not call), so that its problems are shown as errors."""
    at.session_state[f"t:{path}"] = {"edited_rows": changes.get("edited", {}), "added_rows": changes.get("added", []),
                                     "deleted_rows": changes.get("deleted", [])}
    at.session_state["touched"] = {*at.session_state.get("touched", ()), path}
    return at.run()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_shows_its_concluded_value_weighted_approaches_reasons_and_comparables(path):
    at = open_app(PAGE, path)
    assert not at.exception and not errors(at)
    cv = value_contribution(load_deal(path))
    shown = metrics(at)
    assert list(shown)[0] == CONCLUDED and shown[CONCLUDED] == money(cv.reconciled.value)
    assert shown == {CONCLUDED: money(cv.reconciled.value),
                     **{a.title: money(a.central) if a.central is not None else "n/a" for a in cv.approaches}}
    page = texts(at)
    assert words.concluded_text(cv) in page
    assert words.range_text(cv) in page and words.ask_text(cv) in page
    weights = next(d.value for d in at.dataframe if "Why" in d.value.columns)
    assert weights.values.tolist() == words.weight_rows(cv)
    assert all(reason in page for reason in cv.reasons)
    assert all(flag.message in page for flag in cv.flags)
    comparables = next(d.value for d in at.dataframe if "Exclusivity" in d.value.columns)
    assert comparables.values.tolist() == words.comparable_rows(cv)
    costs = next(d.value for d in at.dataframe if "Replacement" in d.value.columns)
    assert costs.values.tolist() == words.cost_rows(cv)


def test_a_new_preparation_cost_raises_the_cost_approach_by_its_amount():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    before = value_contribution(load_deal(IMAGING)).cost.replacement
    edit(at, "contribution_value.preparation_costs",
         added=[{"activity": "labelling", "hours": 100, "cost_per_hour_gbp": 120}])  # 100 h × £120 = £12,000
    assert not errors(at)
    after = value_contribution(deal_from_data(at.session_state["draft"])).cost.replacement
    assert after == pytest.approx(before + 12_000)
    assert metrics(at)["Cost"] == money(after)


def test_an_own_comparable_with_its_date_joins_the_market_approach():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    edit(at, "contribution_value.comparables", added=[{
        "name": "Our 2025 licence", "source": "Trust register", "published": "2025-03-31", "price_gbp": 50_000,
        "unit": "per_year", "records": 120_000, "history_years": 14, "data_type": "imaging"}])
    assert not errors(at)
    stored = at.session_state["draft"]["contribution_value"]["comparables"][0]
    assert stored["published"] == "2025-03-31" and "tag" not in stored  # the model's default: "user"
    cv = value_contribution(deal_from_data(at.session_state["draft"]))
    ours = [x for x in cv.market.rows if x.comparable.name == "Our 2025 licence"]
    # Same records, history and type as the asset: every factor is 1, so £50,000 a year over 3 years at 3.5%.
    assert len(ours) == 1 and ours[0].value == pytest.approx(50_000 * sum(1.035 ** -t for t in (1, 2, 3)))
    table = next(d.value for d in at.dataframe if "Exclusivity" in d.value.columns)
    assert any(row[0] == "Our 2025 licence [user]" for row in table.values.tolist())


def test_a_comparable_without_a_source_is_refused_at_its_row_and_the_inputs_open():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    edit(at, "contribution_value.comparables", added=[{"name": "Rumour", "published": "2025-01-01",
                                                        "price_gbp": 1, "unit": "one_off"}])
    assert any("Comparable 1, Source: is required" in e for e in errors(at))
    assert at.expander[0].label.startswith("Inputs") and not at.exception


def test_choosing_another_anchor_changes_the_ask():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    at.selectbox(key="w:contribution_value.anchor").select("income").run()
    cv = value_contribution(deal_from_data(at.session_state["draft"]))
    assert cv.ask == pytest.approx(cv.income.value)
    assert words.ask_text(cv) in texts(at) and "Anchored on income (relief from royalty)" in words.ask_text(cv)
    at.selectbox(key="w:contribution_value.anchor").select("reconciled").run()
    cv = value_contribution(deal_from_data(at.session_state["draft"]))
    assert cv.ask == pytest.approx(cv.reconciled.value) and words.ask_text(cv) in texts(at)


def test_a_changed_weight_changes_the_concluded_value():
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    at.number_input(key="w:contribution_value.reconciliation.cost_weight").set_value(0.5).run()
    assert not errors(at)
    cv = value_contribution(deal_from_data(at.session_state["draft"]))
    # cost 0.5 and income 0.5 (the market has no value): half each
    assert [w.weight for w in cv.reconciled.weights] == pytest.approx([0.5, 0, 0.5])
    assert metrics(at)[CONCLUDED] == money(cv.reconciled.value)


def test_earlier_deals_of_the_organisation_are_added_from_the_register(tmp_path, monkeypatch):
    from valueshare.register import ENV, service
    from valueshare.register.sql import open_register

    where = str(tmp_path / "register.sqlite")
    monkeypatch.setenv(ENV, where)
    earlier = load_deal(IMAGING).model_dump(mode="json")
    earlier["name"] = "Retinal screening 2023 licence"
    service.save(open_register(where), deal_from_data(earlier), author="Ana", note="signed", base_version=None)
    at = expand(open_app(PAGE, IMAGING), INPUTS)  # the inputs are drawn only while their box is open
    at.button(key="do:register-comparables").click().run()
    assert not errors(at)
    own = at.session_state["draft"]["contribution_value"]["comparables"]
    # £60,000 once + £25,000 a year for 3 years = £135,000 over 3 years of access: £45,000 a year
    assert [(c["name"], c["price_gbp"], c["unit"]) for c in own] == [
        ("Earlier deal: Retinal screening 2023 licence", 45_000, "per_year")]
    assert any("1 earlier deal(s) of Example Eye Hospital NHS Foundation Trust added" in s.value.replace("\\", "")
               for s in at.success)
    at.button(key="do:register-comparables").click().run()  # a second press adds nothing twice
    assert len(at.session_state["draft"]["contribution_value"]["comparables"]) == 1
