"""State changes of supervision matters (督事). Each function checks the actor through
``access``, locks the matter, checks ``Matter.TRANSITIONS``, changes it, writes the audit
event and queues notifications — all in one transaction.

Who does what:
- the region's congress office (a region grant with manage): lists matters, records the
  leadership group's study and classification, forms the group, sets the department and
  the deadline, publishes closed matters;
- the group's active members (guardian grants on the one matter): log their work and record
  the round's evaluation (一事一评);
- the responsible department's handlers: report progress and completion of their round.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from petitions import workflow as petitions_workflow
from portal import access, events
from portal.errors import DomainError, required_text
from portal.models import Department, Region, User, handlers_of
from supervision.models import (
    Evaluation,
    GroupMember,
    Matter,
    MatterIssue,
    Round,
    SupervisionGroup,
    WorkLog,
)

State = Matter.State
Classification = Matter.Classification
MAX_ISSUES = 500
MEMBER_ACTIONS = (access.VIEW, access.MANAGE)


# --- helpers ----------------------------------------------------------------------------


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise DomainError(_("Enter a valid date."), field=field)
    return value


def _move(actor, matter: Matter, to: str, action: str, note: str = "", **data) -> None:
    matter.ensure_can_move_to(to)
    before = matter.state
    matter.state = to
    if to in Matter.CLOSED_STATES:
        matter.closed_at = timezone.now()
    matter.save()
    events.record(
        actor=actor, target=matter, action=action, before=before, after=to, note=note, data=data
    )


def _office_matter(actor, matter_id: int) -> Matter:
    """Lock and return a matter the actor's office manages (a region grant with manage)."""
    matter = access.get_object_or_404(actor, Matter.objects.select_for_update(), pk=matter_id)
    if not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the congress office of the region does this."))
    return matter


def _member_matter(actor, matter_id: int) -> tuple[Matter, GroupMember | None]:
    """Lock and return a matter on which the actor is an active group member. The office of
    the region may record on the group's behalf (e.g. from the group's paper minutes)."""
    matter = access.get_object_or_404(actor, Matter.objects.select_for_update(), pk=matter_id)
    member = (
        GroupMember.objects.filter(group__matter=matter, user=actor, left_at__isnull=True)
        .select_related("group")
        .first()
    )
    if member is None and not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the members of the matter's group do this."))
    return matter, member


def _unit_matter(actor, matter_id: int) -> Matter:
    """Lock and return a matter whose current round the actor's department handles; the
    office of the region may report on the department's behalf."""
    matter = access.get_object_or_404(actor, Matter.objects.select_for_update(), pk=matter_id)
    own_unit = bool(actor.department_id) and actor.department_id == matter.department_id
    if not own_unit and not access.can_by_region(actor, access.MANAGE, matter):
        raise PermissionDenied(_("Only the responsible department does this."))
    return matter


def _url(matter: Matter) -> str:
    return reverse("supervision_desk:matter_detail", args=[matter.pk])


def _notify(users: Iterable[User], kind: str, subject: str, matter: Matter, body: str = "") -> None:
    recipients = [user for user in users if user is not None and user.is_active]
    if not recipients:
        return
    from portal.notifications import notify

    notify(
        recipients=recipients, kind=kind, subject=subject, body=body, url=_url(matter),
        target=matter,
    )  # fmt: skip


def _members(matter: Matter) -> list[User]:
    return [
        member.user
        for member in GroupMember.objects.filter(
            group__matter=matter, left_at__isnull=True
        ).select_related("user")
    ]


def _unit_users(department: Department | None) -> list[User]:
    if department is None:
        return []
    return list(handlers_of([department.pk]))


def _current_round(matter: Matter) -> Round:
    return Round.objects.select_for_update().get(matter=matter, number=matter.round)


def units_for(region: Region):
    """The departments that may handle a matter of ``region``: its own and those above."""
    return Department.units_for(region)


# --- the matter list ---------------------------------------------------------------------


@transaction.atomic
def matter_create(
    *, actor, region_id: int, title: str, description: str,
    petition_ids: Sequence[int] = (), source: str | None = None,
) -> Matter:  # fmt: skip
    """Put a matter on the list, made from citizen issues (or a topic of concentrated issues)
    or entered directly. Every linked issue is accepted and escalated with it."""
    # A region the actor's office does not manage is answered like an unknown one; matters
    # are studied by a township's (or a higher) leadership group, never by a village.
    region = (
        access.visible(
            actor, Region.objects.filter(level__lte=Region.Level.TOWNSHIP), access.MANAGE
        )
        .filter(pk=region_id)
        .first()
    )
    if region is None:
        raise DomainError(
            _("Choose a township or higher region of your jurisdiction."), field="region"
        )
    title = required_text(title, "title", _("Give the matter a short title."), limit=100)
    description = required_text(description, "description", _("Describe the matter."), limit=5000)
    ids = sorted({int(pk) for pk in petition_ids})
    if len(ids) > MAX_ISSUES:
        raise DomainError(_("At most 500 issues at a time."), field="petitions")
    if source is None:
        source = Matter.Source.ISSUES if ids else Matter.Source.DIRECT
    if source not in Matter.Source.values:
        raise DomainError(_("Unknown source."), field="source")
    if source != Matter.Source.DIRECT and not ids:
        raise DomainError(_("Choose the citizen issues of the matter."), field="petitions")
    matter = Matter.objects.create(
        region=region, title=title, description=description, source=source, created_by=actor
    )
    events.record(actor=actor, target=matter, action="matter_create", after=matter.state,
                  data={"issues": len(ids), "source": source})  # fmt: skip
    _link(actor, matter, ids)
    return matter


def _link(actor, matter: Matter, ids: Sequence[int]) -> None:
    from petitions.models import Petition

    for pk in ids:
        petition = access.get_object_or_404(actor, Petition.objects.all(), pk=pk)
        if not petition.region.path.startswith(matter.region.path):
            raise DomainError(
                _("Issue %(code)s is outside the matter's region.")
                % {"code": petition.tracking_code},
                field="petitions",
            )
        petitions_workflow.petition_put_on_matter(
            actor=actor,
            petition_id=pk,
            note=_("Supervision matter: %(title)s") % {"title": matter.title},
        )
        MatterIssue.objects.create(region=petition.region, matter=matter, petition_id=pk)


@transaction.atomic
def matter_link_issues(*, actor, matter_id: int, petition_ids: Sequence[int]) -> Matter:
    """Add more citizen issues about the same problem to an open matter."""
    matter = _office_matter(actor, matter_id)
    if matter.is_closed:
        raise DomainError(_("The matter is closed; open a new one."))
    ids = sorted({int(pk) for pk in petition_ids})
    if not ids:
        raise DomainError(_("Choose the citizen issues of the matter."), field="petitions")
    if len(ids) > MAX_ISSUES:
        raise DomainError(_("At most 500 issues at a time."), field="petitions")
    _link(actor, matter, ids)
    events.record(actor=actor, target=matter, action="matter_link", data={"issues": len(ids)})
    return matter


@transaction.atomic
def matter_study(
    *, actor, matter_id: int, studied_on, decision: str, classification: str,
    explanation: str = "",
) -> Matter:  # fmt: skip
    """Record the leadership group's study (专题研究) and its classification: supervise
    (the group is formed next), hand to a department for ordinary handling (the linked issues
    go back to screening, to be forwarded as usual), or answer by explanation (the
    explanation is the citizens' answer, which they rate)."""
    matter = _office_matter(actor, matter_id)
    studied_on = _date(studied_on, "studied_on")
    if studied_on > timezone.localdate():
        raise DomainError(_("The study cannot be in the future."), field="studied_on")
    decision = required_text(decision, "decision", _("Record the decision of the study."), 5000)
    if classification not in Classification.values:
        raise DomainError(_("Choose how the matter is handled."), field="classification")
    to = {
        Classification.SUPERVISE: State.ORGANIZING,
        Classification.ORDINARY: State.HANDED_OVER,
        Classification.EXPLAIN: State.EXPLAINED,
    }[classification]
    matter.ensure_can_move_to(to)
    if classification == Classification.EXPLAIN:
        matter.explanation = required_text(
            explanation, "explanation", _("Write the explanation the citizens will read."), 5000
        )
    matter.classification, matter.studied_on, matter.study_decision = (
        classification, studied_on, decision,
    )  # fmt: skip
    _move(actor, matter, to, "matter_study", decision, classification=classification)
    if classification != Classification.SUPERVISE:
        outcome = "returned" if classification == Classification.ORDINARY else "explained"
        text = matter.explanation or decision
        for petition_id in matter.links.values_list("petition_id", flat=True).order_by("pk"):
            petitions_workflow.petition_settle_by_matter(
                actor=actor, petition_id=petition_id, matter_id=matter.pk, outcome=outcome,
                text=text,
            )  # fmt: skip
        if classification == Classification.ORDINARY:
            # Back in ordinary handling, an issue is free to join a later matter; the event
            # keeps which issues this matter handed back.
            links = matter.links.select_related("petition")
            codes = [link.petition.tracking_code for link in links]
            links.delete()
            events.record(actor=actor, target=matter, action="matter_release",
                          data={"issues": codes})  # fmt: skip
    return matter


# --- the group (一事一组) -------------------------------------------------------------------


def _eligible(user: User, matter: Matter) -> bool:
    """Members are the presidium / working committee (office staff whose jurisdiction covers
    the matter) and deputies of any level in the area (a mandate or a managing region inside
    the matter's region or above it)."""
    if not user.is_active:
        return False
    if access.can_by_region(user, access.VIEW, matter):
        return True
    representative = getattr(user, "representative", None)
    if representative is None or not representative.is_active:
        return False
    path = matter.region.path
    paths = [representative.region.path] + [
        mandate.region.path for mandate in representative.mandates.select_related("region")
    ]
    return any(p.startswith(path) or path.startswith(p) for p in paths)


def _add_member(actor, matter: Matter, group: SupervisionGroup, user_id, role: str, duties: str):
    user = User.objects.filter(pk=user_id).select_related("region").first()
    if user is None or not _eligible(user, matter):
        raise DomainError(
            _("Members are presidium members or deputies of the matter's area."), field="members"
        )
    if role not in GroupMember.Role.values:
        raise DomainError(_("Choose the member's role."), field="role")
    if len(duties or "") > 200:
        raise DomainError(_("At most %(limit)d characters.") % {"limit": 200}, field="duties")
    representative = getattr(user, "representative", None)
    try:
        with transaction.atomic():
            member = GroupMember.objects.create(
                region=matter.region, group=group, user=user, representative=representative,
                role=role, duties=(duties or "").strip(),
            )  # fmt: skip
    except IntegrityError:
        if (
            role == GroupMember.Role.LEADER
            and group.members.filter(role=GroupMember.Role.LEADER, left_at__isnull=True)
            .exclude(user=user)
            .exists()
        ):
            raise DomainError(_("The group already has a leader."), field="role") from None
        raise DomainError(
            _("%(name)s is already in the group.") % {"name": user.display_name}, field="members"
        ) from None
    for action in MEMBER_ACTIONS:
        access.grant_object(user, action, matter)
    events.record(actor=actor, target=matter, action="matter_member_join",
                  data={"user": user.pk, "name": user.display_name, "role": role})  # fmt: skip
    _notify([user], "supervision.member", _("You joined the supervision group of “%(title)s”")
            % {"title": matter.title}, matter, body=duties or "")  # fmt: skip
    return member


@transaction.atomic
def matter_form_group(
    *, actor, matter_id: int, duties: str, members: Sequence[tuple[int, str, str]]
) -> SupervisionGroup:
    """Form the matter's one group (一事一组): ``members`` are (user id, role, duties) with
    exactly one leader. Members receive rights on this matter and on nothing else."""
    matter = _office_matter(actor, matter_id)
    if matter.state != State.ORGANIZING:
        raise DomainError(
            _("A group is formed once the study has classified the matter for supervision.")
        )
    if SupervisionGroup.objects.filter(matter=matter).exists():
        raise DomainError(_("The matter already has its group."))
    members = list(members)
    if not members:
        raise DomainError(_("Choose the members of the group."), field="members")
    leaders = [m for m in members if m[1] == GroupMember.Role.LEADER]
    if len(leaders) != 1:
        raise DomainError(_("Choose exactly one group leader."), field="members")
    try:
        with transaction.atomic():
            group = SupervisionGroup.objects.create(
                region=matter.region, matter=matter, duties=(duties or "").strip()[:5000]
            )
    except IntegrityError:
        raise DomainError(_("The matter already has its group.")) from None
    events.record(actor=actor, target=matter, action="matter_form_group",
                  data={"members": len(members)})  # fmt: skip
    for user_id, role, member_duties in members:
        _add_member(actor, matter, group, user_id, role, member_duties)
    return group


@transaction.atomic
def matter_add_member(*, actor, matter_id: int, user_id: int, role: str = "member",
                      duties: str = "") -> GroupMember:  # fmt: skip
    matter = _office_matter(actor, matter_id)
    if matter.is_closed:
        raise DomainError(_("The matter is closed."))
    group = SupervisionGroup.objects.filter(matter=matter).first()
    if group is None:
        raise DomainError(_("Form the group first."))
    return _add_member(actor, matter, group, user_id, role, duties)


@transaction.atomic
def matter_remove_member(*, actor, matter_id: int, member_id: int, reason: str = "") -> GroupMember:
    """A member leaves the group: the record stays, the rights on the matter go."""
    matter = _office_matter(actor, matter_id)
    if matter.is_closed:  # the group that closed a matter stays as it was
        raise DomainError(_("The matter is closed."))
    member = (
        GroupMember.objects.filter(pk=member_id, group__matter=matter, left_at__isnull=True)
        .select_for_update()
        .select_related("user")
        .first()
    )
    if member is None:
        raise DomainError(_("No such active member of this group."), field="member")
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    for action in MEMBER_ACTIONS:
        access.revoke_object(member.user, action, matter)
    events.record(actor=actor, target=matter, action="matter_member_leave", note=reason,
                  data={"user": member.user_id, "name": member.user.display_name})  # fmt: skip
    return member


# --- time-limited handling (限时办理) --------------------------------------------------------


def _check_due(due_on, field: str = "due_on") -> datetime.date:
    due_on = _date(due_on, field)
    if due_on <= timezone.localdate():
        raise DomainError(_("The deadline must be after today."), field=field)
    if due_on > timezone.localdate() + datetime.timedelta(days=366):
        raise DomainError(_("The deadline must be within a year."), field=field)
    return due_on


@transaction.atomic
def matter_start(*, actor, matter_id: int, department_id: int, due_on) -> Matter:
    """Hand the matter to the responsible department with a deadline: round 1 begins."""
    matter = _office_matter(actor, matter_id)
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
    due_on = _check_due(due_on)
    if not GroupMember.objects.filter(
        group__matter=matter, role=GroupMember.Role.LEADER, left_at__isnull=True
    ).exists():
        raise DomainError(_("The group needs a leader before handling starts."))
    matter.department, matter.due_on, matter.round = department, due_on, 1
    Round.objects.create(
        region=matter.region, matter=matter, number=1, department=department, due_on=due_on
    )
    _move(actor, matter, State.HANDLING, "matter_start", department=department.name,
          due_on=due_on.isoformat(), round=1)  # fmt: skip
    subject = _("Supervision matter “%(title)s”: handle it by %(due)s") % {
        "title": matter.title,
        "due": due_on.isoformat(),
    }
    _notify(_unit_users(department), "supervision.assigned", subject, matter)
    _notify(_members(matter), "supervision.started", subject, matter)
    return matter


@transaction.atomic
def matter_log(*, actor, matter_id: int, kind: str, happened_on, text: str,
               photo: tuple[bytes, int, int] | None = None) -> WorkLog:  # fmt: skip
    """Record a piece of work: the group's site visits, meetings and notes, or the
    department's progress reports. ``photo`` is re-encoded JPEG bytes with its size."""
    if kind not in WorkLog.Kind.values:
        raise DomainError(_("Choose what kind of work this was."), field="kind")
    if kind == WorkLog.Kind.PROGRESS:
        matter = _unit_matter(actor, matter_id)
        if matter.state != State.HANDLING:
            raise DomainError(_("Progress is reported while the matter is being handled."))
    else:
        matter, _member = _member_matter(actor, matter_id)
        if matter.state not in (State.ORGANIZING, State.HANDLING, State.EVALUATING):
            raise DomainError(_("Work is logged while the matter is being supervised."))
    happened_on = _date(happened_on, "happened_on")
    if happened_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="happened_on")
    text = required_text(text, "text", _("Write what was done."), 5000)
    log = WorkLog(region=matter.region, matter=matter, round=matter.round, kind=kind,
                  happened_on=happened_on, text=text, author=actor)  # fmt: skip
    if photo is not None:
        from django.core.files.base import ContentFile

        data, _width, _height = photo
        log.photo.save(f"matter-{matter.pk}-{timezone.now():%Y%m%d%H%M%S}.jpg",
                       ContentFile(data), save=False)  # fmt: skip
    log.save()
    events.record(actor=actor, target=matter, action="matter_log", data={"kind": kind})
    if kind == WorkLog.Kind.PROGRESS:
        _notify(_members(matter), "supervision.progress",
                _("Progress on “%(title)s”") % {"title": matter.title}, matter, body=text)  # fmt: skip
    return log


@transaction.atomic
def matter_report_completion(*, actor, matter_id: int, report: str) -> Matter:
    """The department reports the round's work done: the group evaluates next."""
    matter = _unit_matter(actor, matter_id)
    matter.ensure_can_move_to(State.EVALUATING)
    report = required_text(report, "report", _("Describe what was done."), 5000)
    current = _current_round(matter)
    current.completed_at, current.completion_report = timezone.now(), report
    current.save(update_fields=["completed_at", "completion_report"])
    _move(actor, matter, State.EVALUATING, "matter_report", report, round=matter.round,
          on_time=current.on_time)  # fmt: skip
    _notify(_members(matter), "supervision.evaluate",
            _("“%(title)s” is reported done: check on site and evaluate")
            % {"title": matter.title}, matter, body=report)  # fmt: skip
    return matter


# --- one evaluation per round (一事一评) ------------------------------------------------------


@transaction.atomic
def matter_evaluate(
    *, actor, matter_id: int, round_number: int, verdict: str, checked_on, findings: str,
    result: str = "", rectification: str = "", new_due_on=None,
) -> Evaluation:  # fmt: skip
    """Record the group's verdict on the round after checking on site. Satisfied: the
    citizens of every linked issue are told ``result`` and the matter closes with them
    (办结销号). Not satisfied: ``rectification`` opinions and a new round with ``new_due_on``."""
    matter, _member = _member_matter(actor, matter_id)
    if verdict not in Evaluation.Verdict.values:
        raise DomainError(_("Choose the verdict."), field="verdict")
    if matter.state != State.EVALUATING or round_number != matter.round:
        if Evaluation.objects.filter(round__matter=matter, round__number=round_number).exists():
            raise DomainError(_("This round has already been evaluated."), field="round")
        raise DomainError(
            _("A matter that is “%(state)s” cannot be evaluated now.")
            % {"state": matter.get_state_display()}
        )
    checked_on = _date(checked_on, "checked_on")
    if checked_on > timezone.localdate():
        raise DomainError(_("The date cannot be in the future."), field="checked_on")
    findings = required_text(findings, "findings", _("Record what the group found on site."), 5000)
    satisfied = verdict == Evaluation.Verdict.SATISFIED
    if satisfied:
        result = required_text(result, "result", _("Write the result the citizens will be told."),
                           5000)  # fmt: skip
    else:
        rectification = required_text(
            rectification, "rectification", _("Write the rectification opinions."), 5000
        )
        new_due_on = _check_due(new_due_on, "new_due_on")
    current = _current_round(matter)
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                region=matter.region, round=current, verdict=verdict, checked_on=checked_on,
                findings=findings, rectification=rectification if not satisfied else "",
                evaluated_by=actor,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(_("This round has already been evaluated."), field="round") from None
    data = {"round": matter.round, "verdict": verdict}
    if satisfied:
        matter.result = result
        _move(actor, matter, State.CLOSED, "matter_close", findings, **data)
        for petition_id in matter.links.values_list("petition_id", flat=True).order_by("pk"):
            petitions_workflow.petition_settle_by_matter(
                actor=actor, petition_id=petition_id, matter_id=matter.pk, outcome="resolved",
                text=result,
            )  # fmt: skip
        subject = _("“%(title)s” is closed as solved") % {"title": matter.title}
        _notify(_members(matter) + _unit_users(matter.department), "supervision.closed", subject,
                matter, body=result)  # fmt: skip
        return evaluation
    matter.round += 1
    matter.due_on = new_due_on
    Round.objects.create(region=matter.region, matter=matter, number=matter.round,
                         department=matter.department, due_on=new_due_on,
                         rectification=rectification)  # fmt: skip
    _move(actor, matter, State.HANDLING, "matter_rectify", rectification,
          new_round=matter.round, due_on=new_due_on.isoformat(), **data)  # fmt: skip
    subject = _("“%(title)s” needs rectification by %(due)s") % {
        "title": matter.title,
        "due": new_due_on.isoformat(),
    }
    _notify(_unit_users(matter.department) + _members(matter), "supervision.rectify", subject, matter,
            body=rectification)  # fmt: skip
    return evaluation


# --- publication (事结公示) ------------------------------------------------------------------


@transaction.atomic
def matter_publish(*, actor, matter_id: int, title: str, summary: str) -> Matter:
    """Publish a closed matter on the public results page, in words without any citizen."""
    matter = _office_matter(actor, matter_id)
    if matter.state != State.CLOSED:
        raise DomainError(_("Only a matter closed as solved can be published."))
    matter.published_title = required_text(title, "title", _("Give the published title."), 100)
    matter.published_summary = required_text(
        summary, "summary", _("Describe the outcome to publish."), 5000
    )
    matter.published = True
    matter.save(update_fields=["published", "published_title", "published_summary"])
    events.record(actor=actor, target=matter, action="matter_publish")
    return matter


# Deputies' suggestions (建议办理) have their workflow beside the matters, in the nested app;
# their transitions are reachable from here too (named, so no name of this module is shadowed).
from supervision.suggestions.workflow import (  # noqa: E402, F401
    suggestion_accept,
    suggestion_assign,
    suggestion_close,
    suggestion_co_opinion,
    suggestion_contact,
    suggestion_convert,
    suggestion_decide_extension,
    suggestion_draft,
    suggestion_explain,
    suggestion_first_review,
    suggestion_mark_key,
    suggestion_plan,
    suggestion_rate,
    suggestion_recheck,
    suggestion_reclassify,
    suggestion_reply,
    suggestion_request_extension,
    suggestion_return,
    suggestion_return_misassigned,
    suggestion_submit,
    suggestion_supervise,
    suggestion_update,
    suggestion_withdraw,
    suggestions_assign_batch,
)
