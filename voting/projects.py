"""Workflow functions of adopted projects: milestones, the department's progress reports
with photos, deputies' supervision visits, and the year-end evaluation (测评打分)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from portal import access, events
from portal.errors import DomainError, required_text
from stations.models import Representative
from voting.models import (
    Candidate,
    Cycle,
    Evaluation,
    Milestone,
    ProgressReport,
    Rating,
    ReportPhoto,
    RollEntry,
    SupervisionVisit,
)
from voting.vocabulary import Action

Stage = Cycle.Stage
SUPERVISED_STAGES = {Stage.ANNOUNCE, Stage.SUPERVISE, Stage.EVALUATE}
MAX_PHOTOS = 6


def _project(actor, project_id: int, *, lock: bool = False) -> Candidate:
    queryset = Candidate.objects.select_related("cycle", "region", "department")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    project = access.get_object_or_404(actor, queryset, pk=project_id)
    if project.outcome != Candidate.Outcome.ADOPTED:
        raise DomainError(_("Only an adopted project is supervised."))
    if project.cycle.stage not in SUPERVISED_STAGES:
        raise DomainError(_("The project is not being implemented."))
    return project


def _is_office(actor, project: Candidate) -> bool:
    return access.can_by_region(actor, access.MANAGE, project)


def _is_department(actor, project: Candidate) -> bool:
    return bool(actor.department_id) and actor.department_id == project.department_id


def _require_office_or_department(actor, project: Candidate) -> None:
    if not (_is_office(actor, project) or _is_department(actor, project)):
        raise PermissionDenied(
            _("Only the congress office or the responsible department does this.")
        )


def _progress(value, field: str = "progress") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise DomainError(_("Enter a progress from 0 to 100."), field=field)
    return value


@transaction.atomic
def milestone_add(*, actor, project_id: int, title: str, due_on: datetime.date | None = None,
                  weight: int = 1) -> Milestone:  # fmt: skip
    project = _project(actor, project_id, lock=True)
    _require_office_or_department(actor, project)
    title = required_text(title, "title", _("Give the milestone a title."), 100)
    if not isinstance(weight, int) or not 1 <= weight <= 100:
        raise DomainError(_("Enter a weight from 1 to 100."), field="weight")
    milestone = Milestone.objects.create(
        region=project.region, project=project, title=title, due_on=due_on, weight=weight
    )
    events.record(actor=actor, target=milestone, action=Action.MILESTONE_ADD)
    return milestone


@transaction.atomic
def report_submit(
    *, actor, project_id: int, text: str, milestone_id: int | None = None,
    progress: int | None = None, photos: Sequence[tuple[bytes, int, int]] = (),
) -> ProgressReport:  # fmt: skip
    """The responsible department (or the office) reports on the project; a progress given
    for a milestone updates it. ``photos`` are already re-encoded (``portal.images``)."""
    project = _project(actor, project_id, lock=True)
    _require_office_or_department(actor, project)
    text = required_text(text, "text", _("Write the report."), 5000)
    if len(photos) > MAX_PHOTOS:
        raise DomainError(_("At most 6 photos."), field="photos")
    milestone = None
    if milestone_id is not None:
        milestone = (
            Milestone.objects.select_for_update().filter(pk=milestone_id, project=project).first()
        )
        if milestone is None:
            raise DomainError(_("Choose a milestone of this project."), field="milestone")
    if progress is not None:
        if milestone is None:
            raise DomainError(_("Choose the milestone the progress is for."), field="milestone")
        progress = _progress(progress)
    report = ProgressReport.objects.create(
        region=project.region, project=project, milestone=milestone, progress=progress,
        text=text, author=actor,
    )  # fmt: skip
    for number, (data, width, height) in enumerate(photos, start=1):
        photo = ReportPhoto(region=project.region, report=report, width=width, height=height)
        photo.image.save(f"project-{project.pk}-{report.pk}-{number}.jpg", ContentFile(data),
                         save=False)  # fmt: skip
        photo.save()
    before = ""
    if milestone is not None and progress is not None:
        before = str(milestone.progress)
        milestone.progress = progress
        milestone.save(update_fields=["progress"])
    events.record(actor=actor, target=report, action=Action.REPORT_SUBMIT, before=before,
                  after=str(progress) if progress is not None else "",
                  data={"milestone": milestone.pk if milestone else None,
                        "photos": len(photos)})  # fmt: skip
    return report


def _cycle_deputies(cycle: Cycle):
    return RollEntry.objects.filter(vote__cycle=cycle).values("representative_id")


@transaction.atomic
def visit_record(*, actor, project_id: int, date: datetime.date, findings: str,
                 representative_ids: Sequence[int] = ()) -> SupervisionVisit:  # fmt: skip
    """Record deputies' supervision visit to a project: by the office, or by a deputy of
    the cycle (who is then among the visitors)."""
    project = _project(actor, project_id, lock=True)
    ids = set(representative_ids)
    if not _is_office(actor, project):
        own = Representative.objects.filter(user=actor, pk__in=_cycle_deputies(project.cycle))
        own = own.first()
        if own is None:
            raise PermissionDenied(_("Only the office or deputies of the cycle record visits."))
        ids.add(own.pk)
    if not ids:
        raise DomainError(_("Choose the deputies who visited."), field="deputies")
    deputies = list(
        Representative.objects.filter(pk__in=ids).filter(pk__in=_cycle_deputies(project.cycle))
    )
    if len(deputies) != len(ids):
        raise DomainError(_("Choose deputies of this cycle."), field="deputies")
    if not isinstance(date, datetime.date):
        raise DomainError(_("Enter the date of the visit."), field="date")
    findings = required_text(findings, "findings", _("Write what the deputies found."), 5000)
    visit = SupervisionVisit.objects.create(
        region=project.region, project=project, date=date, findings=findings, recorded_by=actor
    )
    visit.deputies.set(deputies)
    events.record(actor=actor, target=visit, action=Action.VISIT_RECORD,
                  data={"deputies": sorted(ids)})  # fmt: skip
    return visit


@transaction.atomic
def evaluation_submit(*, actor, project_id: int, rating: str = "",
                      score: int | None = None) -> Evaluation:  # fmt: skip
    """A deputy of the cycle evaluates an adopted project once, in the evaluation stage:
    a rating or a 0–100 score, as the cycle is set."""
    project = _project(actor, project_id)
    if project.cycle.stage != Stage.EVALUATE:
        raise DomainError(_("The evaluation has not started."))
    deputy = Representative.objects.filter(
        user=actor, pk__in=_cycle_deputies(project.cycle)
    ).first()
    if deputy is None:
        raise PermissionDenied(_("Only deputies of the cycle evaluate its projects."))
    if project.cycle.evaluation_mode == Cycle.EvaluationMode.SCORE:
        if (
            score is None
            or isinstance(score, bool)
            or not isinstance(score, int)
            or not (0 <= score <= 100)
        ):
            raise DomainError(_("Give a score from 0 to 100."), field="score")
        values = {"score": score, "rating": ""}
    else:
        if rating not in Rating.values:
            raise DomainError(
                _("Choose satisfied, basically satisfied or unsatisfied."), field="rating"
            )
        values = {"rating": rating, "score": None}
    try:
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                region=project.region, project=project, representative=deputy, **values
            )
    except IntegrityError:
        raise DomainError(_("You have already evaluated this project."), field="rating") from None
    events.record(actor=actor, target=evaluation, action=Action.EVALUATION_SUBMIT,
                  after=values["rating"] or str(values["score"]))  # fmt: skip
    return evaluation


def notify_evaluation(cycle: Cycle) -> None:
    """Tell the cycle's deputies that the evaluation is open (called by the transition)."""
    from portal.models import User
    from portal.notifications import notify

    users = User.objects.filter(representative__in=_cycle_deputies(cycle), is_active=True)
    notify(
        recipients=users, kind="voting.evaluate",
        subject=_("Evaluate the livelihood projects of “%(cycle)s”") % {"cycle": cycle.title},
        url=reverse("voting_desk:projects"), target=cycle,
    )  # fmt: skip
