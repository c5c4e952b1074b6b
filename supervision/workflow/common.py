"""What every stage of a matter's workflow shares: locking a matter for one of the three
roles, dates and deadlines, and the notifications of the people taking part."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access
from portal.errors import DomainError
from portal.models import Department, Region, User, handlers_of
from supervision.models import GroupMember, Matter, Round

State = Matter.State
MAX_ISSUES = 500
MEMBER_ACTIONS = (access.VIEW, access.MANAGE)


def parse_date(value, field: str) -> datetime.date:
    """Return ``value`` as a date (a date, a datetime or an ISO string), else refuse it."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise DomainError(_("Enter a valid date."), field=field)
    return value


def check_due(due_on, field: str = "due_on") -> datetime.date:
    """Return a handling deadline: after today and within a year."""
    due_on = parse_date(due_on, field)
    if due_on <= timezone.localdate():
        raise DomainError(_("The deadline must be after today."), field=field)
    if due_on > timezone.localdate() + datetime.timedelta(days=366):
        raise DomainError(_("The deadline must be within a year."), field=field)
    return due_on


def closing(to: str) -> dict:
    """Return the fields a move to ``to`` sets besides the state (when the matter closed)."""
    return {"closed_at": timezone.now()} if to in Matter.CLOSED_STATES else {}


# --- the matter, locked for one role -------------------------------------------------------


def office_matter(actor, matter_id: int) -> Matter:
    """Lock and return a matter the actor's office manages (a region grant with manage)."""
    matter = access.get_object_or_404(actor, Matter.objects.select_for_update(), pk=matter_id)
    if not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the congress office of the region does this."))
    return matter


def member_matter(actor, matter_id: int) -> tuple[Matter, GroupMember | None]:
    """Lock and return a matter on which the actor is an active group member. The office of
    the region may record on the group's behalf (e.g. from the group's paper minutes)."""
    matter = access.get_object_or_404(actor, Matter.objects.select_for_update(), pk=matter_id)
    member = (
        GroupMember.objects.filter(group__matter=matter, user=actor, left_at__isnull=True)
        .select_related("group")
        .first()
    )
    if member is None and not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the members of the matter's group do this."))
    return matter, member


def unit_matter(actor, matter_id: int) -> Matter:
    """Lock and return a matter whose current round the actor's department handles; the
    office of the region may report on the department's behalf."""
    matter = access.get_object_or_404(actor, Matter.objects.select_for_update(), pk=matter_id)
    own_unit = bool(actor.department_id) and actor.department_id == matter.department_id
    if not own_unit and not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the responsible department does this."))
    return matter


def current_round(matter: Matter) -> Round:
    return Round.objects.select_for_update().get(matter=matter, number=matter.round)


def units_for(region: Region):
    """The departments that may handle a matter of ``region``: its own and those above."""
    return Department.units_for(region)


# --- who is told ------------------------------------------------------------------------------


def notify(users: Iterable[User], kind: str, subject: str, matter: Matter, body: str = "") -> None:
    recipients = [user for user in users if user is not None and user.is_active]
    if not recipients:
        return
    from portal.notifications import notify as send

    send(
        recipients=recipients, kind=kind, subject=subject, body=body,
        url=reverse("supervision_desk:matter_detail", args=[matter.pk]), target=matter,
    )  # fmt: skip


def members(matter: Matter) -> list[User]:
    return [
        member.user
        for member in GroupMember.objects.filter(
            group__matter=matter, left_at__isnull=True
        ).select_related("user")
    ]


def unit_users(department: Department | None) -> list[User]:
    if department is None:
        return []
    return list(handlers_of([department.pk]))
