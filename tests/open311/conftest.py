"""The demo jurisdiction (宁波市 > 象山县, 江北区) with its Open311 clients, and a small HTTP
client written from the GeoReport v2 spec alone: it knows URLs, parameters, JSON and XML,
nothing of the portal's code.

Keys: the demo's hotline key of 象山县 (``demo-open311-2026``), a key of 象山县交通运输局's
system (pushes its replies), and a hotline key of 江北区.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from lxml import etree

from open311 import demo as open311_demo
from open311 import workflow as open311_workflow
from petitions import workflow
from portal.demo import core
from portal.models import Department, Region, User

BASE = "/open311/v2"
XIANGSHAN, JIANGBEI = "330225", "330205"
SHIPU_VILLAGE = "330225100202"  # 番西村, under 石浦镇
JIANGBEI_STREET = "330205005000"  # 甬江街道


@dataclass
class Demo:
    regions: dict[str, Region]
    users: dict[str, User] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    traffic: Department | None = None


@pytest.fixture
def demo(db) -> Demo:
    regions = core.build()
    users = {user.username: user for user in User.objects.all()}
    world = Demo(regions=regions, users=users)
    open311_demo.build(regions)
    world.keys["hotline"] = open311_demo.DEMO_KEY
    world.traffic = users["dept_traffic"].department
    _client, world.keys["traffic"] = open311_workflow.client_create(
        actor=users["county_staff"], name="交通运输局办件系统",
        region_id=regions["330225000000"].pk, department_id=world.traffic.pk,
    )  # fmt: skip
    _client, world.keys["jiangbei"] = open311_workflow.client_create(
        actor=users["jiangbei_staff"], name="江北区12345热线", region_id=regions["330205000000"].pk
    )
    return world


def web_issue(demo: Demo, code: str = SHIPU_VILLAGE, **kwargs):
    """An issue from the web form (not through Open311)."""
    values = {
        "channel": "web", "region_id": demo.regions[code].pk, "category": "traffic",
        "title": "路灯坏了", "description": "村口路灯坏了三盏", "citizen_name": "赵先生",
        "citizen_phone": "13900002222",
    }  # fmt: skip
    values.update(kwargs)
    return workflow.petition_submit(**values)


# --- the spec's client ------------------------------------------------------------------


def parse(response):
    """Parse an Open311 answer by its content type: JSON data or an lxml root element."""
    content_type = response["Content-Type"]
    if content_type.startswith("application/json"):
        return json.loads(response.content.decode("utf-8"))
    assert content_type.startswith("text/xml"), content_type
    assert response.content.startswith(b"<?xml")
    return etree.fromstring(response.content)


def xml_items(root, item: str) -> list[dict]:
    """Return the children ``item`` of an XML list as dicts of their leaf texts."""
    return [{child.tag: child.text or "" for child in element} for element in root.findall(item)]


def get(client, path: str, **params):
    return client.get(f"{BASE}/{path}", params)


def post(client, path: str, **data):
    return client.post(f"{BASE}/{path}", data)


def error_of(response) -> tuple[int, str]:
    """Return (code, description) of a spec error body in either format, checking both."""
    body = parse(response)
    if isinstance(body, list):
        assert len(body) == 1 and set(body[0]) == {"code", "description"}, body
        code, description = body[0]["code"], body[0]["description"]
    else:
        assert body.tag == "errors", body.tag
        code = int(body.findtext("error/code"))
        description = body.findtext("error/description")
    assert code == response.status_code and description
    return code, description
