"""State changes of the stations app. Every write goes through one of these functions."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import workflow as petitions_workflow
from portal import access, events, search
from portal.errors import DomainError
from stations import queries, roster
from stations.models import (
    CommitteeContact,
    ContactVisit,
    DutyRule,
    DutyShift,
    Household,
    Reception,
    ReceptionMatter,
    Representative,
    Station,
)
from stations.vocabulary import Action

MAX_PEOPLE = 10_000
MAX_MATTERS = 50
RECORD_WITHIN_DAYS = 366


@dataclass
class MatterInput:
    content: str
    outcome: str
    answer: str = ""
    citizen_name: str = ""
    citizen_phone: str = ""
    category: str = ""  # of the citizen issue a forwarded matter becomes; "" is "other"


def _may_record_at(actor, station: Station) -> bool:
    return queries.recording_stations(actor).filter(pk=station.pk).exists()


def _check_reception(
    station: Station, date: datetime.date, people_count: int, deputy_ids: Sequence[int],
    matters: Sequence[MatterInput], actor=None,
) -> list[Representative]:  # fmt: skip
    if not station.is_active:
        raise DomainError(_("The station is closed."), field="station")
    if date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    if date < timezone.localdate() - datetime.timedelta(days=RECORD_WITHIN_DAYS):
        raise DomainError(_("Record receptions within a year of the date."), field="date")
    if not 0 <= people_count <= MAX_PEOPLE:
        raise DomainError(_("Enter a number of people between 0 and 10000."), field="people_count")
    deputies = list(station.members.filter(pk__in=set(deputy_ids), is_active=True))
    if not deputies:
        raise DomainError(_("Choose at least one deputy of this station."), field="deputies")
    if len(deputies) != len(set(deputy_ids)):
        raise DomainError(_("Only deputies of this station can be recorded."), field="deputies")
    if (
        actor is not None
        and not access.can_by_region(actor, access.MANAGE, station)
        and not any(d.user_id == actor.pk for d in deputies)
    ):
        raise DomainError(
            _("A deputy records only receptions they took part in."), field="deputies"
        )
    if len(matters) > MAX_MATTERS:
        raise DomainError(_("At most 50 matters per reception."), field="matters")
    for number, matter in enumerate(matters, start=1):
        if not matter.content.strip():
            raise DomainError(
                _("Matter %(n)d: describe the matter.") % {"n": number}, field="matters"
            )
        if matter.outcome not in ReceptionMatter.Outcome.values:
            raise DomainError(
                _("Matter %(n)d: choose answered or forwarded.") % {"n": number}, field="matters"
            )
        if matter.outcome == ReceptionMatter.Outcome.ANSWERED and not matter.answer.strip():
            raise DomainError(
                _("Matter %(n)d: write down the answer given.") % {"n": number}, field="matters"
            )
    return deputies


def _create_matters(reception: Reception, matters: Sequence[MatterInput]) -> list[ReceptionMatter]:
    rows = [
        ReceptionMatter(
            region=reception.region,
            reception=reception,
            content=m.content.strip(),
            outcome=m.outcome,
            answer=m.answer.strip(),
            citizen_name=m.citizen_name.strip(),
            citizen_phone=m.citizen_phone.strip(),
            solved=m.outcome == ReceptionMatter.Outcome.ANSWERED,
        )
        for m in matters
    ]
    for row in rows:
        row.search_text = search.text_of(row)  # its words, for the keyword search
    return ReceptionMatter.objects.bulk_create(rows)


def _forward(actor, matter: ReceptionMatter, category: str = "") -> None:
    """Make a forwarded matter a citizen issue of the station's region (转交办理) and link
    the matter to it; the issue's workflow tells ``matter_issue_settled`` how it ended."""
    reception = matter.reception
    petition = petitions_workflow.petition_from_reception(
        actor=actor, region_id=reception.region_id, station_id=reception.station_id,
        content=matter.content, citizen_name=matter.citizen_name,
        citizen_phone=matter.citizen_phone, category=category,
    )  # fmt: skip
    matter.petition = petition
    matter.save(update_fields=["petition"])


@transaction.atomic
def reception_record(
    *, actor, station_id: int, date: datetime.date, form: str, people_count: int,
    deputy_ids: Sequence[int], summary: str = "", matters: Sequence[MatterInput] = (),
) -> Reception:  # fmt: skip
    """Log a reception at a station with the matters raised there."""
    station = access.get_object_or_404(actor, Station.objects.all(), pk=station_id)
    if not station.is_active:
        raise DomainError(_("The station is closed."), field="station")
    if not _may_record_at(actor, station):
        raise PermissionDenied(_("Only the station's deputies and its office record receptions."))
    if form not in Reception.Form.values:
        raise DomainError(_("Choose a form of reception."), field="form")
    deputies = _check_reception(station, date, people_count, deputy_ids, matters, actor)
    reception = Reception.objects.create(
        region_id=station.region_id, station=station, date=date, form=form,
        people_count=people_count, summary=summary.strip(), recorded_by=actor,
    )  # fmt: skip
    reception.deputies.set(deputies)
    created = _create_matters(reception, matters)
    forwarded = 0
    for matter, given in zip(created, matters, strict=True):
        if matter.outcome == ReceptionMatter.Outcome.FORWARDED:
            _forward(actor, matter, given.category)
            forwarded += 1
    events.record(
        actor=actor, target=reception, action=Action.RECEPTION_RECORD, after="recorded",
        data={"matters": len(created), "forwarded": forwarded, "people": people_count},
    )  # fmt: skip
    return reception


@transaction.atomic
def reception_update(
    *, actor, reception_id: int, date: datetime.date, form: str, people_count: int,
    deputy_ids: Sequence[int], summary: str = "", matters: Sequence[MatterInput] | None = None,
) -> Reception:  # fmt: skip
    """Correct a reception: its author until the office locks it, or the office itself.

    ``matters=None`` keeps the matters as they are; a list replaces those that have not
    become citizen issues, keeping the office's "solved" mark of a matter left unchanged."""
    reception = access.get_object_or_404(
        actor, Reception.objects.select_for_update(), pk=reception_id
    )
    if reception.is_locked and not access.can_by_region(actor, access.MANAGE, reception):
        access.require(actor, access.VIEW, reception)
        if reception.recorded_by_id != actor.pk:
            raise PermissionDenied(_("You do not have permission to do this."))
        raise DomainError(_("This reception has been locked by the office."))
    access.require(actor, access.MANAGE, reception)
    if form not in Reception.Form.values:
        raise DomainError(_("Choose a form of reception."), field="form")
    kept = reception.matters.filter(petition_id__isnull=False).count()
    if matters is not None and kept + len(matters) > MAX_MATTERS:
        raise DomainError(_("At most 50 matters per reception."), field="matters")
    deputies = _check_reception(
        reception.station, date, people_count, deputy_ids, matters or (), actor
    )
    reception.date, reception.form, reception.people_count = date, form, people_count
    reception.summary = summary.strip()
    reception.save(update_fields=["date", "form", "people_count", "summary"])
    reception.deputies.set(deputies)
    if matters is not None:
        # Matters that already became citizen issues stay; the others are replaced.
        replaced = reception.matters.filter(petition_id__isnull=True)
        solved_before = {(m.content, m.outcome): m.solved for m in replaced}
        replaced.delete()
        for matter, given in zip(_create_matters(reception, matters), matters, strict=True):
            key = (matter.content, matter.outcome)
            if key in solved_before and solved_before[key] != matter.solved:
                matter.solved = solved_before[key]
                matter.save(update_fields=["solved"])
            if matter.outcome == ReceptionMatter.Outcome.FORWARDED:
                _forward(actor, matter, given.category)
    events.record(
        actor=actor, target=reception, action=Action.RECEPTION_UPDATE,
        data={"matters": None if matters is None else len(matters)},
    )  # fmt: skip
    return reception


def _office_reception(actor, reception_id: int) -> Reception:
    reception = access.get_object_or_404(
        actor, Reception.objects.select_for_update(), pk=reception_id
    )
    if not access.can_by_region(actor, access.MANAGE, reception):
        raise PermissionDenied(_("Only the congress office locks and unlocks receptions."))
    return reception


@transaction.atomic
def reception_lock(*, actor, reception_id: int) -> Reception:
    """Lock a reception so that its deputies can no longer change it."""
    reception = _office_reception(actor, reception_id)
    if reception.is_locked:
        raise DomainError(_("The reception is already locked."))
    reception.locked_at, reception.locked_by = timezone.now(), actor
    reception.save(update_fields=["locked_at", "locked_by"])
    events.record(
        actor=actor,
        target=reception,
        action=Action.RECEPTION_LOCK,
        before="open",
        after="locked",
    )
    return reception


@transaction.atomic
def reception_unlock(*, actor, reception_id: int, note: str) -> Reception:
    reception = _office_reception(actor, reception_id)
    if not reception.is_locked:
        raise DomainError(_("The reception is not locked."))
    if not note.strip():
        raise DomainError(_("Say why the reception is unlocked."), field="note")
    reception.locked_at, reception.locked_by = None, None
    reception.save(update_fields=["locked_at", "locked_by"])
    events.record(
        actor=actor,
        target=reception,
        action=Action.RECEPTION_UNLOCK,
        before="locked",
        after="open",
        note=note,
    )
    return reception


@transaction.atomic
def matter_set_solved(*, actor, matter_id: int, solved: bool) -> ReceptionMatter:
    """Record that a matter raised at a reception has (or has not) been solved."""
    matter = access.get_object_or_404(
        actor, ReceptionMatter.objects.select_for_update(), pk=matter_id
    )
    if not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the congress office marks matters as solved."))
    if matter.petition_id is not None:
        raise DomainError(_("A forwarded matter is solved when its citizen issue is resolved."))
    before = matter.solved
    matter.solved = solved
    matter.save(update_fields=["solved"])
    events.record(
        actor=actor,
        target=matter,
        action=Action.MATTER_SOLVED if solved else Action.MATTER_UNSOLVED,
        before=str(before).lower(),
        after=str(solved).lower(),
    )
    return matter


@transaction.atomic
def matter_issue_settled(*, actor, issue_id: int, resolved: bool) -> ReceptionMatter | None:
    """Count the matter a citizen issue came from as solved once the issue is resolved
    (办结后计为已解决), with its audit event; an issue closed otherwise leaves it unsolved.

    Registered for ``hooks.ISSUE_SETTLED``: it runs inside the transaction that closed the
    issue, whose workflow has checked the actor; nothing here is asked of the actor."""
    matter = ReceptionMatter.objects.select_for_update().filter(petition_id=issue_id).first()
    if matter is None or not resolved or matter.solved:
        return matter
    matter.solved = True
    matter.save(update_fields=["solved"])
    events.record(
        actor=actor, target=matter, action=Action.MATTER_SOLVED, before="false", after="true",
        data={"petition": issue_id},
    )  # fmt: skip
    return matter


@transaction.atomic
def shifts_generate(
    *, actor, rule_id: int, start: datetime.date, end: datetime.date
) -> list[DutyShift]:
    """Create the shifts of a duty rule between two dates; existing slots are left alone."""
    rule = access.get_object_or_404(actor, DutyRule.objects.select_related("station"), pk=rule_id)
    access.require(actor, access.MANAGE, rule)
    if end < start:
        raise DomainError(_("The end date is before the start date."), field="end")
    if (end - start).days > 400:
        raise DomainError(_("Generate at most 400 days at a time."), field="end")
    taken = set(
        DutyShift.objects.filter(station=rule.station, date__gte=start - datetime.timedelta(days=31),
                                 start_time=rule.start_time).values_list("date", flat=True)
    )  # fmt: skip
    new = [
        DutyShift(
            region_id=rule.station.region_id,
            station=rule.station,
            date=o.date,
            start_time=rule.start_time,
            end_time=rule.end_time,
            rule=rule,
            moved_from=o.moved_from,
            needs_review=o.needs_review,
            note=rule.note,
        )  # fmt: skip
        for o in roster.occurrences(rule, start, end)
        if o.date not in taken
    ]
    created = DutyShift.objects.bulk_create(new)
    deputies = list(rule.deputies.values_list("pk", flat=True))
    through = DutyShift.deputies.through
    through.objects.bulk_create(
        [through(dutyshift_id=s.pk, representative_id=d) for s in created for d in deputies]
    )
    events.record(
        actor=actor, target=rule, action=Action.SHIFTS_GENERATE,
        data={"from": start.isoformat(), "until": end.isoformat(), "created": len(created)},
    )  # fmt: skip
    return created


@transaction.atomic
def contact_visit_record(
    *, actor, date: datetime.date, method: str, note: str = "",
    household_id: int | None = None, committee_contact_id: int | None = None,
) -> ContactVisit:  # fmt: skip
    """Record a meeting with a contact household, or of a committee member with a deputy."""
    if (household_id is None) == (committee_contact_id is None):
        raise DomainError(_("Choose either a household or a committee contact."), field="household")
    if date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    if method not in ContactVisit.Method.values:
        raise DomainError(_("Choose how the contact took place."), field="method")
    if household_id is not None:
        target = access.get_object_or_404(actor, Household.objects.all(), pk=household_id)
        access.require(actor, access.MANAGE, target)
        visit = ContactVisit(household=target)
    else:
        target = access.get_object_or_404(
            actor, CommitteeContact.objects.all(), pk=committee_contact_id
        )
        if target.member_id != actor.pk and not access.can_by_region(actor, access.MANAGE, target):
            raise PermissionDenied(
                _("Only the committee member or the office records this contact.")
            )
        visit = ContactVisit(committee_contact=target)
    visit.region_id, visit.date, visit.method = target.region_id, date, method
    visit.note, visit.recorded_by = note.strip(), actor
    visit.save()
    events.record(actor=actor, target=visit, action=Action.CONTACT_VISIT_RECORD)
    return visit
