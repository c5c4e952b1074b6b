"""The API's errors: a page size that is not a whole number of at least 1 is a 400 naming it,
and every endpoint's 404 says so in Chinese (never Django's "No X matches the given query")."""

import uuid

import pytest
from django.core.management import call_command

from portal.models import User
from portal.urls import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, db):
    call_command("seed_demo", verbosity=0)
    client.force_login(User.objects.get(username="county_staff"))
    return client


@pytest.mark.parametrize("size", ["abc", "0", "-5", "1.5", "", "1e3"])
def test_a_bad_page_size_is_a_400_naming_it(staff, size):
    answer = staff.get("/api/v1/petitions/", {"page_size": size})
    assert answer.status_code == 400 and list(answer.json()) == ["page_size"]
    assert "200" in answer.json()["page_size"][0]


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
