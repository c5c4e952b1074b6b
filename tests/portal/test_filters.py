"""Strict list filters: an unknown or malformed parameter is a 400 naming it, never ignored."""

import pytest

from portal import events
from tests.errors import field_names


@pytest.fixture
def county_client(client, world):
    client.force_login(world.users["county"])
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/regions/?cycle=3",
        "/api/v1/departments/?vote=1",
        "/api/v1/events/?target=5",
    ],
)
def test_an_unknown_parameter_is_refused_by_name(county_client, url):
    response = county_client.get(url)
    assert response.status_code == 400
    name = url.split("?")[1].split("=")[0]
    assert name in field_names(response)
    assert "未知参数" in str(response.json()["fields"][name])


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/regions/?level=9", "level"),
        ("/api/v1/regions/?parent=abc", "parent"),
        ("/api/v1/regions/?parent=99999999999999999999999", "parent"),
        ("/api/v1/departments/?kind=nope", "kind"),
        ("/api/v1/events/?target_type=nosuch.model", "target_type"),
        ("/api/v1/events/?region=-1", "region"),
    ],
)
def test_a_malformed_value_is_refused_by_name(county_client, url, name):
    response = county_client.get(url)
    assert response.status_code == 400
    assert name in field_names(response)


def test_paging_and_format_are_allowed_everywhere(county_client):
    assert county_client.get("/api/v1/regions/?page=1&page_size=5&format=json").status_code == 200


def test_a_region_outside_the_scope_is_refused_like_a_missing_one(county_client, world):
    sibling = world.regions["countyB"]
    response = county_client.get(f"/api/v1/departments/?region={sibling.pk}")
    assert response.status_code == 400 and "region" in field_names(response)


def test_the_region_filter_takes_the_whole_subtree(county_client, world):
    township = world.regions["townA1"]
    rows = county_client.get(f"/api/v1/regions/?region={township.pk}").json()["results"]
    assert {row["path"][: len(township.path)] for row in rows} == {township.path}
    assert len(rows) >= 2  # the township and its village


def test_one_objects_history_is_one_filter(county_client, world):
    township = world.regions["townA1"]
    other = world.regions["townA2"]
    events.record(actor=None, target=township, action="region_import_rename", after="x")
    events.record(actor=None, target=other, action="region_import_rename", after="y")
    url = f"/api/v1/events/?target_type=portal.region&target_id={township.pk}"
    rows = county_client.get(url).json()["results"]
    assert rows and {row["target_id"] for row in rows} == {township.pk}
    assert rows[0]["action_label"] == "导入时更名"
