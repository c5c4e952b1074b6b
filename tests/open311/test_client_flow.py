"""Issue 17's acceptance, as a city system written from the spec would see it: list the
services, post a request with an api_key, poll its token, read the status changes through
servicerequestupdates while the office forwards and the unit's system replies; in XML and
JSON."""

import datetime

from django.utils import timezone

from open311.models import ApiClient, PushedUpdate, SubmittedRequest
from open311.vocabulary import Action as Open311Action
from petitions import workflow
from petitions.models import Category, Petition, PetitionReply
from petitions.vocabulary import Action
from portal.models import Event, Notification
from tests.open311.conftest import (
    BASE,
    XIANGSHAN,
    error_of,
    get,
    parse,
    post,
    web_issue,
    xml_items,
)

State = Petition.State


def _window():
    now = timezone.now()
    return {
        "start_date": (now - datetime.timedelta(hours=1)).isoformat(timespec="seconds"),
        "end_date": (now + datetime.timedelta(hours=1)).isoformat(timespec="seconds"),
    }


def _post_request(client, key, **extra):
    data = {
        "api_key": key, "jurisdiction_id": XIANGSHAN, "service_code": "traffic",
        "address_string": "象山县石浦镇番西村村口", "lat": "29.2086", "long": "121.9543",
        "description": "番西村村口的路灯坏了五盏，晚上老人出行不方便。",
        "first_name": "大姐", "last_name": "李", "phone": "13800001111",
    }  # fmt: skip
    data.update(extra)
    return post(client, "requests.json", **data)


def test_discovery_and_services_in_both_formats(client, demo):
    found = parse(get(client, "discovery.json"))
    endpoint = found["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    root = parse(get(client, "discovery.xml"))
    assert root.tag == "discovery"
    assert root.findtext("endpoints/endpoint/specification") == endpoint["specification"]
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]

    services = parse(get(client, "services.json", jurisdiction_id=XIANGSHAN))
    assert [s["service_code"] for s in services] == Category.values
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services)
    assert all(s["service_name"] and s["group"] for s in services)
    root = parse(get(client, "services.xml"))
    rows = xml_items(root, "service")
    assert [row["service_code"] for row in rows] == Category.values
    assert {row["metadata"] for row in rows} == {"false"}

    definition = parse(get(client, "services/traffic.json"))
    assert definition == {"service_code": "traffic", "attributes": []}
    root = parse(get(client, "services/traffic.xml"))
    assert root.tag == "service_definition" and root.findtext("service_code") == "traffic"
    response = get(client, "services/potholes.json")
    assert response.status_code == 404 and error_of(response)[0] == 404


def test_a_city_system_follows_its_request_from_post_to_reply(
    client, demo, django_capture_on_commit_callbacks
):
    hotline, unit = demo.keys["hotline"], demo.keys["traffic"]
    response = _post_request(client, hotline)
    assert response.status_code == 200
    [answer] = parse(response)
    assert set(answer) == {"service_request_id", "token", "service_notice", "account_id"}
    assert answer["account_id"] is None
    pk = int(answer["service_request_id"])
    petition = Petition.objects.get(pk=pk)
    assert petition.tracking_code in answer["service_notice"]
    # The same intake as the web form: in the screening queue, at the place the address names.
    assert petition.state == State.SUBMITTED
    assert petition.region.code == "330225100202"  # 番西村
    assert petition.citizen_name == "李大姐" and petition.citizen_phone == "13800001111"
    assert "象山县石浦镇番西村村口" in petition.description
    submitted = Event.objects.get(target_id=pk, action=Action.SUBMIT)
    received = Event.objects.get(target_id=pk, action=Open311Action.RECEIVE)
    hotline_client = ApiClient.objects.get(name="象山县12345政务服务热线")
    assert received.data["client"] == hotline_client.pk and submitted.to_state == State.SUBMITTED
    assert Notification.objects.filter(target_id=pk, kind="citizen.sms").count() == 1

    # Poll the token, in both formats.
    token = answer["token"]
    assert parse(get(client, f"tokens/{token}.json", api_key=hotline)) == [
        {"service_request_id": str(pk), "token": token}
    ]
    root = parse(get(client, f"tokens/{token}.xml", api_key=hotline))
    assert xml_items(root, "request") == [{"service_request_id": str(pk), "token": token}]

    # Read it: open, the citizen's words and the place, never the name or the phone.
    response = get(client, f"requests/{pk}.xml", api_key=hotline)
    [row] = xml_items(parse(response), "request")
    assert row["status"] == "open" and row["service_code"] == "traffic"
    assert row["address"] == "象山县石浦镇番西村村口" and row["lat"] == "29.2086"
    assert "路灯坏了五盏" in row["description"]
    assert b"13800001111" not in response.content and "李大姐" not in response.content.decode()

    # The office accepts and forwards; the feed shows each change.
    staff = demo.users["shipu_staff"]
    workflow.petition_accept(actor=staff, petition_id=pk)
    workflow.petition_forward(actor=staff, petition_id=pk, department_id=demo.traffic.pk)
    feed = parse(get(client, "servicerequestupdates.json", api_key=hotline, **_window()))
    mine = [u for u in feed if u["service_request_id"] == str(pk)]
    assert [u["status"] for u in mine] == ["open", "investigating", "in_progress"]
    assert demo.traffic.name in mine[-1]["description"]
    assert len({u["update_id"] for u in mine}) == 3

    # The unit's system pushes its reply: the desk's workflow, events and text message.
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, "servicerequestupdates.xml", api_key=unit, service_request_id=str(pk),
            status="FIXED", description="已安排维修路灯，三天内修好。", update_id="GD-2026-001",
            updated_datetime="2026-05-06T10:00:00+08:00",
        )  # fmt: skip
    assert response.status_code == 200, response.content
    root = parse(response)
    assert root.tag == "service_request_updates"
    update_id = root.findtext("request_update/update_id")
    petition.refresh_from_db()
    assert petition.state == State.REPLIED
    reply = PetitionReply.objects.get(petition=petition)
    assert reply.kind == PetitionReply.Kind.REPLY and reply.department_id == demo.traffic.pk
    event = Event.objects.get(pk=int(update_id))
    assert event.action == Action.REPLY and event.actor_id == reply.author_id
    assert event.actor.department_id == demo.traffic.pk
    assert Notification.objects.filter(target_id=pk, kind="citizen.sms").count() == 2

    # The city system reads the change and the reply.
    root = parse(get(client, "servicerequestupdates.xml", api_key=hotline, **_window()))
    last = [u for u in xml_items(root, "request_update") if u["service_request_id"] == str(pk)][-1]
    assert last["update_id"] == update_id
    assert last["status"] == "action_scheduled"
    assert last["description"] == "已安排维修路灯，三天内修好。"
    [row] = parse(get(client, f"requests/{pk}.json", api_key=hotline, extensions="true"))
    assert row["status"] == "open" and row["status_notes"] == "已安排维修路灯，三天内修好。"
    assert row["agency_responsible"] == demo.traffic.name
    assert row["extended_attributes"]["status"] == "action_scheduled"

    # The citizen is satisfied: closed, "fixed" in the feed.
    workflow.petition_rate(petition_id=pk, rating="satisfied")
    [row] = parse(get(client, "requests.json", api_key=hotline, service_request_id=str(pk)))
    assert row["status"] == "closed"
    feed = parse(get(client, "servicerequestupdates.json", api_key=hotline, **_window()))
    assert [u["status"] for u in feed if u["service_request_id"] == str(pk)][-1] == "fixed"
    assert SubmittedRequest.objects.get(petition=petition).token == token


def test_a_repeated_update_id_answers_the_first_push_and_changes_nothing(client, demo):
    [answer] = parse(_post_request(client, demo.keys["hotline"]))
    pk = int(answer["service_request_id"])
    staff = demo.users["shipu_staff"]
    workflow.petition_accept(actor=staff, petition_id=pk)
    workflow.petition_forward(actor=staff, petition_id=pk, department_id=demo.traffic.pk)
    data = {
        "api_key": demo.keys["traffic"], "service_request_id": str(pk), "status": "fixed",
        "description": "已修复。", "update_id": "GD-7",
    }  # fmt: skip
    first = parse(post(client, "servicerequestupdates.json", **data))
    events = Event.objects.filter(target_id=pk).count()
    again = post(client, "servicerequestupdates.json", **data)
    assert again.status_code == 200 and parse(again) == first
    assert Event.objects.filter(target_id=pk).count() == events
    assert PetitionReply.objects.filter(petition_id=pk).count() == 1
    assert PushedUpdate.objects.filter(external_id="GD-7").count() == 1
    # The same id for another request is refused.
    [other] = parse(_post_request(client, demo.keys["hotline"], description="另一处路灯坏了"))
    other_pk = int(other["service_request_id"])
    workflow.petition_accept(actor=staff, petition_id=other_pk)
    workflow.petition_forward(actor=staff, petition_id=other_pk, department_id=demo.traffic.pk)
    data["service_request_id"] = str(other_pk)
    response = post(client, "servicerequestupdates.json", **data)
    assert response.status_code == 400 and error_of(response)[0] == 400
    assert Petition.objects.get(pk=other_pk).state == State.FORWARDED


def test_a_unit_not_responsible_hands_the_issue_back(client, demo):
    [answer] = parse(_post_request(client, demo.keys["hotline"]))
    pk = int(answer["service_request_id"])
    staff = demo.users["shipu_staff"]
    workflow.petition_accept(actor=staff, petition_id=pk)
    workflow.petition_forward(actor=staff, petition_id=pk, department_id=demo.traffic.pk)
    response = post(
        client, "servicerequestupdates.json", api_key=demo.keys["traffic"],
        service_request_id=str(pk), status="not_councils_responsibility",
        description="路灯归镇政府管理，请转石浦镇人民政府。",
    )  # fmt: skip
    assert response.status_code == 200
    petition = Petition.objects.get(pk=pk)
    assert petition.state == State.ACCEPTED and petition.department_id is None
    feed = parse(
        get(client, "servicerequestupdates.json", api_key=demo.keys["hotline"], **_window())
    )
    assert feed[-1]["status"] == "investigating" and "镇政府" in feed[-1]["description"]
    # A progress note is not a reply: refused, nothing changes.
    workflow.petition_forward(actor=staff, petition_id=pk, department_id=demo.traffic.pk)
    response = post(
        client, "servicerequestupdates.json", api_key=demo.keys["traffic"],
        service_request_id=str(pk), status="in_progress", description="正在处理",
    )  # fmt: skip
    assert response.status_code == 400
    assert Petition.objects.get(pk=pk).state == State.FORWARDED


def test_a_post_survives_a_broker_outage(
    client, demo, monkeypatch, django_capture_on_commit_callbacks
):
    from portal import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.deliver_notifications, "apply_async", broker_down)
    monkeypatch.setattr(tasks.deliver_notifications, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_request(client, demo.keys["hotline"])
    assert response.status_code == 200
    pk = int(parse(response)[0]["service_request_id"])
    row = Notification.objects.get(target_id=pk, kind="citizen.sms")
    assert row.delivered_at is None  # waits for the delivery sweep


def test_a_system_posts_without_cookies_or_csrf_token(demo):
    from django.test import Client

    system = Client(enforce_csrf_checks=True)
    response = _post_request(system, demo.keys["hotline"])
    assert response.status_code == 200, response.content
    assert not response.cookies


KEY = "demo-open311-2026"


def _submit(client, headers=None, **extra):
    body = {
        "api_key": KEY, "jurisdiction_id": XIANGSHAN, "service_code": "traffic",
        "address_string": "象山县石浦镇番西村村口", "description": "番西村村口的路灯坏了五盏。",
        "phone": "13800005555", **extra,
    }  # fmt: skip
    return client.post(f"{BASE}/requests.json", body, **(headers or {}))


def test_a_retried_post_with_its_idempotency_key_creates_one_issue(client, demo):
    from petitions.models import Petition

    before = Petition.objects.count()
    first = _submit(client, headers={"HTTP_IDEMPOTENCY_KEY": "12345-GD-0001"})
    again = _submit(client, headers={"HTTP_IDEMPOTENCY_KEY": "12345-GD-0001"})
    assert first.status_code == again.status_code == 200
    assert parse(first)[0]["service_request_id"] == parse(again)[0]["service_request_id"]
    assert parse(first)[0]["token"] == parse(again)[0]["token"]
    assert Petition.objects.count() == before + 1
    other = _submit(client, headers={"HTTP_IDEMPOTENCY_KEY": "12345-GD-0002"})
    assert Petition.objects.count() == before + 2 and other.status_code == 200
    bad = _submit(client, headers={"HTTP_IDEMPOTENCY_KEY": "有 空格"})
    assert error_of(bad)[0] == 400 and Petition.objects.count() == before + 2


def test_a_photo_link_and_service_attributes_are_accepted_not_fetched(client, demo):
    from petitions.models import Petition

    answer = _submit(client, media_url="https://12345.example.cn/p/1.jpg", **{"attribute[x]": "1"})
    assert answer.status_code == 200, answer.content
    petition = Petition.objects.get(pk=parse(answer)[0]["service_request_id"])
    assert "https://12345.example.cn/p/1.jpg" in petition.description
    assert not petition.photos.exists()


def test_a_key_reads_the_words_of_its_own_requests_only(client, demo):
    own = parse(_submit(client))[0]["service_request_id"]
    other = web_issue(demo)
    mine = parse(get(client, f"requests/{own}.json", api_key=KEY))[0]
    theirs = parse(get(client, f"requests/{other.pk}.json", api_key=KEY))[0]
    assert "路灯坏了五盏" in mine["description"]
    assert other.description not in str(theirs) and theirs["lat"] is None
