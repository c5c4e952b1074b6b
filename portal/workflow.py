"""State changes of the portal core: giving and taking away roles over regions.

Every function here checks the actor's right through ``access``, changes the rows in one
transaction and writes the audit event beside the change. ``actor=None`` is the system (an
operator at the command line).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from portal import access, events
from portal.errors import DomainError
from portal.models import Region, User


def _require_approver(actor, region: Region) -> None:
    if actor is not None:
        access.require(actor, access.APPROVE, region)


@transaction.atomic
def region_role_grant(*, actor: User | None, user: User, region: Region, role: str) -> None:
    """Give ``user`` the ``role`` over ``region`` and its subtree, replacing a weaker one."""
    if role not in access.ROLE_ACTIONS:
        raise DomainError(_("Unknown role."), field="role")
    if not user.is_active:
        raise DomainError(_("The account is disabled."), field="user")
    _require_approver(actor, region)
    before = dict(access.roles_of(user)).get(region, "")
    access.revoke_role(user, region)
    access.grant_role(user, region, role)
    events.record(
        actor=actor,
        target=region,
        action=events.Action.ROLE_GRANT,
        before=before,
        after=role,
        data={"user": user.username},
    )


@transaction.atomic
def region_role_revoke(*, actor: User | None, user: User, region: Region) -> None:
    """Take every role ``user`` holds directly over ``region`` away."""
    _require_approver(actor, region)
    before = dict(access.roles_of(user)).get(region)
    if before is None:
        raise DomainError(_("The user holds no role over this region."), field="region")
    access.revoke_role(user, region)
    events.record(
        actor=actor,
        target=region,
        action=events.Action.ROLE_REVOKE,
        before=before,
        after="",
        data={"user": user.username},
    )
