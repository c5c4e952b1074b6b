"""The public pages of livelihood-project ballots (no account): the cycles and their current
stage, candidates, announced results, adopted projects with progress, evaluation results,
the hall's live projector page, the receipt check and the proposal form."""

from __future__ import annotations

import uuid

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from portal import captcha, captcha_sms, errorpages, ratelimit
from portal.errors import DomainError
from voting import ballots, queries, workflow
from voting.forms import ProposalForm, ReceiptForm
from voting.models import Cycle, Proposal, Vote, VoteResult

PAGE_SIZE = 20
PROPOSED_SESSION_KEY = "voting.proposed"


def _cycles():
    return Cycle.objects.select_related("region").order_by("-year", "region__path", "id")


@require_safe
def index(request):
    """Every cycle with its current stage; the cycles taking proposals first."""
    page = Paginator(_cycles(), PAGE_SIZE).get_page(request.GET.get("page"))
    soliciting = list(_cycles().filter(stage=Cycle.Stage.SOLICIT)[:20])
    return render(request, "voting/public_index.html", {"page": page, "soliciting": soliciting})


@require_safe
def cycle(request, pk: int):
    """One cycle: stage, candidates (from the shortlist on), vote results once announced,
    adopted projects with progress, evaluation results once evaluating."""
    cycle = get_object_or_404(_cycles(), pk=pk)
    stages = list(Cycle.Stage)
    context = {
        "cycle": cycle,
        "stages": stages,
        "stage_index": stages.index(Cycle.Stage(cycle.stage)),
        "proposal_count": cycle.proposals.exclude(state=Proposal.State.MERGED).count(),
        "candidates": [],
        "votes": [],
        "projects": [],
        "evaluation": [],
    }
    if cycle.stage != Cycle.Stage.SOLICIT:
        context["candidates"] = list(
            cycle.candidates.filter(withdrawn=False).select_related("department")
        )
    context["votes"] = list(cycle.votes.exclude(state=Vote.State.PREPARED).order_by("round"))
    if cycle.results_public:
        rows = VoteResult.objects.filter(vote__cycle=cycle).select_related("candidate")
        by_vote: dict[int, list] = {}
        for row in rows.order_by("rank", "candidate__number"):
            by_vote.setdefault(row.vote_id, []).append(row)
        for vote in context["votes"]:
            vote.result_rows = by_vote.get(vote.pk, [])
        projects = list(queries.adopted_projects(cycle))
        for project in projects:
            project.progress = queries.progress_of(project)
        context["projects"] = projects
    if cycle.stage == Cycle.Stage.EVALUATE:
        context["evaluation"] = queries.evaluation_results(cycle)
    return render(request, "voting/public_cycle.html", context)


def _vote(pk: int) -> Vote:
    vote = Vote.objects.select_related("cycle__region").filter(pk=pk).first()
    if vote is None:
        raise Http404(_("No such vote."))
    return vote


@require_safe
def live(request, pk: int):
    """The hall's projector page: the figures, refreshed every few seconds from
    ``live.json``; the result when the vote closes (当场报告、当场公开)."""
    vote = _vote(pk)
    response = render(
        request, "voting/public_live.html", {"vote": vote, "data": queries.live(vote)}
    )
    add_never_cache_headers(response)
    return response


@require_safe
def live_json(request, pk: int):
    response = JsonResponse(queries.live(_vote(pk)))
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def receipt(request):
    """Check a receipt code: says whether the ballot was counted, never how it was marked."""
    form = ReceiptForm(request.POST or None)
    ballot, status = None, 200
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit("track_ip", f"voting:{ratelimit.client_ip(request)}"):
            form.add_error(None, _("Too many look-ups. Please wait 10 minutes and try again."))
            status = 429
        else:
            ballot = ballots.check_receipt(form.cleaned_data["code"])
            if ballot is None:
                form.add_error("code", _("No ballot has this receipt code."))
    response = render(request, "voting/public_receipt.html", {"form": form, "ballot": ballot},
                      status=status)  # fmt: skip
    add_never_cache_headers(response)
    return response


def _render_proposal(request, form, status=200, problem="", sms=None):
    source = form.data if form.is_bound else form.initial
    token = source.get("client_token") or str(uuid.uuid4())
    kept = captcha_sms.kept_token(source.get("captcha_token"))  # a code sent is bound to it
    context = {
        "form": form, "client_token": token, "captcha_token": kept or captcha.issue(),
        "problem": problem, "sms": sms, "sms_pending": bool(kept),
    }  # fmt: skip
    return render(request, "voting/public_propose.html", context, status=status)


def _typed_proposal(request) -> ProposalForm:
    """Return an unbound form holding what was typed (for an answer before validation)."""
    kept = ("cycle", "title", "description", "proposer_name", "proposer_phone", "client_token",
            "captcha_token")  # fmt: skip
    initial = {key: request.POST.get(key, "") for key in kept}
    try:
        initial["client_token"] = str(uuid.UUID(initial["client_token"]))
    except ValueError:
        del initial["client_token"]  # a new one is made
    initial["consent"] = bool(request.POST.get("consent"))
    return ProposalForm(initial=initial)


def _proposal_csrf_refused(request, reason: str):
    """Answer a failed CSRF check (a lost cookie, a page left open for long) with the form as
    it was typed and a fresh token."""
    problem = _(
        "Your proposal was not sent: the page had expired. What you typed is kept below; type "
        "the new check code and send it again."
    )
    response = _render_proposal(request, _typed_proposal(request), status=403,
                                problem=problem)  # fmt: skip
    add_never_cache_headers(response)
    return response


def _send_sms_code(request):
    """The form's "code by text message" button (it works without a script): send the code
    and show the form again as it was typed, with the same picture token."""
    outcome = captcha_sms.send(
        request, request.POST.get("captcha_token", ""), request.POST.get("proposer_phone", "")
    )
    response = _render_proposal(request, _typed_proposal(request), status=outcome.status,
                                sms=outcome)  # fmt: skip
    add_never_cache_headers(response)
    return response


@csrf_exempt  # checked by ``csrf_protect_with``: a refusal keeps what was typed
@require_http_methods(["GET", "HEAD", "POST"])
@errorpages.csrf_protect_with(_proposal_csrf_refused)
def propose(request):
    """The citizens' proposal form (征集), with the same check code, rate limits and
    double-submit guard as the issue form."""
    if request.method != "POST":
        initial = {}
        if request.GET.get("cycle", "").isdigit():
            initial["cycle"] = request.GET["cycle"]
        return _render_proposal(request, ProposalForm(initial=initial))
    if "send_sms_code" in request.POST:
        return _send_sms_code(request)
    token = request.POST.get("client_token", "")
    existing = Proposal.objects.filter(client_token=token).first() if token else None
    if existing is not None:
        return _done(request, existing)
    form = ProposalForm(request.POST)
    if not ratelimit.hit("petition_ip", f"voting:{ratelimit.client_ip(request)}"):
        form.is_valid()
        form.add_error(None, _("Too many proposals were sent from your network. Please try "
                               "again later."))  # fmt: skip
        return _render_proposal(request, form, status=429)
    if not form.is_valid():
        return _render_proposal(request, form)
    data = form.cleaned_data
    phone = data["proposer_phone"]
    if phone and not ratelimit.hit("petition_phone", f"voting:{phone}"):
        form.add_error("proposer_phone", _("Too many proposals with this phone number today."))
        return _render_proposal(request, form, status=429)
    try:
        proposal = workflow.proposal_submit(
            actor=None, cycle_id=data["cycle"].pk, source=Proposal.Source.CITIZEN,
            title=data["title"], description=data["description"],
            proposer_name=data["proposer_name"], proposer_phone=phone,
            client_token=data["client_token"],
        )  # fmt: skip
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return _render_proposal(request, form)
    return _done(request, proposal)


def _done(request, proposal: Proposal):
    request.session[PROPOSED_SESSION_KEY] = proposal.pk
    return redirect("voting:proposed")


@require_safe
def proposed(request):
    pk = request.session.get(PROPOSED_SESSION_KEY)
    proposal = (
        Proposal.objects.select_related("cycle").only("title", "cycle__title").filter(pk=pk).first()
        if pk
        else None
    )
    if proposal is None:
        raise Http404(_("No such proposal."))
    return render(request, "voting/public_proposed.html", {"proposal": proposal})
