"""The deputy's rating, the ways a suggestion closes, key supervision and re-checks."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from portal.errors import DomainError, TransitionError
from supervision.suggestions import workflow
from supervision.suggestions.models import Rating, Suggestion, SupervisionRecord
from tests.suggestions.conftest import accepted, draft, replied

State = Suggestion.State


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
