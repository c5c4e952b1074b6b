"""Routing and handling (反馈分流): the office forwards an issue to a handling unit with a
reply deadline; the unit replies to the citizen, or hands the issue back with a reason."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.models import Petition, PetitionReply, ReplyDeadline
from petitions.vocabulary import Action
from petitions.workflow.common import assigned_unit_petition, notify_citizen, staff_petition
from portal import access, states
from portal.calendar import add_working_days
from portal.errors import DomainError, required_text
from portal.models import Department, Region

State = Petition.State
DEFAULT_REPLY_DAYS = 15


def reply_working_days(region: Region) -> int:
    """Return the reply deadline of the nearest region up the tree that sets one."""
    setting = (
        ReplyDeadline.objects.filter(region__path__in=region.ancestor_paths)
        .order_by("-region__level")
        .first()
    )
    return setting.working_days if setting else DEFAULT_REPLY_DAYS


# The courts and the procuratorate decide their cases independently: the congress office does
# not hand them a citizen's issue (they remain handling units of deputies' suggestions).
NOT_FORWARDED_KINDS = (Department.Kind.COURT, Department.Kind.PROCURATORATE)


def units_for(petition: Petition):
    """Return the active handling units the office may forward the issue to, nearest first.

    Routing follows where the issue is (反馈分流): a township matter goes to the township's
    government, a county matter to a department of the county. So an issue of a township, or
    of a village under it, goes to the units of that township (its government) or to the
    departments of its county: never to a sibling township's government, nor over the
    county's head to a city department. An issue of a county itself goes to the county's
    departments or to the government of one of its townships; an issue of a city, to the
    city's departments. Whoever forwards (township or county clerk) gets the same list: the
    issue's place decides, not the clerk's level. Courts and procuratorates are never
    offered (``NOT_FORWARDED_KINDS``).
    """
    region = petition.region
    chain = region.ancestor_paths  # root first: chain[level - 1] is the region at that level
    if region.level >= Region.Level.TOWNSHIP:
        where = Q(
            region__path__in=[
                chain[Region.Level.TOWNSHIP - 1],
                chain[Region.Level.COUNTY - 1],
            ]
        )
    elif region.level == Region.Level.COUNTY:
        where = Q(region=region) | Q(
            region__parent=region, kind=Department.Kind.TOWNSHIP_GOVERNMENT
        )
    else:
        where = Q(region=region)
    return (
        Department.objects.filter(where, is_active=True)
        .exclude(kind__in=NOT_FORWARDED_KINDS)
        .select_related("region")
        .order_by("-region__level", "region__path", "name")
    )


def units_for_actor(actor):
    """The active units offered to ``actor`` for a bulk forward: those of the regions the user
    manages and below them, and for a township's office its county's departments too — the
    union of ``workflow.units_for`` over the issues the actor may forward. Each issue's own
    list is checked by the workflow, which refuses the rest one by one."""
    units = Department.objects.filter(is_active=True).exclude(kind__in=NOT_FORWARDED_KINDS)
    if not getattr(actor, "is_superuser", False):
        where = Q(pk__in=[])
        for path in access.region_paths(actor, access.MANAGE):
            where |= Q(region__path__startswith=path)
            chain = Region.ancestor_paths_of(path)
            if len(chain) >= Region.Level.TOWNSHIP:  # a township's or village's office
                where |= Q(region__path=chain[Region.Level.COUNTY - 1])
        units = units.filter(where)
    return units.select_related("region").order_by("-region__level", "region__path", "name")


@transaction.atomic
def petition_forward(*, actor, petition_id: int, department_id: int, note: str = "") -> Petition:
    """Assign the issue to one of the units ``units_for`` offers for it, with a deadline."""
    petition = staff_petition(actor, petition_id)
    department = units_for(petition).filter(pk=department_id).first()
    if department is None:
        raise DomainError(
            _("This unit does not take issues of this place: choose one of the units offered."),
            field="department",
        )
    petition.ensure_can_move_to(State.FORWARDED)
    if petition.state == State.REPLIED:  # handled again by another unit: a new round
        petition.round += 1
    previous = petition.department
    petition.department = department
    petition.due_on, known = add_working_days(
        timezone.localdate(), reply_working_days(petition.region)
    )
    data = {
        "department": department.name,
        "previous": previous.name if previous else "",
        "due_known": known,
    }
    states.move(petition, State.FORWARDED, actor=actor, action=Action.FORWARD, note=note, data=data)
    _tell_unit(petition)
    return petition


def _tell_unit(petition: Petition) -> None:
    """Tell the handlers of the unit an issue has been forwarded to (inbox, then channels)."""
    from portal.models import handlers_of
    from portal.notifications import notify

    notify(
        recipients=handlers_of([petition.department_id]),
        kind="petitions.forwarded",
        subject=_("Citizen issue %(code)s forwarded to your unit: reply by %(due)s")
        % {"code": petition.tracking_code, "due": petition.due_on.isoformat()},
        body=petition.title,
        url=reverse("petitions_desk:petition_detail", args=[petition.pk]),
        target=petition,
    )


@transaction.atomic
def petition_reply(*, actor, petition_id: int, text: str) -> Petition:
    """The handling unit replies to the citizen."""
    petition = assigned_unit_petition(actor, petition_id)
    text = required_text(text, "text", _("Write the reply."))
    petition.ensure_can_move_to(State.REPLIED)
    if petition.state != State.FORWARDED:
        raise DomainError(_("Only an issue being handled can be replied to."))
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round, kind=PetitionReply.Kind.REPLY,
        department=petition.department, text=text, author=actor,
    )  # fmt: skip
    states.move(petition, State.REPLIED, actor=actor, action=Action.REPLY)
    notify_citizen(petition, "replied")
    return petition


@transaction.atomic
def petition_hand_back(*, actor, petition_id: int, reason: str) -> Petition:
    """The handling unit is not responsible and returns the issue to the office, with a reason."""
    petition = assigned_unit_petition(actor, petition_id)
    reason = required_text(reason, "reason", _("Say why the unit is not responsible."))
    if petition.state != State.FORWARDED:
        raise DomainError(_("Only an issue being handled can be handed back."))
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round, kind=PetitionReply.Kind.HAND_BACK,
        department=petition.department, text=reason, author=actor,
    )  # fmt: skip
    department = petition.department
    states.move(
        petition, State.ACCEPTED, actor=actor, action=Action.HAND_BACK, note=reason,
        changes={"department": None, "due_on": None}, data={"department": department.name},
    )  # fmt: skip
    return petition
