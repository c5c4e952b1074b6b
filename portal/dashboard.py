"""What the leaders' dashboard (数据驾驶舱) shows for one region and period — built once here
and rendered as the page, written to Excel and served by the API, so that the three always
agree. Figures come from ``portal.figures`` (snapshots), panels from the apps.

``build(region, period)`` returns the key figures (with the previous period and the change),
the child regions' figures for drilling down, and the charts, each with the table behind it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import figures
from portal.figures import periods, snapshots
from portal.figures.periods import Period
from portal.models import Region

# The figures in the children's table and on the cards' first row.
CHILD_COLUMNS = ("petitions_received", "petitions_completion_rate", "petitions_on_time_rate",
                 "petitions_satisfaction_rate", "receptions", "people_received",
                 "suggestions_completion_rate", "matters_opened")  # fmt: skip
TREND = ("petitions_received", "petitions_closed", "receptions", "matters_collected")
UNIT_FIGURES = ("petitions_on_time_rate", "petitions_satisfaction_rate")
TOP = 15


@dataclass
class Value:
    figure: figures.Figure
    value: Decimal | None
    previous: Decimal | None
    cases: int

    @property
    def display(self) -> str:
        return self.figure.display(self.value)

    @property
    def previous_display(self) -> str:
        return self.figure.display(self.previous)

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_display(self) -> str:
        change = self.change
        if change is None:
            return ""
        sign = "+" if change > 0 else ""
        unit = _("pt") if self.figure.is_rate else ""
        return f"{sign}{change:.1f}{unit}" if self.figure.denominator else f"{sign}{int(change):,}"

    @property
    def trend_class(self) -> str:
        change = self.change
        if not change or self.figure.better == "neutral":
            return "flat"
        good = (change > 0) == (self.figure.better == "high")
        return "good" if good else "bad"


@dataclass
class Chart:
    """A chart and the table behind it: ``categories`` (x axis or slices) and ``series``
    (name, values); ``links`` (optional) drill-down URLs of the categories."""

    key: str
    title: str
    kind: str  # "line", "bar", "hbar", "pie"
    unit: str
    categories: list[str]
    series: list[tuple[str, list[Any]]]
    links: list[str] = field(default_factory=list)
    note: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key, "title": self.title, "kind": self.kind, "unit": self.unit,
            "categories": self.categories,
            "series": [{"name": name, "data": [_number(v) for v in values]}
                       for name, values in self.series],
        }  # fmt: skip

    @property
    def table_rows(self) -> list[dict]:
        """Each category's label, drill-down link (or "") and values, for the table view."""
        return [
            {"label": category, "link": self.links[i] if i < len(self.links) else "",
             "cells": [values[i] for _name, values in self.series]}
            for i, category in enumerate(self.categories)
        ]  # fmt: skip

    @property
    def rows(self) -> list[list[Any]]:
        return [[category, *(values[i] for _name, values in self.series)]
                for i, category in enumerate(self.categories)]  # fmt: skip


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _values(measures: dict[str, int], previous: dict[str, int]) -> list[Value]:
    return [
        Value(f, f.value(measures), f.value(previous), f.cases(measures)) for f in figures.figures()
    ]


def children_of(region: Region) -> list[Region]:
    """The regions one level down that keep figures (not villages)."""
    if region.level >= Region.Level.TOWNSHIP:
        return []
    return list(Region.objects.filter(parent=region).order_by("code"))


def ancestors_within(region: Region, roots: list[Region]) -> list[Region]:
    """The breadcrumb: from the user's own region down to ``region``."""
    root = next((r for r in roots if region.path.startswith(r.path)), region)
    paths = [p for p in Region.ancestor_paths_of(region.path) if p.startswith(root.path)]
    found = {r.path: r for r in Region.objects.filter(path__in=paths)}
    return [found[p] for p in paths if p in found]


def build(region: Region, period: Period, today: datetime.date | None = None,
          link=None) -> dict:  # fmt: skip
    """Everything the dashboard of ``region`` shows for ``period``. ``link(region=…,
    station=…)`` makes the drill-down URLs (None in exports)."""
    today = today or timezone.localdate()
    months, before = period.months, period.previous().months
    children = children_of(region)
    now = snapshots.totals([region.pk, *(c.pk for c in children)], months)
    previous = snapshots.totals([region.pk], before)[region.pk]
    values = _values(now[region.pk], previous)
    by_key = {v.figure.key: v for v in values}
    child_rows = []
    for child in children:
        measures = now[child.pk]
        cells = [
            figures.figure(k).display(figures.figure(k).value(measures)) for k in CHILD_COLUMNS
        ]
        child_rows.append({"region": child, "cells": cells,
                           "url": link(region=child.pk) if link else ""})  # fmt: skip
    return {
        "region": region, "period": period, "previous": period.previous(),
        "computed_at": snapshots.computed_at(months),
        "values": values, "by_key": by_key,
        "modules": _modules(values),
        "child_columns": [figures.figure(k) for k in CHILD_COLUMNS],
        "children": child_rows,
        "charts": _charts(region, period, today, link),
    }  # fmt: skip


def _modules(values: list[Value]) -> list[tuple[str, list[Value]]]:
    out: dict[str, list[Value]] = {}
    for value in values:
        out.setdefault(str(value.figure.module), []).append(value)
    return list(out.items())


def labels_of(source_key: str, dimension: str, buckets: list[str]) -> dict[str, str]:
    source = figures.source(source_key)
    labeller = source.labels.get(dimension)
    names = labeller(buckets) if labeller else {}
    return {b: names.get(b, _("Not given") if b == snapshots.NONE_BUCKET else b) for b in buckets}


def _trend(region: Region, period: Period) -> Chart:
    end = period.end
    months = periods.months_between(periods.add_months(end, -11), end)
    chosen = [figures.figure(k) for k in TREND]
    rows = snapshots.by_month(region.pk, months, [m for f in chosen for m in f.measures])
    return Chart(
        "trend",
        _("Monthly trend (twelve months to the end of the period)"),
        "line",
        "",
        [periods.month_label(m) for m in months],
        [(str(f.label), [f.value(rows.get(m, {})) for m in months]) for f in chosen],
    )


def _breakdown_chart(region, period, key, title, source, dimension, figure_keys, kind="bar",
                     rank=False, link=None) -> Chart:  # fmt: skip
    chosen = [figures.figure(k) for k in figure_keys]
    if dimension in figures.source(source).local and region.level < Region.Level.COUNTY:
        note = _("Open a district or county to see this by station.")
        return Chart(key, title, kind, "", [], [], note=note)
    measures = [m for f in chosen for m in f.measures]
    parts = snapshots.breakdown(region.pk, dimension, period.months, measures)
    buckets = list(parts)
    if rank:  # only units with enough cases, best first
        first = chosen[0]
        buckets = [b for b in buckets if first.ranked(parts[b])]
        buckets.sort(key=lambda b: (-(first.value(parts[b]) or 0), -first.cases(parts[b])))
    else:
        buckets.sort(key=lambda b: -(chosen[0].value(parts[b]) or 0))
    if dimension == "weekday":
        buckets = sorted(buckets, key=lambda b: int(b) if b.isdigit() else 9)
    buckets = buckets[:TOP]
    names = labels_of(source, dimension, buckets)
    note = ""
    if rank:
        note = _("Only units with at least %(n)d cases are ranked.") % {"n": chosen[0].min_cases}
    links = []
    if link and dimension in FOCUS:
        links = [  # one link a bucket, "" for the unnamed one
            link(region=region.pk, **{dimension: b}) if b != snapshots.NONE_BUCKET else ""
            for b in buckets
        ]
    return Chart(
        key,
        title,
        kind,
        str(chosen[0].unit) if len(chosen) == 1 else "",
        [names[b] for b in buckets],
        [(str(f.label), [f.value(parts[b]) for b in buckets]) for f in chosen],
        links=links,
        note=note,
    )


def _charts(region: Region, period: Period, today, link) -> list[Chart]:
    charts = [
        _trend(region, period),
        _breakdown_chart(region, period, "categories", _("Issues by category"), "petitions",
                         "category", ["petitions_received"], kind="pie"),
        _breakdown_chart(region, period, "units_on_time",
                         _("Handling units by on-time reply rate"), "petitions", "unit",
                         ["petitions_on_time_rate"], kind="hbar", rank=True, link=link),
        _breakdown_chart(region, period, "units_satisfaction",
                         _("Handling units by satisfaction"), "petitions", "unit",
                         ["petitions_satisfaction_rate"], kind="hbar", rank=True, link=link),
        _breakdown_chart(region, period, "stations", _("Receptions by station"), "receptions",
                         "station", ["receptions", "people_received"], link=link),
        _breakdown_chart(region, period, "weekdays", _("Receptions by weekday"), "receptions",
                         "weekday", ["receptions"]),
        _breakdown_chart(region, period, "stages", _("Suggestions by stage"), "suggestions",
                         "stage", ["suggestions_filed"], kind="pie"),
    ]  # fmt: skip
    for panel in figures.panels():
        rows = panel.rows(region, period, today)
        charts.append(Chart(panel.key, str(panel.title), "hbar" if panel.key.startswith("projects") else "bar",
                            str(panel.unit), [label for label, _v in rows],
                            [(str(panel.title), [v for _l, v in rows])]))  # fmt: skip
    return charts


FOCUS = {
    # what a drill into one station or one handling unit shows, month by month
    "station": ("receptions", ("receptions", "people_received", "matters_collected", "matters_solved"), "bar"),
    "unit": ("petitions", ("petitions_received", "petitions_on_time_rate", "petitions_satisfaction_rate"), "line"),
}  # fmt: skip


def focus_view(region: Region, dimension: str, bucket: str, period: Period) -> dict | None:
    """One station's or handling unit's figures in ``region``, month by month over the twelve
    months to the end of the period (None when it has no figures there)."""
    source, keys, kind = FOCUS[dimension]
    months = periods.months_between(periods.add_months(period.end, -11), period.end)
    chosen = [figures.figure(k) for k in keys]
    measures = [m for f in chosen for m in f.measures]
    rows = snapshots.bucket_by_month(region.pk, dimension, bucket, months, measures)
    if not any(rows.values()):
        return None
    name = labels_of(source, dimension, [bucket]).get(bucket, bucket)
    chart = Chart(dimension, _("%(station)s: twelve months") % {"station": name}, kind, "",
                  [periods.month_label(m) for m in months],
                  [(str(f.label), [f.value(rows.get(m, {})) for m in months]) for f in chosen])  # fmt: skip
    return {"name": name, "chart": chart}
