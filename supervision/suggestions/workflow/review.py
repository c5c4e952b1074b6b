"""Review (初审, 审核): the township congress's first review of a suggestion that comes from
a township, then the secretariat's decision: accept (立案, with the session's number),
return for revision, answer by explanation or convert to another channel."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, states
from portal.errors import DomainError, TransitionError, optional_text, required_text
from portal.models import User
from supervision.suggestions.models import Review, Session, Suggestion
from supervision.suggestions.vocabulary import Action
from supervision.suggestions.workflow.common import (
    State,
    deputy_users,
    locked,
    locked_for_office,
    notify,
)


def _review(actor, suggestion, stage, decision, reason="", note="") -> None:
    Review.objects.create(
        region=suggestion.region, suggestion=suggestion, revision=suggestion.revision,
        stage=stage, decision=decision, reason=reason, note=note, reviewer=actor,
    )  # fmt: skip


def _return_reason(reason: str, note: str) -> tuple[str, str]:
    if reason not in Review.Reason.values:
        raise DomainError(_("Choose why the suggestion is returned."), field="reason")
    note = optional_text(note, "note")
    if reason == Review.Reason.OTHER and not note:
        raise DomainError(_("Say what the deputy should change."), field="note")
    return reason, note


def _return(actor, suggestion: Suggestion, stage: str, reason: str, note: str) -> None:
    """Record the return of ``stage`` ("first" or "office") and tell the lead deputy."""
    states.move(
        suggestion, State.RETURNED, actor=actor, action=Action.RETURN, note=note,
        data={"reason": reason, "stage": stage},
    )  # fmt: skip
    notify(
        User.objects.filter(representative__pk=suggestion.lead_id), "returned",
        _("Your suggestion “%(title)s” was returned for revision") % {"title": suggestion.title},
        suggestion, body=_return_body(reason, note),
    )  # fmt: skip


def _return_body(reason: str, note: str) -> str:
    label = Review.Reason(reason).label
    if not note:
        return str(label)
    return _("%(reason)s. %(note)s") % {"reason": label, "note": note}


@transaction.atomic
def suggestion_first_review(
    *, actor, suggestion_id: int, passed: bool, reason: str = "", note: str = ""
) -> Suggestion:
    """The township congress passes the suggestion on to the secretariat or returns it."""
    suggestion = locked(actor, suggestion_id)
    origin = suggestion.origin_region
    if origin is None or not access.can_by_region(actor, access.MANAGE, origin):
        raise PermissionDenied(_("Only the township congress the suggestion comes from does this."))
    if suggestion.state != State.FIRST_REVIEW:
        suggestion.ensure_can_move_to(State.SUBMITTED if passed else State.RETURNED)
        raise DomainError(_("The suggestion is not awaiting a first review."))
    if passed:
        note = optional_text(note, "note")
        _review(actor, suggestion, Review.Stage.FIRST, Review.Decision.PASS, note=note)
        states.move(
            suggestion, State.SUBMITTED, actor=actor, action=Action.FIRST_REVIEW, note=note,
            data={"passed": True},
        )  # fmt: skip
        return suggestion
    reason, note = _return_reason(reason, note)
    _review(actor, suggestion, Review.Stage.FIRST, Review.Decision.RETURN, reason, note)
    _return(actor, suggestion, "first", reason, note)
    return suggestion


def next_number(session_id: int) -> int:
    """Return the next number of the session, raising its counter under a row lock (the
    caller's transaction holds the lock until it commits)."""
    session = Session.objects.select_for_update().get(pk=session_id)
    session.last_number += 1
    session.save(update_fields=["last_number"])
    return session.last_number


@transaction.atomic
def suggestion_accept(*, actor, suggestion_id: int, note: str = "") -> Suggestion:
    """Accept (立案); a session's suggestion gets the session's next number (第N号)."""
    suggestion = locked_for_office(actor, suggestion_id)
    if suggestion.state != State.SUBMITTED:  # HANDLING → ACCEPTED is a unit's return only
        raise TransitionError.not_allowed(
            suggestion, suggestion.get_state_display(), State.ACCEPTED.label
        )
    note = optional_text(note, "note")
    if suggestion.session_id and suggestion.number is None:
        suggestion.number = next_number(suggestion.session_id)
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.ACCEPT, note=note)
    states.move(
        suggestion, State.ACCEPTED, actor=actor, action=Action.ACCEPT, note=note,
        data={"number": suggestion.number},
    )  # fmt: skip
    return suggestion


@transaction.atomic
def suggestion_return(*, actor, suggestion_id: int, reason: str, note: str = "") -> Suggestion:
    """Return for revision with one of seed 003's reasons; the deputy sees it and resubmits."""
    suggestion = locked_for_office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.RETURNED)
    reason, note = _return_reason(reason, note)
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.RETURN, reason, note)
    _return(actor, suggestion, "office", reason, note)
    return suggestion


@transaction.atomic
def suggestion_convert(*, actor, suggestion_id: int, note: str) -> Suggestion:
    """Handle it through another channel (a letter, a citizen issue, a motion), with a note."""
    suggestion = locked_for_office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.CONVERTED)
    note = required_text(note, "note", _("Say where the suggestion goes instead."))
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.CONVERT, note=note)
    states.move(
        suggestion, State.CONVERTED, actor=actor, action=Action.CONVERT, note=note,
        changes={"closing_note": note, "closed_at": timezone.now()},
    )  # fmt: skip
    notify(
        deputy_users(suggestion), "converted",
        _("Your suggestion “%(title)s” is handled through another channel")
        % {"title": suggestion.title},
        suggestion, note,
    )  # fmt: skip
    return suggestion


@transaction.atomic
def suggestion_explain(*, actor, suggestion_id: int, text: str) -> Suggestion:
    """Answer the deputy directly by explanation (解释答复) instead of assigning a unit."""
    suggestion = locked_for_office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.EXPLAINED)
    text = required_text(text, "text", _("Write the explanation."))
    if suggestion.session_id and suggestion.number is None:
        suggestion.number = next_number(suggestion.session_id)
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.EXPLAIN, note=text)
    states.move(
        suggestion, State.EXPLAINED, actor=actor, action=Action.EXPLAIN, note=text,
        changes={"closing_note": text, "closed_at": timezone.now()},
    )  # fmt: skip
    notify(
        deputy_users(suggestion), "explained",
        _("Your suggestion “%(title)s” has been answered") % {"title": suggestion.title},
        suggestion, text,
    )  # fmt: skip
    return suggestion
