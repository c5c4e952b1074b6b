"""A citizen's pages in a real browser: the issue form surviving a lost CSRF cookie, the
live character count, and the error pages in Chinese."""

import pytest

from petitions.models import Petition
from portal import captcha
from tests.petitions.conftest import pworld, sworld, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_issue(phone, description="河道里堆满了垃圾，已经发臭了。"):
    phone.locator("[name=category]").select_option("environment")
    phone.locator("[name=title]").fill("河道有垃圾")
    phone.locator("[name=description]").fill(description)
    phone.locator("[name=citizen_name]").fill("赵阿姨")
    phone.locator("[name=citizen_phone]").fill("13900002222")
    phone.locator("[name=consent]").check()
    type_check_code(phone)


def type_check_code(phone):
    token = phone.locator("[name=captcha_token]").input_value()
    phone.locator("[name=captcha]").fill(captcha.answer_for(token))


def test_the_issue_form_survives_a_lost_csrf_cookie(phone, live_server, pworld):  # noqa: F811
    station = pworld.stations["a1v"]
    phone.goto(f"{live_server.url}/petitions/new/?station={station.pk}")
    fill_issue(phone)
    phone.context.clear_cookies()  # the browser lost the CSRF cookie meanwhile
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_load_state()
    alert = phone.locator("p.petition-alert[role=alert]")
    assert "页面已过期，您的诉求尚未提交" in alert.inner_text()
    assert phone.locator("[name=title]").input_value() == "河道有垃圾"
    assert phone.locator("[name=description]").input_value() == "河道里堆满了垃圾，已经发臭了。"
    assert phone.locator("[name=citizen_name]").input_value() == "赵阿姨"
    assert phone.locator("[name=citizen_phone]").input_value() == "13900002222"
    assert phone.locator("[name=category]").input_value() == "environment"
    village = pworld.base.regions["villageA1"]
    assert phone.locator("[name=village]").input_value() == str(village.pk)
    assert phone.locator("[name=consent]").is_checked()
    assert not Petition.objects.exists()

    type_check_code(phone)  # a new check code; the fresh CSRF token is in the page
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_url("**/petitions/submitted/**")
    petition = Petition.objects.get()
    assert (petition.title, petition.region, petition.station) == ("河道有垃圾", village, station)


def test_a_pasted_long_description_is_counted_and_kept(phone, live_server, pworld):  # noqa: F811
    phone.goto(f"{live_server.url}/petitions/new/")
    counter = phone.locator("#id_description-counter")
    assert counter.inner_text() == "已输入 0 / 5000 字"
    pasted = "路灯坏了" * 1500
    fill_issue(phone, description=pasted)
    phone.locator("[name=township]").select_option(str(pworld.base.regions["townA1"].pk))
    assert len(phone.locator("[name=description]").input_value()) == 6000  # not cut
    assert counter.inner_text() == "已输入 6000 / 5000 字，超出 1000 字，请删减"
    assert "char-counter-over" in counter.get_attribute("class")
    assert counter.get_attribute("aria-live") == "polite"
    phone.locator("form button[type=submit]").last.click()
    phone.wait_for_load_state()
    assert phone.locator("[name=description]").input_value() == pasted
    assert "超过了 5000 字的上限" in phone.locator(".field.has-error").first.inner_text()
    assert not Petition.objects.exists()


@pytest.fixture
def failing(settings):
    settings.ROOT_URLCONF = "tests.error_urls"


def test_the_error_pages_are_chinese_with_a_way_home(desktop, live_server, failing):
    response = desktop.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    assert desktop.locator("h1").inner_text() == "页面不存在"
    assert desktop.title().startswith("页面不存在 · ")
    desktop.get_by_role("link", name="返回首页").click()
    desktop.wait_for_url(f"{live_server.url}/")

    response = desktop.goto(f"{live_server.url}/test-errors/boom/")
    assert response.status == 500
    assert desktop.locator("h1").inner_text() == "服务暂时不可用"
    assert desktop.title().startswith("服务暂时不可用 · ")
    assert desktop.get_by_role("link", name="返回首页").count() == 1
