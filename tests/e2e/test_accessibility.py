"""axe-core on every page of the three users' journeys, the staff lists and the admin's
changelists, over the demo data: no serious or critical violation anywhere.

axe-core is test tooling installed from npm by ``make e2e-tools`` (tests/e2e/tools); the
portal never serves it."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from petitions.models import Petition
from stations.models import Station

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO_PASSWORD = "demo-pass-2026"
DOCS = Path(os.environ.get("E2E_DOC_SCREENSHOTS", "docs/screenshots"))
# The pages whose screenshots the README shows: (user, path) -> file name.
SCREENSHOTS = {
    ("citizen", "/petitions/new/"): "citizen-issue-form-phone",
    ("county_staff", "/desk/"): "staff-desk",
    ("county_staff", "/desk/suggestions/"): "staff-suggestions",
    ("county_staff", "/admin/petitions/petition/"): "admin-issues",
    ("deputy_shipu", "/desk/"): "deputy-desk-phone",
    ("deputy_shipu", "/desk/receptions/new/"): "deputy-reception-form-phone",
}

PUBLIC = [
    "/", "/petitions/new/", "/petitions/track/", "/petitions/results/", "/stations/",
    "/supervision/results/", "/voting/", "/accounts/login/", "/accounts/password/reset/",
    "/accounts/activate/", "/no-such-page/",
]  # fmt: skip
STAFF_LISTS = [
    "/desk/", "/desk/petitions/", "/desk/petitions/topics/", "/desk/receptions/",
    "/desk/deputies/", "/desk/stations/", "/desk/matters/", "/desk/suggestions/",
    "/desk/voting/", "/desk/voting/proposals/", "/desk/voting/candidates/",
    "/desk/voting/projects/", "/desk/inbox/", "/desk/inbox/settings/",
    "/desk/stations/statistics/", "/desk/contacts/compliance/", "/desk/matters/statistics/",
    "/desk/suggestions/statistics/", "/desk/suggestions/report/", "/desk/petitions/new/",
    "/desk/matters/new/", "/desk/search/?q=%E8%B7%AF%E7%81%AF", "/desk/petitions/?q=%E8%B7%AF%E7%81%AF",
]  # fmt: skip
ADMIN = [
    "/admin/", "/admin/petitions/petition/", "/admin/stations/reception/",
    "/admin/stations/representative/", "/admin/stations/station/", "/admin/portal/department/",
    "/admin/supervision/matter/", "/admin/suggestions/suggestion/", "/admin/voting/cycle/",
    "/admin/portal/event/", "/admin/portal/calendarday/",
]  # fmt: skip
DEPUTY = [
    "/desk/", "/desk/receptions/new/", "/desk/receptions/", "/desk/suggestions/",
    "/desk/suggestions/new/", "/desk/matters/", "/desk/inbox/", "/desk/voting/projects/",
]  # fmt: skip


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/desk/")


def visit_all(page, live_server, paths, axe_check, who="citizen"):
    """Check every page (axe-core, and a title naming the page and the platform); report
    the failures of all of them at once."""
    checked, failures = [], []
    site = settings.PORTAL_SITE_NAME or "人大代表履职服务平台"
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        if response.status == 404 and path != "/no-such-page/":
            continue  # a page this role does not have
        assert response.status < 500, f"{path}: {response.status}"
        title = page.title()
        if site not in title or title.strip() == site or "127.0.0.1" in title:
            failures.append(f"{path}: the title “{title}” does not name the page and platform")
        try:
            axe_check(page, path)
        except AssertionError as exc:
            failures.append(str(exc).split("\nassert")[0])
        if (who, path) in SCREENSHOTS:
            DOCS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS / f"{SCREENSHOTS[(who, path)]}.png"))
        checked.append(path)
    assert not failures, "\n".join(failures)
    return checked


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_citizen_pages(phone, live_server, demo, axe_check):
    station = Station.objects.order_by("pk").first()
    petition = Petition.objects.filter(published=True).first()
    paths = [*PUBLIC, f"/stations/{station.pk}/", f"/petitions/new/?station={station.pk}"]
    if petition is not None:
        paths.append(f"/petitions/results/{petition.pk}/")
    checked = visit_all(phone, live_server, paths, axe_check)
    assert "/" in checked and "/petitions/new/" in checked and "/no-such-page/" in checked


def test_office_staff_pages_and_admin_changelists(desktop, live_server, demo, axe_check):
    sign_in(desktop, live_server, "county_staff")
    petition = Petition.objects.filter(region__name="石浦镇").first() or Petition.objects.first()
    checked = visit_all(
        desktop,
        live_server,
        [*STAFF_LISTS, f"/desk/petitions/{petition.pk}/"],
        axe_check,
        "county_staff",
    )
    assert "/desk/petitions/" in checked and "/desk/suggestions/" in checked
    admin = visit_all(desktop, live_server, ADMIN, axe_check, "county_staff")
    assert "/admin/" in admin and "/admin/petitions/petition/" in admin


def test_deputy_and_handling_unit_pages(phone, browser, live_server, demo, axe_check):
    sign_in(phone, live_server, "deputy_shipu")
    checked = visit_all(phone, live_server, DEPUTY, axe_check, "deputy_shipu")
    assert "/desk/receptions/new/" in checked
    unit = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = unit.new_page()
    sign_in(page, live_server, "shipu_gov")
    assert "/desk/petitions/" in visit_all(
        page,
        live_server,
        ["/desk/", "/desk/petitions/", "/desk/suggestions/"],
        axe_check,
        "shipu_gov",
    )
    unit.close()
