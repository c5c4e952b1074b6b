"""Read-side queries of the stations app: the filters of its lists, statistics, compliance
and the deputy archive.

Each list's filters are declared once here (``StrictFilterSet``) and used by the API and the
desk. Every function starts from ``portal.access`` and costs a fixed number of queries,
however many stations, deputies or receptions there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.filters import IdFilter, RegionSubtreeFilter, StrictFilterSet, YesNoFilter
from portal.models import Region
from stations.models import (
    Activity,
    CommitteeContact,
    ContactVisit,
    DutyShift,
    Household,
    Reception,
    ReceptionMatter,
    Representative,
    Station,
    StationMembership,
)

HOUSEHOLD_QUOTA = 3
VISITS_PER_HOUSEHOLD = 2
COMMITTEE_MIN, COMMITTEE_MAX = 3, 5
REQUIRED_KINDS = (Household.Kind.WEALTH_LEADER, Household.Kind.POOR, Household.Kind.WORTHY)


# --- the filters of the lists (API and desk) ----------------------------------------

REGION_HELP = _("Only list records of this region and the regions below it")
DATE_FORMATS = ["%Y-%m-%d"]  # ISO dates only, as the API has always taken them


class PeriodForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class PeriodFilter(StrictFilterSet):
    """``date_from`` / ``date_to``: records dated in that period (both inclusive)."""

    region = RegionSubtreeFilter(help_text=REGION_HELP)
    date_from = django_filters.DateFilter(
        field_name="date", lookup_expr="gte", input_formats=DATE_FORMATS,
        help_text=_("Start date (inclusive), YYYY-MM-DD"),
    )  # fmt: skip
    date_to = django_filters.DateFilter(
        field_name="date", lookup_expr="lte", input_formats=DATE_FORMATS,
        help_text=_("End date (inclusive), YYYY-MM-DD"),
    )  # fmt: skip

    class Meta:
        form = PeriodForm
        fields: list[str] = []


class RepresentativeFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    station = IdFilter(
        field_name="stations",
        help_text=_("Only list the deputies stationed at this liaison station"),
    )

    class Meta:
        model = Representative
        fields = ["region", "station"]


class StationFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    kind = django_filters.ChoiceFilter(choices=Station.Kind.choices)

    class Meta:
        model = Station
        fields = ["region", "kind"]


class ShiftFilter(PeriodFilter):
    station = IdFilter(field_name="station_id", help_text=_("Liaison station id"))

    class Meta(PeriodFilter.Meta):
        model = DutyShift
        fields = ["region", "station", "date_from", "date_to"]


class ReceptionFilter(PeriodFilter):
    station = IdFilter(field_name="station_id", help_text=_("Liaison station id"))

    class Meta(PeriodFilter.Meta):
        model = Reception
        fields = ["region", "station", "date_from", "date_to"]


class MatterFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    reception = IdFilter(field_name="reception_id", help_text=_("Reception id"))
    solved = YesNoFilter(help_text=_("Whether it has been solved"))

    class Meta:
        model = ReceptionMatter
        fields = ["region", "reception", "solved"]


class HouseholdFilter(StrictFilterSet):
    region = RegionSubtreeFilter(help_text=REGION_HELP)
    representative = IdFilter(field_name="representative_id", help_text=_("Deputy id"))
    kind = django_filters.ChoiceFilter(choices=Household.Kind.choices)

    class Meta:
        model = Household
        fields = ["region", "representative", "kind"]


class ContactVisitFilter(PeriodFilter):
    household = IdFilter(field_name="household_id", help_text=_("Contact household id"))
    committee_contact = IdFilter(
        field_name="committee_contact_id",
        help_text=_("Id of the link between a committee member and the deputy they contact"),
    )

    class Meta(PeriodFilter.Meta):
        model = ContactVisit
        fields = ["region", "household", "committee_contact", "date_from", "date_to"]


class ActivityFilter(PeriodFilter):
    kind = django_filters.ChoiceFilter(choices=Activity.Kind.choices)

    class Meta(PeriodFilter.Meta):
        model = Activity
        fields = ["region", "kind", "date_from", "date_to"]


# --- statistics, compliance, the archive ---------------------------------------------


def recording_stations(user):
    """Return the open stations where ``user`` may log receptions: the stations the user is
    a deputy of, and those of the office's own jurisdiction."""
    own = StationMembership.objects.filter(representative__user=user).values("station_id")
    managed = access.visible(user, Station.objects.all(), access.MANAGE).values("pk")
    visible = access.visible(user, Station.objects.filter(is_active=True))
    return visible.filter(Q(pk__in=own) | Q(pk__in=managed)).order_by("name")


def usual_station_id(user, stations) -> int | None:
    """Return the id of the station among ``stations`` where ``user`` most likely logs a
    reception now: that of their latest reception (present at or recorded by them), else the
    first station they entered as a deputy, else the only one of ``stations``."""
    present = Reception.deputies.through.objects.filter(representative__user=user)
    latest = (
        Reception.objects.filter(
            Q(pk__in=present.values("reception_id")) | Q(recorded_by=user),
            station__in=stations.values("pk"),
        )
        .order_by("-date", "-id")
        .values_list("station_id", flat=True)
        .first()
    )
    if latest is not None:
        return latest
    first = (
        StationMembership.objects.filter(
            representative__user=user, station__in=stations.values("pk")
        )
        .order_by("joined_on", "id")
        .values_list("station_id", flat=True)
        .first()
    )
    if first is not None:
        return first
    only = list(stations.values_list("pk", flat=True)[:2])
    return only[0] if len(only) == 1 else None


def station_deputies(station_id: int | None):
    """Return the active deputies of station ``station_id`` (none without a station), by name:
    those a reception there may list as present."""
    if station_id is None:
        return Representative.objects.none()
    return Representative.objects.filter(stations=station_id, is_active=True).order_by("name", "id")


def desk_todo(user) -> list[dict]:
    """Return the duty shifts ``user`` takes today at an open station whose reception they
    have not logged yet, each with the link to log it, for the desk's to-do list (one query)."""
    logged = Reception.objects.filter(
        Q(recorded_by_id=user.pk) | Q(deputies__user_id=user.pk),
        station_id=OuterRef("station_id"), date=OuterRef("date"),
    )  # fmt: skip
    shifts = (
        DutyShift.objects.filter(
            date=timezone.localdate(), deputies__user_id=user.pk, station__is_active=True
        )
        .exclude(Exists(logged))
        .select_related("station")
        .order_by("start_time", "id")[:5]
    )
    return [
        {
            "text": gettext("On duty today at %(station)s, %(start)s–%(end)s: log the reception")
            % {
                "station": shift.station.name,
                "start": shift.start_time.strftime("%H:%M"),
                "end": shift.end_time.strftime("%H:%M"),
            },
            "url": f"{reverse('stations_desk:reception_new')}?station={shift.station_id}",
        }
        for shift in shifts
    ]


@dataclass
class Figures:
    receptions: int = 0
    people: int = 0
    matters: int = 0
    solved: int = 0
    stations: int = 0

    def add(self, other: Figures) -> None:
        self.receptions += other.receptions
        self.people += other.people
        self.matters += other.matters
        self.solved += other.solved
        self.stations += other.stations

    @property
    def is_empty(self) -> bool:
        """Whether every figure of the period is zero (the number of stations is where
        they are, not what they did)."""
        return not (self.receptions or self.people or self.matters or self.solved)


@dataclass
class RegionFigures:
    region: Region
    figures: Figures = field(default_factory=Figures)
    stations: list[tuple[Station, Figures]] = field(default_factory=list)


def station_statistics(
    actor, date_from: datetime.date, date_to: datetime.date, root: Region | None = None,
    station_limit: int | None = None,
) -> list[RegionFigures]:  # fmt: skip
    """Return receptions, people received, matters collected and solved per region (city >
    county > township, with each township's stations), rolled up the tree, for the stations
    ``actor`` may see, over the whole months from ``date_from`` to ``date_to``. The figures
    are the registry's (``stations.figures``), read from the precomputed monthly snapshots:
    four queries however many stations and receptions. With more than ``station_limit``
    stations, each station's own line is left out (the regions' lines stay)."""
    from portal.figures import periods, snapshots

    stations = access.visible(
        actor, Station.objects.select_related("region").only("id", "name", "region__path")
    )
    if root is not None:
        stations = stations.filter(region__path__startswith=root.path)
    stations = list(stations.order_by("region__path", "name"))
    months = periods.months_between(date_from, date_to)

    # The tree down to townships: a village station counts for its township and above.
    roots = () if actor.is_superuser else access.region_paths(actor, access.VIEW)
    paths = {
        p
        for s in stations
        for p in Region.ancestor_paths_of(s.region.path)
        if not roots or any(p.startswith(root) for root in roots)
    }
    regions = {
        r.path: RegionFigures(r)
        for r in Region.objects.filter(path__in=paths, level__lte=Region.Level.TOWNSHIP)
    }
    totals = snapshots.totals([n.region.pk for n in regions.values()], months, MEASURES)
    for node in regions.values():
        node.figures = _figures(totals[node.region.pk])
    # Each station's own figures, read once under the highest region of its branch that keeps
    # them (counties and below: ``stations.figures``): each station is under exactly one.
    tops = set()
    for station in stations:
        kept = [regions[p] for p in Region.ancestor_paths_of(station.region.path)
                if p in regions and regions[p].region.level >= Region.Level.COUNTY]  # fmt: skip
        if kept:
            tops.add(kept[0].region.pk)
    listed = station_limit is None or len(stations) <= station_limit
    per_station = snapshots.buckets(tops, "station", [str(s.pk) for s in stations], months,
                                    MEASURES) if listed else {}  # fmt: skip
    for station in stations:
        figures = _figures(per_station.get(str(station.pk), {}))
        figures.stations = 1
        ancestors = [
            regions[p] for p in Region.ancestor_paths_of(station.region.path) if p in regions
        ]
        for node in ancestors:
            node.figures.stations += 1
        if ancestors and listed:
            ancestors[-1].stations.append((station, figures))
    return sorted(regions.values(), key=lambda node: node.region.path)


MEASURES = ("receptions.receptions", "receptions.people", "matters.collected", "matters.solved")


def _figures(values) -> Figures:
    return Figures(
        receptions=values.get("receptions.receptions", 0), people=values.get("receptions.people", 0),
        matters=values.get("matters.collected", 0), solved=values.get("matters.solved", 0),
    )  # fmt: skip


def statistics_rows(nodes: list[RegionFigures]) -> tuple[list[RegionFigures], bool]:
    """Return the rows of ``station_statistics`` worth showing, and whether any was left
    out: the top rows (the totals of the jurisdiction) always; a region below them, and a
    station line, only when one of its figures of the period is not zero."""
    paths = {node.region.path for node in nodes}
    hidden = False
    shown = []
    for node in nodes:
        parent = node.region.ancestor_paths[-2:-1]
        is_top = not parent or parent[0] not in paths
        if node.figures.is_empty and not is_top:
            hidden = True
            continue
        stations = [
            (station, figures) for station, figures in node.stations if not figures.is_empty
        ]
        hidden = hidden or len(stations) < len(node.stations)
        shown.append(RegionFigures(node.region, node.figures, stations))
    return shown, hidden


@dataclass
class DeputyCompliance:
    representative: Representative
    households: int
    missing_kinds: list[str]
    short_households: list[tuple[Household, int]]  # (household, visits this year)

    @property
    def compliant(self) -> bool:
        return (
            self.households >= HOUSEHOLD_QUOTA
            and not self.missing_kinds
            and not self.short_households
        )


@dataclass
class MemberCompliance:
    member_name: str
    deputies: int

    @property
    def compliant(self) -> bool:
        return COMMITTEE_MIN <= self.deputies <= COMMITTEE_MAX


def contact_compliance(actor, year: int, root: Region | None = None):
    """Return (deputies, committee members) with their double-contact figures for ``year``:
    each deputy keeps at least 3 households (one of each kind) and meets each at least twice
    a year; each committee member keeps 3–5 deputies."""
    deputies = access.visible(actor, Representative.objects.filter(is_active=True))
    if root is not None:
        deputies = deputies.filter(region__path__startswith=root.path)
    deputies = list(deputies.select_related("region").order_by("region__path", "name"))
    households = (
        Household.objects.filter(representative__in=[d.pk for d in deputies], is_active=True)
        .annotate(visits_this_year=Count("visits", filter=Q(visits__date__year=year)))
        .order_by("name")
    )
    by_deputy: dict[int, list[Household]] = defaultdict(list)
    for household in households:
        by_deputy[household.representative_id].append(household)
    labels = dict(Household.Kind.choices)
    deputy_rows = []
    for deputy in deputies:
        own = by_deputy[deputy.pk]
        kinds = {h.kind for h in own}
        deputy_rows.append(
            DeputyCompliance(
                representative=deputy,
                households=len(own),
                missing_kinds=[str(labels[k]) for k in REQUIRED_KINDS if k not in kinds],
                short_households=[
                    (h, h.visits_this_year)
                    for h in own
                    if h.visits_this_year < VISITS_PER_HOUSEHOLD
                ],
            )
        )
    contacts = access.visible(actor, CommitteeContact.objects.filter(is_active=True))
    if root is not None:
        contacts = contacts.filter(region__path__startswith=root.path)
    member_rows = [
        MemberCompliance(row["member__full_name"] or row["member__username"], row["n"])
        for row in contacts.values("member_id", "member__full_name", "member__username")
        .annotate(n=Count("representative", distinct=True))
        .order_by("member__username")
    ]
    return deputy_rows, member_rows


@dataclass
class YearSummary:
    year: int
    receptions: int = 0
    people: int = 0
    matters: int = 0
    visits: int = 0
    activities: int = 0
    shifts: int = 0


def archive(representative: Representative, year: int | None = None) -> dict:
    """Return everything the portal recorded of one deputy's work (履职档案), newest first,
    with a summary per year. The caller has checked that it may see the deputy."""

    def in_year(queryset, field_name="date"):
        return queryset.filter(**{f"{field_name}__year": year}) if year else queryset

    receptions = list(
        in_year(representative.receptions.all())
        .select_related("station")
        .annotate(matter_count=Count("matters"))
        .order_by("-date", "-id")
    )
    visits = list(
        in_year(ContactVisit.objects.filter(household__representative=representative))
        .select_related("household")
        .order_by("-date", "-id")
    )
    activities = list(in_year(representative.activities.all()).order_by("-date", "-id"))
    shifts = list(
        in_year(DutyShift.objects.filter(deputies=representative)).select_related("station")
        .order_by("-date")
    )  # fmt: skip
    summaries: dict[int, YearSummary] = {}

    def summary(date):
        return summaries.setdefault(date.year, YearSummary(date.year))

    for reception in receptions:
        s = summary(reception.date)
        s.receptions += 1
        s.people += reception.people_count
        s.matters += reception.matter_count
    for visit in visits:
        summary(visit.date).visits += 1
    for activity in activities:
        summary(activity.date).activities += 1
    for shift in shifts:
        summary(shift.date).shifts += 1
    return {
        "representative": representative,
        "mandates": list(representative.mandates.select_related("region")),
        "receptions": receptions,
        "visits": visits,
        "activities": activities,
        "shifts": shifts,
        "years": sorted(summaries.values(), key=lambda s: s.year, reverse=True),
    }
