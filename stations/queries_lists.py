"""Read-side helpers of the stations app's staff tables (``stations.tables``): the filters of
the reception log, the deputy roster and the station list, and the choices of their filter
bars. The API keeps the narrower filter sets of ``stations.queries``.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.filters import YesNoFilter
from stations.models import Mandate, MandateLevel, Reception, Station
from stations.queries import ReceptionFilter, RepresentativeFilter, StationFilter

# A station box lists the user's stations when there are few; beyond, ?station= still works.
STATION_CHOICES = 100


def current_mandates():
    """Return the mandates in force today (no end date, or one not yet passed)."""
    today = timezone.localdate()
    return Mandate.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def receptions_taken_part_in(user):
    """Return the ids of the receptions ``user`` recorded or was present at as a deputy."""
    present = Reception.deputies.through.objects.filter(representative__user=user)
    return Reception.objects.filter(
        Q(recorded_by_id=user.pk) | Q(pk__in=present.values("reception_id"))
    ).values("pk")


class ReceptionListFilter(ReceptionFilter):
    """The reception log's filters: region, station, period, and the user's own."""

    mine = YesNoFilter(
        method="filter_mine", label=_("Mine"),
        help_text=_("Only list the receptions I recorded or was present at"),
    )  # fmt: skip

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=receptions_taken_part_in(self.request.user))


class DeputyListFilter(RepresentativeFilter):
    """The deputy roster's filters: region, station, level of a current mandate, active."""

    level = django_filters.ChoiceFilter(
        choices=MandateLevel.choices, method="filter_level", label=_("Congress level"),
        help_text=_("Only list deputies with a current mandate at this level"),
    )  # fmt: skip
    active = YesNoFilter(field_name="is_active", label=_("In office"))

    def filter_level(self, queryset, name, value):
        if not value:
            return queryset
        held = current_mandates().filter(representative=OuterRef("pk"), level=value)
        return queryset.filter(Exists(held))


class StationListFilter(StationFilter):
    """The station list's filters: region, kind, open."""

    active = YesNoFilter(field_name="is_active", label=_("Station open"))


def station_choices(user) -> list[Station] | None:
    """Return the stations ``user`` sees, by name, for a station box; None when there are
    too many for one."""
    stations = list(
        access.visible(user, Station.objects.only("id", "name")).order_by("name", "pk")[
            : STATION_CHOICES + 1
        ]
    )
    return None if len(stations) > STATION_CHOICES else stations


def has_station_box(user) -> bool:
    """Whether the filter bar of ``user`` offers a station box (few stations)."""
    return access.visible(user, Station.objects.all())[: STATION_CHOICES + 1].count() <= (
        STATION_CHOICES
    )
