"""What every stage of the workflow shares: finding and locking an issue for the actor,
closing it (the closing time and the settlement hook) and the citizen's text message."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.models import Petition
from portal import access, hooks, states
from portal.errors import DomainError

State = Petition.State


def notify_citizen(petition: Petition, kind: str) -> None:
    """Write the citizen's text message as a notification row in this transaction; it is
    delivered after commit, or by the delivery sweep when the broker was down."""
    from petitions.tasks import status_text
    from portal.notifications import notify_citizen as notify

    if petition.citizen_phone:
        notify(phone=petition.citizen_phone, text=status_text(petition, kind), target=petition)


def close(petition: Petition, to: str, *, actor, action: str, note: str = "", data=None) -> None:
    """Move ``petition`` to the closed state ``to`` (``states.move``), stamp the closing time
    and tell the apps that registered for it (a reception's matter in ``stations``) that
    the issue settled and whether it was resolved, inside this transaction."""
    if to not in Petition.CLOSED_STATES:  # pragma: no cover - a bug in the caller
        raise ValueError(f"{to} is not a closed state")
    states.move(
        petition, to, actor=actor, action=action, note=note, data=data,
        changes={"closed_at": timezone.now()},
    )  # fmt: skip
    hooks.emit(
        hooks.ISSUE_SETTLED,
        actor=actor,
        issue_id=petition.pk,
        resolved=petition.state == State.RESOLVED,
    )


def staff_petition(actor, petition_id: int, *, for_matter: bool = False) -> Petition:
    """Lock and return an issue the actor's office handles (region grant with manage). An
    issue that follows a supervision matter is refused here to every caller but the
    matter's own functions (``for_matter``): it moves only with its matter."""
    petition = access.get_object_or_404(actor, Petition.objects.select_for_update(), pk=petition_id)
    if not access.can_by_region(actor, access.MANAGE, petition):
        raise PermissionDenied(_("Only the congress office of the region does this."))
    if not for_matter and petition.state == State.ESCALATED and hasattr(petition, "matter_link"):
        raise DomainError(
            _("This issue follows its supervision matter; act on the matter instead.")
        )
    return petition


def assigned_unit_petition(actor, petition_id: int) -> Petition:
    """Lock and return an issue assigned to the actor's own handling unit."""
    petition = access.get_object_or_404(actor, Petition.objects.select_for_update(), pk=petition_id)
    access.require(actor, access.MANAGE, petition)
    if not actor.department_id or actor.department_id != petition.department_id:
        raise PermissionDenied(_("Only the handling unit the issue is assigned to does this."))
    return petition
