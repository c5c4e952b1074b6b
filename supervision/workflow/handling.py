"""Time-limited handling (限时办理): the department and the deadline of round 1, the work
the group and the department log, and the department's report that the round is done."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import events, states
from portal.errors import DomainError, required_text
from supervision.models import GroupMember, Matter, Round, WorkLog
from supervision.vocabulary import Action
from supervision.workflow.common import (
    check_due,
    current_round,
    member_matter,
    members,
    notify,
    office_matter,
    parse_date,
    unit_matter,
    unit_users,
    units_for,
)

State = Matter.State


@transaction.atomic
def matter_start(*, actor, matter_id: int, department_id: int, due_on) -> Matter:
    """Hand the matter to the responsible department with a deadline: round 1 begins."""
    matter = office_matter(actor, matter_id)
    if matter.state != State.ORGANIZING:  # EVALUATING → HANDLING is a new round, not a start
        raise DomainError(
            _("A matter that is “%(state)s” cannot start handling.")
            % {"state": matter.get_state_display()}
        )
    department = units_for(matter.region).filter(pk=department_id).first()
    if department is None:
        raise DomainError(
            _("Choose a department of the matter's region or above."), field="department"
        )
    due_on = check_due(due_on)
    if not GroupMember.objects.filter(
        group__matter=matter, role=GroupMember.Role.LEADER, left_at__isnull=True
    ).exists():
        raise DomainError(_("The group needs a leader before handling starts."))
    Round.objects.create(
        region=matter.region, matter=matter, number=1, department=department, due_on=due_on
    )
    states.move(
        matter, State.HANDLING, actor=actor, action=Action.START,
        changes={"department": department, "due_on": due_on, "round": 1},
        data={"department": department.name, "due_on": due_on.isoformat(), "round": 1},
    )  # fmt: skip
    subject = _("Supervision matter “%(title)s”: handle it by %(due)s") % {
        "title": matter.title,
        "due": due_on.isoformat(),
    }
    notify(unit_users(department), "supervision.assigned", subject, matter)
    notify(members(matter), "supervision.started", subject, matter)
    return matter


@transaction.atomic
def matter_log(*, actor, matter_id: int, kind: str, happened_on, text: str,
               photo: tuple[bytes, int, int] | None = None) -> WorkLog:  # fmt: skip
    """Record a piece of work: the group's site visits, meetings and notes, or the
    department's progress reports. ``photo`` is re-encoded JPEG bytes with its size."""
    if kind not in WorkLog.Kind.values:
        raise DomainError(_("Choose what kind of work this was."), field="kind")
    if kind == WorkLog.Kind.PROGRESS:
        matter = unit_matter(actor, matter_id)
        if matter.state != State.HANDLING:
            raise DomainError(_("Progress is reported while the matter is being handled."))
    else:
        matter, _member = member_matter(actor, matter_id)
        if matter.state not in (State.ORGANIZING, State.HANDLING, State.EVALUATING):
            raise DomainError(_("Work is logged while the matter is being supervised."))
    happened_on = parse_date(happened_on, "happened_on")
    if happened_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="happened_on")
    text = required_text(text, "text", _("Write what was done."), 5000)
    log = WorkLog(region=matter.region, matter=matter, round=matter.round, kind=kind,
                  happened_on=happened_on, text=text, author=actor)  # fmt: skip
    if photo is not None:
        data, _width, _height = photo
        log.photo.save(f"matter-{matter.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg",
                       ContentFile(data), save=False)  # fmt: skip
    log.save()
    events.record(actor=actor, target=matter, action=Action.LOG, data={"kind": kind})
    if kind == WorkLog.Kind.PROGRESS:
        subject = _("Progress on “%(title)s”") % {"title": matter.title}
        notify(members(matter), "supervision.progress", subject, matter, body=text)
    return log


@transaction.atomic
def matter_report_completion(*, actor, matter_id: int, report: str) -> Matter:
    """The department reports the round's work done: the group evaluates next."""
    matter = unit_matter(actor, matter_id)
    matter.ensure_can_move_to(State.EVALUATING)
    report = required_text(report, "report", _("Describe what was done."), 5000)
    current = current_round(matter)
    current.completed_at, current.completion_report = timezone.now(), report
    current.save(update_fields=["completed_at", "completion_report"])
    states.move(matter, State.EVALUATING, actor=actor, action=Action.REPORT, note=report,
                data={"round": matter.round, "on_time": current.on_time})  # fmt: skip
    notify(members(matter), "supervision.evaluate",
           _("“%(title)s” is reported done: check on site and evaluate")
           % {"title": matter.title}, matter, body=report)  # fmt: skip
    return matter
