"""The writes of the Open311 interface: keys issued, replaced, enabled and disabled by staff;
an issue submitted by a city system; a unit's reply pushed by its system.

An issue and a reply go through the issue workflow's own functions
(``petitions.workflow.petition_submit``, ``petition_reply``, ``petition_hand_back``): the
same checks, state changes, audit events and citizen's text messages as the web form and
the desk. Each function here is one transaction with its audit event.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from open311 import keys, statuses
from open311.models import ApiClient, PushedUpdate, SubmittedRequest
from open311.vocabulary import Action
from petitions import workflow as petitions_workflow
from petitions.models import Channel
from portal import access, events
from portal.errors import DomainError, optional_text, required_text
from portal.models import Department, Region, User

# The channel of issues received through Open311: its own, not a staff channel (no office
# account enters them; the key's jurisdiction is checked here).
CHANNEL = Channel.OPEN311
TITLE_MAX = 100


# --- keys ---------------------------------------------------------------------------------


def check_client(*, actor, region: Region | None, department: Department | None) -> None:
    """Refuse a key the actor may not issue: for a region the actor's office does not
    manage, above a township's office, or for a unit outside that region."""
    if region is None:
        raise DomainError(_("Choose the jurisdiction of the key."), field="region")
    if region.level > Region.Level.TOWNSHIP:
        raise DomainError(
            _("A key is issued for a city, a county or district, or a township."), field="region"
        )
    if not access.can_by_region(actor, access.MANAGE, region):
        raise PermissionDenied(_("Only the congress office of the region issues its keys."))
    if department is None:
        return
    if department.region_id != region.pk:
        raise DomainError(_("Choose a handling unit of the jurisdiction."), field="department")
    if not department.is_active:
        raise DomainError(_("This handling unit is not active."), field="department")
    if department.kind in petitions_workflow.NOT_FORWARDED_KINDS:
        raise DomainError(
            _("Courts and procuratorates are not given citizen issues."), field="department"
        )


def _service_account(client: ApiClient) -> User:
    """Create the account a unit's system acts as: a handler of the unit, no password."""
    department = client.department
    user = User(
        username=f"open311-{client.pk}-{secrets.token_hex(3)}",
        full_name=_("%(name)s (Open311)") % {"name": client.name[:50]},
        kind=User.Kind.HANDLER, department=department, region=department.region,
        is_staff=False,
    )  # fmt: skip
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def client_create(
    *, actor, name: str, region_id: int, department_id: int | None = None,
    raw_key: str | None = None,
) -> tuple[ApiClient, str]:  # fmt: skip
    """Issue a key for a system of ``region``; return the client and the raw key, which is
    shown once and never stored. ``raw_key`` is for the demo data only."""
    region = Region.objects.filter(pk=region_id).first()
    department = None
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise DomainError(_("Choose a handling unit of the jurisdiction."), field="department")
    check_client(actor=actor, region=region, department=department)
    name = required_text(name, "name", _("Name the system that uses the key."), limit=100)
    raw = raw_key or keys.new_key()
    client = ApiClient.objects.create(
        name=name, region=region, department=department, key_hash=keys.hash_key(raw),
        key_hint=keys.hint_of(raw), created_by=actor if actor and actor.is_authenticated else None,
    )  # fmt: skip
    if department is not None:
        client.account = _service_account(client)
        client.save(update_fields=["account"])
    events.record(
        actor=actor, target=client, action=Action.CLIENT_CREATE,
        data={"department": department.name if department else ""},
    )  # fmt: skip
    return client, raw


def _managed_client(actor, client_id: int) -> ApiClient:
    client = access.get_object_or_404(
        actor, ApiClient.objects.select_for_update(), access.MANAGE, pk=client_id
    )
    return client


@transaction.atomic
def client_rekey(*, actor, client_id: int) -> tuple[ApiClient, str]:
    """Replace a client's key (the old one stops working at once); return the new raw key."""
    client = _managed_client(actor, client_id)
    raw = keys.new_key()
    client.key_hash, client.key_hint = keys.hash_key(raw), keys.hint_of(raw)
    client.save(update_fields=["key_hash", "key_hint"])
    events.record(actor=actor, target=client, action=Action.CLIENT_REKEY)
    return client, raw


@transaction.atomic
def client_set_active(*, actor, client_id: int, active: bool) -> ApiClient:
    """Enable or disable a key; a unit's service account follows it."""
    client = _managed_client(actor, client_id)
    if client.is_active == active:
        return client
    client.is_active = active
    client.save(update_fields=["is_active"])
    if client.account_id:
        User.objects.filter(pk=client.account_id).update(is_active=active)
    action = Action.CLIENT_ENABLE if active else Action.CLIENT_DISABLE
    events.record(
        actor=actor, target=client, action=action, before=str(not active).lower(),
        after=str(active).lower(),
    )  # fmt: skip
    return client


# --- an issue submitted ----------------------------------------------------------------


def _title_of(title: str, description: str) -> str:
    """Return the title sent (the workflow checks it), or the description's first line."""
    if (title or "").strip():
        return title
    return (description.strip().splitlines() or [""])[0][:TITLE_MAX]


def _with_location(description: str, address: str, lat, long) -> str:
    """Return the description with the place as it was sent, for the staff who read it."""
    place = address
    if lat is not None and long is not None:
        place = _("coordinates %(lat)s, %(long)s") % {"lat": lat, "long": long}
        if address:
            place = _("%(address)s (%(coordinates)s)") % {"address": address, "coordinates": place}
    if not place or not description.strip():
        return description
    return f"{description.strip()}\n\n" + _("Location: %(place)s") % {"place": place}


@transaction.atomic
def request_submit(
    *, client: ApiClient, region: Region, category: str, description: str, title: str = "",
    citizen_name: str = "", citizen_phone: str = "", address_string: str = "",
    address_id: str = "", lat: float | None = None, long: float | None = None,
    media_url: str = "", request_key: str = "",
) -> SubmittedRequest:  # fmt: skip
    """Create the issue a city system sent, through the same workflow function as the web
    form; keep its client, token and location; record that it came through Open311."""
    if client.department_id:
        raise PermissionDenied(
            _("A handling unit's key pushes replies; it does not submit issues.")
        )
    if not region.is_within(client.region):
        raise PermissionDenied(_("This key is not valid for this jurisdiction."))
    address_string = optional_text(address_string, "address_string", 255)
    address_id = optional_text(address_id, "address_id", 64)
    text = _with_location(description, address_string, lat, long)
    if media_url and text.strip():
        text += "\n" + _("Photo link (not fetched): %(url)s") % {"url": media_url}
    token_of_key = ""
    if request_key:
        digest = hashlib.sha256(f"{client.pk}:{request_key}".encode()).hexdigest()
        token_of_key = f"o311:{digest[:56]}"
    petition = petitions_workflow.petition_submit(
        channel=CHANNEL, region_id=region.pk, region=region, category=category,
        title=_title_of(title, description), description=text,
        citizen_name=citizen_name, citizen_phone=citizen_phone,
        wants_feedback=bool(citizen_phone.strip()), client_token=token_of_key or None,
    )  # fmt: skip
    earlier = SubmittedRequest.objects.filter(petition=petition).first()
    if earlier is not None:  # the same Idempotency-Key again: the first answer
        return earlier
    token = uuid.uuid4().hex
    received = SubmittedRequest.objects.create(
        region=petition.region, petition=petition, client=client, token=token,
        address_string=address_string, address_id=address_id, lat=lat, long=long,
    )  # fmt: skip
    events.record(
        actor=None, target=petition, action=Action.RECEIVE,
        data={"client": client.pk, "client_name": client.name, "token": token},
    )  # fmt: skip
    return received


# --- a unit's reply pushed --------------------------------------------------------------


def _earlier_push(client: ApiClient, external_id: str, petition_id: int) -> PushedUpdate | None:
    if not external_id:
        return None
    pushed = PushedUpdate.objects.filter(client=client, external_id=external_id).first()
    if pushed is not None and pushed.petition_id != petition_id:
        raise DomainError(
            _("update_id %(id)s was already used for another service request.")
            % {"id": external_id},
            field="update_id",
        )
    return pushed


def update_push(
    *, client: ApiClient, petition_id: int, status: str, text: str, external_id: str = "",
    stated_at=None,
) -> tuple[PushedUpdate, bool]:  # fmt: skip
    """Record a unit's reply (or hand-back) pushed by its system, as the unit's service
    account, through the workflow function the desk calls. Return the push and whether it
    was new: an ``external_id`` seen before answers the first push and changes nothing."""
    if not client.department_id or client.account_id is None:
        raise PermissionDenied(_("Only a handling unit's key pushes updates."))
    what = statuses.PUSHED.get(status)
    if what is None:
        raise DomainError(
            _("status must be one of: %(statuses)s.") % {"statuses": ", ".join(statuses.PUSHED)},
            field="status",
        )
    external_id = optional_text(external_id, "update_id", 100)
    earlier = _earlier_push(client, external_id, petition_id)
    if earlier is not None:
        return earlier, False
    try:
        return _push(client, petition_id, what, status, text, external_id, stated_at), True
    except (DomainError, PermissionDenied, IntegrityError):
        # The same update pushed twice at once: the other push has moved the issue on and
        # recorded the update; answer what it recorded.
        earlier = _earlier_push(client, external_id, petition_id)
        if earlier is None:
            raise
        return earlier, False


@transaction.atomic
def _push(client, petition_id, what, status, text, external_id, stated_at) -> PushedUpdate:
    actor = client.account
    if what == statuses.REPLY:
        petition = petitions_workflow.petition_reply(
            actor=actor, petition_id=petition_id, text=text
        )
    else:
        petition = petitions_workflow.petition_hand_back(
            actor=actor, petition_id=petition_id, reason=text
        )
    event = events.history(petition).select_related(None).filter(actor=actor).first()
    return PushedUpdate.objects.create(
        region=petition.region, client=client, external_id=external_id, petition=petition,
        status=status, event_id=event.pk if event else None, stated_at=stated_at,
    )  # fmt: skip
