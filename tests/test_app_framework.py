"""The Framework check page, driven headless by AppTest: every figure it shows is the assessment's, written by
``valueshare.framework.text`` (the same words as the term sheet's framework page)."""

from __future__ import annotations

import pandas as pd
import pytest
from apptest_support import errors, expand, show, tables, texts
from apptest_support import open_page as open_app
from streamlit.testing.v1 import AppTest

from ui.framework import BADGES, INPUTS, aims_frame, factors_frame, principles_frame, scorecard_frame
from valueshare.compare import variants_of
from valueshare.contribution import text as worth_words
from valueshare.contribution import value_contribution
from valueshare.engine.valuation import value_deal
from valueshare.framework import assess
from valueshare.framework import text as words
from valueshare.framework.pillars import pillars
from valueshare.scenario import deal_from_data, example_paths, load_deal

EXAMPLES = example_paths()
IMAGING = next(p for p in EXAMPLES if p.name == "ai-imaging-device.yaml")
FRAMEWORK = "app_pages/framework.py"


def aim_table(at: AppTest, first_label: str) -> pd.DataFrame:
    return next(t for t in tables(at) if "Figure" in t.columns and "Value" in t.columns
                and t["Figure"].iloc[0] == first_label)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_shows_its_three_aims_every_principle_and_its_fair_share(path):
    at = open_app(FRAMEWORK, path)
    assert not at.exception and not errors(at)
    deal = load_deal(path)
    a = assess(deal, value_deal(deal))
    # The three aims, each in its own table, with the assessment's rows as the term sheet writes them.
    for aim, rows in words.aim_rows(a.pillars).items():
        shown = aim_table(at, rows[0].label)
        assert shown[["Figure", "Value"]].values.tolist() == [[r.label, r.text] for r in rows], aim
    # Every principle (the four, then the 2019 checks), with its status word and its reason.
    page = texts(at)
    assert len(a.checks) >= 5 and [c.key for c in a.checks][:4] == [f"principle_{k}" for k in (1, 2, 3, 4)]
    for check in a.checks:
        assert check.title in page and check.reason in page
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) == len(a.checks)
    for badge, check in zip(badges, a.checks, strict=False):
        assert check.status.label in badge and BADGES[check.status][0] in badge
    # The fair share: the band in words and every factor with its score and basis.
    assert words.band_text(a.fair_share, value_deal(deal)) in page
    factors = next(t for t in tables(at) if "Basis of the default" in t.columns)
    assert factors.values.tolist() == factors_frame(a).values.tolist()
    assert len(factors) == 10
    # The contribution's value, by each approach, beside the band as shares of the partner's value.
    assert worth_words.shares_text(value_contribution(deal)) in page


def test_frames_for_csv_carry_every_figure_of_the_assessment():
    deal = load_deal(IMAGING)
    a = assess(deal)
    aims = aims_frame(a)
    # 11 patient-benefit figures (QALYs and the value of a QALY under each lens), 8 for growth (gross and net
    # additional jobs, GVA per FTE), 5 for the NHS's return.
    assert aims.groupby("Aim", sort=False).size().tolist() == [11, 8, 5]
    assert aims.loc[aims["Figure"] == "Total: NHS NPV", "Number"].item() == pytest.approx(value_deal(deal).nhs_npv)
    principles = principles_frame(a)
    assert principles["Status"].tolist() == [c.status.label for c in a.checks]


def test_the_scorecard_lines_up_the_aims_of_the_base_deal_and_each_variant():
    at = open_app(FRAMEWORK, IMAGING)
    deal = load_deal(IMAGING)
    named = [(name, pillars(d, value_deal(d))) for name, d in variants_of(deal)]
    shown = next(t for t in tables(at) if "Aim" in t.columns and "Base" in t.columns)
    assert shown.columns.tolist() == ["Aim", "Figure", "Base", *[v.name for v in deal.variants]]
    assert shown.values.tolist() == scorecard_frame(named).values.tolist()
    downside = next(name for name, _ in named if name == "Downside")
    qalys = shown.loc[shown["Figure"] == "QALYs gained, discounted", downside].item()
    assert qalys == words.patient_rows(dict(named)[downside].patient)[2].text


def test_changing_qalys_per_patient_changes_the_patient_benefit_figures():
    at = expand(open_app(FRAMEWORK, IMAGING), INPUTS)
    at.number_input(key="w:patient_benefit.qalys_per_patient").set_value(0.01).run()
    assert not errors(at)
    draft = at.session_state["draft"]
    assert draft["patient_benefit"]["qalys_per_patient"] == 0.01
    p = assess(deal_from_data(draft)).pillars.patient
    before = assess(load_deal(IMAGING)).pillars.patient
    # QALYs are patients × QALYs per patient × the health discount factor: 0.01 / 0.002 = 5 times as many.
    assert p.qalys_discounted == pytest.approx(5 * before.qalys_discounted)
    shown = aim_table(at, "Expected patients reached")
    assert shown.loc[shown["Figure"] == "QALYs gained, discounted", "Value"].item() == words.patient_rows(p)[2].text


def test_your_own_score_replaces_the_default_and_its_note_is_shown_as_typed():
    at = expand(open_app(FRAMEWORK, IMAGING), INPUTS)
    note = "Labelled by <b>two</b> consultants & a *fellow*"
    at.session_state["t:fair_share.overrides"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"factor": "expertise", "score": 5, "note": note}]}
    at.run()
    assert not errors(at)
    factors = next(t for t in tables(at) if "Basis of the default" in t.columns)
    row = factors[factors["Factor"] == "Clinical and analytical expertise"].iloc[0]
    assert (row["Score"], row["Default"], row["Your note"]) == (5, 3, note)  # the note is a cell: never markup
    band = assess(deal_from_data(at.session_state["draft"])).fair_share
    assert words.band_text(band, value_deal(deal_from_data(at.session_state["draft"]))) in texts(at)


def test_the_inputs_are_drawn_only_when_opened_and_open_by_themselves_on_a_new_problem():
    at = open_app(FRAMEWORK, IMAGING)
    assert at.expander[0].label.startswith("Inputs") and not at.session_state[INPUTS]
    assert not [w for w in at.number_input if w.key.startswith("w:patient_benefit.")]  # closed: nothing drawn
    at.session_state["draft"]["patient_benefit"]["qalys_per_patient"] = -1.0  # e.g. a deal file opened elsewhere
    at.run()
    assert at.session_state[INPUTS] and at.number_input(key="w:patient_benefit.qalys_per_patient")
    assert not at.exception


def test_a_score_without_a_note_is_refused_at_its_field_and_the_inputs_open():
    at = expand(open_app(FRAMEWORK, IMAGING), INPUTS)
    at.session_state["t:fair_share.overrides"] = {
        "edited_rows": {}, "deleted_rows": [], "added_rows": [{"factor": "expertise", "score": 5}]}
    at.session_state["touched"] = {"fair_share.overrides"}  # as the table's on_change does on an edit
    at.run()
    shown = " ".join(errors(at))
    assert "Score 1, Note: is required" in shown
    assert at.expander[0].label.startswith("Inputs") and at.session_state[INPUTS] and not at.exception
    at.switch_page("app_pages/valuation.py").run()
    at.switch_page(FRAMEWORK).run()  # the inputs are still open, and the problem still at its field
    assert at.session_state[INPUTS] and "Score 1, Note: is required" in " ".join(errors(at))
    at.session_state[INPUTS] = False  # closed by the user: the same problem leaves them closed, listed at the top
    at.run()
    # named in words at the top, without its path
    assert not at.session_state[INPUTS] and "- **Fair share, overrides 1, note**: is required" in " ".join(errors(at))
    assert "fair_share.overrides[0]" not in " ".join(errors(at))


def test_a_deal_below_the_band_is_told_the_change_that_closes_the_gap_and_can_choose_the_term():
    at = expand(open_app(FRAMEWORK, IMAGING), INPUTS)
    # A fair share of 60% at equal contributions puts the band above this deal's NHS share.
    at.number_input(key="w:fair_share.share_at_equal_contribution").set_value(60.0).run()
    draft_deal = deal_from_data(at.session_state["draft"])
    a = assess(draft_deal)
    assert a.fair_share.position == "below" and a.closing is not None
    # the default is the access fee (upfront, the framework's usual mechanism); the user can choose the royalty
    assert at.selectbox(key="framework:closing").value == "terms[0].amount_gbp"
    assert a.closing.path == "terms[0].amount_gbp" and a.closing.value > 8_000
    assert words.closing_text(draft_deal, a.closing) in texts(at)
    at.selectbox(key="framework:closing").select("terms[4].tiers[0].rate").run()
    by_royalty = assess(draft_deal, term_path="terms[4].tiers[0].rate").closing
    assert by_royalty is not None and by_royalty.value > draft_deal.terms[4].tiers[0].rate
    assert words.closing_text(draft_deal, by_royalty) in texts(at)
    assert not errors(at)


def test_terms_that_sink_the_partner_raise_a_patient_first_flag():
    at = open_app(example=IMAGING)
    # On the Deal page, a £5m access fee at signature leaves the partner with a negative NPV (its NPV is under £1m).
    show(at, "Terms")
    at.text_input(key="w:terms[0].amount_gbp").input("£5,000,000").run()
    at.switch_page(FRAMEWORK).run()
    deal = deal_from_data(at.session_state["draft"])
    a = assess(deal)
    assert value_deal(deal).partner_npv < 0 and a.patient_first
    assert any(a.patient_first[0] in w.value.replace("\\", "") for w in at.warning)
