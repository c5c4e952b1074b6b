"""The matter's one group (一事一组): formed once, members who join and leave. Members hold
rights on this matter (guardian grants) and on nothing else."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, events
from portal.errors import DomainError
from portal.models import User
from supervision.models import GroupMember, Matter, SupervisionGroup
from supervision.vocabulary import Action
from supervision.workflow.common import MEMBER_ACTIONS, notify, office_matter

State = Matter.State


def _eligible(user: User, matter: Matter) -> bool:
    """Members are the presidium / working committee (office staff whose jurisdiction covers
    the matter) and deputies of any level in the area (a mandate or a managing region inside
    the matter's region or above it)."""
    if not user.is_active:
        return False
    if access.can_by_region(user, access.VIEW, matter):
        return True
    representative = getattr(user, "representative", None)
    if representative is None or not representative.is_active:
        return False
    path = matter.region.path
    paths = [representative.region.path] + [
        mandate.region.path for mandate in representative.mandates.select_related("region")
    ]
    return any(p.startswith(path) or path.startswith(p) for p in paths)


def _add_member(actor, matter: Matter, group: SupervisionGroup, user_id, role: str, duties: str):
    user = User.objects.filter(pk=user_id).select_related("region").first()
    if user is None or not _eligible(user, matter):
        raise DomainError(
            _("Members are presidium members or deputies of the matter's area."), field="members"
        )
    if role not in GroupMember.Role.values:
        raise DomainError(_("Choose the member's role."), field="role")
    if len(duties or "") > 200:
        raise DomainError(_("At most %(limit)d characters.") % {"limit": 200}, field="duties")
    representative = getattr(user, "representative", None)
    try:
        with transaction.atomic():
            member = GroupMember.objects.create(
                region=matter.region, group=group, user=user, representative=representative,
                role=role, duties=(duties or "").strip(),
            )  # fmt: skip
    except IntegrityError:
        if (
            role == GroupMember.Role.LEADER
            and group.members.filter(role=GroupMember.Role.LEADER, left_at__isnull=True)
            .exclude(user=user)
            .exists()
        ):
            raise DomainError(_("The group already has a leader."), field="role") from None
        raise DomainError(
            _("%(name)s is already in the group.") % {"name": user.display_name}, field="members"
        ) from None
    for action in MEMBER_ACTIONS:
        access.grant_object(user, action, matter)
    events.record(actor=actor, target=matter, action=Action.MEMBER_JOIN,
                  data={"user": user.pk, "name": user.display_name, "role": role})  # fmt: skip
    notify([user], "supervision.member", _("You joined the supervision group of “%(title)s”")
           % {"title": matter.title}, matter, body=duties or "")  # fmt: skip
    return member


@transaction.atomic
def matter_form_group(
    *, actor, matter_id: int, duties: str, members: Sequence[tuple[int, str, str]]
) -> SupervisionGroup:
    """Form the matter's one group (一事一组): ``members`` are (user id, role, duties) with
    exactly one leader. Members receive rights on this matter and on nothing else."""
    matter = office_matter(actor, matter_id)
    if matter.state != State.ORGANIZING:
        raise DomainError(
            _("A group is formed once the study has classified the matter for supervision.")
        )
    if SupervisionGroup.objects.filter(matter=matter).exists():
        raise DomainError(_("The matter already has its group."))
    members = list(members)
    if not members:
        raise DomainError(_("Choose the members of the group."), field="members")
    leaders = [m for m in members if m[1] == GroupMember.Role.LEADER]
    if len(leaders) != 1:
        raise DomainError(_("Choose exactly one group leader."), field="members")
    try:
        with transaction.atomic():
            group = SupervisionGroup.objects.create(
                region=matter.region, matter=matter, duties=(duties or "").strip()[:5000]
            )
    except IntegrityError:
        raise DomainError(_("The matter already has its group.")) from None
    events.record(actor=actor, target=matter, action=Action.FORM_GROUP,
                  data={"members": len(members)})  # fmt: skip
    for user_id, role, member_duties in members:
        _add_member(actor, matter, group, user_id, role, member_duties)
    return group


@transaction.atomic
def matter_add_member(*, actor, matter_id: int, user_id: int, role: str = "member",
                      duties: str = "") -> GroupMember:  # fmt: skip
    matter = office_matter(actor, matter_id)
    if matter.is_closed:
        raise DomainError(_("The matter is closed."))
    group = SupervisionGroup.objects.filter(matter=matter).first()
    if group is None:
        raise DomainError(_("Form the group first."))
    return _add_member(actor, matter, group, user_id, role, duties)


@transaction.atomic
def matter_remove_member(*, actor, matter_id: int, member_id: int, reason: str = "") -> GroupMember:
    """A member leaves the group: the record stays, the rights on the matter go."""
    matter = office_matter(actor, matter_id)
    if matter.is_closed:  # the group that closed a matter stays as it was
        raise DomainError(_("The matter is closed."))
    member = (
        GroupMember.objects.filter(pk=member_id, group__matter=matter, left_at__isnull=True)
        .select_for_update()
        .select_related("user")
        .first()
    )
    if member is None:
        raise DomainError(_("No such active member of this group."), field="member")
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    for action in MEMBER_ACTIONS:
        access.revoke_object(member.user, action, matter)
    events.record(actor=actor, target=matter, action=Action.MEMBER_LEAVE, note=reason,
                  data={"user": member.user_id, "name": member.user.display_name})  # fmt: skip
    return member
