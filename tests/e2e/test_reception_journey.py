"""A deputy logs a reception with two matters from a phone; the forwarded matter reaches the
township's staff and not the sibling township's."""

import os
from pathlib import Path

import pytest

from stations.models import Reception
from tests.factories import PASSWORD
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/desk/")


def test_deputy_logs_a_reception_on_a_phone(phone, live_server, sworld, browser):  # noqa: F811
    sign_in(phone, live_server, "m_deputy")
    phone.get_by_role("link", name="登记接待").first.click()
    phone.wait_for_url("**/desk/receptions/new/")
    phone.get_by_label("联络站").select_option(label="甲一镇中心联络站")
    phone.get_by_label("接待人数").fill("4")
    phone.locator("textarea[name='matters-0-content']").fill("村口路灯不亮，晚上出行不安全")
    phone.locator("textarea[name='matters-0-answer']").fill("已联系村委会，今天修好")
    phone.get_by_role("button", name="再加一条").click()
    phone.locator("textarea[name='matters-1-content']").fill("去石浦的公交班次太少，早上挤不上车")
    phone.locator("input[name='matters-1-outcome'][value='forwarded']").check()
    phone.locator("select[name='matters-1-category']").select_option("traffic")
    phone.locator("input[name='matters-1-citizen_phone']").fill("13800001111")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "reception-form-phone.png"), full_page=True)
    phone.get_by_role("button", name="保存").click()
    phone.wait_for_load_state()
    if "/new/" in phone.url:  # show the form's errors when the save was refused
        phone.screenshot(path=str(SHOTS / "reception-form-refused.png"), full_page=True)
        raise AssertionError(phone.locator("#reception-form").inner_text())
    phone.wait_for_url("**/desk/receptions/")
    assert "接待记录已保存" in phone.locator(".messages").inner_text()

    reception = Reception.objects.get()
    assert reception.people_count == 4
    assert sorted(reception.matters.values_list("outcome", flat=True)) == ["answered", "forwarded"]

    staff = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
    sign_in(staff, live_server, "m_township")
    staff.goto(f"{live_server.url}/desk/receptions/")
    staff.locator("#staff-table tbody a").first.click()
    assert "去石浦的公交班次太少" in staff.content()  # shown as forwarded
    staff.goto(f"{live_server.url}/desk/petitions/")
    assert "去石浦的公交班次太少" in staff.content()  # and waiting for screening
    staff.context.close()

    sibling_user = sworld.base.users["township"].__class__.objects.create_user(
        "m_sibling", password=PASSWORD, is_staff=True, region=sworld.base.regions["townA2"]
    )
    from portal import access

    access.grant_role(sibling_user, sworld.base.regions["townA2"], access.Role.STAFF)
    sibling = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ).new_page()
    sign_in(sibling, live_server, "m_sibling")
    sibling.goto(f"{live_server.url}/desk/receptions/")
    assert "去石浦的公交班次太少" not in sibling.content()
    sibling.goto(f"{live_server.url}/desk/petitions/")
    assert "去石浦的公交班次太少" not in sibling.content()
    assert "甲一镇中心联络站" not in sibling.content()
    response = sibling.goto(f"{live_server.url}/desk/receptions/{reception.pk}/")
    assert response.status == 404
    sibling.context.close()
