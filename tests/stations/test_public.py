"""The public station directory and station pages: content, filters, 404s, no citizen data."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from stations.models import (
    ContactVisit,
    DutyShift,
    Household,
    Reception,
    ReceptionMatter,
    Representative,
    Station,
)
from tests.stations.conftest import join, make_deputy

LIST_URL = "/stations/"
_serial = itertools.count(1)


def detail_url(station) -> str:
    return f"/stations/{station.pk}/"


def listed_names(response) -> list[str]:
    return [station.name for station in response.context["page"].object_list]


def add_stations(region, count: int, members: int = 2) -> None:
    """Create ``count`` open stations under ``region``, each with ``members`` deputies."""
    for _ in range(count):
        n = next(_serial)
        station = Station.objects.create(
            region=region, name=f"测试站{n:03d}", kind=Station.Kind.VILLAGE, address=f"测试路{n}号"
        )
        for m in range(members):
            join(station, make_deputy(region, f"测试代表{n}-{m}", f"T-{n}-{m}"))


def add_shift(station, date, deputies=(), moved_from=None, start=9) -> DutyShift:
    shift = DutyShift.objects.create(
        region=station.region,
        station=station,
        date=date,
        start_time=datetime.time(start, 0),
        end_time=datetime.time(start + 2, 0),
        moved_from=moved_from,
    )
    shift.deputies.set(deputies)
    return shift


# --- the list ----------------------------------------------------------------------


def test_list_shows_open_stations_with_their_facts(client, sworld):
    station = sworld.stations["a1"]
    station.opening_hours = "周一至周五 9:00-17:00"
    station.save()
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("甲一镇中心联络站", "甲一村联络站", "甲二镇中心联络站", "乙一镇中心联络站"):
        assert name in html
    assert "甲一镇人民路1号" in html
    assert "0574-1000001" in html
    assert "周一至周五 9:00-17:00" in html
    assert "甲一镇" in html  # the region's name
    assert f'href="{detail_url(station)}"' in html


def test_list_counts_active_member_deputies(client, sworld):
    sworld.deps["a1b"].is_active = False
    sworld.deps["a1b"].save()
    response = client.get(LIST_URL)
    counts = {s.name: s.member_count for s in response.context["page"].object_list}
    assert counts["甲一镇中心联络站"] == 1
    assert counts["甲一村联络站"] == 1
    assert counts["乙一镇中心联络站"] == 1


def test_list_hides_closed_stations(client, sworld):
    Station.objects.filter(pk=sworld.stations["a2"].pk).update(is_active=False)
    response = client.get(LIST_URL)
    assert "甲二镇中心联络站" not in response.content.decode()


def test_list_filters_by_county_subtree(client, sworld):
    county = sworld.base.regions["countyA"]
    names = listed_names(client.get(LIST_URL, {"region": county.pk}))
    assert sorted(names) == sorted(["甲一镇中心联络站", "甲一村联络站", "甲二镇中心联络站"])


def test_list_filters_by_township_subtree_including_villages(client, sworld):
    town = sworld.base.regions["townA1"]
    names = listed_names(client.get(LIST_URL, {"region": town.pk}))
    assert sorted(names) == sorted(["甲一镇中心联络站", "甲一村联络站"])


def test_list_offers_counties_and_townships_only(client, sworld):
    regions = sworld.base.regions
    html = client.get(LIST_URL).content.decode()
    assert f'value="{regions["countyA"].pk}"' in html
    assert f'value="{regions["townA1"].pk}"' in html
    assert f'value="{regions["villageA1"].pk}"' not in html
    assert f'value="{regions["city"].pk}"' not in html


@pytest.mark.parametrize("value", ["abc", "-1", "999999", "1e3", "", "%00"])
def test_list_ignores_a_bad_or_unknown_region(client, sworld, value):
    response = client.get(LIST_URL, {"region": value})
    assert response.status_code == 200
    assert len(listed_names(response)) == 4


def test_list_ignores_a_region_that_is_not_offered(client, sworld):
    village = sworld.base.regions["villageA1"]
    response = client.get(LIST_URL, {"region": village.pk})
    assert response.status_code == 200
    assert len(listed_names(response)) == 4


def test_list_filters_by_name(client, sworld):
    assert listed_names(client.get(LIST_URL, {"q": "甲二"})) == ["甲二镇中心联络站"]
    assert listed_names(client.get(LIST_URL, {"q": "不存在"})) == []


@pytest.mark.parametrize("value", ["\x00", "甲二\x00", "%", "_", "'", "x" * 5000])
def test_list_survives_odd_name_searches(client, sworld, value):
    assert client.get(LIST_URL, {"q": value}).status_code == 200


def test_list_combines_region_and_name(client, sworld):
    county = sworld.base.regions["countyA"]
    names = listed_names(client.get(LIST_URL, {"region": county.pk, "q": "村"}))
    assert names == ["甲一村联络站"]


def test_list_paginates_thirty_to_a_page_and_keeps_the_filter(client, sworld):
    town = sworld.base.regions["townA2"]
    add_stations(town, 35, members=0)
    first = client.get(LIST_URL, {"region": town.pk})
    assert len(listed_names(first)) == 30
    html = first.content.decode()
    assert f"region={town.pk}" in html and "page=2" in html
    second = client.get(LIST_URL, {"region": town.pk, "page": 2})
    assert len(listed_names(second)) == 6  # 35 new ones and 甲二镇中心联络站


@pytest.mark.parametrize("page", ["abc", "0", "-3", "999", "1.5", "99999999999999999999"])
def test_list_answers_a_bad_page_with_a_real_page(client, sworld, page):
    add_stations(sworld.base.regions["townA2"], 35, members=0)
    response = client.get(LIST_URL, {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number in (1, 2)
    assert listed_names(response)


def test_list_query_count_does_not_grow_with_stations(client, sworld):
    town = sworld.base.regions["townB1"]
    add_stations(town, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST_URL).status_code == 200
    add_stations(sworld.base.regions["townA2"], 35)
    with CaptureQueriesContext(connection) as many:
        response = client.get(LIST_URL)
    assert len(listed_names(response)) == 30
    assert len(many) == len(few)


def test_list_is_read_only(client, sworld):
    assert client.post(LIST_URL).status_code == 405


# --- one station -------------------------------------------------------------------


@pytest.fixture
def furnished(sworld):
    """Give station a1 everything its public page shows."""
    station = sworld.stations["a1"]
    deputy = sworld.deps["a1"]
    deputy.work_unit = "甲一镇农业服务中心主任"
    deputy.public_contact = "daibiao-a1@example.cn"
    deputy.save()
    station.opening_hours = "每月10日 8:30-11:30"
    station.liaison_officer = "联络员王芳"
    station.chief = sworld.deps["a1b"]
    station.checklist = {"organization": True, "premises": True, "opinion_box": False}
    station.activity_plan = "三月：走访困难群众\n四月：视察道路"
    station.rules = "代表轮流驻站<制度>"
    station.save()
    return sworld


def test_detail_shows_the_station(client, furnished):
    station = furnished.stations["a1"]
    response = client.get(detail_url(station))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "甲一镇中心联络站",
        "甲一镇人民路1号",
        "0574-1000001",
        "每月10日 8:30-11:30",
        "联络员王芳",
        "甲一乙代表",  # the chief
        "甲一镇农业服务中心主任",
        "daibiao-a1@example.cn",
        "三月：走访困难群众<br>四月：视察道路",  # linebreaks
        "代表轮流驻站&lt;制度&gt;",  # escaped
        str(station.get_kind_display()),
    ):
        assert text in html, text


def test_detail_shows_the_six_haves_checklist(client, furnished):
    response = client.get(detail_url(furnished.stations["a1"]))
    checklist = response.context["checklist"]
    assert [key for key, _label, _done in checklist] == [
        "organization",
        "premises",
        "rules",
        "signboard",
        "equipment",
        "opinion_box",
    ]
    assert {key for key, _label, done in checklist if done} == {"organization", "premises"}
    html = response.content.decode()
    for _key, label, _done in checklist:
        assert str(label) in html


def test_detail_links_to_report_and_to_the_posters(client, sworld):
    station = sworld.stations["a1"]
    html = client.get(detail_url(station)).content.decode()
    assert f'href="/petitions/new/?station={station.pk}"' in html
    for fmt in ("svg", "pdf", "png"):
        assert f'href="/stations/{station.pk}/poster.{fmt}"' in html


def test_detail_lists_only_active_member_deputies(client, sworld):
    sworld.deps["a1b"].is_active = False
    sworld.deps["a1b"].save()
    response = client.get(detail_url(sworld.stations["a1"]))
    members = [deputy.name for deputy in response.context["station"].public_members]
    assert members == ["甲一代表"]


def test_detail_shows_the_roster_of_the_next_sixty_days(client, sworld):
    station = sworld.stations["a1"]
    today = timezone.localdate()
    holiday = today + datetime.timedelta(days=4)
    add_shift(station, today + datetime.timedelta(days=5), [sworld.deps["a1"]], moved_from=holiday)
    add_shift(station, today + datetime.timedelta(days=60), [sworld.deps["a1b"]])
    add_shift(station, today - datetime.timedelta(days=1), [sworld.deps["a2"]])
    add_shift(station, today + datetime.timedelta(days=61), [sworld.deps["b1"]])
    add_shift(sworld.stations["a2"], today, [sworld.deps["a2"]])  # another station
    response = client.get(detail_url(station))
    shifts = response.context["shifts"]
    assert [shift.date for shift in shifts] == [
        today + datetime.timedelta(days=5),
        today + datetime.timedelta(days=60),
    ]
    html = response.content.decode()
    assert "甲一代表" in html and "甲一乙代表" in html
    assert "甲二代表" not in html and "乙一代表" not in html
    assert date_format(holiday, "DATE_FORMAT") in html  # the "moved from" note
    assert "09:00–11:00" in html


def test_detail_of_a_closed_station_is_404(client, sworld):
    station = sworld.stations["a2"]
    Station.objects.filter(pk=station.pk).update(is_active=False)
    assert client.get(detail_url(station)).status_code == 404


def test_detail_of_an_unknown_station_is_404(client, sworld):
    assert client.get("/stations/999999/").status_code == 404


def test_detail_query_count_is_fixed(client, sworld):
    station = sworld.stations["a1"]
    today = timezone.localdate()
    add_shift(station, today, [sworld.deps["a1"]])
    with CaptureQueriesContext(connection) as few:
        client.get(detail_url(station))
    for n in range(12):
        deputy = make_deputy(station.region, f"加站代表{n}", f"X-{n}")
        join(station, deputy)
        add_shift(station, today + datetime.timedelta(days=n + 1), [deputy, sworld.deps["a1"]])
    with CaptureQueriesContext(connection) as many:
        response = client.get(detail_url(station))
    assert len(response.context["shifts"]) == 13
    assert len(many) == len(few)


# --- no citizen data ---------------------------------------------------------------


SECRETS = (
    "13812345678",  # the deputy's own phone
    "张三群众",  # citizen_name
    "13987654321",  # citizen_phone
    "村口路灯坏了三个月",  # matter content
    "答复路灯已报修",  # matter answer
    "接待摘要机密",  # reception summary
    "困难户李四",  # household head
    "13700001111",  # household phone
    "李家村5组",  # household address
    "走访谈话内容",  # contact visit note
)


@pytest.fixture
def citizen_data(sworld):
    station = sworld.stations["a1"]
    deputy = sworld.deps["a1"]
    Representative.objects.filter(pk=deputy.pk).update(phone="13812345678")
    user = sworld.base.users["township"]
    reception = Reception.objects.create(
        region=station.region,
        station=station,
        date=timezone.localdate(),
        people_count=3,
        summary="接待摘要机密",
        recorded_by=user,
    )
    reception.deputies.add(deputy)
    ReceptionMatter.objects.create(
        region=station.region,
        reception=reception,
        content="村口路灯坏了三个月",
        outcome=ReceptionMatter.Outcome.ANSWERED,
        answer="答复路灯已报修",
        citizen_name="张三群众",
        citizen_phone="13987654321",
    )
    household = Household.objects.create(
        region=station.region,
        representative=deputy,
        name="困难户李四",
        kind=Household.Kind.POOR,
        phone="13700001111",
        address="李家村5组",
    )
    ContactVisit.objects.create(
        region=station.region,
        household=household,
        date=timezone.localdate(),
        note="走访谈话内容",
        recorded_by=user,
    )
    add_shift(station, timezone.localdate(), [deputy])
    station.chief = deputy
    station.save()
    return sworld


@pytest.mark.parametrize("page", ["list", "detail"])
def test_public_pages_show_no_citizen_data_and_no_deputy_phone(client, citizen_data, page):
    station = citizen_data.stations["a1"]
    url = LIST_URL if page == "list" else detail_url(station)
    html = client.get(url).content.decode()
    assert "甲一代表" in html or page == "list"
    for secret in SECRETS:
        assert secret not in html, secret
