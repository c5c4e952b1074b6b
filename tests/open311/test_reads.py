"""The spec's filters of GET requests, the status mapping over every state of the demo, the
same answer in JSON and XML, and no citizen's name or phone in any of them."""

import datetime

import pytest
from django.utils import timezone

from open311 import statuses
from petitions import demo as petitions_demo
from petitions.models import Category, Petition
from tests.open311.conftest import XIANGSHAN, get, parse, web_issue, xml_items

KEY = "demo-open311-2026"
State = Petition.State
FMS_STATUSES = {
    "open", "closed", "fixed", "in_progress", "action_scheduled", "investigating", "duplicate",
    "not_councils_responsibility", "no_further_action", "internal_referral", "unable_to_fix",
}  # fmt: skip


def test_every_state_has_a_status_and_an_extended_status():
    for state in State.values:
        assert statuses.basic(state) == ("closed" if state in Petition.CLOSED_STATES else "open")
        assert statuses.extended(state) in FMS_STATUSES
    assert set(statuses.PUSHED) <= FMS_STATUSES
    assert set(statuses.states_with("open")) | set(statuses.states_with("closed")) == set(
        State.values
    )


def text_of(row: dict) -> str:
    return " ".join(str(value) for value in row.values())


@pytest.fixture
def every_state(demo):
    petitions_demo.build(demo.regions)
    return {p.state: p for p in Petition.objects.order_by("pk")}


def test_a_keyed_list_shows_every_state_mapped_and_no_citizen(client, demo, every_state):
    response = get(client, "requests.json", api_key=KEY, extensions="true")
    rows = {row["service_request_id"]: row for row in parse(response)}
    assert len(rows) == Petition.objects.count()
    for petition in Petition.objects.all():
        row = rows[str(petition.pk)]
        assert row["status"] == statuses.basic(petition.state)
        assert row["extended_attributes"]["status"] == statuses.extended(petition.state)
        assert row["extended_attributes"]["portal_state"] == petition.state
        # issues that came by other channels: no citizen's words, the category or outcome
        expected = petition.published_title or str(Category(petition.category).label)
        assert row["description"] == expected and petition.description not in text_of(row)
    rejected = rows[str(every_state[State.REJECTED].pk)]
    assert rejected["status_notes"] == every_state[State.REJECTED].public_reason
    forwarded = rows[str(every_state[State.FORWARDED].pk)]
    assert forwarded["expected_datetime"] and forwarded["agency_responsible"]
    text = response.content.decode()
    for petition in Petition.objects.all():
        assert petition.citizen_phone not in text and petition.citizen_name not in text
        assert petition.tracking_code not in text


def test_json_and_xml_say_the_same(client, demo, every_state):
    as_json = parse(get(client, "requests.json", api_key=KEY))
    root = parse(get(client, "requests.xml", api_key=KEY))
    assert root.tag == "service_requests"
    as_xml = xml_items(root, "request")
    assert len(as_xml) == len(as_json)
    for json_row, xml_row in zip(as_json, as_xml, strict=True):
        for key, value in json_row.items():
            expected = "" if value is None else str(value)
            assert xml_row[key] == expected, key


def test_the_spec_filters(client, demo, every_state):
    def ids(**params):
        return {
            int(row["service_request_id"])
            for row in parse(get(client, "requests.json", api_key=KEY, **params))
        }

    closed = {p.pk for p in Petition.objects.all() if p.is_closed}
    assert ids(status="closed") == closed
    assert ids(status="open") == set(Petition.objects.values_list("pk", flat=True)) - closed
    assert ids(status="open,closed") == ids()
    traffic = set(Petition.objects.filter(category="traffic").values_list("pk", flat=True))
    assert ids(service_code="traffic") == traffic
    assert ids(service_code="traffic,safety") == traffic | set(
        Petition.objects.filter(category="safety").values_list("pk", flat=True)
    )
    one, two = list(Petition.objects.values_list("pk", flat=True)[:2])
    # service_request_id overrides the other filters.
    assert ids(service_request_id=f"{one},{two}", status="closed", service_code="health") == {
        one,
        two,
    }
    # The window is on the requested time; a date alone is that day.
    later = (timezone.now() + datetime.timedelta(days=2)).date().isoformat()
    assert ids(start_date=later) == set()
    today = timezone.localdate().isoformat()
    assert ids(start_date=today, end_date=today) == ids()
    old = timezone.now() - datetime.timedelta(days=200)
    Petition.objects.filter(pk=one).update(submitted_at=old)
    assert one not in ids()  # the default window: the last 90 days
    assert ids(service_request_id=str(one)) == {one}
    # Pages, newest first.
    first = parse(get(client, "requests.json", api_key=KEY, page_size="3"))
    second = parse(get(client, "requests.json", api_key=KEY, page_size="3", page="2"))
    assert len(first) == 3 and not {r["service_request_id"] for r in first} & {
        r["service_request_id"] for r in second
    }
    assert first[0]["requested_datetime"] >= first[-1]["requested_datetime"]


def test_a_units_feed_holds_only_its_issues(client, demo, every_state):
    mine = set(Petition.objects.filter(department=demo.traffic).values_list("pk", flat=True))
    assert mine
    feed = parse(get(client, "servicerequestupdates.json", api_key=demo.keys["traffic"]))
    assert {int(row["service_request_id"]) for row in feed} == mine
    everything = parse(get(client, "servicerequestupdates.json", api_key=KEY))
    assert {int(row["service_request_id"]) for row in everything} == set(
        Petition.objects.values_list("pk", flat=True)
    )
    assert {row["status"] for row in everything} <= FMS_STATUSES
    replied = every_state[State.REPLIED]
    texts = [r["description"] for r in everything if r["service_request_id"] == str(replied.pk)]
    # a web-form issue: the hotline reads the steps, not the unit's words to the citizen
    assert replied.replies.get().text not in texts and "承办单位答复" in texts
    if replied.department == demo.traffic:  # the unit reads its own words
        own = [r["description"] for r in feed if r["service_request_id"] == str(replied.pk)]
        assert replied.replies.get().text in own


def test_dates_are_w3c_with_an_offset(client, demo):
    petition = web_issue(demo)
    [row] = parse(
        get(client, f"requests/{petition.pk}.json", api_key=KEY, jurisdiction_id=XIANGSHAN)
    )
    moment = datetime.datetime.fromisoformat(row["requested_datetime"])
    assert moment.utcoffset() == datetime.timedelta(hours=8)
    assert row["address"] == "宁波市象山县石浦镇番西村"


def test_a_page_costs_the_same_queries_however_long(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = get(client, "requests.json", api_key=KEY, page_size=str(size))
        assert len(parse(response)) == size
        return len(queries)

    for number in range(6):
        web_issue(demo, title=f"第{number}件")
    count(1)  # the key's last use is written once a minute: not in what is compared
    assert count(2) == count(6)
