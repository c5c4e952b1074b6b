"""The actions of the desk on citizen issues, from acceptance to publication."""

from django.contrib.messages import SUCCESS, get_messages

from petitions import workflow
from petitions.models import PetitionRating, PetitionReply
from portal.models import Event
from tests.petitions.conftest import submit
from tests.petitions.desk_helpers import State, act, actions, detail, forwarded

# --- the whole life through the desk -------------------------------------------------


def test_staff_and_unit_take_an_issue_through_its_life(client, pworld):
    staff, handler = pworld.base.users["township"], pworld.handlers["townA1"]
    petition = submit(pworld)

    def as_staff(action, **data):
        client.force_login(staff)
        response = act(client, petition, action, **data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == detail(petition)
        assert {m.level for m in get_messages(response.wsgi_request)} == {SUCCESS}
        petition.refresh_from_db()

    def as_unit(action, **data):
        client.force_login(handler)
        assert act(client, petition, action, **data).status_code == 302
        petition.refresh_from_db()

    client.force_login(staff)
    names = [form["name"] for form in client.get(detail(petition)).context["action_forms"]]
    assert names == ["accept", "reject", "duplicate"]
    as_staff("accept", note="")
    assert petition.state == State.ACCEPTED
    as_staff("forward", department=pworld.units["townA1"].pk, note="请镇政府办理")
    assert petition.state == State.FORWARDED and petition.due_on is not None

    client.force_login(handler)
    names = [form["name"] for form in client.get(detail(petition)).context["action_forms"]]
    assert names == ["reply", "hand_back"]
    as_unit("reply", text="已协调公交公司")
    assert petition.state == State.REPLIED

    as_staff("rate", rating="unsatisfied", comment="还是很挤")
    assert (petition.state, petition.round) == (State.FORWARDED, 2)
    as_unit("reply", text="早班增加两班车")
    as_staff("rate", rating="satisfied", comment="")
    assert petition.state == State.RESOLVED

    client.force_login(staff)
    page = client.get(detail(petition))
    publish = next(f for f in page.context["action_forms"] if f["name"] == "publish")
    assert publish["form"].initial == {"title": petition.title, "summary": "早班增加两班车"}
    unchecked = act(client, petition, "publish", title="早班公交增加班次", summary="增加两班")
    assert unchecked.status_code == 400  # the text has to be reviewed first
    as_staff("publish", title="早班公交增加班次", summary="镇政府协调增加两班", reviewed="on")
    assert petition.published and petition.published_title == "早班公交增加班次"

    assert list(PetitionRating.objects.values_list("round", "rating", "via")) == [
        (1, "unsatisfied", "callback"),
        (2, "satisfied", "callback"),
    ]
    assert PetitionReply.objects.filter(petition=petition).count() == 2
    assert actions(pworld, petition) == [
        "petition_submit", "petition_accept", "petition_forward", "petition_reply",
        "petition_reopen", "petition_reply", "petition_rate", "petition_publish",
    ]  # fmt: skip
    history = client.get(detail(petition)).context["history"]
    assert [event.action for event in history][:2] == ["petition_publish", "petition_rate"]


def test_office_answers_escalates_closes_and_marks_duplicates(client, pworld):
    client.force_login(pworld.base.users["township"])
    answered, escalated, original, copy = (submit(pworld) for _unused in range(4))
    for petition in (answered, escalated):
        assert act(client, petition, "accept").status_code == 302
    assert act(client, answered, "answer", text="已安排修复").status_code == 302
    assert act(client, answered, "close", outcome="resolved", reason="").status_code == 302
    assert act(client, escalated, "escalate", note="反映集中").status_code == 302
    no_reason = act(client, escalated, "close", outcome="unresolved", reason="")
    assert (
        no_reason.status_code == 400
        and "reason" in no_reason.context["action_forms"][-1]["form"].errors
    )
    assert (
        act(client, escalated, "close", outcome="unresolved", reason="资金不足").status_code == 302
    )
    assert (
        act(client, copy, "duplicate", original=original.tracking_code.lower()).status_code == 302
    )
    for petition in (answered, escalated, copy):
        petition.refresh_from_db()
    assert answered.state == State.RESOLVED
    assert escalated.state == State.CLOSED_UNRESOLVED and escalated.public_reason == "资金不足"
    assert copy.state == State.DUPLICATE and copy.duplicate_of == original


def test_duplicate_of_an_unknown_or_out_of_scope_code_is_a_form_error(client, pworld):
    petition, elsewhere = submit(pworld), submit(pworld, region_key="townA2")
    client.force_login(pworld.base.users["township"])
    for code in ("NOSUCHCODE", elsewhere.tracking_code):
        response = act(client, petition, "duplicate", original=code)
        assert response.status_code == 400
        form = next(f for f in response.context["action_forms"] if f["name"] == "duplicate")
        assert "original" in form["form"].errors
    petition.refresh_from_db()
    assert petition.state == State.SUBMITTED


def test_action_in_a_wrong_state_is_400_with_the_error_and_changes_nothing(client, pworld):
    petition = submit(pworld)
    workflow.petition_reject(
        actor=pworld.base.users["township"], petition_id=petition.pk, reason="不属于职责范围"
    )
    events_before = Event.objects.count()
    client.force_login(pworld.base.users["township"])
    response = act(client, petition, "accept", note="")
    assert response.status_code == 400
    html = response.content.decode()
    form = next(f for f in response.context["action_forms"] if f["name"] == "accept")
    error = form["form"].non_field_errors()[0]
    assert petition.tracking_code in error and error in html
    assert 'role="alert"' in html
    petition.refresh_from_db()
    assert petition.state == State.REJECTED and Event.objects.count() == events_before


def test_reply_without_text_is_a_form_error(client, pworld):
    petition = forwarded(pworld)
    client.force_login(pworld.handlers["townA1"])
    response = act(client, petition, "reply", text="  ")
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.state == State.FORWARDED and not PetitionReply.objects.exists()


def test_forward_offers_only_units_of_the_region_and_above(client, pworld):
    petition = submit(pworld)
    staff = pworld.base.users["township"]
    workflow.petition_accept(actor=staff, petition_id=petition.pk)
    client.force_login(staff)
    page = client.get(detail(petition))
    form = next(f for f in page.context["action_forms"] if f["name"] == "forward")["form"]
    offered = set(form.fields["department"].queryset)
    assert pworld.units["townA1"] in offered and pworld.base.depts["countyA"] in offered
    assert pworld.units["townA2"] not in offered
    response = act(client, petition, "forward", department=pworld.units["townA2"].pk)
    assert response.status_code == 400
    petition.refresh_from_db()
    assert petition.state == State.ACCEPTED
