"""Reminder sweeps of the liaison stations: deputies the day before their duty shift, the
monthly reception day, and deputies short of their double-contact quota in the fourth quarter.
"""

import datetime
from collections import defaultdict

from django.db.models import Count, DateField, Exists, OuterRef, Q, Value
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import User
from portal.reminders import Sweep, register
from stations.models import DutyRule, DutyShift, Household, Representative, StationMembership
from stations.queries import HOUSEHOLD_QUOTA, REQUIRED_KINDS, VISITS_PER_HOUSEHOLD

MONTHLY = DutyRule.Frequency.MONTHLY


def _open_shifts():
    return DutyShift.objects.filter(station__is_active=True).select_related("station")


def duty_shifts(today):
    """Shifts other than the monthly reception days (those have their own sweep)."""
    return _open_shifts().exclude(rule__frequency=MONTHLY)


def reception_days(today):
    return _open_shifts().filter(rule__frequency=MONTHLY)


def _accounts(pairs) -> dict[int, list[User]]:
    """``pairs`` of (key, representative id) → {key: [active accounts]} (one query)."""
    pairs = list(pairs)
    users = {
        rep.pk: rep.user
        for rep in Representative.objects.filter(
            pk__in={rep for _key, rep in pairs}, is_active=True, user__is_active=True
        ).select_related("user")
    }
    result: dict[int, list[User]] = defaultdict(list)
    for key, rep in pairs:
        if rep in users and users[rep] not in result[key]:
            result[key].append(users[rep])
    return result


def shift_deputies(shifts) -> dict[int, list[User]]:
    through = DutyShift.deputies.through.objects.filter(dutyshift__in=[s.pk for s in shifts])
    return _accounts(through.values_list("dutyshift_id", "representative_id"))


def reception_day_deputies(shifts) -> dict[int, list[User]]:
    """The deputies on the shift and every member deputy of the station."""
    on_shift = DutyShift.deputies.through.objects.filter(dutyshift__in=[s.pk for s in shifts])
    by_station = defaultdict(list)
    for shift in shifts:
        by_station[shift.station_id].append(shift.pk)
    members = StationMembership.objects.filter(station__in=list(by_station)).values_list(
        "station_id", "representative_id"
    )
    pairs = list(on_shift.values_list("dutyshift_id", "representative_id"))
    pairs += [(shift, rep) for station, rep in members for shift in by_station[station]]
    return _accounts(pairs)


def shift_text(shift: DutyShift, reminder) -> tuple[str, str, str]:
    values = {"station": shift.station.name, "date": shift.date.isoformat(),
              "start": f"{shift.start_time:%H:%M}", "end": f"{shift.end_time:%H:%M}",
              "address": shift.station.address}  # fmt: skip
    subject = _("Duty at %(station)s on %(date)s, %(start)s–%(end)s") % values
    body = _("You are on duty at %(station)s (%(address)s) on %(date)s, %(start)s–%(end)s.") % (
        values
    )
    return subject, body, reverse("stations:detail", args=[shift.station_id])


def reception_day_text(shift: DutyShift, reminder) -> tuple[str, str, str]:
    values = {"station": shift.station.name, "date": shift.date.isoformat(),
              "start": f"{shift.start_time:%H:%M}", "end": f"{shift.end_time:%H:%M}",
              "address": shift.station.address}  # fmt: skip
    subject = _("Reception day at %(station)s on %(date)s") % values
    body = (
        _(
            "The monthly reception day at %(station)s (%(address)s) is on %(date)s, "
            "%(start)s–%(end)s."
        )
        % values
    )
    return subject, body, reverse("stations:detail", args=[shift.station_id])


def short_of_quota(today):
    """Active deputies with accounts who do not meet the double-contact quota this year
    (fewer than 3 households, a required kind missing, or a household met under twice);
    the deadline is the year's last day."""
    year = today.year
    active = Household.objects.filter(representative=OuterRef("pk"), is_active=True)
    short_visits = active.annotate(n=Count("visits", filter=Q(visits__date__year=year))).filter(
        n__lt=VISITS_PER_HOUSEHOLD
    )
    rows = Representative.objects.filter(is_active=True, user__isnull=False).annotate(
        due=Value(datetime.date(year, 12, 31), output_field=DateField()),
        households_n=Count("households", filter=Q(households__is_active=True), distinct=True),
        short=Exists(short_visits),
        **{f"has_{kind}": Exists(active.filter(kind=kind)) for kind in REQUIRED_KINDS},
    )
    missing = Q(households_n__lt=HOUSEHOLD_QUOTA) | Q(short=True)
    for kind in REQUIRED_KINDS:
        missing |= Q(**{f"has_{kind}": False})
    return rows.filter(missing)


def deputy_account(deputies) -> dict[int, list[User]]:
    return _accounts((d.pk, d.pk) for d in deputies)


def quota_text(deputy: Representative, reminder) -> tuple[str, str, str]:
    subject = _("Double contact: your contacts this year are not complete yet")
    body = _(
        "By the end of %(year)s each deputy keeps at least %(quota)s contact households, one "
        "leader in getting rich, one household in difficulty and one local worthy, and meets "
        "each at least %(visits)s times. You have %(n)s household(s) in contact now."
    ) % {"year": reminder.due_on.year, "quota": HOUSEHOLD_QUOTA,
         "visits": VISITS_PER_HOUSEHOLD, "n": deputy.households_n}  # fmt: skip
    return subject, body, reverse("stations_desk:archive", args=[deputy.pk])


DUTY_SHIFT = register(
    Sweep(
        kind="stations.duty_shift",
        label=gettext_lazy("Duty shift tomorrow → deputies on duty"),
        thresholds=(1,),
        select=duty_shifts,
        recipients=shift_deputies,
        text=shift_text,
        due_field="date",
    )
)
RECEPTION_DAY = register(
    Sweep(
        kind="stations.reception_day",
        label=gettext_lazy("Monthly reception day → the station's deputies"),
        thresholds=(3, 1),
        select=reception_days,
        recipients=reception_day_deputies,
        text=reception_day_text,
        due_field="date",
    )
)
CONTACT_QUOTA = register(
    Sweep(
        kind="stations.contact_quota",
        label=gettext_lazy("Double-contact quota not met in the fourth quarter → the deputy"),
        thresholds=(91, 61, 30),  # 1 October, 31 October, 1 December
        select=short_of_quota,
        recipients=deputy_account,
        text=quota_text,
        due_field="due",
    )
)
