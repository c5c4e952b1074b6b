"""The REST API of suggestions: scoped reads, workflow writes, 400/403/404."""

import pytest

from supervision.suggestions import workflow
from supervision.suggestions.models import Suggestion
from tests.errors import field_names
from tests.suggestions.conftest import assigned, draft

URL = "/api/v1/suggestions/"


def test_deputy_drafts_and_submits_through_the_api(client, gworld):
    client.force_login(gworld.users["deputy"])
    bad = client.post(
        URL, {"title": "x", "content": "y", "category": "economy"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "session" in field_names(bad)
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


def test_api_bad_input_and_out_of_scope(client, gworld):
    from tests.factories import staff_with_role

    s = assigned(gworld)
    client.force_login(gworld.users["deputy"])
    assert client.get(f"{URL}999999/").status_code == 404
    long_title = client.post(
        URL, {"title": "长" * 101, "content": "内容", "category": "economy",
              "session": gworld.session.pk}, content_type="application/json",
    )  # fmt: skip
    assert long_title.status_code == 400 and "title" in field_names(long_title)
    other = client.post(
        URL, {"title": "跨县附议", "content": "内容", "category": "economy",
              "session": gworld.session.pk, "cosigners": [gworld.deps["b1"].pk]},
        content_type="application/json",
    )  # fmt: skip
    assert other.status_code == 400
    client.force_login(staff_with_role(gworld.regions["countyB"]))
    accept = client.post(f"{URL}{s.pk}/accept/", {}, content_type="application/json")
    assert accept.status_code == 404
    assert Suggestion.objects.count() == 1


def test_api_reply_classes_and_extension_months_follow_the_rules(client, gworld, settings):
    s = assigned(gworld)
    client.force_login(gworld.users["handler"])
    body = {"reply_class": "D", "text": "x", "signed_off_by": "y"}
    refused = client.post(f"{URL}{s.pk}/reply/", body, content_type="application/json")
    assert refused.status_code == 400 and "reply_class" in field_names(refused)
    too_long = client.post(
        f"{URL}{s.pk}/extension/", {"months": 7, "reason": "r"}, content_type="application/json"
    )
    assert too_long.status_code == 400 and "months" in field_names(too_long)
    from supervision.suggestions.api import SuggestionReplyInput

    assert list(SuggestionReplyInput().fields["reply_class"].choices) == ["A", "B", "C"]
    settings.SUGGESTIONS = {"REPLY_CLASSES": ("A", "B", "C", "D")}
    done = client.post(f"{URL}{s.pk}/reply/", body, content_type="application/json")
    assert done.status_code == 200 and done.json()["reply_class"] == "D"


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("cycle=1", "cycle"),
        ("state=nonsense", "state"),
        ("period=later", "period"),
        ("session=abc", "session"),
        ("session=0", "session"),
        ("region=99999999", "region"),
        ("region=x", "region"),
        ("overdue=maybe", "overdue"),
        ("key=2", "key"),
        ("unit_work=sure", "unit_work"),
    ],
)
def test_unknown_or_malformed_filters_are_a_400_naming_the_parameter(client, gworld, query, param):
    draft(gworld)
    client.force_login(gworld.users["county"])
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400 and list(response.json()["fields"]) == [param]


def test_list_filters_by_session_region_key_and_unit_work(client, gworld):
    interim = draft(gworld, session_id=None, region_id=gworld.regions["countyA"].pk)
    work = assigned(gworld, title="本单位承办")
    workflow.suggestion_mark_key(
        actor=gworld.users["county"], suggestion_id=work.pk, committee_id=gworld.committee.pk
    )
    client.force_login(gworld.users["county"])

    def ids(query):
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(f"session={gworld.session.pk}") == {work.pk}
    assert ids("period=interim") == {interim.pk}
    assert ids("key=true") == {work.pk} and ids("key=false") == {interim.pk, work.pk}
    assert ids(f"region={gworld.regions['countyA'].pk}") == {interim.pk, work.pk}
    assert ids(f"region={gworld.regions['townA1'].pk}") == set()
    assert ids("overdue=true") == set()
    client.force_login(gworld.users["handler"])
    assert ids("unit_work=true") == {work.pk}


def test_session_list_refuses_unknown_filters_and_filters_by_region(client, gworld):
    client.force_login(gworld.users["county"])
    url = "/api/v1/suggestion-sessions/"
    assert client.get(url + "?state=draft").status_code == 400
    here = client.get(f"{url}?region={gworld.regions['countyA'].pk}").json()["results"]
    assert [row["id"] for row in here] == [gworld.session.pk]
    below = client.get(f"{url}?region={gworld.regions['townA1'].pk}").json()["results"]
    assert below == []
