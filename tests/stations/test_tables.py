"""The stations app's staff tables: the reception log, the deputy roster and the liaison
stations (scoping, sorting, keyword, filters, export, masking, query cost)."""

import datetime
import io
import itertools

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from portal import access
from stations import workflow
from stations.models import Mandate, MandateLevel, Reception, ReceptionMatter, Station
from tests.factories import UserFactory
from tests.portal.conftest import POSITIONS
from tests.stations.conftest import join, make_deputy

RECEPTIONS = "/desk/receptions/"
DEPUTIES = "/desk/deputies/"
STATIONS = "/desk/stations/"
LISTS = (RECEPTIONS, DEPUTIES, STATIONS)
TODAY = timezone.localdate
ANSWERED = {"content": "村口路灯不亮", "outcome": "answered", "answer": "已联系村委会当天修复"}


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [row["pk"] for row in response.context["rows"]]


def record(actor, station, deputies, *, date=None, people=2, matters=(ANSWERED,)):
    return workflow.reception_record(
        actor=actor, station_id=station.pk, date=date or TODAY(), form=Reception.Form.SITTING,
        people_count=people, deputy_ids=[d.pk for d in deputies],
        matters=[workflow.MatterInput(**m) for m in matters],
    )  # fmt: skip


def workbook_rows(response) -> list[tuple]:
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def root(db):
    return UserFactory(username="m_root", is_superuser=True)


@pytest.fixture
def placed(sworld, root):
    """One station, deputy and reception in every region of the world, by region key."""
    regions = sworld.base.regions
    found = {
        "townA1": (sworld.stations["a1"], sworld.deps["a1"]),
        "villageA1": (sworld.stations["a1v"], sworld.deps["a1"]),
        "townA2": (sworld.stations["a2"], sworld.deps["a2"]),
        "townB1": (sworld.stations["b1"], sworld.deps["b1"]),
    }
    for key in ("city", "city2", "countyA", "countyB", "villageA1"):
        region = regions[key]
        deputy = make_deputy(region, f"{region.name}代表", f"D-{key}")
        if key not in found:
            station = Station.objects.create(
                region=region, name=f"{region.name}联络站", kind=Station.Kind.CENTRAL
            )
            join(station, deputy)
            found[key] = (station, deputy)
        else:
            found[key] = (found[key][0], deputy)
    placed = {}
    for key, (station, deputy) in found.items():
        present = [m for m in station.members.all()][:1]
        placed[key] = {
            "station": station,
            "deputy": deputy,
            "reception": record(root, station, present),
        }
    return placed


# --- scoping --------------------------------------------------------------------------

OFFICE_CASES = [
    (role, position)
    for role in ("city", "county", "township", "viewer")
    for position, key in POSITIONS[role].items()
    if key is not None
]


@pytest.mark.parametrize(("role", "position"), OFFICE_CASES)
@pytest.mark.parametrize(("url", "kind"), [(RECEPTIONS, "reception"), (DEPUTIES, "deputy"),
                                           (STATIONS, "station")])  # fmt: skip
def test_office_lists_own_region_and_below_never_a_sibling_or_parent(
    client, sworld, placed, role, position, url, kind
):
    client.force_login(sworld.base.users[role])
    row = placed[POSITIONS[role][position]][kind]
    assert (row.pk in listed(client.get(url))) == (position in ("own", "child"))


def test_a_deputy_lists_only_the_receptions_they_recorded_or_attended(client, sworld, root):
    a1, a1b = sworld.deps["a1"], sworld.deps["a1b"]
    theirs = record(sworld.base.users["deputy"], sworld.stations["a1"], [a1])
    attended = record(root, sworld.stations["a1"], [a1, a1b])
    others = record(root, sworld.stations["a1"], [a1b])
    elsewhere = record(root, sworld.stations["a2"], [sworld.deps["a2"]])
    client.force_login(sworld.base.users["deputy"])
    assert set(listed(client.get(RECEPTIONS))) == {theirs.pk, attended.pk}
    client.force_login(sworld.base.users["deputy2"])
    assert set(listed(client.get(RECEPTIONS))) == {attended.pk, others.pk}
    assert elsewhere.pk not in listed(client.get(RECEPTIONS))


def test_the_roster_and_the_stations_are_for_the_office_only(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    assert client.get(DEPUTIES).status_code == 403
    assert client.get(STATIONS).status_code == 403
    html = client.get(RECEPTIONS).content.decode()
    assert f'href="{DEPUTIES}"' not in html and f'href="{STATIONS}"' not in html  # nor links
    client.force_login(sworld.base.users["township"])
    html = client.get(RECEPTIONS).content.decode()
    assert "代表名册" in html and f'href="{DEPUTIES}"' in html and f'href="{STATIONS}"' in html


# --- the reception log ------------------------------------------------------------------


def test_reception_rows_show_station_deputies_counts_and_recorder(client, sworld):
    staff = sworld.base.users["township"]
    forwarded = {"content": "公交太少", "outcome": "forwarded", "category": "traffic"}
    reception = record(
        staff, sworld.stations["a1"], [sworld.deps["a1"], sworld.deps["a1b"]], people=7,
        matters=(ANSWERED, forwarded),
    )  # fmt: skip
    client.force_login(staff)
    response = client.get(RECEPTIONS)
    (row,) = response.context["rows"]
    cells = {column.key: value for column, value in row["cells"]}
    assert cells["station"] == "甲一镇中心联络站"
    assert cells["deputies"] == "、".join(sorted(["甲一代表", "甲一乙代表"]))
    assert (cells["people_count"], cells["matter_count"], cells["forwarded_count"]) == (7, 2, 1)
    assert cells["region"] == "甲一镇" and cells["recorded_by"] == staff.display_name
    assert row["url"] == f"/desk/receptions/{reception.pk}/"
    html = response.content.decode()
    assert "/desk/receptions/new/" in html  # the office may log one


def test_receptions_sort_by_a_column(client, sworld, root):
    a1 = sworld.deps["a1"]
    small = record(root, sworld.stations["a1"], [a1], people=1)
    large = record(root, sworld.stations["a1"], [a1], people=9)
    middle = record(root, sworld.stations["a1v"], [a1], people=5)
    client.force_login(sworld.base.users["county"])
    assert listed(client.get(RECEPTIONS, {"ordering": "people_count"})) == [
        small.pk, middle.pk, large.pk,
    ]  # fmt: skip
    assert listed(client.get(RECEPTIONS, {"ordering": "-people_count"})) == [
        large.pk, middle.pk, small.pk,
    ]  # fmt: skip
    by_station = listed(client.get(RECEPTIONS, {"ordering": "station"}))
    assert by_station[-1] == middle.pk or by_station[0] == middle.pk
    response = client.get(RECEPTIONS, {"ordering": "deputies"})  # not sortable
    assert listed(response) == [] and "ordering" in response.context["filter_errors"]


def test_receptions_keyword_finds_a_station_name_or_a_matter(client, sworld, root):
    a1 = sworld.deps["a1"]
    lamp = record(root, sworld.stations["a1"], [a1])
    bus = record(root, sworld.stations["a1v"], [a1],
                 matters=({"content": "公交班次太少", "outcome": "answered", "answer": "已反映"},))  # fmt: skip
    client.force_login(sworld.base.users["county"])
    assert listed(client.get(RECEPTIONS, {"q": "路灯"})) == [lamp.pk]
    assert listed(client.get(RECEPTIONS, {"q": "甲一村"})) == [bus.pk]
    assert set(listed(client.get(RECEPTIONS, {"q": "联络站"}))) == {lamp.pk, bus.pk}


def test_reception_presets_this_month_and_mine(client, sworld, root):
    a1 = sworld.deps["a1"]
    staff = sworld.base.users["township"]
    old = record(staff, sworld.stations["a1"], [a1], date=TODAY() - datetime.timedelta(days=40))
    own = record(staff, sworld.stations["a1"], [a1])
    other = record(root, sworld.stations["a1"], [sworld.deps["a1b"]])
    client.force_login(staff)
    response = client.get(RECEPTIONS)
    (month,) = [p for p in response.context["presets"] if p.key == "this-month"]
    assert "本月" in response.content.decode()
    assert set(listed(client.get(RECEPTIONS, month.params))) == {own.pk, other.pk}
    assert set(listed(client.get(RECEPTIONS, {"mine": "on"}))) == {old.pk, own.pk}
    assert "mine" not in [p.key for p in response.context["presets"]]  # not a deputy
    client.force_login(sworld.base.users["deputy2"])
    response = client.get(RECEPTIONS)
    assert "我的" in [str(p.label) for p in response.context["presets"]]
    assert listed(client.get(RECEPTIONS, {"mine": "on"})) == [other.pk]


# --- the deputy roster ------------------------------------------------------------------


def test_deputy_rows_show_mandates_stations_and_link_to_the_archive(client, sworld):
    a1 = sworld.deps["a1"]
    Mandate.objects.create(representative=a1, region=a1.region, level=MandateLevel.COUNTY,
                           term="第十七届")  # fmt: skip
    Mandate.objects.create(representative=a1, region=a1.region, level=MandateLevel.TOWNSHIP,
                           term="第十八届", ended_on=TODAY() - datetime.timedelta(days=1))  # fmt: skip
    client.force_login(sworld.base.users["township"])
    response = client.get(DEPUTIES, {"q": "甲一代表"})
    (row,) = response.context["rows"]
    cells = {column.key: value for column, value in row["cells"]}
    assert cells["levels"] == "县（区）人大代表" and cells["terms"] == "第十七届"  # current only
    assert cells["stations"] == "、".join(sorted(["甲一镇中心联络站", "甲一村联络站"]))
    assert row["url"] == f"/desk/deputies/{a1.pk}/archive/"
    assert f'href="/desk/deputies/{a1.pk}/archive/"' in response.content.decode()
    assert listed(client.get(DEPUTIES, {"level": MandateLevel.COUNTY})) == [a1.pk]
    assert listed(client.get(DEPUTIES, {"station": sworld.stations["a1v"].pk})) == [a1.pk]


def test_deputies_sort_by_name_and_search_by_name(client, sworld):
    client.force_login(sworld.base.users["county"])
    deps = sworld.deps
    names = {deps[k].pk: deps[k].name for k in ("a1", "a1b", "a2")}
    descending = sorted(names, key=lambda pk: names[pk], reverse=True)
    assert listed(client.get(DEPUTIES, {"ordering": "-name"})) == descending
    assert set(listed(client.get(DEPUTIES, {"q": "甲一"}))) == {deps["a1"].pk, deps["a1b"].pk}


def test_the_phone_is_masked_for_a_viewer_and_shown_to_the_office(client, sworld):
    a1 = sworld.deps["a1"]
    a1.phone = "13812345678"
    a1.save(update_fields=["phone"])

    def phone(role):
        client.force_login(sworld.base.users[role])
        response = client.get(DEPUTIES, {"q": "甲一代表"})
        (row,) = response.context["rows"]
        exported = workbook_rows(client.get(DEPUTIES, {"q": "甲一代表", "export": "xlsx"}))
        column = exported[0].index("手机号码")
        return dict((c.key, v) for c, v in row["cells"])["phone"], exported[1][column]

    assert phone("viewer") == ("138****5678", "138****5678")
    assert "13812345678" not in client.get(DEPUTIES).content.decode()
    assert phone("county") == ("13812345678", "13812345678")


# --- the liaison stations ---------------------------------------------------------------


def test_station_rows_count_deputies_and_this_years_receptions(client, sworld, root):
    a1 = sworld.deps["a1"]
    record(root, sworld.stations["a1"], [a1])
    record(root, sworld.stations["a1"], [a1])
    last_year = TODAY().replace(month=1, day=1) - datetime.timedelta(days=1)
    if (TODAY() - last_year).days < 365:  # the workflow takes a year back at most
        record(root, sworld.stations["a1"], [a1], date=last_year)
    sworld.deps["a1b"].is_active = False
    sworld.deps["a1b"].save(update_fields=["is_active"])
    staff = sworld.base.users["township"]
    client.force_login(staff)
    response = client.get(STATIONS, {"ordering": "-receptions_this_year"})
    first = response.context["rows"][0]
    cells = {column.key: value for column, value in first["cells"]}
    assert first["pk"] == sworld.stations["a1"].pk
    assert (cells["deputy_count"], cells["receptions_this_year"]) == (1, 2)
    assert first["url"] == f"/admin/stations/station/{sworld.stations['a1'].pk}/change/"
    assert listed(client.get(STATIONS, {"q": "甲一村"})) == [sworld.stations["a1v"].pk]
    assert listed(client.get(STATIONS, {"kind": "village"})) == [sworld.stations["a1v"].pk]


def test_without_the_admin_a_station_links_to_its_public_page(client, sworld):
    staff = UserFactory(
        username="m_desk_only", is_staff=False, region=sworld.base.regions["townA1"]
    )
    access.grant_role(staff, sworld.base.regions["townA1"], access.Role.STAFF)
    client.force_login(staff)
    rows = client.get(STATIONS, {"q": "甲一镇"}).context["rows"]
    assert [r["url"] for r in rows] == [f"/stations/{sworld.stations['a1'].pk}/"]


# --- bad filters, exports, cost -----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "name"),
    [
        (RECEPTIONS, {"colour": "red"}, "colour"),
        (RECEPTIONS, {"date_from": "yesterday"}, "date_from"),
        (RECEPTIONS, {"region": "abc"}, "region"),
        (RECEPTIONS, {"mine": "maybe"}, "mine"),
        (DEPUTIES, {"level": "emperor"}, "level"),
        (DEPUTIES, {"station": "-1"}, "station"),
        (DEPUTIES, {"active": "perhaps"}, "active"),
        (STATIONS, {"kind": "castle"}, "kind"),
        (STATIONS, {"page_size": "7"}, "page_size"),
    ],
)
def test_a_bad_filter_shows_its_error_and_lists_nothing(client, sworld, placed, url, params, name):
    client.force_login(sworld.base.users["county"])
    response = client.get(url, params)
    assert listed(response) == []
    assert name in response.context["filter_errors"]
    assert 'id="filter-errors"' in response.content.decode()
    assert client.get(url, {**params, "export": "xlsx"}).status_code == 400


def test_a_sibling_region_in_the_filter_is_an_error(client, sworld, placed):
    client.force_login(sworld.base.users["township"])
    sibling = sworld.base.regions["townA2"].pk
    for url in LISTS:
        response = client.get(url, {"region": sibling})
        assert listed(response) == [] and "region" in response.context["filter_errors"]


@pytest.mark.parametrize("url", LISTS)
def test_the_export_has_the_rows_of_the_page(client, sworld, placed, url):
    client.force_login(sworld.base.users["county"])
    response = client.get(url, {"page_size": 50})
    page = response.context["rows"]
    headers = [str(h["column"].label) for h in response.context["headers"]]
    rows = workbook_rows(client.get(url, {"page_size": 50, "export": "xlsx"}))
    assert list(rows[0][: len(headers)]) == headers
    assert len(rows) - 1 == len(page) > 0
    # The station's or the deputy's name: the same rows in the same order.
    named = 1 if url == RECEPTIONS else 0
    assert [r[named] for r in rows[1:]] == [r["cells"][named][1] for r in page]
    if url == RECEPTIONS:
        answered = ReceptionMatter.Outcome.ANSWERED.label
        assert rows[0][-1] == "反映事项"
        assert all(f"村口路灯不亮（{answered}）" in r[-1] for r in rows[1:]), rows[1][-1]


def _count_queries(client, url) -> tuple[int, int]:
    cache.clear()  # the side menu's counts are cached: count them every time
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["rows"])


SERIAL = itertools.count()


def _add(kind, sworld, root, n):
    region = sworld.base.regions["townA1"]
    for _i in range(n):
        tag = f"{kind}{next(SERIAL)}"
        if kind == "reception":
            record(root, sworld.stations["a1"], [sworld.deps["a1"], sworld.deps["a1b"]])
        elif kind == "deputy":
            deputy = make_deputy(region, f"代表{tag}", f"D-{tag}")
            Mandate.objects.create(representative=deputy, region=region,
                                   level=MandateLevel.TOWNSHIP, term="第十八届")  # fmt: skip
            join(sworld.stations["a1"], deputy)
        else:
            station = Station.objects.create(region=region, name=f"站{tag}",
                                             kind=Station.Kind.VILLAGE)  # fmt: skip
            join(station, sworld.deps["a1"])


@pytest.mark.parametrize(("url", "kind"), [(RECEPTIONS, "reception"), (DEPUTIES, "deputy"),
                                           (STATIONS, "station")])  # fmt: skip
def test_a_list_costs_the_same_queries_at_5_or_25_rows(client, sworld, root, url, kind):
    client.force_login(sworld.base.users["township"])
    before = _count_queries(client, url)[1]
    _add(kind, sworld, root, 5 - before)
    small, rows = _count_queries(client, url)
    assert rows == 5
    _add(kind, sworld, root, 20)
    large, rows = _count_queries(client, url)
    assert rows == 20  # one page
    assert small == large
