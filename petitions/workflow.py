"""State changes of citizen issues. Each function checks the actor through ``access``,
locks the row, checks ``Petition.TRANSITIONS``, changes it, writes the audit event and
queues the citizen's notification after commit — all in one transaction."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions.models import (
    Category,
    Channel,
    Petition,
    PetitionPhoto,
    PetitionRating,
    PetitionReply,
    Rating,
    ReplyDeadline,
)
from portal import access, events, hooks
from portal.calendar import add_working_days
from portal.errors import DomainError, required_text
from portal.models import Department, Region
from portal.phones import PHONE_RE, is_phone, normalize_phone

log = logging.getLogger(__name__)
State = Petition.State
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out on the phone
DEFAULT_REPLY_DAYS = 15
STAFF_CHANNELS = {Channel.HOTLINE, Channel.LETTER, Channel.VISIT, Channel.ONLINE_STATION}
MAX_PHOTOS = 3


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _unused in range(10))


def _notify(petition: Petition, kind: str) -> None:
    """Write the citizen's text message as a notification row in this transaction; it is
    delivered after commit, or by the delivery sweep when the broker was down."""
    from petitions.tasks import status_text
    from portal.notifications import notify_citizen

    if petition.citizen_phone:
        notify_citizen(
            phone=petition.citizen_phone, text=status_text(petition, kind), target=petition
        )


def _move(actor, petition: Petition, to: str, action: str, note: str = "", **data) -> None:
    petition.ensure_can_move_to(to)
    before = petition.state
    petition.state = to
    if to in Petition.CLOSED_STATES:
        petition.closed_at = timezone.now()
    petition.save()
    events.record(
        actor=actor, target=petition, action=action, before=before, after=to, note=note, data=data
    )
    if to in Petition.CLOSED_STATES:
        _announce_settled(actor, petition)


def _announce_settled(actor, petition: Petition) -> None:
    """Tell the apps that registered for it (a reception's matter in ``stations``) that the
    issue is closed and whether it was resolved, inside this transaction."""
    hooks.emit(
        hooks.ISSUE_SETTLED,
        actor=actor,
        issue_id=petition.pk,
        resolved=petition.state == State.RESOLVED,
    )


def _staff_petition(actor, petition_id: int, *, for_matter: bool = False) -> Petition:
    """Lock and return an issue the actor's office handles (region grant with manage). An
    issue that follows a supervision matter is refused here to every caller but the
    matter's own functions (``for_matter``): it moves only with its matter."""
    petition = access.get_object_or_404(actor, Petition.objects.select_for_update(), pk=petition_id)
    if not access.can_by_region(actor, access.MANAGE, petition):
        raise PermissionDenied(_("Only the congress office of the region does this."))
    if not for_matter:
        _follows_matter(petition)
    return petition


# --- intake ---------------------------------------------------------------------------


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
    for number, (data, width, height) in enumerate(photos, start=1):
        photo = PetitionPhoto(region=region, petition=petition, width=width, height=height)
        photo.image.save(f"{petition.tracking_code}-{number}.jpg", ContentFile(data), save=False)
        photo.save()
    events.record(actor=petition.created_by, target=petition, action="petition_submit", after=petition.state,
                  data={"channel": channel, "photos": len(photos)})  # fmt: skip
    _notify(petition, "received")
    return petition


def petition_from_reception(
    *, actor, region_id: int, station_id: int, content: str, citizen_name: str = "",
    citizen_phone: str = "",
) -> Petition:  # fmt: skip
    """Create the citizen issue of a matter forwarded at a station reception (转交办理).

    The entry point of ``stations``, which links its matter to the issue returned and
    learns that the issue settled through ``hooks.ISSUE_SETTLED``. A phone number that is
    not one is left out rather than refusing the reception."""
    return petition_submit(
        actor=actor, channel=Channel.RECEPTION, region_id=region_id, station_id=station_id,
        category=Category.OTHER, title=content.strip().splitlines()[0][:100],
        description=content, citizen_name=citizen_name,
        citizen_phone=citizen_phone if is_phone(citizen_phone) else "", wants_feedback=False,
    )  # fmt: skip


# --- screening ------------------------------------------------------------------------


@transaction.atomic
def petition_accept(*, actor, petition_id: int, note: str = "") -> Petition:
    petition = _staff_petition(actor, petition_id)
    _move(actor, petition, State.ACCEPTED, "petition_accept", note)
    return petition


@transaction.atomic
def petition_reject(*, actor, petition_id: int, reason: str) -> Petition:
    """Do not accept the issue, with a reason the citizen sees."""
    petition = _staff_petition(actor, petition_id)
    petition.public_reason = required_text(
        reason, "reason", _("Give the reason the citizen will see.")
    )
    _move(actor, petition, State.REJECTED, "petition_reject", petition.public_reason)
    _notify(petition, "closed")
    return petition


@transaction.atomic
def petition_mark_duplicate(*, actor, petition_id: int, original_id: int) -> Petition:
    petition = _staff_petition(actor, petition_id)
    if original_id == petition.pk:
        raise DomainError(_("An issue cannot duplicate itself."), field="original")
    original = access.visible(actor, Petition.objects.all()).filter(pk=original_id).first()
    if original is None:
        raise DomainError(_("No such issue."), field="original")
    original = original.duplicate_of or original
    petition.duplicate_of = original
    # The original's code is not shown: without a phone, the code alone opens that issue.
    petition.public_reason = _(
        "The same problem has already been raised and is handled together with the earlier issue."
    )
    _move(actor, petition, State.DUPLICATE, "petition_duplicate", original=original.pk)
    _notify(petition, "closed")
    return petition


@transaction.atomic
def petition_answer(*, actor, petition_id: int, text: str) -> Petition:
    """Answer the citizen directly from the congress office (no handling unit needed)."""
    petition = _staff_petition(actor, petition_id)
    text = required_text(text, "text", _("Write the answer."))
    petition.ensure_can_move_to(State.REPLIED)
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round,
        kind=PetitionReply.Kind.DIRECT_ANSWER, text=text, author=actor,
    )  # fmt: skip
    _move(actor, petition, State.REPLIED, "petition_answer")
    _notify(petition, "replied")
    return petition


@transaction.atomic
def petition_escalate(*, actor, petition_id: int, note: str = "") -> Petition:
    """Put the issue on the supervision list (督事); the supervision app takes it from here."""
    petition = _staff_petition(actor, petition_id)
    _move(actor, petition, State.ESCALATED, "petition_escalate", note)
    return petition


def _follows_matter(petition: Petition) -> None:
    """An issue linked to a supervision matter moves only with its matter."""
    if petition.state == State.ESCALATED and hasattr(petition, "matter_link"):
        raise DomainError(
            _("This issue follows its supervision matter; act on the matter instead.")
        )


def petition_put_on_matter(*, actor, petition_id: int, note: str = "") -> Petition:
    """Bring an issue onto the supervision list for a matter being made from it: accept it if
    it waits for screening, escalate it if accepted. Called by ``supervision.workflow``
    inside its transaction; the office's right over the issue is checked here."""
    petition = _staff_petition(actor, petition_id, for_matter=True)
    if hasattr(petition, "matter_link"):
        raise DomainError(
            _("Issue %(code)s is already linked to a supervision matter.")
            % {"code": petition.tracking_code},
            field="petitions",
        )
    if petition.state == State.SUBMITTED:
        _move(actor, petition, State.ACCEPTED, "petition_accept", note)
    if petition.state == State.ACCEPTED:
        _move(actor, petition, State.ESCALATED, "petition_escalate", note)
    if petition.state != State.ESCALATED:
        raise DomainError(
            _("Issue %(code)s is “%(state)s” and cannot be put on the supervision list.")
            % {"code": petition.tracking_code, "state": petition.get_state_display()},
            field="petitions",
        )
    return petition


SETTLEMENTS = ("resolved", "returned", "explained")


def petition_settle_by_matter(*, actor, petition_id: int, matter_id: int, outcome: str,
                              text: str) -> Petition:  # fmt: skip
    """Move an issue out of supervision with its matter: ``resolved`` (the group was
    satisfied: the result is the reply and the issue closes), ``returned`` (ordinary
    handling: back to screening) or ``explained`` (the explanation is the answer and the
    citizen rates it). Called only by ``supervision.workflow``, which has checked the
    actor's right over the matter; the link to that matter is checked here."""
    if outcome not in SETTLEMENTS:
        raise DomainError(_("Unknown outcome."), field="outcome")
    petition = Petition.objects.select_for_update().get(pk=petition_id)
    if not hasattr(petition, "matter_link") or petition.matter_link.matter_id != matter_id:
        raise DomainError(_("The issue is not linked to this matter."))
    if petition.state != State.ESCALATED:  # only the matter moves it: this is a bug
        raise DomainError(
            _("Issue %(code)s is no longer on the supervision list.")
            % {"code": petition.tracking_code}
        )
    data = {"matter": matter_id}
    if outcome == "returned":
        _move(actor, petition, State.ACCEPTED, "petition_return", text, **data)
        return petition
    kind = (
        PetitionReply.Kind.SUPERVISION
        if outcome == "resolved"
        else PetitionReply.Kind.DIRECT_ANSWER
    )
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round, kind=kind, text=text,
        author=actor,
    )  # fmt: skip
    if outcome == "resolved":
        _move(actor, petition, State.RESOLVED, "petition_close", text, **data)
        _notify(petition, "closed")
    else:
        _move(actor, petition, State.REPLIED, "petition_answer", text, **data)
        _notify(petition, "replied")
    return petition


# --- routing and handling -------------------------------------------------------------


def reply_working_days(region: Region) -> int:
    """Return the reply deadline of the nearest region up the tree that sets one."""
    setting = (
        ReplyDeadline.objects.filter(region__path__in=region.ancestor_paths)
        .order_by("-region__level")
        .first()
    )
    return setting.working_days if setting else DEFAULT_REPLY_DAYS


def units_for(petition: Petition):
    """Return the active handling units that may take the issue: those of its region and of
    every region above it (a county matter goes up to a county department)."""
    return Department.units_for(petition.region)


@transaction.atomic
def petition_forward(*, actor, petition_id: int, department_id: int, note: str = "") -> Petition:
    """Assign the issue to a handling unit of its region or a region above, with a deadline."""
    petition = _staff_petition(actor, petition_id)
    department = units_for(petition).filter(pk=department_id).first()
    if department is None:
        raise DomainError(
            _("Choose a handling unit of the issue's region or above."), field="department"
        )
    petition.ensure_can_move_to(State.FORWARDED)
    if petition.state == State.REPLIED:  # handled again by another unit: a new round
        petition.round += 1
    previous = petition.department
    petition.department = department
    petition.due_on, known = add_working_days(
        timezone.localdate(), reply_working_days(petition.region)
    )
    _move(actor, petition, State.FORWARDED, "petition_forward", note,
          department=department.name, previous=previous.name if previous else "", due_known=known)  # fmt: skip
    _tell_unit(petition)
    return petition


def _tell_unit(petition: Petition) -> None:
    """Tell the handlers of the unit an issue has been forwarded to (inbox, then channels)."""
    from django.urls import reverse

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


def _assigned_unit_petition(actor, petition_id: int) -> Petition:
    """Lock and return an issue assigned to the actor's own handling unit."""
    petition = access.get_object_or_404(actor, Petition.objects.select_for_update(), pk=petition_id)
    access.require(actor, access.MANAGE, petition)
    if not actor.department_id or actor.department_id != petition.department_id:
        raise PermissionDenied(_("Only the handling unit the issue is assigned to does this."))
    return petition


@transaction.atomic
def petition_reply(*, actor, petition_id: int, text: str) -> Petition:
    """The handling unit replies to the citizen."""
    petition = _assigned_unit_petition(actor, petition_id)
    text = required_text(text, "text", _("Write the reply."))
    petition.ensure_can_move_to(State.REPLIED)
    if petition.state != State.FORWARDED:
        raise DomainError(_("Only an issue being handled can be replied to."))
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round, kind=PetitionReply.Kind.REPLY,
        department=petition.department, text=text, author=actor,
    )  # fmt: skip
    _move(actor, petition, State.REPLIED, "petition_reply")
    _notify(petition, "replied")
    return petition


@transaction.atomic
def petition_hand_back(*, actor, petition_id: int, reason: str) -> Petition:
    """The handling unit is not responsible and returns the issue to the office, with a reason."""
    petition = _assigned_unit_petition(actor, petition_id)
    reason = required_text(reason, "reason", _("Say why the unit is not responsible."))
    if petition.state != State.FORWARDED:
        raise DomainError(_("Only an issue being handled can be handed back."))
    PetitionReply.objects.create(
        region=petition.region, petition=petition, round=petition.round, kind=PetitionReply.Kind.HAND_BACK,
        department=petition.department, text=reason, author=actor,
    )  # fmt: skip
    department = petition.department
    petition.department, petition.due_on = None, None
    _move(actor, petition, State.ACCEPTED, "petition_hand_back", reason, department=department.name)
    return petition


# --- rating, closure, publication ------------------------------------------------------


@transaction.atomic
def petition_rate(*, petition_id: int, rating: str, comment: str = "", actor=None) -> Petition:
    """Record the citizen's rating of the latest reply: online (``actor=None``, the caller
    has checked the tracking code and phone) or by a staff call-back (回访)."""
    if actor is not None:
        petition = _staff_petition(actor, petition_id)
    else:
        petition = Petition.objects.select_for_update().filter(pk=petition_id).first()
        if petition is None:
            raise DomainError(_("No such issue."))
    if rating not in Rating.values:
        raise DomainError(
            _("Choose satisfied, basically satisfied or unsatisfied."), field="rating"
        )
    if petition.state != State.REPLIED:
        raise DomainError(_("Only a replied issue can be rated."))
    comment = (comment or "").strip()
    if rating == Rating.UNSATISFIED and not comment:
        raise DomainError(_("Tell us what is still wrong."), field="comment")
    if len(comment) > 2000:
        raise DomainError(_("The comment is longer than 2000 characters."), field="comment")
    PetitionRating.objects.create(
        region=petition.region, petition=petition, round=petition.round, rating=rating, comment=comment,
        via=PetitionRating.Via.CALLBACK if actor else PetitionRating.Via.CITIZEN, recorded_by=actor,
    )  # fmt: skip
    if rating != Rating.UNSATISFIED:
        _move(actor, petition, State.RESOLVED, "petition_rate", comment, rating=rating)
        return petition
    petition.round += 1
    if petition.department is not None:
        petition.due_on, _known = add_working_days(
            timezone.localdate(), reply_working_days(petition.region)
        )
        _move(actor, petition, State.FORWARDED, "petition_reopen", comment, rating=rating)
    else:  # answered by the office itself: back to the office
        _move(actor, petition, State.ACCEPTED, "petition_reopen", comment, rating=rating)
    return petition


@transaction.atomic
def petition_close(*, actor, petition_id: int, resolved: bool, reason: str = "") -> Petition:
    """Close a replied or supervised issue: resolved, or without resolution with a reason."""
    petition = _staff_petition(actor, petition_id)
    if resolved:
        _move(actor, petition, State.RESOLVED, "petition_close", reason)
    else:
        petition.public_reason = required_text(
            reason, "reason", _("Give the reason the citizen will see.")
        )
        _move(actor, petition, State.CLOSED_UNRESOLVED, "petition_close", reason)
    _notify(petition, "closed")
    return petition


@transaction.atomic
def petition_publish(*, actor, petition_id: int, title: str, summary: str) -> Petition:
    """Publish a closed issue on the public results page, in words without the citizen."""
    petition = _staff_petition(actor, petition_id)
    if petition.state != State.RESOLVED:
        raise DomainError(_("Only a resolved issue can be published."))
    petition.published_title = required_text(title, "title", _("Give the published title."))[:100]
    petition.published_summary = required_text(
        summary, "summary", _("Describe the outcome to publish.")
    )
    petition.published = True
    petition.save(update_fields=["published", "published_title", "published_summary"])
    events.record(actor=actor, target=petition, action="petition_publish")
    return petition


GROUP_ACTIONS = ("accept", "escalate")
MAX_GROUP = 500


@transaction.atomic
def petitions_group_act(*, actor, petition_ids: Sequence[int], action: str, note: str = "") -> int:
    """Act at once on a group of issues that raise the same problem (集中反映): accept them
    all, or accept and put them all on the supervision list. All or nothing; issues already
    past that step are left as they are. Return how many issues moved."""
    if action not in GROUP_ACTIONS:
        raise DomainError(_("Unknown group action."), field="action")
    ids = sorted(set(petition_ids))
    if not ids:
        raise DomainError(_("Choose the issues of the group."), field="petitions")
    if len(ids) > MAX_GROUP:
        raise DomainError(_("At most 500 issues at a time."), field="petitions")
    moved = 0
    for pk in ids:
        petition = _staff_petition(actor, pk)
        before = petition.state
        data = {"group": len(ids)}
        if petition.state == State.SUBMITTED:
            _move(actor, petition, State.ACCEPTED, "petition_accept", note, **data)
        if action == "escalate" and petition.state == State.ACCEPTED:
            _move(actor, petition, State.ESCALATED, "petition_escalate", note, **data)
        moved += petition.state != before
    return moved
