"""The drafting pages (phone first): deputies draft and revise, seeing similar earlier
suggestions while they write. The list of suggestions is ``supervision.suggestions.tables``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.errors import DomainError, show_on_form
from portal.models import Region
from supervision.suggestions import forms as f
from supervision.suggestions import queries, similar, workflow
from supervision.suggestions.models import Session

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
