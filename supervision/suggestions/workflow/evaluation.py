"""Evaluation (测评): the lead deputy rates the reply and its implementation; an unsatisfied
rating starts a new handling round, otherwise the suggestion is completed. The office may
complete a replied suggestion the deputy does not rate."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, states
from portal.errors import DomainError, optional_text, required_text
from supervision.suggestions import conf
from supervision.suggestions.models import Rating, Satisfaction, Suggestion, UnitAssignment
from supervision.suggestions.vocabulary import Action
from supervision.suggestions.workflow.assignment import start_round
from supervision.suggestions.workflow.common import (
    State,
    is_lead_deputy,
    locked,
    locked_for_office,
    notify,
    unit_users,
)


@transaction.atomic
def suggestion_rate(
    *, actor, suggestion_id: int, reply_rating: str, implementation_rating: str,
    reply_comment: str = "", implementation_comment: str = "",
) -> Rating:  # fmt: skip
    """The lead deputy rates the reply and its implementation, once per round (the office
    may type in the deputy's paper form). Unsatisfied with either → handled again by the
    same units in a new round with a new deadline; otherwise the suggestion is completed."""
    suggestion = locked(actor, suggestion_id)
    if is_lead_deputy(actor, suggestion):
        via = Rating.Via.DEPUTY
    elif access.can_by_region(actor, access.MANAGE, suggestion):
        via = Rating.Via.PAPER
    else:
        raise PermissionDenied(_("Only the lead deputy of the suggestion rates it."))
    if suggestion.state != State.REPLIED:
        raise DomainError(_("Only a replied suggestion is rated."))
    if Rating.objects.filter(suggestion=suggestion, round=suggestion.round).exists():
        raise DomainError(_("This round has already been rated."))
    for value, field in (
        (reply_rating, "reply_rating"),
        (implementation_rating, "implementation_rating"),
    ):
        if value not in Satisfaction.values:
            raise DomainError(
                _("Choose satisfied, basically satisfied or unsatisfied."), field=field
            )
    reply_comment = optional_text(reply_comment, "reply_comment")
    implementation_comment = optional_text(implementation_comment, "implementation_comment")
    unsatisfied = Satisfaction.UNSATISFIED
    if reply_rating == unsatisfied and not reply_comment:
        raise DomainError(_("Say what is wrong with the reply."), field="reply_comment")
    if implementation_rating == unsatisfied and not implementation_comment:
        raise DomainError(_("Say what is not implemented."), field="implementation_comment")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                region=suggestion.region, suggestion=suggestion, round=suggestion.round,
                representative_id=suggestion.lead_id, reply_rating=reply_rating,
                reply_comment=reply_comment, implementation_rating=implementation_rating,
                implementation_comment=implementation_comment, via=via, recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(_("This round has already been rated.")) from None
    if not suggestion.first_reply_rating:
        suggestion.first_reply_rating = reply_rating
        suggestion.first_implementation_rating = implementation_rating
    suggestion.reply_rating, suggestion.implementation_rating = reply_rating, implementation_rating
    data = {"reply": reply_rating, "implementation": implementation_rating, "via": via}
    if not rating.unsatisfied:
        states.move(
            suggestion, State.COMPLETED, actor=actor, action=Action.RATE, data=data,
            changes={"closed_at": timezone.now()},
        )  # fmt: skip
        return rating
    rated_round = suggestion.round
    start_round(
        suggestion, timezone.localdate(),
        _("unsatisfied rating of round %(n)d") % {"n": rated_round}, conf.get("REHANDLE_MONTHS"),
    )  # fmt: skip
    UnitAssignment.objects.filter(
        suggestion=suggestion, active=True, role=UnitAssignment.Role.LEAD
    ).update(due_on=suggestion.due_on)
    note = "\n".join(c for c in (reply_comment, implementation_comment) if c)
    states.move(suggestion, State.HANDLING, actor=actor, action=Action.REOPEN, note=note, data=data)
    notify(unit_users(UnitAssignment.objects.filter(suggestion=suggestion, active=True).values_list("department_id", flat=True)),
            "reopened", _("The deputy is not satisfied with suggestion %(label)s: handle it again by %(due)s")
            % {"label": suggestion.label, "due": suggestion.due_on.isoformat()}, suggestion, note)  # fmt: skip
    return rating


@transaction.atomic
def suggestion_close(*, actor, suggestion_id: int, note: str) -> Suggestion:
    """Complete a replied suggestion the deputy has not rated (it counts as not rated)."""
    suggestion = locked_for_office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.COMPLETED)
    note = required_text(note, "note", _("Say why it is closed without a rating."))
    states.move(
        suggestion, State.COMPLETED, actor=actor, action=Action.CLOSE, note=note,
        changes={"closing_note": note, "closed_at": timezone.now()},
    )  # fmt: skip
    return suggestion
