"""Assignment (交办) and deadlines: the office assigns a suggestion to a lead unit and
co-handling units (singly or at an assignment meeting, 交办会), which starts a handling round
with its deadline; a unit that is not responsible returns it; the lead unit asks for more
time and the office leader decides."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, deadlines, states
from portal.calendar import add_working_days
from portal.dates import format_date
from portal.errors import DomainError, optional_text, required_text
from supervision.suggestions import conf
from supervision.suggestions.models import (
    DeadlineExtension,
    HandlingDeadline,
    Suggestion,
    UnitAssignment,
)
from supervision.suggestions.vocabulary import Action
from supervision.suggestions.workflow.common import (
    State,
    locked,
    locked_for_lead_unit,
    locked_for_office,
    notify,
    record_event,
    unit_assignment,
    unit_users,
    units_for,
)

MAX_BATCH = 500


def start_round(
    suggestion: Suggestion, started_on: datetime.date, started_by: str, months: int
) -> HandlingDeadline:
    suggestion.round += 1
    deadline = deadlines.suggestion_deadline(started_on, started_by, months=months)
    record = HandlingDeadline.objects.create(
        region=suggestion.region, suggestion=suggestion, round=suggestion.round,
        started_on=started_on, started_by=started_by, months=deadline.months,
        cap_months=deadline.cap_months, due_on=deadline.due_on, explanation=deadline.explain(),
    )  # fmt: skip
    suggestion.due_on = record.due_on
    return record


def _assign(actor, suggestion, lead_unit_id, co_unit_ids, lead_leader, received_on, note, **data):
    suggestion.ensure_can_move_to(State.HANDLING)
    if suggestion.state != State.ACCEPTED:
        raise DomainError(_("Only an accepted suggestion is assigned."))
    units = {unit.pk: unit for unit in units_for(suggestion)}
    lead = units.get(lead_unit_id)
    if lead is None:
        raise DomainError(
            _("Choose a lead unit of the suggestion's region or above."), field="lead_unit"
        )
    co_ids = sorted(set(co_unit_ids) - {lead_unit_id})
    if any(pk not in units for pk in co_ids):
        raise DomainError(
            _("Choose co-handling units of the suggestion's region or above."), field="co_units"
        )
    lead_leader = required_text(
        lead_leader, "lead_leader", _("Name the lead leader (牵头领导)."), 64
    )
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise DomainError(_("The date of receipt cannot be in the future."), field="received_on")
    UnitAssignment.objects.filter(suggestion=suggestion, active=True).update(active=False)
    record = start_round(
        suggestion, received_on, _("receipt of the assignment"), deadlines.SUGGESTION_MONTHS
    )
    co_due = deadlines.add_months(received_on, conf.get("CO_HANDLER_MONTHS"))
    rows = [
        UnitAssignment(
            region=suggestion.region,
            suggestion=suggestion,
            department=lead,
            role=UnitAssignment.Role.LEAD,
            received_on=received_on,
            due_on=record.due_on,
        )
    ]
    rows += [UnitAssignment(region=suggestion.region, suggestion=suggestion, department=units[pk],
                            role=UnitAssignment.Role.CO, received_on=received_on, due_on=min(co_due, record.due_on))
             for pk in co_ids]  # fmt: skip
    UnitAssignment.objects.bulk_create(rows)
    suggestion.lead_unit, suggestion.lead_leader = lead, lead_leader
    suggestion.assigned_at = timezone.now()
    states.move(
        suggestion, State.HANDLING, actor=actor, action=Action.ASSIGN, note=note,
        data={"lead_unit": lead.name, "co_units": [units[pk].name for pk in co_ids],
              "due_on": record.due_on.isoformat(), **data},
    )  # fmt: skip
    notify(
        unit_users([lead.pk, *co_ids]), "assigned",
        _("Suggestion %(label)s “%(title)s” assigned to your unit, due %(due)s")
        % {"label": suggestion.label, "title": suggestion.title, "due": format_date(record.due_on)},
        suggestion, record.explanation,
    )  # fmt: skip


@transaction.atomic
def suggestion_assign(
    *, actor, suggestion_id: int, lead_unit_id: int, co_unit_ids: Sequence[int] = (),
    lead_leader: str, received_on: datetime.date | None = None, note: str = "",
) -> Suggestion:  # fmt: skip
    """Assign (交办) to a lead unit and co-handling units with a lead leader; the unit has 3
    calendar months from its receipt (``received_on``, default today) to reply."""
    suggestion = locked_for_office(actor, suggestion_id)
    _assign(actor, suggestion, lead_unit_id, co_unit_ids, lead_leader, received_on,
            optional_text(note, "note"))  # fmt: skip
    return suggestion


@transaction.atomic
def suggestions_assign_batch(
    *, actor, rows: Sequence[dict], received_on: datetime.date | None = None, meeting: str = ""
) -> int:
    """Assign many suggestions at an assignment meeting (交办会): all or nothing. Each row
    holds ``suggestion_id``, ``lead_unit_id``, ``lead_leader`` and optionally
    ``co_unit_ids``. A refused row names the suggestion and stores nothing at all."""
    if not rows:
        raise DomainError(_("Choose the suggestions to assign."), field="suggestions")
    if len(rows) > MAX_BATCH:
        raise DomainError(_("At most 500 suggestions at a time."), field="suggestions")
    meeting = optional_text(meeting, "meeting", 200)
    for row in sorted(rows, key=lambda r: r["suggestion_id"]):
        suggestion = locked_for_office(actor, row["suggestion_id"])
        try:
            _assign(actor, suggestion, row["lead_unit_id"], row.get("co_unit_ids", ()),
                    row.get("lead_leader", ""), received_on, meeting, meeting=meeting)  # fmt: skip
        except DomainError as error:
            raise DomainError(
                _("%(label)s: %(error)s") % {"label": suggestion, "error": error.message},
                field=error.field,
            ) from error
    return len(rows)


def return_deadline(assignment: UnitAssignment) -> datetime.date:
    """Return the last day a unit may return a suggestion as not its responsibility."""
    return add_working_days(assignment.received_on, conf.get("RETURN_WORKING_DAYS"))[0]


@transaction.atomic
def suggestion_return_misassigned(*, actor, suggestion_id: int, reason: str) -> Suggestion:
    """A unit that is not responsible returns the suggestion within N working days of
    receipt, with a reason. The lead unit's return sends it back to the office to assign
    again; a co-handling unit's return only takes that unit off."""
    suggestion = locked(actor, suggestion_id)
    assignment = unit_assignment(actor, suggestion)
    if assignment is None:
        raise PermissionDenied(_("Only the handling unit of the suggestion does this."))
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Only a suggestion being handled can be returned."))
    reason = required_text(reason, "reason", _("Say why the unit is not responsible."))
    last_day = return_deadline(assignment)
    if timezone.localdate() > last_day:
        raise DomainError(
            _("A unit returns a misassigned suggestion within %(n)d working days of receipt "
              "(by %(date)s); ask the congress office instead.")
            % {"n": conf.get("RETURN_WORKING_DAYS"), "date": format_date(last_day)}
        )  # fmt: skip
    assignment.active, assignment.returned_at, assignment.return_reason = (
        False,
        timezone.now(),
        reason,
    )
    assignment.save(update_fields=["active", "returned_at", "return_reason"])
    if assignment.role == UnitAssignment.Role.CO:
        record_event(actor, suggestion, Action.CO_RETURN, reason, unit=assignment.department.name)
        return suggestion
    UnitAssignment.objects.filter(suggestion=suggestion, active=True).update(active=False)
    suggestion.lead_unit, suggestion.due_on = None, None
    states.move(
        suggestion, State.ACCEPTED, actor=actor, action=Action.RETURN_MISASSIGNED, note=reason,
        data={"unit": assignment.department.name},
    )  # fmt: skip
    return suggestion


def current_deadline(suggestion: Suggestion) -> HandlingDeadline | None:
    return HandlingDeadline.objects.filter(suggestion=suggestion, round=suggestion.round).first()


@transaction.atomic
def suggestion_request_extension(
    *, actor, suggestion_id: int, months: int, reason: str
) -> DeadlineExtension:
    """The lead unit asks for more time, with a reason; at most 6 months in all."""
    suggestion, _assignment = locked_for_lead_unit(actor, suggestion_id)
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Only a suggestion being handled gets more time."))
    record = current_deadline(suggestion)
    if record.extensions.filter(state=DeadlineExtension.State.REQUESTED).exists():
        raise DomainError(_("An extension is already waiting for approval."))
    reason = required_text(reason, "reason", _("Give the reason for the extension."))
    record.as_deadline().check_extension(months, reason)
    extension = DeadlineExtension.objects.create(
        region=suggestion.region, deadline=record, months=months, reason=reason, requested_by=actor
    )
    record_event(actor, suggestion, Action.REQUEST_EXTENSION, reason, months=months)
    return extension


@transaction.atomic
def suggestion_decide_extension(
    *, actor, suggestion_id: int, approve: bool, note: str = ""
) -> Suggestion:
    """The office leader approves or refuses the open extension request; an approval past
    the 6-month cap is refused."""
    suggestion = locked_for_office(actor, suggestion_id, access.APPROVE)
    record = current_deadline(suggestion)
    extension = (
        record.extensions.select_for_update().filter(state=DeadlineExtension.State.REQUESTED).first()
        if record else None
    )  # fmt: skip
    if extension is None or suggestion.state != State.HANDLING:
        raise DomainError(_("No extension is waiting for approval."))
    note = optional_text(note, "note")
    extension.decided_by, extension.decided_at, extension.decision_note = (
        actor,
        timezone.now(),
        note,
    )
    if not approve:
        extension.state = DeadlineExtension.State.REFUSED
        extension.save()
        record_event(actor, suggestion, Action.REFUSE_EXTENSION, note, months=extension.months)
        return suggestion
    approved = list(
        record.extensions.filter(state=DeadlineExtension.State.APPROVED).select_related(
            "decided_by"
        )
    )
    extension.state = DeadlineExtension.State.APPROVED
    deadline = record.as_deadline(approved).extend(
        extension.months, reason=extension.reason, approved_by=actor.display_name,
        approved_on=timezone.localdate(),
    )  # fmt: skip
    extension.save()
    record.due_on, record.explanation = deadline.due_on, deadline.explain()
    record.save(update_fields=["due_on", "explanation"])
    suggestion.due_on = deadline.due_on
    suggestion.save(update_fields=["due_on"])
    UnitAssignment.objects.filter(
        suggestion=suggestion, active=True, role=UnitAssignment.Role.LEAD
    ).update(due_on=deadline.due_on)
    record_event(actor, suggestion, Action.APPROVE_EXTENSION, note, months=extension.months,
                 due_on=deadline.due_on.isoformat())  # fmt: skip
    notify(unit_users([suggestion.lead_unit_id]), "extended",
            _("Extension approved: suggestion %(label)s is due %(due)s") % {"label": suggestion.label, "due": format_date(deadline.due_on)},
            suggestion, deadline.explain())  # fmt: skip
    return suggestion
