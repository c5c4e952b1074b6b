"""The life of a suggestion through its workflow functions."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from portal import access
from portal.errors import DomainError, TransitionError
from portal.models import Event, Notification
from supervision.suggestions import workflow
from supervision.suggestions.models import (
    CoHandlerOpinion,
    ContactLog,
    Rating,
    Reply,
    Review,
    Submission,
    Suggestion,
    SupervisionRecord,
    UnitAssignment,
)
from tests.factories import staff_with_role
from tests.suggestions.conftest import accepted, assigned, draft, replied

State = Suggestion.State


def actions(suggestion) -> list[str]:
    return list(
        Event.objects.filter(target_id=suggestion.pk, action__startswith="suggestion_")
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_transition_table_is_the_only_source(db):
    suggestion = Suggestion(state=State.DRAFT)
    for a, b in itertools.product(State.values, repeat=2):
        suggestion.state = a
        allowed = b in Suggestion.TRANSITIONS[a]
        assert suggestion.can_move_to(b) is allowed
        if not allowed:
            with pytest.raises(TransitionError) as raised:
                suggestion.ensure_can_move_to(b)
            assert "cannot move" in raised.value.message or "不能" in raised.value.message
    for closed in Suggestion.CLOSED_STATES:
        assert Suggestion.TRANSITIONS[closed] == set()


def test_full_life_with_an_unsatisfied_round(gworld, django_capture_on_commit_callbacks):
    u = gworld.users
    suggestion = draft(gworld, cosigner_ids=[gworld.deps["a1b"].pk])
    assert suggestion.state == State.DRAFT and suggestion.origin_region == gworld.regions["townA1"]
    workflow.suggestion_submit(actor=u["deputy"], suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.state == State.FIRST_REVIEW and suggestion.revision == 1
    workflow.suggestion_first_review(actor=u["township"], suggestion_id=suggestion.pk, passed=True)
    workflow.suggestion_accept(actor=u["county"], suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED and suggestion.number == 1
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.suggestion_assign(
            actor=u["county"], suggestion_id=suggestion.pk, lead_unit_id=gworld.units["lead"].pk,
            co_unit_ids=[gworld.units["co"].pk], lead_leader="王副县长",
        )  # fmt: skip
    assert callbacks  # delivery of the units' notifications is queued after commit
    assert Notification.objects.filter(kind="suggestions.assigned", recipient=u["handler"]).exists()
    assert Notification.objects.filter(kind="suggestions.assigned", recipient=u["co"]).exists()
    workflow.suggestion_plan(
        actor=u["handler"], suggestion_id=suggestion.pk, unit_leader="李局长",
        handler_name="张科长", handler_phone="0574-1", measures="调整线路", standard="高峰5分钟一班",
    )  # fmt: skip
    workflow.suggestion_contact(
        actor=u["handler"], suggestion_id=suggestion.pk, stage="before", method="visit",
        date=timezone.localdate(), note="上门听取代表意见",
    )  # fmt: skip
    workflow.suggestion_co_opinion(
        actor=u["co"], suggestion_id=suggestion.pk, text="同意增加班次", signed_off_by="赵主任"
    )
    workflow.suggestion_reply(
        actor=u["handler"], suggestion_id=suggestion.pk, reply_class="B",
        text="已列入明年计划。", signed_off_by="李局长",
    )  # fmt: skip
    suggestion.refresh_from_db()
    assert suggestion.state == State.REPLIED and suggestion.replied_in_time is True
    assert Notification.objects.filter(kind="suggestions.replied", recipient=u["deputy"]).exists()
    assert Notification.objects.filter(kind="suggestions.replied", recipient=u["deputy2"]).exists()
    workflow.suggestion_rate(
        actor=u["deputy"], suggestion_id=suggestion.pk, reply_rating="basically",
        implementation_rating="unsatisfied", implementation_comment="还没有落实",
    )  # fmt: skip
    suggestion.refresh_from_db()
    assert suggestion.state == State.HANDLING and suggestion.round == 2
    assert suggestion.due_on == workflow.deadlines.add_months(timezone.localdate(), 3)
    assert suggestion.first_implementation_rating == "unsatisfied"
    workflow.suggestion_reply(
        actor=u["handler"], suggestion_id=suggestion.pk, reply_class="A",
        text="已增加班次。", signed_off_by="李局长",
    )  # fmt: skip
    workflow.suggestion_rate(
        actor=u["deputy"], suggestion_id=suggestion.pk, reply_rating="satisfied",
        implementation_rating="satisfied",
    )  # fmt: skip
    suggestion.refresh_from_db()
    assert suggestion.state == State.COMPLETED and suggestion.closed_at is not None
    assert suggestion.implementation_rating == "satisfied"
    assert suggestion.first_implementation_rating == "unsatisfied"  # rounds are kept
    assert list(Rating.objects.filter(suggestion=suggestion).values_list("round", flat=True)) == [
        1,
        2,
    ]
    assert list(Reply.objects.filter(suggestion=suggestion).values_list("round", flat=True)) == [
        1,
        2,
    ]
    assert actions(suggestion) == [
        "suggestion_draft", "suggestion_submit", "suggestion_first_review", "suggestion_accept",
        "suggestion_assign", "suggestion_plan", "suggestion_contact", "suggestion_co_opinion",
        "suggestion_reply", "suggestion_reopen", "suggestion_reply", "suggestion_rate",
    ]  # fmt: skip
    assert ContactLog.objects.count() == 1 and CoHandlerOpinion.objects.count() == 1


def test_returned_suggestion_keeps_its_history_when_resubmitted(gworld):
    u = gworld.users
    suggestion = draft(gworld)
    workflow.suggestion_submit(actor=u["deputy"], suggestion_id=suggestion.pk)
    workflow.suggestion_first_review(actor=u["township"], suggestion_id=suggestion.pk, passed=True)
    workflow.suggestion_return(
        actor=u["county"], suggestion_id=suggestion.pk, reason="format", note="请写明具体线路"
    )
    suggestion.refresh_from_db()
    assert suggestion.state == State.RETURNED and suggestion.number is None
    assert Notification.objects.filter(kind="suggestions.returned", recipient=u["deputy"]).exists()
    workflow.suggestion_update(
        actor=u["deputy"], suggestion_id=suggestion.pk, title="增加石浦至县城401路班次",
        content="早高峰401路太挤，建议每10分钟一班。", category="urban_rural",
    )  # fmt: skip
    workflow.suggestion_submit(actor=u["deputy"], suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.state == State.FIRST_REVIEW and suggestion.revision == 2
    versions = list(
        Submission.objects.filter(suggestion=suggestion).values_list("revision", "title")
    )
    assert versions == [(1, "增加石浦至县城公交班次"), (2, "增加石浦至县城401路班次")]
    review = Review.objects.get(suggestion=suggestion, decision="return")
    assert review.reason == "format" and review.note == "请写明具体线路" and review.revision == 1
    assert actions(suggestion).count("suggestion_return") == 1


@pytest.mark.parametrize(
    ("reason", "note", "field"),
    [("", "x", "reason"), ("bogus", "x", "reason"), ("other", "", "note")],
)
def test_a_return_needs_one_of_the_reasons(gworld, reason, note, field):
    suggestion = draft(gworld, actor="deputy")
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=suggestion.pk)
    with pytest.raises(DomainError) as raised:
        workflow.suggestion_first_review(
            actor=gworld.users["township"], suggestion_id=suggestion.pk, passed=False,
            reason=reason, note=note,
        )  # fmt: skip
    assert raised.value.field == field
    suggestion.refresh_from_db()
    assert suggestion.state == State.FIRST_REVIEW and not Review.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "长" * 101}, "title"),
        ({"content": ""}, "content"),
        ({"category": "aliens"}, "category"),
        ({"session_id": 10**9}, "session"),
        ({"session_id": None, "region_id": None}, "region"),
        ({"cosigner_ids": [10**9]}, "cosigners"),
    ],
)
def test_bad_drafts_store_nothing(gworld, overrides, field):
    with pytest.raises(DomainError) as raised:
        draft(gworld, **overrides)
    assert raised.value.field == field
    assert (
        not Suggestion.objects.exists()
        and not Event.objects.filter(action="suggestion_draft").exists()
    )


def test_a_deputy_cannot_file_to_a_sibling_congress(gworld):
    with pytest.raises(DomainError):
        draft(gworld, session_id=None, region_id=gworld.regions["countyB"].pk)
    with pytest.raises(PermissionDenied):
        draft(gworld, actor="county")  # staff are not deputies (unless entering for one)
    entered = draft(gworld, actor="county", lead_id=gworld.deps["a1"].pk)
    assert entered.lead == gworld.deps["a1"]


def test_only_the_townships_office_does_the_first_review(gworld):
    suggestion = draft(gworld)
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=suggestion.pk)
    with pytest.raises(Http404):  # a sibling township does not even see it
        workflow.suggestion_first_review(
            actor=gworld.users["township2"], suggestion_id=suggestion.pk, passed=True
        )
    with pytest.raises(Http404):
        workflow.suggestion_first_review(
            actor=gworld.users["county_b"], suggestion_id=suggestion.pk, passed=True
        )
    with pytest.raises(PermissionDenied):  # the lead deputy sees it but does not review it
        workflow.suggestion_first_review(
            actor=gworld.users["deputy"], suggestion_id=suggestion.pk, passed=True
        )
    # the county office manages the township's subtree, so it may review in its place
    workflow.suggestion_first_review(
        actor=gworld.users["county"], suggestion_id=suggestion.pk, passed=True
    )


def test_session_numbers_follow_acceptance_and_are_unique(gworld):
    first, second = accepted(gworld), accepted(gworld, title="第二件")
    assert (first.number, second.number) == (1, 2)
    gworld.session.refresh_from_db()
    assert gworld.session.last_number == 2
    interim = draft(gworld, session_id=None, region_id=gworld.regions["countyA"].pk)
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=interim.pk)
    workflow.suggestion_first_review(
        actor=gworld.users["township"], suggestion_id=interim.pk, passed=True
    )
    workflow.suggestion_accept(actor=gworld.users["county"], suggestion_id=interim.pk)
    interim.refresh_from_db()
    assert interim.number is None and interim.period == "interim"
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Suggestion.objects.filter(pk=second.pk).update(number=1)


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


def test_rating_only_by_the_lead_deputy_and_once_per_round(gworld):
    suggestion = replied(gworld, cosigner_ids=[gworld.deps["a1b"].pk])
    kwargs = {"suggestion_id": suggestion.pk, "reply_rating": "satisfied",
              "implementation_rating": "satisfied"}  # fmt: skip
    with pytest.raises(PermissionDenied):  # a co-signer sees it but does not rate
        workflow.suggestion_rate(actor=gworld.users["deputy2"], **kwargs)
    with pytest.raises(Http404):  # another deputy does not even see it
        workflow.suggestion_rate(actor=gworld.users["deputy3"], **kwargs)
    with pytest.raises(PermissionDenied):
        workflow.suggestion_rate(actor=gworld.users["handler"], **kwargs)
    with pytest.raises(DomainError) as raised:
        workflow.suggestion_rate(
            actor=gworld.users["deputy"], **{**kwargs, "reply_rating": "unsatisfied"}
        )
    assert raised.value.field == "reply_comment"
    workflow.suggestion_rate(actor=gworld.users["deputy"], **kwargs)
    with pytest.raises(DomainError):
        workflow.suggestion_rate(actor=gworld.users["deputy"], **kwargs)
    assert Rating.objects.filter(suggestion=suggestion).count() == 1


def test_rating_is_once_per_round_in_the_database(gworld):
    from django.db import IntegrityError, transaction

    suggestion = replied(gworld)
    workflow.suggestion_rate(
        actor=gworld.users["deputy"], suggestion_id=suggestion.pk, reply_rating="satisfied",
        implementation_rating="basically",
    )  # fmt: skip
    rating = Rating.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            region=rating.region, suggestion=suggestion, round=rating.round,
            representative=rating.representative, reply_rating="satisfied",
            implementation_rating="satisfied", via="deputy", recorded_by=gworld.users["deputy"],
        )  # fmt: skip


def test_the_office_types_in_a_paper_rating(gworld):
    suggestion = replied(gworld)
    rating = workflow.suggestion_rate(
        actor=gworld.users["county"], suggestion_id=suggestion.pk, reply_rating="satisfied",
        implementation_rating="satisfied",
    )  # fmt: skip
    assert rating.via == "paper" and rating.representative == suggestion.lead


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


def test_explain_convert_withdraw_close(gworld):
    u = gworld.users
    explained = accepted(gworld)
    workflow.suggestion_explain(
        actor=u["county"], suggestion_id=explained.pk, text="已有政策，解释如下"
    )
    explained.refresh_from_db()
    assert explained.state == State.EXPLAINED and explained.is_closed
    converted = accepted(gworld, title="转来信")
    with pytest.raises(DomainError):
        workflow.suggestion_convert(actor=u["county"], suggestion_id=converted.pk, note="")
    workflow.suggestion_convert(actor=u["county"], suggestion_id=converted.pk, note="转信访部门")
    withdrawn = draft(gworld)
    with pytest.raises(PermissionDenied):
        workflow.suggestion_withdraw(actor=u["county"], suggestion_id=withdrawn.pk)
    workflow.suggestion_withdraw(actor=u["deputy"], suggestion_id=withdrawn.pk)
    closing = replied(gworld)
    workflow.suggestion_close(actor=u["county"], suggestion_id=closing.pk, note="代表未反馈意见表")
    closing.refresh_from_db()
    assert closing.state == State.COMPLETED and closing.reply_rating == ""
    with pytest.raises(TransitionError):
        workflow.suggestion_submit(actor=u["deputy"], suggestion_id=withdrawn.pk)


def test_key_supervision_and_recheck_of_b_and_c_replies(gworld):
    u = gworld.users
    suggestion = replied(gworld, reply_class="A")
    workflow.suggestion_mark_key(
        actor=u["county"], suggestion_id=suggestion.pk, committee_id=gworld.committee.pk
    )
    suggestion.refresh_from_db()
    assert suggestion.is_key and suggestion.committee == gworld.committee
    workflow.suggestion_supervise(
        actor=u["committee_member"], suggestion_id=suggestion.pk, kind="meeting",
        date=timezone.localdate(), note="召开现场督办会",
    )  # fmt: skip
    with pytest.raises(DomainError):  # class A is not re-checked
        workflow.suggestion_recheck(
            actor=u["committee_member"], suggestion_id=suggestion.pk, result="implemented",
            date=timezone.localdate(), note="x",
        )  # fmt: skip
    workflow.suggestion_reclassify(
        actor=u["county"], suggestion_id=suggestion.pk, reply_class="C", reason="无法解决"
    )
    with pytest.raises(DomainError) as bad:
        workflow.suggestion_recheck(
            actor=u["committee_member"], suggestion_id=suggestion.pk, result="maybe",
            date=timezone.localdate(), note="x",
        )  # fmt: skip
    assert bad.value.field == "result"
    workflow.suggestion_recheck(
        actor=u["committee_member"], suggestion_id=suggestion.pk, result="progressing",
        date=timezone.localdate(), note="回头看：已列入明年计划",
    )  # fmt: skip
    assert list(SupervisionRecord.objects.values_list("kind", "result")) == [
        ("meeting", ""), ("recheck", "progressing"),
    ]  # fmt: skip
    with pytest.raises(Http404):  # another county's staff
        workflow.suggestion_supervise(
            actor=u["county_b"], suggestion_id=suggestion.pk, kind="site",
            date=timezone.localdate(), note="x",
        )  # fmt: skip


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


def test_a_cosigner_from_another_county_is_refused(gworld):
    with pytest.raises(DomainError) as raised:
        draft(gworld, cosigner_ids=[gworld.deps["b1"].pk])
    assert raised.value.field == "cosigners"
    assert not Suggestion.objects.exists()
    suggestion = draft(gworld, cosigner_ids=[gworld.deps["a2"].pk])  # same county, other town
    with pytest.raises(DomainError):
        workflow.suggestion_update(
            actor=gworld.users["deputy"], suggestion_id=suggestion.pk, title="t", content="c",
            category="economy", cosigner_ids=[gworld.deps["b1"].pk],
        )  # fmt: skip
    assert list(suggestion.cosigners.all()) == [gworld.deps["a2"]]


def test_accept_during_the_first_review_is_a_transition_error(gworld):
    suggestion = draft(gworld)
    workflow.suggestion_submit(actor=gworld.users["deputy"], suggestion_id=suggestion.pk)
    with pytest.raises(TransitionError):
        workflow.suggestion_accept(actor=gworld.users["county"], suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.state == State.FIRST_REVIEW and suggestion.number is None


def test_revision_refused_after_submission_and_to_a_cosigner(gworld):
    u = gworld.users
    suggestion = draft(gworld, cosigner_ids=[gworld.deps["a1b"].pk])
    change = {"suggestion_id": suggestion.pk, "title": "改", "content": "改", "category": "economy"}
    with pytest.raises(PermissionDenied):  # a co-signer sees it but does not revise it
        workflow.suggestion_update(actor=u["deputy2"], **change)
    workflow.suggestion_submit(actor=u["deputy"], suggestion_id=suggestion.pk)
    with pytest.raises(DomainError):
        workflow.suggestion_update(actor=u["deputy"], **change)
    suggestion.refresh_from_db()
    assert suggestion.title == "增加石浦至县城公交班次"


def test_withdraw_after_acceptance_is_refused(gworld):
    suggestion = accepted(gworld)
    with pytest.raises(TransitionError):
        workflow.suggestion_withdraw(actor=gworld.users["deputy"], suggestion_id=suggestion.pk)
    suggestion.refresh_from_db()
    assert suggestion.state == State.ACCEPTED


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
