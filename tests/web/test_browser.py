"""The Service Request form in a real browser (Debian's chromium, headless, driven by selenium), by keyboard only,
in English and in Spanish, with axe-core's accessibility check: no serious or critical violation on any page."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlmodel import select

from calldesk.models import Case
from calldesk.store.db.store import Store
from calldesk.store.db.users import Actor
from tests.web.server import serving

pytestmark = [pytest.mark.parametrize("backend", ["sqlite"], indirect=True), pytest.mark.timeout(240)]
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage")


def _axe_source() -> str:
    import axe_selenium_python

    return (Path(axe_selenium_python.__file__).parent / "node_modules" / "axe-core" / "axe.min.js").read_text()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[webdriver.Chrome]:
    if not (CHROMIUM and DRIVER):
        pytest.fail("chromium and chromium-driver are not installed: run the suite with scripts/test")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(DRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def serious_violations(driver: webdriver.Chrome) -> list[str]:
    """axe-core's serious and critical violations of the page shown (their rule ids)."""
    driver.execute_script(_axe_source())
    found = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations.map(v => [v.id, v.impact])));")
    return [rule for rule, impact in found if impact in ("serious", "critical")]


def tab_to(driver: webdriver.Chrome, element_id: str, limit: int = 40) -> None:
    """Press Tab until the element `element_id` has the focus (as a keyboard user moves through the form)."""
    for _ in range(limit):
        if driver.switch_to.active_element.get_attribute("id") == element_id:
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"Tab never reached #{element_id}")


def type_in(driver: webdriver.Chrome, element_id: str, text: str) -> None:
    tab_to(driver, element_id)
    driver.switch_to.active_element.send_keys(text)


def fill(driver: webdriver.Chrome, *, claim: str) -> None:
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)  # the keyboard starts at the top of the page
    type_in(driver, "caller_name", "Ana Ruiz")
    type_in(driver, "phone", "213-555-0142")
    type_in(driver, "school", "Roosevelt High")
    tab_to(driver, "tried_school")
    driver.switch_to.active_element.send_keys(Keys.SPACE)  # "Yes"
    type_in(driver, "category", "Enrollment")  # typing a select's option chooses it
    type_in(driver, "claim", claim)


def test_the_form_by_keyboard_in_english_and_spanish(browser: webdriver.Chrome, store: Store,
                                                     staff: dict[str, Actor], tmp_path: Path) -> None:
    problems: dict[str, list[str]] = {}
    with serving(store, tmp_path / "web") as served:
        browser.get(f"{served.url}/request")
        problems["form"] = serious_violations(browser)
        fill(browser, claim="The enrollment papers were lost.")
        browser.switch_to.active_element.send_keys(Keys.TAB)  # evidence (optional), then the button
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        english = browser.find_element(By.ID, "request-number").text
        problems["received"] = serious_violations(browser)
        tab_to(browser, "status-link")
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        assert browser.find_element(By.ID, "status").text == "Open"
        problems["status"] = serious_violations(browser)

        browser.get(f"{served.url}/request?lang=es")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "es"
        problems["form es"] = serious_violations(browser)
        fill(browser, claim="")  # the claim left empty: the form comes back with the field's error
        tab_to(browser, "evidence")
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        claim = browser.find_element(By.ID, "claim")
        assert claim.get_attribute("aria-invalid") == "true"
        assert claim.get_attribute("aria-describedby") == "claim-error"
        assert "Este campo es obligatorio." in browser.find_element(By.ID, "claim-error").text
        problems["errors es"] = serious_violations(browser)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        type_in(browser, "claim", "Perdieron los papeles de inscripción.")
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        spanish = browser.find_element(By.ID, "request-number").text
        assert "Recibimos su solicitud." in browser.page_source
    assert problems == {page: [] for page in problems}
    browser.get("data:text/html,<html><body><input type=text></body></html>")  # the check itself finds faults
    assert "label" in serious_violations(browser)
    with store.uow(readonly=True) as uow:
        cases = {c.case_number: c for c in uow.session.exec(select(Case))}
    assert (cases[english].language, cases[english].category, cases[english].channel) == ("English", "Enrollment",
                                                                                          "web_form")
    assert cases[spanish].language == "Spanish" and cases[spanish].claim == "Perdieron los papeles de inscripción."
    assert cases[english].steps_taken == "Tried the school first: yes"


def test_a_respondent_by_keyboard_and_a_second_tab_after_signing_out(browser: webdriver.Chrome, store: Store,
                                                                      staff: dict[str, Actor],
                                                                      tmp_path: Path) -> None:
    """A principal signs in, sees only her school's cases, opens one and documents the resolution, all by
    keyboard; she signs out in a second tab, and the resolution she then saves in the first is kept through the
    sign-in (two lines, as typed) for her to save once signed in again."""
    from tests.conftest import TEAM_PLACES, add_user
    from tests.web.server import request_number, submit
    from tests.web.test_respondents import PASSWORD, set_password
    from tests.web.test_web_form import ANN

    add_user(store, staff["admin"], "rex", "respondent", places=TEAM_PLACES)
    set_password(store, staff["admin"], "rex", PASSWORD)
    problems: dict[str, list[str]] = {}
    with serving(store, tmp_path / "web") as served:
        with served.client() as client:
            ours = request_number(submit(client, **{**ANN, "call_type": "concern"}))
            theirs = request_number(submit(client, **{**ANN, "phone": "213-555-0199", "school": "Lincoln Elementary",
                                                      "call_type": "concern"}))
        browser.get(f"{served.url}/respond")  # signed out: the sign-in page
        problems["sign in"] = serious_violations(browser)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        type_in(browser, "username", "rex")
        type_in(browser, "password", PASSWORD)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        listed = browser.find_element(By.TAG_NAME, "main").text
        assert ours in listed and theirs not in listed
        problems["cases"] = serious_violations(browser)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        tab_to_link(browser, ours)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        problems["case"] = serious_violations(browser)
        first = browser.current_window_handle
        browser.switch_to.new_window("tab")
        browser.get(f"{served.url}/respond")
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        assert browser.switch_to.active_element.text == "Sign out"
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Respondents: sign in"
        browser.switch_to.window(first)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        type_in(browser, "response", "Met the family.")
        browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.ENTER)
        browser.switch_to.active_element.send_keys("Papers re-filed.")
        type_in(browser, "outcome", "Enrolled")
        browser.switch_to.active_element.send_keys(Keys.ENTER)  # Enter in a text box sends its form
        assert "so the resolution was not saved" in browser.find_element(By.ID, "sign-in-error").text
        problems["signed out"] = serious_violations(browser)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        type_in(browser, "username", "rex")
        type_in(browser, "password", PASSWORD)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        assert "not saved yet" in browser.find_element(By.ID, "notice").text
        assert browser.find_element(By.ID, "response").get_attribute("value") == "Met the family.\nPapers re-filed."
        assert browser.find_element(By.ID, "outcome").get_attribute("value") == "Enrolled"
        problems["kept"] = serious_violations(browser)
        browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
        tab_to(browser, "outcome")
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        assert browser.find_element(By.ID, "saved").text == "The resolution was saved."
    assert problems == {page: [] for page in problems}
    from calldesk.models import Resolution

    with store.uow(readonly=True) as uow:
        case = uow.session.exec(select(Case).where(Case.case_number == ours)).one()
        saved = uow.session.exec(select(Resolution).where(Resolution.case_id == case.id)).one()
    assert (saved.response, saved.outcome) == ("Met the family.\nPapers re-filed.", "Enrolled")


def tab_to_link(driver: webdriver.Chrome, text: str, limit: int = 40) -> None:
    """Press Tab until the link reading `text` has the focus."""
    for _ in range(limit):
        if driver.switch_to.active_element.text == text:
            return
        driver.switch_to.active_element.send_keys(Keys.TAB)
    raise AssertionError(f"Tab never reached the link {text}")


def test_a_second_tab_of_the_form_opened_from_another_site_keeps_the_first(browser: webdriver.Chrome, store: Store,
                                                                           tmp_path: Path) -> None:
    """A constituent opens the form from the district's site, starts typing, opens it again from there in a second
    tab, then sends the first: it is taken (the second page was given a new CSRF cookie, since a SameSite=Strict
    cookie is not sent on a navigation from another site, and the first tab's form was refused as expired)."""
    with serving(store, tmp_path / "web") as served:
        elsewhere = f"data:text/html,<a id=go href='{served.url}/request'>Service Request</a>"

        def from_elsewhere() -> None:
            browser.get(elsewhere)
            browser.find_element(By.ID, "go").send_keys(Keys.ENTER)
            browser.find_element(By.ID, "caller_name")

        from_elsewhere()
        first = browser.current_window_handle
        fill(browser, claim="Typed in the first tab.")
        browser.switch_to.new_window("tab")
        from_elsewhere()
        browser.switch_to.window(first)
        tab_to(browser, "claim")
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.TAB)
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        number = browser.find_element(By.ID, "request-number").text
    with store.uow(readonly=True) as uow:
        assert uow.session.exec(select(Case.claim).where(Case.case_number == number)).one() == "Typed in the first tab."
