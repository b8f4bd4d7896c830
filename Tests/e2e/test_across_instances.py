"""Live progress across server instances (PostgreSQL LISTEN/NOTIFY).

`make test` (phase "live") starts two servers on one PostgreSQL database and passes their
addresses as ONRAMP_BASE_URL_A and ONRAMP_BASE_URL_B. The browser holds the wizard open on
server B; the change is made through server A's API; B's page must show it.
"""

from __future__ import annotations

import os

import pytest
from selenium.webdriver.common.by import By

from conftest import App, api


def _base(name: str) -> str:
    url = os.environ.get(name, "").strip().rstrip("/")
    if not url:
        pytest.fail(f"{name} is not set; `make test` (phase live) starts two servers and sets it.", pytrace=False)
    return url


def test_a_change_through_one_server_reaches_a_browser_on_the_other(driver, new_account, screenshot):
    server_a, server_b = _base("ONRAMP_BASE_URL_A"), _base("ONRAMP_BASE_URL_B")
    assert server_a != server_b
    account = new_account()
    signed_up = api(server_a, "POST", "/api/v1/auth/signup", {
        "organization_name": account.organization_name, "name": account.name,
        "email": account.email, "password": account.password,
    })
    token = signed_up["api_token"]

    on_b = App(driver, server_b)
    on_b.log_in(account.email, account.password)
    on_b.open("/onboarding/organization")
    on_b.until(
        lambda d: d.execute_script("return document.body.dataset.live === 'connected'"),
        "the wizard on server B with its live connection open",
    )

    api(server_a, "PATCH", "/api/v1/onboarding/steps/organization",
        {"config": {"legal_name": "Across Instances GmbH", "display_name": "Across"}}, token)

    on_b.until(
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-path="legal_name"]').get_attribute("value")
        == "Across Instances GmbH",
        "server B's page to show the legal name saved through server A",
    )
    assert on_b.driver.find_element(By.CSS_SELECTOR, '[data-path="display_name"]').get_attribute("value") == "Across"
    on_b.until(
        lambda d: "state-in_progress" in d.find_element(By.CSS_SELECTOR, 'li[data-step-id="organization"]').get_attribute("class"),
        "the tracker on server B to show the organisation step in progress",
    )
    screenshot()
