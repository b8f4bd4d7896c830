"""Tickets in the browser: create one from the list page, reply, add an internal note, change
its status, and find it again with the filters."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select


def test_a_ticket_is_created_answered_and_closed_in_the_browser(app, new_account, screenshot):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)
    app.open("/tickets")
    app.until(lambda d: "No tickets match." in d.find_element(By.ID, "tickets-status").text, "the empty list")
    app.driver.find_element(By.CSS_SELECTOR, "#new-ticket summary").click()
    app.driver.find_element(By.ID, "new-subject").send_keys("Printer on fire")
    app.driver.find_element(By.ID, "new-body").send_keys("It started\nthis morning.")
    app.driver.find_element(By.ID, "new-email").send_keys("sam@example.com")
    Select(app.driver.find_element(By.ID, "new-priority")).select_by_value("urgent")
    app.driver.find_element(By.CSS_SELECTOR, "#create-ticket button[type=submit]").click()
    app.until(lambda d: "/tickets/" in d.current_url, "the ticket page")
    app.until(lambda d: d.find_element(By.ID, "ticket-title").text.startswith("#1 Printer on fire"), "the ticket")
    assert "from sam@example.com" in app.driver.find_element(By.ID, "ticket-summary").text

    app.driver.find_element(By.ID, "reply-body").send_keys("We are on our way.")
    app.driver.find_element(By.CSS_SELECTOR, "#reply button[type=submit]").click()
    app.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversation li")) == 2, "the reply")
    Select(app.driver.find_element(By.ID, "reply-visibility")).select_by_value("internal")
    app.driver.find_element(By.ID, "reply-body").send_keys("Call the fire brigade first.")
    app.driver.find_element(By.CSS_SELECTOR, "#reply button[type=submit]").click()
    app.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#conversation li.internal"), "the internal note")
    assert Select(app.driver.find_element(By.ID, "ticket-status")).first_selected_option.get_attribute("value") == "open"
    screenshot("conversation")

    # The routing dry run explains each rule (a rule added on the rules page first).
    ticket_url = app.driver.current_url
    app.open("/routing-rules")
    app.until(lambda d: "No rules yet." in d.find_element(By.ID, "rules-status").text, "the empty rules list")
    app.driver.find_element(By.CSS_SELECTOR, "#create-rule button[type=submit]").click()
    app.until(lambda d: "Urgent billing" in d.find_element(By.ID, "rules").text, "the new rule")
    app.driver.get(ticket_url)
    app.until(lambda d: d.find_element(By.ID, "ticket-title").text.startswith("#1"), "the ticket again")
    app.driver.find_element(By.ID, "dry-run").click()
    app.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#dry-run-trace li"), "the dry run")
    trace = app.driver.find_element(By.ID, "dry-run-trace").text
    assert "Urgent billing (v1): skipped" in trace and "message.body" in trace, trace

    Select(app.driver.find_element(By.ID, "ticket-status")).select_by_value("closed")
    app.driver.find_element(By.CSS_SELECTOR, "#ticket-update button[type=submit]").click()
    app.until(lambda d: "closed" in d.find_element(By.ID, "ticket-status-line").text, "the closed notice")
    assert not app.driver.find_element(By.ID, "reply-body").is_enabled()
    screenshot("closed")

    app.open("/tickets")
    Select(app.driver.find_element(By.ID, "filter-status")).select_by_value("closed")
    app.driver.find_element(By.CSS_SELECTOR, "#ticket-filters button[type=submit]").click()
    app.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#tickets tbody tr")) == 1, "the filtered list")
    assert "Printer on fire" in app.driver.find_element(By.ID, "tickets").text
    for select in app.driver.find_elements(By.CSS_SELECTOR, "select, input, textarea"):
        control_id = select.get_attribute("id")
        if control_id:
            assert app.driver.find_elements(By.CSS_SELECTOR, f'label[for="{control_id}"]'), control_id
    app.assert_no_browser_errors()
