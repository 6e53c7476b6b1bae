"""Sign-in in a real browser (issue 18): the app served by Streamlit with an [auth] section pointing at a real
OpenID Connect provider started locally for the test (oidc-provider-mock), driven in headless Chromium.

A member of trust A signs in and sees trust A's deal; she shares it with NHS England's advisers, one of whom signs
in and sees it; a member of trust B signs in and cannot see it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from app_server import CHROMIUM_ARGS, IDLE, free_port, served
from register_support import fee_deal

from valueshare.register import service
from valueshare.register.access import Actor

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
ANA, EVE, DEE = "ana@trust-a.nhs.uk", "eve@england.nhs.uk", "dee@trust-b.nhs.uk"

playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
oidc = pytest.importorskip("oidc_provider_mock", reason="the oidc-provider-mock package is not installed")
pytest.importorskip("authlib", reason="Authlib (st.login's dependency) is not installed")
if not Path(CHROMIUM).exists():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)


@pytest.fixture(scope="module")
def provider():
    with oidc.run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, provider: str):
    home = tmp_path_factory.mktemp("e2e-signin")
    from valueshare.register.sql import open_register

    (home / "data" / "valueshare").mkdir(parents=True)
    repo = open_register(str(home / "data" / "valueshare" / "register.sqlite"))
    try:
        service.add_organisation(repo, "trust-a", "Trust A", "nhs", author="setup")
        service.add_member(repo, "trust-a", ANA, "admin", author="setup")
        for key, name, kind, person in (("trust-b", "Trust B", "nhs", DEE), ("nhse", "NHS England", "adviser", EVE)):
            service.add_organisation(repo, key, name, kind, author="setup", actor=Actor(ANA))
            service.add_member(repo, key, person, "member", author="setup", actor=Actor(ANA))
        service.save(repo, fee_deal(1000, name="Trust A retinal deal"), author="x", note="first", base_version=None,
                     actor=Actor(ANA))
    finally:
        repo.close()
    port = free_port()
    secrets = home / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a-test-secret-that-is-long-enough-for-the-cookie"
client_id = "valueshare"
client_secret = "valueshare-secret"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""", encoding="utf-8")
    with served(home, home / "streamlit.log", port=port, secrets=secrets) as url:
        yield url.replace("127.0.0.1", "localhost")


def settle(page, pause: int = 400) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=90_000)
    page.wait_for_timeout(pause)


def signed_in(browser, app_url: str, person: str):
    """A new browser context (its own cookies), signed in as ``person`` through the provider's form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{app_url}/register")
    settle(page)
    page.locator('[data-testid="stSidebar"]').get_by_role("button", name="Sign in").click()
    page.wait_for_selector('input[name="sub"]', timeout=30_000)
    page.fill('input[name="sub"]', person)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{app_url}/**", timeout=30_000)
    settle(page, 800)
    assert page.locator('[data-testid="stSidebar"]').get_by_text(f"Signed in as {person}").count() == 1
    if "/register" not in page.url:
        page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="Register").click()
        settle(page)
    return context, page


def listed(page) -> bool:
    return page.get_by_text("trust-a-retinal-deal").count() > 0


def test_a_member_signs_in_shares_with_an_adviser_who_sees_it_and_another_trust_does_not(app_url):
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context, page = signed_in(browser, app_url, EVE)
            assert not listed(page)  # not shared with NHS England yet
            context.close()
            context, page = signed_in(browser, app_url, ANA)
            assert listed(page)
            page.get_by_text("Share this deal with another organisation").click()
            settle(page)
            page.get_by_role("button", name="Share").click()  # the first organisation listed: NHS England, adviser
            settle(page)
            assert page.get_by_text("Shared with NHS England.").count() == 1
            context.close()
            context, page = signed_in(browser, app_url, EVE)
            assert listed(page)
            context.close()
            context, page = signed_in(browser, app_url, DEE)
            assert not listed(page)
            context.close()
        finally:
            browser.close()
