"""Assigning a suggestion to units and their handling: replies and reply classes,
co-handlers, misassignment, extensions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from portal import access
from portal.errors import DomainError, TransitionError
from supervision.suggestions import workflow
from supervision.suggestions.models import CoHandlerOpinion, Reply, Suggestion, UnitAssignment
from tests.factories import staff_with_role
from tests.suggestions.conftest import accepted, assigned, replied

State = Suggestion.State


def test_co_handler_cannot_write_the_leads_reply(gworld):
    suggestion = assigned(gworld)
    with pytest.raises(PermissionDenied) as raised:
        workflow.suggestion_reply(
            actor=gworld.users["co"], suggestion_id=suggestion.pk, reply_class="A",
            text="我们来答复", signed_off_by="赵主任",
        )  # fmt: skip
    assert "lead unit" in str(raised.value) or "主办" in str(raised.value)
    with pytest.raises(PermissionDenied):
        workflow.suggestion_request_extension(
            actor=gworld.users["co"], suggestion_id=suggestion.pk, months=1, reason="x"
        )
    with pytest.raises(PermissionDenied):  # the lead unit does not co-sign its own reply
        workflow.suggestion_co_opinion(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, text="x", signed_off_by="y"
        )
    assert not Reply.objects.exists()


def test_units_outside_the_assignment_get_404(gworld):
    suggestion = assigned(gworld)
    with pytest.raises(Http404):
        workflow.suggestion_reply(
            actor=gworld.users["sibling_handler"], suggestion_id=suggestion.pk, reply_class="A",
            text="x", signed_off_by="y",
        )  # fmt: skip


def test_the_workflow_refuses_a_reply_attachment_that_is_not_a_document(gworld, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path / "media"
    s = assigned(gworld)
    page = SimpleUploadedFile("x.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    with pytest.raises(DomainError) as refused:
        workflow.suggestion_reply(
            actor=gworld.users["handler"], suggestion_id=s.pk, reply_class="A", text="已办结",
            signed_off_by="李局长", attachment=page,
        )  # fmt: skip
    assert refused.value.field == "attachment"
    assert not Reply.objects.exists() and not (tmp_path / "media").exists()
    s.refresh_from_db()
    assert s.state == State.HANDLING


def test_reply_class_must_be_in_use_and_the_office_may_change_it(gworld, settings):
    suggestion = assigned(gworld)
    with pytest.raises(DomainError) as raised:
        workflow.suggestion_reply(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, reply_class="D",
            text="x", signed_off_by="李局长",
        )  # fmt: skip
    assert raised.value.field == "reply_class"
    with pytest.raises(DomainError) as unsigned:
        workflow.suggestion_reply(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, reply_class="A",
            text="x", signed_off_by=" ",
        )  # fmt: skip
    assert unsigned.value.field == "signed_off_by"
    workflow.suggestion_reply(
        actor=gworld.users["handler"], suggestion_id=suggestion.pk, reply_class="A", text="已办",
        signed_off_by="李局长",
    )  # fmt: skip
    with pytest.raises(PermissionDenied):
        workflow.suggestion_reclassify(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, reply_class="B", reason="x"
        )
    workflow.suggestion_reclassify(
        actor=gworld.users["county"], suggestion_id=suggestion.pk, reply_class="B",
        reason="尚未完全解决",
    )  # fmt: skip
    suggestion.refresh_from_db()
    reply = Reply.objects.get(suggestion=suggestion)
    assert (reply.reply_class, reply.office_class, reply.effective_class) == ("A", "B", "B")
    assert suggestion.reply_class == "B"
    settings.SUGGESTIONS = {"REPLY_CLASSES": ("A", "B", "C", "D")}
    assert "D" in dict(workflow.reply_classes())


def test_misassigned_return_within_working_days_and_reassignment(gworld):
    suggestion = assigned(gworld)
    with pytest.raises(DomainError):
        workflow.suggestion_return_misassigned(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, reason=" "
        )
    workflow.suggestion_return_misassigned(
        actor=gworld.users["co"], suggestion_id=suggestion.pk, reason="不属于我局职责"
    )
    suggestion.refresh_from_db()
    assert suggestion.state == State.HANDLING
    assert not UnitAssignment.objects.get(department=gworld.units["co"]).active
    workflow.suggestion_return_misassigned(
        actor=gworld.users["handler"], suggestion_id=suggestion.pk, reason="应由住建部门办理"
    )
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED and suggestion.lead_unit is None
    with pytest.raises(Http404):  # the unit no longer sees what is not assigned to it
        workflow.suggestion_reply(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, reply_class="A", text="x",
            signed_off_by="y",
        )  # fmt: skip
    workflow.suggestion_assign(
        actor=gworld.users["county"], suggestion_id=suggestion.pk,
        lead_unit_id=gworld.units["co"].pk, lead_leader="王副县长",
    )  # fmt: skip
    suggestion.refresh_from_db()
    assert suggestion.state == State.HANDLING and suggestion.round == 2


def test_misassigned_return_refused_after_the_working_days(gworld, settings):
    settings.SUGGESTIONS = {"RETURN_WORKING_DAYS": 10}
    received = timezone.localdate() - datetime.timedelta(days=30)
    suggestion = assigned(gworld, received_on=received)
    with pytest.raises(DomainError) as raised:
        workflow.suggestion_return_misassigned(
            actor=gworld.users["handler"], suggestion_id=suggestion.pk, reason="不是我们的"
        )
    assert "10" in raised.value.message and "7" not in raised.value.message.replace("10", "")
    suggestion.refresh_from_db()
    assert suggestion.state == State.HANDLING


def test_assignment_checks_units_and_state(gworld):
    suggestion = accepted(gworld)
    base = {"actor": gworld.users["county"], "suggestion_id": suggestion.pk, "lead_leader": "王"}
    with pytest.raises(DomainError) as raised:
        workflow.suggestion_assign(**base, lead_unit_id=gworld.units["sibling"].pk)
    assert raised.value.field == "lead_unit"
    with pytest.raises(DomainError):
        workflow.suggestion_assign(
            **base, lead_unit_id=gworld.units["lead"].pk, co_unit_ids=[gworld.units["sibling"].pk]
        )
    with pytest.raises(DomainError) as no_leader:
        workflow.suggestion_assign(
            **{**base, "lead_leader": ""}, lead_unit_id=gworld.units["lead"].pk
        )
    assert no_leader.value.field == "lead_leader"
    with pytest.raises(DomainError):
        workflow.suggestion_assign(
            **base, lead_unit_id=gworld.units["lead"].pk,
            received_on=timezone.localdate() + datetime.timedelta(days=1),
        )  # fmt: skip
    # a city unit (a region above) may lead
    workflow.suggestion_assign(**base, lead_unit_id=gworld.units["city"].pk)
    with pytest.raises(TransitionError):
        workflow.suggestion_accept(actor=gworld.users["county"], suggestion_id=suggestion.pk)
    with pytest.raises(PermissionDenied):
        workflow.suggestion_assign(
            actor=gworld.users["township"], suggestion_id=suggestion.pk,
            lead_unit_id=gworld.units["lead"].pk, lead_leader="x",
        )  # fmt: skip


def test_batch_assignment_is_all_or_nothing(gworld):
    one, two = accepted(gworld), accepted(gworld, title="第二件")
    lead, sibling = gworld.units["lead"].pk, gworld.units["sibling"].pk
    rows = [
        {"suggestion_id": one.pk, "lead_unit_id": lead, "lead_leader": "王副县长"},
        {"suggestion_id": two.pk, "lead_unit_id": sibling, "lead_leader": "王副县长"},
    ]
    with pytest.raises(DomainError) as raised:
        workflow.suggestions_assign_batch(actor=gworld.users["county"], rows=rows, meeting="交办会")
    assert raised.value.message.startswith("第2号")  # names the refused suggestion
    assert not Suggestion.objects.filter(state=State.HANDLING).exists()
    assert not UnitAssignment.objects.exists()
    rows[1]["lead_unit_id"] = gworld.units["co"].pk
    assert (
        workflow.suggestions_assign_batch(actor=gworld.users["county"], rows=rows, meeting="交办会")
        == 2
    )
    assert Suggestion.objects.filter(state=State.HANDLING).count() == 2


def test_late_reply_is_recorded_as_not_in_time(gworld):
    received = timezone.localdate() - datetime.timedelta(days=120)
    suggestion = replied(gworld, received_on=received)
    assert suggestion.replied_in_time is False
    assert Reply.objects.get(suggestion=suggestion).in_time is False


def test_reclassify_refused_while_handled_again(gworld):
    u = gworld.users
    suggestion = replied(gworld, reply_class="A")
    workflow.suggestion_rate(
        actor=u["deputy"], suggestion_id=suggestion.pk, reply_rating="unsatisfied",
        reply_comment="没有解决", implementation_rating="satisfied",
    )  # fmt: skip
    suggestion.refresh_from_db()
    assert suggestion.state == State.HANDLING and suggestion.round == 2
    with pytest.raises(DomainError):
        workflow.suggestion_reclassify(
            actor=u["county"], suggestion_id=suggestion.pk, reply_class="C", reason="改类"
        )
    assert Reply.objects.get(suggestion=suggestion).office_class == ""
    workflow.suggestion_reply(
        actor=u["handler"], suggestion_id=suggestion.pk, reply_class="B", text="第二轮答复",
        signed_off_by="李局长",
    )  # fmt: skip
    workflow.suggestion_reclassify(
        actor=u["county"], suggestion_id=suggestion.pk, reply_class="C", reason="改类"
    )
    classes = dict(Reply.objects.filter(suggestion=suggestion).values_list("round", "office_class"))
    assert classes == {1: "", 2: "C"}  # the reply of the current round is reclassified


def test_reclassify_refused_before_a_reply(gworld):
    suggestion = assigned(gworld)
    with pytest.raises(DomainError):
        workflow.suggestion_reclassify(
            actor=gworld.users["county"], suggestion_id=suggestion.pk, reply_class="B", reason="x"
        )


def test_second_co_opinion_in_a_round_is_refused(gworld):
    suggestion = assigned(gworld)
    kwargs = {"suggestion_id": suggestion.pk, "text": "同意", "signed_off_by": "赵主任"}
    workflow.suggestion_co_opinion(actor=gworld.users["co"], **kwargs)
    with pytest.raises(DomainError):
        workflow.suggestion_co_opinion(actor=gworld.users["co"], **kwargs)
    assert CoHandlerOpinion.objects.count() == 1


def test_extension_requests_and_decisions_are_refused_out_of_turn(gworld):
    from supervision.suggestions.models import DeadlineExtension

    suggestion = assigned(gworld)
    handler, leader = gworld.users["handler"], gworld.users["leader"]
    with pytest.raises(DomainError):  # nothing is waiting for a decision
        workflow.suggestion_decide_extension(
            actor=leader, suggestion_id=suggestion.pk, approve=True
        )
    workflow.suggestion_request_extension(
        actor=handler, suggestion_id=suggestion.pk, months=1, reason="协调中"
    )
    with pytest.raises(DomainError):  # one request at a time
        workflow.suggestion_request_extension(
            actor=handler, suggestion_id=suggestion.pk, months=1, reason="再要"
        )
    sibling_leader = staff_with_role(gworld.regions["countyB"], access.Role.LEADER)
    with pytest.raises(Http404):
        workflow.suggestion_decide_extension(
            actor=sibling_leader, suggestion_id=suggestion.pk, approve=True
        )
    assert list(DeadlineExtension.objects.values_list("state", flat=True)) == ["requested"]
