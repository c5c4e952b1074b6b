"""The generic desk page of one workflow object: what it is, what happened to it, and the
actions that fit its state and the person looking at it.

An app describes its page once and gets both views::

    class PetitionDesk(ObjectDesk):
        template = "petitions/desk_detail.html"
        url_namespace = "petitions_desk"
        object_name = "petition"
        actions = {"accept": DeskAction(_("Accept"), _("Accepted."), NoteForm, run, {OFFICE}, applies)}

        def get_object(self, user, pk): return queries.petition_for(user, pk)
        def roles(self, user, obj): return {OFFICE} if ... else set()

    desk = PetitionDesk()
    urlpatterns = [path("<int:pk>/", desk.detail_view), path("<int:pk>/<str:action>/", desk.action_view)]

Each action runs one workflow function. A refused change re-renders the page with the error
beside the form (400, nothing stored); an action the person may not take is 403; an object
outside their scope is 404 (``get_object``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import access, events, vocabulary
from portal.errors import DomainError, show_on_form


@dataclass(frozen=True)
class DeskAction:
    """One action form on an object's page and the POST that runs it."""

    title: str
    done: str
    form: type[forms.Form]
    run: Callable[..., object]  # (user, obj, cleaned_data) -> anything; raises DomainError
    who: Collection[str] = field(default_factory=frozenset)  # roles that may take it
    applies: Callable[[object], bool] = lambda obj: True  # does the state fit?
    files: bool = False  # the form takes uploads


class ObjectDesk:
    """Describe an object's desk page; ``detail_view`` and ``action_view`` serve it."""

    template: str = ""
    url_namespace: str = ""
    object_name: str = "object"  # the template's name for the object
    detail_url_name: str = ""
    list_url_name: str = ""
    actions: dict[str, DeskAction] = {}
    history_limit = 200

    # --- what an app tells ---

    def get_object(self, user, pk):
        """Return the object ``pk`` if ``user`` may see it, else raise ``Http404``."""
        raise NotImplementedError

    def roles(self, user, obj) -> set[str]:
        """Return the roles ``user`` has on ``obj`` (office, member, unit, deputy …)."""
        raise NotImplementedError

    def allowed(self, action: DeskAction, roles: set[str]) -> bool:
        return bool(roles & set(action.who))

    def form_kwargs(self, name: str, obj) -> dict:
        """Return extra keyword arguments of action ``name``'s form (choices, …)."""
        return {}

    def initial(self, name: str, obj) -> dict | None:
        return None

    def extra_context(self, request, obj) -> dict:
        return {}

    # --- shared behaviour ---

    def available(self, user, obj) -> list[str]:
        """Return the actions whose forms the page offers ``user`` in the object's state."""
        roles = self.roles(user, obj)
        return [
            name
            for name, action in self.actions.items()
            if self.allowed(action, roles) and action.applies(obj)
        ]

    def build_form(self, name: str, obj, data=None, files=None) -> forms.Form:
        kwargs = {"auto_id": f"id_{name}_%s", "initial": self.initial(name, obj)}
        kwargs.update(self.form_kwargs(name, obj))
        if self.actions[name].files:
            return self.actions[name].form(data, files, **kwargs)
        return self.actions[name].form(data, **kwargs)

    def history(self, obj) -> list:
        """Return the object's audit events with labels for people (newest last)."""
        state_field = getattr(obj, "state_field", "state")
        try:
            states = dict(type(obj)._meta.get_field(state_field).choices or ())
        except Exception:
            states = {}
        rows = list(events.history(obj)[: self.history_limit])
        for event in rows:
            event.label = vocabulary.action_label(event.action)
            event.from_label = states.get(event.from_state, event.from_state)
            event.to_label = states.get(event.to_state, event.to_state)
        return rows

    def render(self, request, obj, bound: dict | None = None, status: int = 200):
        bound = bound or {}
        names = self.available(request.user, obj)
        # A refused action stays on the page with its error even when the state moved on.
        names += [name for name in bound if name not in names]
        action_forms = [
            {
                "name": name,
                "title": self.actions[name].title,
                "form": bound.get(name) or self.build_form(name, obj),
                "open": name in bound,
                "files": self.actions[name].files,
            }
            for name in names
        ]
        context = {
            self.object_name: obj,
            "object": obj,
            "history": self.history(obj),
            "action_forms": action_forms,
            "action_url_name": f"{self.url_namespace}:{self.action_url_name()}",
            "failed": bool(bound),
        }
        context.update(self.extra_context(request, obj))
        return render(request, self.template, context, status=status)

    def action_url_name(self) -> str:
        return f"{self.object_name}_action"

    def after_success(self, request, obj):
        """Where to go after an action: the object, or the list when it left the user's sight."""
        if access.can(request.user, access.VIEW, obj):
            return redirect(f"{self.url_namespace}:{self.detail_url_name}", pk=obj.pk)
        return redirect(f"{self.url_namespace}:{self.list_url_name}")

    # --- the views ---

    @property
    def detail_view(self):
        @login_required
        def view(request, pk):
            return self.render(request, self.get_object(request.user, pk))

        return view

    @property
    def action_view(self):
        @login_required
        @require_POST
        def view(request, pk, action):
            spec = self.actions.get(action)
            if spec is None:
                raise Http404(_("No such action."))
            user = request.user
            obj = self.get_object(user, pk)
            if not self.allowed(spec, self.roles(user, obj)):
                raise PermissionDenied(_("You do not have permission to do this."))
            form = self.build_form(action, obj, data=request.POST, files=request.FILES)
            if form.is_valid():
                try:
                    spec.run(user, obj, form.cleaned_data)
                except DomainError as exc:
                    show_on_form(form, exc)
                else:
                    messages.success(request, spec.done)
                    return self.after_success(request, obj)
            obj = self.get_object(user, pk)  # re-read: nothing of the refused change stays
            return self.render(request, obj, bound={action: form}, status=400)

        return view
