"""Importing for real: the /imports pages in a browser (upload, mapping, preview, progress,
result, error report), and `onramp import` on the command line killed with SIGKILL mid-way
and started again (it resumes from its checkpoint: nothing lost, nothing doubled)."""

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import api

CSV = (
    "Id,Subject,Description,Status,Priority,Requester,Requester email,Created at\n"
    "201,Order late,\"Where is it, please?\",solved,high,Sam Rivera,sam@example.com,2024-03-01 10:22:05 +0100\n"
    "202,Refund,Text,open,normal,Noor Haddad,noor@example.com,2024-03-03T11:30:00Z\n"
    "203,Broken,Text,weird,low,Kim,kim@example.com,2024-03-04T08:00:00Z\n"
)


def test_an_export_is_mapped_previewed_and_imported_in_the_browser(app, new_account, screenshot, tmp_path: Path):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)
    app.open("/imports")
    export = tmp_path / "tickets.csv"
    export.write_text(CSV, encoding="utf-8")
    app.driver.find_element(By.ID, "import-file").send_keys(str(export))
    app.driver.find_element(By.ID, "upload-import").click()
    app.until(lambda d: "/imports/" in d.current_url, "the import page")
    app.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#mapping tbody tr"), "the proposed mapping")
    assert "Import of tickets.csv" in app.driver.find_element(By.ID, "import-title").text
    subject = Select(app.driver.find_element(By.ID, "map-subject"))
    assert subject.first_selected_option.text == "Subject"
    # Every control of the mapping has a label.
    for select in app.driver.find_elements(By.CSS_SELECTOR, "#mapping select"):
        assert app.driver.find_elements(By.CSS_SELECTOR, f'label[for="{select.get_attribute("id")}"]')
    screenshot("mapping")

    app.driver.find_element(By.ID, "save-mapping").click()
    app.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#preview tbody tr")) == 3, "the preview")
    verdicts = [row.get_attribute("data-verdict") for row in app.driver.find_elements(By.CSS_SELECTOR, "#preview tbody tr")]
    assert verdicts == ["created", "created", "rejected"]
    assert "“weird” is not a known status" in app.driver.find_element(By.ID, "preview").text
    screenshot("preview")

    app.driver.find_element(By.ID, "start-import").click()
    app.until(lambda d: "Done." in d.find_element(By.ID, "import-progress-text").text, "the import to finish", timeout=60)
    counts = app.driver.find_element(By.ID, "import-counts").text
    assert "tickets" in counts
    report = app.driver.find_element(By.ID, "error-report")
    assert report.is_displayed() and "1 rows" in report.text
    screenshot("done")
    # The report downloads with the session cookie.
    cookies = {c["name"]: c["value"] for c in app.driver.get_cookies()}
    request = urllib.request.Request(report.get_attribute("href"))
    request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read().decode()
    assert body.startswith("row,line,verdict,reason,original values")
    assert "weird" in body
    app.open("/imports")
    app.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#imports tbody tr"), "the list")
    assert "completed" in app.driver.find_element(By.ID, "imports").text
    app.assert_no_browser_errors()


@pytest.mark.skipif(not os.environ.get("ONRAMP_CLI"), reason="needs ONRAMP_CLI and ONRAMP_DATA_DIR (make test sets them)")
def test_the_import_command_resumes_after_sigkill(base_url: str, tmp_path: Path):
    signup = api(base_url, "POST", "/api/v1/auth/signup", {
        "organization_name": "Kill Co", "name": "Kim", "email": f"kill-{os.getpid()}-{time.time_ns()}@example.com",
        "password": "violet tractor marmalade 77"})
    tenant, token = signup["tenant"]["id"], signup["api_token"]
    rows = 40_000
    tag = f"K{time.time_ns() % 10**9}-"
    export = tmp_path / "big.csv"
    with export.open("w", encoding="utf-8") as out:
        out.write("Id,Subject,Status,Requester email,Created at\n")
        for n in range(1, rows + 1):
            out.write(f"{tag}{n},Ticket {n},open,person{n % 997}@example.com,2024-01-01T00:00:00Z\n")
    env = dict(os.environ, ONRAMP_ENV="testing", ONRAMP_DATA_DIR=os.environ["ONRAMP_DATA_DIR"])
    env.pop("DATABASE_URL", None)
    command = [os.environ["ONRAMP_CLI"], "import", str(export), "--tenant", tenant, "--batch", "500"]

    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and first.poll() is None:
        items = api(base_url, "GET", "/api/v1/imports", token=token)["items"]
        done = items[0]["progress"]["rows_done"] if items else 0
        if done >= 2_000:
            break
        time.sleep(0.05)
    assert first.poll() is None, "the import finished before it could be killed: " + first.stdout.read().decode()
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed = api(base_url, "GET", "/api/v1/imports", token=token)["items"][0]
    assert killed["state"] == "running" and 0 < killed["progress"]["rows_done"] < rows

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "Resuming the unfinished import" in second.stdout
    final = api(base_url, "GET", f"/api/v1/imports/{killed['id']}", token=token)
    assert final["state"] == "completed"
    assert final["counts"]["tickets"] == {"created": rows}, final["counts"]
    assert final["progress"]["rows_done"] == rows

    database = Path(os.environ["ONRAMP_DATA_DIR"]) / "onramp.sqlite"
    with sqlite3.connect(database) as db:
        total, distinct, top = db.execute(
            "SELECT COUNT(*), COUNT(DISTINCT source_id), MAX(number) FROM tickets WHERE source_id LIKE ?", (tag + "%",)).fetchone()
    assert (total, distinct, top) == (rows, rows, rows), "every row once, numbers without gaps"
