"""Signed-in pages of supervision matters (the list is ``supervision.tables``): the
statistics, a new matter made from citizen issues, and one matter with the actions that fit
its state and the user — the office (study, group, department and deadline, publication),
the group's members (work log, evaluation, from a phone) and the responsible department
(progress, completion).

Every read goes through ``supervision.queries``; every change is a ``supervision.workflow``
function. The matter page is a ``portal.desk.ObjectDesk``: a refused change re-renders the
page with the error (400); an action the user may not take is 403; a matter outside the
user's scope is 404.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from petitions.models import Petition
from portal import access
from portal.desk import DeskAction, ObjectDesk
from portal.errors import DomainError, show_on_form
from portal.models import Region
from portal.views import private_file
from supervision import forms as f
from supervision import queries, workflow
from supervision.models import GroupMember, Matter, WorkLog

State = Matter.State
OFFICE, MEMBER, UNIT = "office", "member", "unit"


def _link(user, matter: Matter, data: dict) -> None:
    ids = list(
        access.visible(user, Petition.objects.filter(tracking_code__in=data["codes"])).values_list(
            "pk", flat=True
        )
    )
    if len(ids) != len(set(data["codes"])):
        raise DomainError(_("Some tracking codes were not found."), field="codes")
    workflow.matter_link_issues(actor=user, matter_id=matter.pk, petition_ids=ids)


def _group(user, matter: Matter, data: dict) -> None:
    members = [(data["leader"].pk, GroupMember.Role.LEADER, "")]
    members += [(m.pk, GroupMember.Role.MEMBER, "") for m in data["members"]]
    workflow.matter_form_group(
        actor=user, matter_id=matter.pk, duties=data["duties"], members=members
    )


def _a(title, done, form, run, who, applies, files=False) -> DeskAction:
    return DeskAction(title, done, form, run, frozenset(who), applies, files)


class MatterDesk(ObjectDesk):
    """The page of one matter (``/desk/matters/<id>/``) and its action POSTs."""

    template = "supervision/desk_detail.html"
    url_namespace = "supervision_desk"
    object_name = "matter"
    detail_url_name = "matter_detail"
    list_url_name = "matter_list"
    actions = {
        "study": _a(
            _l("Record the study and classify"), _l("The study has been recorded."), f.StudyForm,
            lambda u, m, d: workflow.matter_study(
                actor=u, matter_id=m.pk, studied_on=d["studied_on"], decision=d["decision"],
                classification=d["classification"], explanation=d["explanation"]),
            {OFFICE}, lambda m: m.can_move_to(State.ORGANIZING),
        ),
        "link": _a(
            _l("Add citizen issues"), _l("The issues have been linked to the matter."), f.LinkForm,
            _link, {OFFICE}, lambda m: not m.is_closed,
        ),
        "group": _a(
            _l("Form the supervision group"), _l("The group has been formed."), f.GroupForm, _group,
            {OFFICE}, lambda m: m.state == State.ORGANIZING and not hasattr(m, "group"),
        ),
        "add_member": _a(
            _l("Add a member"), _l("The member has joined the group."), f.MemberForm,
            lambda u, m, d: workflow.matter_add_member(
                actor=u, matter_id=m.pk, user_id=d["user"].pk, role=d["role"],
                duties=d["duties"]),
            {OFFICE}, lambda m: not m.is_closed and hasattr(m, "group"),
        ),
        "remove_member": _a(
            _l("A member leaves the group"), _l("The member has left the group."),
            f.RemoveMemberForm,
            lambda u, m, d: workflow.matter_remove_member(
                actor=u, matter_id=m.pk, member_id=d["member"].pk, reason=d["reason"]),
            {OFFICE}, lambda m: not m.is_closed and hasattr(m, "group"),
        ),
        "start": _a(
            _l("Hand to the department with a deadline"), _l("Time-limited handling has begun."),
            f.StartForm,
            lambda u, m, d: workflow.matter_start(
                actor=u, matter_id=m.pk, department_id=d["department"].pk,
                due_on=d["due_on"]),
            {OFFICE}, lambda m: m.state == State.ORGANIZING,
        ),
        "log": _a(
            _l("Log the group's work"), _l("The work has been logged."), f.LogForm,
            lambda u, m, d: workflow.matter_log(
                actor=u, matter_id=m.pk, kind=d["kind"], happened_on=d["happened_on"],
                text=d["text"], photo=d.get("photo") or None),
            {MEMBER}, lambda m: m.state in (State.ORGANIZING, State.HANDLING, State.EVALUATING),
            files=True,
        ),
        "progress": _a(
            _l("Report progress"), _l("The progress has been reported."), f.ProgressForm,
            lambda u, m, d: workflow.matter_log(
                actor=u, matter_id=m.pk, kind=WorkLog.Kind.PROGRESS,
                happened_on=d["happened_on"], text=d["text"], photo=d.get("photo") or None),
            {UNIT}, lambda m: m.state == State.HANDLING, files=True,
        ),
        "report": _a(
            _l("Report the work done"), _l("The completion has been reported to the group."),
            f.ReportForm,
            lambda u, m, d: workflow.matter_report_completion(
                actor=u, matter_id=m.pk, report=d["report"]),
            {UNIT}, lambda m: m.can_move_to(State.EVALUATING),
        ),
        "evaluate": _a(
            _l("Evaluate this round"), _l("The evaluation has been recorded."), f.EvaluateForm,
            lambda u, m, d: workflow.matter_evaluate(
                actor=u, matter_id=m.pk, round_number=m.round, verdict=d["verdict"],
                checked_on=d["checked_on"], findings=d["findings"], result=d["result"],
                rectification=d["rectification"], new_due_on=d["new_due_on"]),
            {MEMBER}, lambda m: m.can_move_to(State.CLOSED),
        ),
        "publish": _a(
            _l("Publish the outcome"), _l("The outcome has been published."), f.PublishForm,
            lambda u, m, d: workflow.matter_publish(
                actor=u, matter_id=m.pk, title=d["title"], summary=d["summary"]),
            {OFFICE}, lambda m: m.state == State.CLOSED,
        ),
    }  # fmt: skip

    def get_object(self, user, pk) -> Matter:
        return queries.matter_for(user, pk)

    def roles(self, user, matter: Matter) -> set[str]:
        roles = set()
        if queries.is_office_of(user, matter):
            roles.add(OFFICE)
        if queries.is_member(user, matter):
            roles.add(MEMBER)
        if queries.is_unit(user, matter):
            roles.add(UNIT)
        return roles

    def allowed(self, action: DeskAction, roles: set[str]) -> bool:
        # The office may record on behalf of the group and the department.
        who = set(action.who)
        return bool(roles & who) or (OFFICE in roles and bool(who & {MEMBER, UNIT}))

    def form_kwargs(self, name: str, matter: Matter) -> dict:
        if name in ("group", "add_member"):
            return {"candidates": queries.member_candidates(matter)}
        if name == "remove_member":
            members = GroupMember.objects.filter(group__matter=matter, left_at__isnull=True)
            return {"members": members.select_related("user")}
        if name == "start":
            return {"units": workflow.units_for(matter.region)}
        return {}

    def initial(self, name: str, matter: Matter) -> dict | None:
        today = timezone.localdate()
        if name in ("study", "log", "progress"):
            return {"studied_on": today, "happened_on": today}
        if name == "evaluate":
            return {"checked_on": today}
        if name == "publish":
            return {"title": matter.published_title or matter.title,
                    "summary": matter.published_summary or matter.result}  # fmt: skip
        return None

    def extra_context(self, request, matter: Matter) -> dict:
        group = getattr(matter, "group", None)
        links = list(
            matter.links.select_related("petition").order_by("pk").only(
                "pk", "petition__id", "petition__tracking_code", "petition__title",
                "petition__state", "petition__region_id",
            )[:200]
        )  # fmt: skip
        return {
            "light": queries.deadline_light(matter),
            "group": group,
            "members": (
                list(group.members.select_related("user", "representative")) if group else []
            ),
            "rounds": list(queries.evaluated_rounds(matter).select_related("evaluation")),
            "logs": list(matter.logs.select_related("author")[:200]),
            "links": links,
            "link_count": matter.links.count(),
            "may_open_issues": queries.is_office_of(request.user, matter),
        }


matter_desk = MatterDesk()


# --- pages -----------------------------------------------------------------------------------


def _may_create(user) -> bool:
    return access.is_office(user, access.MANAGE)


def _creatable_regions(user):
    return access.visible(
        user, Region.objects.filter(level__lte=Region.Level.TOWNSHIP), access.MANAGE
    ).order_by("path")


@login_required
def matter_new(request):
    """Put a matter on the list: typed in, or made from the issues chosen on the issue pages
    or a topic of concentrated issues (``?petitions=1,2,3``)."""
    user = request.user
    if not _may_create(user):
        raise PermissionDenied(_("Only congress office staff put matters on the list."))
    regions = _creatable_regions(user)
    initial = {"petitions": request.GET.get("petitions", "")[:6000],
               "region": user.region_id}  # fmt: skip
    form = f.MatterForm(request.POST or None, regions=regions, initial=initial)
    chosen = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            matter = workflow.matter_create(
                actor=user, region_id=data["region"].pk, title=data["title"],
                description=data["description"], petition_ids=data["petitions"],
                source=Matter.Source.TOPIC if request.POST.get("topic") == "1" and data["petitions"]
                else None,
            )  # fmt: skip
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The matter is on the list."))
            return redirect("supervision_desk:matter_detail", pk=matter.pk)
    raw = form.data.get("petitions") if form.is_bound else initial["petitions"]
    ids = [int(p) for p in (raw or "").split(",") if p.isascii() and p.isdecimal()][:500]
    if ids:
        chosen = list(
            access.visible(user, Petition.objects.filter(pk__in=ids)).only(
                "pk", "tracking_code", "title", "state"
            )
        )
    status = 400 if form.is_bound else 200
    return render(
        request, "supervision/desk_new.html",
        {"form": form, "chosen": chosen, "topic": request.GET.get("topic") or request.POST.get("topic")},
        status=status,
    )  # fmt: skip


@login_required
def log_photo(request, log_pk):
    """Serve a work-log photo to those who see the matter, never from a public media URL."""
    log = access.get_object_or_404(request.user, WorkLog.objects.exclude(photo=""), pk=log_pk)
    return private_file(log.photo)


def _period(request) -> tuple[datetime.date, datetime.date, f.PeriodForm]:
    today = timezone.localdate()
    initial = {"start": today.replace(month=1, day=1), "end": today}
    form = f.PeriodForm(request.GET or None, initial=initial)
    if form.is_bound and form.is_valid():
        return form.cleaned_data["start"], form.cleaned_data["end"], form
    return initial["start"], initial["end"], form


@login_required
def matter_statistics(request):
    """Matters per region subtree and period: opened, closed, rounds per matter, on-time
    rate and the share closed at the first evaluation."""
    user = request.user
    if not access.is_office(user):
        raise PermissionDenied(_("Only congress office staff see this page."))
    start, end, form = _period(request)
    if user.is_superuser:
        roots = list(Region.objects.filter(parent__isnull=True).order_by("path")[:20])
    else:
        paths = access.region_paths(user, access.VIEW)
        roots = list(Region.objects.filter(path__in=paths).order_by("path"))
    roots = roots[:20]
    children: dict[int, list[Region]] = {}
    for child in Region.objects.filter(parent__in=roots).order_by("path"):
        children.setdefault(child.parent_id, []).append(child)
    rows = []
    for root in roots:
        rows.append((root, True))
        rows += [(child, False) for child in children.get(root.pk, [])[:200]]
    stats = queries.matter_statistics([region for region, _top in rows], start, end)
    tops = {region.pk for region, top in rows if top}
    return render(
        request, "supervision/desk_statistics.html",
        {"form": form, "stats": stats, "tops": tops, "start": start, "end": end},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )  # fmt: skip
