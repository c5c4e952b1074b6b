"""A deputy logs a two-matter reception on a phone in at most six taps plus typing, counted
from the desk: the form opens ready (station, the deputy ticked, today, one person), a
forwarded matter asks for its category instead of an answer, and the saved page links the
citizen issue it created."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from petitions.models import Petition
from stations.models import Reception
from tests.e2e.test_reception_journey import sign_in
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))
TAP_BUDGET = 6  # from the desk: opening the form counts


class Taps:
    """Every tap, click or choice in a list the test makes goes through here and is counted;
    typing (``fill``) is not."""

    def __init__(self):
        self.count = 0

    def tap(self, locator) -> None:
        self.count += 1
        locator.tap()

    def select(self, locator, **option) -> None:
        self.count += 1
        locator.select_option(**option)


def test_a_two_matter_reception_takes_at_most_six_taps(phone, live_server, sworld):  # noqa: F811
    taps = Taps()
    sign_in(phone, live_server, "m_deputy")

    with phone.expect_navigation():
        taps.tap(phone.get_by_role("link", name="登记接待").first)
    phone.wait_for_url("**/desk/receptions/new/")
    # Ready: the deputy's station, the deputy ticked among its deputies only, today, one person.
    assert phone.get_by_label("联络站").input_value() == str(sworld.stations["a1"].pk)
    assert phone.get_by_label("甲一代表", exact=True).is_checked()
    assert not phone.get_by_label("甲一乙代表", exact=True).is_checked()
    assert phone.get_by_text("甲二代表").count() == 0
    assert phone.get_by_label("日期").input_value() == timezone.localdate().isoformat()
    assert phone.get_by_label("接待人数").input_value() == "1"

    first = phone.locator("fieldset.matter").nth(0)
    first.locator("textarea[name$='-content']").fill("村口路灯不亮，晚上出行不安全")
    first.locator("textarea[name$='-answer']").fill("已联系村委会，今天修好")

    taps.tap(phone.get_by_role("button", name="再加一条"))
    second = phone.locator("fieldset.matter").nth(1)
    assert phone.locator("fieldset.matter > legend").nth(1).inner_text() == "事项 2"
    second.locator("textarea[name$='-content']").fill("去石浦的公交班次太少，早上挤不上车")
    taps.tap(second.get_by_label("转交办理", exact=True))
    assert second.locator("textarea[name$='-answer']").is_hidden()
    taps.select(second.locator("select[name$='-category']"), label="道路交通")

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "reception-taps-phone.png"), full_page=True)
    with phone.expect_navigation():
        taps.tap(phone.get_by_role("button", name="保存"))
    if "/new/" in phone.url:  # show the form's errors when the save was refused
        raise AssertionError(phone.locator(".errorlist, .errors").all_inner_texts())
    phone.wait_for_url("**/desk/receptions/")

    assert taps.count <= TAP_BUDGET, taps.count
    issue = Petition.objects.get()
    assert issue.category == "traffic"
    message = phone.locator(".messages")
    assert "接待记录已保存。已生成群众诉求 1 件：" in message.inner_text()
    link = message.get_by_role("link", name=issue.tracking_code)
    assert link.get_attribute("href") == f"/desk/petitions/{issue.pk}/"
    reception = Reception.objects.get()
    assert reception.people_count == 1 and reception.date == timezone.localdate()
    assert list(reception.deputies.all()) == [sworld.deps["a1"]]
    assert sorted(reception.matters.values_list("outcome", flat=True)) == ["answered", "forwarded"]

    with phone.expect_navigation():
        link.tap()  # past the budget: the issue's page opens for the deputy
    phone.wait_for_url(f"**/desk/petitions/{issue.pk}/")
    assert "去石浦的公交班次太少" in phone.content()


def test_forwarding_hides_the_answer_and_another_station_lists_its_deputies(
    phone,
    live_server,
    sworld,  # noqa: F811
):
    sign_in(phone, live_server, "m_deputy")
    phone.goto(f"{live_server.url}/desk/receptions/new/")
    matter = phone.locator("fieldset.matter").nth(0)
    answer = matter.locator("textarea[name$='-answer']")
    category = matter.locator("select[name$='-category']")
    assert answer.is_visible() and category.is_hidden()
    matter.get_by_label("转交办理", exact=True).check()
    assert answer.is_hidden() and category.is_visible()
    matter.get_by_label("现场答复", exact=True).check()
    assert answer.is_visible() and category.is_hidden()

    # Added matters are numbered, and the new one follows its own outcome.
    phone.get_by_role("button", name="再加一条").click()
    phone.get_by_role("button", name="再加一条").click()
    legends = phone.locator("fieldset.matter > legend").all_inner_texts()
    assert legends == ["事项 1", "事项 2", "事项 3"]
    assert phone.locator("select[name='matters-2-category']").is_hidden()

    # The village station has only this deputy: the list follows the station chosen.
    assert phone.get_by_label("甲一乙代表", exact=True).count() == 1
    phone.get_by_label("联络站").select_option(label="甲一村联络站")
    slot = phone.locator(f"#deputies-slot[data-station='{sworld.stations['a1v'].pk}']")
    slot.wait_for()
    assert phone.get_by_label("甲一乙代表", exact=True).count() == 0
    assert phone.get_by_label("甲一代表", exact=True).is_checked()

    # The server has the last word: forwarded without a category is refused.
    matter.locator("textarea[name$='-content']").fill("菜市场门口积水")
    matter.get_by_label("转交办理", exact=True).check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="保存").click()
    assert "/new/" in phone.url and "请选择分类" in phone.content()
    assert not Reception.objects.exists()
