"""/api/v1/me/ and /api/v1/users/: who the caller is, and the accounts of their jurisdiction
— for each office role against its own region, its children, its siblings and its parent;
never a phone number; strict parameters."""

import pytest

from portal.models import User

pytestmark = pytest.mark.django_db
ME, USERS = "/api/v1/me/", "/api/v1/users/"


@pytest.fixture
def demo(seeded_demo, db):
    """The demo, seeded once for the module (tests/conftest.py); what a test writes is rolled
    back after it."""


def names(client, **params) -> set[str]:
    answer = client.get(USERS, {"page_size": 200, **params})
    assert answer.status_code == 200, answer.content
    return {row["username"] for row in answer.json()["results"]}


def test_me_tells_the_account_its_roles_and_jurisdiction(client, demo):
    client.force_login(User.objects.get(username="county_leader"))
    me = client.get(ME).json()
    assert me["username"] == "county_leader" and me["region"]["name"] == "象山县"
    assert [(r["region"]["name"], r["role"], r["role_display"]) for r in me["roles"]] == [
        ("象山县", "leader", "负责人")
    ]
    assert me["is_office"] is True and "phone" not in me
    client.force_login(User.objects.get(username="deputy_shipu"))
    deputy = client.get(ME).json()
    assert deputy["roles"] == [] and deputy["is_office"] is False and deputy["kind"] == "deputy"
    client.logout()
    assert client.get(ME).status_code in (401, 403)


@pytest.mark.parametrize(
    ("username", "seen", "unseen"),
    [
        ("city_staff", {"county_staff", "shipu_staff", "jiangbei_staff", "dept_traffic"}, set()),
        # own county and its township | a sibling county, the city above
        ("county_staff", {"county_leader", "shipu_staff", "daxu_staff", "deputy_shipu",
                          "dept_traffic", "shipu_gov"}, {"jiangbei_staff", "city_staff"}),
        # own township | a sibling township, the county and the city above
        ("shipu_staff", {"deputy_shipu", "shipu_gov"}, {"daxu_staff", "county_staff", "city_staff"}),
        ("jiangbei_staff", set(), {"county_staff", "shipu_staff", "city_staff"}),
    ],
)  # fmt: skip
def test_the_lookup_lists_only_the_jurisdictions_accounts(client, demo, username, seen, unseen):
    client.force_login(User.objects.get(username=username))
    listed = names(client)
    assert seen <= listed and not (unseen & listed), listed
    for row in client.get(USERS).json()["results"]:
        assert "phone" not in row and "email" not in row
    outsider = User.objects.filter(username__in=unseen).first()
    if outsider is not None:
        assert client.get(f"{USERS}{outsider.pk}/").status_code == 404


def test_the_lookup_filters_and_refuses_what_it_does_not_know(client, demo):
    client.force_login(User.objects.get(username="county_staff"))
    assert names(client, kind="handler") == {"dept_traffic", "shipu_gov"}
    assert names(client, q="海波") == {"deputy_shipu"}
    bad = client.get(USERS, {"colour": "red", "kind": "alien"})
    assert bad.status_code == 400 and {"colour", "kind"} <= set(bad.json()["fields"])
    for username in ("deputy_shipu", "dept_traffic"):
        client.force_login(User.objects.get(username=username))
        assert client.get(USERS).status_code == 403


def test_the_schema_documents_me_users_and_statistics_without_warnings():
    from io import StringIO

    from django.core.management import call_command as run

    out = StringIO()
    run("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    import json

    paths = json.loads(out.getvalue())["paths"]
    for path in ("/api/v1/me/", "/api/v1/users/", "/api/v1/users/{id}/",
                 "/api/v1/statistics/", "/api/v1/statistics/{id}/"):  # fmt: skip
        assert path in paths, path
    assert {"400", "403", "404"} <= set(paths["/api/v1/statistics/{id}/"]["get"]["responses"])
