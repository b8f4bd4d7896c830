"""The team, SLA and sandbox pages in a browser: an owner invites an agent through the /team
form, the invitation travels through a real SMTP server (scripts/smtp_sink.py, its mail in
ONRAMP_MAIL_DIR), the agent accepts it in another browser and lands signed in; profiles,
custom roles and the dashboard; business calendars and SLA policies made through the /slas
forms (with their inline errors) and an industry template installed; and the training
sandbox created, opened, reset and left."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import STRONG_PASSWORD, App
from test_accessibility import check_page

# GET /api/v1/sandbox answers 404 while there is none; the browser logs that fetch.
SANDBOX_404 = r"/api/v1/sandbox - Failed to load resource: the server responded with a status of 404"
# Forms sent with mistakes on purpose: the browser logs the 422 responses.
STATUS_422 = r"Failed to load resource: the server responded with a status of 422"


def loaded(app: App, path: str) -> None:
    """Opens PATH and waits until its script has loaded every section ([data-loaded=yes])."""
    app.open(path)
    app.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-loaded=yes]"), f"{path} to load its data")


def type_into(app: App, element_id: str, text: str) -> None:
    field = app.driver.find_element(By.ID, element_id)
    field.clear()
    if text:
        field.send_keys(text)


def text_of(app: App, element_id: str) -> str:
    return app.driver.find_element(By.ID, element_id).text


def wait_for_mail(mail_dir: Path, address: str, timeout: float = 30) -> dict:
    """The first mail in the SMTP sink's directory addressed to ADDRESS (polls up to TIMEOUT s)."""
    deadline = time.monotonic() + timeout
    while True:
        for path in sorted(mail_dir.glob("*.json"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0):
            try:
                mail = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # still being written
                continue
            if address.lower() in (r.lower() for r in mail.get("rcpt_tos", [])):
                return mail
        if time.monotonic() >= deadline:
            seen = sorted(p.name for p in mail_dir.glob("*.json")) if mail_dir.exists() else []
            raise AssertionError(f"no mail to {address} in {mail_dir} within {timeout:g} s (files there: {seen})")
        time.sleep(0.3)


def accept_path(mail: dict) -> str:
    """The path and query of the mail's accept link. The link names the server's public address
    (ONRAMP_PUBLIC_URL, http://localhost:8080 by default), not the port the test server has."""
    match = re.search(r"https?://\S+/invitations/accept\?token=[A-Za-z0-9_\-]+", mail.get("text") or "")
    assert match, f"no accept link in the mail's text: {mail.get('text')!r}"
    link = urlparse(match.group(0))
    assert link.scheme in ("http", "https")
    return f"{link.path}?{link.query}"


def invitation_row(app: App, email: str, state: str):
    def found(driver):
        rows = driver.find_elements(By.CSS_SELECTOR, f'#invitations tbody tr[data-email="{email}"][data-state="{state}"]')
        return rows[0] if rows else False

    return app.until(found, f"the invitation of {email} shown as {state}")


def test_an_invited_agent_joins_through_the_mailed_link(app, new_account, new_driver, screenshot, base_url):
    mail_dir = os.environ.get("ONRAMP_MAIL_DIR", "").strip()
    if not mail_dir:
        pytest.skip("ONRAMP_MAIL_DIR is not set: the server under test sends no mail to a sink (make test sets it)")
    owner = new_account()
    app.sign_up(owner)
    app.wait_signed_in(owner.email)
    loaded(app, "/team")
    assert owner.email in text_of(app, "agents")
    assert "No invitations yet." in text_of(app, "invitations-status")

    # An invitation with a mistake first: the error shows next to the field.
    type_into(app, "invite-email", "not-an-address")
    app.driver.find_element(By.ID, "invite-submit").click()
    error = app.until(lambda d: d.find_element(By.ID, "invite-email-error").text, "the inline error of the email")
    assert "email address" in error
    assert app.driver.find_element(By.ID, "invite-email").get_attribute("aria-invalid") == "true"

    agent_email = f"new-agent-{uuid.uuid4().hex[:12]}@example.com"
    type_into(app, "invite-email", agent_email)
    type_into(app, "invite-name", "Nia Newcomer")
    Select(app.driver.find_element(By.ID, "invite-role")).select_by_value("agent")
    app.driver.find_element(By.ID, "invite-submit").click()
    invitation_row(app, agent_email, "pending")
    assert app.driver.find_element(By.ID, "invite-email").get_attribute("aria-invalid") is None
    assert f"Invited {agent_email}" in text_of(app, "invitations-status")
    screenshot("invited")

    mail = wait_for_mail(Path(mail_dir), agent_email)
    assert owner.organization_name in mail["subject"]
    path = accept_path(mail)

    # The invitee, in their own browser: the page says what they join, they choose a password.
    invitee = App(new_driver(), base_url)
    invitee.open(path)
    invitee.until(lambda d: d.find_element(By.ID, "accept-form"), "the accept form")
    assert f"Join {owner.organization_name} as agent" in invitee.driver.find_element(By.TAG_NAME, "h1").text
    assert agent_email in text_of(invitee, "invitation-summary")
    assert invitee.driver.find_element(By.ID, "accept-name").get_attribute("value") == "Nia Newcomer"
    check_page(invitee, "the invitation page")
    type_into(invitee, "accept-password", "short")
    invitee.driver.find_element(By.ID, "accept-submit").click()
    invitee.until(lambda d: d.find_element(By.ID, "accept-password-error").text, "the weak password's error")
    type_into(invitee, "accept-password", STRONG_PASSWORD)
    screenshot("accepting", invitee.driver)
    invitee.driver.find_element(By.ID, "accept-submit").click()
    invitee.wait_signed_in(agent_email)
    assert invitee.path == "/"
    screenshot("joined", invitee.driver)
    # The link works once.
    invitee.open(path)
    problem = invitee.until(lambda d: d.find_element(By.ID, "invitation-problem"), "the used link's message")
    assert problem.text and problem.get_attribute("role") == "alert"
    assert invitee.driver.find_elements(By.CSS_SELECTOR, 'main a[href="/login"]')

    # Back to the owner: the invitation is accepted and the agent is on the team.
    loaded(app, "/team")
    row = invitation_row(app, agent_email, "accepted")
    assert not row.find_elements(By.TAG_NAME, "button"), "an accepted invitation offers no resend or revoke"
    assert agent_email in text_of(app, "agents")

    # A custom role, given to the new agent through the role menu of their row.
    type_into(app, "role-name", "Billing helper")
    for permission in ("tickets.read", "tickets.note"):
        app.driver.find_element(By.CSS_SELECTOR, f'#role-permission-boxes input[value="{permission}"]').click()
    app.driver.find_element(By.ID, "role-submit").click()
    app.until(lambda d: "Billing helper" in d.find_element(By.ID, "custom-roles").text, "the new custom role")
    agent_row = app.driver.find_element(By.XPATH, f'//table[@id="agents"]//tr[td[text()="{agent_email}"]]')
    role_menu = Select(agent_row.find_element(By.TAG_NAME, "select"))
    role_menu.select_by_visible_text("Billing helper")
    agent_row.find_element(By.XPATH, './/button[text()="Change role"]').click()
    app.until(lambda d: "is now Billing helper" in d.find_element(By.ID, "agents-status").text, "the role change")
    assert "Billing helper (custom role)" in text_of(app, "agents")

    # The owner's own profile, with a mistake first.
    app.driver.find_element(By.XPATH, '//table[@id="agents"]//button[text()="Edit my profile"]').click()
    app.until(lambda d: d.find_element(By.ID, "profile-form").is_displayed(), "the profile form")
    Select(app.driver.find_element(By.ID, "profile-availability")).select_by_value("online")
    type_into(app, "profile-time-zone", "Mars/Olympus")
    type_into(app, "profile-teams", "Billing, Returns")
    type_into(app, "profile-languages", "en, de")
    type_into(app, "profile-skills", "billing:3, refunds:2")
    type_into(app, "profile-hours-mon", "09:00-17:00")
    app.driver.find_element(By.ID, "profile-save").click()
    app.until(lambda d: "not a time zone" in d.find_element(By.ID, "profile-time-zone-error").text, "the time zone's error")
    type_into(app, "profile-time-zone", "Europe/Berlin")
    app.driver.find_element(By.ID, "profile-save").click()
    app.until(lambda d: not d.find_element(By.ID, "profile-form").is_displayed(), "the saved profile")
    own_row = app.driver.find_element(By.XPATH, f'//table[@id="agents"]//tr[td[text()="{owner.email}"]]').text
    assert "Billing, Returns" in own_row and "billing 3/5" in own_row and "Online" in own_row, own_row

    # The dashboard: a row per agent and the whole team.
    assert app.driver.find_elements(By.CSS_SELECTOR, "#dashboard tfoot tr.team-total")
    assert len(app.driver.find_elements(By.CSS_SELECTOR, "#dashboard tbody tr")) == 2
    check_page(app, "the team page")
    screenshot()
    app.assert_no_browser_errors(allow=(SANDBOX_404, STATUS_422))


def test_calendars_and_sla_policies_are_made_through_the_forms(app, new_account, screenshot):
    owner = new_account()
    app.sign_up(owner)
    app.wait_signed_in(owner.email)
    loaded(app, "/slas")
    assert "No business calendars yet" in text_of(app, "calendars-status")
    assert "No SLA policies yet." in text_of(app, "policies-status")

    # A calendar with mistakes: each error next to its field.
    type_into(app, "calendar-time-zone", "Mars/Olympus")
    type_into(app, "calendar-tue", "9 to 5")
    app.driver.find_element(By.ID, "calendar-submit").click()
    app.until(lambda d: d.find_element(By.ID, "calendar-name-error").text, "the name's error")
    assert "not a time zone" in text_of(app, "calendar-time-zone-error")
    assert "not a time range" in text_of(app, "calendar-tue-error")
    assert app.driver.find_element(By.ID, "calendar-tue").get_attribute("aria-invalid") == "true"

    type_into(app, "calendar-name", "Office hours")
    type_into(app, "calendar-time-zone", "Europe/Berlin")
    type_into(app, "calendar-tue", "09:00-12:00, 13:00-17:00")
    type_into(app, "calendar-sat", "10:00-14:00")
    type_into(app, "calendar-holidays", "2026-12-24, 12-25")
    app.driver.find_element(By.ID, "calendar-default").click()
    app.driver.find_element(By.ID, "calendar-submit").click()
    app.until(lambda d: "Office hours" in d.find_element(By.ID, "calendars").text, "the new calendar")
    calendar = app.driver.find_element(By.CSS_SELECTOR, "#calendars tbody tr").text
    assert "Default" in calendar and "Europe/Berlin" in calendar and "Sat 10:00-14:00" in calendar, calendar
    assert "2026-12-24, 12-25" in calendar, calendar
    assert app.driver.find_element(By.ID, "calendar-tue").get_attribute("aria-invalid") is None

    # A policy whose escalation levels are out of order: the error names the level.
    type_into(app, "policy-name", "Gold")
    type_into(app, "target-urgent-first-response", "30")
    type_into(app, "policy-escalation", "30: role:supervisor\n10: assignee")
    app.driver.find_element(By.ID, "policy-submit").click()
    error = app.until(lambda d: d.find_element(By.ID, "policy-escalation-error").text, "the escalation's error")
    assert error.startswith("Level 2:"), error

    type_into(app, "policy-position", "1")
    app.driver.find_element(By.ID, "policy-priority-urgent").click()
    app.driver.find_element(By.ID, "policy-priority-high").click()
    type_into(app, "target-urgent-resolution", "240")
    type_into(app, "target-high-first-response", "60")
    type_into(app, "policy-warning", "15")
    Select(app.driver.find_element(By.ID, "policy-calendar")).select_by_visible_text("Office hours (default)")
    app.driver.find_element(By.ID, "policy-pause-on-hold").click()
    type_into(app, "policy-escalation", "30: role:supervisor\n120: boss@example.com, role:admin")
    app.driver.find_element(By.ID, "policy-submit").click()
    app.until(lambda d: "Gold" in d.find_element(By.ID, "policies").text, "the new policy")
    policy = app.driver.find_element(By.CSS_SELECTOR, "#policies tbody tr").text
    for part in ("Tickets of priority urgent, high", "Urgent: first response 30 min, resolution 4 h 0 min",
                 "High: first response 1 h 0 min", "15 min before", "Calendar “Office hours”", "pauses while pending",
                 "Level 1, after 30 min: role:supervisor", "Level 2, after 2 h 0 min: boss@example.com, role:admin"):
        assert part in policy, f"{part!r} not in {policy!r}"
    assert "on hold" not in policy, policy
    screenshot("policy")

    # An industry template: its hours, policy and routing rules in one go.
    Select(app.driver.find_element(By.ID, "install-template")).select_by_value("saas")
    type_into(app, "install-time-zone", "Europe/Berlin")
    app.driver.find_element(By.ID, "install-submit").click()
    created = app.until(lambda d: d.find_element(By.ID, "install-created"), "the installed template's result")
    items = [item.text for item in created.find_elements(By.TAG_NAME, "li")]
    rules = [item.removeprefix("Routing rule: ") for item in items if item.startswith("Routing rule: ")]
    assert rules, f"no routing rules created: {items}"
    policy_name = next(item.removeprefix("SLA policy: ") for item in items if item.startswith("SLA policy: "))
    calendar_name = next(item.removeprefix("Business calendar: ") for item in items if item.startswith("Business calendar: "))
    app.until(lambda d: policy_name in d.find_element(By.ID, "policies").text, "the template's policy in the list")
    assert calendar_name in text_of(app, "calendars")
    check_page(app, "the SLA page")
    screenshot("installed")
    # Installing again keeps what exists.
    app.driver.find_element(By.ID, "install-submit").click()
    app.until(lambda d: d.find_elements(By.ID, "install-skipped"), "the second install's skipped list")
    assert "Nothing new" in text_of(app, "install-created")
    app.open("/routing-rules")
    app.until(lambda d: all(rule in d.find_element(By.ID, "rules").text for rule in rules), "the template's rules")
    app.assert_no_browser_errors(allow=(STATUS_422,))


def test_the_training_sandbox_is_created_opened_reset_and_left(app, new_account, screenshot):
    owner = new_account()
    app.sign_up(owner)
    app.wait_signed_in(owner.email)
    loaded(app, "/team")
    # The assignment strategy is saved and read back.
    assert Select(app.driver.find_element(By.ID, "assignment-strategy")).first_selected_option.get_attribute("value") == "least_loaded"
    Select(app.driver.find_element(By.ID, "assignment-strategy")).select_by_value("round_robin")
    app.driver.find_element(By.CSS_SELECTOR, "#assignment-form button[type=submit]").click()
    app.until(lambda d: "round robin" in d.find_element(By.ID, "assignment-status").text, "the saved strategy")
    loaded(app, "/team")
    assert Select(app.driver.find_element(By.ID, "assignment-strategy")).first_selected_option.get_attribute("value") == "round_robin"
    assert "no training sandbox yet" in text_of(app, "sandbox-status")
    assert not app.driver.find_elements(By.ID, "sandbox-banner")
    app.driver.find_element(By.ID, "sandbox-create").click()
    app.until(lambda d: d.find_element(By.ID, "sandbox-open").is_displayed(), "the created sandbox")
    assert "practice ticket" in text_of(app, "sandbox-status")
    assert not app.driver.find_element(By.ID, "sandbox-create").is_displayed()

    app.driver.find_element(By.ID, "sandbox-open").click()
    banner = app.until(lambda d: d.find_element(By.ID, "sandbox-banner"), "the sandbox banner")
    assert (f"You are in the training sandbox of {owner.organization_name}; nothing here reaches customers"
            in banner.text), banner.text
    app.until(lambda d: d.find_element(By.CSS_SELECTOR, "[data-loaded=yes]"), "the sandbox's team page")
    check_page(app, "the team page in the sandbox")
    screenshot("sandbox")

    app.driver.find_element(By.ID, "banner-reset").click()
    app.until(lambda d: "was reset" in d.find_element(By.ID, "banner-status").text, "the reset")
    app.driver.find_element(By.ID, "banner-back").click()
    app.until(lambda d: not d.find_elements(By.ID, "sandbox-banner") and d.find_elements(By.CSS_SELECTOR, "[data-loaded=yes]"),
              "the real account's team page")
    assert app.driver.find_element(By.ID, "sandbox-open").is_displayed()
    assert "(sandbox)" not in app.driver.title
    app.open("/")
    assert owner.organization_name in app.driver.find_element(By.TAG_NAME, "h1").text
    assert "sandbox" not in app.driver.find_element(By.TAG_NAME, "h1").text
    screenshot()
    app.assert_no_browser_errors(allow=(SANDBOX_404,))
