"""Signed-in pages of citizen issues for the congress office and the handling units: the
scoped list, one issue with the actions that fit its state and the user (``PetitionDesk``, a
``portal.desk.ObjectDesk``), staff entry of issues from other channels, the concentrated
issues, and the photos (never served from a public media URL).

Every read goes through ``petitions.queries``; every change is a ``petitions.workflow``
function. A refused change re-renders the page with the error (400); an action the user may
not take is 403; an issue outside the user's scope is 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
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
    PublishForm,
    ReasonForm,
    RejectForm,
    TextForm,
)
from petitions.models import Petition, PetitionPhoto, PetitionReply
from portal import access
from portal.desk import DeskAction, ObjectDesk
from portal.errors import DomainError, show_on_form
from portal.models import Region
from portal.views import private_file

State = Petition.State
OFFICE, UNIT = "office", "unit"  # the congress office of the region; the assigned unit


# --- one issue --------------------------------------------------------------------------


def _duplicate(user, petition: Petition, data: dict) -> None:
    original = queries.petitions_for(user).filter(tracking_code=data["original"]).first()
    if original is None:
        raise DomainError(_("No issue with this tracking code."), field="original")
    workflow.petition_mark_duplicate(actor=user, petition_id=petition.pk, original_id=original.pk)


class PetitionDesk(ObjectDesk):
    """The issue page (``/desk/petitions/<id>/``) and its action POSTs."""

    template = "petitions/desk_detail.html"
    url_namespace = "petitions_desk"
    object_name = "petition"
    detail_url_name = "petition_detail"
    list_url_name = "petition_list"
    actions = {
        "accept": DeskAction(
            gettext_lazy("Accept"), gettext_lazy("The issue has been accepted."), NoteForm,
            lambda u, p, d: workflow.petition_accept(actor=u, petition_id=p.pk, note=d["note"]),
            {OFFICE}, lambda p: p.state == State.SUBMITTED,
        ),
        "reject": DeskAction(
            gettext_lazy("Do not accept"),
            gettext_lazy("The issue has not been accepted; the citizen will see the reason."),
            RejectForm,
            lambda u, p, d: workflow.petition_reject(actor=u, petition_id=p.pk, reason=d["reason"]),
            {OFFICE}, lambda p: p.can_move_to(State.REJECTED),
        ),
        "duplicate": DeskAction(
            gettext_lazy("Mark as a duplicate"), gettext_lazy("The issue has been marked as a duplicate."),
            DuplicateForm, _duplicate, {OFFICE}, lambda p: p.can_move_to(State.DUPLICATE),
        ),
        "answer": DeskAction(
            gettext_lazy("Answer directly"), gettext_lazy("The answer has been sent to the citizen."),
            TextForm, lambda u, p, d: workflow.petition_answer(actor=u, petition_id=p.pk, text=d["text"]),
            {OFFICE}, lambda p: p.state == State.ACCEPTED,
        ),
        "forward": DeskAction(
            gettext_lazy("Forward to a handling unit"),
            gettext_lazy("The issue has been forwarded to the handling unit."), ForwardForm,
            lambda u, p, d: workflow.petition_forward(
                actor=u, petition_id=p.pk, department_id=d["department"].pk, note=d["note"]
            ),
            {OFFICE}, lambda p: p.can_move_to(State.FORWARDED),
        ),
        "escalate": DeskAction(
            gettext_lazy("Put on the supervision list"),
            gettext_lazy("The issue has been put on the supervision list."), NoteForm,
            lambda u, p, d: workflow.petition_escalate(actor=u, petition_id=p.pk, note=d["note"]),
            {OFFICE}, lambda p: p.can_move_to(State.ESCALATED),
        ),
        "rate": DeskAction(
            gettext_lazy("Record a call-back"), gettext_lazy("The call-back has been recorded."),
            CallbackForm,
            lambda u, p, d: workflow.petition_rate(
                actor=u, petition_id=p.pk, rating=d["rating"], comment=d["comment"]
            ),
            {OFFICE}, lambda p: p.state == State.REPLIED,
        ),
        "close": DeskAction(
            gettext_lazy("Close"), gettext_lazy("The issue has been closed."), CloseForm,
            lambda u, p, d: workflow.petition_close(
                actor=u, petition_id=p.pk, resolved=d["outcome"] == CloseForm.RESOLVED,
                reason=d["reason"],
            ),
            {OFFICE}, lambda p: p.can_move_to(State.RESOLVED),
        ),
        "publish": DeskAction(
            gettext_lazy("Publish the outcome"), gettext_lazy("The outcome has been published."),
            PublishForm,
            lambda u, p, d: workflow.petition_publish(
                actor=u, petition_id=p.pk, title=d["title"], summary=d["summary"]
            ),
            {OFFICE}, lambda p: p.state == State.RESOLVED,
        ),
        "reply": DeskAction(
            gettext_lazy("Reply to the citizen"), gettext_lazy("Your reply has been sent to the citizen."),
            TextForm, lambda u, p, d: workflow.petition_reply(actor=u, petition_id=p.pk, text=d["text"]),
            {UNIT}, lambda p: p.state == State.FORWARDED,
        ),
        "hand_back": DeskAction(
            gettext_lazy("Hand back: not our responsibility"),
            gettext_lazy("The issue has been handed back to the congress office."), ReasonForm,
            lambda u, p, d: workflow.petition_hand_back(actor=u, petition_id=p.pk, reason=d["reason"]),
            {UNIT}, lambda p: p.state == State.FORWARDED,
        ),
    }  # fmt: skip

    def get_object(self, user, pk):
        return queries.petition_for(user, pk)

    def roles(self, user, obj) -> set[str]:
        roles = set()
        if access.can_by_region(user, access.MANAGE, obj):
            roles.add(OFFICE)
        if queries.is_assigned_handler(user, obj):
            roles.add(UNIT)
        return roles

    def form_kwargs(self, name: str, obj) -> dict:
        return {"units": workflow.units_for(obj)} if name == "forward" else {}

    def initial(self, name: str, obj) -> dict | None:
        if name != "publish":
            return None
        answers = obj.replies.exclude(kind=PetitionReply.Kind.HAND_BACK).order_by("-id")
        latest = answers.values_list("text", flat=True).first()
        return {
            "title": obj.published_title or obj.title,
            "summary": obj.published_summary or latest or "",
        }

    def extra_context(self, request, obj) -> dict:
        return {
            "light": queries.deadline_light(obj),
            "show_citizen": queries.may_see_citizen(request.user, obj),
            "photos": list(obj.photos.all()),
            "replies": list(obj.replies.select_related("author", "department")),
            "ratings": list(obj.ratings.order_by("round", "id")),
        }


petition_desk = PetitionDesk()


# --- entry, photos, concentrated issues -------------------------------------------------


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
TOPIC_SHOWN = 500  # members of a group listed with their checkboxes (the first ten open)


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
    shown_pks = [pk for t in found for pk in t.pks[:TOPIC_SHOWN]]
    titles = dict(Petition.objects.filter(pk__in=shown_pks).values_list("pk", "title"))
    return render(
        request,
        "petitions/desk_topics.html",
        {
            "regions": regions, "region": region, "days": days, "day_choices": TOPIC_DAYS,
            "topics": [
                (t, [(pk, titles.get(pk, "")) for pk in t.pks[:TOPIC_SHOWN]]) for t in found
            ],
            "mergeable": [t for t in found if t.group_id],
        },
    )  # fmt: skip


@login_required
@require_POST
def petition_topics_act(request):
    """Accept, or accept and put on the supervision list, the checked issues of one group, or
    make one supervision matter of them."""
    raw = request.POST.getlist("petition")
    ids = [int(v) for v in raw if v.isascii() and v.isdecimal() and len(v) <= 18]
    if request.POST.get("action") == "matter":  # the checked issues become one matter
        if not ids:
            messages.error(request, _("Check the issues of the group first."))
            return redirect(
                request.POST.get("back") if _safe_back(request) else "petitions_desk:topics"
            )
        joined = ",".join(map(str, ids[:500]))
        return redirect(f"{reverse('supervision_desk:matter_new')}?topic=1&petitions={joined}")
    if request.POST.get("action") in TEACH:
        return _teach(request, ids)
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


TEACH = {
    "confirm": gettext_lazy("The group was confirmed: later issues keep to it."),
    "split": gettext_lazy("The unchecked issues are now a group of their own."),
    "move_out": gettext_lazy("The unchecked issues were moved out of the group."),
    "merge": gettext_lazy("The two groups were merged."),
}


def _teach(request, ids: list[int]):
    """Staff teach the grouping (``workflow.topics``): confirm, split, move out, merge."""
    action = request.POST["action"]
    back = request.POST.get("back") if _safe_back(request) else "petitions_desk:topics"
    group_id = _number(request.POST.get("group", ""))
    # the issues staff unchecked ("uncheck any that do not belong") are the ones split off
    shown = [n for n in map(_number, request.POST.getlist("shown")) if n is not None]
    unchecked = [pk for pk in shown if pk not in set(ids)]
    into_id = _number(request.POST.get("into", ""))
    try:
        if group_id is None:
            raise DomainError(_("No such group: it may have changed. Reload the page."))
        if action == "confirm":
            workflow.topic_confirm(actor=request.user, group_id=group_id)
        elif action == "split":
            workflow.topic_split(actor=request.user, group_id=group_id, petition_ids=unchecked)
        elif action == "move_out":
            workflow.topic_move_out(actor=request.user, group_id=group_id, petition_ids=unchecked)
        else:
            if into_id is None:
                raise DomainError(_("Choose the group to merge with."), field="into")
            workflow.topic_merge(actor=request.user, group_id=group_id, into_id=into_id)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, TEACH[action])
    return redirect(back)


def _number(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdecimal() and len(value) <= 18 else None


def _safe_back(request) -> bool:
    from django.utils.http import url_has_allowed_host_and_scheme

    back = request.POST.get("back", "")
    return bool(back) and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
