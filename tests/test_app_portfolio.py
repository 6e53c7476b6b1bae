"""The Portfolio page, driven headless by AppTest against a register in a temporary SQLite file.

Figures, worked by hand (as in test_portfolio): fee_deal(fee) pays a one-off access fee at signature and the NHS has
no costs, so its NHS NPV and NHS receipts are the fee. "Gamma" spends £2,000 at signature to give access for a
£1,000 fee: NHS NPV 1,000 - 2,000 = -£1,000, receipts £1,000, cost recovery 1,000 / 2,000 = 0.5x (below cost
recovery). The register of Low (£50), "**bold** <b>x</b>" (£300) and Gamma therefore totals NHS NPV
50 + 300 - 1,000 = -£650 and NHS receipts 50 + 300 + 1,000 = £1,350. With every fair-share factor scored 3 the band
is 10.05% to 19.95% of the partner's value before payments, £1,059.60, so Low's value share 50 / 1,059.60 = 4.7% is
below it and 300 / 1,059.60 = 28.3% above it; Gamma's, (1,000 - 2,000) / 1,059.60, is below it too.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import altair
import jsonschema
import pytest
from register_support import Clock, fee_deal
from streamlit.testing.v1 import AppTest
from test_portfolio import ALL_THREES, costly

from ui import portfolio as view
from ui.text import md
from valueshare.register import InMemoryRepository, service
from valueshare.register.access import Actor
from valueshare.register.location import ENV
from valueshare.register.portfolio import portfolio
from valueshare.register.sql import open_register
from valueshare.reports.portfolio import (
    DEAL_COLUMNS,
    deal_rows,
    deals_csv,
    deals_csv_bytes,
    outliers,
    portfolio_xlsx,
    summary_lines,
)
from valueshare.scenario import deal_from_data, deal_to_data

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "app_pages/portfolio.py"
MARKUP = "**bold** <b>x</b>"
SCHEMA = json.loads((Path(altair.__file__).parent / "vegalite" / "v6" / "schema" / "vega-lite-schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    where = str(tmp_path / "register.sqlite")
    monkeypatch.setenv(ENV, where)
    return where


def seed(where: str) -> None:
    repo = open_register(where, clock=Clock())
    try:
        for fee, name in ((50, "Low"), (300, MARKUP)):
            service.save(repo, fee_deal(fee, name=name, fair_share=ALL_THREES), author="Ana", note="n",
                         base_version=None)
        service.save(repo, costly(1000, 2000, "Gamma"), author="Ana", note="n", base_version=None)
        service.set_status(repo, "low", "offered", author="Ana")
    finally:
        repo.close()


def the_portfolio(where: str, **options) -> object:
    repo = open_register(where)
    try:
        return portfolio(repo, **options)
    finally:
        repo.close()


def page(*, user: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if user is not None:  # sign-in configured, and this person signed in (what st.login would leave in st.user)
        at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 40}
        at.user = {"is_logged_in": True, **user}
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def shown(at: AppTest) -> str:
    """Every message, caption and piece of markdown on the page, with markdown escapes removed."""
    parts = [e.value for kind in (at.error, at.warning, at.info, at.success, at.caption, at.markdown) for e in kind]
    return "\n".join(str(p) for p in parts).replace("\\", "")


def deals_table(at: AppTest):
    return next(d.value for d in at.dataframe if "Against the fair band" in d.value.columns)


def test_the_page_shows_the_totals_the_pipeline_the_table_and_the_outliers_by_name(register):
    seed(register)
    at = page()
    assert not at.error
    text = shown(at)
    assert "3 deals; NHS NPV in total -£650; NHS receipts in total £1,350;" in text   # by hand: the docstring
    assert "Pipeline: draft 2, offered 1." in text
    assert ("Bars: the number of deals at each status, in the order of a deal's life: draft 2, offered 1, "
            "counter-offered 0, agreed 0, signed 0, closed 0, withdrawn 0.") in text
    table = deals_table(at)
    assert table.columns.tolist() == [label for label, _, _ in DEAL_COLUMNS]               # the core's labels
    assert table.values.tolist() == [list(r.values()) for r in deal_rows(the_portfolio(register), written=True)]
    assert table[["Deal", "NHS NPV", "NHS receipts", "Cost recovery", "Against the fair band"]].values.tolist() == [
        [MARKUP, "£300", "£300", "n/a", "Above the band"], ["Gamma", "-£1,000", "£1,000", "0.50×", "Below the band"],
        ["Low", "£50", "£50", "n/a", "Below the band"]]
    lists = [m.value for m in at.markdown]
    for title, names in (("Below cost recovery", ["Gamma"]), ("Value share above the fair band", [MARKUP]),
                         ("Value share below the fair band", ["Gamma", "Low"])):
        heading = lists.index(f"**{md(title)}**")
        assert lists[heading + 1] == "\n".join(f"- {md(name)}" for name in names)
    terms = next(d.value for d in at.dataframe if "Term" in d.value.columns)
    assert terms.values.tolist() == [["Use", "Commercial product development", "Access fee", 3]]
    spread = next(d.value for d in at.dataframe if "Median" in d.value.columns)
    assert spread[["Figure", "Deals", "Lowest", "Median", "Highest"]].values.tolist() == [
        ["Fees (present value)", 3, "£50", "£300", "£1,000"]]


def test_a_deal_named_like_markup_is_shown_as_typed(register):
    seed(register)
    at = page()
    assert MARKUP in deals_table(at)["Deal"].tolist()                     # a table cell is plain text
    raw = [m.value for kind in (at.markdown, at.caption, at.info) for m in kind if "**bold** <b>" in m.value]
    assert raw == []                                                      # never rendered as markup...
    assert f"Value share above the fair band\\: {md(MARKUP)}" in "\n".join(m.value for m in at.markdown)  # ...escaped
    assert MARKUP in view.band_frame(the_portfolio(register))["Deal"].tolist()   # the chart draws it as text


def test_both_downloads_are_the_portfolios_own_files(register, monkeypatch):
    import streamlit

    seed(register)
    handed: dict[str, object] = {}
    original = streamlit.download_button

    def recorded(label, data, *args, **kwargs):  # what each download would hand the browser
        handed[label] = data() if callable(data) else data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recorded)
    page()
    folio = the_portfolio(register)
    csv = handed["Deals as CSV"]
    assert csv == deals_csv_bytes(folio) == deals_csv(folio).encode("utf-8-sig")   # with a BOM, for Excel
    assert csv.decode("utf-8-sig").splitlines()[1].startswith("**bold** <b>x</b>,bold-b-x-b,")
    workbook = handed["Portfolio as Excel (XLSX)"]

    def parts(data: bytes) -> dict[str, bytes]:
        # docProps/core.xml holds the moment the workbook was written; everything else is the portfolio's
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}

    assert parts(workbook) == parts(portfolio_xlsx(folio))
    assert b"bold-b-x-b" in parts(workbook)["xl/sharedStrings.xml"]


def test_the_archived_toggle_adds_the_archived_deals(register):
    seed(register)
    repo = open_register(register)
    service.archive(repo, "low", author="Ana", note="dropped", archived=True)
    repo.close()
    at = page()
    assert deals_table(at)["Deal"].tolist() == [MARKUP, "Gamma"]
    assert "2 deals; NHS NPV in total -£700;" in shown(at)                     # 300 - 1,000
    at.toggle(key="portfolio:archived").set_value(True).run()
    assert deals_table(at)["Deal"].tolist() == [MARKUP, "Gamma", "Low"]
    assert "3 deals; NHS NPV in total -£650;" in shown(at)


def test_a_member_of_another_organisation_does_not_see_the_deal(register):
    repo = open_register(register, clock=Clock())
    ana, dee = "ana@trust-a.nhs.uk", "dee@trust-b.nhs.uk"
    service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="setup")
    service.add_member(repo, "trust-a", ana, "admin", author="setup")
    service.add_organisation(repo, "trust-b", "Trust B", "nhs", author="setup", actor=Actor(ana))
    service.add_member(repo, "trust-b", dee, "member", author="setup", actor=Actor(ana))
    service.save(repo, fee_deal(1000, name="Trust A retinal deal"), author="x", note="n", base_version=None,
                 actor=Actor(ana))
    service.save(repo, fee_deal(5000, name="Trust B sepsis deal"), author="x", note="n", base_version=None,
                 actor=Actor(dee))
    repo.close()
    at = page(user={"email": dee})
    assert deals_table(at)["Deal"].tolist() == ["Trust B sepsis deal"]
    assert "1 deal; NHS NPV in total £5,000;" in shown(at) and "Trust A" not in shown(at)
    at = page(user={"email": ana})
    assert deals_table(at)["Deal"].tolist() == ["Trust A retinal deal"]


def test_an_empty_register_says_so_and_shows_no_table(register):
    at = page()
    assert not at.error and not at.dataframe and not at.download_button
    assert view.EMPTY in shown(at)


def test_a_register_that_cannot_be_opened_is_an_error_not_a_traceback(monkeypatch):
    monkeypatch.setenv(ENV, "mysql://ana:s3cret@db/register")
    at = page()
    assert [e.value.replace("\\", "") for e in at.error] == [
        "**The register cannot be opened.** 'mysql:\u200b//ana:***@\u200bdb/register': the register works with an "
        "SQLite file or a PostgreSQL database, not mysql"]
    assert not re.search("s3cret|Traceback", shown(at)) and not at.dataframe


def test_a_deal_with_no_value_share_is_listed_as_such(register):
    # The partner's first stage costs £100,000: its value before any payment is negative, so a share of it has no
    # meaning and the deal has no value share to place against a band.
    data = deal_to_data(fee_deal(1000, name="Loss maker"))
    data["route_to_market"]["stages"][0]["partner_cost_gbp"] = 100_000
    repo = open_register(register, clock=Clock())
    service.save(repo, deal_from_data(data), author="Ana", note="n", base_version=None)
    service.save(repo, fee_deal(50, name="Low", fair_share=ALL_THREES), author="Ana", note="n", base_version=None)
    repo.close()
    at = page()
    assert "No value share to place against a band: Loss maker." in shown(at)
    assert view.band_frame(the_portfolio(register))["Deal"].tolist() == ["Low"]


# -- the charts' data and specs ------------------------------------------------------------------------------------

def _hand_made():
    repo = InMemoryRepository(Clock())
    for fee, name, key in ((50, "Low", "low"), (200, "Mid", "mid"), (300, "High", "high"), (300, "High", "high-2")):
        service.save(repo, fee_deal(fee, name=name, fair_share=ALL_THREES), author="Ana", note="n",
                     base_version=None, key=key)
    service.set_status(repo, "mid", "offered", author="Ana")
    return portfolio(repo)


def test_the_band_chart_places_each_share_against_its_band_by_hand():
    folio = _hand_made()
    frame = view.band_frame(folio)
    before = 1059.596  # the partner's value before payments (test_portfolio)
    assert frame["Deal"].tolist() == ["High (high)", "High (high-2)", "Low", "Mid"]  # a shared name gets its key
    assert frame["Low"].tolist() == pytest.approx([0.1005] * 4)     # 0.15 x (1 - 0.33) and 0.15 x 1.33
    assert frame["High"].tolist() == pytest.approx([0.1995] * 4)
    assert frame["Share"].tolist() == pytest.approx([300 / before, 300 / before, 50 / before, 200 / before], abs=1e-5)
    assert frame["Position"].tolist() == ["Above the band", "Above the band", "Below the band", "Within the band"]
    assert frame["Band"].tolist()[0] == "10.0% to 20.0%" and frame["Written share"].tolist()[2] == "4.7%"
    pipeline = view.pipeline_frame(folio)
    assert pipeline.values.tolist()[:2] == [["Draft", 3], ["Offered", 1]] and pipeline["Deals"].sum() == 4


def test_the_outliers_are_named_under_their_titles_as_the_summary_names_them():
    folio = _hand_made()
    assert outliers(folio) == [("Below cost recovery", []), ("Value share above the fair band", ["High", "High"]),
                               ("Value share below the fair band", ["Low"])]
    assert summary_lines(folio)[2:] == ["Value share above the fair band: High, High",
                                        "Value share below the fair band: Low"]


@pytest.mark.parametrize("name", ["pipeline", "bands"])
def test_each_chart_is_a_valid_vega_lite_spec(name):
    folio = _hand_made()
    spec = (view.pipeline_chart(view.pipeline_frame(folio)) if name == "pipeline"
            else view.band_chart(view.band_frame(folio)))
    as_sent = {**spec, "datasets": {k: json.loads(f.to_json(orient="records")) for k, f in spec["datasets"].items()}}
    jsonschema.validate(as_sent, SCHEMA)
    assert all(layer["data"]["name"] in spec["datasets"] for layer in spec["layer"])
