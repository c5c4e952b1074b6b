"""Public pages of the liaison stations (no account needed) and their printable posters.

Only open stations are shown, with what a station publishes about itself: where it is, when
it is open, its member deputies' public contact and the duty roster announced in advance
(工作预告). Nothing recorded about citizens (receptions, their matters, households, visits) is
read here, and a deputy's own phone number is never loaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from portal import ratelimit
from portal.models import Region
from stations import posters
from stations.models import DutyShift, Representative, Station

PAGE_SIZE = 30
ROSTER_DAYS = 60
ROSTER_LIMIT = 200
QUERY_MAX_LENGTH = 100
PUBLIC_DEPUTY_FIELDS = ("id", "name", "work_unit", "public_contact")


# --- reads -------------------------------------------------------------------------


def open_stations() -> QuerySet[Station]:
    """Return the stations the public may see: the open ones."""
    return Station.objects.filter(is_active=True)


def listed_stations(*, region: Region | None, query: str) -> QuerySet[Station]:
    """Return open stations under ``region`` whose name contains ``query``, with member counts."""
    stations = open_stations().select_related("region")
    if region is not None:
        stations = stations.filter(region__path__startswith=region.path)
    if query:
        stations = stations.filter(name__icontains=query)
    return stations.annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    ).order_by("region__path", "kind", "name", "pk")


def public_deputies() -> QuerySet[Representative]:
    """Return active deputies with only the fields a public page may show."""
    return Representative.objects.filter(is_active=True).only(*PUBLIC_DEPUTY_FIELDS)


def station_with_members(pk: int) -> Station:
    """Return the open station ``pk`` with its chief, region and active members, or 404."""
    members = Prefetch(
        "members", queryset=public_deputies().order_by("name", "pk"), to_attr="public_members"
    )
    stations = (
        open_stations()
        .select_related("region", "chief")
        .defer("chief__phone", "chief__user", "chief__id_code")
        .prefetch_related(members)
    )
    return get_object_or_404(stations, pk=pk)


def upcoming_shifts(station: Station, today: datetime.date) -> list[DutyShift]:
    """Return the station's duty shifts from ``today`` through the next ``ROSTER_DAYS`` days."""
    deputies = Prefetch(
        "deputies", queryset=Representative.objects.only("id", "name").order_by("name", "pk")
    )
    shifts = (
        DutyShift.objects.filter(
            station=station, date__range=(today, today + datetime.timedelta(days=ROSTER_DAYS))
        )
        .only("id", "date", "start_time", "end_time", "moved_from", "needs_review")
        .prefetch_related(deputies)
        .order_by("date", "start_time")
    )
    return list(shifts[:ROSTER_LIMIT])


# --- the region filter -------------------------------------------------------------


@dataclass
class RegionGroup:
    """A county and its townships, offered as one group of the region select."""

    county: Region | None
    townships: list[Region] = field(default_factory=list)


def region_groups(regions: list[Region]) -> list[RegionGroup]:
    """Group counties with their townships, in tree order (``regions`` sorted by path)."""
    groups: list[RegionGroup] = []
    by_county: dict[int, RegionGroup] = {}
    for region in regions:
        if region.level == Region.Level.COUNTY:
            group = by_county[region.pk] = RegionGroup(region)
            groups.append(group)
        elif region.parent_id in by_county:
            by_county[region.parent_id].townships.append(region)
        else:
            groups.append(RegionGroup(None, [region]))
    return groups


def filter_regions() -> list[Region]:
    """Return the counties and townships the list can be filtered by, in tree order."""
    levels = [Region.Level.COUNTY, Region.Level.TOWNSHIP]
    return list(
        Region.objects.filter(level__in=levels)
        .only("id", "name", "level", "parent_id", "path")
        .order_by("path")
    )


def chosen_region(value: str | None, regions: list[Region]) -> Region | None:
    """Return the region whose id is ``value`` among ``regions``; ignore anything else."""
    try:
        pk = int(value or "")
    except ValueError:
        return None
    return next((region for region in regions if region.pk == pk), None)


def search_text(value: str | None) -> str:
    """Return the name search as typed, bounded and without NUL (PostgreSQL refuses it)."""
    return (value or "").replace("\x00", "").strip()[:QUERY_MAX_LENGTH]


# --- pages -------------------------------------------------------------------------


@require_safe
def station_list(request):
    """List the open stations, filtered by region subtree and name, 30 to a page."""
    regions = filter_regions()
    region = chosen_region(request.GET.get("region"), regions)
    query = search_text(request.GET.get("q"))
    page = Paginator(listed_stations(region=region, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "region_groups": region_groups(regions),
        "region": region,
        "query": query,
        "filtered": bool(region or query),
    }
    return render(request, "stations/public_list.html", context)


@require_safe
def station_detail(request, pk: int):
    """Show one open station: facts, checklist, notices, deputies and the duty roster."""
    station = station_with_members(pk)
    context = {
        "station": station,
        "checklist": station.checklist_items(),
        "shifts": upcoming_shifts(station, timezone.localdate()),
        "roster_days": ROSTER_DAYS,
        "report_url": f"/petitions/new/?station={station.pk}",
    }
    return render(request, "stations/public_detail.html", context)


@require_safe
def station_poster(request, pk: int, fmt: str):
    """Serve the station's poster as SVG or PDF, or its QR code alone as PNG."""
    if not ratelimit.hit("poster", ratelimit.client_ip(request)):
        return _too_many(request)
    if fmt not in posters.CONTENT_TYPES:
        raise Http404(_("No such poster format."))
    station = get_object_or_404(open_stations(), pk=pk)
    poster = posters.poster_for(station, posters.petition_url(request, station))
    response = HttpResponse(posters.build(fmt, poster), content_type=posters.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = posters.content_disposition(station, fmt)
    if fmt == "svg":
        # An SVG opened on its own is a document: it may not run or load anything.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _too_many(request) -> HttpResponse:
    message = _("Too many poster requests. Please wait a minute.")
    return render(request, "portal/too_many.html", {"message": message}, status=429)
