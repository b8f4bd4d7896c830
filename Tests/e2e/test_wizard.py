"""The onboarding wizard in a real (headless) browser: every step through its form, inline
validation, pause and resume on another computer, live sync between two windows, and the
small-screen layout.

Page helpers and fixtures (app, new_account, new_driver, screenshot) are in conftest.py.
Every test signs up its own account, so the tests do not depend on each other.

The last four tests are regressions of bugs these tests found: the logo preview loading every
half-typed address, the review checklist listing its own step, and the page's own pause or
activation reloading it instead of leaving when the live event beat the API response.
"""

from urllib.parse import urlparse

from selenium.webdriver.common.by import By

from conftest import REQUIRED_STEPS, STEP_IDS, App, quit_driver

ORGANIZATION = {
    "legal_name": "Example Trading GmbH",
    "display_name": "Example",
    "industry": "ecommerce",
    "size_band": "5-20",
    "country": "DE",
    "time_zone": "Europe/Berlin",
    "languages": "en, de",
    "support_email": "support@example.com",
    "website": "https://example.com",
}

LOGO_URL = "https://example.com/logo.svg"
# The branding preview shows the logo, so the browser requests LOGO_URL. Without network (as
# where these tests run) or with example.com's 404 that request fails in the console: not an
# application error.
LOGO_LOAD = (
    r"^https://example\.com/logo\.svg - Failed to load resource: "
    r"(net::ERR_NAME_NOT_RESOLVED|the server responded with a status of 404)"
)

BRANDING = {
    "brand_name": "Example Shop",
    "logo_url": LOGO_URL,
    "primary_color": "#1F5FBF",
    "text_color": "#1B1F24",
    "background_color": "#FFFFFF",
}

CHANNELS = {
    "enabled": ["email", "portal"],
    "email.address": "help@example.com",
}

AI = {
    "classification_enabled": True,
    "suggested_replies_enabled": True,
    "llm_provider": "openai_compatible",
    "llm_base_url": "https://llm.example.com/v1",
}

TEAM = {"invites": [("agent@example.com", "agent"), ("lead@example.com", "supervisor")]}

WORKFLOWS = {
    "sla.low.first_response_minutes": "1440",
    "sla.low.resolution_minutes": "4320",
    "sla.normal.first_response_minutes": "480",
    "sla.normal.resolution_minutes": "2880",
    "sla.high.first_response_minutes": "120",
    "sla.high.resolution_minutes": "960",
    "sla.urgent.first_response_minutes": "30",
    "sla.urgent.resolution_minutes": "240",
    "business_hours.time_zone": "Europe/Berlin",
    "business_hours.mon": "09:00-17:00",
    "business_hours.tue": "09:00-17:00",
    "business_hours.wed": "09:00-17:00",
    "business_hours.thu": "09:00-17:00",
    "business_hours.fri": "09:00-12:00, 13:00-17:00",
    "business_hours.sat": "closed",
    "business_hours.sun": "closed",
}

PORTAL = {"subdomain": "example-shop", "features": ["faq", "ticket_submission", "ticket_status"]}

ANALYTICS = {
    "csat_enabled": True,
    "ga4_measurement_id": "G-ABC123XYZ",
    "report_email": "reports@example.com",
}

# The walk through every step: (step, values to fill or None to skip, expected next step).
WALK = (
    ("organization", ORGANIZATION, "branding"),
    ("branding", BRANDING, "channels"),
    ("channels", CHANNELS, "ai"),
    ("ai", AI, "knowledge_base"),
    ("knowledge_base", None, "payments"),
    ("payments", None, "team"),
    ("team", TEAM, "workflows"),
    ("workflows", WORKFLOWS, "portal"),
    ("portal", PORTAL, "data_import"),
    ("data_import", None, "analytics"),
    ("analytics", ANALYTICS, "review"),
)


def review_checklist_unmet(app: App) -> list[str]:
    """The texts of the review page's unmet checklist items."""
    items = app.driver.find_elements(By.CSS_SELECTOR, "#checklist li.unmet")
    return [item.text.replace("✗", "").replace("(not done)", "").strip() for item in items]


def complete_required_steps(app: App) -> None:
    """Completes every required step but the review through its form (optional ones stay open)."""
    for step, values in (("organization", ORGANIZATION), ("branding", {**BRANDING, "logo_url": ""}),
                         ("channels", CHANNELS), ("team", TEAM), ("workflows", WORKFLOWS)):
        app.open_step(step)
        app.fill_step(values)
        app.save_and_continue()
        assert app.tracker_states()[step] == "completed"


def sign_up_to_wizard(app: App, new_account, step: str = "organization"):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)
    app.open_step(step)
    return account


def test_complete_every_step_and_activate(app, new_account, screenshot):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)

    app.open("/onboarding")
    app.wizard("organization")
    assert app.path == "/onboarding/organization", "/onboarding must open the first step of a new account"
    assert list(app.tracker_states()) == list(STEP_IDS), "the tracker must list every step, in order"
    assert set(app.tracker_states().values()) == {"not_started"}
    assert app.progress() == 0
    assert [step for step, _, _ in WALK] + ["review"] == list(STEP_IDS)

    for number, (step, values, next_step) in enumerate(WALK, start=1):
        assert app.step == step
        if values is None:
            screenshot(f"{number:02d}-{step}-skipped")
            arrived = app.skip_step(next_step)
        else:
            app.fill_step(values)
            screenshot(f"{number:02d}-{step}")
            arrived = app.save_and_continue(next_step)
        assert arrived == next_step
        assert app.path == f"/onboarding/{next_step}"
        states = app.tracker_states()
        assert states[step] == ("skipped" if values is None else "completed"), states
        app.assert_no_browser_errors(allow=(LOGO_LOAD,))

    # Review: everything required but the review itself is done; the summary shows the values.
    states = app.tracker_states()
    for step in REQUIRED_STEPS[:-1]:
        assert states[step] == "completed", states
    assert states["review"] == "not_started", states
    assert app.progress() == 5 * 100 // 6
    assert review_checklist_unmet(app) == []
    assert not app.driver.find_elements(By.ID, "not-ready"), "the review page says to finish unmet items"
    summary = app.page_text()
    for shown in ("Example Trading GmbH", "#1F5FBF", "agent@example.com", "example-shop", "G-ABC123XYZ"):
        assert shown in summary, f"the review summary does not show {shown}"
    screenshot("12-review")

    app.activate()

    assert app.path == "/"
    assert "activated=1" in urlparse(app.driver.current_url).query
    app.wait_signed_in(account.email)
    screenshot("13-activated")
    app.assert_no_browser_errors(allow=(LOGO_LOAD,))

    # The tracker of the finished onboarding: every step done, 100 %.
    app.open_step("review")
    root = app.wizard("review")
    assert root.get_attribute("data-state") == "completed"
    states = app.tracker_states()
    expected = {step: ("skipped" if values is None else "completed") for step, values, _ in WALK}
    expected["review"] = "completed"
    assert states == expected
    assert app.progress() == 100
    screenshot("14-tracker-after-activation")
    app.assert_no_browser_errors(allow=(LOGO_LOAD,))


def test_invalid_time_zone_is_shown_inline_and_can_be_fixed(app, new_account, screenshot):
    sign_up_to_wizard(app, new_account)
    app.fill_step({**ORGANIZATION, "time_zone": "Mars/Olympus"})

    root = app.wizard("organization")
    app.driver.find_element(By.CSS_SELECTOR, "button[data-action=complete]").click()

    error = app.error_for("time_zone")
    assert "Mars/Olympus is not a time zone" in error.text, error.text
    assert app.field("time_zone").get_attribute("aria-invalid") == "true"
    # The error is the time zone's own, right below its control ...
    assert error.get_attribute("id") == "f-time_zone-error"
    container = app.driver.find_element(By.CSS_SELECTOR, '.field[data-field="time_zone"]')
    assert container.find_element(By.CSS_SELECTOR, "p.field-error").get_attribute("id") == "f-time_zone-error"
    assert "f-time_zone-error" in app.field("time_zone").get_attribute("aria-describedby").split()
    # ... and no other field is blamed.
    assert set(app.visible_errors()) == {"time_zone"}, app.visible_errors()
    # The page stays on the step, not completed.
    assert app.path == "/onboarding/organization"
    assert root.is_displayed()  # not replaced by another page
    assert app.tracker_states()["organization"] != "completed"
    screenshot("01-error-shown")
    # The refused completion is a 422 response: expected, but nothing else may go wrong.
    app.assert_no_browser_errors(allow=(r"/api/v1/onboarding/steps/organization - .*status of 422",))

    app.set_field("time_zone", "Europe/Berlin")
    arrived = app.save_and_continue("branding")

    assert arrived == "branding"
    assert app.tracker_states()["organization"] == "completed"
    screenshot("02-fixed-and-continued")
    app.open_step("organization")
    assert app.field_value("time_zone") == "Europe/Berlin"
    assert not app.visible_errors()
    assert app.field("time_zone").get_attribute("aria-invalid") is None
    screenshot("03-organization-after-fix")
    app.assert_no_browser_errors()


def test_pause_and_resume_in_a_fresh_browser(app, driver, new_account, new_driver, screenshot, base_url):
    account = sign_up_to_wizard(app, new_account)
    partial = {"legal_name": "Paused Example AG", "country": "CH", "languages": "de, fr"}
    app.fill_step(partial)
    app.wait_saved()
    screenshot("01-organization-partly-filled")

    app.open_step("branding")
    app.set_field("primary_color", "#0A7D33")
    app.wait_saved()
    screenshot("02-branding-typed")

    app.pause()
    screenshot("03-paused-home")
    app.assert_no_browser_errors()
    quit_driver(driver)

    # Another computer: a new browser profile, no cookies.
    other = App(new_driver(), base_url)
    other.log_in(account.email, account.password)
    other.wait_signed_in(account.email)
    other.open("/onboarding")
    root = other.wizard("branding")
    assert other.path == "/onboarding/branding", "the wizard must reopen the step the user was on"
    assert root.get_attribute("data-state") == "paused"
    notice = other.paused_notice()
    assert notice is not None and notice.is_displayed(), "no #paused-notice on a paused wizard"
    assert other.field_value("primary_color") == "#0A7D33"
    assert not other.field("primary_color").is_enabled(), "a paused wizard must be read-only"
    screenshot("04-paused-notice", other.driver)

    other.resume()

    assert other.paused_notice() is None
    assert other.field("primary_color").is_enabled()
    assert other.field_value("primary_color") == "#0A7D33"
    screenshot("05-resumed-branding", other.driver)
    other.open_step("organization")
    for path, value in partial.items():
        assert other.field_value(path) == value, f"{path} lost after pause and resume"
    screenshot("06-organization-intact", other.driver)
    other.assert_no_browser_errors()


def test_two_windows_see_each_others_changes_live(app, new_account, new_driver, screenshot, base_url):
    account = sign_up_to_wizard(app, new_account)
    window_b = App(new_driver(), base_url)
    window_b.log_in(account.email, account.password)
    window_b.wait_signed_in(account.email)
    window_b.open_step("organization")
    assert window_b.field_value("legal_name") == ""

    app.set_field("legal_name", "Live Sync Ltd")
    app.wait_saved()

    window_b.until(
        lambda d: window_b.field_value("legal_name") == "Live Sync Ltd",
        "window B's legal name to show what window A typed",
    )
    window_b.until(
        lambda d: "Updated from another window" in window_b.save_status(),
        '"Updated from another window" in window B',
    )
    assert window_b.driver.find_element(By.ID, "banner").get_attribute("hidden") is not None, (
        "window B had no unsaved edits, so it must not show a conflict banner"
    )
    assert window_b.tracker_states()["organization"] == "in_progress"
    screenshot("01-window-a")
    screenshot("02-window-b", window_b.driver)
    app.assert_no_browser_errors()
    window_b.assert_no_browser_errors()


def test_small_screen_has_no_horizontal_scroll(app, driver, new_account, screenshot):
    driver.set_window_size(390, 844)
    sign_up_to_wizard(app, new_account)
    for step in ("organization", "branding", "workflows", "review"):
        app.open_step(step)
        if step == "branding":
            app.set_field("primary_color", "#1F5FBF")  # renders the live preview
        screenshot(f"{step}-390px")
        scroll_width, inner_width = app.horizontal_overflow()
        assert scroll_width <= inner_width, (
            f"{step}: the page is {scroll_width}px wide in a {inner_width}px window (horizontal scroll)"
        )
    app.assert_no_browser_errors()


def test_logo_preview_does_not_load_half_typed_addresses(app, new_account, screenshot):
    sign_up_to_wizard(app, new_account, "branding")
    # Record every address the page gives an <img> (the preview's logo lives in a shadow root).
    app.driver.execute_script(
        """
        window.__imgSources = [];
        const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
        Object.defineProperty(HTMLImageElement.prototype, "src", {
          configurable: true, enumerable: src.enumerable, get: src.get,
          set(value) { window.__imgSources.push(String(value)); src.set.call(this, value); },
        });
        """
    )

    app.set_field("logo_url", LOGO_URL)
    app.wait_saved()
    app.until(
        lambda d: d.execute_script(
            "return document.getElementById('brand-preview').shadowRoot.querySelector('.logo').getAttribute('src');"
        ) == LOGO_URL,
        "the preview to show the logo",
    )

    loaded = app.driver.execute_script("return window.__imgSources;")
    screenshot()
    half_typed = [url for url in loaded if url != LOGO_URL]
    assert not half_typed, f"the preview requested {len(half_typed)} half-typed addresses: {half_typed[:5]} ..."
    assert loaded == [LOGO_URL], f"the logo should load once, loads: {loaded}"
    app.assert_no_browser_errors(allow=(LOGO_LOAD,))


def test_review_page_of_a_finished_setup_says_ready(app, new_account, screenshot):
    sign_up_to_wizard(app, new_account)
    complete_required_steps(app)
    app.open_step("review")
    screenshot()

    assert review_checklist_unmet(app) == []
    assert not app.driver.find_elements(By.ID, "not-ready"), "the review page says to finish unmet items"
    app.assert_no_browser_errors()


# The page's own state change also reaches it over the live WebSocket, often before the API
# response. The page must still leave the wizard, not reload itself on that event. A slow
# response makes the event come first every time.
def test_pause_leaves_the_wizard_even_when_the_response_is_slow(app, new_account, screenshot):
    sign_up_to_wizard(app, new_account)
    app.set_field("legal_name", "Slow Network AG")
    app.wait_saved()
    root = app.wizard("organization")
    app.delay_responses("/api/v1/onboarding/pause", 2500)

    app.driver.find_element(By.CSS_SELECTOR, "[data-action=pause]").click()

    app.wait_replaced(root, "the wizard page to be left or reloaded after pausing")
    screenshot()
    assert app.path == "/", f"pausing must lead to /?paused=1, the browser is at {app.driver.current_url}"
    assert "paused=1" in urlparse(app.driver.current_url).query


def test_activate_leaves_the_wizard_even_when_the_response_is_slow(app, new_account, screenshot):
    sign_up_to_wizard(app, new_account)
    complete_required_steps(app)
    root = app.open_step("review")
    app.driver.find_element(By.ID, "f-confirmed").click()
    app.delay_responses("/api/v1/onboarding/complete", 2500)

    app.driver.find_element(By.CSS_SELECTOR, "button[data-action=activate]").click()

    app.wait_replaced(root, "the review page to be left or reloaded after activating")
    screenshot()
    assert app.path == "/", f"activating must lead to /?activated=1, the browser is at {app.driver.current_url}"
    assert "activated=1" in urlparse(app.driver.current_url).query
