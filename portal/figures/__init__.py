"""The figures of the portal, each declared once (数据驾驶舱的指标口径).

A **source** is a kind of record counted by date and region (citizen issues by submission
date, receptions by reception date …). Its **measures** are aggregates over those records
(issues received, issues replied by their deadline …), written as Django aggregates so that
one query computes all of them. A **figure** is what people quote: a measure, or a rate of
two (办结率 = closed ÷ accepted), with its Chinese name, its formula in words, its unit and
the fewest cases below which it is not ranked.

Apps declare their sources and figures in their ``figures.py`` (read from ``AppConfig.ready``);
the core knows none of them. Everything that shows a figure — the dashboard, the statistics
pages, the API, the Excel exports and the yearly report — reads it from here:
``portal.figures.snapshots`` for the precomputed monthly values, ``portal.figures.live`` for
a figure computed on the spot over any set of records.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models


@dataclass(frozen=True)
class Measure:
    """An aggregate over a source's records: ``aggregate(today)`` returns a Django
    aggregate (``Count("pk", filter=…)``, ``Sum("people_count")``)."""

    key: str
    aggregate: Callable[[datetime.date], Any]


@dataclass(frozen=True)
class Source:
    """Records counted by ``date_field`` and ``region_field``. ``prepare(queryset, today)``
    adds what the measures need (annotations); ``dimensions`` are the breakdowns kept (name →
    expression factory); ``labels`` name a breakdown's buckets (name → callable taking the
    bucket values, returning their labels). ``rows(start, end, today)`` replaces the query for
    sources that are not one aggregate (yearly rules): it yields ``(region_id, month,
    dimension, bucket, {measure: value})``."""

    key: str
    model: type[models.Model] | None
    date_field: str
    region_field: str
    measures: tuple[Measure, ...]
    dimensions: dict[str, Callable[[], Any]] = field(default_factory=dict)
    labels: dict[str, Callable[[list[str]], dict[str, str]]] = field(default_factory=dict)
    prepare: Callable[[models.QuerySet, datetime.date], models.QuerySet] | None = None
    rows: Callable[..., Iterable[tuple]] | None = None
    yearly: bool = False  # one value a year, kept in the year's January
    # Breakdowns kept only from the county down (a city has thousands of stations: its
    # dashboard drills into counties instead).
    local: tuple[str, ...] = ()

    def aggregates(self, today: datetime.date) -> dict[str, Any]:
        return {measure.key: measure.aggregate(today) for measure in self.measures}


PERCENT = "%"


@dataclass(frozen=True)
class Figure:
    """A figure people quote: ``numerator`` (a measure key), divided by ``denominator`` when
    it is a rate or an average. ``unit`` is "%" for a rate (shown ×100, one decimal, rounded
    half up), else a word (件, 人次, 轮). ``min_cases``: below this denominator a region or a
    unit is not ranked. ``better``: "high", "low" or "neutral" (the colour of a change: more
    issues received is neither good nor bad)."""

    key: str
    label: Any
    formula: Any
    unit: Any
    module: Any
    numerator: str
    denominator: str | tuple[str, ...] | None = None  # a tuple is summed
    min_cases: int = 0
    better: str = "high"
    order: int = 50
    scale: int = 100  # a rate's factor (1 when the numerator is already in per cent)

    @property
    def below(self) -> tuple[str, ...]:
        """The measures summed into the denominator."""
        if self.denominator is None:
            return ()
        return (self.denominator,) if isinstance(self.denominator, str) else self.denominator

    @property
    def measures(self) -> tuple[str, ...]:
        return (self.numerator, *self.below)

    @property
    def source(self) -> str:
        return self.numerator.split(".", 1)[0]

    @property
    def is_rate(self) -> bool:
        return self.unit == PERCENT

    def value(self, values: dict[str, int]) -> Decimal | None:
        """The figure from its measures' values; None when a rate has no cases."""
        top = Decimal(values.get(self.numerator) or 0)
        if self.denominator is None:
            return top
        bottom = Decimal(self.cases(values))
        if not bottom:
            return None
        scale = self.scale if self.is_rate else 1
        return (top * scale / bottom).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def cases(self, values: dict[str, int]) -> int:
        """The denominator (or the count itself): how many cases the figure rests on."""
        keys = self.below or (self.numerator,)
        return int(sum(values.get(key) or 0 for key in keys))

    def ranked(self, values: dict[str, int]) -> bool:
        """Whether there are enough cases to rank a region or unit by this figure."""
        return self.value(values) is not None and self.cases(values) >= self.min_cases

    def display(self, value: Decimal | None) -> str:
        """ "97.7%", "1,234", "1.5", or "—" when there is nothing to show."""
        if value is None:
            return "—"
        if self.is_rate:
            return f"{value}%"
        if self.denominator:
            return f"{value}"
        return f"{int(value):,}"


@dataclass(frozen=True)
class Panel:
    """A table (and its chart) computed on the spot by the app that owns the records, for a
    region subtree and a period: ``rows(region, period, today)`` returns (label, value) pairs.
    For what is not a monthly count: items overdue now by age, projects' progress."""

    key: str
    title: Any
    unit: Any
    rows: Callable[..., list[tuple[str, Any]]]
    order: int = 50


_PANELS: dict[str, Panel] = {}


def register_panel(panel: Panel) -> Panel:
    _PANELS[panel.key] = panel
    return panel


def panels() -> list[Panel]:
    return sorted(_PANELS.values(), key=lambda p: (p.order, p.key))


def names_of(model: type[models.Model]) -> Callable[[list[str]], dict[str, str]]:
    """A breakdown's labeller for buckets that are ids of ``model`` rows with a ``name``
    (handling units, stations): one query for all of them."""

    def names(ids: list[str]) -> dict[str, str]:
        wanted = [i for i in ids if i.isascii() and i.isdigit()]
        rows = model._default_manager.filter(pk__in=wanted).values_list("pk", "name")
        return {str(pk): name for pk, name in rows}

    return names


_SOURCES: dict[str, Source] = {}
_FIGURES: dict[str, Figure] = {}


def register_source(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def register(figure: Figure) -> Figure:
    for key in figure.measures:
        name, _dot, measure = key.partition(".")
        if name not in _SOURCES or key not in {m.key for m in _SOURCES[name].measures}:
            raise LookupError(f"figure {figure.key}: unknown measure {key}")
    _FIGURES[figure.key] = figure
    return figure


def sources() -> list[Source]:
    return list(_SOURCES.values())


def source(key: str) -> Source:
    return _SOURCES[key]


def figures() -> list[Figure]:
    return sorted(_FIGURES.values(), key=lambda f: (f.order, f.key))


def figure(key: str) -> Figure | None:
    return _FIGURES.get(key)
