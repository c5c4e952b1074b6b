"""The supervision statistics leave out regions with nothing in the period (the totals
stay); the matter's desk page shows Chinese dates."""

import pytest

from tests.supervision.conftest import future, matter_in_handling

pytestmark = pytest.mark.django_db

STATISTICS = "/desk/matters/statistics/"


def body(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_regions_with_nothing_are_left_out_with_a_note(client, mworld):
    matter_in_handling(mworld, issues=[])
    client.force_login(mworld.users["county"])
    html = client.get(STATISTICS).content.decode()
    rows = body(html)
    assert "<strong>甲县</strong>" in rows and "甲一镇" in rows
    assert "甲二镇" not in rows  # nothing opened, closed or due there
    assert "无数据的地区未列出" in html and html.count("无数据的地区未列出") == 1


def test_the_total_row_stays_when_everything_is_zero(client, mworld):
    client.force_login(mworld.users["township"])
    html = client.get(STATISTICS).content.decode()
    rows = body(html)
    assert "<strong>甲一镇</strong>" in rows and "甲一村" not in rows
    assert "<td>0</td><td>0</td>" in rows and "无数据的地区未列出" in html


def test_the_matter_page_shows_chinese_dates(client, mworld):
    matter = matter_in_handling(mworld, issues=[])
    due = future()
    client.force_login(mworld.users["township"])
    html = client.get(f"/desk/matters/{matter.pk}/").content.decode()
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert f">{due.isoformat()}<" not in html and f" {due.isoformat()}" not in html
