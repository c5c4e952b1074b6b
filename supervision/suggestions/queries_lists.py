"""The staff table's and desk list's additions to the suggestion queries: the to-do
selection (``todo_q``), the table's filter set with its presets (``SuggestionTableFilter``)
and the choices its boxes offer (``session_choices``, ``assignable_units``), used by
``supervision.suggestions.tables``."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.filters import YesNoFilter
from supervision.suggestions.models import Session, Suggestion, UnitAssignment
from supervision.suggestions.queries import SuggestionFilter, near_q

State = Suggestion.State

# --- the staff table's filters and choices (supervision.suggestions.tables) --------------

OFFICE_TODO = (State.FIRST_REVIEW, State.SUBMITTED, State.ACCEPTED)
DEPUTY_TODO = (State.RETURNED, State.REPLIED)


def todo_q(user) -> Q:
    """Select what waits for ``user`` (the side menu counts the same): for the office, the
    suggestions awaiting review or assignment it may act on; for a unit, those it handles;
    for a lead deputy, those returned for revision and the replies to rate."""
    found = Q(lead__user_id=user.pk, lead__is_active=True, state__in=DEPUTY_TODO)
    if access.is_office(user, access.MANAGE):
        waiting = Suggestion.objects.filter(state__in=OFFICE_TODO)
        found |= Q(pk__in=access.visible(user, waiting, access.MANAGE).values("pk"))
    if getattr(user, "department_id", None):
        handled = UnitAssignment.objects.filter(department_id=user.department_id, active=True)
        found |= Q(state=State.HANDLING, pk__in=handled.values("suggestion_id"))
    return found


class SuggestionTableFilter(SuggestionFilter):
    """The desk table's filters: the list's own and the presets' (my to-do, due soon)."""

    todo = YesNoFilter(label=_("My to-do only"), method="filter_todo")
    due_soon = YesNoFilter(
        label=_("Due soon"), method="filter_due_soon",
        help_text=_("Only suggestions being handled whose reply deadline is near"),
    )  # fmt: skip

    def filter_todo(self, queryset, name, value):
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(todo_q(user)) if user is not None else queryset.none()

    def filter_due_soon(self, queryset, name, value):
        return queryset.filter(near_q()) if value else queryset


def _paths_around(user) -> tuple[set[str], tuple[str, ...]]:
    """Return the paths of the regions at and above the user's home region, unit and office
    subtrees, and the office subtrees themselves (one query)."""
    from portal.models import Department, Region

    subtrees = access.region_paths(user, access.VIEW)
    homes = Region.objects.filter(
        Q(pk=user.region_id)
        | Q(pk__in=Department.objects.filter(pk=user.department_id).values("region_id"))
    ).values_list("path", flat=True)
    above = {p for path in (*homes, *subtrees) for p in Region.ancestor_paths_of(path)}
    return above, subtrees


def session_choices(user, limit: int = 50) -> list[Session]:
    """Return the sessions offered in the list's session box: those of the congresses at and
    above the user's region or unit, and within the user's office subtrees, newest first."""
    sessions = Session.objects.only("pk", "name", "opens_on")
    if not user.is_superuser:
        above, subtrees = _paths_around(user)
        where = Q(region__path__in=above)
        for path in subtrees:
            where |= Q(region__path__startswith=path)
        sessions = sessions.filter(where)
    return list(sessions.order_by("-opens_on", "id")[:limit])


def assignable_units(user):
    """Return the active units the office ``user`` may assign to: those of the congresses
    (township and above) it manages and of the regions above them (each suggestion's own
    check is the workflow's: its region or above)."""
    from portal.models import Department, Region

    units = Department.objects.filter(
        is_active=True, region__level__lte=Region.Level.TOWNSHIP
    ).select_related("region")
    if not user.is_superuser:
        paths = access.region_paths(user, access.MANAGE)
        if not paths:
            return units.none()
        above = {p for path in paths for p in Region.ancestor_paths_of(path)}
        where = Q(region__path__in=above)
        for path in paths:
            where |= Q(region__path__startswith=path)
        units = units.filter(where)
    return units.order_by("-region__level", "region__path", "name")
