"""Quality of the pages: every control has a name, keyboard focus is visible, no asset is
heavy or comes from elsewhere, on every wizard step, the welcome dashboard and the
operator dashboard."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_wizard import complete_required_steps, sign_up_to_wizard

STEPS = ["organization", "branding", "channels", "ai", "knowledge_base", "payments", "team",
         "workflows", "portal", "data_import", "analytics", "review"]

# Controls without an accessible name: no <label for>, no wrapping <label>, no aria-label(ledby).
UNLABELLED = """
return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter(el => el.offsetParent !== null)
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !(el.tagName === 'BUTTON' && el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120));
"""

# Every script, stylesheet and image the page loaded, with its size (Resource Timing).
RESOURCES = """
return performance.getEntriesByType('resource').map(r => [r.name, r.initiatorType, r.encodedBodySize]);
"""


def check_page(app, what: str) -> None:
    unlabelled = app.driver.execute_script(UNLABELLED)
    assert not unlabelled, f"{what}: controls without a label: {unlabelled}"
    for name, kind, size in app.driver.execute_script(RESOURCES):
        if kind in ("script", "link", "css", "img", "other") and name.startswith("http"):
            assert name.startswith(app.base_url), f"{what}: {name} comes from another site (no CDN allowed)"
            assert size <= 100 * 1024, f"{what}: {name} weighs {size} bytes (limit 100 KB)"
    # Tabbing reaches a control and the focused control is visibly outlined.
    body = app.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    outline = app.driver.execute_script(
        "const el = document.activeElement; const s = getComputedStyle(el);"
        "return el === document.body ? 'none' : s.outlineStyle + ' ' + s.outlineWidth;"
    )
    assert outline.split()[0] not in ("none", "hidden"), f"{what}: focus is not visible ({outline})"


def test_every_page_is_labelled_light_and_keyboard_visible(app, new_account, screenshot):
    sign_up_to_wizard(app, new_account)
    for step in STEPS:
        app.open_step(step)
        check_page(app, f"step {step}")
    complete_required_steps(app)
    app.open_step("review")
    app.activate()
    check_page(app, "welcome dashboard")
    screenshot("welcome")
    app.assert_no_browser_errors()
