"""The tracking page's steps (petitions/steps.py): done, current and still to come, along
the path of the issue's state; the reply deadline while a unit has the issue."""

import re

import pytest
from django.utils import formats

from petitions import steps, workflow
from petitions.models import Petition
from tests.petitions.conftest import submit
from tests.petitions.public_helpers import TRACK_URL, replied, text

State = Petition.State
pytestmark = pytest.mark.usefixtures("_media")


def track(client, petition):
    response = client.post(TRACK_URL, {"code": petition.tracking_code, "digits": "1111"})
    assert response.status_code == 200
    return response


def shape(response) -> list[tuple[str, str]]:
    return [(step.key, step.status) for step in response.context["steps"]]


def test_a_new_issue_shows_every_step_still_to_come(client, pworld):
    response = track(client, submit(pworld))
    assert shape(response) == [
        ("submit", "done"), ("accept", "current"), ("forward", "pending"),
        ("reply", "pending"), ("rate", "pending"), ("close", "pending"),
    ]  # fmt: skip
    page = text(response)
    steps_html = page.split('id="steps"', 1)[1].split("</section>", 1)[0]
    labels = re.findall(r"<li class=\"step-(\w+)\"[^>]*>\s*([^<\s]+)", steps_html)
    assert labels == [
        ("done", "提交"), ("current", "受理"), ("pending", "转办"),
        ("pending", "答复"), ("pending", "评价"), ("pending", "办结"),
    ]  # fmt: skip
    assert 'aria-current="step"' in steps_html and "待进行" in steps_html
    assert "已完成" in steps_html and "进行中" in steps_html


def test_a_forwarded_issue_shows_the_reply_deadline(client, pworld):
    staff = pworld.base.users["township"]
    petition = submit(pworld)
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    workflow.petition_forward(
        actor=staff, petition_id=petition.pk, department_id=pworld.units["townA1"].pk
    )
    petition.refresh_from_db()
    response = track(client, petition)
    assert shape(response) == [
        ("submit", "done"), ("accept", "done"), ("forward", "done"),
        ("reply", "current"), ("rate", "pending"), ("close", "pending"),
    ]  # fmt: skip
    page = text(response)
    due = formats.date_format(petition.due_on, "DATE_FORMAT")
    assert f'<dt>答复期限</dt><dd class="petition-deadline">{due}</dd>' in page
    assert f"答复期限：{due}" in page.split('id="steps"', 1)[1]


def test_a_replied_issue_waits_for_the_citizens_rating(client, pworld):
    response = track(client, replied(pworld))
    assert shape(response) == [
        ("submit", "done"), ("accept", "done"), ("forward", "done"), ("reply", "done"),
        ("rate", "current"), ("close", "pending"),
    ]  # fmt: skip
    assert response.context["reply_due"] is None and "答复期限" not in text(response)


def test_a_resolved_issue_has_every_step_done(client, pworld):
    petition = replied(pworld)
    workflow.petition_rate(petition_id=petition.pk, rating="satisfied")
    response = track(client, petition)
    assert shape(response) == [
        ("submit", "done"), ("accept", "done"), ("forward", "done"), ("reply", "done"),
        ("rate", "done"), ("close", "done"),
    ]  # fmt: skip
    assert response.context["steps"][-1].label == "办结（已解决）"


def test_an_issue_not_accepted_ends_there(client, pworld):
    petition = submit(pworld)
    workflow.petition_reject(
        actor=pworld.base.users["township"], petition_id=petition.pk, reason="不属于人大工作范围"
    )
    response = track(client, petition)
    assert shape(response) == [("submit", "done"), ("close", "done")]
    assert response.context["steps"][-1].label == "不予受理"
    assert "待进行" not in text(response).split('id="steps"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize(
    ("state", "actions", "expected"),
    [
        (State.ACCEPTED, {"petition_accept"},
         ["submit:done", "accept:done", "forward:current", "reply:pending", "rate:pending",
          "close:pending"]),
        # handed back by the unit: to be forwarded again, the earlier forwarding not shown
        (State.ACCEPTED, {"petition_accept", "petition_forward", "petition_hand_back"},
         ["submit:done", "accept:done", "forward:current", "reply:pending", "rate:pending",
          "close:pending"]),
        (State.ESCALATED, {"petition_accept", "petition_escalate"},
         ["submit:done", "accept:done", "supervise:current", "close:pending"]),
        # answered by the office itself: no unit in the path
        (State.REPLIED, {"petition_accept", "petition_answer"},
         ["submit:done", "accept:done", "reply:done", "rate:current", "close:pending"]),
        # the citizen was not satisfied: the unit replies again
        (State.FORWARDED,
         {"petition_accept", "petition_forward", "petition_reply", "petition_reopen"},
         ["submit:done", "accept:done", "forward:done", "reply:current", "rate:pending",
          "close:pending"]),
        (State.RESOLVED, {"petition_accept", "petition_escalate", "petition_close"},
         ["submit:done", "accept:done", "supervise:done", "close:done"]),
        (State.CLOSED_UNRESOLVED,
         {"petition_accept", "petition_forward", "petition_reply", "petition_close"},
         ["submit:done", "accept:done", "forward:done", "reply:done", "close:done"]),
        (State.REJECTED, {"petition_accept", "petition_reject"},
         ["submit:done", "accept:done", "close:done"]),
        (State.DUPLICATE, {"petition_duplicate"}, ["submit:done", "close:done"]),
    ],
)  # fmt: skip
def test_the_steps_follow_the_path_of_every_state(state, actions, expected):
    found = steps.issue_steps(Petition(state=state), actions)
    assert [f"{step.key}:{step.status}" for step in found] == expected


def test_every_state_has_its_steps():
    for state in State:
        found = steps.issue_steps(Petition(state=state), set())
        assert found[0].key == "submit" and found[-1].key == "close"
        assert [step.status for step in found].count("current") == (
            0 if state in Petition.CLOSED_STATES else 1
        )
