"""A citizen's issue from the station's QR link to its published outcome, in real browsers:
the citizen on a phone, the township's staff and the handling unit at their desks."""

import os
from pathlib import Path

import pytest

from petitions.models import Petition
from portal import captcha
from tests.factories import PASSWORD
from tests.petitions.conftest import pworld, sworld, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))
PHONE = "13912345678"


def sign_in(browser, live_server, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/desk/")
    return page


def act(page, live_server, petition, action, **fields):
    page.goto(f"{live_server.url}/desk/petitions/{petition.pk}/")
    box = page.locator(f"#action-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    form = box.locator("form")
    for name, value in fields.items():
        field = form.locator(f"[name={name}]")
        if field.first.get_attribute("type") == "checkbox":
            field.check()
        elif field.first.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        elif field.first.get_attribute("type") == "radio":
            form.locator(f"[name={name}][value={value}]").check()
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".messages .success, .messages li").count() >= 1, page.content()[:2000]


def track(phone, live_server, code):
    phone.goto(f"{live_server.url}/petitions/track/")
    phone.locator("[name=code]").fill(code)
    phone.locator("[name=digits]").fill(PHONE[-4:])
    phone.locator("form.petition-track button[type=submit]").click()
    phone.wait_for_load_state()


def rate(phone, rating, comment=""):
    form = phone.locator("form[action$='/petitions/track/rate/']")
    form.locator(f"[name=rating][value={rating}]").check()
    if comment:
        form.locator("[name=comment]").fill(comment)
    form.locator("button[type=submit]").click()
    phone.wait_for_load_state()


def test_issue_from_qr_code_to_published_outcome(phone, browser, live_server, pworld):  # noqa: F811
    station = pworld.stations["a1"]
    # The citizen scans the station's QR code.
    phone.goto(f"{live_server.url}/petitions/new/?station={station.pk}")
    phone.locator("[name=category]").select_option("traffic")
    phone.locator("[name=title]").fill("去镇上的公交班次太少")
    phone.locator("[name=description]").fill("早上七点前只有一班车，学生和上班的人都挤不上。")
    phone.locator("[name=citizen_name]").fill("李秀英")
    phone.locator("[name=citizen_phone]").fill(PHONE)
    phone.locator("[name=wants_feedback]").check()
    phone.locator("[name=consent]").check()
    token = phone.locator("[name=captcha_token]").input_value()
    phone.locator("[name=captcha]").fill(captcha.answer_for(token))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "petition-form-phone.png"), full_page=True)
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url("**/petitions/submitted/**")
    code = phone.locator(".petition-code").inner_text().strip()
    petition = Petition.objects.get(tracking_code=code)
    assert petition.station == station and petition.state == Petition.State.SUBMITTED
    track(phone, live_server, code)
    assert "去镇上的公交班次太少" in phone.content() and "李秀英" not in phone.content()

    # The township's staff screen it and forward it to the township government.
    staff = sign_in(browser, live_server, "m_township")
    act(staff, live_server, petition, "accept")
    act(staff, live_server, petition, "forward", department="甲一镇 · 甲一镇人民政府")
    petition.refresh_from_db()
    assert (
        petition.state == Petition.State.FORWARDED and petition.department == pworld.units["townA1"]
    )

    # The sibling township's staff cannot open it.
    sibling_handler = sign_in(browser, live_server, "h_townA2")
    assert sibling_handler.goto(f"{live_server.url}/desk/petitions/{petition.pk}/").status == 404

    # The handling unit replies; the citizen is not satisfied; it comes back to the unit.
    unit = sign_in(browser, live_server, "h_townA1")
    act(unit, live_server, petition, "reply", text="已与公交公司协调，下月起调整班次。")
    track(phone, live_server, code)
    rate(phone, "unsatisfied", "下个月太晚了，学生现在就挤不上车。")
    petition.refresh_from_db()
    assert (petition.state, petition.round) == (Petition.State.FORWARDED, 2)

    act(unit, live_server, petition, "reply", text="自下周一起早上增开两班车。")
    track(phone, live_server, code)
    rate(phone, "satisfied")
    petition.refresh_from_db()
    assert petition.state == Petition.State.RESOLVED

    # The office publishes the outcome without the citizen.
    act(
        staff,
        live_server,
        petition,
        "publish",
        title="早班公交增开两班",
        summary="镇政府协调公交公司，早上增开两班车。",
        reviewed="on",
    )
    phone.goto(f"{live_server.url}/petitions/results/")
    assert "早班公交增开两班" in phone.content()
    phone.goto(f"{live_server.url}/petitions/results/{petition.pk}/")
    page = phone.content()
    assert "早上增开两班车" in page and "李秀英" not in page and PHONE not in page
    for page_ in (staff, unit, sibling_handler):
        page_.context.close()
