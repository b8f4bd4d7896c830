"""The operator dashboard: every tenant's onboarding, updating live.

`make test` creates a platform operator with `onramp create-operator` and passes its
credentials as ONRAMP_OPERATOR_EMAIL and ONRAMP_OPERATOR_PASSWORD.
"""

from __future__ import annotations

import os

import pytest
from selenium.webdriver.common.by import By

from conftest import api


def _operator() -> tuple[str, str]:
    email = os.environ.get("ONRAMP_OPERATOR_EMAIL", "")
    password = os.environ.get("ONRAMP_OPERATOR_PASSWORD", "")
    if not email or not password:
        pytest.fail("ONRAMP_OPERATOR_EMAIL/PASSWORD are not set; `make test` creates the operator.", pytrace=False)
    return email, password


def test_the_dashboard_updates_live_when_a_tenant_completes_a_step(app, base_url, new_account, screenshot):
    email, password = _operator()
    account = new_account()
    signed_up = api(base_url, "POST", "/api/v1/auth/signup", {
        "organization_name": account.organization_name, "name": account.name,
        "email": account.email, "password": account.password,
    })
    token, tenant_id = signed_up["api_token"], signed_up["tenant"]["id"]

    app.log_in(email, password)
    app.open("/operator")
    row_selector = f'tr[data-tenant-id="{tenant_id}"]'
    row = app.until(lambda d: d.find_element(By.CSS_SELECTOR, row_selector), "the new tenant's row")
    assert row.find_element(By.CSS_SELECTOR, "[data-cell=progress]").text == "0%"
    app.until(lambda d: d.execute_script("return document.body.dataset.live === 'connected'"), "the live connection")

    api(base_url, "PATCH", "/api/v1/onboarding/steps/organization", {"complete": True, "config": {
        "legal_name": "Live Row GmbH", "display_name": "Live Row", "industry": "saas", "size_band": "5-20",
        "country": "DE", "time_zone": "Europe/Berlin", "languages": ["de"], "support_email": "help@liverow.example",
    }}, token)

    app.until(
        lambda d: d.find_element(By.CSS_SELECTOR, f"{row_selector} [data-cell=step]").text == "Branding",
        "the row to move to the branding step without a reload",
    )
    progress = app.driver.find_element(By.CSS_SELECTOR, f"{row_selector} [data-cell=progress]").text
    assert progress != "0%", f"progress should have grown, shows {progress}"

    # filter and sort work on the live table
    app.driver.find_element(By.ID, "filter-text").send_keys(account.organization_name)
    visible = [r for r in app.driver.find_elements(By.CSS_SELECTOR, "#tenants tbody tr") if r.is_displayed()]
    assert [r.get_attribute("data-tenant-id") for r in visible] == [tenant_id]
    screenshot()

    app.driver.find_element(By.CSS_SELECTOR, f"{row_selector} th a").click()
    app.until(lambda d: "tenant.created" in d.find_element(By.TAG_NAME, "body").text, "the drill-down with the audit trail")
    assert "onboarding.step.completed" in app.page_text()
    screenshot("drill-down")
    app.assert_no_browser_errors()
