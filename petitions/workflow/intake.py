"""Intake: an issue from any channel (the citizens' form, a station's reception, staff entry)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from petitions import topic_store
from petitions.models import Category, Channel, Petition, PetitionPhoto
from petitions.vocabulary import Action
from petitions.workflow.common import notify_citizen
from portal import access, events, search
from portal.errors import DomainError, required_text
from portal.models import Region
from portal.phones import PHONE_RE, is_phone, normalize_phone

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
STAFF_CHANNELS = {Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ONLINE_STATION}
MAX_PHOTOS = 3


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _unused in range(10))


@transaction.atomic
def petition_submit(
    *, actor=None, channel: str, region_id: int, category: str, title: str, description: str,
    citizen_name: str = "", citizen_phone: str = "", wants_feedback: bool = False,
    station_id: int | None = None, photos: Sequence[tuple[bytes, int, int]] = (),
    client_token: str | None = None, region: Region | None = None, station=None,
) -> Petition:  # fmt: skip
    """Create an issue from any channel. ``photos`` are already re-encoded JPEG bytes with
    their size. A repeated ``client_token`` returns the issue it created the first time: the
    token is unique, so the insert of the repeat fails and the first issue is returned (the
    pages look the token up before, so a double click does not even get here).

    ``region`` and ``station`` are the rows of ``region_id`` and ``station_id`` when the
    caller has just read them (the public form does): they are not read again."""
    if channel not in Channel.values:
        raise DomainError(_("Unknown channel."), field="channel")
    if category not in Category.values:
        raise DomainError(_("Choose a category."), field="category")
    if region is None or region.pk != region_id:
        region = Region.objects.filter(pk=region_id).first()
    if region is None:
        raise DomainError(_("Choose where the problem is."), field="region")
    if channel in STAFF_CHANNELS and not access.can_by_region(actor, access.MANAGE, region):
        raise PermissionDenied(_("Only the congress office of the region enters issues."))
    if station_id is None:
        station = None
    elif station is None or station.pk != station_id or not station.is_active:
        stations = Petition.station.field.related_model.objects  # no import of the stations app
        station = stations.filter(pk=station_id, is_active=True).first()
        if station is None:
            raise DomainError(_("No such liaison station."), field="station")
    title = required_text(title, "title", _("Give the issue a short title."))
    description = required_text(description, "description", _("Describe the problem."))
    if len(title) > 100:
        raise DomainError(_("The title is longer than 100 characters."), field="title")
    if len(description) > 5000:
        raise DomainError(_("The description is longer than 5000 characters."), field="description")
    phone = normalize_phone(citizen_phone)
    if phone and not PHONE_RE.match(phone):
        raise DomainError(
            _("Enter a mobile number of 11 digits or a landline with its area code."),
            field="citizen_phone",
        )
    if wants_feedback and not phone:
        raise DomainError(_("Leave a phone number to receive feedback."), field="citizen_phone")
    if len(citizen_name.strip()) > 64:
        raise DomainError(_("The name is longer than 64 characters."), field="citizen_name")
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most 3 photos."), field="photos")
    petition = Petition(
        region=region, station=station, channel=channel, category=category, title=title,
        description=description, citizen_name=citizen_name.strip(), citizen_phone=phone,
        wants_feedback=wants_feedback, client_token=client_token or None,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )  # fmt: skip
    petition.search_text = search.text_of(petition)  # its words, for the keyword search
    for _attempt in range(5):
        petition.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                petition.save()
            break
        except IntegrityError:
            if client_token:
                for existing in Petition.objects.filter(client_token=client_token).order_by():
                    return existing
    else:  # pragma: no cover - 32**10 codes
        raise DomainError(_("Please submit again."))
    _store_photos(petition, region, photos)
    events.record(actor=petition.created_by, target=petition, action=Action.SUBMIT, after=petition.state,
                  data={"channel": channel, "photos": len(photos)})  # fmt: skip
    notify_citizen(petition, "received")
    transaction.on_commit(lambda: topic_store.match_quietly(petition.pk))
    return petition


def _store_photos(petition: Petition, region: Region, photos) -> None:
    """Store the photos of a new issue. When one cannot be stored (a full disk), remove the
    files already written for it, a partly written one too, and refuse the issue: its
    transaction rolls back, and no issue is left without its photos nor a file without
    its issue."""
    written: list[str] = []
    try:
        for number, (data, width, height) in enumerate(photos, start=1):
            photo = PetitionPhoto(region=region, petition=petition, width=width, height=height)
            filename = f"{petition.tracking_code}-{number}.jpg"
            written.append(photo.image.field.generate_filename(photo, filename))
            photo.image.save(filename, ContentFile(data), save=False)
            written[-1] = photo.image.name
            photo.save()
    except OSError as error:
        _discard(written)
        raise DomainError(
            _(
                "The photos could not be stored just now. Send the issue without photos, or try "
                "again later."
            ),
            field="photos",
        ) from error
    except BaseException:
        _discard(written)
        raise


def _discard(names: list[str]) -> None:
    storage = PetitionPhoto._meta.get_field("image").storage
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


def petition_from_reception(
    *, actor, region_id: int, station_id: int, content: str, citizen_name: str = "",
    citizen_phone: str = "", category: str = "",
) -> Petition:  # fmt: skip
    """Create the citizen issue of a matter forwarded at a station reception (转交办理).

    The entry point of ``stations``, which links its matter to the issue returned and
    learns that the issue settled through ``hooks.ISSUE_SETTLED``. A phone number that is
    not one is left out rather than refusing the reception; no ``category`` is "other"."""
    return petition_submit(
        actor=actor, channel=Channel.RECEPTION, region_id=region_id, station_id=station_id,
        category=category or Category.OTHER, title=content.strip().splitlines()[0][:100],
        description=content, citizen_name=citizen_name,
        citizen_phone=citizen_phone if is_phone(citizen_phone) else "", wants_feedback=False,
    )  # fmt: skip
