"""The variant editor on the Compare page (ui/variants.py), driven headless by AppTest on the imaging example.

The figure checked by hand: the imaging deal's first term is a one-off access fee of £60,000 paid at signature
(year 0: undiscounted, before any stage can fail, no tax on the NHS's side), so a variant that raises it to £80,000
is worth exactly £20,000 more to the NHS than the base deal, and £40,000 more at £100,000. Every other figure is
checked against valuing the variant with the core directly (``valueshare.compare``).
"""

from __future__ import annotations

from apptest_support import errors, expand, show, tables
from apptest_support import open_page as _open_page
from streamlit.testing.v1 import AppTest

from ui.variants import EDITOR
from valueshare.compare import compare, variants_of
from valueshare.format import money
from valueshare.scenario import deal_from_data, deal_to_yaml
from valueshare.variants import value_text

COMPARE, DEAL = "app_pages/compare.py", "app_pages/deal.py"
FEE = "terms[0].amount_gbp"
UPTAKE = "route_to_market.sales.peak_uptake"
WALK_AWAY = "negotiation.nhs_walk_away_gbp"
VALUE_TO_NHS = "Value to the NHS"


def open_page(page: str) -> AppTest:
    """The page with the variants' editor open: what is in its box is drawn only while the box is open."""
    return expand(_open_page(page), EDITOR)


def figures(at: AppTest):
    return next(t for t in tables(at) if "Figure" in t.columns and "Differs" in t.columns)


def figure(at: AppTest, label: str, column: str) -> str:
    frame = figures(at)
    return frame[frame["Figure"] == label].iloc[0][column]


def draft_deal(at: AppTest):
    return deal_from_data(at.session_state["draft"])


def add_variant(at: AppTest, name: str, path: str, value: str, *, shared: bool = False) -> AppTest:
    at.text_input(key="variants:new:name").input(name)
    at.text_area(key="variants:new:description").input(f"{name}, typed in the app.")
    if shared:
        at.checkbox(key="variants:new:shared").check()
    at.selectbox(key="variants:new:new-path").select(path)
    at.text_input(key="variants:new:new-value").input(value)
    return at.button(key="variants:new:add").click().run()


def test_a_variant_added_in_the_app_is_compared_and_saved_with_the_deal():
    at = open_page(COMPARE)
    base = figure(at, VALUE_TO_NHS, "Base")
    add_variant(at, "Higher fee", FEE, "80000")
    assert not at.exception and not errors(at)
    deal = draft_deal(at)
    assert [v.name for v in deal.variants] == ["Downside", "Upside", "Higher fee"]
    assert (deal.variants[2].overrides, deal.variants[2].description) == ({FEE: 80000}, "Higher fee, typed in the app.")
    # Lined up at once, valued as the core values it: £20,000 more to the NHS than the base, as worked out above.
    frame = figures(at)
    assert frame.columns.tolist() == ["Figure", "Base", "Downside", "Upside", "Higher fee", "Differs"]
    want = compare(variants_of(deal))
    assert frame["Higher fee"].tolist() == [row.texts[3] for row in want.figures]
    value = next(r for r in want.figures if r.label == VALUE_TO_NHS).values
    assert value[3] - value[0] == 20_000
    assert figure(at, VALUE_TO_NHS, "Higher fee") == money(value[0] + 20_000) and base == money(value[0])
    assert "Higher fee" in deal_to_yaml(deal)  # the deal file the Documents page downloads holds it


def test_changing_a_value_in_the_app_changes_the_variants_figure():
    at = open_page(COMPARE)
    add_variant(at, "Higher fee", FEE, "80000")
    at.text_input(key=f"variants:v:Higher fee:value:{FEE}").input("100000").run()
    assert not at.exception and not errors(at)
    deal = draft_deal(at)
    assert deal.variants[2].overrides == {FEE: 100000}
    value = next(r for r in compare(variants_of(deal)).figures if r.label == VALUE_TO_NHS).values
    assert value[3] - value[0] == 40_000  # the fee at signature, £40,000 above the base's
    assert figure(at, VALUE_TO_NHS, "Higher fee") == money(value[0] + 40_000)


def test_another_input_can_be_added_to_a_variant_and_one_removed():
    at = open_page(COMPARE)
    at.selectbox(key="variants:v:Upside:new-path").select(FEE)
    at.text_input(key="variants:v:Upside:new-value").input("70000")
    at.button(key="variants:v:Upside:add").click().run()
    at.button(key=f"variants:v:Upside:drop:{UPTAKE}").click().run()
    assert not errors(at)
    assert draft_deal(at).variants[1].overrides == {"route_to_market.sales.price_gbp": 12, FEE: 70000}
    assert figures(at).columns.tolist()[:4] == ["Figure", "Base", "Downside", "Upside"]


def test_a_bad_value_is_named_with_its_field_and_rule_and_what_was_typed_is_kept():
    at = open_page(COMPARE)
    key = f"variants:v:Upside:value:{UPTAKE}"
    at.text_input(key=key).input("1.5").run()
    assert not at.exception
    assert errors(at) == ["**Variants 2, overrides**: route_to_market.sales.peak_uptake: must be between 0 and 1 "
                          "(0% to 100%)"]  # an override is typed as in the deal file (a fraction); no path in the app
    assert at.text_input(key=key).value == "1.5"
    assert draft_deal(at).variants[1].overrides[UPTAKE] == 0.35  # the deal is as it was
    # Away to another page and back: the typed value and its problem are still there.
    at.switch_page(DEAL).run()
    at.switch_page(COMPARE).run()
    assert at.text_input(key=key).value == "1.5"
    assert any("must be between 0 and 1" in e for e in errors(at))
    # Put right, the problem goes and the deal takes the value.
    at.text_input(key=key).input("0.3").run()
    assert not errors(at) and draft_deal(at).variants[1].overrides[UPTAKE] == 0.3


def test_text_that_is_not_a_value_is_named_and_kept():
    at = open_page(COMPARE)
    add_variant(at, "Broken", FEE, "[80000")
    shown = " ".join(errors(at))
    assert "Variants 3, overrides" in shown and f"{FEE}: not valid YAML" in shown
    assert at.text_input(key="variants:new:name").value == "Broken"
    assert at.text_input(key="variants:new:new-value").value == "[80000"
    assert len(draft_deal(at).variants) == 2


def test_a_variant_can_be_deleted():
    at = open_page(COMPARE)
    at.button(key="variants:v:Downside:delete").click().run()
    assert not at.exception and not errors(at)
    assert [v.name for v in draft_deal(at).variants] == ["Upside"]
    assert figures(at).columns.tolist() == ["Figure", "Base", "Upside", "Difference", "Differs"]


def test_a_variant_can_be_renamed_and_stays_in_the_comparison():
    at = open_page(COMPARE)
    at.text_input(key="variants:v:Upside:name").input("Best case").run()
    assert not errors(at)
    assert [v.name for v in draft_deal(at).variants] == ["Downside", "Best case"]
    assert figures(at).columns.tolist()[:4] == ["Figure", "Base", "Downside", "Best case"]
    at.text_input(key="variants:v:Best case:name").input("Downside").run()
    # the variant named in words, without its path (variants[1].name)
    assert any("Variants 2, name" in e and "'Downside' is used by another variant" in e for e in errors(at))
    assert not any("variants[1]" in e for e in errors(at))
    assert at.text_input(key="variants:v:Best case:name").value == "Downside"


def test_a_shared_variant_that_changes_an_internal_figure_is_refused_with_the_models_message():
    at = open_page(COMPARE)
    add_variant(at, "Walk away", WALK_AWAY, "500000", shared=True)
    shown = " ".join(errors(at))
    assert (f"{WALK_AWAY}: a variant shared with the partner cannot change the NHS's internal figures or its costs"
            in shown)
    assert len(draft_deal(at).variants) == 2 and at.checkbox(key="variants:new:shared").value is True
    # Internal, it is accepted; shared afterwards, it is refused again and stays internal.
    at.checkbox(key="variants:new:shared").uncheck()
    at.button(key="variants:new:add").click().run()
    assert not errors(at) and draft_deal(at).variants[2].overrides == {WALK_AWAY: 500000}
    at.checkbox(key="variants:v:Walk away:shared").check().run()
    assert any("cannot change the NHS's internal figures" in e for e in errors(at))
    assert draft_deal(at).variants[2].shared is False


def test_edits_made_to_the_deal_can_be_kept_as_a_variant():
    at = open_page(COMPARE)
    at.button(key="variants:edit:mark").click().run()
    at.switch_page(DEAL).run()
    show(at, "Terms")
    at.text_input(key=f"w:{FEE}").input("£80,000").run()
    at.switch_page(COMPARE).run()
    assert f"({FEE}): {value_text(80000.0)}" in "\n".join(t.value for t in at.text)
    at.text_input(key="variants:edit:name").input("Higher fee")
    at.button(key="variants:edit:save").click().run()
    assert not at.exception and not errors(at)
    deal = draft_deal(at)
    assert deal.terms[0].amount_gbp == 60_000  # the deal is back as it was when marked
    assert (deal.variants[2].name, deal.variants[2].overrides) == ("Higher fee", {FEE: 80_000})
    assert "Higher fee" in figures(at).columns


def test_markup_typed_in_a_variant_name_is_shown_as_plain_text():
    at = open_page(COMPARE)
    add_variant(at, "**Bold** :red[x] <b>y</b>", FEE, "80000")
    assert not errors(at)
    assert "**Bold** :red[x] <b>y</b>" in figures(at).columns


def test_the_editor_says_so_when_the_deal_has_problems_to_fix_first():
    at = open_page(COMPARE)
    at.session_state["draft"] = {**at.session_state["draft"], "name": ""}
    at.run()
    assert any("Fix the deal's problems shown above" in i.value for i in at.info)
