"""Each object's history over the API (``…/{id}/history/``): its audit events in order, for
whoever sees the object; a 404 for a sibling's or a parent's object, as for the object."""

import pytest

from petitions.models import Petition
from portal.models import Event, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seeded_demo, db):
    """The demo, seeded once for the module (tests/conftest.py); what a test writes is rolled
    back after it."""


def history(client, username, path):
    client.force_login(User.objects.get(username=username))
    return client.get(path)


def test_an_issue_history_lists_its_events_in_order(client, demo):
    issue = Petition.objects.filter(region__path__contains="/330225100000/",
                                    client_token__isnull=False).order_by("pk").first()  # fmt: skip
    expected = list(Event.objects.filter(target_id=issue.pk, target_type__model="petition")
                    .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert expected
    answer = history(client, "county_staff", f"/api/v1/petitions/{issue.pk}/history/")
    assert answer.status_code == 200
    assert [row["action"] for row in answer.json()["results"]] == expected
    assert answer.json()["results"][0]["action_label"]
    for username in ("shipu_staff", "city_staff"):  # its township, the city above
        assert (
            history(client, username, f"/api/v1/petitions/{issue.pk}/history/").status_code == 200
        )
    for username in ("jiangbei_staff", "daxu_staff"):  # another county, a sibling township
        assert (
            history(client, username, f"/api/v1/petitions/{issue.pk}/history/").status_code == 404
        )


def test_every_kind_of_object_has_a_history_but_events_and_ballots(client, demo):
    from portal.urls import router

    client.force_login(User.objects.get(username="city_staff"))
    with_history = [
        prefix for prefix, viewset, _b in router.registry if getattr(viewset, "history", None)
    ]
    assert "petitions" in with_history and "suggestions" in with_history
    assert "events" not in with_history and "voting-ballots" not in with_history
    for prefix in with_history:
        answer = client.get(f"/api/v1/{prefix}/999999/history/")
        assert answer.status_code == 404, prefix
