"""The office's writes of handling units: add or correct a unit of its jurisdiction, and
open accounts for the unit's handlers (activated by SMS, ``portal.activation``)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from portal import access, activation, events
from portal.errors import DomainError
from portal.models import Department, User

FIELDS = ("name", "kind", "phone", "is_active")


def _check(unit: Department) -> None:
    unit.name = (unit.name or "").strip()
    clash = Department.objects.filter(region=unit.region, name=unit.name).exclude(pk=unit.pk)
    if clash.exists():
        raise DomainError(_("This region has a handling unit of that name."), field="name")
    unit.full_clean()


def _save(unit: Department) -> None:
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:  # the same name saved a moment ago
        raise DomainError(
            _("This region has a handling unit of that name."), field="name"
        ) from None


@transaction.atomic
def department_create(*, actor, data: dict) -> Department:
    access.require_office(actor)
    unit = Department(
        region=access.region_to_manage(actor, data.get("region")),
        **{name: data[name] for name in FIELDS if name in data},
    )
    _check(unit)
    _save(unit)
    events.record(actor=actor, target=unit, action=events.Action.DEPARTMENT_CREATE, after=unit.name)
    return unit


@transaction.atomic
def department_update(*, actor, department_id: int, data: dict) -> Department:
    unit = access.get_object_or_404(
        actor, Department.objects.select_for_update(), access.MANAGE, pk=department_id
    )
    changed = [name for name in FIELDS if name in data and data[name] != getattr(unit, name)]
    for name in changed:
        setattr(unit, name, data[name])
    if "region" in data and data["region"] != unit.region_id:
        unit.region = access.region_to_manage(actor, data["region"])
        changed.append("region")
    if changed:
        _check(unit)
        _save(unit)
        events.record(
            actor=actor, target=unit, action=events.Action.DEPARTMENT_UPDATE,
            data={"fields": changed},
        )  # fmt: skip
    return unit


def handler_create(
    *, actor, department_id: int, full_name: str, phone: str, username: str = ""
) -> User:
    """Open an account for a handler of the unit; the handler activates it by SMS."""
    unit = access.get_object_or_404(
        actor, Department.objects.all(), access.MANAGE, pk=department_id
    )
    return activation.create_account(
        actor=actor, kind=User.Kind.HANDLER, region=unit.region, department=unit,
        full_name=full_name, phone=phone, username=username,
        default_username=f"unit{unit.pk}-{activation.mobile(phone)[-4:]}",
    )  # fmt: skip
