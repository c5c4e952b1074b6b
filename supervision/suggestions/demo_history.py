"""Two years of suggestions for the demo's dashboards (written directly: a history, not a
story): 3–8 a month to 象山县's congress from its deputies, most assigned to a county unit
with a three-month deadline, answered (some late) and rated. Deterministic."""

import datetime
import random
import zoneinfo

from django.conf import settings
from django.utils import timezone

from portal.figures.periods import add_months
from portal.models import Department, Region
from supervision.suggestions.models import Session, Suggestion

State = Suggestion.State
HISTORY = "（演示历史数据）"
TITLES = ["关于加快农村公路提档升级的建议", "关于完善渔港配套设施的建议",
          "关于加强居家养老服务的建议", "关于改善城乡公交服务的建议",
          "关于推进老旧小区改造的建议", "关于加强海塘安全管理的建议"]  # fmt: skip
RATINGS = ["satisfied", "satisfied", "satisfied", "basically", "unsatisfied"]


def build(months: int = 24, today: datetime.date | None = None) -> int:
    """Write the history once (skipped when it is there); return the suggestions written."""
    if Suggestion.objects.filter(content__endswith=HISTORY).exists():
        return 0
    from stations.models import Representative

    rng = random.Random(20261208)
    today = today or timezone.localdate()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    county = Region.objects.get(code="330225000000")
    deputies = list(Representative.objects.filter(region__path__startswith=county.path))
    units = list(
        Department.objects.filter(region=county, is_active=True, kind=Department.Kind.GOVERNMENT)
    )
    if not deputies or not units:
        return 0
    sessions = {}
    for year in range(today.year - 3, today.year + 1):
        sessions[year], _created = Session.objects.get_or_create(
            region=county, name=f"象山县人民代表大会{year}年会议{HISTORY}",
            defaults={"opens_on": datetime.date(year, 1, 10), "closes_on": datetime.date(year, 1, 13)},
        )  # fmt: skip
    first, rows = today.replace(day=1), []
    for back in range(months, 0, -1):
        month = add_months(first, -back)
        for _i in range(rng.randint(3, 8)):
            day = month + datetime.timedelta(days=rng.randrange(28))
            row = _suggestion(
                rng, county, rng.choice(deputies), rng.choice(units), day, today, zone
            )
            row.session = sessions[day.year]
            rows.append(row)
    Suggestion.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _suggestion(rng, county, deputy, unit, day, today, zone) -> Suggestion:
    at = datetime.datetime.combine(day, datetime.time(9), zone)
    assigned = day + datetime.timedelta(days=20)
    due = assigned + datetime.timedelta(days=90)
    values = {}
    late = rng.random() < 0.1
    replied = due + datetime.timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 60))
    if assigned > today:
        state = State.ACCEPTED
    elif replied > today or (due > today and rng.random() < 0.6):
        state = State.HANDLING  # no reply yet
    else:
        rated = replied + datetime.timedelta(days=20) <= today
        state = State.COMPLETED if rated else State.REPLIED
        values = {"first_replied_on": replied, "replied_in_time": not late, "reply_class": "A"}
        if rated:
            rating = rng.choice(RATINGS)
            values |= {"reply_rating": rating, "implementation_rating": rng.choice(RATINGS),
                       "first_reply_rating": rating, "first_implementation_rating": rating,
                       "closed_at": datetime.datetime.combine(replied, datetime.time(9), zone)}  # fmt: skip
    assigned_values = {}
    if state != State.ACCEPTED:
        assigned_values = {
            "lead_unit": unit, "due_on": due, "round": 1,
            "assigned_at": datetime.datetime.combine(assigned, datetime.time(9), zone),
        }  # fmt: skip
    return Suggestion(
        region=county, period=Suggestion.Period.SESSION, lead=deputy, title=rng.choice(TITLES),
        content=f"建议内容{HISTORY}", category="urban_rural", state=state, created_at=at,
        submitted_at=at, revision=1, **assigned_values, **values,
    )  # fmt: skip
