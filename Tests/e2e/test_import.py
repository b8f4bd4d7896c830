"""The data-import step: upload an export, see what Onramp recognised, and a refusal for a
file that is not an export."""

from pathlib import Path

from selenium.webdriver.common.by import By

ZENDESK_CSV = (
    "Id,Requester,Requester id,Assignee,Subject,Status,Priority,Created at\n"
    "101,Sam Rivera,9001,Ann,\"Order, late\",solved,high,2026-01-05T10:00:00Z\n"
)


def test_an_export_is_uploaded_and_recognised(app, new_account, screenshot, tmp_path: Path):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)
    app.open_step("data_import")

    export = tmp_path / "zendesk-tickets.csv"
    export.write_text(ZENDESK_CSV, encoding="utf-8")
    app.driver.find_element(By.ID, "import-file").send_keys(str(export))
    app.driver.find_element(By.CSS_SELECTOR, "[data-action=upload-import]").click()
    app.until(lambda d: "Recognised" in d.find_element(By.ID, "import-status").text, "the upload to be recognised")
    status = app.driver.find_element(By.ID, "import-status").text
    assert "zendesk-tickets.csv: tickets from Zendesk (CSV, UTF-8" in status
    assert app.driver.find_element(By.CSS_SELECTOR, '[data-path="source"]').get_attribute("value") == "zendesk"
    app.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#import-list li"), "the upload in the list")
    app.wait_saved()
    screenshot("recognised")

    archive = tmp_path / "tickets.csv"
    archive.write_bytes(b"PK\x03\x04\x14\x00\x00\x00")
    app.driver.find_element(By.ID, "import-file").send_keys(str(archive))
    app.driver.find_element(By.CSS_SELECTOR, "[data-action=upload-import]").click()
    app.until(lambda d: "was not accepted" in d.find_element(By.ID, "import-status").text, "the refusal")
    assert "ZIP archive" in app.driver.find_element(By.ID, "import-status").text
    screenshot("refused")
    app.assert_no_browser_errors(allow=(r"/api/v1/imports",))
