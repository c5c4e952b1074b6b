"""Supervision (督办): the office puts a suggestion under key supervision by a special
committee; the office or that committee records supervision meetings, on-site supervision
and re-checks (回头看) of replies of class B or C."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.errors import DomainError, optional_text, required_text
from portal.models import Region
from supervision.suggestions.models import Committee, Suggestion, SupervisionRecord
from supervision.suggestions.vocabulary import Action
from supervision.suggestions.workflow.common import (
    State,
    locked,
    locked_for_office,
    notify,
    record_event,
)


def _supervisor(actor, suggestion_id) -> Suggestion:
    suggestion = locked(actor, suggestion_id)
    if access.can_by_region(actor, access.MANAGE, suggestion):
        return suggestion
    if suggestion.committee_id and suggestion.committee.members.filter(pk=actor.pk).exists():
        return suggestion
    raise PermissionDenied(_("Only the congress office or the supervising committee does this."))


@transaction.atomic
def suggestion_mark_key(
    *, actor, suggestion_id: int, committee_id: int, note: str = ""
) -> Suggestion:
    """Put the suggestion under key supervision (重点督办) by a special committee."""
    suggestion = locked_for_office(actor, suggestion_id)
    if suggestion.is_closed or suggestion.state in (
        State.DRAFT,
        State.RETURNED,
        State.FIRST_REVIEW,
    ):
        raise DomainError(
            _("Only a suggestion under review or handling is put under key supervision.")
        )
    committee = Committee.objects.filter(
        pk=committee_id, region__path__in=Region.ancestor_paths_of(suggestion.region.path)
    ).first()
    if committee is None:
        raise DomainError(
            _("Choose a committee of the suggestion's congress or above."), field="committee"
        )
    suggestion.is_key, suggestion.committee = True, committee
    suggestion.save(update_fields=["is_key", "committee"])
    record_event(
        actor, suggestion, Action.MARK_KEY, optional_text(note, "note"), committee=committee.name
    )
    notify(committee.members.all(), "key", _("Key supervision: suggestion %(label)s “%(title)s”") % {"label": suggestion.label, "title": suggestion.title}, suggestion)  # fmt: skip
    return suggestion


@transaction.atomic
def suggestion_supervise(
    *, actor, suggestion_id: int, kind: str, date: datetime.date, note: str
) -> SupervisionRecord:
    """Record a supervision meeting or an on-site supervision of a suggestion."""
    suggestion = _supervisor(actor, suggestion_id)
    if kind not in (SupervisionRecord.Kind.MEETING, SupervisionRecord.Kind.SITE):
        raise DomainError(_("Choose a meeting or an on-site supervision."), field="kind")
    if suggestion.state not in Suggestion.ASSIGNED_STATES:
        raise DomainError(_("Only an assigned suggestion is supervised."))
    return _supervision(actor, suggestion, kind, date, note, "")


def _supervision(actor, suggestion, kind, date, note, result) -> SupervisionRecord:
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    record = SupervisionRecord.objects.create(
        region=suggestion.region, suggestion=suggestion, kind=kind, date=date,
        note=required_text(note, "note", _("Write what was found.")), result=result, recorded_by=actor,
    )  # fmt: skip
    record_event(actor, suggestion, Action(f"suggestion_{kind}"), note, result=result)
    return record


@transaction.atomic
def suggestion_recheck(
    *, actor, suggestion_id: int, result: str, date: datetime.date, note: str
) -> SupervisionRecord:
    """回头看: re-check later whether a B or C reply was carried out, with its own result."""
    suggestion = _supervisor(actor, suggestion_id)
    if suggestion.state not in (State.REPLIED, State.COMPLETED) or suggestion.reply_class not in (
        "B",
        "C",
    ):
        raise DomainError(_("Re-checks are for replied suggestions of class B or C."))
    if result not in SupervisionRecord.Result.values:
        raise DomainError(_("Choose the result of the re-check."), field="result")
    return _supervision(actor, suggestion, SupervisionRecord.Kind.RECHECK, date, note, result)
