"""Precomputed figures: each source's measures per region, month and breakdown.

``refresh(months)`` recomputes whole months: for each source, one aggregate query per
breakdown over the records dated in those months, grouped by the record's region, month and
bucket; each value is added to the region and to every region above it down to the township
(villages roll into their township: the dashboards drill from the city to a township, then to
its stations and handling units). A source's months are deleted and written again in one
transaction, so a run is idempotent and a run that stopped part way leaves whole months
behind it (``FigureRun`` records each); ``resume=True`` skips the months a run already wrote
after ``since``.

The beat schedule recomputes the current month every few minutes (today's changes) and the
last twelve months every night (older issues closing change their month's figures); staff
recompute any period from the dashboard. Reading is by region and months: ``totals``,
``by_month``, ``breakdown``.
"""

from __future__ import annotations

import datetime
import time
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portal import figures
from portal.figures.periods import add_months, first
from portal.models import FigureRun, FigureValue, Region

ROLL_UP_LEVELS = (Region.Level.CITY, Region.Level.COUNTY, Region.Level.TOWNSHIP)
NONE_BUCKET = "-"


class Ancestors(dict):
    """Each region's id → the ids of itself and the regions above it that keep figures;
    ``tops`` holds the ids of the cities (no local breakdowns there)."""

    tops: set[int]


def _ancestors() -> Ancestors:
    rows = list(Region.objects.values_list("id", "code", "path", "level"))
    by_code = {code: pk for pk, code, _path, _level in rows}
    level_of = {pk: level for pk, _code, _path, level in rows}
    out = Ancestors()
    for pk, _code, path, _level in rows:
        chain = [by_code[c] for c in path.strip("/").split("/") if c in by_code]
        out[pk] = [a for a in chain if level_of[a] in ROLL_UP_LEVELS]
    out.tops = {pk for pk, level in level_of.items() if level < Region.Level.COUNTY}
    return out


def _field(model: type[models.Model], path: str) -> models.Field:
    for part in path.split("__")[:-1]:
        model = model._meta.get_field(part).related_model
    return model._meta.get_field(path.split("__")[-1])


def _bounds(source: figures.Source, start: datetime.date, end: datetime.date):
    """The lookups selecting records dated from the month ``start`` to the month ``end``."""
    stop = add_months(end, 1)
    if isinstance(_field(source.model, source.date_field), models.DateTimeField):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        begin = datetime.datetime.combine(start, datetime.time(), zone)
        stop = datetime.datetime.combine(stop, datetime.time(), zone)
        return {f"{source.date_field}__gte": begin, f"{source.date_field}__lt": stop}
    return {f"{source.date_field}__gte": start, f"{source.date_field}__lt": stop}


def _month_expression(source: figures.Source):
    field = _field(source.model, source.date_field)
    if isinstance(field, models.DateTimeField):
        return TruncMonth(
            source.date_field,
            output_field=models.DateField(),
            tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE),
        )
    return TruncMonth(source.date_field, output_field=models.DateField())


def leaf_rows(
    source: figures.Source, start: datetime.date, end: datetime.date, today: datetime.date
) -> Iterable[tuple]:
    """(region_id, month, dimension, bucket, {measure: value}) of the records themselves."""
    if source.rows is not None:
        yield from source.rows(start, end, today)
        return
    queryset = source.model._default_manager.filter(**_bounds(source, start, end))
    if source.prepare is not None:
        queryset = source.prepare(queryset, today)
    aggregates = source.aggregates(today)
    for dimension in ("", *source.dimensions):
        grouped = queryset.annotate(
            _region=F(source.region_field), _month=_month_expression(source)
        )
        keys = ["_region", "_month"]
        if dimension:
            grouped = grouped.annotate(_bucket=source.dimensions[dimension]())
            keys.append("_bucket")
        for row in grouped.order_by().values(*keys).annotate(**aggregates).order_by():
            bucket = ""
            if dimension:
                bucket = NONE_BUCKET if row["_bucket"] in (None, "") else str(row["_bucket"])
            values = {key: row[key] or 0 for key in aggregates}
            yield row["_region"], row["_month"], dimension, bucket, values


def compute(source, start, end, today=None, ancestors=None) -> dict[tuple, int]:
    """(measure, region_id, month, dimension, bucket) → value, rolled up the regions."""
    today = today or timezone.localdate()
    ancestors = ancestors if ancestors is not None else _ancestors()
    out: dict[tuple, int] = defaultdict(int)
    tops = getattr(ancestors, "tops", set())
    for region_id, month, dimension, bucket, values in leaf_rows(source, start, end, today):
        for above in ancestors.get(region_id, ()):
            if dimension in source.local and above in tops:
                continue
            for measure, value in values.items():
                if value:
                    out[(measure, above, month, dimension, bucket)] += int(value)
    return out


def refresh(months: Iterable[datetime.date], keys: Iterable[str] | None = None, *,
            today: datetime.date | None = None, resume_since: datetime.datetime | None = None,
            progress=None) -> dict[str, int]:  # fmt: skip
    """Recompute ``months`` (first days) of the sources ``keys`` (all by default), month by
    month; returns the rows written per source. With ``resume_since``, a source's month
    already computed after that moment is skipped (a run that stopped is resumed)."""
    today = today or timezone.localdate()
    ancestors = _ancestors()
    chosen = [s for s in figures.sources() if keys is None or s.key in set(keys)]
    written: dict[str, int] = defaultdict(int)
    wanted = sorted({first(m) for m in months})
    for source in chosen:
        source_months = sorted({m.replace(month=1) for m in wanted}) if source.yearly else wanted
        done = set()
        if resume_since is not None:
            done = set(
                FigureRun.objects.filter(
                    source=source.key, month__in=source_months, computed_at__gte=resume_since
                ).values_list("month", flat=True)
            )
        for month in source_months:
            if month in done:
                continue
            began = time.monotonic()
            end = add_months(month, 11) if source.yearly else month
            values = compute(source, month, end, today, ancestors)
            now = timezone.now()
            rows = [
                FigureValue(measure=measure, region_id=region_id, month=month,
                            dimension=dimension, bucket=bucket, value=value, computed_at=now)
                for (measure, region_id, _m, dimension, bucket), value in values.items()
            ]  # fmt: skip
            with transaction.atomic():
                _lock(source.key, month)  # runs that overlap take turns month by month
                FigureValue.objects.filter(
                    measure__in=[m.key for m in source.measures], month=month
                ).delete()
                FigureValue.objects.bulk_create(rows, batch_size=2000)
                FigureRun.objects.update_or_create(
                    source=source.key, month=month,
                    defaults={"computed_at": now, "rows": len(rows),
                              "seconds": time.monotonic() - began},
                )  # fmt: skip
            written[source.key] += len(rows)
            if progress:
                progress(source.key, month, len(rows))
    return dict(written)


def _lock(source: str, month: datetime.date) -> None:
    """Hold, until the transaction ends, the right to rewrite ``source``'s ``month``: the
    every-ten-minutes run, the nightly run and a recompute may overlap (PostgreSQL; the
    embedded SQLite setup writes one transaction at a time anyway)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"figures:{source}:{month}"]
            )


# --- reading ----------------------------------------------------------------------------------


def _months_of(measures: Iterable[str], months: list[datetime.date]) -> dict[str, list]:
    """The months to read for each measure: a yearly source's figure is the one of the year
    the months end in (kept in its January), never a sum of years."""
    out = {}
    last = max(months) if months else None
    for key in measures:
        src = figures.source(key.split(".", 1)[0])
        out[key] = ([last.replace(month=1)] if last else []) if src.yearly else months
    return out


def _rows(region_ids, months, dimension, measures):
    measures = list(measures)
    span = _months_of(measures, months)
    every = sorted({m for ms in span.values() for m in ms})
    rows = (
        FigureValue.objects.filter(
            region_id__in=list(region_ids), dimension=dimension, measure__in=measures,
            month__in=every,
        )
        .values("region_id", "measure", "bucket", "month")
        .annotate(total=Sum("value"))
        .order_by()
    )  # fmt: skip
    for row in rows:
        if row["month"] in span[row["measure"]]:
            yield row


def all_measures() -> list[str]:
    return [m.key for s in figures.sources() for m in s.measures]


def totals(region_ids, months, measures=None) -> dict[int, dict[str, int]]:
    """region_id → measure → its sum over ``months`` (one query)."""
    out: dict[int, dict[str, int]] = {pk: defaultdict(int) for pk in region_ids}
    for row in _rows(region_ids, months, "", measures or all_measures()):
        out[row["region_id"]][row["measure"]] += row["total"]
    return out


def by_month(region_id: int, months, measures=None) -> dict[datetime.date, dict[str, int]]:
    """month → measure → value, for one region (one query)."""
    out: dict[datetime.date, dict[str, int]] = {m: defaultdict(int) for m in months}
    for row in _rows([region_id], months, "", measures or all_measures()):
        out.setdefault(row["month"], defaultdict(int))[row["measure"]] += row["total"]
    return out


def breakdown(region_id: int, dimension: str, months, measures) -> dict[str, dict[str, int]]:
    """bucket → measure → its sum over ``months``, for one region (one query)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in _rows([region_id], months, dimension, measures):
        out[row["bucket"]][row["measure"]] += row["total"]
    return out


def buckets(region_ids, dimension: str, wanted, months, measures) -> dict[str, dict[str, int]]:
    """bucket → measure → its sum over ``months`` under the regions ``region_ids``, for the
    buckets ``wanted`` (one query)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = (
        FigureValue.objects.filter(region_id__in=list(region_ids), dimension=dimension,
                                   bucket__in=list(wanted), measure__in=list(measures),
                                   month__in=list(months))
        .values("bucket", "measure")
        .annotate(total=Sum("value"))
        .order_by()
    )  # fmt: skip
    for row in rows:
        out[row["bucket"]][row["measure"]] += row["total"]
    return out


def bucket_by_month(region_id: int, dimension: str, bucket: str, months, measures):
    """month → measure → value of one bucket (a station, a unit) under one region."""
    out: dict[datetime.date, dict[str, int]] = {m: defaultdict(int) for m in months}
    rows = (
        FigureValue.objects.filter(region_id=region_id, dimension=dimension, bucket=bucket,
                                   measure__in=list(measures), month__in=list(months))
        .values_list("month", "measure", "value")
    )  # fmt: skip
    for month, measure, value in rows:
        out.setdefault(month, defaultdict(int))[measure] += value
    return out


def computed_at(months) -> datetime.datetime | None:
    """When the oldest of these months' figures was computed (None: never)."""
    runs = FigureRun.objects.filter(month__in=list(months))
    if not runs.exists():
        return None
    return runs.order_by("computed_at").values_list("computed_at", flat=True).first()
