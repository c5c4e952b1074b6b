"""Signed-in pages of citizen issues for the congress office and the handling units: the
scoped list, one issue with the actions that fit its state and the user, staff entry of
issues from other channels, and the photos (never served from a public media URL).

Every read goes through ``petitions.queries``; every change is a ``petitions.workflow``
function. A refused change re-renders the page with the error (400); an action the user may
not take is 403; an issue outside the user's scope is 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from petitions import queries, topics, workflow
from petitions.forms_desk import (
    CallbackForm,
    CloseForm,
    DuplicateForm,
    ForwardForm,
    NoteForm,
    PetitionEntryForm,
    PetitionFilterForm,
    PublishForm,
    ReasonForm,
    RejectForm,
    TextForm,
)
from petitions.models import Petition, PetitionPhoto
from portal import access, events
from portal.errors import DomainError, show_on_form
from portal.models import Region
from portal.pagination import EstimatedCountPaginator
from portal.views import private_file

State = Petition.State
PAGE_SIZE = 20
HISTORY_LIMIT = 200


# --- the actions ----------------------------------------------------------------------


def _duplicate(user, petition: Petition, data: dict) -> None:
    original = queries.petitions_for(user).filter(tracking_code=data["original"]).first()
    if original is None:
        raise DomainError(_("No issue with this tracking code."), field="original")
    workflow.petition_mark_duplicate(actor=user, petition_id=petition.pk, original_id=original.pk)


@dataclass(frozen=True)
class Action:
    """One action form on the issue page and the POST that runs it."""

    title: str
    done: str
    form: type[forms.Form]
    run: Callable[..., object]
    office: bool = True  # False: the assigned handling unit's action
    applies: Callable[[Petition], bool] = lambda petition: True


ACTIONS: dict[str, Action] = {
    "accept": Action(
        gettext_lazy("Accept"), gettext_lazy("The issue has been accepted."), NoteForm,
        lambda u, p, d: workflow.petition_accept(actor=u, petition_id=p.pk, note=d["note"]),
        applies=lambda p: p.state == State.SUBMITTED,
    ),
    "reject": Action(
        gettext_lazy("Do not accept"),
        gettext_lazy("The issue has not been accepted; the citizen will see the reason."),
        RejectForm,
        lambda u, p, d: workflow.petition_reject(actor=u, petition_id=p.pk, reason=d["reason"]),
        applies=lambda p: p.can_move_to(State.REJECTED),
    ),
    "duplicate": Action(
        gettext_lazy("Mark as a duplicate"), gettext_lazy("The issue has been marked as a duplicate."),
        DuplicateForm, _duplicate, applies=lambda p: p.can_move_to(State.DUPLICATE),
    ),
    "answer": Action(
        gettext_lazy("Answer directly"), gettext_lazy("The answer has been sent to the citizen."),
        TextForm, lambda u, p, d: workflow.petition_answer(actor=u, petition_id=p.pk, text=d["text"]),
        applies=lambda p: p.state == State.ACCEPTED,
    ),
    "forward": Action(
        gettext_lazy("Forward to a handling unit"),
        gettext_lazy("The issue has been forwarded to the handling unit."), ForwardForm,
        lambda u, p, d: workflow.petition_forward(
            actor=u, petition_id=p.pk, department_id=d["department"].pk, note=d["note"]
        ),
        applies=lambda p: p.can_move_to(State.FORWARDED),
    ),
    "escalate": Action(
        gettext_lazy("Put on the supervision list"),
        gettext_lazy("The issue has been put on the supervision list."), NoteForm,
        lambda u, p, d: workflow.petition_escalate(actor=u, petition_id=p.pk, note=d["note"]),
        applies=lambda p: p.can_move_to(State.ESCALATED),
    ),
    "rate": Action(
        gettext_lazy("Record a call-back"), gettext_lazy("The call-back has been recorded."),
        CallbackForm,
        lambda u, p, d: workflow.petition_rate(
            actor=u, petition_id=p.pk, rating=d["rating"], comment=d["comment"]
        ),
        applies=lambda p: p.state == State.REPLIED,
    ),
    "close": Action(
        gettext_lazy("Close"), gettext_lazy("The issue has been closed."), CloseForm,
        lambda u, p, d: workflow.petition_close(
            actor=u, petition_id=p.pk, resolved=d["outcome"] == CloseForm.RESOLVED,
            reason=d["reason"],
        ),
        applies=lambda p: p.can_move_to(State.RESOLVED),
    ),
    "publish": Action(
        gettext_lazy("Publish the outcome"), gettext_lazy("The outcome has been published."),
        PublishForm,
        lambda u, p, d: workflow.petition_publish(
            actor=u, petition_id=p.pk, title=d["title"], summary=d["summary"]
        ),
        applies=lambda p: p.state == State.RESOLVED,
    ),
    "reply": Action(
        gettext_lazy("Reply to the citizen"), gettext_lazy("Your reply has been sent to the citizen."),
        TextForm, lambda u, p, d: workflow.petition_reply(actor=u, petition_id=p.pk, text=d["text"]),
        office=False, applies=lambda p: p.state == State.FORWARDED,
    ),
    "hand_back": Action(
        gettext_lazy("Hand back: not our responsibility"),
        gettext_lazy("The issue has been handed back to the congress office."), ReasonForm,
        lambda u, p, d: workflow.petition_hand_back(actor=u, petition_id=p.pk, reason=d["reason"]),
        office=False, applies=lambda p: p.state == State.FORWARDED,
    ),
}  # fmt: skip


def _actions_for(user, petition: Petition) -> list[str]:
    """Return the actions whose forms the page offers ``user`` in the issue's state."""
    office = access.can_by_region(user, access.MANAGE, petition)
    unit = queries.is_assigned_handler(user, petition)
    return [
        name
        for name, action in ACTIONS.items()
        if (office if action.office else unit) and action.applies(petition)
    ]


def _require_action(user, petition: Petition, action: Action) -> None:
    """Raise ``PermissionDenied`` before reading the form when ``user`` may not act."""
    if action.office:
        if not access.can_by_region(user, access.MANAGE, petition):
            raise PermissionDenied(_("Only the congress office of the region does this."))
    else:
        access.require(user, access.MANAGE, petition)


def _form(name: str, petition: Petition, data=None, initial=None) -> forms.Form:
    kwargs = {"auto_id": f"id_{name}_%s", "initial": initial}
    if name == "forward":
        kwargs["units"] = workflow.units_for(petition)
    return ACTIONS[name].form(data, **kwargs)


# --- pages ----------------------------------------------------------------------------


@login_required
def petition_list(request):
    """The issues the user sees, newest first; a handling unit sees what is assigned to it."""
    user = request.user
    handler = queries.is_handler(user)
    regions = [] if handler else queries.region_choices(user)
    filters = PetitionFilterForm(request.GET, regions=regions)
    filters.is_valid()  # a bad filter value is dropped, the others still apply
    data = filters.cleaned_data
    petitions = queries.petitions_for(user)
    if handler:
        petitions = petitions.filter(department_id=user.department_id)
    if data.get("state"):
        petitions = petitions.filter(state=data["state"])
    if data.get("category"):
        petitions = petitions.filter(category=data["category"])
    if data.get("region"):
        region = next(region for region in regions if region.pk == data["region"])
        subtree = Region.objects.filter(path__startswith=region.path).values("pk")
        petitions = petitions.filter(region__in=subtree)
    if data.get("overdue"):
        petitions = petitions.filter(queries.overdue_q())
    page = EstimatedCountPaginator(petitions, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for petition in page:
        petition.light = queries.deadline_light(petition, today)
    return render(
        request,
        "petitions/desk_list.html",
        {
            "page": page, "filters": filters, "handler": handler,
            "may_enter": queries.may_enter(user),
        },
    )  # fmt: skip


def _history(petition: Petition) -> list:
    labels = {
        "petition_submit": _("Submitted"),
        "petition_accept": _("Accepted"),
        "petition_reject": _("Not accepted"),
        "petition_duplicate": _("Marked as a duplicate"),
        "petition_answer": _("Answered by the congress office"),
        "petition_escalate": _("Put on the supervision list"),
        "petition_forward": _("Forwarded to a handling unit"),
        "petition_reply": _("Replied by the handling unit"),
        "petition_hand_back": _("Handed back by the handling unit"),
        "petition_rate": _("Rated by the citizen"),
        "petition_reopen": _("Reopened: the citizen is not satisfied"),
        "petition_close": _("Closed"),
        "petition_publish": _("Outcome published"),
    }
    states = dict(State.choices)
    rows = list(events.history(petition)[:HISTORY_LIMIT])
    for event in rows:
        event.label = labels.get(event.action, event.action)
        event.from_label = states.get(event.from_state, event.from_state)
        event.to_label = states.get(event.to_state, event.to_state)
    return rows


def _render_detail(request, petition: Petition, bound: dict | None = None, status: int = 200):
    user = request.user
    replies = list(petition.replies.select_related("author", "department"))
    answers = [reply for reply in replies if reply.kind != reply.Kind.HAND_BACK]
    publish_initial = {
        "title": petition.published_title or petition.title,
        "summary": petition.published_summary or (answers[-1].text if answers else ""),
    }
    bound = bound or {}
    names = _actions_for(user, petition)
    # A refused action stays on the page with its error even when the state does not fit.
    names += [name for name in bound if name not in names]
    action_forms = [
        {
            "name": name,
            "title": ACTIONS[name].title,
            "form": bound.get(name)
            or _form(name, petition, initial=publish_initial if name == "publish" else None),
            "open": name in bound,
        }
        for name in names
    ]
    context = {
        "petition": petition,
        "light": queries.deadline_light(petition),
        "show_citizen": queries.may_see_citizen(user, petition),
        "photos": list(petition.photos.all()),
        "replies": replies,
        "ratings": list(petition.ratings.order_by("round", "id")),
        "history": _history(petition),
        "action_forms": action_forms,
        "failed": bool(bound),
    }
    return render(request, "petitions/desk_detail.html", context, status=status)


@login_required
def petition_detail(request, pk):
    return _render_detail(request, queries.petition_for(request.user, pk))


@login_required
@require_POST
def petition_action(request, pk, action):
    """Run one action of the issue page through its workflow function."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404(_("No such action."))
    user = request.user
    petition = queries.petition_for(user, pk)
    _require_action(user, petition, spec)
    form = _form(action, petition, data=request.POST)
    if form.is_valid():
        try:
            spec.run(user, petition, form.cleaned_data)
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, spec.done)
            if access.can(user, access.VIEW, petition):
                return redirect("petitions_desk:petition_detail", pk=petition.pk)
            return redirect("petitions_desk:petition_list")
    return _render_detail(request, petition, bound={action: form}, status=400)


@login_required
def petition_new(request):
    """Staff type in an issue received by hotline, letter, visit or the online station."""
    user = request.user
    if not queries.may_enter(user):
        raise PermissionDenied(_("Only congress office staff enter issues."))
    initial = {"client_token": workflow.new_tracking_code() + workflow.new_tracking_code()}
    form = PetitionEntryForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = workflow.petition_submit(
                actor=user, channel=data["channel"], region_id=data["region"].pk,
                category=data["category"], title=data["title"], description=data["description"],
                citizen_name=data["citizen_name"], citizen_phone=data["citizen_phone"],
                wants_feedback=data["wants_feedback"], client_token=data["client_token"] or None,
            )  # fmt: skip
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(
                request,
                _("The issue has been entered. Tracking code: %(code)s.")
                % {"code": petition.tracking_code},
            )
            return redirect("petitions_desk:petition_detail", pk=petition.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "petitions/desk_form.html", {"form": form}, status=status)


@login_required
def petition_photo(request, photo_pk):
    """Serve a photo of an issue to those who see the issue, never from a public URL."""
    photo = access.get_object_or_404(request.user, PetitionPhoto.objects.all(), pk=photo_pk)
    return private_file(photo.image)


TOPIC_DAYS = (7, 30, 90)


@login_required
def petition_topics(request):
    """Concentrated issues (集中反映): similar issues of a region over a period, grouped,
    so that the office can act on each group at once."""
    if not queries.is_office(request.user):
        raise PermissionDenied(_("Only congress office staff see this page."))
    regions = list(
        access.visible(request.user, Region.objects.filter(level__lte=Region.Level.TOWNSHIP)).only(
            "pk", "name", "level", "path"
        )[:300]
    )
    if not regions:
        raise PermissionDenied(_("Only congress office staff see this page."))
    chosen = request.GET.get("region", "")
    region = next((r for r in regions if str(r.pk) == chosen), regions[0])
    try:
        days = int(request.GET.get("days", "30"))
    except ValueError:
        days = 30
    days = days if days in TOPIC_DAYS else 30
    found = [t for t in topics.topics_for(request.user, region, days=days) if t.count >= 2]
    shown_pks = [pk for t in found for pk in t.pks[:10]]
    titles = dict(Petition.objects.filter(pk__in=shown_pks).values_list("pk", "title"))
    return render(
        request,
        "petitions/desk_topics.html",
        {
            "regions": regions, "region": region, "days": days, "day_choices": TOPIC_DAYS,
            "topics": [(t, [(pk, titles.get(pk, "")) for pk in t.pks[:10]]) for t in found],
        },
    )  # fmt: skip


@login_required
@require_POST
def petition_topics_act(request):
    """Accept, or accept and put on the supervision list, every issue of one group."""
    raw = request.POST.getlist("petition")
    ids = [int(v) for v in raw if v.isascii() and v.isdecimal() and len(v) <= 18]
    try:
        moved = workflow.petitions_group_act(
            actor=request.user, petition_ids=ids, action=request.POST.get("action", ""),
            note=request.POST.get("note", "")[:2000],
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(n)d issues of the group were moved on.") % {"n": moved})
    return redirect(request.POST.get("back") if _safe_back(request) else "petitions_desk:topics")


def _safe_back(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    back = request.POST.get("back", "")
    return bool(back) and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
