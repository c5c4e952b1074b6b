"""What every stage of the suggestion workflow shares: locking a suggestion for the person
who may act on it, writing an audit event that changes no state, and creating the inbox
notifications of a change (rows in the caller's transaction, delivered after commit)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from portal import access, events
from portal.models import Department, User, handlers_of
from supervision.suggestions.models import Suggestion, UnitAssignment

State = Suggestion.State
TITLE_MAX, TEXT_MAX, CONTENT_MAX = 100, 5000, 20000


def locked(actor, suggestion_id) -> Suggestion:
    """Lock and return a suggestion ``actor`` sees, or raise ``Http404``."""
    return access.get_object_or_404(actor, Suggestion.objects.select_for_update(), pk=suggestion_id)


def locked_for_office(actor, suggestion_id, action: str = access.MANAGE) -> Suggestion:
    """Lock a suggestion the congress office that handles it (``action``) acts on."""
    suggestion = locked(actor, suggestion_id)
    if not access.can_by_region(actor, action, suggestion):
        if action == access.APPROVE:
            raise PermissionDenied(_("Only the office leader of the congress approves this."))
        raise PermissionDenied(_("Only the congress office that handles the suggestion does this."))
    return suggestion


def deputy_of(actor):
    """Return the active deputy record of ``actor``, or refuse."""
    rep = getattr(actor, "representative", None) if actor is not None else None
    if rep is None or not rep.is_active:
        raise PermissionDenied(_("Only deputies file suggestions."))
    return rep


def is_lead_deputy(actor, suggestion: Suggestion) -> bool:
    rep = getattr(actor, "representative", None)
    return rep is not None and rep.pk == suggestion.lead_id


def locked_for_author(actor, suggestion_id) -> Suggestion:
    """Lock a suggestion its lead deputy (or the office that entered it) may change."""
    suggestion = locked(actor, suggestion_id)
    if not (
        is_lead_deputy(actor, suggestion) or access.can_by_region(actor, access.MANAGE, suggestion)
    ):
        raise PermissionDenied(_("Only the lead deputy changes the suggestion."))
    return suggestion


def unit_assignment(actor, suggestion: Suggestion) -> UnitAssignment | None:
    """Return the active assignment of the actor's unit on the suggestion, if any."""
    if not getattr(actor, "department_id", None):
        return None
    return UnitAssignment.objects.filter(
        suggestion=suggestion, department_id=actor.department_id, active=True
    ).first()


def locked_for_lead_unit(actor, suggestion_id) -> tuple[Suggestion, UnitAssignment]:
    """Lock a suggestion the actor's unit leads; a co-handling unit is refused."""
    suggestion = locked(actor, suggestion_id)
    assignment = unit_assignment(actor, suggestion)
    if assignment is None:
        raise PermissionDenied(_("Only the handling unit of the suggestion does this."))
    if assignment.role != UnitAssignment.Role.LEAD:
        raise PermissionDenied(
            _(
                "Only the lead unit does this; a co-handling unit sends its opinion to the lead unit."
            )
        )
    return suggestion, assignment


def record_event(actor, suggestion: Suggestion, action: str, note: str = "", **data) -> None:
    """Write the audit event of a change that leaves the state as it is."""
    events.record(
        actor=actor, target=suggestion, action=str(action), before=suggestion.state,
        after=suggestion.state, note=note, data=data,
    )  # fmt: skip


def deputy_users(suggestion: Suggestion) -> list[User]:
    """Return the accounts of the lead deputy and the co-signers."""
    users = list(User.objects.filter(representative__pk=suggestion.lead_id))
    users += list(User.objects.filter(representative__suggestions_cosigned=suggestion))
    return users


def unit_users(department_ids) -> list[User]:
    return list(handlers_of(department_ids))


def notify(recipients, kind: str, subject: str, suggestion: Suggestion, body: str = "") -> None:
    """Create inbox rows in this transaction; they are delivered after commit."""
    from portal.notifications import notify as send

    send(
        recipients=recipients, kind=f"suggestions.{kind}", subject=subject, body=body,
        url=f"/desk/suggestions/{suggestion.pk}/", target=suggestion,
    )  # fmt: skip


def units_for(suggestion: Suggestion):
    """Return the active handling units of the suggestion's region and the regions above it."""
    return Department.units_for(suggestion.region)
