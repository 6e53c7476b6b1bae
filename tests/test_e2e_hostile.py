"""Hostile input in a real browser (issue 13): the app served by Streamlit, driven in headless Chromium.

Broken deal files uploaded in the sidebar (the 30,000-deep file that used to kill the server among them) each give
one error naming the file and the rule, the deal being edited stays, and the server keeps serving; a file over the
1 MB limit is refused by the uploader itself. A deal whose every text field holds hostile markup is shown as typed:
no element the markup asks for (bold, links, images, maths) is drawn from it, and the browser fetches nothing from
the addresses it names.
"""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

import pytest
from app_server import CHROMIUM_ARGS, IDLE, served
from test_app_hostile import MARKUP, hostile_deal

from valueshare.format import money
from valueshare.scenario import deal_from_data, deal_to_yaml, example_paths, load_deal
from valueshare.sensitivity import value_with

BROKEN = Path(__file__).parent / "broken_files"
EXPECTED = json.loads((BROKEN / "EXPECTED.json").read_text(encoding="utf-8"))
IMAGING = next(p for p in example_paths() if p.name == "ai-imaging-device.yaml")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
#: The files of the corpus that once crashed a process or changed a deal silently, and one of each other kind.
UPLOADS = ["deep-flow-30000.yaml", "alias-bomb.yaml", "deep.json", "duplicate-top-level-terms.yaml",
           "control-character.yaml", "huge-price.yaml", "binary-garbage.yaml", "escaped-next-line.yaml"]

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (.ci/system-packages does)",
                allow_module_level=True)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("e2e-hostile")
    with served(home, home / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser_page(app_url):
    requested: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.on("request", lambda request: requested.append(request.url))
        tab.goto(app_url)
        settle(tab)
        yield tab, requested
        browser.close()


def settle(page, pause: int = 400) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_timeout(pause)


def upload(page, name: str, content: bytes) -> None:
    page.locator('[data-testid="stSidebar"] input[type="file"]').first.set_input_files(
        files=[{"name": name, "mimeType": "application/x-yaml", "buffer": content}])
    settle(page)


def metric(page, label: str) -> str:
    # the label exactly: "NHS NPV" is also the start of "NHS NPV with the product"
    label_box = page.locator('[data-testid="stMetricLabel"]').get_by_text(label, exact=True)
    box = page.locator('[data-testid="stMetric"]').filter(has=label_box).first
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.parametrize("name", UPLOADS)
def test_a_broken_upload_is_one_error_and_the_server_keeps_serving(browser_page, app_url, name):
    page, _ = browser_page
    before = money(value_with(load_deal(IMAGING), {}).nhs_npv)
    assert metric(page, "NHS NPV") == before
    upload(page, name, (BROKEN / name).read_bytes())
    alerts = page.locator('[data-testid="stAlert"]').filter(has_text="could not be opened")
    assert alerts.count() == 1
    text = alerts.first.inner_text()
    assert f"{name} could not be opened" in text
    assert EXPECTED[name] in text
    lines = [line for line in text.splitlines() if line.strip()]
    after = lines[next(i for i, line in enumerate(lines) if "could not be opened" in line) + 1:]
    assert len(after) == 1  # one problem, on one line
    assert urllib.request.urlopen(f"{app_url}/_stcore/health", timeout=5).read() == b"ok"
    assert metric(page, "NHS NPV") == before  # the deal being edited is unchanged


def test_a_file_over_the_limit_is_refused_by_the_uploader(browser_page):
    page, _ = browser_page
    before = metric(page, "NHS NPV")
    upload(page, "big.yaml", b"# " + b"x" * (1024 * 1024 + 10))
    refusal = page.locator('[data-testid="stSidebar"]').get_by_text("or smaller", exact=False)
    assert refusal.count() == 1 and "File must be 1.0MB or smaller." in refusal.first.inner_text()  # Streamlit's words
    assert metric(page, "NHS NPV") == before


def test_hostile_markup_in_every_field_is_shown_as_typed_and_fetches_nothing(browser_page):
    page, requested = browser_page
    data, placed = hostile_deal(MARKUP)
    upload(page, "hostile.yaml", deal_to_yaml(deal_from_data(data)).encode())
    assert metric(page, "NHS NPV") == money(value_with(deal_from_data(data), {}).nhs_npv)
    for title in ["Deal", "Contribution value", "Negotiation", "Documents"]:
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
        settle(page)
        assert page.get_by_text("Something went wrong on this page").count() == 0
        main = page.locator('[data-testid="stMain"]')
        # nothing the markup asks for is drawn: no image or link to its addresses, no maths, no bold "bold"
        assert main.locator('img[src*="evil.example"], a[href*="evil.example"], a[href^="javascript"]').count() == 0
        assert main.locator(".katex").count() == 0
        assert main.locator("strong", has_text="bold").count() == 0
        assert main.locator("h1", has_text="Heading").count() == 0
    # the NHS name is in the register button as typed (it was rendered as Markdown)
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Contribution value").click()
    settle(page)
    inputs = page.get_by_text("Inputs: costs, comparables, scaling, royalty rate, weights and anchor")
    if page.locator("button", has_text="earlier deals from the register").count() == 0 or \
            not page.locator("button", has_text="earlier deals from the register").first.is_visible():
        inputs.first.click()
        settle(page)
    button = page.locator("button", has_text="earlier deals from the register").first
    page.screenshot(path=str(Path(__file__).resolve().parents[1] / "test-artifacts" / "e2e-hostile-contribution.png"))
    assert button.inner_text().strip().endswith(f"Add {data['nhs']['name']}'s earlier deals from the register")
    assert not [url for url in requested if "evil.example" in url]
