"""The figures registry (portal.figures): every measure equals an independent SQL computation
(tests/portal/figure_sql.py) on the demo's two years of generated history, at the city, a
county and a township — through the monthly snapshots and computed live; the snapshots are
rewritten idempotently; rates round half up and are not ranked below their minimum."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from portal import figures
from portal.figures import live, periods, snapshots
from portal.models import FigureRun, FigureValue, Region
from tests.portal.figure_sql import SQL

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(seeded_demo, db):
    """The demo, seeded once for the module (tests/conftest.py); what a test writes is rolled
    back after it."""
    return {code: Region.objects.get(code=code) for code in
            ("330200000000", "330225000000", "330225100000", "330205000000")}  # fmt: skip


def independent(key: str, region: Region, start, end, today) -> int:
    params = {"path": region.path + "%", "start": start, "end": end, "today": today}
    with connection.cursor() as cursor:
        cursor.execute(SQL[key], params)
        return int(cursor.fetchone()[0] or 0)


def test_every_measure_has_an_independent_sql_and_every_figure_its_words():
    measures = {m.key for s in figures.sources() for m in s.measures}
    assert measures == set(SQL)
    assert len(figures.figures()) >= 25
    for figure in figures.figures():
        assert str(figure.label) and str(figure.formula) and str(figure.unit)
        assert set(figure.measures) <= measures


@pytest.mark.postgres
def test_snapshots_and_live_figures_equal_plain_sql_at_every_level(demo):
    today = timezone.localdate()
    this = periods.first(today)
    start = periods.add_months(this, -11)
    months = periods.months_between(start, this)
    end = periods.add_months(this, 1) - datetime.timedelta(days=1)
    snapshots.refresh(months, today=today)
    regions = list(demo.values())
    stored = snapshots.totals([r.pk for r in regions], months)
    computed = live.values(regions, start, end, today=today)
    checked = 0
    for region in regions:
        for key in SQL:
            expected = independent(key, region, start, end, today)
            assert stored[region.pk].get(key, 0) == expected, (region.name, key, "snapshot")
            assert computed[region.pk].get(key, 0) == expected, (region.name, key, "live")
            checked += expected > 0
    assert checked > 60  # the history fills nearly every measure, at every level
    county = demo["330225000000"]
    # Each figure from the stored measures is what its own SQL gives.
    for figure in figures.figures():
        values = {k: independent(k, county, start, end, today) for k in figure.measures}
        assert figure.value(stored[county.pk]) == figure.value(values), figure.key


@pytest.mark.postgres
def test_a_month_by_month_trend_adds_up_to_the_period(demo):
    today = timezone.localdate()
    this = periods.first(today)
    months = periods.months_between(periods.add_months(this, -5), this)
    snapshots.refresh(months, today=today)
    county = demo["330225000000"]
    trend = snapshots.by_month(county.pk, months, ["petitions.received"])
    assert (
        sum(v["petitions.received"] for v in trend.values())
        == snapshots.totals([county.pk], months, ["petitions.received"])[county.pk][
            "petitions.received"
        ]
    )
    for month in months:
        last = periods.add_months(month, 1) - datetime.timedelta(days=1)
        sql = independent("petitions.received", county, month, last, today)
        assert trend[month]["petitions.received"] == sql


@pytest.mark.postgres
def test_a_breakdown_sums_to_the_total(demo):
    today = timezone.localdate()
    months = periods.months_between(periods.add_months(periods.first(today), -11), today)
    snapshots.refresh(months, today=today)
    county = demo["330225000000"]
    total = snapshots.totals([county.pk], months)[county.pk]
    for dimension, measure in [("unit", "petitions.received"), ("category", "petitions.received"),
                               ("station", "receptions.people"), ("weekday", "receptions.receptions"),
                               ("stage", "suggestions.assigned")]:  # fmt: skip
        parts = snapshots.breakdown(county.pk, dimension, months, [measure])
        assert sum(p.get(measure, 0) for p in parts.values()) == total[measure], dimension


@pytest.mark.postgres
def test_a_run_is_idempotent_and_resumes_where_it_stopped(demo):
    today = timezone.localdate()
    months = periods.months_between(periods.add_months(periods.first(today), -2), today)
    snapshots.refresh(months, today=today)
    before = sorted(FigureValue.objects.values_list("measure", "region_id", "month", "dimension",
                                                    "bucket", "value"))  # fmt: skip
    snapshots.refresh(months, today=today)
    after = sorted(FigureValue.objects.values_list("measure", "region_id", "month", "dimension",
                                                   "bucket", "value"))  # fmt: skip
    assert before == after
    # A run that stopped after some months: resuming writes only the rest.
    since = timezone.now()
    FigureRun.objects.filter(source="petitions", month=months[0]).update(computed_at=since)
    done = []
    snapshots.refresh(months, ["petitions"], today=today, resume_since=since,
                      progress=lambda source, month, rows: done.append(month))  # fmt: skip
    assert done == months[1:]


def test_rates_round_half_up_and_are_not_ranked_below_their_minimum():
    rate = figures.figure("petitions_on_time_rate")
    assert rate.value({"petitions.replied_in_time": 1, "petitions.replies_due": 16}) == Decimal(
        "6.3"
    )
    assert rate.display(rate.value({"petitions.replies_due": 0})) == "—"
    assert not rate.ranked({"petitions.replied_in_time": 4, "petitions.replies_due": 4})
    assert rate.ranked({"petitions.replied_in_time": 4, "petitions.replies_due": 5})
    summed = figures.figure("matters_on_time_rate")
    assert (
        summed.cases({"supervision_rounds.completed": 3, "supervision_open_rounds.overdue": 1}) == 4
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [({"period": "week"}, "period"), ({"period": "month", "month": "2026-13"}, "month"),
     ({"period": "quarter", "year": "2026", "quarter": "5"}, "quarter"),
     ({"period": "year", "year": "1999"}, "year"),
     ({"period": "custom", "from": "2026-05", "to": "2026-01"}, "to"),
     ({"period": "custom", "from": "2020-01", "to": "2026-01"}, "to"),
     ({"period": "custom", "from": "x"}, "from")],
)  # fmt: skip
def test_a_bad_period_is_a_field_error(params, field):
    _period, errors = periods.parse(params, datetime.date(2026, 12, 6))
    assert field in errors


def test_periods_are_whole_months():
    quarter, errors = periods.parse({"period": "quarter", "year": "2026", "quarter": "2"})
    assert not errors and quarter.months == [datetime.date(2026, m, 1) for m in (4, 5, 6)]
    assert quarter.previous().months == [datetime.date(2026, m, 1) for m in (1, 2, 3)]
    custom, errors = periods.parse({"period": "custom", "from": "2025-11", "to": "2026-02"})
    assert not errors and len(custom.months) == 4 and custom.last_day == datetime.date(2026, 2, 28)


def test_the_beat_recomputes_the_current_month_often_and_a_year_nightly(settings):
    tasks = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
             if entry["task"] == "portal.refresh_figures"}  # fmt: skip
    assert tasks  # both entries run the same task
    kwargs = sorted(e["kwargs"]["months_back"] for e in settings.CELERY_BEAT_SCHEDULE.values()
                    if e["task"] == "portal.refresh_figures")  # fmt: skip
    assert kwargs == [0, 12]
