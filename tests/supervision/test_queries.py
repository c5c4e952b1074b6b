"""One read path: the matter list's filters are declared once (``supervision.queries.
MatterFilter``) and used by the desk list and the API; an unknown or malformed parameter is
an error naming it — 400 in the API, a message beside the filter bar on the page."""

import pytest
from rest_framework.test import APIClient

from supervision import workflow
from supervision.models import Matter
from tests.errors import field_names
from tests.supervision.conftest import matter_in_handling

API = "/api/v1/supervision-matters/"
DESK = "/desk/matters/"
BAD = [
    ({"bogus": "1"}, "bogus"),
    ({"state": "nope"}, "state"),
    ({"mine": "maybe"}, "mine"),
    ({"overdue": "later"}, "overdue"),
    ({"region": "abc"}, "region"),
    ({"region": str(10**20)}, "region"),
]


@pytest.fixture
def matters(mworld):
    """townA1: one matter in handling (the deputy's group) and one listed; townA2: one listed;
    the handling one overdue."""
    staff = mworld.users["township"]
    handling = matter_in_handling(mworld, issues=[])
    listed = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="待研究", description="说明")  # fmt: skip
    county = mworld.users["county"]
    sibling = workflow.matter_create(actor=county, region_id=mworld.regions["townA2"].pk,
                                     title="乙镇事项", description="说明")  # fmt: skip
    mworld.matters = {"handling": handling, "listed": listed, "sibling": sibling}
    return mworld


def _api(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("params,name", BAD)
def test_the_api_refuses_a_bad_filter_naming_it(matters, params, name):
    response = _api(matters.users["county"]).get(API, params)
    assert response.status_code == 400
    assert name in field_names(response)


@pytest.mark.parametrize("params,name", BAD)
def test_the_desk_list_shows_a_bad_filter_beside_the_bar(matters, client, params, name):
    client.force_login(matters.users["county"])
    response = client.get(DESK, params)
    assert list(response.context["filter_errors"]) == [name]
    body = response.content.decode()
    from supervision.queries import MatterFilter

    known = MatterFilter.base_filters.get(name)
    shown = str(known.label) if known is not None else name  # the label people read
    assert 'id="filter-errors"' in body and f"<strong>{shown}</strong>" in body
    assert list(response.context["page"].object_list) == []  # nothing listed on a wrong filter
    assert "data-pk=" not in body


def test_the_api_and_the_desk_filter_alike(matters, client):
    m = {key: matter.pk for key, matter in matters.matters.items()}
    county, deputy = matters.users["county"], matters.users["deputy"]
    Matter.objects.filter(pk=m["handling"]).update(due_on="2020-01-01")
    cases = [
        (county, {}, {m["handling"], m["listed"], m["sibling"]}),
        (county, {"region": matters.regions["townA1"].pk}, {m["handling"], m["listed"]}),
        (county, {"region": matters.regions["townA2"].pk}, {m["sibling"]}),
        (county, {"state": "listed"}, {m["listed"], m["sibling"]}),
        (county, {"overdue": "on"}, {m["handling"]}),
        (county, {"overdue": "false"}, {m["handling"], m["listed"], m["sibling"]}),
        (county, {"mine": "1"}, set()),
        (deputy, {"mine": "true"}, {m["handling"]}),
        (deputy, {"mine": "1", "state": "evaluating"}, set()),
    ]
    for user, params, expected in cases:
        assert _ids(_api(user).get(API, params)) == expected, params
        client.force_login(user)
        page = client.get(DESK, params)
        assert page.status_code == 200, params
        listed = {matter.pk for matter in page.context["page"]}
        assert listed == expected, params


def test_a_region_outside_ones_sight_is_refused(matters, client):
    township = matters.users["township"]  # townA1's office does not see townA2
    response = _api(township).get(API, {"region": matters.regions["townA2"].pk})
    assert response.status_code == 400 and "region" in field_names(response)
    client.force_login(township)
    page = client.get(DESK, {"region": matters.regions["townA2"].pk})
    assert "region" in page.context["filter_errors"] and not page.context["rows"]


def test_the_desk_cards_links_are_valid_filters(matters, client):
    client.force_login(matters.users["township"])
    for query in ("mine=1", "mine=1&state=evaluating", "state=handling", "state=listed",
                  "overdue=on"):  # fmt: skip
        assert client.get(f"{DESK}?{query}").status_code == 200, query


def test_the_schema_documents_the_filters(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p for p in schema["paths"][API]["get"]["parameters"]}
    assert {"region", "state", "mine", "overdue", "page"} <= set(params)
    assert params["mine"]["schema"]["type"] == "boolean"
    assert params["region"]["schema"]["type"] == "integer"
    assert set(params["state"]["schema"]["enum"]) >= set(Matter.State.values)
