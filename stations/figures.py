"""The figures of the liaison stations (``portal.figures``): receptions and people received
(seed 001's 接待), matters collected and solved (收集, 解决) — counted by reception date and the
station's region, broken down by station and weekday — and the double-contact rule met by
deputies (a yearly figure)."""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractIsoWeekDay
from django.utils import dates
from django.utils.translation import gettext_lazy as _

from portal import figures
from stations.models import Household, Reception, ReceptionMatter, Representative, Station
from stations.queries import HOUSEHOLD_QUOTA, REQUIRED_KINDS, VISITS_PER_HOUSEHOLD

MODULE = _("Liaison stations")
STATIONS = figures.names_of(Station)
WEEKDAYS = dates.WEEKDAYS  # Django's own names (星期一 …), 0 = Monday


def _weekdays(values):
    return {v: str(WEEKDAYS[int(v) - 1]) for v in values if v.isdigit() and 1 <= int(v) <= 7}


figures.register_source(
    figures.Source(
        key="receptions", model=Reception, date_field="date", region_field="station__region",
        measures=(
            figures.Measure("receptions.receptions", lambda today: Count("pk")),
            figures.Measure("receptions.people", lambda today: Sum("people_count")),
        ),
        dimensions={"station": lambda: F("station_id"), "weekday": lambda: ExtractIsoWeekDay("date")},
        labels={"station": STATIONS, "weekday": _weekdays}, local=("station",),
    )
)  # fmt: skip
figures.register_source(
    figures.Source(
        key="matters", model=ReceptionMatter, date_field="reception__date",
        region_field="reception__station__region",
        measures=(
            figures.Measure("matters.collected", lambda today: Count("pk")),
            figures.Measure("matters.solved", lambda today: Count("pk", filter=Q(solved=True))),
        ),
        dimensions={"station": lambda: F("reception__station_id")},
        labels={"station": STATIONS}, local=("station",),
    )
)  # fmt: skip


def compliant_deputies(year: int):
    """Active deputies annotated with ``compliant``: at least 3 active households, one of
    each required kind, each met at least twice in ``year`` (the rule of seeds 002 and 004)."""
    active = Household.objects.filter(representative=OuterRef("pk"), is_active=True)
    short = active.annotate(n=Count("visits", filter=Q(visits__date__year=year))).filter(
        n__lt=VISITS_PER_HOUSEHOLD
    )
    counted = active.order_by().values("representative").annotate(n=Count("pk")).values("n")
    rows = Representative.objects.filter(is_active=True).annotate(
        _households=Coalesce(Subquery(counted[:1]), Value(0)),
        _short=Exists(short),
        **{f"_has_{kind}": Exists(active.filter(kind=kind)) for kind in REQUIRED_KINDS},
    )
    met = Q(_households__gte=HOUSEHOLD_QUOTA, _short=False)
    for kind in REQUIRED_KINDS:
        met &= Q(**{f"_has_{kind}": True})
    return rows, met


def _contact_rows(start, end, today):
    for year in range(start.year, end.year + 1):
        deputies, met = compliant_deputies(year)
        grouped = (
            deputies.order_by()
            .values("region_id")
            .annotate(n=Count("pk"), ok=Count("pk", filter=met))
            .order_by()
        )
        month = datetime.date(year, 1, 1)
        for row in grouped:
            values = {"contacts.deputies": row["n"], "contacts.compliant": row["ok"]}
            yield row["region_id"], month, "", "", values


figures.register_source(
    figures.Source(
        key="contacts", model=Representative, date_field="", region_field="region",
        measures=(
            figures.Measure("contacts.deputies", lambda today: Count("pk")),
            figures.Measure("contacts.compliant", lambda today: Count("pk")),
        ),
        rows=_contact_rows, yearly=True,
    )
)  # fmt: skip

for figure in (
    figures.Figure(
        key="receptions",
        label=_("Receptions"),
        unit=_("times"),
        module=MODULE,
        formula=_("Receptions logged at the stations in the period (all forms)."),
        numerator="receptions.receptions",
        order=20,
    ),
    figures.Figure(
        key="people_received",
        label=_("People received"),
        unit=_("people"),
        module=MODULE,
        formula=_("Sum of the people received at each reception of the period."),
        numerator="receptions.people",
        order=21,
    ),
    figures.Figure(
        key="matters_collected",
        label=_("Opinions collected"),
        unit=_("matters"),
        module=MODULE,
        formula=_("Matters raised at the receptions of the period."),
        numerator="matters.collected",
        order=22,
    ),
    figures.Figure(
        key="matters_solved",
        label=_("Problems solved"),
        unit=_("matters"),
        module=MODULE,
        formula=_("Matters of the period answered on the spot, or forwarded and resolved."),
        numerator="matters.solved",
        order=23,
    ),
    figures.Figure(
        key="contact_compliance",
        label=_("Double-contact compliance"),
        unit=figures.PERCENT,
        module=MODULE,
        numerator="contacts.compliant",
        denominator="contacts.deputies",
        formula=_(
            "Active deputies who keep at least 3 households (one of each kind) and met each at least twice in the year ÷ active deputies."
        ),
        min_cases=5,
        order=24,
    ),
):
    figures.register(figure)
