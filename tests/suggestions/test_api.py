"""The REST API of suggestions: scoped reads, workflow writes, 400/403/404."""

from supervision.suggestions.models import Suggestion
from tests.suggestions.conftest import assigned, draft

URL = "/api/v1/suggestions/"


def test_deputy_drafts_and_submits_through_the_api(client, gworld):
    client.force_login(gworld.users["deputy"])
    bad = client.post(
        URL, {"title": "x", "content": "y", "category": "economy"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "session" in bad.json()
    made = client.post(
        URL, {"title": "接口建议", "content": "内容", "category": "economy", "session": gworld.session.pk},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201
    pk = made.json()["id"]
    assert (
        client.post(f"{URL}{pk}/submit/", {}, content_type="application/json").json()["state"]
        == "first_review"
    )


def test_api_scopes_and_refuses_cleanly(client, gworld):
    s = assigned(gworld)
    client.force_login(gworld.users["sibling_handler"])
    assert client.get(f"{URL}{s.pk}/").status_code == 404
    assert client.get(URL).json()["results"] == []
    client.force_login(gworld.users["co"])
    body = {"reply_class": "A", "text": "x", "signed_off_by": "y"}
    assert (
        client.post(f"{URL}{s.pk}/reply/", body, content_type="application/json").status_code == 403
    )
    client.force_login(gworld.users["handler"])
    missing = client.post(
        f"{URL}{s.pk}/reply/", {**body, "signed_off_by": " "}, content_type="application/json"
    )
    assert missing.status_code == 400
    assert (
        client.post(f"{URL}{s.pk}/reply/", body, content_type="application/json").json()["state"]
        == "replied"
    )
    client.force_login(gworld.users["county"])
    wrong = client.post(f"{URL}{s.pk}/accept/", {}, content_type="application/json")
    assert wrong.status_code == 400
    listed = client.get(URL + "?overdue=true").json()["results"]
    assert listed == []


def test_list_filters_and_bad_filters(client, gworld):
    one = draft(gworld)
    client.force_login(gworld.users["deputy"])
    assert [r["id"] for r in client.get(URL + "?state=draft").json()["results"]] == [one.pk]
    assert client.get(URL + "?state=nonsense").status_code == 400
    assert Suggestion.objects.count() == 1
