"""The audit trail: ``record()`` is the only writer of ``Event`` rows.

Call it inside the transaction of the state change it records, so that the change and its
event commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from portal.models import Event, Region


class Action(models.TextChoices):
    """The core's own audit event actions (each app declares its own in ``vocabulary.py``)."""

    ADMIN_CREATE = "admin_create", _("Created in the admin")
    ADMIN_CHANGE = "admin_change", _("Changed in the admin")
    ROLE_GRANT = "region_role_grant", _("Role granted")
    ROLE_REVOKE = "region_role_revoke", _("Role revoked")
    REGION_IMPORT_CREATE = "region_import_create", _("Region imported")
    REGION_IMPORT_RENAME = "region_import_rename", _("Region renamed by import")
    CALENDAR_IMPORT = "calendar_import", _("Holiday calendar imported")
    SIGNIN_RELEASE = "signin_release", _("Sign-in lock released")
    PASSWORD_RESET = "password_reset", _("Password reset by its owner")
    ACCOUNT_CREATE = "account_create", _("Account created")
    ACCOUNT_CODE_SENT = "account_code_sent", _("Activation code sent")
    ACCOUNT_CODE_ASKED = "account_code_asked", _("New activation code asked for by the office")
    ACCOUNT_ACTIVATE = "account_activate", _("Account activated by its owner")
    DEPARTMENT_CREATE = "department_create", _("Handling unit added")
    DEPARTMENT_UPDATE = "department_update", _("Handling unit corrected")


def _region_of(target: models.Model) -> Region | None:
    if isinstance(target, Region):
        return target
    region = getattr(target, "region", None)
    return region if isinstance(region, Region) else None


def record(
    *,
    actor,
    target: models.Model,
    action: str,
    before: str = "",
    after: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    region: Region | None = None,
) -> Event:
    """Write one audit event for ``target`` (actor ``None`` means the system)."""
    if actor is not None and not actor.is_authenticated:
        actor = None
    return Event.objects.create(
        actor=actor,
        region=region or _region_of(target),
        target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        target_id=target.pk,
        target_repr=str(target)[:200],
        action=action,
        from_state=str(before or ""),
        to_state=str(after or ""),
        note=note or "",
        data=data or {},
    )


def history(target: models.Model) -> QuerySet[Event]:
    """Return the events of one object, newest first."""
    return (
        Event.objects.filter(
            target_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
            target_id=target.pk,
        )
        .select_related("actor")
        .order_by("-id")
    )
