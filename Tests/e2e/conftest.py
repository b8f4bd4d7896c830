"""Browser tests: pytest + Selenium 4 driving Debian's headless Chromium.

The server under test is started outside pytest (scripts/test.sh does it) and given
to the tests as ONRAMP_BASE_URL. Screenshots go to ONRAMP_TEST_OUTPUT (default
test-output/e2e), one per end state, named after the test, plus <test>-failure.png
when a test fails.
"""

from __future__ import annotations

import json
import os
import urllib.request
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Selenium Manager would otherwise try to download a driver (there is no network).
# Set before selenium creates any driver.
os.environ["SE_OFFLINE"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 15
STRONG_PASSWORD = "correct horse battery staple 42"

# The wizard's steps, in order (OnboardingStepID), and the ones required by default.
STEP_IDS = (
    "organization", "branding", "channels", "ai", "knowledge_base", "payments",
    "team", "workflows", "portal", "data_import", "analytics", "review",
)
REQUIRED_STEPS = ("organization", "branding", "channels", "team", "workflows", "review")
# Browsers ask for /favicon.ico on their own; the server has none. Not an application error.
FAVICON_404 = r"/favicon\.ico - Failed to load resource"


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("ONRAMP_BASE_URL", "").strip()
    if not url:
        pytest.fail(
            "ONRAMP_BASE_URL is not set. Start the server and point the tests at it, "
            "e.g. ONRAMP_BASE_URL=http://127.0.0.1:8080 python3 -m pytest Tests/e2e "
            "(or run `make test`, which does both). See Tests/e2e/README.md.",
            pytrace=False,
        )
    return url.rstrip("/")


@pytest.fixture(scope="session")
def output_dir() -> Path:
    path = Path(os.environ.get("ONRAMP_TEST_OUTPUT") or "test-output/e2e")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the test item, so the driver fixture can tell
    # whether the test failed and take a failure screenshot before quitting.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def start_driver() -> WebDriver:
    """A new headless Chromium with a fresh, empty profile (chromedriver gives every session
    its own temporary user-data dir), collecting the browser console for browser_errors()."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


def _quit(request, drv: WebDriver, output_dir: Path, suffix: str = "") -> None:
    if getattr(drv, "_onramp_quit", False):  # quit early by the test (quit_driver)
        return
    try:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            drv.save_screenshot(str(output_dir / f"{_safe_name(request.node.name)}-failure{suffix}.png"))
    except Exception:  # a failure screenshot must never hide the real error
        pass
    finally:
        drv.quit()


@pytest.fixture
def driver(request, output_dir: Path):
    drv = start_driver()
    try:
        yield drv
    finally:
        _quit(request, drv, output_dir)


@pytest.fixture
def new_driver(request, output_dir: Path):
    """new_driver() -> another browser with a fresh profile (no cookies, no storage): a second
    window of the same person, or the same person on another computer. Each is quit at the end
    of the test (after a <test>-failure-<n>.png if the test failed); quit one earlier with
    quit_driver(drv)."""
    started: list[WebDriver] = []

    def start() -> WebDriver:
        drv = start_driver()
        started.append(drv)
        return drv

    try:
        yield start
    finally:
        for number, drv in enumerate(started, start=2):
            _quit(request, drv, output_dir, f"-{number}")


def quit_driver(drv: WebDriver) -> None:
    """Closes a browser (driver or one from new_driver()) before the test ends, like closing
    the laptop; the fixture then leaves it alone."""
    drv._onramp_quit = True
    drv.quit()


@pytest.fixture
def screenshot(request, driver: WebDriver, output_dir: Path):
    """screenshot() saves <test name>.png; screenshot("step") saves <test name>-step.png.
    screenshot("step", other_driver) shoots another browser (from new_driver) instead."""

    def take(label: str | None = None, of: WebDriver | None = None) -> Path:
        name = _safe_name(request.node.name)
        path = output_dir / (f"{name}-{_safe_name(label)}.png" if label else f"{name}.png")
        (of or driver).save_screenshot(str(path))
        return path

    return take


@pytest.fixture
def app(driver: WebDriver, base_url: str) -> "App":
    return App(driver, base_url)


@pytest.fixture
def new_account():
    """new_account(**overrides) -> Account with a unique email and organisation name."""
    return make_account


# ---------------------------------------------------------------------------
# Page helpers (the page contract lives here, in one place)
# ---------------------------------------------------------------------------


def _replaced(element):
    """Like EC.staleness_of, but also accepts Chromium's "Node with given id does not belong
    to the document", which it reports instead of a stale element while a page is replaced."""

    def check(_driver):
        try:
            element.is_enabled()
            return False
        except WebDriverException:  # StaleElementReferenceException is one of these
            return True

    return check


@dataclass
class Account:
    organization_name: str
    name: str
    email: str
    password: str = STRONG_PASSWORD


def make_account(**overrides) -> Account:
    tag = uuid.uuid4().hex
    fields = dict(
        organization_name=f"E2E Org {tag[:8]}",
        name="Erin Example",
        email=f"e2e-{tag}@example.com",
    )
    fields.update(overrides)
    return Account(**fields)


class App:
    def __init__(self, driver: WebDriver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    # -- generic ---------------------------------------------------------------

    def until(self, condition, what: str, timeout: float = WAIT_SECONDS):
        """WebDriverWait(...).until(condition), failing with a readable message."""
        try:
            return WebDriverWait(self.driver, timeout).until(condition)
        except TimeoutException:
            raise AssertionError(
                f"timed out after {timeout:g} s waiting for {what}; "
                f"the browser is at {self.driver.current_url} (title {self.driver.title!r})"
            ) from None

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        return urlparse(self.driver.current_url).path

    def form(self, action: str) -> WebElement:
        """The page's <form method="post" action=ACTION>, once it is there."""
        return self.until(
            EC.presence_of_element_located(
                (By.CSS_SELECTOR, f'form[method="post" i][action="{action}"]')
            ),
            f'<form method="post" action="{action}">',
        )

    def fill(self, form: WebElement, **values: str) -> None:
        for name, value in values.items():
            field = form.find_element(By.NAME, name)
            field.clear()
            field.send_keys(value)

    def submit(self, form: WebElement) -> None:
        """Clicks the form's submit button and waits until the next page replaced it.

        Browser-side validation (required, minlength, type=email) is switched off first,
        so that the server's own validation is what gets tested.
        """
        self.driver.execute_script("arguments[0].noValidate = true;", form)
        try:
            button = form.find_element(By.CSS_SELECTOR, 'button[type="submit"], input[type="submit"]')
        except NoSuchElementException:
            button = None
        if button is not None:
            button.click()
        else:
            self.driver.execute_script("arguments[0].submit();", form)
        self.until(_replaced(form), "the next page after submitting the form")

    def assert_csrf_field(self, form: WebElement) -> None:
        csrf = form.find_element(By.NAME, "_csrf")
        assert csrf.get_attribute("type") == "hidden", "_csrf must be a hidden input"
        assert csrf.get_attribute("value"), "_csrf must carry a token"

    # -- pages -----------------------------------------------------------------

    def open_signup(self) -> WebElement:
        self.open("/signup")
        form = self.form("/signup")
        for name in ("organization_name", "name", "email", "password"):
            form.find_element(By.NAME, name)
        self.assert_csrf_field(form)
        form.find_element(By.CSS_SELECTOR, 'button[type="submit"]')
        return form

    def sign_up(self, account: Account) -> None:
        form = self.open_signup()
        self.fill(
            form,
            organization_name=account.organization_name,
            name=account.name,
            email=account.email,
            password=account.password,
        )
        self.submit(form)

    def log_in(self, email: str, password: str) -> None:
        self.open("/login")
        form = self.form("/login")
        self.assert_csrf_field(form)
        self.fill(form, email=email, password=password)
        self.submit(form)

    def log_out(self) -> None:
        self.submit(self.form("/logout"))

    def wait_signed_in(self, email: str) -> WebElement:
        """Waits for #signed-in-as to show EMAIL; returns the element."""
        self.until(
            EC.text_to_be_present_in_element((By.ID, "signed-in-as"), email),
            f'an element id="signed-in-as" containing {email}',
        )
        return self.driver.find_element(By.ID, "signed-in-as")

    def is_signed_in(self) -> bool:
        return bool(self.driver.find_elements(By.ID, "signed-in-as"))

    def page_text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    # -- browser console -------------------------------------------------------

    def browser_errors(self, allow: tuple[str, ...] = ()) -> list[dict]:
        """SEVERE browser-console entries (uncaught JavaScript errors, console.error, failed
        loads) since the last call, except the favicon 404 and messages matching a regular
        expression in ALLOW. Reading the log empties it."""
        patterns = [re.compile(p) for p in (FAVICON_404, *allow)]
        return [
            entry
            for entry in self.driver.get_log("browser")
            if entry.get("level") == "SEVERE"
            and not any(p.search(entry.get("message", "")) for p in patterns)
        ]

    def assert_no_browser_errors(self, allow: tuple[str, ...] = ()) -> None:
        errors = self.browser_errors(allow)
        assert not errors, "errors in the browser console:\n" + "\n".join(
            f"  [{e.get('source')}] {e.get('message')}" for e in errors
        )

    # -- onboarding wizard -----------------------------------------------------

    def wizard(self, step: str | None = None) -> WebElement:
        """Waits for a loaded wizard page (of STEP, if given) whose live connection is open,
        and returns its root element ([data-wizard])."""

        def ready(driver):
            try:
                roots = driver.find_elements(By.CSS_SELECTOR, "[data-wizard]")
                if not roots or (step and roots[0].get_attribute("data-step") != step):
                    return False
                done = driver.execute_script(
                    "return document.readyState === 'complete' && document.body.dataset.live === 'connected';"
                )
                return roots[0] if done else False
            except WebDriverException:  # the page is being replaced
                return False

        return self.until(ready, f"the wizard page{f' of step {step}' if step else ''} with its live connection open")

    def open_step(self, step: str) -> WebElement:
        self.open(f"/onboarding/{step}")
        return self.wizard(step)

    @property
    def step(self) -> str:
        """The step of the wizard page shown now."""
        return self.driver.find_element(By.CSS_SELECTOR, "[data-wizard]").get_attribute("data-step")

    def field(self, path: str) -> WebElement:
        """The control of a config key: [data-path=PATH] (id f-<path with . as ->)."""
        return self.driver.find_element(By.CSS_SELECTOR, f'[data-path="{path}"]')

    def type_text(self, element: WebElement, text: str) -> None:
        """Replaces an input's text by typing, so the page hears input events (clear() sends none)."""
        element.send_keys(Keys.CONTROL, "a")
        element.send_keys(Keys.DELETE)
        if text:
            element.send_keys(text)

    def set_field(self, path: str, value) -> None:
        """Sets a field the way a person would. VALUE is text for inputs, tags, colours and
        numbers; an option value for selects; a list of option values for checkbox groups;
        a bool for toggles; a list of (email, role) for invitations."""
        element = self.field(path)
        kind = element.get_attribute("data-kind")
        if kind == "checkboxes":
            wanted = set(value)
            for box in element.find_elements(By.CSS_SELECTOR, "input[type=checkbox]"):
                if box.is_selected() != (box.get_attribute("value") in wanted):
                    box.click()
        elif kind == "toggle":
            if element.is_selected() != bool(value):
                element.click()
        elif kind == "select":
            Select(element).select_by_value(value)
        elif kind == "invites":
            self.set_invites(value)
        else:
            self.type_text(element, str(value))

    def fill_step(self, values: dict) -> None:
        """set_field for each PATH: VALUE, in order."""
        for path, value in values.items():
            self.set_field(path, value)

    def set_invites(self, invites) -> None:
        box = self.field("invites")
        for index, (email, role) in enumerate(invites):
            rows = box.find_elements(By.CSS_SELECTOR, "[data-row]")
            if index >= len(rows):
                box.find_element(By.CSS_SELECTOR, "[data-action=add-invite]").click()
                rows = box.find_elements(By.CSS_SELECTOR, "[data-row]")
            self.type_text(rows[index].find_element(By.CSS_SELECTOR, "[data-part=email]"), email)
            Select(rows[index].find_element(By.CSS_SELECTOR, "[data-part=role]")).select_by_value(role)

    def field_value(self, path: str):
        """What a field shows, in set_field's terms."""
        element = self.field(path)
        kind = element.get_attribute("data-kind")
        if kind == "checkboxes":
            return [b.get_attribute("value") for b in element.find_elements(By.CSS_SELECTOR, "input:checked")]
        if kind == "toggle":
            return element.is_selected()
        if kind == "invites":
            rows = element.find_elements(By.CSS_SELECTOR, "[data-row]")
            pairs = [
                (r.find_element(By.CSS_SELECTOR, "[data-part=email]").get_attribute("value"),
                 r.find_element(By.CSS_SELECTOR, "[data-part=role]").get_attribute("value"))
                for r in rows
            ]
            return [p for p in pairs if p[0]]
        return element.get_attribute("value")

    def save_status(self) -> str:
        return self.driver.find_element(By.ID, "save-status").text

    def wait_saved(self) -> None:
        """Waits for the autosave of what was typed ("All changes saved.")."""
        self.until(
            EC.text_to_be_present_in_element((By.ID, "save-status"), "All changes saved."),
            'the autosave ("All changes saved." in #save-status)',
        )

    def visible_errors(self) -> dict[str, str]:
        """Inline errors shown now: path -> message; "" for the form's own alert (#form-errors)."""
        shown = {
            e.get_attribute("data-error-for"): e.text
            for e in self.driver.find_elements(By.CSS_SELECTOR, "p.field-error[data-error-for]")
            if e.is_displayed()
        }
        for alert in self.driver.find_elements(By.ID, "form-errors"):
            if alert.is_displayed():
                shown[""] = alert.text
        return shown

    def error_for(self, path: str) -> WebElement:
        """Waits for the inline error of PATH to be shown; returns it."""

        def shown(driver):
            element = driver.find_element(By.CSS_SELECTOR, f'p.field-error[data-error-for="{path}"]')
            return element if element.is_displayed() and element.text.strip() else False

        return self.until(shown, f'the inline error of {path} (p.field-error[data-error-for="{path}"])')

    def _leave_step(self, action: str, what: str) -> None:
        root = self.wizard()
        step = root.get_attribute("data-step")
        button = self.driver.find_element(By.CSS_SELECTOR, f"[data-action={action}]")
        button.click()
        try:
            self.until(_replaced(root), f"the wizard to leave step {step} after {what}")
        except AssertionError as error:
            raise AssertionError(
                f"{error}; #save-status says {self.save_status()!r}, errors shown: {self.visible_errors()}"
            ) from None

    def save_and_continue(self, expect_next: str | None = None) -> str:
        """Clicks "Save and continue" and waits for the next step's page; returns its id."""
        self._leave_step("complete", '"Save and continue"')
        self.wizard(expect_next)
        return self.step

    def skip_step(self, expect_next: str | None = None) -> str:
        """Clicks "Skip this step" and waits for the next step's page; returns its id."""
        self._leave_step("skip", '"Skip this step"')
        self.wizard(expect_next)
        return self.step

    def pause(self) -> None:
        """Clicks "Pause and finish later" and waits for /?paused=1."""
        self._leave_step("pause", '"Pause and finish later"')
        try:
            self.until(lambda d: self.path == "/" and "paused=1" in urlparse(d.current_url).query, "/?paused=1")
        except AssertionError as error:
            raise AssertionError(f"{error}{self._reloaded_instead('paused')}") from None

    def paused_notice(self) -> WebElement | None:
        found = self.driver.find_elements(By.ID, "paused-notice")
        return found[0] if found else None

    def resume(self) -> WebElement:
        """Clicks "Resume onboarding" on a paused wizard page; waits for the reloaded, active page."""
        root = self.wizard()
        step = root.get_attribute("data-step")
        self.driver.find_element(By.CSS_SELECTOR, "[data-action=resume]").click()
        self.until(_replaced(root), "the wizard page to reload after resuming")
        root = self.wizard(step)
        assert root.get_attribute("data-state") == "active", "onboarding is still not active after resuming"
        return root

    def activate(self) -> None:
        """On the review step: ticks "I reviewed the configuration", clicks "Activate my desk"
        and waits for /?activated=1."""
        self.wizard("review")
        confirmed = self.driver.find_element(By.ID, "f-confirmed")
        if not confirmed.is_selected():
            confirmed.click()
        self.driver.find_element(By.CSS_SELECTOR, "button[data-action=activate]").click()
        try:
            self.until(
                lambda d: self.path == "/" and "activated=1" in urlparse(d.current_url).query,
                "/?activated=1 after activating",
            )
        except AssertionError as error:
            raise AssertionError(f"{error}{self._reloaded_instead('completed') or self._page_problems()}") from None

    def _page_problems(self) -> str:
        try:
            banner = self.driver.find_element(By.ID, "banner")
            return f"; the page shows status {self.save_status()!r}, banner {banner.text!r}, errors {self.visible_errors()}"
        except WebDriverException:
            return ""

    def _reloaded_instead(self, state: str) -> str:
        """Explains a wizard page in STATE where the browser should have left the wizard."""
        try:
            roots = self.driver.find_elements(By.CSS_SELECTOR, "[data-wizard]")
            if roots and roots[0].get_attribute("data-state") == state:
                return (
                    f"; the session is {state}, but the wizard page reloaded itself instead of leaving: "
                    "wizard.js onLive() reloaded on the live event of the page's own state change, which "
                    "came before the API response (test_wizard.py::test_*_leaves_the_wizard_even_when_the_response_is_slow)"
                )
        except WebDriverException:
            pass
        return ""

    def wait_replaced(self, element: WebElement, what: str) -> None:
        """Waits until ELEMENT's page was replaced by another (or a reload of itself)."""
        self.until(_replaced(element), what)
        self.until(lambda d: d.execute_script("return document.readyState") == "complete", f"{what} to load")

    def delay_responses(self, path_suffix: str, milliseconds: int) -> None:
        """Makes this page's fetch() of URLs ending in PATH_SUFFIX resolve MILLISECONDS after
        the response arrived, as on a slow network (the live WebSocket is not slowed).
        Lasts until the page is left."""
        self.driver.execute_script(
            """
            const [suffix, ms] = arguments, real = window.fetch;
            window.fetch = async (url, init) => {
              const response = await real(url, init);
              if (String(url).endsWith(suffix)) await new Promise((ok) => setTimeout(ok, ms));
              return response;
            };
            """,
            path_suffix,
            milliseconds,
        )

    def tracker_states(self) -> dict[str, str]:
        """Step id -> state (not_started, in_progress, completed, skipped) as the tracker shows it."""
        states = {}
        for item in self.driver.find_elements(By.CSS_SELECTOR, "nav.tracker li[data-step-id]"):
            match = re.search(r"\bstate-([a-z_]+)", item.get_attribute("class") or "")
            states[item.get_attribute("data-step-id")] = match.group(1) if match else None
        return states

    def progress(self) -> int:
        """The tracker's "N% set up"."""
        return int(self.driver.find_element(By.ID, "progress-label").text.strip())

    def horizontal_overflow(self) -> tuple[int, int]:
        """(document.documentElement.scrollWidth, window.innerWidth)."""
        return tuple(
            self.driver.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth];"
            )
        )


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "test"


def api(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    """Calls the JSON API directly (as an integration would), optionally with a bearer token."""
    request = urllib.request.Request(base + path, method=method)
    request.add_header("Accept", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, data=data, timeout=10) as response:
        return json.load(response)
