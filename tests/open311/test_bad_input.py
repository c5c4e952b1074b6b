"""Bad input is the spec's error body with a 4xx status in the format asked for, never a 500;
limits answer 429."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions.models import Petition
from tests.open311.conftest import BASE, XIANGSHAN, error_of, get, parse, post

KEY = "demo-open311-2026"
GETS = [
    ("requests.json", {"foo": "1"}, 400),
    ("requests.json", {"start_date": "yesterday"}, 400),
    ("requests.json", {"start_date": "2026-13-45T00:00:00Z"}, 400),
    ("requests.json", {"start_date": "2026-01-01T25:00:00+08:00"}, 400),
    (
        "requests.json",
        {"start_date": "2020-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        400,
    ),
    (
        "requests.json",
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
        400,
    ),
    ("requests.json", {"start_date": "9999-12-31T23:59:59Z"}, 400),
    ("requests.json", {"end_date": "0001-01-01"}, 400),
    ("requests.json", {"service_request_id": "abc"}, 400),
    ("requests.json", {"service_request_id": "1,-2"}, 400),
    ("requests.json", {"service_request_id": "9" * 30}, 400),
    ("requests.json", {"service_request_id": ",".join(["1"] * 1001)}, 400),
    ("requests.json", {"status": "pending"}, 400),
    ("requests.json", {"service_code": "potholes"}, 400),
    ("requests.json", {"service_code": "traffic\x00"}, 400),
    ("requests.json", {"page": "0"}, 400),
    ("requests.json", {"page": "1e3"}, 400),
    ("requests.json", {"page_size": "100000"}, 400),
    ("requests.json", {"extensions": "maybe"}, 400),
    ("requests.json", {"jurisdiction_id": "abc"}, 400),
    ("requests.json", {"jurisdiction_id": "999999"}, 404),
    ("requests.json", {"api_key": "x" * 5000}, 403),
    ("requests/abc.json", {}, 400),
    ("requests/12345678901234567890123.json", {}, 400),
    ("requests/999999999.json", {}, 404),
    ("tokens/nothing.json", {}, 404),
    ("tokens/0123456789abcdef0123456789abcdef.xml", {}, 404),
    ("servicerequestupdates.json", {}, 403),
    ("servicerequestupdates.json", {"api_key": KEY, "start_date": "soon"}, 400),
    ("services.json", {"jurisdiction_id": "330299"}, 404),
    ("services/../secret.json", {}, 404),
    ("nothing.json", {}, 404),
    ("requests", {}, 404),
]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("path", "params", "status"), GETS)
def test_bad_reads_are_spec_errors(client, demo, path, params, status, fmt):
    path = path.replace(".json", f".{fmt}")
    response = get(client, path, **params)
    assert response.status_code == status, response.content
    assert error_of(response)[0] == status


def test_an_unknown_format_or_method_is_a_spec_error(client, demo):
    response = get(client, "requests.html")
    assert response.status_code == 404 and parse(response).tag == "errors"
    response = client.delete(f"{BASE}/requests.json")
    assert response.status_code == 405 and error_of(response)[0] == 405
    assert "POST" in response["Allow"]
    response = client.put(f"{BASE}/services.xml")
    assert response.status_code == 405 and error_of(response)[0] == 405


GOOD = {
    "api_key": KEY, "service_code": "traffic", "address_string": "石浦镇番西村",
    "description": "路灯坏了",
}  # fmt: skip
POSTS = [
    ({"api_key": ""}, 403),
    ({"api_key": "wrong"}, 403),
    ({"service_code": ""}, 400),
    ({"service_code": "potholes"}, 404),
    ({"description": ""}, 400),
    ({"description": "长" * 6000}, 400),
    ({"address_string": ""}, 400),
    ({"address_string": "", "lat": "29.2"}, 400),
    ({"lat": "abc", "long": "121"}, 400),
    ({"lat": "NaN", "long": "121"}, 400),
    ({"lat": "1e999", "long": "121"}, 400),
    ({"lat": "91", "long": "121"}, 400),
    ({"phone": "12345"}, 400),
    ({"phone": "13800001111", "first_name": "名" * 70}, 400),
    ({"media_url": "file:///etc/passwd"}, 400),
    ({"media_url": "javascript:alert(1)"}, 400),
    ({"description": "路灯\x00坏了"}, 400),
    ({"description": "路灯\x0b坏了"}, 400),
    ({"jurisdiction_id": "330205"}, 403),
    ({"jurisdiction_id": "3302"}, 403),
    ({"jurisdiction_id": "33022"}, 400),
    ({"title": "长" * 101}, 400),
]


@pytest.mark.parametrize(("changes", "status"), POSTS)
def test_bad_posts_are_spec_errors_and_create_nothing(client, demo, changes, status):
    before = Petition.objects.count()
    response = post(client, "requests.xml", **{**GOOD, **changes})
    assert response.status_code == status, response.content
    assert error_of(response)[0] == status
    assert Petition.objects.count() == before


def test_bad_bodies_are_spec_errors(client, demo, settings):
    url = f"{BASE}/requests.json"
    for body in (b"{", b"[1, 2]", b'{"api_key": {"a": 1}}', b"\xff\xfe", b"[" * 100000):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and error_of(response)[0] == 400
    upload = SimpleUploadedFile("a.jpg", b"\xff\xd8\xff", content_type="image/jpeg")
    response = client.post(url, {**GOOD, "media": upload})
    assert response.status_code == 400 and error_of(response)[0] == 400
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post(url, {**GOOD, "description": "长" * 2000})
    assert response.status_code == 413 and error_of(response)[0] == 413
    # A JSON object of plain values is read like the form.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
    response = client.post(url, json.dumps(GOOD), content_type="application/json")
    assert response.status_code == 200, response.content


UPDATE_POSTS = [
    ({"service_request_id": ""}, 400),
    ({"service_request_id": "abc"}, 400),
    ({"service_request_id": "999999999"}, 404),
    ({"status": ""}, 400),
    ({"status": "exploded"}, 400),
    ({"description": ""}, 400),
    ({"updated_datetime": "tomorrow"}, 400),
    ({"update_id": "x" * 101}, 400),
    ({"media_url": "ftp://example.com/a.jpg"}, 400),
    ({"secret": "1"}, 400),
]


@pytest.mark.parametrize(("changes", "status"), UPDATE_POSTS)
def test_bad_update_posts_are_spec_errors(client, demo, changes, status):
    from petitions import workflow
    from tests.open311.conftest import web_issue

    petition = web_issue(demo)
    staff = demo.users["shipu_staff"]
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(actor=staff, petition_id=petition.pk, department_id=demo.traffic.pk)
    data = {
        "api_key": demo.keys["traffic"], "service_request_id": str(petition.pk),
        "status": "fixed", "description": "已修复",
    }  # fmt: skip
    response = post(client, "servicerequestupdates.xml", **{**data, **changes})
    assert response.status_code == status, response.content
    assert error_of(response)[0] == status
    assert Petition.objects.get(pk=petition.pk).state == Petition.State.FORWARDED


def test_posts_are_limited_per_key_and_per_address(client, demo, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311_key": (2, 3600)}
    for _attempt in range(2):
        assert post(client, "requests.json", **GOOD).status_code == 200
    response = post(client, "requests.json", **GOOD)
    assert response.status_code == 429 and error_of(response)[0] == 429
    assert response["Retry-After"] == "3600"
    # Another key has its own count.
    other = {**GOOD, "api_key": demo.keys["jiangbei"], "address_string": "甬江街道"}
    assert post(client, "requests.json", **other).status_code == 200
    # Per address, bad keys included: the guesses of a key are limited too.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311_ip": (4, 3600)}
    response = post(client, "requests.xml", **{**GOOD, "api_key": "guess"})
    assert response.status_code == 429 and error_of(response)[0] == 429


def test_reads_are_limited_per_address(client, demo, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311_read": (3, 600)}
    for _attempt in range(3):
        assert get(client, "services.json").status_code == 200
    response = get(client, "requests.xml", api_key=KEY)
    assert response.status_code == 429 and error_of(response)[0] == 429


def test_the_web_forms_limit_per_phone_holds(client, demo, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "petition_phone": (1, 86400)}
    data = {**GOOD, "phone": "13800001111", "jurisdiction_id": XIANGSHAN}
    assert post(client, "requests.json", **data).status_code == 200
    response = post(client, "requests.json", **data)
    assert response.status_code == 429 and error_of(response)[0] == 429


ODD_VALUES = [
    "", " ", "0", "-1", "1.5", "1e400", "NaN", "null", "true", "[]", "{}", "３３０２２５", "٣",
    "9" * 40, "x" * 10_001, "'; DROP TABLE x; --", "<a>&</a>", "\ufffe", "\x00", "\t\n",
    "2026-02-30", "2026-01-01T00:00:00+25:00", "0000-01-01", "9999-12-31", "石浦镇",
]  # fmt: skip
READ_PARAMS = [
    "api_key", "jurisdiction_id", "service_request_id", "service_code", "start_date",
    "end_date", "status", "page", "page_size", "extensions",
]  # fmt: skip


@pytest.mark.parametrize("name", READ_PARAMS)
def test_no_value_of_any_parameter_is_a_server_error(client, demo, name):
    for value in ODD_VALUES:
        for path in ("requests.json", "requests/1.xml", "servicerequestupdates.json"):
            params = {name: value}
            if path.startswith("servicerequestupdates") and name != "api_key":
                params["api_key"] = KEY
            response = get(client, path, **params)
            assert response.status_code < 500, (path, name, value)
            if response.status_code >= 400:
                error_of(response)
        response = post(client, "requests.json", **{**GOOD, name: value})
        assert response.status_code < 500, (name, value)
        if response.status_code >= 400:
            error_of(response)


@pytest.mark.parametrize("name", sorted(REQUEST_FIELDS := [
    "service_code", "lat", "long", "address_string", "address_id", "email", "first_name",
    "last_name", "phone", "description", "title",
]))  # fmt: skip
def test_no_value_of_any_post_field_is_a_server_error(client, demo, name, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "open311_key": (10_000, 3600)}
    settings.RATE_LIMITS["open311_ip"] = (10_000, 3600)
    settings.RATE_LIMITS["petition_phone"] = (10_000, 86400)
    for value in ODD_VALUES:
        response = post(client, "requests.xml", **{**GOOD, name: value})
        assert response.status_code < 500, (name, value)
        if response.status_code >= 400:
            error_of(response)


def test_bytes_that_are_not_utf8_are_a_spec_error(client, demo):
    response = client.get(f"{BASE}/requests.json?service_code=%ED%A0%80&status=%FF")
    assert response.status_code == 400 and error_of(response)[0] == 400
    response = client.post(
        f"{BASE}/requests.xml", b"api_key=demo-open311-2026&description=%FF%FE",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 400 and error_of(response)[0] == 400
