"""The stations demo data built by ``seed_demo``."""

import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from stations.models import (
    Activity,
    CommitteeContact,
    ContactVisit,
    DutyShift,
    Household,
    Reception,
    ReceptionMatter,
    Representative,
    RepresentativeGroup,
    Station,
)

SHIPU = "330225100000"


@pytest.fixture
def seeded(seeded_demo, db):
    """``seed_demo``'s data, seeded once for the module (tests/conftest.py); what a test
    writes is rolled back after it."""


def stations_tables():
    """Every row of every stations table, many-to-many tables included."""
    models = apps.get_app_config("stations").get_models(include_auto_created=True)
    return {model._meta.db_table: list(model.objects.order_by("pk").values()) for model in models}


def test_seed_demo_twice_leaves_every_stations_table_identical(seeded):
    first = stations_tables()
    assert all(first.values()), [table for table, rows in first.items() if not rows]
    call_command("seed_demo")
    assert stations_tables() == first


def test_deputy_shipu_is_linked_and_sits_in_the_central_station(seeded):
    deputy = Representative.objects.get(user__username="deputy_shipu")
    assert deputy.name == "郑海波"
    assert deputy.region.code == SHIPU
    central = Station.objects.get(region__code=SHIPU, kind=Station.Kind.CENTRAL)
    assert central.name == "石浦镇人大代表中心联络站"
    assert central.members.filter(pk=deputy.pk).exists()
    assert {m.level for m in deputy.mandates.all()} == {"township", "county"}


def test_shipu_has_its_stations_groups_and_deputies(seeded):
    stations = Station.objects.filter(region__path__contains=f"/{SHIPU}/")
    assert {s.kind for s in stations} == {Station.Kind.CENTRAL, Station.Kind.VILLAGE}
    assert stations.count() == 3
    for station in stations:
        assert station.address and station.opening_hours and station.rules
        assert all(done for _key, _label, done in station.checklist_items())
    deputies = Representative.objects.filter(region__code=SHIPU)
    assert 8 <= deputies.count() <= 10
    assert len({m.level for d in deputies for m in d.mandates.all()}) >= 3
    assert RepresentativeGroup.objects.filter(region__code=SHIPU).count() == 2
    assert not deputies.filter(group__isnull=True).exists()
    assert not Representative.objects.filter(stations__isnull=True).exists()
    for code in ("330225108000", "330205005000"):
        assert Station.objects.get(region__code=code).members.count() >= 2


def test_there_are_answered_and_forwarded_matters(seeded):
    answered = ReceptionMatter.objects.filter(outcome=ReceptionMatter.Outcome.ANSWERED)
    forwarded = ReceptionMatter.objects.filter(outcome=ReceptionMatter.Outcome.FORWARDED)
    assert answered.exists() and forwarded.exists()
    assert not answered.filter(answer="").exists()
    assert ReceptionMatter.objects.exclude(citizen_name="").exists()
    assert ReceptionMatter.objects.exclude(citizen_phone="").exists()
    assert Reception.objects.filter(date__gt=timezone.localdate()).count() == 0
    assert Reception.objects.filter(locked_at__isnull=False).exists()


def test_every_representative_has_an_active_mandate(seeded):
    for deputy in Representative.objects.prefetch_related("mandates"):
        assert any(m.is_active for m in deputy.mandates.all()), deputy.name


def test_duty_shifts_cover_three_months_from_this_one(seeded):
    first = timezone.localdate().replace(day=1)
    shifts = DutyShift.objects.filter(station__name="石浦镇人大代表中心联络站")
    assert shifts.filter(date__lt=first).count() == 0
    assert shifts.filter(date__gte=first + datetime.timedelta(days=62)).exists()
    monthly = shifts.filter(rule__frequency="monthly")
    assert monthly.count() == 3
    assert all(s.date.day == 10 or s.moved_from.day == 10 for s in monthly)
    assert all(s.date.weekday() == 2 for s in shifts.filter(rule__frequency="weekly"))
    assert all(s.deputies.exists() for s in shifts)


def test_shipu_deputies_have_three_kinds_of_households_and_some_miss_the_quota(seeded):
    year = timezone.localdate().year
    short = 0
    for deputy in Representative.objects.filter(region__code=SHIPU):
        households = Household.objects.filter(representative=deputy)
        assert sorted(households.values_list("kind", flat=True)) == [
            "poor",
            "wealth_leader",
            "worthy",
        ]
        counts = [
            ContactVisit.objects.filter(household=h, date__year=year).count() for h in households
        ]
        assert all(counts)
        short += min(counts) < 2
    assert 0 < short < Representative.objects.filter(region__code=SHIPU).count()


def test_committee_contacts_and_activities(seeded):
    contact = CommitteeContact.objects.filter(member__username="county_staff").first()
    assert contact is not None and contact.visits.exists()
    kinds = set(Activity.objects.values_list("kind", flat=True))
    assert {"inspection", "research", "training"} <= kinds
    assert all(a.participants.exists() for a in Activity.objects.all())
