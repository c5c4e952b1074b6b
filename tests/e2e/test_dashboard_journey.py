"""The county leader's dashboard in a real browser, on the demo's two years of history: the
charts render (SVG), the table behind a chart holds the API's numbers, a click on a region
drills into the township and a station, the period switches, the Excel export downloads,
and axe-core finds nothing serious. Screenshot for the README: docs/screenshots/."""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook

from portal.demo.core import DEMO_PASSWORD
from portal.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(os.environ.get("E2E_DOC_SCREENSHOTS", "docs/screenshots"))


def test_county_leader_drills_switches_the_period_and_exports(desktop, live_server, axe_check):
    call_command("seed_demo", verbosity=0)
    desktop.goto(f"{live_server.url}/accounts/login/")
    desktop.locator("#id_username").fill("county_leader")
    desktop.locator("#id_password").fill(DEMO_PASSWORD)
    desktop.locator("form button[type=submit]").click()
    desktop.wait_for_url(f"{live_server.url}/desk/")
    desktop.locator("#side-menu a[href='/desk/dashboard/']").click()
    desktop.wait_for_url("**/desk/dashboard/**")
    assert "象山县" in desktop.locator("h1").inner_text()

    # The charts are drawn, as SVG, and the table behind one holds what the API says.
    desktop.locator("#chart-trend svg").wait_for()
    assert desktop.locator("#chart-categories svg").count() == 1
    DOCS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(DOCS / "dashboard.png"), full_page=False)
    api = Client()
    api.force_login(User.objects.get(username="county_leader"))
    answer = api.get("/api/v1/statistics/petitions_received/",
                     {"period": "year", "year": desktop.locator("#id_year").input_value(),
                      "breakdown": "category"}).json()  # fmt: skip
    expected = {row["label"]: row["value"] for row in answer["breakdown"]}
    desktop.locator("#chart-section-categories summary").click()
    shown = {}
    for row in desktop.locator("#table-categories tbody tr").all():
        shown[row.locator("th").inner_text()] = float(row.locator("td").first.inner_text())
    assert shown and shown == {k: v for k, v in expected.items() if v}
    card = desktop.locator("#figure-petitions_received .figure-value").inner_text()
    assert card.replace(",", "") == f"{int(answer['value'])}"
    axe_check(desktop, "dashboard")

    # Drill down: the township, then one of its stations; back by the breadcrumb.
    desktop.locator("#children a", has_text="石浦镇").click()
    desktop.wait_for_url("**region=**")
    assert "石浦镇" in desktop.locator("h1").inner_text()
    desktop.locator("#chart-section-stations summary").click()
    station = desktop.locator("#table-stations tbody a").first
    name = station.inner_text()
    station.click()
    desktop.wait_for_url("**station=**")
    assert name in desktop.locator("h1").inner_text()
    desktop.locator("#chart-station svg").wait_for()
    desktop.locator("nav.crumbs a", has_text="石浦镇").click()
    desktop.wait_for_url("**region=**")
    assert "station=" not in desktop.url

    # Switch the period: a quarter of last year.
    desktop.locator("#id_period").select_option("quarter")
    year = int(desktop.locator("#id_year").input_value()) - 1
    desktop.locator("#id_year").fill(str(year))
    desktop.locator("#id_quarter").select_option("2")
    desktop.locator("#period-form button[type=submit]").click()
    desktop.wait_for_url("**quarter=2**")
    assert desktop.locator("#period-label").inner_text().startswith(f"{year}年第2季度")
    desktop.locator("#chart-trend svg").wait_for()

    # Export to Excel: the figures sheet carries every card of the page.
    with desktop.expect_download() as download:
        desktop.locator("#export-link").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    figures_sheet = book.worksheets[0]
    cells = {row[1]: row[2] for row in figures_sheet.iter_rows(min_row=3, values_only=True)}
    received = desktop.locator("#figure-petitions_received .figure-value").inner_text()
    assert cells["收到诉求"] == received
    assert "石浦镇" in download.value.suggested_filename
