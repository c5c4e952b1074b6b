"""The station statistics and the deputy's archive: the year box shows the year displayed,
regions and stations with nothing in the period are left out (the totals stay), and the
archive shows Chinese dates."""

import datetime
import re

from django.utils import timezone

from stations import queries
from stations.models import Reception

STATISTICS = "/desk/stations/statistics/"


def selected_year(html: str) -> int:
    box = html.split('<select name="year"', 1)[1].split("</select>", 1)[0]
    return int(re.search(r'<option value="(\d+)" selected>', box).group(1))


def receive(sworld, station_key: str, date: datetime.date, people: int = 3) -> Reception:
    from portal.figures import snapshots

    station = sworld.stations[station_key]
    reception = Reception.objects.create(
        region=station.region, station=station, date=date, form="sitting",
        people_count=people, recorded_by=sworld.base.users["city"],
    )  # fmt: skip
    # The statistics read the monthly figures, which the beat recomputes every few minutes.
    snapshots.refresh([date.replace(day=1)], ["receptions", "matters"])
    return reception


def test_the_year_box_shows_the_year_displayed(client, sworld):
    client.force_login(sworld.base.users["city"])
    this_year = timezone.localdate().year
    for url in (STATISTICS, "/desk/contacts/compliance/"):
        assert selected_year(client.get(url).content.decode()) == this_year
        assert selected_year(client.get(url, {"year": "2021"}).content.decode()) == 2021
        # A year outside the last five is still the one the box shows.
        next_year = client.get(url, {"year": str(this_year + 1)})
        assert next_year.context["year"] == this_year + 1
        assert selected_year(next_year.content.decode()) == this_year + 1


def test_regions_and_stations_with_nothing_are_left_out_but_the_total_stays(client, sworld):
    today = timezone.localdate()
    receive(sworld, "a1", today)
    client.force_login(sworld.base.users["city"])
    page = client.get(STATISTICS)
    names = [node.region.name for node in page.context["nodes"]]
    assert names == ["城市甲", "甲县", "甲一镇"]  # 乙县, 乙一镇, 甲二镇 had nothing
    (town,) = [node for node in page.context["nodes"] if node.region.name == "甲一镇"]
    assert [station.name for station, _f in town.stations] == ["甲一镇中心联络站"]
    html = page.content.decode()
    assert "无数据的地区和联络站未列出" in html
    assert "乙县" not in html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_the_total_row_stays_when_nothing_was_recorded(client, sworld):
    client.force_login(sworld.base.users["city"])
    page = client.get(STATISTICS)
    assert [node.region.name for node in page.context["nodes"]] == ["城市甲"]
    assert page.context["nodes"][0].figures.stations == 4


def test_nothing_is_left_out_when_every_row_has_figures(sworld):
    today = timezone.localdate()
    for key in ("a1", "a1v", "a2", "b1"):
        receive(sworld, key, today)
    nodes = queries.station_statistics(
        sworld.base.users["city"], today.replace(month=1, day=1), today
    )
    shown, hidden = queries.statistics_rows(nodes)
    assert not hidden and len(shown) == len(nodes)


def test_the_archive_shows_chinese_dates(client, sworld):
    deputy = sworld.deps["a1"]
    receive(sworld, "a1", datetime.date(2025, 3, 9)).deputies.add(deputy)
    client.force_login(sworld.base.users["city"])
    html = client.get(f"/desk/deputies/{deputy.pk}/archive/").content.decode()
    assert "2025年3月9日 · 甲一镇中心联络站" in html and "2025-03-09" not in html
