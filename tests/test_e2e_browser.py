"""The main journey in a real browser: the app served by Streamlit, driven in headless Chromium with Playwright.

Open an example, change a royalty rate and see the NHS NPV change to the engine's figure, run the Risk page, look
at the framework check and the negotiation, then prepare the term sheet, download it and check it is a PDF of this
deal with the new rate. Every step leaves a screenshot in ``test-artifacts/e2e/``; with ``VALUESHARE_GUIDE_SHOTS=1``
the screenshots the user guide shows are also written to ``docs/images/``.

Needs Debian's ``chromium`` (``.ci/system-packages`` installs it in CI) and the ``playwright`` package; without them
the tests are skipped with the reason.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

import docx
import pytest
from app_server import CHROMIUM_ARGS, IDLE, served
from pypdf import PdfReader

from valueshare.format import money
from valueshare.scenario import example_paths, load_deal
from valueshare.sensitivity import value_with

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "test-artifacts" / "e2e"
GUIDE = ROOT / "docs" / "images"
IMAGING = next(p for p in example_paths() if p.name == "ai-imaging-device.yaml")
PHARMA = next(p for p in example_paths() if p.name == "pharma-genomic-discovery.yaml")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/system-packages does)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def app_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The user's home for the module's app: its data folder, where the default register goes, is not there yet."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def app_url(app_home: Path):
    """The app, served headless on a free port as on a new user's machine; stopped after the module."""
    with served(app_home, app_home / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        tab.goto(app_url)
        settle(tab)
        yield tab
        browser.close()


def settle(page, pause: int = 600) -> None:
    """Wait for the script run that the last action started to finish, and for the page to draw."""
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_timeout(pause)


def shot(page, name: str, *, guide: bool = False) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)
    if guide and os.environ.get("VALUESHARE_GUIDE_SHOTS"):
        GUIDE.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(GUIDE / f"{name}.png"))


def go(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    settle(page)
    assert page.get_by_role("heading", name=title).first.is_visible()
    assert page.get_by_text("Something went wrong on this page").count() == 0


def metric(page, label: str) -> str:
    # the label exactly: "NHS NPV" is also the start of "NHS NPV with the product"
    label_box = page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True)
    box = page.locator('[data-testid="stMetric"]').filter(has=label_box).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


def choose_example(page, path: Path) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name=load_deal(path).name).click()
    settle(page)
    # The picker lets go of the keyboard, which the next step types into the page (Escape would clear the picker).
    page.get_by_role("heading", name="Deal").first.click()
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first
    assert picker.input_value() == load_deal(path).name


def test_1_the_app_opens_on_an_example_and_another_example_replaces_it(page):
    assert metric(page, "NHS NPV") == money(value_with(load_deal(IMAGING), {}).nhs_npv)
    choose_example(page, PHARMA)
    assert metric(page, "NHS NPV") == money(value_with(load_deal(PHARMA), {}).nhs_npv)
    choose_example(page, IMAGING)
    assert metric(page, "NHS NPV") == money(value_with(load_deal(IMAGING), {}).nhs_npv)
    shot(page, "01-deal", guide=True)


def test_2_changing_a_royalty_rate_changes_the_nhs_npv_to_the_engines_figure(page):
    before = metric(page, "NHS NPV")
    page.get_by_role("tab", name="Terms", exact=True).click()  # the Deal page draws one section at a time
    settle(page)
    tiers = page.locator('[class*="st-key-t-terms-4--tiers"]').first
    tiers.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    tiers.hover()  # the grid places a click by the pointer's last move: move onto it first, as a person does
    page.wait_for_timeout(300)
    grid = tiers.locator('[data-testid="stDataFrameResizable"]').first.bounding_box()
    # The first tier's rate: the right-hand column of the first row, below the header row (35 px each).
    page.mouse.click(grid["x"] + grid["width"] * 0.8, grid["y"] + 35 + 17)
    page.wait_for_timeout(400)
    page.keyboard.type("5")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    settle(page)
    want = money(value_with(load_deal(IMAGING), {"terms[4].tiers[0].rate": 0.05}).nhs_npv)
    for _ in range(40):  # the panel redraws after the edit's rerun
        if metric(page, "NHS NPV") == want:
            break
        page.wait_for_timeout(250)
    assert metric(page, "NHS NPV") == want != before
    shot(page, "02-deal-edited")


def test_3_the_valuation_page_shows_both_sides(page):
    go(page, "Valuation")
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 2
    shot(page, "03-valuation", guide=True)


def test_4_the_risk_page_runs_its_simulation_and_draws_its_charts(page):
    go(page, "Risk")
    assert re.match(r"^-?£", metric(page, "NHS NPV, mean of trials"))
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 4  # two histograms, two fans
    shot(page, "04-risk", guide=True)
    page.get_by_role("tab", name="Tornado").click()
    settle(page)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 1
    shot(page, "05-risk-tornado", guide=True)


def test_5_the_framework_check_and_the_negotiation(page):
    go(page, "Framework check")
    assert page.get_by_text("The framework's principles, checked").count() == 1
    shot(page, "06-framework", guide=True)
    go(page, "Contribution value")
    shot(page, "07-contribution", guide=True)
    go(page, "Negotiation")
    assert page.get_by_text("The zone of agreement runs from").count() >= 1
    shot(page, "08-negotiation", guide=True)


def test_6_the_term_sheet_downloads_as_a_pdf_of_this_deal(page, tmp_path):
    go(page, "Documents")
    page.get_by_role("button", name="Prepare the term sheet", exact=True).click()
    settle(page)
    shot(page, "09-documents", guide=True)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download the term sheet (PDF)", exact=True).click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and target.name.endswith("-term-sheet.pdf")
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))
    assert load_deal(IMAGING).name in text
    assert "5% of the Net Sales in a year up to £2,000,000" in text  # the edited rate, not the example's 1%
    assert "Illustrative figures." not in text  # an edited example is no longer the example as shipped
    # the same term sheet in Word, for legal review
    page.get_by_role("button", name="Prepare the term sheet for legal review").click()
    settle(page)
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Download the term sheet for legal review (Word)").click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    assert target.name.endswith("-term-sheet.docx")
    words = " ".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "5% of the Net Sales in a year up to £2,000,000" in words and "Financial terms" in words


def test_7_the_deal_is_saved_in_the_register_and_opened_again(page, app_home):
    go(page, "Register")
    page.get_by_role("textbox", name="Your name").first.fill("Ana Patel")
    page.get_by_role("textbox", name="What changed").first.fill("First draft with a 5% first royalty tier")
    page.get_by_role("button", name="Save as a new version").click()
    settle(page)
    assert page.get_by_text("version 1", exact=False).count() >= 1
    shot(page, "10-register", guide=True)
    # The note went with the version: its box is empty for the next one; the author stays.
    assert page.get_by_role("textbox", name="What changed").first.input_value() == ""
    assert page.get_by_role("textbox", name="Your name").first.input_value() == "Ana Patel"
    # Nothing was set up: the register is the default file, in a data folder the app made for it.
    assert (app_home / "data" / "valueshare" / "register.sqlite").is_file()
    # Open the saved version into the editor: the Deal page shows it, the edited rate with it.
    page.get_by_role("button", name="Open version 1").click()
    settle(page)
    go(page, "Deal")
    want = money(value_with(load_deal(IMAGING), {"terms[4].tiers[0].rate": 0.05}).nhs_npv)
    assert metric(page, "NHS NPV") == want
    # The address names the version, so a reload (a new session) opens it again rather than the opening example.
    assert "deal=retinal-screening-ai-eye-hospital-and-sme" in page.url and "version=1" in page.url
    page.reload()
    settle(page)
    assert metric(page, "NHS NPV") == want
