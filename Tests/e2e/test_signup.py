"""Sign-up, log-out and log-in through the real pages, in a real (headless) browser.

Page helpers and fixtures (app, new_account, screenshot) are in conftest.py.
"""

from selenium.webdriver.common.by import By


def test_sign_up_lands_signed_in(app, new_account, screenshot):
    account = new_account()

    app.sign_up(account)

    signed_in_as = app.wait_signed_in(account.email)
    assert account.email in signed_in_as.text
    assert app.path == "/", f"expected to land on / after signing up, got {app.driver.current_url}"
    assert account.organization_name in app.page_text()
    app.form("/logout")  # the signed-in page offers a way out
    screenshot()


def test_short_password_shows_inline_error_and_keeps_values(app, new_account, screenshot):
    account = new_account(password="short")

    app.sign_up(account)

    errors = app.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".field-error"), 'an element class="field-error"'
    )
    messages = [e.text for e in errors]
    assert any("12 characters" in m for m in messages), f"no '12 characters' error in {messages}"
    assert not app.is_signed_in()

    form = app.form("/signup")

    def value(name):
        return form.find_element(By.NAME, name).get_attribute("value")

    assert value("organization_name") == account.organization_name
    assert value("name") == account.name
    assert value("email") == account.email
    assert value("password") == "", "the password must not be echoed back"
    app.assert_csrf_field(form)
    screenshot()


def test_log_out_then_log_in_again(app, new_account, screenshot):
    account = new_account()
    app.sign_up(account)
    app.wait_signed_in(account.email)

    app.log_out()
    app.open("/")
    assert not app.is_signed_in(), "still signed in after logging out"
    screenshot("logged-out")

    app.log_in(account.email, account.password)

    signed_in_as = app.wait_signed_in(account.email)
    assert account.email in signed_in_as.text
    screenshot()
