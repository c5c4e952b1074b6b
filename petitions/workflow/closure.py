"""Closure (事结公示): the citizen's rating of a reply (online or by a staff call-back, 回访),
closing an issue, and publishing its outcome."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.models import Petition, PetitionRating, Rating
from petitions.vocabulary import Action
from petitions.workflow.common import close, notify_citizen, staff_petition
from petitions.workflow.handling import reply_working_days
from portal import events, states
from portal.calendar import add_working_days
from portal.errors import DomainError, required_text

State = Petition.State


@transaction.atomic
def petition_rate(*, petition_id: int, rating: str, comment: str = "", actor=None) -> Petition:
    """Record the citizen's rating of the latest reply: online (``actor=None``, the caller
    has checked the tracking code and phone) or by a staff call-back (回访)."""
    if actor is not None:
        petition = staff_petition(actor, petition_id)
    else:
        petition = Petition.objects.select_for_update().filter(pk=petition_id).first()
        if petition is None:
            raise DomainError(_("No such issue."))
    if rating not in Rating.values:
        raise DomainError(
            _("Choose satisfied, basically satisfied or unsatisfied."), field="rating"
        )
    if petition.state != State.REPLIED:
        raise DomainError(_("Only a replied issue can be rated."))
    comment = (comment or "").strip()
    if rating == Rating.UNSATISFIED and not comment:
        raise DomainError(_("Tell us what is still wrong."), field="comment")
    if len(comment) > 2000:
        raise DomainError(_("The comment is longer than 2000 characters."), field="comment")
    PetitionRating.objects.create(
        region=petition.region, petition=petition, round=petition.round, rating=rating, comment=comment,
        via=PetitionRating.Via.CALLBACK if actor else PetitionRating.Via.CITIZEN, recorded_by=actor,
    )  # fmt: skip
    data = {"rating": rating}
    if rating != Rating.UNSATISFIED:
        close(petition, State.RESOLVED, actor=actor, action=Action.RATE, note=comment, data=data)
        return petition
    petition.round += 1
    if petition.department is not None:
        petition.due_on, _known = add_working_days(
            timezone.localdate(), reply_working_days(petition.region)
        )
        to = State.FORWARDED
    else:  # answered by the office itself: back to the office
        to = State.ACCEPTED
    states.move(petition, to, actor=actor, action=Action.REOPEN, note=comment, data=data)
    return petition


@transaction.atomic
def petition_close(*, actor, petition_id: int, resolved: bool, reason: str = "") -> Petition:
    """Close a replied or supervised issue: resolved, or without resolution with a reason."""
    petition = staff_petition(actor, petition_id)
    if resolved:
        close(petition, State.RESOLVED, actor=actor, action=Action.CLOSE, note=reason)
    else:
        petition.public_reason = required_text(
            reason, "reason", _("Give the reason the citizen will see.")
        )
        close(petition, State.CLOSED_UNRESOLVED, actor=actor, action=Action.CLOSE, note=reason)
    notify_citizen(petition, "closed")
    return petition


@transaction.atomic
def petition_publish(*, actor, petition_id: int, title: str, summary: str) -> Petition:
    """Publish a closed issue on the public results page, in words without the citizen."""
    petition = staff_petition(actor, petition_id)
    if petition.state != State.RESOLVED:
        raise DomainError(_("Only a resolved issue can be published."))
    petition.published_title = required_text(title, "title", _("Give the published title."))[:100]
    petition.published_summary = required_text(
        summary, "summary", _("Describe the outcome to publish.")
    )
    petition.published = True
    petition.save(update_fields=["published", "published_title", "published_summary"])
    events.record(actor=actor, target=petition, action=Action.PUBLISH)
    return petition
