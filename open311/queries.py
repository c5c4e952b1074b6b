"""What an Open311 caller reads: the requests it may see, their items, the updates feed.

Who sees what:

- without a key, only published outcomes (``Petition.published``, what the public results
  page shows): the published title as the description, the published outcome as the
  status notes, the place down to the village; never the citizen's words, name or phone;
- a city or hotline system's key: every issue of its jurisdiction (the client's region and
  the regions below it, through ``access.subtree_q``) with the citizen's description, the
  latest reply and the location as it was sent; never the citizen's name or phone;
- a handling unit's key: the issues its service account sees through ``access.visible``
  (those assigned to the unit), in the same detail.

A key never reads outside its scope: another county's issue is simply not found (404).
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from open311 import statuses
from open311.models import ApiClient, SubmittedRequest
from open311.render import Open311Error
from petitions.models import Category, Petition, PetitionReply
from petitions.vocabulary import CLOSE_OUTCOMES
from petitions.vocabulary import Action as PetitionAction
from portal import access, vocabulary
from portal.models import Event, Region
from portal.regions import SIGNIFICANT_DIGITS

State = Petition.State
REASON_STATES = {State.REJECTED, State.DUPLICATE, State.CLOSED_UNRESOLVED}
CITIZEN_REPLY_KINDS = (
    PetitionReply.Kind.REPLY,
    PetitionReply.Kind.DIRECT_ANSWER,
    PetitionReply.Kind.SUPERVISION,
)
# Audit events whose update carries the reply the citizen read.
REPLY_ACTIONS = {PetitionAction.REPLY, PetitionAction.ANSWER}
# Audit events whose update carries the event's note: the reason the citizen or the office
# reads (not accepted, closed without resolution) or the unit's own reason (hand-back).
NOTE_ACTIONS = {PetitionAction.REJECT, PetitionAction.HAND_BACK}
MAX_UPDATES = 1000


def w3c(moment: datetime.datetime | None) -> str | None:
    """Return a W3C date-time in the portal's time zone, with its offset."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def jurisdiction_id(region: Region) -> str:
    """Return the short division code that names ``region`` (330225 for 象山县)."""
    return region.code[: SIGNIFICANT_DIGITS.get(region.level, len(region.code))]


def within(root: Region) -> QuerySet[Region]:
    return Region.objects.filter(path__startswith=root.path)


def requests_for(client: ApiClient | None, root: Region | None) -> QuerySet[Petition]:
    """Return the issues a caller sees (``client`` None: anonymous), under ``root``."""
    queryset = Petition.objects.select_related("region", "department")
    if client is None:
        queryset = queryset.filter(published=True)
    elif client.department_id:
        queryset = access.visible(client.account, queryset)
    else:
        queryset = queryset.filter(access.subtree_q((client.region.path,), "region"))
    if root is not None:
        queryset = queryset.filter(access.subtree_q((root.path,), "region"))
    return queryset


def request_for(client: ApiClient | None, root: Region | None, pk: int) -> Petition:
    """Return the issue ``pk`` the caller sees, or answer 404."""
    petition = requests_for(client, root).filter(pk=pk).first()
    if petition is None:
        raise Open311Error(404, _("No such service request."))
    return petition


def _place_names(petitions) -> dict[str, str]:
    """Return the name of every region above (and at) the issues' regions, by path."""
    paths = set()
    for petition in petitions:
        paths.update(Region.ancestor_paths_of(petition.region.path))
    rows = Region.objects.filter(path__in=paths).values_list("path", "name")
    return dict(rows)


def address_of(region: Region, names: dict[str, str]) -> str:
    """Return the place as Chinese addresses write it, from the city down (宁波市象山县石浦镇)."""
    return "".join(names.get(path, "") for path in Region.ancestor_paths_of(region.path))


def _last_changes(ids: list[int]) -> dict[int, datetime.datetime]:
    petition_type = ContentType.objects.get_for_model(Petition)
    rows = (
        Event.objects.filter(target_type=petition_type, target_id__in=ids)
        .values("target_id")
        .annotate(last=Max("created_at"))
        .order_by()
    )
    return {row["target_id"]: row["last"] for row in rows}


def _latest_replies(ids: list[int]) -> dict[int, str]:
    rows = (
        PetitionReply.objects.filter(petition_id__in=ids, kind__in=CITIZEN_REPLY_KINDS)
        .order_by("petition_id", "id")
        .values_list("petition_id", "text")
    )
    return dict(rows)  # the last of each issue wins


def _expected(petition: Petition) -> str | None:
    if petition.state != State.FORWARDED or petition.due_on is None:
        return None
    end = datetime.datetime.combine(petition.due_on, datetime.time(23, 59, 59))
    return w3c(timezone.make_aware(end))


def _status_notes(petition: Petition, reply: str | None) -> str:
    if petition.state in REASON_STATES and petition.public_reason:
        return petition.public_reason
    if reply and petition.state in (State.REPLIED, State.RESOLVED):
        return reply
    return petition.get_state_display()


def full_text_ids(client: ApiClient | None, ids) -> set[int]:
    """The issues whose citizen's words (description, replies) ``client`` may read: those it
    submitted itself, or, for a unit's key, those given to the unit (the only ones it sees).
    Other issues of its jurisdiction came from citizens who wrote to the congress office,
    not to the client: it reads their category, place, state and published outcome only."""
    if client is None:
        return set()
    if client.department_id:
        return set(ids)
    own = SubmittedRequest.objects.filter(client=client, petition_id__in=list(ids))
    return set(own.values_list("petition_id", flat=True))


def request_rows(
    petitions, *, keyed: bool, extensions: bool = False, client: ApiClient | None = None
) -> list[dict]:
    """Return the spec's items of ``petitions`` (a fixed number of queries for any page)."""
    petitions = list(petitions)
    ids = [petition.pk for petition in petitions]
    readable = full_text_ids(client, ids)
    names = _place_names(petitions)
    changed = _last_changes(ids)
    replies = _latest_replies(ids) if keyed else {}
    sent = {}
    if keyed:
        sent = {
            row.petition_id: row for row in SubmittedRequest.objects.filter(petition_id__in=ids)
        }
    rows = []
    for petition in petitions:
        extra = sent.get(petition.pk)
        updated = petition.closed_at if petition.is_closed and petition.closed_at else None
        updated = updated or changed.get(petition.pk) or petition.submitted_at
        row = {
            "service_request_id": str(petition.pk),
            "status": statuses.basic(petition.state),
            "status_notes": _status_notes(petition, replies.get(petition.pk)),
            "service_name": str(Category(petition.category).label),
            "service_code": petition.category,
            "description": petition.description,
            "agency_responsible": petition.department.name if petition.department else None,
            "service_notice": None,
            "requested_datetime": w3c(petition.submitted_at),
            "updated_datetime": w3c(updated),
            "expected_datetime": _expected(petition),
            "address": (extra.address_string if extra and extra.address_string else None)
            or address_of(petition.region, names),
            "address_id": extra.address_id if extra and extra.address_id else None,
            "zipcode": None,
            "lat": extra.lat if extra else None,
            "long": extra.long if extra else None,
            "media_url": None,
        }
        if not keyed:  # a published outcome, in the words published
            row["description"] = petition.published_title
            row["status_notes"] = petition.published_summary
        elif petition.pk not in readable:  # another channel's issue: no citizen's words
            row["description"] = petition.published_title or row["service_name"]
            row["status_notes"] = petition.published_summary or _status_notes(petition, None)
            row["address"] = address_of(petition.region, names)
            row["lat"] = row["long"] = row["address_id"] = None
        if extensions:
            row["extended_attributes"] = {
                "status": statuses.extended(petition.state),
                "portal_state": petition.state,
                "title": petition.title if petition.pk in readable else petition.published_title,
                "jurisdiction_id": jurisdiction_id(petition.region),
            }
        rows.append(row)
    return rows


def updates_for(client: ApiClient, root: Region, start, end) -> list[dict]:
    """Return the state changes of the issues ``client`` sees under ``root`` between
    ``start`` and ``end``, oldest first, at most ``MAX_UPDATES`` (a client that gets that
    many asks again from the last ``updated_datetime``, dropping ids it has)."""
    petition_type = ContentType.objects.get_for_model(Petition)
    # An issue's events carry its region: the jurisdiction is one filter on the events.
    found = Event.objects.filter(
        access.subtree_q((root.path,), "region"),
        target_type=petition_type, created_at__gte=start, created_at__lte=end,
    ).exclude(to_state="")  # fmt: skip
    if client.department_id:  # a unit: only the issues its service account sees
        found = found.filter(target_id__in=requests_for(client, root).values("pk"))
    events = list(
        found.order_by("created_at", "id").only(
            "id", "target_id", "action", "to_state", "note", "data", "created_at"
        )[:MAX_UPDATES]
    )
    ids = sorted({event.target_id for event in events})
    readable = full_text_ids(client, ids)
    reasons = dict(Petition.objects.filter(pk__in=ids).values_list("pk", "public_reason"))
    replies: dict[int, list] = {}
    for reply in PetitionReply.objects.filter(petition_id__in=ids, kind__in=CITIZEN_REPLY_KINDS):
        replies.setdefault(reply.petition_id, []).append(reply)
    return [
        {
            "update_id": str(event.pk),
            "service_request_id": str(event.target_id),
            "status": statuses.extended(event.to_state),
            "updated_datetime": w3c(event.created_at),
            "description": _update_text(event, replies.get(event.target_id, []), reasons)
            if event.target_id in readable
            else vocabulary.action_label(event.action),
            "media_url": None,
        }
        for event in events
    ]


def _reply_before(event: Event, replies: list) -> str | None:
    """Return the text of the reply written with ``event`` (the latest one before it)."""
    found = [reply for reply in replies if reply.created_at <= event.created_at]
    return max(found, key=lambda reply: reply.pk).text if found else None


def _update_text(event: Event, replies: list, reasons: dict[int, str]) -> str:
    label = vocabulary.action_label(event.action)
    data = event.data if isinstance(event.data, dict) else {}
    if event.action in REPLY_ACTIONS or (event.action == PetitionAction.CLOSE and "matter" in data):
        return _reply_before(event, replies) or label
    if event.action in NOTE_ACTIONS and event.note:
        return _("%(action)s: %(detail)s") % {"action": label, "detail": event.note}
    if event.action == PetitionAction.FORWARD and data.get("department"):
        return _("%(action)s: %(detail)s") % {"action": label, "detail": data["department"]}
    if event.action == PetitionAction.DUPLICATE and reasons.get(event.target_id):
        return reasons[event.target_id]
    if event.action == PetitionAction.CLOSE:
        outcome = str(CLOSE_OUTCOMES.get(event.to_state, label))
        if event.to_state == State.CLOSED_UNRESOLVED and event.note:
            return _("%(action)s: %(detail)s") % {"action": outcome, "detail": event.note}
        return outcome
    return label
