"""The first journeys in a real browser: a citizen on a phone, a deputy, county staff."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from portal.demo.core import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/desk/")


def test_citizen_sees_the_home_page_in_chinese_on_a_phone(phone, live_server):
    requests = []
    phone.on("request", lambda request: requests.append(request.url))
    phone.goto(live_server.url + "/")
    assert phone.locator("h1").inner_text() == "有事找代表，代表在身边"
    assert phone.get_by_role("heading", name="反映问题").is_visible()
    # The page fits the phone: no horizontal scrolling.
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    assert all(url.startswith(live_server.url) for url in requests), requests
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "home-phone.png"), full_page=True)


def test_deputy_signs_in_on_a_phone_and_sees_the_desk(phone, live_server):
    call_command("seed_demo", verbosity=0)
    _sign_in(phone, live_server, "deputy_shipu")
    body = phone.locator("main").inner_text()
    assert "您好，郑海波" in body
    assert "人大代表" in body and "石浦镇" in body
    assert phone.get_by_role("link", name="进入管理后台").count() == 0


def test_county_staff_reaches_their_units_in_the_admin(desktop, live_server):
    call_command("seed_demo", verbosity=0)
    _sign_in(desktop, live_server, "county_staff")
    assert "象山县 · 工作人员" in desktop.locator("main").inner_text()
    desktop.get_by_role("link", name="进入管理后台").click()
    desktop.get_by_role("link", name="承办单位").first.click()
    table = desktop.locator("#result_list").inner_text()
    assert "象山县交通运输局" in table
    assert "江北区交通运输局" not in table
    SHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SHOTS / "admin-departments.png"), full_page=True)


def test_wrong_password_shows_a_chinese_error(phone, live_server):
    call_command("seed_demo", verbosity=0)
    phone.goto(f"{live_server.url}/accounts/login/")
    phone.get_by_label("用户名").fill("county_staff")
    phone.get_by_label("密码").fill("wrong-password")
    phone.get_by_role("button", name="登录").click()
    assert "请输入一个正确的" in phone.locator(".errors").inner_text()
