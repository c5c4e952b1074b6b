"""Signed-in pages of livelihood-project ballots: the deputy's ballot on a phone, the
tellers' paper entry, the office's cycle page with its stage and vote actions, and the
adopted projects (supervision, department reports, evaluation).

Reads go through ``portal.access``; every change is a workflow function. A refusal
re-renders the page with the message (400); out of scope is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal import access
from portal.errors import DomainError, show_on_form
from portal.filters import filter_list
from portal.views import private_file
from voting import ballots, queries, workflow
from voting import projects as project_flow
from voting.forms import (
    DeputiesForm,
    EvaluateForm,
    MarksForm,
    MilestoneForm,
    NoteForm,
    PaperEnterForm,
    PaperForm,
    ReportForm,
    ResolveForm,
    VisitForm,
)
from voting.models import (
    Candidate,
    Cycle,
    PaperEntry,
    ProgressReport,
    Proposal,
    ReportPhoto,
    RollEntry,
    Vote,
    VoterRecord,
)

Stage = Cycle.Stage


# --- home and cycles -------------------------------------------------------------------


@login_required
def home(request):
    user = request.user
    filters, cycles = filter_list(request, queries.CycleFilter, queries.cycles_for(user))
    context = {
        "open_votes": list(queries.open_votes_of(user)),
        "cycles": list(cycles[:50]),
        "filters": filters,
        "filter_fields": [filters.form[name] for name in ("stage", "year")],
        "is_office": access.is_office(user, access.MANAGE),
    }
    status = 400 if filters.errors else 200
    return render(request, "voting/desk_home.html", context, status=status)


def _cycle_for(user, pk) -> Cycle:
    return access.get_object_or_404(user, Cycle.objects.select_related("region"), pk=pk)


@login_required
def cycle_detail(request, pk: int, status: int = 200, problem: str = ""):
    cycle = _cycle_for(request.user, pk)
    office = access.can_by_region(request.user, access.MANAGE, cycle)
    proposals = []
    if office:
        proposals = list(
            Proposal.objects.filter(cycle=cycle)
            .select_related("merged_into")
            .order_by("-support", "id")[:300]
        )
    votes = list(cycle.votes.order_by("round"))
    context = {
        "cycle": cycle,
        "office": office,
        "proposals": proposals,
        "candidates": list(cycle.candidates.select_related("department")),
        "votes": votes,
        "next_stages": cycle.stages_next() if office else [],
        "may_prepare": office and not votes and cycle.stage in (Stage.DELIBERATE, Stage.VOTE),
        "problem": problem,
    }
    return render(request, "voting/desk_cycle.html", context, status=status)


@login_required
@require_POST
def cycle_action(request, pk: int, action: str):
    cycle = _cycle_for(request.user, pk)
    try:
        if action == "advance":
            to = request.POST.get("to", "")
            workflow.cycle_advance(actor=request.user, cycle_id=cycle.pk, to=to)
            messages.success(request, _("The cycle has moved to “%(stage)s”.")
                             % {"stage": Stage(to).label})  # fmt: skip
        elif action == "prepare":
            workflow.vote_prepare(actor=request.user, cycle_id=cycle.pk,
                                  session=request.POST.get("session", ""))  # fmt: skip
            messages.success(request, _("The vote has been prepared with the roll of deputies."))
        else:
            raise Http404(_("No such action."))
    except DomainError as error:
        return cycle_detail(request, pk, status=400, problem=error.message)
    return redirect("voting_desk:cycle", pk=cycle.pk)


# --- the deputy's ballot ---------------------------------------------------------------


def _candidates(vote: Vote):
    return list(vote.candidates.order_by("number").only("pk", "number", "title", "budget"))


@never_cache
@login_required
def ballot(request, pk: int):
    """The deputy's electronic ballot: one choice per candidate, at most N yes; after
    casting, the receipt code is shown once and never again."""
    vote = access.get_object_or_404(request.user, Vote.objects.select_related("cycle"), pk=pk)
    entry = RollEntry.objects.filter(vote=vote, representative__user=request.user).first()
    if entry is None:
        raise PermissionDenied(_("You are not on the roll of this vote."))
    voted = VoterRecord.objects.filter(vote=vote, representative_id=entry.representative_id)
    candidates = _candidates(vote)
    form = MarksForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            receipt = ballots.ballot_cast(actor=request.user, vote_id=vote.pk,
                                          choices=form.marks())  # fmt: skip
        except DomainError as error:
            show_on_form(form, error)
            status = 400
        else:
            context = {"vote": vote, "receipt": ballots.format_receipt(receipt)}
            return render(request, "voting/desk_receipt.html", context)
    elif request.method == "POST":
        status = 400
    context = {"vote": vote, "form": form, "has_voted": voted.exists()}
    return render(request, "voting/desk_ballot.html", context, status=status)


# --- the tellers ----------------------------------------------------------------------


@never_cache
@login_required
def paper(request, pk: int, forms: dict | None = None, status: int = 200, problem: str = ""):
    """The tellers' page: issue paper ballots, enter them, confirm others' entries blind,
    resolve mismatches; and the running figures."""
    vote = ballots.teller_vote(request.user, pk, lock=False)
    candidates = _candidates(vote)
    forms = forms or {}
    without_ballot = (
        RollEntry.objects.filter(vote=vote)
        .exclude(representative_id__in=vote.voters.values("representative_id"))
        .select_related("representative")
        .order_by("representative__name")
    )
    entries = list(
        PaperEntry.objects.filter(vote=vote, state__in=["entered", "mismatch"])
        .select_related("first_teller", "second_teller")
        .order_by("sheet")
    )
    for entry in entries:
        form_class = PaperForm if entry.state == PaperEntry.State.ENTERED else ResolveForm
        entry.form = forms.get(entry.pk) or form_class(candidates=candidates, prefix=f"e{entry.pk}")
        entry.mine = entry.first_teller_id == request.user.pk
    context = {
        "vote": vote,
        "issue_form": forms.get("issue") or DeputiesForm(roll=without_ballot),
        "enter_form": forms.get("enter") or PaperEntryFormFactory(candidates),
        "entries": entries,
        "figures": queries.tally(vote),
        "office": access.can_by_region(request.user, access.MANAGE, vote),
        "problem": problem,
    }
    return render(request, "voting/desk_paper.html", context, status=status)


def PaperEntryFormFactory(candidates, data=None):  # noqa: N802 - reads like a form class
    return PaperEnterForm(data, candidates=candidates, prefix="new")


@login_required
@require_POST
def vote_action(request, pk: int, action: str):
    user = request.user
    vote = access.get_object_or_404(user, Vote.objects.select_related("cycle"), pk=pk)
    try:
        if action in ("open", "close", "runoff"):
            function = {"open": workflow.vote_open, "close": ballots.vote_close,
                        "runoff": workflow.vote_runoff}[action]  # fmt: skip
            result = function(actor=user, vote_id=vote.pk)
            messages.success(request, _("Done."))
            if action == "runoff":
                return redirect("voting_desk:cycle", pk=result.cycle_id)
            return redirect("voting_desk:cycle", pk=vote.cycle_id)
        vote = ballots.teller_vote(user, pk, lock=False)
        if action == "issue":
            roll = RollEntry.objects.filter(vote=vote).select_related("representative")
            form = DeputiesForm(request.POST, roll=roll)
            if not form.is_valid():
                return paper(request, pk, {"issue": form}, status=400)
            count = ballots.paper_issue(actor=user, vote_id=vote.pk,
                                        representative_ids=form.cleaned_data["deputies"])  # fmt: skip
            messages.success(request, _("%(count)d paper ballots issued.") % {"count": count})
        elif action == "enter":
            form = PaperEntryFormFactory(_candidates(vote), request.POST)
            if not form.is_valid():
                return paper(request, pk, {"enter": form}, status=400)
            try:
                entry = ballots.paper_enter(
                    actor=user, vote_id=vote.pk, sheet=form.cleaned_data["sheet"],
                    choices=form.marks(), invalid=form.cleaned_data["invalid"],
                )  # fmt: skip
            except DomainError as error:
                show_on_form(form, error)
                return paper(request, pk, {"enter": form}, status=400)
            messages.success(request, _("Sheet %(sheet)d entered; a second teller confirms it.")
                             % {"sheet": entry.sheet})  # fmt: skip
        else:
            raise Http404(_("No such action."))
    except DomainError as error:
        if action in ("open", "close", "runoff"):
            return cycle_detail(request, vote.cycle_id, status=400, problem=error.message)
        return paper(request, pk, status=400, problem=error.message)
    return redirect("voting_desk:paper", pk=vote.pk)


@login_required
@require_POST
def paper_action(request, pk: int, action: str):
    user = request.user
    entry = access.get_object_or_404(user, PaperEntry.objects.all(), pk=pk)
    vote = ballots.teller_vote(user, entry.vote_id, lock=False)
    candidates = _candidates(vote)
    prefix = f"e{entry.pk}"
    try:
        if action == "confirm":
            form = PaperForm(request.POST, candidates=candidates, prefix=prefix)
            if not form.is_valid():
                return paper(request, vote.pk, {entry.pk: form}, status=400)
            entry = ballots.paper_confirm(actor=user, entry_id=entry.pk, choices=form.marks(),
                                          invalid=form.cleaned_data["invalid"])  # fmt: skip
            if entry.state == PaperEntry.State.MISMATCH:
                messages.error(request, _("Sheet %(sheet)d: the two readings differ. Check the "
                                          "paper ballot and resolve it.") % {"sheet": entry.sheet})  # fmt: skip
            else:
                messages.success(request, _("Sheet %(sheet)d counted.") % {"sheet": entry.sheet})
        elif action == "resolve":
            form = ResolveForm(request.POST, candidates=candidates, prefix=prefix)
            if not form.is_valid():
                return paper(request, vote.pk, {entry.pk: form}, status=400)
            ballots.paper_resolve(actor=user, entry_id=entry.pk, choices=form.marks(),
                                  invalid=form.cleaned_data["invalid"],
                                  note=form.cleaned_data["note"])  # fmt: skip
            messages.success(request, _("Sheet %(sheet)d counted.") % {"sheet": entry.sheet})
        elif action == "discard":
            form = NoteForm(request.POST, prefix=prefix)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            ballots.paper_discard(actor=user, entry_id=entry.pk, note=note)
            messages.success(request, _("The entry was dropped."))
        else:
            raise Http404(_("No such action."))
    except DomainError as error:
        return paper(request, vote.pk, status=400, problem=error.message)
    return redirect("voting_desk:paper", pk=vote.pk)


# --- adopted projects -----------------------------------------------------------------


@login_required
def projects(request):
    filters, found = filter_list(
        request, queries.ProjectFilter, queries.adopted_projects_for(request.user)
    )
    rows = list(found[:200])
    for project in rows:
        project.progress = queries.progress_of(project)
    context = {"projects": rows, "filters": filters, "filter_fields": [filters.form["year"]]}
    return render(
        request, "voting/desk_projects.html", context, status=400 if filters.errors else 200
    )


def _project_context(request, project: Candidate, forms: dict | None = None) -> dict:
    user = request.user
    forms = forms or {}
    cycle = project.cycle
    office = access.can_by_region(user, access.MANAGE, project)
    department = bool(user.department_id) and user.department_id == project.department_id
    deputy = RollEntry.objects.filter(vote__cycle=cycle, representative__user=user).exists()
    evaluated = project.evaluations.filter(representative__user=user).first()
    open_stage = cycle.stage in (Stage.ANNOUNCE, Stage.SUPERVISE, Stage.EVALUATE)
    reports = (
        ProgressReport.objects.filter(project=project)
        .select_related("author", "milestone")
        .prefetch_related(Prefetch("photos", ReportPhoto.objects.only("pk", "report_id")))
        .order_by("-created_at", "-id")[:50]
    )
    return {
        "project": project,
        "cycle": cycle,
        "progress": queries.progress_of(project),
        "milestones": list(project.milestones.all()),
        "reports": list(reports),
        "visits": list(project.visits.prefetch_related("deputies").order_by("-date")[:50]),
        "may_report": open_stage and (office or department),
        "may_visit": open_stage and (office or deputy),
        "may_evaluate": cycle.stage == Stage.EVALUATE and deputy and evaluated is None,
        "evaluated": evaluated,
        "score_mode": cycle.evaluation_mode == Cycle.EvaluationMode.SCORE,
        "report_form": forms.get("report") or ReportForm(project=project),
        "milestone_form": forms.get("milestone") or MilestoneForm(),
        "visit_form": forms.get("visit") or VisitForm(),
        "evaluate_form": forms.get("evaluate") or EvaluateForm(),
    }


def _project_for(user, pk) -> Candidate:
    queryset = queries.with_progress(
        Candidate.objects.filter(outcome=Candidate.Outcome.ADOPTED).select_related(
            "cycle__region", "department"
        )
    )
    return access.get_object_or_404(user, queryset, pk=pk)


@login_required
def project_detail(request, pk: int):
    project = _project_for(request.user, pk)
    return render(request, "voting/desk_project.html", _project_context(request, project))


FORMS = {"report": ReportForm, "milestone": MilestoneForm, "visit": VisitForm,
         "evaluate": EvaluateForm}  # fmt: skip


@login_required
@require_POST
def project_action(request, pk: int, action: str):
    user = request.user
    project = _project_for(user, pk)
    if action not in FORMS:
        raise Http404(_("No such action."))
    kwargs = {"project": project} if action == "report" else {}
    form = FORMS[action](request.POST, request.FILES, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "report":
                project_flow.report_submit(
                    actor=user, project_id=project.pk, text=data["text"],
                    milestone_id=data["milestone"].pk if data["milestone"] else None,
                    progress=data["progress"], photos=data["photos"],
                )  # fmt: skip
            elif action == "milestone":
                project_flow.milestone_add(actor=user, project_id=project.pk, title=data["title"],
                                           due_on=data["due_on"], weight=data["weight"])  # fmt: skip
            elif action == "visit":
                project_flow.visit_record(actor=user, project_id=project.pk, date=data["date"],
                                          findings=data["findings"])  # fmt: skip
            else:
                project_flow.evaluation_submit(actor=user, project_id=project.pk,
                                               rating=data["rating"], score=data["score"])  # fmt: skip
        except DomainError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("voting_desk:project", pk=project.pk)
    context = _project_context(request, project, {action: form})
    return render(request, "voting/desk_project.html", context, status=400)


@login_required
def photo(request, pk: int):
    item = access.get_object_or_404(request.user, ReportPhoto.objects.all(), pk=pk)
    return private_file(item.image)
