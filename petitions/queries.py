"""Read-side queries of citizen issues: the scoped list and its filters (declared once, for
the desk and the API), one issue, deadline lights and the counts of the desk card.

Every function starts from ``portal.access``; a list costs a fixed number of queries however
many issues it shows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models import Category, Petition
from portal import access, deadlines
from portal.filters import IdFilter, RegionSubtreeFilter, StrictFilterSet, YesNoFilter

State = Petition.State
# A reply deadline this close (in calendar days) turns the light yellow.
LIGHT_RED, LIGHT_YELLOW = deadlines.LIGHT_RED, deadlines.LIGHT_YELLOW


def petitions_for(user, action: str = access.VIEW) -> QuerySet[Petition]:
    """Return the issues ``user`` may take ``action`` on, newest first, with what a list row
    shows already joined."""
    queryset = Petition.objects.select_related("region", "department", "station")
    return access.visible(user, queryset, action).order_by("-id")


def petition_for(user, pk) -> Petition:
    """Return the issue ``pk`` that ``user`` sees, or raise ``Http404``."""
    queryset = Petition.objects.select_related("region", "department", "station", "duplicate_of")
    return access.get_object_or_404(user, queryset, pk=pk)


def overdue_q(today: datetime.date | None = None) -> Q:
    """Select issues whose handling unit has not replied by the due date."""
    return Q(state=State.FORWARDED, due_on__lt=today or timezone.localdate())


def deadline_light(petition: Petition, today: datetime.date | None = None) -> str:
    """Return the CSS class of the reply deadline: red when overdue, yellow when at most
    ``deadlines.NEAR_DAYS`` days are left, empty otherwise or when no unit is working on it."""
    if petition.state != State.FORWARDED or petition.due_on is None:
        return ""
    return deadlines.light(petition.due_on, today)


def is_office(user) -> bool:
    """Return True when ``user`` is congress office staff somewhere (a region grant)."""
    return access.is_office(user)


def _is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


def is_handler(user) -> bool:
    """Return True when ``user`` works for a handling unit and holds no region grant."""
    return bool(getattr(user, "department_id", None)) and not is_office(user)


def may_enter(user) -> bool:
    """Return True when ``user`` may enter issues from other channels (manages a region)."""
    return access.is_office(user, access.MANAGE)


def is_assigned_handler(user, petition: Petition) -> bool:
    """Return True when ``user`` works for the unit the issue is assigned to."""
    department_id = getattr(user, "department_id", None)
    return bool(department_id) and department_id == petition.department_id


def may_see_citizen(user, petition: Petition) -> bool:
    """Return True when ``user`` may read the citizen's full name and phone: the office that
    manages the issue's region, and the assigned unit, which has to call the citizen back.
    Costs no query (region grants are cached on the user)."""
    return access.can_by_region(user, access.MANAGE, petition) or is_assigned_handler(
        user, petition
    )


def state_counts(user) -> dict[str, int]:
    """Return the number of visible issues per state (every state present, zero or not)."""
    rows = (
        access.visible(user, Petition.objects.all())
        .order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(State.values, 0)
    counts.update(dict(rows))
    return counts


@dataclass(frozen=True)
class DeskCounts:
    """What the desk card shows: the office's queue, or the unit's."""

    office: bool
    submitted: int = 0
    handling: int = 0
    overdue: int = 0
    assigned: int = 0


def desk_counts(user) -> DeskCounts | None:
    """Return the desk card's counts in one query, or None when the user has no issues to
    work on (neither office staff nor a handling unit)."""
    today = timezone.localdate()
    if is_office(user):
        open_rows = access.visible(user, Petition.objects.all()).filter(
            state__in=[State.SUBMITTED, State.FORWARDED]
        )
        figures = open_rows.aggregate(
            submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
            handling=Count("pk", filter=Q(state=State.FORWARDED)),
            overdue=Count("pk", filter=overdue_q(today)),
        )
        return DeskCounts(office=True, **figures)
    if is_handler(user):
        figures = Petition.objects.filter(
            department_id=user.department_id, state=State.FORWARDED
        ).aggregate(assigned=Count("pk"), overdue=Count("pk", filter=overdue_q(today)))
        return DeskCounts(office=False, **figures)
    return None


# --- the filters of the list -----------------------------------------------------------


class OverdueFilter(YesNoFilter):
    """``?overdue=true``: only the issues past their reply deadline."""

    def filter(self, qs, value):
        return qs.filter(overdue_q()) if value else qs


class DueSoonFilter(YesNoFilter):
    """``?due_soon=true``: only the issues whose reply deadline is near (yellow light)."""

    def filter(self, qs, value):
        return qs.filter(due_soon_q()) if value else qs


def due_soon_q(today: datetime.date | None = None) -> Q:
    """Select issues being handled whose deadline is at most ``NEAR_DAYS`` days away."""
    today = today or timezone.localdate()
    return Q(
        state=State.FORWARDED,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=deadlines.NEAR_DAYS),
    )


class PetitionFilter(StrictFilterSet):
    """The filters of the list of issues (the desk list and ``/api/v1/petitions/``)."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Petition.State.choices, empty_label=_("All")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("All")
    )
    region = RegionSubtreeFilter(
        label=_("Region"),
        empty_label=_("All"),
        help_text=_("Only list records of this region and the regions below it"),
    )
    department = IdFilter(field_name="department_id", label=_("Handling unit id"))
    overdue = OverdueFilter(
        label=_("Overdue only"), help_text=_("Only list issues past the reply deadline")
    )
    submitted_from = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__gte", label=_("Submitted from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only list issues submitted on or after this day (YYYY-MM-DD)"),
    )  # fmt: skip
    submitted_to = django_filters.DateFilter(
        field_name="submitted_at", lookup_expr="date__lte", label=_("Submitted until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only list issues submitted on or before this day (YYYY-MM-DD)"),
    )  # fmt: skip
    due_soon = DueSoonFilter(
        label=_("Due soon"),
        help_text=_("Only list issues whose reply deadline is at most three days away"),
    )

    class Meta:
        model = Petition
        fields = [
            "state", "category", "region", "department", "overdue", "due_soon",
            "submitted_from", "submitted_to",
        ]  # fmt: skip
