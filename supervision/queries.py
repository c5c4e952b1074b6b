"""Read side of supervision matters: scoped querysets, the filters of the matter list (one
declaration for the desk and the API), who takes part, deadline lights and the statistics per
region subtree and period."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import access, deadlines
from portal.filters import RegionSubtreeFilter, StrictFilterSet, YesNoFilter
from portal.models import Region, User
from supervision.models import Evaluation, GroupMember, Matter, Round

State = Matter.State


def matters_for(user, action: str = access.VIEW) -> QuerySet[Matter]:
    return access.visible(user, Matter.objects.all(), action).select_related("region", "department")


def matter_for(user, pk) -> Matter:
    return access.get_object_or_404(user, matters_for(user), pk=pk)


def is_member(user, matter: Matter) -> bool:
    return GroupMember.objects.filter(
        group__matter=matter, user_id=user.pk, left_at__isnull=True
    ).exists()


def is_unit(user, matter: Matter) -> bool:
    return bool(user.department_id) and user.department_id == matter.department_id


def is_office_of(user, matter: Matter) -> bool:
    return access.can_by_region(user, access.MANAGE, matter)


def my_matters(user) -> QuerySet[Matter]:
    """The matters whose group the user is an active member of (a deputy's phone list)."""
    mine = GroupMember.objects.filter(user_id=user.pk, left_at__isnull=True).values(
        "group__matter_id"
    )
    return Matter.objects.filter(pk__in=mine).select_related("region", "department")


def desk_todo(user) -> list[dict]:
    """Return the matters whose group ``user`` sits in and whose round waits for the group's
    evaluation (一事一评), each with the link to the matter, for the desk's to-do list (one
    query)."""
    waiting = my_matters(user).filter(state=State.EVALUATING).order_by("due_on", "id")[:5]
    return [
        {
            "text": gettext("Evaluate with your group: %(title)s") % {"title": matter.title},
            "url": reverse("supervision_desk:matter_detail", args=[matter.pk]),
        }
        for matter in waiting
    ]


def deadline_light(matter: Matter, today: datetime.date | None = None) -> str:
    if matter.state != State.HANDLING or matter.due_on is None:
        return ""
    return deadlines.light(matter.due_on, today)


def overdue_q(today: datetime.date | None = None) -> Q:
    return Q(state=State.HANDLING, due_on__lt=today or timezone.localdate())


# --- the matter list's filters --------------------------------------------------------------


class MatterFilter(StrictFilterSet):
    """The matter list's filters, for the desk list and ``/api/v1/supervision-matters/``."""

    region = RegionSubtreeFilter(
        help_text=_("Only list records of this region and the regions below it")
    )
    state = django_filters.ChoiceFilter(choices=Matter.State.choices, label=_("State"))
    mine = YesNoFilter(method="filter_mine", label=_("Only the matters of my supervision groups"))
    overdue = YesNoFilter(
        method="filter_overdue", label=_("Only matters in handling past their deadline")
    )

    class Meta:
        model = Matter
        fields = ["region", "state", "mine", "overdue"]

    def filter_mine(self, queryset, name, value: bool):
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset.none()
        return queryset.filter(pk__in=my_matters(user).values("pk"))

    def filter_overdue(self, queryset, name, value: bool):
        return queryset.filter(overdue_q()) if value else queryset


def member_candidates(matter: Matter) -> QuerySet[User]:
    """Accounts that may join the group: office staff at home in the matter's region or above,
    and deputies managed or elected in the region's area (the workflow checks again)."""
    path = matter.region.path
    above = matter.region.ancestor_paths
    related = Q(path__startswith=path) | Q(path__in=above)
    regions = Region.objects.filter(related).values("pk")
    from stations.models import Mandate

    elected = Mandate.objects.filter(region__in=regions).values("representative__user_id")
    deputies = Q(representative__is_active=True) & (
        Q(representative__region__in=regions) | Q(pk__in=elected)
    )
    staff = Q(kind=User.Kind.STAFF, region__path__in=above)
    return (
        User.objects.filter(is_active=True)
        .filter(deputies | staff)
        .select_related("region")
        .distinct()
        .order_by("kind", "username")
    )


# --- statistics -------------------------------------------------------------------------------


@dataclass
class MatterStats:
    region: Region
    opened: int
    closed: int
    closed_first_round: int
    rounds_of_closed: int
    rounds_due: int
    rounds_on_time: int

    @property
    def rounds_per_matter(self) -> float | None:
        return self.rounds_of_closed / self.closed if self.closed else None

    @property
    def on_time_rate(self) -> float | None:
        return 100 * self.rounds_on_time / self.rounds_due if self.rounds_due else None

    @property
    def first_evaluation_rate(self) -> float | None:
        return 100 * self.closed_first_round / self.closed if self.closed else None

    @property
    def is_empty(self) -> bool:
        """Whether every figure is zero: nothing opened, closed or due in the period."""
        return not (self.opened or self.closed or self.rounds_due)


def matter_statistics(
    regions: list[Region], start: datetime.date, end: datetime.date
) -> list[MatterStats]:
    """Per region subtree: matters opened in the period, closed as solved in it, rounds per
    closed matter, rounds completed on time (of the rounds completed in the period, or due in
    it and still open past their deadline) and the share closed at the first evaluation —
    the registry's measures (``supervision.figures``), computed for these dates: one query
    per measure source however many regions."""
    if not regions:
        return []
    from portal.figures import live

    keys = ["supervision", "supervision_closed", "supervision_rounds", "supervision_open_rounds"]
    values = live.values(regions, start, end, keys)
    rows = []
    for region in regions:
        v = values[region.pk]
        rows.append(MatterStats(
            region, opened=v["supervision.opened"], closed=v["supervision_closed.closed"],
            closed_first_round=v["supervision_closed.first_round"],
            rounds_of_closed=v["supervision_closed.rounds"],
            rounds_due=v["supervision_rounds.completed"] + v["supervision_open_rounds.overdue"],
            rounds_on_time=v["supervision_rounds.on_time"],
        ))  # fmt: skip
    return rows


def evaluated_rounds(matter: Matter) -> QuerySet[Round]:
    has = Evaluation.objects.filter(round=OuterRef("pk"))
    return matter.rounds.annotate(evaluated=Exists(has)).select_related("department")


# --- the staff table's extra filters (supervision.tables) -------------------------------------


def due_soon_q(today: datetime.date | None = None) -> Q:
    """Select matters in handling whose deadline is at most ``NEAR_DAYS`` days away (the
    yellow light)."""
    today = today or timezone.localdate()
    return Q(
        state=State.HANDLING,
        due_on__gte=today,
        due_on__lte=today + datetime.timedelta(days=deadlines.NEAR_DAYS),
    )


def todo_q(user) -> Q:
    """Select what waits for ``user``: their groups' evaluations (一事一评), the listed
    matters awaiting the office's study, the matters their unit is handling."""
    found = Q(pk__in=my_matters(user).filter(state=State.EVALUATING).values("pk"))
    if access.is_office(user, access.MANAGE):
        listed = Matter.objects.filter(state=State.LISTED)
        found |= Q(pk__in=access.visible(user, listed, access.MANAGE).values("pk"))
    if getattr(user, "department_id", None):
        found |= Q(state=State.HANDLING, department_id=user.department_id)
    return found


class MatterTableFilter(MatterFilter):
    """The desk table's filters: the list's own and the presets' (my to-do, due soon)."""

    todo = YesNoFilter(method="filter_todo", label=_("My to-do only"))
    due_soon = YesNoFilter(
        method="filter_due_soon", label=_("Due soon"),
        help_text=_("Only matters in handling whose deadline is at most three days away"),
    )  # fmt: skip

    def filter_todo(self, queryset, name, value: bool):
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        return queryset.filter(todo_q(user)) if user is not None else queryset.none()

    def filter_due_soon(self, queryset, name, value: bool):
        return queryset.filter(due_soon_q()) if value else queryset
