"""Background jobs in the browser: queue an audit verification and watch it finish (the
server under test runs jobs itself, as `serve` does by default)."""

from selenium.webdriver.common.by import By


def test_an_audit_verification_runs_and_reports(app, new_account, screenshot):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)
    app.driver.find_element(By.LINK_TEXT, "Background jobs").click()
    app.until(lambda d: d.find_elements(By.ID, "verify-audit"), "the jobs page")

    app.driver.find_element(By.ID, "verify-audit").click()
    row = app.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#jobs tbody tr"), "the queued job")[0]
    assert "Audit trail verification" in row.text
    app.until(
        lambda d: d.find_element(By.CSS_SELECTOR, "#jobs tbody tr").get_attribute("data-state") == "succeeded",
        "the verification to finish",
        timeout=30,
    )
    assert "intact" in app.driver.find_element(By.CSS_SELECTOR, "#jobs tbody tr").text
    screenshot()
    app.assert_no_browser_errors()
