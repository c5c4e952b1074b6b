"""Helpers of the citizens' pages tests: addresses, a valid submission, a replied issue."""

import html
import uuid

from petitions import workflow
from petitions.models import Petition
from portal import captcha
from tests.petitions.conftest import submit

NEW_URL = "/petitions/new/"
TRACK_URL = "/petitions/track/"
RATE_URL = "/petitions/track/rate/"
RESULTS_URL = "/petitions/results/"


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(pworld, **overrides) -> dict:
    """Return a complete, valid submission (fresh captcha and client token)."""
    regions = pworld.base.regions
    token = captcha.issue()
    data = {
        "client_token": str(uuid.uuid4()),
        "captcha_token": token,
        "captcha": captcha.answer_for(token),
        "county": str(regions["countyA"].pk),
        "township": str(regions["townA1"].pk),
        "village": str(regions["villageA1"].pk),
        "category": "traffic",
        "title": "村口路灯坏了",
        "description": "村口的路灯坏了一个多月，晚上看不清路。",
        "citizen_name": "王大伯",
        "citizen_phone": "13800001111",
        "wants_feedback": "on",
        "consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def replied(pworld, **kwargs) -> Petition:
    """An issue forwarded (with staff notes), handed back once, forwarded again and replied."""
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld, **kwargs)
    workflow.petition_accept(actor=staff, petition_id=petition.pk, note="内部：先核实情况")
    unit = pworld.units["townA1"].pk
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=unit, note="内部备注：找老张"
    )
    workflow.petition_hand_back(actor=handler, petition_id=petition.pk, reason="内部退回理由")
    workflow.petition_forward(actor=staff, petition_id=petition.pk, department_id=unit)
    workflow.petition_reply(actor=handler, petition_id=petition.pk, text="已协调公交公司增加早班车")
    petition.refresh_from_db()
    return petition
