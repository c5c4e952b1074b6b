"""The stations API's other lists: fixed query counts, deputies, stations, shifts, households
and contact visits, bad filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.models import Event
from stations.models import DutyShift, Household, Mandate, MandateLevel
from tests.errors import field_names
from tests.stations.api_helpers import URL, YESTERDAY, post, put, record

# --- lists cost a fixed number of queries -------------------------------------------


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.json()["results"])


def _more_receptions(sworld, n):
    for i in range(n):
        record(sworld, sworld.base.users["deputy"], deputies=("a1", "a1b"), matters=[
            {"content": f"事项{i}", "outcome": "answered", "answer": "已答复"},
            {"content": f"转办{i}", "outcome": "forwarded"},
        ])  # fmt: skip


@pytest.mark.parametrize("role", ["deputy", "township"])
def test_receptions_list_costs_the_same_queries_at_3_or_30(client, sworld, role):
    client.force_login(sworld.base.users[role])
    _more_receptions(sworld, 3)
    small, rows = _list_queries(client, URL)
    assert rows == 3
    _more_receptions(sworld, 27)
    large, rows = _list_queries(client, URL)
    assert rows == 30
    assert small == large


def test_other_lists_cost_the_same_queries_at_any_length(client, sworld):
    client.force_login(sworld.base.users["county"])
    station = sworld.stations["a1"]
    urls = ["/api/v1/shifts/", "/api/v1/representatives/", "/api/v1/stations/", "/api/v1/matters/"]

    def add_shifts(days):
        for day in days:
            shift = DutyShift.objects.create(
                region=station.region, station=station, date=YESTERDAY + datetime.timedelta(days=day),
                start_time=datetime.time(9), end_time=datetime.time(11),
            )  # fmt: skip
            shift.deputies.set([sworld.deps["a1"], sworld.deps["a1b"]])

    _more_receptions(sworld, 1)
    add_shifts([0])
    small = [_list_queries(client, url)[0] for url in urls]
    _more_receptions(sworld, 5)
    add_shifts(range(1, 6))
    for deputy in sworld.deps.values():
        Mandate.objects.create(
            representative=deputy,
            region=deputy.region,
            level=MandateLevel.TOWNSHIP,
            term="第十八届",
        )
    assert [_list_queries(client, url)[0] for url in urls] == small


# --- representatives, stations, shifts, households, visits --------------------------


def test_representative_phone_is_for_the_office_only(client, sworld):
    deputy = sworld.deps["a1"]
    deputy.phone = "13900000001"
    deputy.save()
    Mandate.objects.create(
        representative=deputy, region=deputy.region, level=MandateLevel.TOWNSHIP, term="第十八届"
    )
    Mandate.objects.create(
        representative=deputy, region=deputy.region, level=MandateLevel.COUNTY, term="第十七届",
        started_on=datetime.date(2016, 1, 1), ended_on=datetime.date(2021, 1, 1),
    )  # fmt: skip
    url = f"/api/v1/representatives/{deputy.pk}/"
    client.force_login(sworld.base.users["deputy"])
    data = client.get(url).json()
    assert data["phone"] is None
    assert [(m["level"], m["term"]) for m in data["mandates"]] == [("township", "第十八届")]
    client.force_login(sworld.base.users["township"])
    assert client.get(url).json()["phone"] == "13900000001"
    client.force_login(sworld.base.users["viewer"])
    assert client.get(url).json()["phone"] is None


def test_representatives_are_scoped(client, sworld):
    client.force_login(sworld.base.users["deputy"])
    rows = client.get("/api/v1/representatives/").json()["results"]
    assert [row["id"] for row in rows] == [sworld.deps["a1"].pk]
    client.force_login(sworld.base.users["township"])
    rows = client.get("/api/v1/representatives/").json()["results"]
    assert {row["id"] for row in rows} == {sworld.deps["a1"].pk, sworld.deps["a1b"].pk}
    assert client.get(f"/api/v1/representatives/{sworld.deps['a2'].pk}/").status_code == 404
    client.force_login(sworld.base.users["county"])
    rows = client.get("/api/v1/representatives/", {"station": sworld.stations["a2"].pk})
    assert [row["id"] for row in rows.json()["results"]] == [sworld.deps["a2"].pk]


def test_stations_show_checklist_and_members_and_filter(client, sworld):
    station = sworld.stations["a1"]
    station.checklist = {"premises": True, "signboard": False}
    station.save()
    client.force_login(sworld.base.users["deputy"])
    rows = client.get("/api/v1/stations/").json()["results"]
    assert {row["id"] for row in rows} == {station.pk, sworld.stations["a1v"].pk}
    data = client.get(f"/api/v1/stations/{station.pk}/").json()
    assert data["checklist"] == {"premises": True, "signboard": False}
    assert sorted(data["members"]) == sorted([sworld.deps["a1"].pk, sworld.deps["a1b"].pk])
    assert client.get(f"/api/v1/stations/{sworld.stations['a2'].pk}/").status_code == 404
    client.force_login(sworld.base.users["city"])
    rows = client.get("/api/v1/stations/", {"kind": "village"}).json()["results"]
    assert [row["id"] for row in rows] == [sworld.stations["a1v"].pk]
    rows = client.get("/api/v1/stations/", {"region": sworld.base.regions["townA1"].pk})
    assert {row["id"] for row in rows.json()["results"]} == {station.pk, sworld.stations["a1v"].pk}


def test_shifts_filter_by_station_and_period(client, sworld):
    a1, a2 = sworld.stations["a1"], sworld.stations["a2"]
    days = [datetime.date(2026, 3, d) for d in (2, 9, 16)]
    for station in (a1, a2):
        for day in days:
            DutyShift.objects.create(
                region=station.region, station=station, date=day,
                start_time=datetime.time(9), end_time=datetime.time(11),
            )  # fmt: skip
    client.force_login(sworld.base.users["deputy"])
    rows = client.get("/api/v1/shifts/").json()["results"]
    assert {row["station"] for row in rows} == {a1.pk}
    client.force_login(sworld.base.users["county"])
    rows = client.get(
        "/api/v1/shifts/",
        {"station": a2.pk, "date_from": "2026-03-05", "date_to": "2026-03-16"},
    ).json()["results"]
    assert [row["date"] for row in rows] == ["2026-03-09", "2026-03-16"]
    assert rows[0]["start_time"] == "09:00:00"


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/shifts/?date_from=yesterday", "date_from"),
        ("/api/v1/shifts/?date_to=2026-13-01", "date_to"),
        ("/api/v1/shifts/?date_from=2026-03-10&date_to=2026-03-01", "date_to"),
        ("/api/v1/shifts/?station=abc", "station"),
        ("/api/v1/receptions/?date_from=1.1.2026", "date_from"),
        ("/api/v1/receptions/?station=-3", "station"),
        ("/api/v1/stations/?kind=boat", "kind"),
        ("/api/v1/stations/?region=x", "region"),
        ("/api/v1/matters/?solved=perhaps", "solved"),
        ("/api/v1/households/?kind=rich", "kind"),
        ("/api/v1/activities/?date_to=never", "date_to"),
        ("/api/v1/contact-visits/?household=0", "household"),
        ("/api/v1/representatives/?station=99999999999999999999999", "station"),
    ],
)
def test_bad_filters_are_400_with_field_errors(client, sworld, url, field):
    client.force_login(sworld.base.users["county"])
    response = client.get(url)
    assert response.status_code == 400
    assert field in field_names(response)


def test_deputy_records_a_visit_to_own_household_only(client, sworld):
    own = Household.objects.create(
        region=sworld.deps["a1"].region, representative=sworld.deps["a1"], name="张户", kind="poor"
    )
    other = Household.objects.create(
        region=sworld.deps["a2"].region,
        representative=sworld.deps["a2"],
        name="李户",
        kind="worthy",
    )
    client.force_login(sworld.base.users["deputy"])
    assert [row["id"] for row in client.get("/api/v1/households/").json()["results"]] == [own.pk]
    url = "/api/v1/contact-visits/"
    visit = {"household": own.pk, "date": YESTERDAY.isoformat(), "method": "phone", "note": "问候"}
    response = post(client, url, visit)
    assert response.status_code == 201, response.json()
    assert response.json()["household"] == own.pk
    assert Event.objects.filter(action="contact_visit_record").count() == 1
    assert [row["id"] for row in client.get(url).json()["results"]] == [response.json()["id"]]
    assert post(client, url, {**visit, "household": other.pk}).status_code == 404
    assert post(client, url, {**visit, "household": None}).status_code == 400
    assert post(client, url, {**visit, "method": "pigeon"}).status_code == 400
    assert post(client, url, {**visit, "date": "2999-01-01"}).status_code == 400
    assert Event.objects.filter(action="contact_visit_record").count() == 1


def test_contact_visits_cannot_be_changed_through_the_api(client, sworld):
    client.force_login(sworld.base.users["county"])
    assert put(client, "/api/v1/contact-visits/1/", {}).status_code == 405
