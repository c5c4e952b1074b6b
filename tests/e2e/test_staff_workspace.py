"""The office clerk's workspace in a real browser: the side menu, the issue ledger as a table
(filter, sort, select, bulk forward), the Excel export read back with openpyxl, a saved
view, and axe-core on the pages. Screenshots for the README go to docs/screenshots/."""

import io
import os
from pathlib import Path

import pytest
from openpyxl import load_workbook

from petitions import workflow
from petitions.models import Petition
from portal.models import Event
from tests.factories import PASSWORD
from tests.petitions.conftest import pworld, submit, sworld, world  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DOCS = Path(os.environ.get("E2E_DOC_SCREENSHOTS", "docs/screenshots"))


def sign_in(desktop, live_server, username):
    desktop.goto(f"{live_server.url}/accounts/login/")
    desktop.locator("#id_username").fill(username)
    desktop.locator("#id_password").fill(PASSWORD)
    desktop.locator("form button[type=submit]").click()
    desktop.wait_for_url(f"{live_server.url}/desk/")


def shot(page, name):
    DOCS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS / f"{name}.png"), full_page=False)


def test_clerk_filters_sorts_selects_twenty_and_forwards_them_in_one_action(
    desktop,
    live_server,
    pworld,  # noqa: F811
    axe_check,
):
    clerk = pworld.base.users["township"]
    accepted = []
    for n in range(22):
        petition = submit(pworld, title=f"路灯不亮第{n:02d}处", category="housing")
        workflow.petition_accept(actor=clerk, petition_id=petition.pk)
        accepted.append(petition.pk)
    other = submit(pworld, title="公交班次太少")  # another category, not accepted
    sign_in(desktop, live_server, clerk.username)

    # The side menu shows the modules the clerk may use, with what waits.
    menu = desktop.locator("#side-menu")
    assert menu.locator("#menu-issues").is_visible()
    assert "甲一镇" in desktop.locator("#who-am-i").inner_text()
    axe_check(desktop, "desk")
    menu.locator("#menu-issues a").first.click()
    desktop.wait_for_url("**/desk/petitions/**")

    # Filter: accepted issues of one category; sort by submission time, oldest first.
    desktop.locator("#id_state").select_option("accepted")
    desktop.locator("#id_category").select_option("housing")
    desktop.locator("#table-filters button[type=submit]").click()
    desktop.wait_for_load_state()
    header = desktop.locator("th[data-key=submitted_at] a")
    header.click()
    desktop.wait_for_load_state()
    assert desktop.locator("th[data-key=submitted_at]").get_attribute("aria-sort") == "ascending"
    codes = desktop.locator("#staff-table tbody tr td:nth-child(2)").all_inner_texts()
    assert len(codes) == 20  # the first page of 22
    expected = list(
        Petition.objects.filter(pk__in=accepted).order_by("submitted_at", "id")
        .values_list("tracking_code", flat=True)[:20]
    )  # fmt: skip
    assert [c.strip() for c in codes] == expected
    assert "22" in desktop.locator("#row-count").inner_text()
    shot(desktop, "staff-issue-ledger")
    axe_check(desktop, "issue ledger")

    # Select the page's 20 rows and forward them to the township government at once.
    desktop.locator("#select-page").check()
    assert desktop.locator("#selected-count strong").inner_text() == "20"
    desktop.locator("#id_forward-department").select_option(label="甲一镇人民政府")
    desktop.locator("button[name=bulk][value=forward]").click()
    desktop.wait_for_load_state()
    message = desktop.locator(".messages li").first.inner_text()
    assert "20" in message and "已转办" in message, message
    forwarded = Petition.objects.filter(pk__in=accepted, state=Petition.State.FORWARDED)
    assert set(forwarded.values_list("tracking_code", flat=True)) == set(expected)
    assert Event.objects.filter(action="petition_forward", target_id__in=accepted).count() == 20
    other.refresh_from_db()
    assert other.state == Petition.State.SUBMITTED


def test_clerk_exports_the_filtered_list_and_saves_a_view(desktop, live_server, pworld):  # noqa: F811
    clerk = pworld.base.users["township"]
    for n in range(3):
        submit(pworld, title=f'=HYPERLINK("http://x")路灯{n}', category="housing")
    submit(pworld, title="公交班次太少", category="traffic")
    sign_in(desktop, live_server, clerk.username)
    desktop.goto(f"{live_server.url}/desk/petitions/?category=housing")
    with desktop.expect_download() as info:
        desktop.locator("#export-link").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert "甲一镇" in download.suggested_filename
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    # The columns on screen, then the full text.
    assert header[:4] == ("查询码", "标题", "状态", "分类") and "问题描述" in header
    assert len(body) == 3
    titles = [row[header.index("标题")] for row in body]
    assert all(t.startswith("'=HYPERLINK") for t in titles)  # never a formula
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)

    # Save the filter as a named view; it comes back as a chip that applies it.
    desktop.locator("#save-view summary").click()
    desktop.locator("#id_view_name").fill("路灯问题")
    desktop.locator("#save-view button[type=submit]").click()
    desktop.wait_for_load_state()
    chip = desktop.locator("a.saved-view", has_text="路灯问题")
    assert chip.count() == 1
    desktop.goto(f"{live_server.url}/desk/petitions/")
    desktop.locator("a.saved-view", has_text="路灯问题").click()
    desktop.wait_for_load_state()
    assert desktop.locator("#staff-table tbody tr").count() == 3
    assert "category=housing" in desktop.url
