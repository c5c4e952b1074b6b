"""Signed-in pages of deputies' suggestions (phone first): deputies draft, submit, resubmit
and rate; handling units plan, log contacts, reply and ask for more time; the office
reviews, assigns (singly or at an assignment meeting), approves extensions and supervises;
statistics and the yearly report with its Excel ledger.

Every read goes through ``queries`` (``portal.access``); every change is a ``workflow``
function. A refused change re-renders the page with the message (400); an action the user
may not take is 403; a suggestion outside the user's scope is 404.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal import access, events
from portal.errors import DomainError, show_on_form
from portal.models import Department, Region
from portal.pagination import EstimatedCountPaginator
from portal.views import private_file
from supervision.suggestions import exports, queries, similar, workflow
from supervision.suggestions import forms as f
from supervision.suggestions.models import (
    Committee,
    DeadlineExtension,
    HandlingDeadline,
    Reply,
    Session,
    Suggestion,
    SupervisionRecord,
    UnitAssignment,
)

State = Suggestion.State
PAGE_SIZE = 20
HISTORY_LIMIT = 200


# --- who may act ----------------------------------------------------------------------


def roles(user, s: Suggestion) -> set[str]:
    """Return the parts ``user`` plays on the suggestion (no query but the unit's)."""
    found = set()
    rep = getattr(user, "representative", None) if user.is_authenticated else None
    if rep is not None and rep.pk == s.lead_id:
        found.add("lead_deputy")
    if access.can_by_region(user, access.MANAGE, s):
        found |= {"office", "supervisor"}
    if access.can_by_region(user, access.APPROVE, s):
        found.add("approver")
    if s.origin_region_id and access.can_by_region(user, access.MANAGE, s.origin_region):
        found.add("first_reviewer")
    if getattr(user, "department_id", None):
        assignment = UnitAssignment.objects.filter(
            suggestion=s, department_id=user.department_id, active=True
        ).first()
        if assignment is not None:
            found.add("lead_unit" if assignment.role == "lead" else "co_unit")
            found.add("unit")
    if s.committee_id and s.committee.members.filter(pk=user.pk).exists():
        found.add("supervisor")
    return found


def _open_extension(s: Suggestion) -> bool:
    return DeadlineExtension.objects.filter(
        deadline__suggestion=s, deadline__round=s.round, state="requested"
    ).exists()


@dataclass(frozen=True)
class Action:
    title: str
    done: str
    form: type[forms.Form]
    run: Callable[..., object]
    who: str
    applies: Callable[[Suggestion], bool] = lambda s: True


def _sid(s):
    return {"suggestion_id": s.pk}


ACTIONS: dict[str, Action] = {
    "submit": Action(gettext_lazy("Submit"), gettext_lazy("The suggestion has been submitted."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_submit(actor=u, **_sid(s)), "lead_deputy",
        lambda s: s.state in Suggestion.EDITABLE_STATES),
    "withdraw": Action(gettext_lazy("Withdraw"), gettext_lazy("The suggestion has been withdrawn."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_withdraw(actor=u, note=d["note"], **_sid(s)), "lead_deputy",
        lambda s: s.can_move_to(State.WITHDRAWN)),
    "rate": Action(gettext_lazy("Rate the reply and its implementation"), gettext_lazy("Thank you: your rating has been recorded."),
        f.RateForm, lambda u, s, d: workflow.suggestion_rate(actor=u, **_sid(s), **d), "lead_deputy",
        lambda s: s.state == State.REPLIED),
    "pass": Action(gettext_lazy("First review: pass on"), gettext_lazy("Passed on to the secretariat."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_first_review(actor=u, passed=True, note=d["note"], **_sid(s)),
        "first_reviewer", lambda s: s.state == State.FIRST_REVIEW),
    "first_return": Action(gettext_lazy("First review: return for revision"), gettext_lazy("Returned to the deputy."),
        f.ReturnForm, lambda u, s, d: workflow.suggestion_first_review(actor=u, passed=False, **_sid(s), **d),
        "first_reviewer", lambda s: s.state == State.FIRST_REVIEW),
    "accept": Action(gettext_lazy("Accept"), gettext_lazy("The suggestion has been accepted."), f.NoteForm,
        lambda u, s, d: workflow.suggestion_accept(actor=u, note=d["note"], **_sid(s)), "office",
        lambda s: s.state == State.SUBMITTED),
    "return": Action(gettext_lazy("Return for revision"), gettext_lazy("Returned to the deputy."), f.ReturnForm,
        lambda u, s, d: workflow.suggestion_return(actor=u, **_sid(s), **d), "office",
        lambda s: s.state == State.SUBMITTED),
    "explain": Action(gettext_lazy("Answer by explanation"), gettext_lazy("The deputy has been answered."), f.TextForm,
        lambda u, s, d: workflow.suggestion_explain(actor=u, text=d["text"], **_sid(s)), "office",
        lambda s: s.can_move_to(State.EXPLAINED)),
    "convert": Action(gettext_lazy("Convert to another channel"), gettext_lazy("The suggestion has been converted."),
        f.RequiredNoteForm, lambda u, s, d: workflow.suggestion_convert(actor=u, note=d["note"], **_sid(s)),
        "office", lambda s: s.can_move_to(State.CONVERTED)),
    "assign": Action(gettext_lazy("Assign to handling units"), gettext_lazy("The suggestion has been assigned."),
        f.AssignForm, lambda u, s, d: workflow.suggestion_assign(
            actor=u, lead_unit_id=d["lead_unit"], co_unit_ids=d["co_units"], lead_leader=d["lead_leader"],
            received_on=d["received_on"], note=d["note"], **_sid(s)),
        "office", lambda s: s.state == State.ACCEPTED),
    "decide_extension": Action(gettext_lazy("Decide on the extension"), gettext_lazy("The decision has been recorded."),
        f.DecideExtensionForm, lambda u, s, d: workflow.suggestion_decide_extension(
            actor=u, approve=d["decision"] == "approve", note=d["note"], **_sid(s)),
        "approver", lambda s: s.state == State.HANDLING and _open_extension(s)),
    "reclassify": Action(gettext_lazy("Change the reply class"), gettext_lazy("The reply class has been changed."),
        f.ClassForm, lambda u, s, d: workflow.suggestion_reclassify(actor=u, **_sid(s), **d), "office",
        lambda s: s.state in (State.REPLIED, State.COMPLETED)),
    "close": Action(gettext_lazy("Complete without a rating"), gettext_lazy("The suggestion has been completed."),
        f.RequiredNoteForm, lambda u, s, d: workflow.suggestion_close(actor=u, note=d["note"], **_sid(s)),
        "office", lambda s: s.state == State.REPLIED),
    "mark_key": Action(gettext_lazy("Key supervision (重点督办)"), gettext_lazy("The suggestion is under key supervision."),
        f.CommitteeForm, lambda u, s, d: workflow.suggestion_mark_key(
            actor=u, committee_id=d["committee"], note=d["note"], **_sid(s)),
        "office", lambda s: not s.is_key and s.state in (State.SUBMITTED, State.ACCEPTED, State.HANDLING, State.REPLIED)),
    "supervise": Action(gettext_lazy("Record a supervision"), gettext_lazy("The supervision has been recorded."),
        f.SuperviseForm, lambda u, s, d: workflow.suggestion_supervise(actor=u, **_sid(s), **d), "supervisor",
        lambda s: s.state in Suggestion.ASSIGNED_STATES),
    "recheck": Action(gettext_lazy("Re-check (回头看)"), gettext_lazy("The re-check has been recorded."),
        f.RecheckForm, lambda u, s, d: workflow.suggestion_recheck(actor=u, **_sid(s), **d), "supervisor",
        lambda s: s.state in (State.REPLIED, State.COMPLETED) and s.reply_class in ("B", "C")),
    "plan": Action(gettext_lazy("五定: leader, handler, measures, standard"), gettext_lazy("The plan has been recorded."),
        f.PlanForm, lambda u, s, d: workflow.suggestion_plan(actor=u, **_sid(s), **d), "lead_unit",
        lambda s: s.state == State.HANDLING),
    "contact": Action(gettext_lazy("Log a contact with the deputy (三联系)"), gettext_lazy("The contact has been logged."),
        f.ContactForm, lambda u, s, d: workflow.suggestion_contact(actor=u, **_sid(s), **d), "unit",
        lambda s: s.state in Suggestion.ASSIGNED_STATES),
    "reply": Action(gettext_lazy("Reply to the deputy"), gettext_lazy("The reply has been sent to the deputy."),
        f.ReplyForm, lambda u, s, d: workflow.suggestion_reply(actor=u, **_sid(s), **d), "lead_unit",
        lambda s: s.state == State.HANDLING),
    "extension": Action(gettext_lazy("Ask for more time"), gettext_lazy("The request has been sent for approval."),
        f.ExtensionForm, lambda u, s, d: workflow.suggestion_request_extension(actor=u, **_sid(s), **d),
        "lead_unit", lambda s: s.state == State.HANDLING and not _open_extension(s)),
    "opinion": Action(gettext_lazy("Send our opinion to the lead unit (会签)"), gettext_lazy("The opinion has been sent."),
        f.OpinionForm, lambda u, s, d: workflow.suggestion_co_opinion(actor=u, **_sid(s), **d), "co_unit",
        lambda s: s.state == State.HANDLING),
    "not_ours": Action(gettext_lazy("Return: not our responsibility"), gettext_lazy("The suggestion has been returned to the office."),
        f.ReasonForm, lambda u, s, d: workflow.suggestion_return_misassigned(actor=u, reason=d["reason"], **_sid(s)),
        "unit", lambda s: s.state == State.HANDLING),
}  # fmt: skip


def _form(name: str, s: Suggestion, data=None, files=None) -> forms.Form:
    kwargs = {"auto_id": f"id_{name}_%s"}
    if name == "assign":
        kwargs["units"] = workflow.units_for(s)
    if name == "mark_key":
        kwargs["committees"] = Committee.objects.filter(
            region__path__in=Region.ancestor_paths_of(s.region.path)
        )
    if name == "reply":
        kwargs["files"] = files
    return ACTIONS[name].form(data, **kwargs)


# --- list -----------------------------------------------------------------------------


@login_required
def suggestion_list(request):
    """The suggestions the user sees, newest first, with deadline lights."""
    user = request.user
    filters = f.FilterForm(request.GET, has_unit=bool(getattr(user, "department_id", None)))
    filters.is_valid()
    data = filters.cleaned_data
    rows = queries.suggestions_for(user)  # a handler's unit work and own suggestions alike
    if data.get("unit_work"):
        rows = queries.unit_work(user, rows)
    for name in ("state", "period"):
        if data.get(name):
            rows = rows.filter(**{name: data[name]})
    if data.get("overdue"):
        rows = rows.filter(queries.overdue_q())
    if data.get("key"):
        rows = rows.filter(is_key=True)
    page = EstimatedCountPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for s in page:
        s.light = queries.deadline_light(s, today)
    return render(
        request, "suggestions/desk_list.html",
        {"page": page, "filters": filters, "is_deputy": queries.representative_of(user) is not None,
         "is_office": queries.is_office(user)},
    )  # fmt: skip


# --- drafting -------------------------------------------------------------------------


def _targets(rep) -> list[tuple[str, str]]:
    """Sessions and congresses a deputy may file to: their own region and those above."""
    paths = Region.ancestor_paths_of(rep.region.path)
    regions = list(Region.objects.filter(path__in=paths).order_by("-level"))
    sessions = Session.objects.filter(region__in=regions)
    found = [(f"session:{s.pk}", s.name) for s in sessions.order_by("-opens_on")[:20]]
    found += [
        (f"region:{r.pk}", _("%(name)s congress, between sessions") % {"name": r.name})
        for r in regions
    ]
    return found


def _cosigner_choices(rep):
    return queries.cosigner_candidates(rep).only("pk", "name").order_by("name")[:300]


@login_required
def suggestion_new(request):
    """A deputy drafts a suggestion; similar earlier suggestions are shown while drafting."""
    rep = queries.representative_of(request.user)
    if rep is None:
        raise PermissionDenied(_("Only deputies file suggestions."))
    form = f.DraftForm(request.POST or None, targets=_targets(rep), deputies=_cosigner_choices(rep))
    found = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "check" in request.POST:
            found = similar.similar_to(data["title"], data["content"], rep)
        else:
            try:
                s = workflow.suggestion_draft(
                    actor=request.user, title=data["title"], content=data["content"],
                    category=data["category"], cosigner_ids=[int(x) for x in data["cosigners"]],
                    **form.target_kwargs(),
                )  # fmt: skip
            except DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(
                    request, _("The draft has been saved. Submit it when it is ready.")
                )
                return redirect("suggestions_desk:detail", pk=s.pk)
    status = 400 if request.method == "POST" and "check" not in request.POST else 200
    if request.method == "POST" and "check" in request.POST and form.is_valid():
        status = 200
    return render(
        request,
        "suggestions/desk_form.html",
        {"form": form, "similar": found, "editing": False},
        status=status,
    )


@login_required
def suggestion_edit(request, pk):
    """The lead deputy revises a draft or a returned suggestion."""
    s = queries.suggestion_for(request.user, pk)
    rep = queries.representative_of(request.user)
    if rep is None or rep.pk != s.lead_id:
        raise PermissionDenied(_("Only the lead deputy changes the suggestion."))
    initial = {"title": s.title, "content": s.content, "category": s.category,
               "cosigners": [str(pk) for pk in s.cosigners.values_list("pk", flat=True)]}  # fmt: skip
    form = f.DraftForm(
        request.POST or None,
        initial=initial,
        targets=[],
        deputies=_cosigner_choices(rep),
        editing=True,
    )
    found = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "check" in request.POST:
            found = similar.similar_to(data["title"], data["content"], rep, exclude=s.pk)
        else:
            try:
                workflow.suggestion_update(
                    actor=request.user, suggestion_id=s.pk, title=data["title"], content=data["content"],
                    category=data["category"], cosigner_ids=[int(x) for x in data["cosigners"]],
                )  # fmt: skip
            except DomainError as exc:
                show_on_form(form, exc)
            else:
                messages.success(request, _("The suggestion has been saved."))
                return redirect("suggestions_desk:detail", pk=s.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "suggestions/desk_form.html",
        {"form": form, "similar": found, "editing": True, "suggestion": s},
        status=status,
    )


# --- one suggestion -------------------------------------------------------------------


HISTORY_LABELS = {
    "suggestion_draft": gettext_lazy("Drafted"), "suggestion_update": gettext_lazy("Revised"),
    "suggestion_submit": gettext_lazy("Submitted"), "suggestion_withdraw": gettext_lazy("Withdrawn"),
    "suggestion_first_review": gettext_lazy("Passed the first review"),
    "suggestion_return": gettext_lazy("Returned for revision"), "suggestion_accept": gettext_lazy("Accepted"),
    "suggestion_explain": gettext_lazy("Answered by explanation"), "suggestion_convert": gettext_lazy("Converted"),
    "suggestion_assign": gettext_lazy("Assigned"), "suggestion_plan": gettext_lazy("五定 recorded"),
    "suggestion_contact": gettext_lazy("Contact with the deputy"),
    "suggestion_co_opinion": gettext_lazy("Co-handling opinion"),
    "suggestion_co_return": gettext_lazy("Returned by a co-handling unit"),
    "suggestion_return_misassigned": gettext_lazy("Returned by the lead unit: not its responsibility"),
    "suggestion_request_extension": gettext_lazy("Extension requested"),
    "suggestion_approve_extension": gettext_lazy("Extension approved"),
    "suggestion_refuse_extension": gettext_lazy("Extension refused"),
    "suggestion_reply": gettext_lazy("Replied"), "suggestion_reclassify": gettext_lazy("Reply class changed"),
    "suggestion_rate": gettext_lazy("Rated"), "suggestion_reopen": gettext_lazy("Handled again: the deputy is not satisfied"),
    "suggestion_close": gettext_lazy("Completed without a rating"),
    "suggestion_mark_key": gettext_lazy("Put under key supervision"),
    "suggestion_meeting": gettext_lazy("Supervision meeting"), "suggestion_site": gettext_lazy("On-site supervision"),
    "suggestion_recheck": gettext_lazy("Re-check (回头看)"),
}  # fmt: skip


def _history(s: Suggestion) -> list:
    states = dict(State.choices)
    rows = list(events.history(s)[:HISTORY_LIMIT])
    for event in rows:
        event.label = HISTORY_LABELS.get(event.action, event.action)
        event.from_label = (
            states.get(event.from_state, event.from_state)
            if event.from_state != event.to_state
            else ""
        )
        event.to_label = (
            states.get(event.to_state, event.to_state) if event.from_state != event.to_state else ""
        )
    return rows


def _render_detail(request, s: Suggestion, bound: dict | None = None, status: int = 200):
    user = request.user
    mine = roles(user, s)
    bound = bound or {}
    action_forms = [
        {"name": name, "title": action.title, "form": bound.get(name) or _form(name, s), "open": name in bound}
        for name, action in ACTIONS.items()
        if action.who in mine and action.applies(s)
    ]  # fmt: skip
    may_check = s.state in Suggestion.EDITABLE_STATES and "lead_deputy" in mine
    checking = request.method == "GET" and request.GET.get("check") == "similar"
    deadlines = list(
        HandlingDeadline.objects.filter(suggestion=s).prefetch_related(
            Prefetch(
                "extensions", DeadlineExtension.objects.select_related("requested_by", "decided_by")
            )
        )
    )
    context = {
        "s": s, "roles": mine, "action_forms": action_forms, "failed": bool(bound),
        "light": queries.deadline_light(s),
        "cosigners": list(s.cosigners.all()),
        "units": list(s.units.select_related("department")),
        "deadlines": deadlines,
        "replies": list(Reply.objects.filter(suggestion=s).select_related("department", "author")),
        "opinions": list(s.opinions.select_related("department")),
        "contacts": list(s.contacts.select_related("department")),
        "ratings": list(s.ratings.all()),
        "reviews": list(s.reviews.select_related("reviewer")),
        "submissions": list(s.submissions.all()),
        "supervision": list(SupervisionRecord.objects.filter(suggestion=s)),
        "history": _history(s),
        "may_edit": "lead_deputy" in mine and s.state in Suggestion.EDITABLE_STATES,
        # Comparing with the ledger costs hundreds of rows: only when the deputy asks.
        "similar": similar.similar_to(s.title, s.content, s.lead, exclude=s.pk)
        if checking and may_check else [],
        "may_check": may_check, "checked": checking and may_check,
    }  # fmt: skip
    return render(request, "suggestions/desk_detail.html", context, status=status)


@login_required
def suggestion_detail(request, pk):
    return _render_detail(request, queries.suggestion_for(request.user, pk))


@login_required
@require_POST
def suggestion_action(request, pk, action):
    """Run one action of the suggestion page through its workflow function."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(_("No such action."))
    user = request.user
    s = queries.suggestion_for(user, pk)
    if spec.who not in roles(user, s):
        raise PermissionDenied(_("You do not have permission to do this."))
    form = _form(action, s, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            spec.run(user, s, form.cleaned_data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, spec.done)
            if access.can(user, access.VIEW, s):
                return redirect("suggestions_desk:detail", pk=s.pk)
            return redirect("suggestions_desk:list")
    return _render_detail(request, s, bound={action: form}, status=400)


@login_required
def reply_attachment(request, reply_pk):
    """Serve a reply's attachment to those who see the suggestion, never from a public URL:
    always as a download (``portal.uploads``), never shown in the portal's origin."""
    reply = access.get_object_or_404(request.user, Reply.objects.all(), pk=reply_pk)
    response = private_file(reply.attachment, download=True)
    response["Content-Security-Policy"] = "sandbox"  # even if a browser did open it
    return response


# --- the office: batch assignment, statistics, the yearly report -----------------------


def _require_office(user) -> None:
    if not queries.is_office(user):
        raise PermissionDenied(_("Only congress office staff see this page."))


@login_required
def assign_batch(request):
    """交办会: assign many accepted suggestions at once, one lead unit per row."""
    user = request.user
    _require_office(user)
    waiting = list(
        queries.suggestions_for(user, access.MANAGE)
        .filter(state=State.ACCEPTED)
        .order_by("session_id", "number", "id")[:200]
    )
    region_paths = {s.region.path for s in waiting}
    ancestor_paths = {p for path in region_paths for p in Region.ancestor_paths_of(path)}
    units = list(
        Department.objects.filter(region__path__in=ancestor_paths, is_active=True)
        .select_related("region").order_by("-region__level", "name")
    )  # fmt: skip
    error = None
    if request.method == "POST":
        rows = []
        for s in waiting:
            unit = request.POST.get(f"unit_{s.pk}", "")
            if unit.isascii() and unit.isdecimal():
                rows.append({"suggestion_id": s.pk, "lead_unit_id": int(unit),
                             "lead_leader": request.POST.get(f"leader_{s.pk}", "")[:64]})  # fmt: skip
        date_field = forms.DateField(required=False)
        try:
            received_on = date_field.clean(request.POST.get("received_on") or None)
        except forms.ValidationError:
            received_on, error = None, _("Enter a valid date.")
        if error is None:
            try:
                done = workflow.suggestions_assign_batch(
                    actor=user, rows=rows, received_on=received_on,
                    meeting=request.POST.get("meeting", "")[:200],
                )  # fmt: skip
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("%(n)d suggestions assigned.") % {"n": done})
                return redirect("suggestions_desk:list")
    return render(
        request, "suggestions/desk_assign.html",
        {"waiting": waiting, "units": units, "error": error, "today": timezone.localdate()},
        status=400 if error else 200,
    )  # fmt: skip


def _report_scope(request):
    user = request.user
    _require_office(user)
    regions = list(
        access.visible(user, Region.objects.filter(level__lte=Region.Level.TOWNSHIP)).only(
            "pk", "name", "level", "path"
        )[:300]
    )
    form = f.ReportForm(request.GET, regions=regions)
    form.is_valid()
    data = form.cleaned_data
    year = data.get("year") or timezone.localdate().year
    rows = queries.in_period(queries.suggestions_for(user), year=year)
    region = next((r for r in regions if r.pk == data.get("region")), None)
    if region is not None:
        rows = rows.filter(
            region__in=Region.objects.filter(path__startswith=region.path).values("pk")
        )
    return form, year, region, rows


@login_required
def statistics(request):
    """办结率, 答复满意率, 落实满意率 with their formulas, by unit, region, session, period."""
    form, year, region, rows = _report_scope(request)
    grouped = [
        (queries.GROUPINGS[key][2], queries.figures_by(rows, key)) for key in queries.GROUPINGS
    ]
    return render(request, "suggestions/desk_statistics.html", {
        "form": form, "year": year, "region": region, "total": queries.figures(rows),
        "interim": queries.interim_figures(rows), "grouped": grouped,
        "formulas": queries.FORMULAS, "basis": queries.basis_text(),
    })  # fmt: skip


@login_required
def report(request):
    """The yearly handling report, printable: the figures and one row per suggestion."""
    form, year, region, rows = _report_scope(request)
    ledger = list(queries.ledger_queryset(rows))
    return render(request, "suggestions/desk_report.html", {
        "form": form, "year": year, "region": region, "total": queries.figures(rows),
        "columns": queries.ledger_columns(), "rows": [queries.ledger_row(s) for s in ledger],
        "formulas": queries.FORMULAS, "basis": queries.basis_text(),
        "by_unit": queries.figures_by(rows, "unit"), "query": request.GET.urlencode(),
    })  # fmt: skip


@login_required
def report_xlsx(request):
    """The yearly ledger (台账) as an Excel file with the report page's columns."""
    _form, year, region, rows = _report_scope(request)
    title = _("Handling of deputies' suggestions, %(year)d") % {"year": year}
    if region is not None:
        title = f"{region.name} · {title}"
    workbook = exports.ledger_workbook(queries.ledger_queryset(rows), queries.figures(rows), title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="suggestions-{year}.xlsx"'
    return response
