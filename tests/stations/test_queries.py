"""The filters of the stations lists, declared once in ``stations.queries``: the same rules in
the API (400 naming the parameter) and on the desk's reception log (an error beside the filter
bar, and an empty list)."""

import datetime

import pytest
from django.utils import timezone

from stations import queries, workflow
from stations.models import Reception
from tests.errors import field_names

YESTERDAY = timezone.localdate() - datetime.timedelta(days=1)
LISTS = {
    "/api/v1/representatives/": queries.RepresentativeFilter,
    "/api/v1/stations/": queries.StationFilter,
    "/api/v1/shifts/": queries.ShiftFilter,
    "/api/v1/receptions/": queries.ReceptionFilter,
    "/api/v1/matters/": queries.MatterFilter,
    "/api/v1/households/": queries.HouseholdFilter,
    "/api/v1/contact-visits/": queries.ContactVisitFilter,
    "/api/v1/activities/": queries.ActivityFilter,
}
DESK = "/desk/receptions/"


def record(sworld, station="a1", date=YESTERDAY, matters=()):
    return workflow.reception_record(
        actor=sworld.base.users["township"], station_id=sworld.stations[station].pk, date=date,
        form=Reception.Form.SITTING, people_count=2, deputy_ids=[sworld.deps["a1"].pk],
        matters=[workflow.MatterInput(**m) for m in matters],
    )  # fmt: skip


# --- the API ------------------------------------------------------------------------


@pytest.mark.parametrize("url", list(LISTS))
def test_an_unknown_parameter_is_a_400_naming_it_on_every_list(client, sworld, url):
    client.force_login(sworld.base.users["county"])
    response = client.get(url, {"colour": "red"})
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["colour"]


@pytest.mark.parametrize("url", list(LISTS))
def test_every_list_takes_paging_and_a_region_of_the_callers_scope(client, sworld, url):
    client.force_login(sworld.base.users["county"])
    region = sworld.base.regions["townA1"].pk
    assert client.get(url, {"region": region, "page": 1, "page_size": 5}).status_code == 200
    outside = client.get(url, {"region": sworld.base.regions["countyB"].pk})
    assert outside.status_code == 400 and "region" in field_names(outside)


@pytest.mark.parametrize("url", list(LISTS))
def test_a_detail_refuses_list_filters_by_name(client, sworld, url):
    client.force_login(sworld.base.users["county"])
    # Not a list: a list's filter is an unknown parameter there, named in the 400.
    answer = client.get(f"{url}999999/", {"station": "x"})
    assert answer.status_code == 400 and field_names(answer) == {"station"}
    assert client.get(f"{url}999999/").status_code == 404


def test_solved_takes_true_or_false_only(client, sworld):
    record(sworld, matters=[{"content": "路灯", "outcome": "answered", "answer": "已修"}])
    client.force_login(sworld.base.users["county"])
    url = "/api/v1/matters/"
    assert len(client.get(url, {"solved": "true"}).json()["results"]) == 1
    assert len(client.get(url, {"solved": "0"}).json()["results"]) == 0
    response = client.get(url, {"solved": "maybe"})
    assert response.status_code == 400 and "solved" in field_names(response)


def test_the_schema_documents_every_filter_with_its_help_text(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    for url, filterset in LISTS.items():
        parameters = {p["name"]: p for p in paths[url]["get"]["parameters"]}
        for name, field in filterset.base_filters.items():
            assert name in parameters, (url, name)
            if field.extra.get("help_text"):
                assert parameters[name].get("description"), (url, name)
    station = {p["name"]: p for p in paths["/api/v1/receptions/"]["get"]["parameters"]}["station"]
    assert station["schema"]["minimum"] == 1 and station["schema"]["format"] == "int64"


# --- the desk -----------------------------------------------------------------------


def test_desk_reception_log_filters_by_station_and_period(client, sworld):
    old = record(sworld, date=YESTERDAY - datetime.timedelta(days=30))
    new = record(sworld)
    village = record(sworld, station="a1v")
    client.force_login(sworld.base.users["township"])
    page = client.get(DESK).context["page"]
    assert [r.pk for r in page] == [village.pk, new.pk, old.pk]
    response = client.get(DESK, {"station": sworld.stations["a1"].pk})
    assert [r.pk for r in response.context["page"]] == [new.pk, old.pk]
    response = client.get(DESK, {"date_from": YESTERDAY.isoformat(), "station": ""})
    assert [r.pk for r in response.context["page"]] == [village.pk, new.pk]
    region = sworld.base.regions["villageA1"].pk
    assert [r.pk for r in client.get(DESK, {"region": region}).context["page"]] == [village.pk]
    html = client.get(DESK).content.decode()
    assert 'id="table-filters"' in html and 'name="date_from"' in html


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"colour": "red"}, "colour"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to"),
        ({"station": "abc"}, "station"),
        ({"region": "-1"}, "region"),
    ],
)
def test_desk_reception_log_shows_a_bad_filter_beside_the_bar_and_lists_nothing(
    client, sworld, params, name
):
    record(sworld)
    client.force_login(sworld.base.users["township"])
    response = client.get(DESK, params)
    assert response.status_code == 200
    assert name in response.context["filter_errors"]
    assert list(response.context["page"]) == []
    assert 'id="filter-errors"' in response.content.decode()


def test_desk_pager_keeps_the_filters(client, sworld):
    for _i in range(21):
        record(sworld)
    client.force_login(sworld.base.users["township"])
    html = client.get(DESK, {"station": sworld.stations["a1"].pk}).content.decode()
    assert f"station={sworld.stations['a1'].pk}&amp;page=2" in html
