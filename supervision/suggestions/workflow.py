"""State changes of deputies' suggestions: 提议 → 审核 → 交办 → 承办 → 答复 → 测评, and 督办.

Each function checks the actor through ``portal.access``, locks the suggestion, checks
``Suggestion.TRANSITIONS``, changes it, writes the audit event and creates the inbox
notifications (delivered after commit) — all in one transaction. A refusal raises
``DomainError`` / ``TransitionError`` (shown as a message), ``PermissionDenied`` (403) or
``Http404`` (out of scope), and stores nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, deadlines, events, uploads
from portal.calendar import add_working_days
from portal.errors import DomainError, TransitionError, optional_text, required_text
from portal.models import Department, Region, User, handlers_of
from supervision.suggestions import conf, queries
from supervision.suggestions.models import (
    Category,
    CoHandlerOpinion,
    Committee,
    ContactLog,
    Cosigner,
    DeadlineExtension,
    HandlingDeadline,
    Rating,
    Reply,
    ReplyClass,
    Review,
    Satisfaction,
    Session,
    Submission,
    Suggestion,
    SupervisionRecord,
    UnitAssignment,
)

State = Suggestion.State
TITLE_MAX, TEXT_MAX, CONTENT_MAX = 100, 5000, 20000
MAX_COSIGNERS = 50
MAX_BATCH = 500


# --- helpers ----------------------------------------------------------------------------


def _locked(actor, suggestion_id) -> Suggestion:
    """Lock and return a suggestion ``actor`` sees, or raise ``Http404``."""
    return access.get_object_or_404(actor, Suggestion.objects.select_for_update(), pk=suggestion_id)


def _office(actor, suggestion_id, action: str = access.MANAGE) -> Suggestion:
    suggestion = _locked(actor, suggestion_id)
    if not access.can_by_region(actor, action, suggestion):
        if action == access.APPROVE:
            raise PermissionDenied(_("Only the office leader of the congress approves this."))
        raise PermissionDenied(_("Only the congress office that handles the suggestion does this."))
    return suggestion


def _representative(actor):
    rep = getattr(actor, "representative", None) if actor is not None else None
    if rep is None or not rep.is_active:
        raise PermissionDenied(_("Only deputies file suggestions."))
    return rep


def _is_lead_deputy(actor, suggestion: Suggestion) -> bool:
    rep = getattr(actor, "representative", None)
    return rep is not None and rep.pk == suggestion.lead_id


def _author(actor, suggestion_id) -> Suggestion:
    """Lock a suggestion its lead deputy (or the office that entered it) may change."""
    suggestion = _locked(actor, suggestion_id)
    if not (
        _is_lead_deputy(actor, suggestion) or access.can_by_region(actor, access.MANAGE, suggestion)
    ):
        raise PermissionDenied(_("Only the lead deputy changes the suggestion."))
    return suggestion


def _unit_assignment(actor, suggestion: Suggestion) -> UnitAssignment | None:
    if not getattr(actor, "department_id", None):
        return None
    return UnitAssignment.objects.filter(
        suggestion=suggestion, department_id=actor.department_id, active=True
    ).first()


def _lead_unit(actor, suggestion_id) -> tuple[Suggestion, UnitAssignment]:
    """Lock a suggestion the actor's unit leads; a co-handling unit is refused."""
    suggestion = _locked(actor, suggestion_id)
    assignment = _unit_assignment(actor, suggestion)
    if assignment is None:
        raise PermissionDenied(_("Only the handling unit of the suggestion does this."))
    if assignment.role != UnitAssignment.Role.LEAD:
        raise PermissionDenied(
            _(
                "Only the lead unit does this; a co-handling unit sends its opinion to the lead unit."
            )
        )
    return suggestion, assignment


def _move(actor, suggestion: Suggestion, to: str, action: str, note: str = "", **data) -> None:
    suggestion.ensure_can_move_to(to)
    before = suggestion.state
    suggestion.state = to
    if to in Suggestion.CLOSED_STATES:
        suggestion.closed_at = timezone.now()
    suggestion.save()
    events.record(
        actor=actor, target=suggestion, action=action, before=before, after=to, note=note,
        data=data,
    )  # fmt: skip


def _record(actor, suggestion: Suggestion, action: str, note: str = "", **data) -> None:
    events.record(
        actor=actor, target=suggestion, action=action, before=suggestion.state,
        after=suggestion.state, note=note, data=data,
    )  # fmt: skip


def _url(suggestion: Suggestion) -> str:
    return f"/desk/suggestions/{suggestion.pk}/"


def _deputy_users(suggestion: Suggestion) -> list[User]:
    users = list(User.objects.filter(representative__pk=suggestion.lead_id))
    users += list(User.objects.filter(representative__suggestions_cosigned=suggestion))
    return users


def _unit_users(department_ids) -> list[User]:
    return list(handlers_of(department_ids))


def _notify(recipients, kind: str, subject: str, suggestion: Suggestion, body: str = "") -> None:
    """Create inbox rows in this transaction; they are delivered after commit."""
    from portal.notifications import notify

    notify(
        recipients=recipients, kind=f"suggestions.{kind}", subject=subject, body=body,
        url=_url(suggestion), target=suggestion,
    )  # fmt: skip


def units_for(suggestion: Suggestion):
    """Return the active handling units of the suggestion's region and the regions above it."""
    return Department.units_for(suggestion.region)


# --- proposing (提议) --------------------------------------------------------------------


def _clean_text(title: str, content: str, category: str) -> tuple[str, str]:
    title = required_text(title, "title", _("Give the suggestion a title."), TITLE_MAX)
    content = required_text(content, "content", _("Write the suggestion."), CONTENT_MAX)
    if category not in Category.values:
        raise DomainError(_("Choose a category."), field="category")
    return title, content


def _set_cosigners(suggestion: Suggestion, cosigner_ids: Sequence[int]) -> None:
    """Store the co-signers: active deputies of the lead deputy's own district/county."""
    ids = sorted({int(pk) for pk in cosigner_ids} - {suggestion.lead_id})
    if len(ids) > MAX_COSIGNERS:
        raise DomainError(_("At most 50 co-signing deputies."), field="cosigners")
    found = list(
        queries.cosigner_candidates(suggestion.lead).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if len(found) != len(ids):
        raise DomainError(
            _("Choose co-signing deputies of the lead deputy's own district or county."),
            field="cosigners",
        )
    Cosigner.objects.filter(suggestion=suggestion).exclude(representative_id__in=ids).delete()
    have = set(
        Cosigner.objects.filter(suggestion=suggestion).values_list("representative_id", flat=True)
    )
    Cosigner.objects.bulk_create(
        [
            Cosigner(region=suggestion.region, suggestion=suggestion, representative_id=pk)
            for pk in ids
            if pk not in have
        ]
    )


@transaction.atomic
def suggestion_draft(
    *, actor, title: str, content: str, category: str, session_id: int | None = None,
    region_id: int | None = None, cosigner_ids: Sequence[int] = (), lead_id: int | None = None,
) -> Suggestion:  # fmt: skip
    """Draft a suggestion: during a session (``session_id``) or between sessions
    (``region_id``: the congress it is addressed to). A deputy drafts their own; the office
    may enter a paper suggestion for a deputy (``lead_id``)."""
    from stations.models import Representative

    title, content = _clean_text(title, content, category)
    session = None
    if session_id is not None:
        session = Session.objects.select_related("region").filter(pk=session_id).first()
        if session is None:
            raise DomainError(_("No such session."), field="session")
        region = session.region
    else:
        region = Region.objects.filter(pk=region_id).first() if region_id else None
        if region is None:
            raise DomainError(
                _("Choose the congress the suggestion is addressed to."), field="region"
            )
    if lead_id is not None:
        if not access.can_by_region(actor, access.MANAGE, region):
            raise PermissionDenied(_("Only the congress office enters suggestions for deputies."))
        lead = (
            Representative.objects.filter(pk=lead_id, is_active=True)
            .select_related("region")
            .first()
        )
        if lead is None:
            raise DomainError(_("Choose the lead deputy from the roster."), field="lead")
    else:
        lead = _representative(actor)
    if not lead.region.path.startswith(region.path):
        raise DomainError(
            _("A deputy files suggestions to the congress of their own area or above."),
            field="session" if session else "region",
        )
    origin = None
    if lead.region_id != region.pk and lead.region.level == Region.Level.TOWNSHIP:
        origin = lead.region  # the township congress does the first review
    suggestion = Suggestion.objects.create(
        region=region, origin_region=origin, session=session,
        period=Suggestion.Period.SESSION if session else Suggestion.Period.INTERIM,
        lead=lead, title=title, content=content, category=category, created_by=actor,
    )  # fmt: skip
    _set_cosigners(suggestion, cosigner_ids)
    events.record(actor=actor, target=suggestion, action="suggestion_draft", after=suggestion.state)
    return suggestion


@transaction.atomic
def suggestion_update(
    *, actor, suggestion_id: int, title: str, content: str, category: str,
    cosigner_ids: Sequence[int] = (),
) -> Suggestion:  # fmt: skip
    """Revise a draft or a returned suggestion (each submission keeps its own text)."""
    suggestion = _author(actor, suggestion_id)
    if suggestion.state not in Suggestion.EDITABLE_STATES:
        raise DomainError(_("Only a draft or a returned suggestion can be revised."))
    suggestion.title, suggestion.content = _clean_text(title, content, category)
    suggestion.category = category
    suggestion.save(update_fields=["title", "content", "category"])
    _set_cosigners(suggestion, cosigner_ids)
    _record(actor, suggestion, "suggestion_update")
    return suggestion


@transaction.atomic
def suggestion_submit(*, actor, suggestion_id: int) -> Suggestion:
    """Submit (or resubmit after a return): to the township's first review when it comes
    from a township, else to the secretariat's review."""
    suggestion = _author(actor, suggestion_id)
    to = State.FIRST_REVIEW if suggestion.origin_region_id else State.SUBMITTED
    suggestion.ensure_can_move_to(to)
    suggestion.revision += 1
    now = timezone.now()
    suggestion.submitted_at = suggestion.submitted_at or now
    Submission.objects.create(
        region=suggestion.region, suggestion=suggestion, revision=suggestion.revision,
        title=suggestion.title, content=suggestion.content, submitted_at=now,
    )  # fmt: skip
    _move(actor, suggestion, to, "suggestion_submit", revision=suggestion.revision)
    return suggestion


@transaction.atomic
def suggestion_withdraw(*, actor, suggestion_id: int, note: str = "") -> Suggestion:
    suggestion = _locked(actor, suggestion_id)
    if not _is_lead_deputy(actor, suggestion):
        raise PermissionDenied(_("Only the lead deputy withdraws the suggestion."))
    _move(actor, suggestion, State.WITHDRAWN, "suggestion_withdraw", optional_text(note, "note"))
    return suggestion


# --- review (初审, 审核) -----------------------------------------------------------------


def _review(actor, suggestion, stage, decision, reason="", note="") -> None:
    Review.objects.create(
        region=suggestion.region, suggestion=suggestion, revision=suggestion.revision,
        stage=stage, decision=decision, reason=reason, note=note, reviewer=actor,
    )  # fmt: skip


def _return_reason(reason: str, note: str) -> tuple[str, str]:
    if reason not in Review.Reason.values:
        raise DomainError(_("Choose why the suggestion is returned."), field="reason")
    note = optional_text(note, "note")
    if reason == Review.Reason.OTHER and not note:
        raise DomainError(_("Say what the deputy should change."), field="note")
    return reason, note


@transaction.atomic
def suggestion_first_review(
    *, actor, suggestion_id: int, passed: bool, reason: str = "", note: str = ""
) -> Suggestion:
    """The township congress passes the suggestion on to the secretariat or returns it."""
    suggestion = _locked(actor, suggestion_id)
    origin = suggestion.origin_region
    if origin is None or not access.can_by_region(actor, access.MANAGE, origin):
        raise PermissionDenied(_("Only the township congress the suggestion comes from does this."))
    if suggestion.state != State.FIRST_REVIEW:
        suggestion.ensure_can_move_to(State.SUBMITTED if passed else State.RETURNED)
        raise DomainError(_("The suggestion is not awaiting a first review."))
    if passed:
        note = optional_text(note, "note")
        _review(actor, suggestion, Review.Stage.FIRST, Review.Decision.PASS, note=note)
        _move(actor, suggestion, State.SUBMITTED, "suggestion_first_review", note, passed=True)
        return suggestion
    reason, note = _return_reason(reason, note)
    _review(actor, suggestion, Review.Stage.FIRST, Review.Decision.RETURN, reason, note)
    _move(
        actor, suggestion, State.RETURNED, "suggestion_return", note, reason=reason, stage="first"
    )
    _notify_returned(suggestion, reason, note)
    return suggestion


def _notify_returned(suggestion: Suggestion, reason: str, note: str) -> None:
    _notify(
        User.objects.filter(representative__pk=suggestion.lead_id), "returned",
        _("Your suggestion “%(title)s” was returned for revision") % {"title": suggestion.title},
        suggestion, body=_return_body(reason, note),
    )  # fmt: skip


def _return_body(reason: str, note: str) -> str:
    label = Review.Reason(reason).label
    if not note:
        return str(label)
    return _("%(reason)s. %(note)s") % {"reason": label, "note": note}


def next_number(session_id: int) -> int:
    """Return the next number of the session, raising its counter under a row lock (the
    caller's transaction holds the lock until it commits)."""
    session = Session.objects.select_for_update().get(pk=session_id)
    session.last_number += 1
    session.save(update_fields=["last_number"])
    return session.last_number


@transaction.atomic
def suggestion_accept(*, actor, suggestion_id: int, note: str = "") -> Suggestion:
    """Accept (立案); a session's suggestion gets the session's next number (第N号)."""
    suggestion = _office(actor, suggestion_id)
    if suggestion.state != State.SUBMITTED:  # HANDLING → ACCEPTED is a unit's return only
        raise TransitionError.not_allowed(
            suggestion, suggestion.get_state_display(), State.ACCEPTED.label
        )
    note = optional_text(note, "note")
    if suggestion.session_id and suggestion.number is None:
        suggestion.number = next_number(suggestion.session_id)
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.ACCEPT, note=note)
    _move(actor, suggestion, State.ACCEPTED, "suggestion_accept", note, number=suggestion.number)
    return suggestion


@transaction.atomic
def suggestion_return(*, actor, suggestion_id: int, reason: str, note: str = "") -> Suggestion:
    """Return for revision with one of seed 003's reasons; the deputy sees it and resubmits."""
    suggestion = _office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.RETURNED)
    reason, note = _return_reason(reason, note)
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.RETURN, reason, note)
    _move(
        actor, suggestion, State.RETURNED, "suggestion_return", note, reason=reason, stage="office"
    )
    _notify_returned(suggestion, reason, note)
    return suggestion


@transaction.atomic
def suggestion_convert(*, actor, suggestion_id: int, note: str) -> Suggestion:
    """Handle it through another channel (a letter, a citizen issue, a motion), with a note."""
    suggestion = _office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.CONVERTED)
    note = required_text(note, "note", _("Say where the suggestion goes instead."))
    suggestion.closing_note = note
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.CONVERT, note=note)
    _move(actor, suggestion, State.CONVERTED, "suggestion_convert", note)
    _notify(_deputy_users(suggestion), "converted", _("Your suggestion “%(title)s” is handled through another channel") % {"title": suggestion.title}, suggestion, note)  # fmt: skip
    return suggestion


@transaction.atomic
def suggestion_explain(*, actor, suggestion_id: int, text: str) -> Suggestion:
    """Answer the deputy directly by explanation (解释答复) instead of assigning a unit."""
    suggestion = _office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.EXPLAINED)
    text = required_text(text, "text", _("Write the explanation."))
    suggestion.closing_note = text
    if suggestion.session_id and suggestion.number is None:
        suggestion.number = next_number(suggestion.session_id)
    _review(actor, suggestion, Review.Stage.OFFICE, Review.Decision.EXPLAIN, note=text)
    _move(actor, suggestion, State.EXPLAINED, "suggestion_explain", text)
    _notify(_deputy_users(suggestion), "explained", _("Your suggestion “%(title)s” has been answered") % {"title": suggestion.title}, suggestion, text)  # fmt: skip
    return suggestion


# --- assignment (交办) and deadlines -----------------------------------------------------


def _start_round(
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
    record = _start_round(
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
    _move(actor, suggestion, State.HANDLING, "suggestion_assign", note, lead_unit=lead.name,
          co_units=[units[pk].name for pk in co_ids], due_on=record.due_on.isoformat(), **data)  # fmt: skip
    _notify(
        _unit_users([lead.pk, *co_ids]), "assigned",
        _("Suggestion %(label)s “%(title)s” assigned to your unit, due %(due)s")
        % {"label": suggestion.label, "title": suggestion.title, "due": record.due_on.isoformat()},
        suggestion, record.explanation,
    )  # fmt: skip


@transaction.atomic
def suggestion_assign(
    *, actor, suggestion_id: int, lead_unit_id: int, co_unit_ids: Sequence[int] = (),
    lead_leader: str, received_on: datetime.date | None = None, note: str = "",
) -> Suggestion:  # fmt: skip
    """Assign (交办) to a lead unit and co-handling units with a lead leader; the unit has 3
    calendar months from its receipt (``received_on``, default today) to reply."""
    suggestion = _office(actor, suggestion_id)
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
        suggestion = _office(actor, row["suggestion_id"])
        try:
            _assign(actor, suggestion, row["lead_unit_id"], row.get("co_unit_ids", ()),
                    row.get("lead_leader", ""), received_on, meeting, meeting=meeting)  # fmt: skip
        except DomainError as error:
            raise DomainError(
                _("%(label)s: %(error)s") % {"label": suggestion, "error": error.message},
                field=error.field,
            ) from error
    return len(rows)


@transaction.atomic
def suggestion_plan(
    *, actor, suggestion_id: int, unit_leader: str, handler_name: str, handler_phone: str = "",
    measures: str, standard: str,
) -> Suggestion:  # fmt: skip
    """The lead unit records its 五定: responsible leader, handler, measures and standard
    (the fifth, the deadline, is the round's)."""
    suggestion, assignment = _lead_unit(actor, suggestion_id)
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Only a suggestion being handled is planned."))
    assignment.unit_leader = required_text(
        unit_leader, "unit_leader", _("Name the responsible leader."), 64
    )
    assignment.handler_name = required_text(
        handler_name, "handler_name", _("Name the handler."), 64
    )
    assignment.handler_phone = optional_text(handler_phone, "handler_phone", 32)
    assignment.measures = required_text(measures, "measures", _("Describe the measures."))
    assignment.standard = required_text(
        standard, "standard", _("Describe the standard of completion.")
    )
    assignment.save()
    _record(actor, suggestion, "suggestion_plan", handler=assignment.handler_name)
    return suggestion


def return_deadline(assignment: UnitAssignment) -> datetime.date:
    """Return the last day a unit may return a suggestion as not its responsibility."""
    return add_working_days(assignment.received_on, conf.get("RETURN_WORKING_DAYS"))[0]


@transaction.atomic
def suggestion_return_misassigned(*, actor, suggestion_id: int, reason: str) -> Suggestion:
    """A unit that is not responsible returns the suggestion within N working days of
    receipt, with a reason. The lead unit's return sends it back to the office to assign
    again; a co-handling unit's return only takes that unit off."""
    suggestion = _locked(actor, suggestion_id)
    assignment = _unit_assignment(actor, suggestion)
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
            % {"n": conf.get("RETURN_WORKING_DAYS"), "date": last_day.isoformat()}
        )  # fmt: skip
    assignment.active, assignment.returned_at, assignment.return_reason = (
        False,
        timezone.now(),
        reason,
    )
    assignment.save(update_fields=["active", "returned_at", "return_reason"])
    if assignment.role == UnitAssignment.Role.CO:
        _record(actor, suggestion, "suggestion_co_return", reason, unit=assignment.department.name)
        return suggestion
    UnitAssignment.objects.filter(suggestion=suggestion, active=True).update(active=False)
    suggestion.lead_unit, suggestion.due_on = None, None
    _move(actor, suggestion, State.ACCEPTED, "suggestion_return_misassigned", reason,
          unit=assignment.department.name)  # fmt: skip
    return suggestion


def current_deadline(suggestion: Suggestion) -> HandlingDeadline | None:
    return HandlingDeadline.objects.filter(suggestion=suggestion, round=suggestion.round).first()


@transaction.atomic
def suggestion_request_extension(
    *, actor, suggestion_id: int, months: int, reason: str
) -> DeadlineExtension:
    """The lead unit asks for more time, with a reason; at most 6 months in all."""
    suggestion, _assignment = _lead_unit(actor, suggestion_id)
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
    _record(actor, suggestion, "suggestion_request_extension", reason, months=months)
    return extension


@transaction.atomic
def suggestion_decide_extension(
    *, actor, suggestion_id: int, approve: bool, note: str = ""
) -> Suggestion:
    """The office leader approves or refuses the open extension request; an approval past
    the 6-month cap is refused."""
    suggestion = _office(actor, suggestion_id, access.APPROVE)
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
        _record(actor, suggestion, "suggestion_refuse_extension", note, months=extension.months)
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
    _record(actor, suggestion, "suggestion_approve_extension", note, months=extension.months,
            due_on=deadline.due_on.isoformat())  # fmt: skip
    _notify(_unit_users([suggestion.lead_unit_id]), "extended",
            _("Extension approved: suggestion %(label)s is due %(due)s") % {"label": suggestion.label, "due": deadline.due_on.isoformat()},
            suggestion, deadline.explain())  # fmt: skip
    return suggestion


# --- handling (承办) ----------------------------------------------------------------------


@transaction.atomic
def suggestion_contact(
    *, actor, suggestion_id: int, stage: str, method: str, date: datetime.date, note: str
) -> ContactLog:
    """三联系: log a contact with the deputy before, during or after handling."""
    suggestion = _locked(actor, suggestion_id)
    assignment = _unit_assignment(actor, suggestion)
    if assignment is None:
        raise PermissionDenied(_("Only the handling unit of the suggestion does this."))
    if suggestion.state not in (State.HANDLING, State.REPLIED, State.COMPLETED):
        raise DomainError(_("Contacts are logged while the suggestion is handled."))
    if stage not in ContactLog.Stage.values:
        raise DomainError(_("Choose before, during or after handling."), field="stage")
    if method not in ContactLog.Method.values:
        raise DomainError(_("Choose how the deputy was contacted."), field="method")
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    log = ContactLog.objects.create(
        region=suggestion.region, suggestion=suggestion, department_id=actor.department_id,
        round=suggestion.round, stage=stage, method=method, date=date,
        note=required_text(note, "note", _("Write what was discussed.")), recorded_by=actor,
    )  # fmt: skip
    _record(actor, suggestion, "suggestion_contact", stage=stage, method=method)
    return log


@transaction.atomic
def suggestion_co_opinion(
    *, actor, suggestion_id: int, text: str, signed_off_by: str
) -> CoHandlerOpinion:
    """A co-handling unit sends its view to the lead unit (会签), once per round."""
    suggestion = _locked(actor, suggestion_id)
    assignment = _unit_assignment(actor, suggestion)
    if assignment is None or assignment.role != UnitAssignment.Role.CO:
        raise PermissionDenied(_("Only a co-handling unit of the suggestion does this."))
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Opinions are sent while the suggestion is being handled."))
    if CoHandlerOpinion.objects.filter(suggestion=suggestion, round=suggestion.round,
                                       department_id=actor.department_id).exists():  # fmt: skip
        raise DomainError(_("Your unit has already sent its opinion in this round."))
    opinion = CoHandlerOpinion.objects.create(
        region=suggestion.region, suggestion=suggestion, department_id=actor.department_id,
        round=suggestion.round, text=required_text(text, "text", _("Write the opinion.")),
        signed_off_by=required_text(signed_off_by, "signed_off_by", _("Name the leader who signed it off."), 64),
        author=actor,
    )  # fmt: skip
    _record(actor, suggestion, "suggestion_co_opinion", unit=assignment.department.name)
    _notify(_unit_users([suggestion.lead_unit_id]), "co_opinion",
            _("Co-handling opinion on suggestion %(label)s") % {"label": suggestion.label}, suggestion)  # fmt: skip
    return opinion


def _document(upload) -> uploads.Document | None:
    """Return the checked ``upload`` (None without one); refuse a file that is not a
    document a reply takes, before anything is stored."""
    if not upload:
        return None
    try:
        return uploads.check_document(upload)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="attachment") from None


def reply_classes() -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in ReplyClass.choices if value in conf.get("REPLY_CLASSES")
    ]


@transaction.atomic
def suggestion_reply(
    *, actor, suggestion_id: int, reply_class: str, text: str, signed_off_by: str,
    attachment=None,
) -> Reply:  # fmt: skip
    """The lead unit replies (答复) with class A/B/C, signed off by the unit's leader.
    Only the lead unit replies; a co-handling unit is refused. ``attachment`` (optional) is
    checked by its content (``portal.uploads``) and stored under a generated name."""
    suggestion, _assignment = _lead_unit(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.REPLIED)
    if suggestion.state != State.HANDLING:
        raise DomainError(_("Only a suggestion being handled is replied to."))
    if reply_class not in dict(reply_classes()):
        raise DomainError(_("Choose the class of the reply."), field="reply_class")
    text = required_text(text, "text", _("Write the reply."), CONTENT_MAX)
    signed_off_by = required_text(
        signed_off_by, "signed_off_by", _("Name the unit leader who signed the reply off."), 64
    )
    document = _document(attachment)
    today = timezone.localdate()
    reply = Reply(
        region=suggestion.region, suggestion=suggestion, round=suggestion.round,
        department_id=suggestion.lead_unit_id, reply_class=reply_class, text=text,
        signed_off_by=signed_off_by, author=actor, due_on=suggestion.due_on,
        in_time=today <= suggestion.due_on,
    )  # fmt: skip
    if document is not None:
        name = uploads.stored_name(f"suggestion-{suggestion.pk}-{suggestion.round}", document)
        reply.attachment.save(name, attachment, save=False)
    try:
        reply.save()
    except Exception:  # no file is left behind without its row
        if document is not None:
            reply.attachment.delete(save=False)
        raise
    if suggestion.first_replied_on is None:
        suggestion.first_replied_on, suggestion.replied_in_time = today, reply.in_time
    suggestion.reply_class = reply_class
    _move(
        actor,
        suggestion,
        State.REPLIED,
        "suggestion_reply",
        reply_class=reply_class,
        in_time=reply.in_time,
    )
    _notify(_deputy_users(suggestion), "replied",
            _("Suggestion %(label)s “%(title)s” has been replied to; please rate it")
            % {"label": suggestion.label, "title": suggestion.title}, suggestion)  # fmt: skip
    return reply


@transaction.atomic
def suggestion_reclassify(
    *, actor, suggestion_id: int, reply_class: str, reason: str
) -> Suggestion:
    """The supervising office changes the class the unit chose for the latest reply."""
    suggestion = _office(actor, suggestion_id)
    if suggestion.state not in (State.REPLIED, State.COMPLETED):
        raise DomainError(_("Only the class of a replied or completed suggestion is changed."))
    reply = suggestion.replies.filter(round=suggestion.round).order_by("-id").first()
    if reply is None:
        raise DomainError(_("The suggestion has no reply yet."))
    if reply_class not in dict(reply_classes()):
        raise DomainError(_("Choose the class of the reply."), field="reply_class")
    reason = required_text(reason, "reason", _("Say why the class is changed."))
    before = reply.effective_class
    reply.office_class = reply_class
    reply.save(update_fields=["office_class"])
    suggestion.reply_class = reply_class
    suggestion.save(update_fields=["reply_class"])
    _record(actor, suggestion, "suggestion_reclassify", reason, before=before, after=reply_class)
    return suggestion


# --- rating (测评) -----------------------------------------------------------------------


@transaction.atomic
def suggestion_rate(
    *, actor, suggestion_id: int, reply_rating: str, implementation_rating: str,
    reply_comment: str = "", implementation_comment: str = "",
) -> Rating:  # fmt: skip
    """The lead deputy rates the reply and its implementation, once per round (the office
    may type in the deputy's paper form). Unsatisfied with either → handled again by the
    same units in a new round with a new deadline; otherwise the suggestion is completed."""
    suggestion = _locked(actor, suggestion_id)
    if _is_lead_deputy(actor, suggestion):
        via = Rating.Via.DEPUTY
    elif access.can_by_region(actor, access.MANAGE, suggestion):
        via = Rating.Via.PAPER
    else:
        raise PermissionDenied(_("Only the lead deputy of the suggestion rates it."))
    if suggestion.state != State.REPLIED:
        raise DomainError(_("Only a replied suggestion is rated."))
    if Rating.objects.filter(suggestion=suggestion, round=suggestion.round).exists():
        raise DomainError(_("This round has already been rated."))
    for value, field in (
        (reply_rating, "reply_rating"),
        (implementation_rating, "implementation_rating"),
    ):
        if value not in Satisfaction.values:
            raise DomainError(
                _("Choose satisfied, basically satisfied or unsatisfied."), field=field
            )
    reply_comment = optional_text(reply_comment, "reply_comment")
    implementation_comment = optional_text(implementation_comment, "implementation_comment")
    unsatisfied = Satisfaction.UNSATISFIED
    if reply_rating == unsatisfied and not reply_comment:
        raise DomainError(_("Say what is wrong with the reply."), field="reply_comment")
    if implementation_rating == unsatisfied and not implementation_comment:
        raise DomainError(_("Say what is not implemented."), field="implementation_comment")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                region=suggestion.region, suggestion=suggestion, round=suggestion.round,
                representative_id=suggestion.lead_id, reply_rating=reply_rating,
                reply_comment=reply_comment, implementation_rating=implementation_rating,
                implementation_comment=implementation_comment, via=via, recorded_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(_("This round has already been rated.")) from None
    if not suggestion.first_reply_rating:
        suggestion.first_reply_rating = reply_rating
        suggestion.first_implementation_rating = implementation_rating
    suggestion.reply_rating, suggestion.implementation_rating = reply_rating, implementation_rating
    data = {"reply": reply_rating, "implementation": implementation_rating, "via": via}
    if not rating.unsatisfied:
        _move(actor, suggestion, State.COMPLETED, "suggestion_rate", **data)
        return rating
    rated_round = suggestion.round
    _start_round(
        suggestion, timezone.localdate(),
        _("unsatisfied rating of round %(n)d") % {"n": rated_round}, conf.get("REHANDLE_MONTHS"),
    )  # fmt: skip
    UnitAssignment.objects.filter(
        suggestion=suggestion, active=True, role=UnitAssignment.Role.LEAD
    ).update(due_on=suggestion.due_on)
    note = "\n".join(c for c in (reply_comment, implementation_comment) if c)
    _move(actor, suggestion, State.HANDLING, "suggestion_reopen", note, **data)
    _notify(_unit_users(UnitAssignment.objects.filter(suggestion=suggestion, active=True).values_list("department_id", flat=True)),
            "reopened", _("The deputy is not satisfied with suggestion %(label)s: handle it again by %(due)s")
            % {"label": suggestion.label, "due": suggestion.due_on.isoformat()}, suggestion, note)  # fmt: skip
    return rating


@transaction.atomic
def suggestion_close(*, actor, suggestion_id: int, note: str) -> Suggestion:
    """Complete a replied suggestion the deputy has not rated (it counts as not rated)."""
    suggestion = _office(actor, suggestion_id)
    suggestion.ensure_can_move_to(State.COMPLETED)
    suggestion.closing_note = required_text(
        note, "note", _("Say why it is closed without a rating.")
    )
    _move(actor, suggestion, State.COMPLETED, "suggestion_close", suggestion.closing_note)
    return suggestion


# --- supervision (督办) ------------------------------------------------------------------


def _supervisor(actor, suggestion_id) -> Suggestion:
    suggestion = _locked(actor, suggestion_id)
    if access.can_by_region(actor, access.MANAGE, suggestion):
        return suggestion
    if suggestion.committee_id and suggestion.committee.members.filter(pk=actor.pk).exists():
        return suggestion
    raise PermissionDenied(_("Only the congress office or the supervising committee does this."))


@transaction.atomic
def suggestion_mark_key(
    *, actor, suggestion_id: int, committee_id: int, note: str = ""
) -> Suggestion:
    """Put the suggestion under key supervision (重点督办) by a special committee."""
    suggestion = _office(actor, suggestion_id)
    if suggestion.is_closed or suggestion.state in (
        State.DRAFT,
        State.RETURNED,
        State.FIRST_REVIEW,
    ):
        raise DomainError(
            _("Only a suggestion under review or handling is put under key supervision.")
        )
    committee = Committee.objects.filter(
        pk=committee_id, region__path__in=Region.ancestor_paths_of(suggestion.region.path)
    ).first()
    if committee is None:
        raise DomainError(
            _("Choose a committee of the suggestion's congress or above."), field="committee"
        )
    suggestion.is_key, suggestion.committee = True, committee
    suggestion.save(update_fields=["is_key", "committee"])
    _record(
        actor,
        suggestion,
        "suggestion_mark_key",
        optional_text(note, "note"),
        committee=committee.name,
    )
    _notify(committee.members.all(), "key", _("Key supervision: suggestion %(label)s “%(title)s”") % {"label": suggestion.label, "title": suggestion.title}, suggestion)  # fmt: skip
    return suggestion


@transaction.atomic
def suggestion_supervise(
    *, actor, suggestion_id: int, kind: str, date: datetime.date, note: str
) -> SupervisionRecord:
    """Record a supervision meeting or an on-site supervision of a suggestion."""
    suggestion = _supervisor(actor, suggestion_id)
    if kind not in (SupervisionRecord.Kind.MEETING, SupervisionRecord.Kind.SITE):
        raise DomainError(_("Choose a meeting or an on-site supervision."), field="kind")
    if suggestion.state not in Suggestion.ASSIGNED_STATES:
        raise DomainError(_("Only an assigned suggestion is supervised."))
    return _supervision(actor, suggestion, kind, date, note, "")


def _supervision(actor, suggestion, kind, date, note, result) -> SupervisionRecord:
    if not isinstance(date, datetime.date) or date > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="date")
    record = SupervisionRecord.objects.create(
        region=suggestion.region, suggestion=suggestion, kind=kind, date=date,
        note=required_text(note, "note", _("Write what was found.")), result=result, recorded_by=actor,
    )  # fmt: skip
    _record(actor, suggestion, f"suggestion_{kind}", note, result=result)
    return record


@transaction.atomic
def suggestion_recheck(
    *, actor, suggestion_id: int, result: str, date: datetime.date, note: str
) -> SupervisionRecord:
    """回头看: re-check later whether a B or C reply was carried out, with its own result."""
    suggestion = _supervisor(actor, suggestion_id)
    if suggestion.state not in (State.REPLIED, State.COMPLETED) or suggestion.reply_class not in (
        "B",
        "C",
    ):
        raise DomainError(_("Re-checks are for replied suggestions of class B or C."))
    if result not in SupervisionRecord.Result.values:
        raise DomainError(_("Choose the result of the re-check."), field="result")
    return _supervision(actor, suggestion, SupervisionRecord.Kind.RECHECK, date, note, result)
