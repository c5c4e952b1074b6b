"""The office's writes of deputies and stations outside the roster import: add or correct a
deputy (with mandates and, on request, an account the deputy activates by SMS), give an
existing deputy an account, and add or correct a liaison station with its members.

Each is one transaction, audited, and only inside the actor's jurisdiction: a region, group,
deputy or station the actor does not manage is a field error (400), never stored.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal import access, activation, events, search
from portal.errors import DomainError
from portal.models import User
from stations.models import (
    CHECKLIST_ITEMS,
    Mandate,
    MandateLevel,
    Representative,
    RepresentativeGroup,
    Station,
    StationMembership,
)
from stations.vocabulary import Action

DEPUTY_FIELDS = ("name", "gender", "phone", "work_unit", "public_contact", "is_active")
STATION_FIELDS = (
    "name", "kind", "address", "opening_hours", "phone", "liaison_officer", "checklist",
    "activity_plan", "rules", "is_active",
)  # fmt: skip


def _managed(actor, model, pk, field: str):
    obj = model.objects.filter(pk=pk).first() if pk else None
    if pk and (obj is None or not access.can_by_region(actor, access.MANAGE, obj)):
        raise DomainError(_("Choose one of your jurisdiction."), field=field)
    return obj


def _checklist(data: dict) -> None:
    known = {key for key, _label in CHECKLIST_ITEMS}
    unknown = sorted(set(data.get("checklist") or {}) - known)
    if unknown:
        raise DomainError(
            _("Unknown checklist items: %(items)s.") % {"items": "、".join(unknown)},
            field="checklist",
        )


def _save(obj, field: str, message: str) -> None:
    """Save; a unique value taken a moment ago by another request is a field error."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise DomainError(message, field=field) from None


def _checked(obj, exclude=("search_text",)) -> None:
    """Field checks of the model (lengths, choices, unique values) as field errors."""
    obj.full_clean(exclude=list(exclude), validate_constraints=True)


def _mandates(actor, deputy: Representative, mandates: Sequence[dict]) -> list[Mandate]:
    rows = []
    for index, item in enumerate(mandates):
        field = f"mandates.{index}"
        if item.get("level") not in MandateLevel.values:
            raise DomainError(_("Choose the level of the congress."), field=f"{field}.level")
        region = access.region_to_manage(actor, item.get("region"), f"{field}.region")
        term = (item.get("term") or "").strip()
        if not term:
            raise DomainError(_("Enter the term, e.g. 第十七届."), field=f"{field}.term")
        row = Mandate(
            representative=deputy, region=region, level=item["level"], term=term,
            constituency=(item.get("constituency") or "").strip(),
            started_on=item.get("started_on"), ended_on=item.get("ended_on"),
        )  # fmt: skip
        if row.started_on and row.ended_on and row.ended_on < row.started_on:
            raise DomainError(_("The end is before the start."), field=f"{field}.ended_on")
        _checked(row, exclude=("representative",))
        rows.append(row)
    return rows


@transaction.atomic
def representative_create(
    *, actor, data: dict, mandates: Sequence[dict] = (), account: bool = False,
    username: str = "",
) -> Representative:  # fmt: skip
    """Add a deputy of ``data["region"]`` with ``mandates``; with ``account``, open the
    deputy's account (its owner activates it with the code sent to the deputy's phone)."""
    access.require_office(actor)
    region = access.region_to_manage(actor, data.get("region"))
    deputy = Representative(
        region=region, id_code=(data.get("id_code") or "").strip(),
        group=_managed(actor, RepresentativeGroup, data.get("group"), "group"),
        **{name: data[name] for name in DEPUTY_FIELDS if name in data},
    )  # fmt: skip
    if Representative.objects.filter(id_code=deputy.id_code).exists():
        raise DomainError(_("A deputy with this roster number exists."), field="id_code")
    _checked(deputy)
    rows = _mandates(actor, deputy, mandates)
    deputy.search_text = search.text_of(deputy)
    _save(deputy, "id_code", _("A deputy with this roster number exists."))
    for row in rows:
        row.representative = deputy
    Mandate.objects.bulk_create(rows)
    events.record(
        actor=actor, target=deputy, action=Action.DEPUTY_CREATE, after=deputy.name,
        data={"mandates": len(rows), "account": account},
    )  # fmt: skip
    if account:
        open_account(actor, deputy, username)
    return deputy


@transaction.atomic
def representative_update(*, actor, representative_id: int, data: dict) -> Representative:
    """Correct a deputy's particulars (not the roster number; mandates by the import)."""
    deputy = access.get_object_or_404(
        actor, Representative.objects.select_for_update(), access.MANAGE, pk=representative_id
    )
    changes = {}
    if "region" in data and data["region"] != deputy.region_id:
        deputy.region = access.region_to_manage(actor, data["region"])
        changes["region"] = deputy.region.name
    if "group" in data and data["group"] != deputy.group_id:
        deputy.group = _managed(actor, RepresentativeGroup, data["group"], "group")
        changes["group"] = str(deputy.group or "")
    for name in DEPUTY_FIELDS:
        if name in data and data[name] != getattr(deputy, name):
            setattr(deputy, name, data[name])
            changes[name] = str(data[name])
    if "phone" in changes and deputy.user_id is not None:
        check_account_office(actor, deputy, field="phone")
    if changes:
        _checked(deputy)
        deputy.search_text = search.text_of(deputy)
        deputy.save()
        if "phone" in changes:
            sync_pending_phone(deputy)
        events.record(
            actor=actor, target=deputy, action=Action.DEPUTY_UPDATE,
            data={"fields": sorted(changes)},
        )  # fmt: skip
    return deputy


@transaction.atomic
def representative_give_account(*, actor, representative_id: int, username: str = "") -> User:
    """Open an account for a deputy who has none, or send a new code to one who has not
    activated it yet; a deputy whose account is in use keeps it as it is."""
    deputy = access.get_object_or_404(
        actor, Representative.objects.select_for_update(), access.MANAGE, pk=representative_id
    )
    if deputy.user_id is not None:
        if not activation.pending(deputy.user):
            raise DomainError(_("This deputy's account is already active."), field="account")
        check_account_office(actor, deputy)
        activation.mobile(deputy.phone)
        sync_pending_phone(deputy)
        activation.resend_by_office(actor, deputy.user)
        return deputy.user
    return open_account(actor, deputy, username)


def check_account_office(actor, deputy: Representative, field: str = "account") -> None:
    """A deputy's account (who receives its code) is the business of the offices of every
    congress the deputy sits in: a township's office may not hand a county deputy's vote
    to a phone of its choosing."""
    if actor is None:
        return  # the system: a command run on the server
    today = timezone.localdate()
    current = deputy.mandates.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    regions = [deputy.region, *(m.region for m in current.select_related("region"))]
    if not all(activation.may_manage(actor, region) for region in regions):
        raise DomainError(
            _(
                "This deputy sits in a congress above your office: its office handles the "
                "deputy's account."
            ),
            field=field,
        )


def sync_pending_phone(deputy: Representative) -> None:
    """While the deputy's account waits for activation, its phone is the deputy's: a
    corrected number gets the next code, and the codes sent to the old one are void."""
    user = deputy.user
    if user is None or not activation.pending(user) or user.phone == deputy.phone:
        return
    user.phone = deputy.phone
    user.save(update_fields=["phone"])
    activation.void_codes(user)


def open_account(actor, deputy: Representative, username: str) -> User:
    check_account_office(actor, deputy)
    user = activation.create_account(
        actor=actor, kind=User.Kind.DEPUTY, region=deputy.region, full_name=deputy.name,
        phone=deputy.phone, username=username,
        default_username=f"deputy-{slugify(deputy.id_code) or deputy.pk}",
    )  # fmt: skip
    deputy.user = user
    deputy.save(update_fields=["user"])
    return user


def _members(actor, station: Station, member_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(member_ids))
    found = access.visible(actor, Representative.objects.filter(pk__in=ids), access.MANAGE)
    if found.count() != len(ids):
        raise DomainError(_("Choose deputies of your jurisdiction."), field="members")
    return ids


@transaction.atomic
def station_create(*, actor, data: dict, member_ids: Sequence[int] = ()) -> Station:
    access.require_office(actor)
    region = access.region_to_manage(actor, data.get("region"))
    _checklist(data)
    station = Station(
        region=region, chief=_managed(actor, Representative, data.get("chief"), "chief"),
        **{name: data[name] for name in STATION_FIELDS if name in data},
    )  # fmt: skip
    _checked(station, exclude=())
    _save(station, "name", _("This region has a station of that name."))
    ids = _members(actor, station, member_ids)
    StationMembership.objects.bulk_create(
        StationMembership(region=station.region, station=station, representative_id=pk)
        for pk in ids
    )
    events.record(
        actor=actor, target=station, action=Action.STATION_CREATE, after=station.name,
        data={"members": len(ids)},
    )  # fmt: skip
    return station


@transaction.atomic
def station_update(
    *, actor, station_id: int, data: dict, member_ids: Sequence[int] | None = None
) -> Station:
    station = access.get_object_or_404(
        actor, Station.objects.select_for_update(), access.MANAGE, pk=station_id
    )
    _checklist(data)
    changed = []
    if "region" in data and data["region"] != station.region_id:
        if station.duty_rules.exists() or station.shifts.exists():
            raise DomainError(
                _("A station with a duty roster keeps its region; close it and add a new one."),
                field="region",
            )
        station.region = access.region_to_manage(actor, data["region"])
        StationMembership.objects.filter(station=station).update(region=station.region)
        changed.append("region")
    if "chief" in data and data["chief"] != station.chief_id:
        station.chief = _managed(actor, Representative, data["chief"], "chief")
        changed.append("chief")
    for name in STATION_FIELDS:
        if name in data and data[name] != getattr(station, name):
            setattr(station, name, data[name])
            changed.append(name)
    _checked(station, exclude=())
    _save(station, "name", _("This region has a station of that name."))
    if member_ids is not None:
        ids = _members(actor, station, member_ids)
        before = set(station.members.values_list("pk", flat=True))
        if before != set(ids):
            StationMembership.objects.filter(station=station).exclude(
                representative_id__in=ids
            ).delete()
            StationMembership.objects.bulk_create(
                StationMembership(region=station.region, station=station, representative_id=pk)
                for pk in ids
                if pk not in before
            )
            changed.append("members")
    if changed:
        events.record(
            actor=actor, target=station, action=Action.STATION_UPDATE, data={"fields": changed}
        )
    return station
