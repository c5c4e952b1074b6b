"""The API skeleton: token auth, schema and docs served locally, pagination, bad input."""

import re

import pytest

from portal.models import Department
from tests.errors import field_names
from tests.factories import PASSWORD, DepartmentFactory


def test_token_for_good_credentials_authenticates(client, world):
    response = client.post("/api/v1/auth/token/", {"username": "m_county", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    listing = client.get("/api/v1/departments/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200
    names = {row["name"] for row in listing.json()["results"]}
    assert "甲一镇单位" in names and "乙县单位" not in names


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "m_county", "password": "wrong"}, None),
        ({"username": "m_county"}, "password"),
        ({}, "username"),
    ],
)
def test_token_bad_input_is_400_with_field_errors(client, world, data, field):
    response = client.post("/api/v1/auth/token/", data)
    assert response.status_code == 400
    if field is None:  # wrong credentials: a general error, said in Chinese, no field named
        assert field_names(response) == set() and not response.json()["detail"].isascii()
    else:
        assert field in field_names(response)


def test_token_endpoint_is_rate_limited(client, world):
    statuses = [  # other accounts each time: the address's limit, not an account's lockout
        client.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "b"}).status_code
        for n in range(12)
    ]
    assert statuses[:10] == [400] * 10
    assert statuses[-1] == 429


def test_bad_token_is_401(client, world):
    response = client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401


def test_schema_lists_the_scoped_endpoints(client):
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/regions/",
        "/api/v1/departments/{id}/",
        "/api/v1/events/",
        "/api/v1/auth/token/",
    ):
        assert path in paths


def test_docs_load_nothing_from_the_internet(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, "the docs page should load its scripts"
    assert all(not s.startswith(("http://", "https://", "//")) for s in sources), sources
    script = client.get(next(s for s in sources if s.endswith(".js")))
    assert script.status_code == 200


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/regions/?level=9", "level"),
        ("/api/v1/regions/?level=abc", "level"),
        ("/api/v1/regions/?parent=-1", "parent"),
        ("/api/v1/departments/?kind=bank", "kind"),
        ("/api/v1/departments/?region=99999999", "region"),
        ("/api/v1/events/?region=x", "region"),
    ],
)
def test_bad_filters_are_400_with_field_errors(client, world, url, field):
    client.force_login(world.users["county"])
    response = client.get(url)
    assert response.status_code == 400
    assert field in field_names(response)


def test_region_filter_outside_scope_is_refused(client, world):
    client.force_login(world.users["township"])
    response = client.get(f"/api/v1/departments/?region={world.regions['countyB'].pk}")
    assert response.status_code == 400


def test_region_filter_selects_the_subtree(client, world):
    client.force_login(world.users["city"])
    response = client.get(f"/api/v1/departments/?region={world.regions['townA1'].pk}")
    assert {row["name"] for row in response.json()["results"]} == {"甲一镇单位", "甲一村单位"}


def test_detail_with_non_numeric_id_is_404(client, world):
    client.force_login(world.users["county"])
    assert client.get("/api/v1/departments/abc/").status_code == 404


def _department_page_queries(client, django_assert_max_num_queries, size):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/departments/", {"page_size": size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    return len(ctx.captured_queries)


def test_list_costs_the_same_queries_at_10_or_100_rows(
    client, world, django_assert_max_num_queries
):
    DepartmentFactory.create_batch(120, region=world.regions["townA2"])
    client.force_login(world.users["county"])
    small = _department_page_queries(client, django_assert_max_num_queries, 10)
    large = _department_page_queries(client, django_assert_max_num_queries, 100)
    assert small == large


def test_page_size_is_capped(client, world):
    DepartmentFactory.create_batch(210, region=world.regions["townA2"])
    client.force_login(world.users["county"])
    body = client.get("/api/v1/departments/", {"page_size": 1000}).json()
    assert len(body["results"]) == 200
    assert (
        body["count"]
        == Department.objects.filter(region__path__startswith=world.regions["countyA"].path).count()
    )
    assert body["count_is_estimate"] is False
