"""Counting lists: the planner's estimate is used only for lists that really are large."""

import pytest

from portal import pagination
from portal.models import Region

pytestmark = pytest.mark.django_db


def test_a_wrong_large_estimate_of_a_small_list_gives_the_exact_count(world, monkeypatch):
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 22_360)
    rows = Region.objects.filter(name__startswith="甲")
    assert pagination.fast_count(rows) == (rows.count(), False)
    assert pagination.fast_count(Region.objects.none()) == (0, False)


def test_a_large_list_keeps_the_estimate(world, monkeypatch):
    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 22_360)
    monkeypatch.setattr(pagination, "EXACT_COUNT_BELOW", 3)
    assert Region.objects.count() >= 3
    assert pagination.fast_count(Region.objects.all()) == (22_360, True)


def test_checking_a_large_estimate_stops_at_its_time_budget(world, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(pagination, "estimated_count", lambda queryset: 22_360)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        before = cursor.fetchone()[0]
    # every row takes 0.2 s to check: past the 20 ms budget the estimate stands
    slow = Region.objects.extra(where=["(SELECT true FROM pg_sleep(0.2))"])
    assert pagination.fast_count(slow) == (22_360, True)
    # the connection is usable and its statement timeout is what it was
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == before
    assert pagination.fast_count(Region.objects.filter(name__startswith="甲")) == (
        Region.objects.filter(name__startswith="甲").count(),
        False,
    )
