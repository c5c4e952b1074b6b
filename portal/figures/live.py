"""Figures computed on the spot, over any dates and region subtrees, with the same measures as
the snapshots: the statistics pages (free date ranges), the checks that the snapshots are
exact, and a period recomputed for one region."""

from __future__ import annotations

import datetime
import functools
import operator
import zoneinfo
from collections import defaultdict

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from portal import figures
from portal.figures.periods import first
from portal.figures.snapshots import _field
from portal.models import Region


def _date_range(source: figures.Source, start: datetime.date, end: datetime.date) -> dict:
    stop = end + datetime.timedelta(days=1)
    if isinstance(_field(source.model, source.date_field), models.DateTimeField):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return {
            f"{source.date_field}__gte": datetime.datetime.combine(start, datetime.time(), zone),
            f"{source.date_field}__lt": datetime.datetime.combine(stop, datetime.time(), zone),
        }
    return {f"{source.date_field}__gte": start, f"{source.date_field}__lt": stop}


def by_region(source: figures.Source, start: datetime.date, end: datetime.date,
              today: datetime.date | None = None, within: list[Region] | None = None,
              paths: dict[int, str] | None = None) -> dict[int, dict[str, int]]:  # fmt: skip
    """The record's own region id → measure → value, for records dated ``start``–``end``
    (yearly sources: the year they end in), optionally only under the regions ``within``;
    ``paths`` receives each region's path as the query reads it."""
    today = today or timezone.localdate()
    paths = {} if paths is None else paths
    out: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    if source.rows is not None:  # a yearly figure: the one of the year the dates end in
        year = first(end).replace(month=1)
        for region_id, _month, dimension, _bucket, values in source.rows(year, year, today):
            if dimension == "":
                for key, value in values.items():
                    out[region_id][key] += int(value or 0)
        return out
    queryset = source.model._default_manager.filter(**_date_range(source, start, end))
    if within:
        path = f"{source.region_field}__path__startswith"
        queryset = queryset.filter(
            functools.reduce(operator.or_, (Q(**{path: r.path}) for r in within))
        )
    if source.prepare is not None:
        queryset = source.prepare(queryset, today)
    rows = (
        queryset.annotate(_region=F(source.region_field), _path=F(f"{source.region_field}__path"))
        .order_by()
        .values("_region", "_path")
        .annotate(**source.aggregates(today))
        .order_by()
    )
    for row in rows:
        paths[row["_region"]] = row["_path"]
        for measure in source.measures:
            out[row["_region"]][measure.key] += int(row[measure.key] or 0)
    return out


def values(regions: list[Region], start: datetime.date, end: datetime.date,
           keys: list[str] | None = None, today: datetime.date | None = None,
           ) -> dict[int, dict[str, int]]:  # fmt: skip
    """Region pk → measure → value over each region's subtree, for the sources ``keys`` (all
    by default): one query per source however many regions."""
    chosen = [s for s in figures.sources() if keys is None or s.key in keys]
    out: dict[int, dict[str, int]] = {r.pk: defaultdict(int) for r in regions}
    paths: dict[int, str] = {}
    for source in chosen:
        found = by_region(source, start, end, today, regions, paths)
        if source.rows is not None and found:  # yearly sources' own rows carry no path
            paths.update(Region.objects.filter(pk__in=list(found)).values_list("pk", "path"))
        for region_id, measures in found.items():
            path = paths.get(region_id, "")
            for region in regions:
                if path.startswith(region.path):
                    for key, value in measures.items():
                        out[region.pk][key] += value
    return out


AGES = ((1, 7), (8, 30), (31, 90), (91, None))  # days past the deadline


def overdue_ages(queryset, due_field: str, today: datetime.date) -> list[tuple[str, int]]:
    """(label, count) of overdue records by days past their deadline, in one query."""
    from django.db.models import Count
    from django.utils.translation import gettext

    counts = {}
    for low, high in AGES:
        condition = Q(**{f"{due_field}__lte": today - datetime.timedelta(days=low)})
        if high is not None:
            condition &= Q(**{f"{due_field}__gte": today - datetime.timedelta(days=high)})
        counts[f"d{low}"] = Count("pk", filter=condition)
    row = queryset.order_by().aggregate(**counts)
    out = []
    for low, high in AGES:
        if high is None:
            label = gettext("Over %(days)d days") % {"days": low - 1}
        else:
            label = gettext("%(low)d–%(high)d days") % {"low": low, "high": high}
        out.append((label, row[f"d{low}"] or 0))
    return out
