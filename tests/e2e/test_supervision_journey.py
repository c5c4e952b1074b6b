"""A deputy in a supervision group works from a phone: finds the group's matter on the desk,
logs a site visit, and records the round's evaluation after the department reports it done;
the matter closes with its citizen issues."""

import os
from pathlib import Path

import pytest

from petitions.models import Petition
from supervision import workflow
from supervision.models import Matter
from tests.e2e.test_reception_journey import sign_in
from tests.petitions.conftest import pworld  # noqa: F401  (fixtures)
from tests.stations.conftest import sworld, world  # noqa: F401  (fixtures)
from tests.supervision.conftest import MatterWorld, matter_in_handling, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "var/e2e"))


def open_action(page, name):
    """Unfold the action's section unless the page already shows it open."""
    section = page.locator(f"#action-{name}")
    if section.get_attribute("open") is None:
        section.locator("summary").click()


def test_a_deputy_supervises_a_matter_from_a_phone(phone, live_server, pworld):  # noqa: F811
    mworld = MatterWorld(pworld)
    matter = matter_in_handling(mworld)
    sign_in(phone, live_server, "m_deputy")
    phone.locator("#matter-card").get_by_role("link", name="我参加的督事小组").click()
    phone.get_by_role("link", name="公交班次").click()
    phone.wait_for_url(f"**/desk/matters/{matter.pk}/")
    open_action(phone, "log")
    phone.locator("#action-log select[name='kind']").select_option("site_visit")
    phone.locator("#action-log textarea[name='text']").fill("到车站查看早班客流")
    phone.locator("#action-log button[type='submit']").click()
    phone.wait_for_url(f"**/desk/matters/{matter.pk}/")
    assert "到车站查看早班客流" in phone.content()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    workflow.matter_report_completion(
        actor=pworld.handlers["townA1"], matter_id=matter.pk, report="已增加两班"
    )
    phone.reload()
    open_action(phone, "evaluate")
    phone.locator("#action-evaluate input[value='satisfied']").check()
    phone.locator("#action-evaluate input[name='checked_on']").fill(today().isoformat())
    phone.locator("#action-evaluate textarea[name='findings']").fill("早班不再拥挤")
    phone.locator("#action-evaluate textarea[name='result']").fill("早班公交已增加两班")
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SHOTS / "matter-evaluate-phone.png"), full_page=True)
    phone.locator("#action-evaluate button[type='submit']").click()
    phone.wait_for_url(f"**/desk/matters/{matter.pk}/")
    assert phone.locator("#matter-state").inner_text() == "办结销号"
    matter.refresh_from_db()
    assert matter.state == Matter.State.CLOSED
    linked = Petition.objects.filter(matter_link__matter=matter)
    assert linked.count() == 3 and set(linked.values_list("state", flat=True)) == {"resolved"}
