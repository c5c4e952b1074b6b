"""Who reads and writes what: a county's key never another county's requests; a unit's key
only what is assigned to it; without a key, only published outcomes."""

import pytest

from petitions import demo as petitions_demo
from petitions import workflow
from petitions.models import Petition
from tests.open311.conftest import (
    JIANGBEI,
    JIANGBEI_STREET,
    XIANGSHAN,
    error_of,
    get,
    parse,
    post,
    web_issue,
)


def _new_request(client, key, **extra):
    data = {
        "api_key": key, "service_code": "environment", "address_string": "甬江街道湾头社区",
        "description": "小区门口垃圾无人清运", "phone": "13700003333",
    }  # fmt: skip
    data.update(extra)
    response = post(client, "requests.json", **data)
    assert response.status_code == 200, response.content
    return parse(response)[0]


def test_a_county_key_cannot_read_or_write_another_countys_requests(client, demo):
    xiangshan = web_issue(demo)
    jiangbei_answer = _new_request(client, demo.keys["jiangbei"])
    jiangbei = Petition.objects.get(pk=jiangbei_answer["service_request_id"])
    assert jiangbei.region.code == "330205005001"  # 湾头社区, named in the address
    hotline, other = demo.keys["hotline"], demo.keys["jiangbei"]

    # Reading one, in both formats: not found.
    for key, petition in ((hotline, jiangbei), (other, xiangshan)):
        for fmt in ("json", "xml"):
            response = get(client, f"requests/{petition.pk}.{fmt}", api_key=key)
            assert error_of(response)[0] == 404
    # Lists: each key sees its own county only; another county's jurisdiction is refused.
    listed = parse(get(client, "requests.json", api_key=hotline))
    assert {row["service_request_id"] for row in listed} == {str(xiangshan.pk)}
    listed = parse(get(client, "requests.json", api_key=other))
    assert {row["service_request_id"] for row in listed} == {str(jiangbei.pk)}
    ids = f"{xiangshan.pk},{jiangbei.pk}"
    listed = parse(get(client, "requests.json", api_key=other, service_request_id=ids))
    assert [row["service_request_id"] for row in listed] == [str(jiangbei.pk)]
    response = get(client, "requests.json", api_key=other, jurisdiction_id=XIANGSHAN)
    assert error_of(response)[0] == 403
    # Its token, its updates: not found, not listed.
    response = get(client, f"tokens/{jiangbei_answer['token']}.json", api_key=hotline)
    assert error_of(response)[0] == 404
    feed = parse(get(client, "servicerequestupdates.json", api_key=other))
    assert {row["service_request_id"] for row in feed} == {str(jiangbei.pk)}
    # Writing into another county: refused, nothing created.
    before = Petition.objects.count()
    response = post(
        client, "requests.xml", api_key=other, jurisdiction_id=XIANGSHAN, service_code="traffic",
        address_string="石浦镇", description="路面塌陷",
    )  # fmt: skip
    assert error_of(response)[0] == 403
    assert Petition.objects.count() == before


def test_a_units_key_reads_and_answers_only_what_is_assigned_to_it(client, demo):
    staff = demo.users["shipu_staff"]
    assigned, other = web_issue(demo), web_issue(demo, title="另一件")
    workflow.petition_accept(actor=staff, petition_id=assigned.pk)
    workflow.petition_forward(actor=staff, petition_id=assigned.pk, department_id=demo.traffic.pk)
    jiangbei = web_issue(demo, JIANGBEI_STREET)
    unit = demo.keys["traffic"]
    listed = parse(get(client, "requests.json", api_key=unit))
    assert [row["service_request_id"] for row in listed] == [str(assigned.pk)]
    for petition in (other, jiangbei):
        response = post(
            client, "servicerequestupdates.json", api_key=unit, service_request_id=petition.pk,
            status="fixed", description="已处理",
        )  # fmt: skip
        assert error_of(response)[0] == 404
    # A unit's key pushes replies; it does not submit issues, and a hotline key cannot reply.
    response = post(
        client, "requests.json", api_key=unit, service_code="traffic", address_string="石浦镇",
        description="路面塌陷",
    )  # fmt: skip
    assert error_of(response)[0] == 403
    response = post(
        client, "servicerequestupdates.json", api_key=demo.keys["hotline"],
        service_request_id=assigned.pk, status="fixed", description="已处理",
    )  # fmt: skip
    assert error_of(response)[0] == 403
    assert Petition.objects.get(pk=assigned.pk).state == Petition.State.FORWARDED


def test_without_a_key_only_published_outcomes_are_read(client, demo):
    petitions_demo.build(demo.regions)
    published = Petition.objects.get(published=True)
    hidden = Petition.objects.filter(published=False).first()
    response = get(client, "requests.json")
    rows = parse(response)
    assert [row["service_request_id"] for row in rows] == [str(published.pk)]
    [row] = rows
    assert row["status"] == "closed"
    assert row["description"] == published.published_title
    assert row["status_notes"] == published.published_summary
    assert row["lat"] is None and row["address"].startswith("宁波市象山县石浦镇")
    text = response.content.decode()
    assert published.description not in text and published.citizen_phone not in text
    assert published.citizen_name not in text and published.tracking_code not in text
    response = get(client, f"requests/{hidden.pk}.xml")
    assert error_of(response)[0] == 404
    root = parse(get(client, f"requests/{published.pk}.xml", jurisdiction_id=XIANGSHAN))
    assert root.findtext("request/status") == "closed"
    assert parse(get(client, "requests.json", jurisdiction_id=JIANGBEI)) == []
    # The updates feed needs a key.
    assert error_of(get(client, "servicerequestupdates.xml"))[0] == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_key_that_is_not_valid_is_refused_not_read_as_anonymous(client, demo, fmt):
    for path in ("requests", "servicerequestupdates", "services"):
        response = get(client, f"{path}.{fmt}", api_key="not-a-key")
        assert error_of(response)[0] == 403


def test_a_disabled_key_stops_working(client, demo):
    from open311 import workflow as open311_workflow
    from open311.models import ApiClient

    client_row = ApiClient.objects.get(region__code="330205000000")
    open311_workflow.client_set_active(
        actor=demo.users["jiangbei_staff"], client_id=client_row.pk, active=False
    )
    response = get(client, "requests.json", api_key=demo.keys["jiangbei"])
    assert error_of(response)[0] == 403
