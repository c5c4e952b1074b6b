"""Filing a suggestion: drafts, co-signers, submission, the first review, return,
acceptance and numbering, revision and withdrawal."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal.errors import DomainError, TransitionError
from portal.models import Event, Notification
from supervision.suggestions import workflow
from supervision.suggestions.models import Review, Submission, Suggestion
from tests.suggestions.conftest import accepted, actions, draft

State = Suggestion.State


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
