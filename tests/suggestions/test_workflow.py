"""The life of a suggestion through its workflow functions: the transition table, the
recorded actions and a whole life.

Filing and first review: test_workflow_filing.py; assignment and handling:
test_workflow_handling.py; rating, closing and supervision: test_workflow_closing.py.
"""

import itertools

import pytest
from django.utils import timezone

from portal import deadlines, states, vocabulary
from portal.errors import TransitionError
from portal.models import Event, Notification
from supervision.suggestions import workflow
from supervision.suggestions.models import CoHandlerOpinion, ContactLog, Rating, Reply, Suggestion
from supervision.suggestions.vocabulary import Action
from tests.suggestions.conftest import actions, draft, replied

State = Suggestion.State


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


def test_every_pair_of_the_table_moves_or_is_refused(gworld):
    """``portal.states.move`` follows ``Suggestion.TRANSITIONS`` for every (from, to) pair."""
    suggestion = draft(gworld)
    for a, b in itertools.product(State.values, repeat=2):
        suggestion.state = a
        if b in Suggestion.TRANSITIONS[a]:
            event = states.move(suggestion, b, actor=None, action=Action.SUBMIT, save=False)
            assert suggestion.state == b and (event.from_state, event.to_state) == (a, b)
        else:
            with pytest.raises(TransitionError):
                states.move(suggestion, b, actor=None, action=Action.SUBMIT, save=False)
            assert suggestion.state == a
    assert set(Suggestion.transition_pairs()) == {
        (a, b) for a, targets in Suggestion.TRANSITIONS.items() for b in targets
    }


def test_every_recorded_action_is_declared_with_a_label(gworld):
    """The events of a whole life (and of a withdrawal) are declared in ``Action``."""
    s = replied(gworld)
    u = gworld.users
    workflow.suggestion_rate(
        actor=u["deputy"], suggestion_id=s.pk, reply_rating="unsatisfied",
        reply_comment="未解决", implementation_rating="satisfied",
    )  # fmt: skip
    other = draft(gworld)
    workflow.suggestion_withdraw(actor=u["deputy"], suggestion_id=other.pk)
    recorded = set(Event.objects.values_list("action", flat=True))
    assert recorded <= set(Action.values)
    assert {"suggestion_draft", "suggestion_reopen", "suggestion_withdraw"} <= recorded
    for code in Action.values:
        assert vocabulary.action_label(code) == str(Action(code).label) != code


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
    assert suggestion.due_on == deadlines.add_months(timezone.localdate(), 3)
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
