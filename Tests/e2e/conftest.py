"""Browser tests: pytest + Selenium 4 driving Debian's headless Chromium.

The server under test is started outside pytest (scripts/test.sh does it) and given
to the tests as ONRAMP_BASE_URL. Screenshots go to ONRAMP_TEST_OUTPUT (default
test-output/e2e), one per end state, named after the test, plus <test>-failure.png
when a test fails.
"""

from __future__ import annotations

import os
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
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_SECONDS = 15
STRONG_PASSWORD = "correct horse battery staple 42"


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


@pytest.fixture
def driver(request, output_dir: Path):
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
    drv = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield drv
    finally:
        try:
            rep = getattr(request.node, "rep_call", None)
            if rep is not None and rep.failed:
                drv.save_screenshot(str(output_dir / f"{_safe_name(request.node.name)}-failure.png"))
        except Exception:  # a failure screenshot must never hide the real error
            pass
        finally:
            drv.quit()


@pytest.fixture
def screenshot(request, driver: WebDriver, output_dir: Path):
    """screenshot() saves <test name>.png; screenshot("step") saves <test name>-step.png."""

    def take(label: str | None = None) -> Path:
        name = _safe_name(request.node.name)
        path = output_dir / (f"{name}-{_safe_name(label)}.png" if label else f"{name}.png")
        driver.save_screenshot(str(path))
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


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "test"
