"""The API's errors: a page size that is not a whole number of at least 1 is a 400 naming it,
and every endpoint's 404 says so in Chinese (never Django's "No X matches the given query")."""

import uuid

import pytest

from petitions.models import Petition
from portal import access
from portal.models import User
from portal.urls import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, seeded_demo, db):
    """County office staff of the demo, seeded once for the module (tests/conftest.py); what a
    test writes is rolled back after it. The tests of the small world come first: they never
    see the demo."""
    client.force_login(User.objects.get(username="county_staff"))
    return client


@pytest.fixture
def office(client, world):
    """County office staff of the small test world (no demo data: quicker to build)."""
    client.force_login(world.users["county"])
    return client


@pytest.mark.parametrize("size", ["abc", "0", "-5", "1.5", "", "1e3"])
def test_a_bad_page_size_is_a_400_naming_it(office, size):
    answer = office.get("/api/v1/petitions/", {"page_size": size})
    assert answer.status_code == 400 and list(answer.json()["fields"]) == ["page_size"]
    assert "200" in answer.json()["fields"]["page_size"][0]


ERROR_KEYS = {"code", "detail", "fields"}


def one_shape(answer, status: int) -> dict:
    """The one error body: a code, a Chinese detail, and field errors only as a mapping."""
    assert answer.status_code == status, (answer.status_code, answer.content[:300])
    assert answer["Content-Type"].startswith("application/json"), answer["Content-Type"]
    body = answer.json()
    assert set(body) <= ERROR_KEYS and isinstance(body["code"], str) and body["code"], body
    assert isinstance(body["detail"], str) and not body["detail"].isascii(), body
    fields = body.get("fields", {})
    assert all(isinstance(m, list) and all(isinstance(x, str) for x in m) for m in fields.values())
    return body


def operations(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def concrete(path: str, op: dict) -> str:
    """The path with every parameter an object that does not exist, of the declared type."""
    for parameter in op.get("parameters", []):
        if parameter["in"] != "path":
            continue
        schema = parameter.get("schema", {})
        if schema.get("format") == "uuid" or "{36}" in schema.get("pattern", ""):
            value = str(uuid.uuid4())
        elif schema.get("type") == "integer" or "0-9" in schema.get("pattern", ""):
            value = "999999"
        else:
            value = "zzz_missing"
        path = path.replace("{" + parameter["name"] + "}", value)
    return path


@pytest.mark.parametrize("page", ["0", "-1", "x", "99999"])
def test_a_page_that_is_not_there_is_a_400_naming_it(office, page):
    answer = office.get("/api/v1/petitions/", {"page": page})
    assert one_shape(answer, 400)["fields"].keys() == {"page"}


def test_one_wrong_field_is_said_in_the_detail_too(office, world):
    staff = office
    body = {"region": world.regions["countyA"].pk, "name": "第一次会议", "opens_on": "2027-01-10",
            "closes_on": "2027-01-09"}  # fmt: skip
    answer = staff.post("/api/v1/suggestion-sessions/", body, content_type="application/json")
    error = one_shape(answer, 400)
    assert (
        error["fields"].keys() == {"closes_on"}
        and error["detail"] == error["fields"]["closes_on"][0]
    )
    both = staff.post(
        "/api/v1/suggestion-sessions/", {"opens_on": "x"}, content_type="application/json"
    )
    assert one_shape(both, 400)["detail"] == "请求有误，请按各字段的提示修改。"


def test_a_model_check_of_the_whole_object_is_the_detail():
    from django.core.exceptions import ValidationError

    from portal.api_errors import exception_handler

    answer = exception_handler(ValidationError({"__all__": ["整体有误。"]}), {})
    assert answer.status_code == 400 and answer.data == {"code": "invalid", "detail": "整体有误。"}


def test_a_good_page_size_is_kept(staff):
    assert len(staff.get("/api/v1/petitions/", {"page_size": "3"}).json()["results"]) == 3


def test_every_endpoints_404_speaks_chinese(staff):
    walked = 0
    for prefix, viewset, _basename in router.registry:
        if not hasattr(viewset, "retrieve"):
            continue
        pattern = getattr(viewset, "lookup_value_regex", "")
        missing = "zzz_missing" if pattern == "[a-z_]+" else "999999"
        answer = staff.get(f"/api/v1/{prefix}/{missing}/")
        if "json" not in answer["Content-Type"]:  # the route takes a uuid: 999999 is no route
            answer = staff.get(f"/api/v1/{prefix}/{uuid.uuid4()}/")
        assert answer.status_code == 404, (prefix, answer.status_code)
        detail = answer.json()["detail"]
        assert "matches the given query" not in detail and not detail.isascii(), (prefix, detail)
        walked += 1
    assert walked >= 20


def test_every_operation_answers_bad_input_and_missing_objects_in_one_shape(staff):
    documented_misses = []
    walked = {400: 0, 404: 0}
    for path, method, op in operations(staff):
        if path.startswith("/api/v1/schema") or path.startswith("/api/v1/docs"):
            continue
        url = concrete(path, op)
        if method == "get":
            answer = staff.get(url, {"zz_unknown": "1"})
            body = one_shape(answer, 400)
            assert "zz_unknown" in body["fields"], (path, body)
            walked[400] += 1
        else:
            answer = getattr(staff, method)(url, "[1, 2]", content_type="application/json")
            if answer.status_code in (403, 405):
                one_shape(answer, answer.status_code)
                continue
            # on one object, a body that is no object may be refused before the lookup
            allowed = (400, 404) if "{" in path else (400,)
            assert answer.status_code in allowed, (method, path, answer.status_code)
            one_shape(answer, answer.status_code)
            walked[answer.status_code] += 1
        if str(answer.status_code) not in op["responses"]:
            documented_misses.append((method, path, answer.status_code))
        if "{" in path and method == "get":
            missing = one_shape(staff.get(url), 404)
            assert missing["code"] == "not_found"
            walked[404] += 1
    assert not documented_misses
    assert walked[400] >= 60 and walked[404] >= 40, walked


def test_errors_outside_the_routes_keep_the_shape(staff, client):
    assert one_shape(staff.get("/api/v1/no-such-thing/"), 404)["code"] == "not_found"
    assert one_shape(staff.delete("/api/v1/regions/"), 405)["code"] == "method_not_allowed"
    staff.logout()
    assert one_shape(staff.get("/api/v1/petitions/"), 401)["code"] == "not_authenticated"
    bad_json = staff.post("/api/v1/auth/token/", "{", content_type="application/json")
    assert one_shape(bad_json, 400)["code"] == "parse_error"


def test_a_domain_error_keeps_its_code(staff):
    county = User.objects.get(username="county_staff")
    resolved = Petition.objects.filter(state=Petition.State.RESOLVED)
    closed = access.visible(county, resolved).first()
    answer = staff.post(
        f"/api/v1/petitions/{closed.pk}/accept/", {}, content_type="application/json"
    )
    body = one_shape(answer, 400)
    assert body["code"] == "invalid_transition", body
