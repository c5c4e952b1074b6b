"""Two years of receptions for the demo's dashboards (written directly: a history, not a
story). Every demo station receives 1–5 times a month, 1–12 people each time, with 0–3
matters, most answered on the spot. Deterministic."""

import datetime
import random

from django.utils import timezone

from portal.figures.periods import add_months
from portal.models import User
from stations.models import Reception, ReceptionMatter, Station

HISTORY = "（演示历史数据）"


def build(months: int = 24, today: datetime.date | None = None) -> int:
    """Write the history once (skipped when it is there); return the receptions written."""
    if Reception.objects.filter(summary__endswith=HISTORY).exists():
        return 0
    rng = random.Random(20261207)
    today = today or timezone.localdate()
    recorder = User.objects.filter(is_superuser=True).order_by("pk").first()
    first = today.replace(day=1)
    receptions = []
    for station in Station.objects.filter(is_active=True).order_by("pk"):
        for back in range(months, -1, -1):
            month = add_months(first, -back)
            for _i in range(rng.randint(1, 5)):
                day = month + datetime.timedelta(days=rng.randrange(28))
                if day >= today:
                    continue
                receptions.append(Reception(
                    region_id=station.region_id, station=station, date=day,
                    people_count=rng.randint(1, 12), recorded_by=recorder,
                    summary=f"代表接待群众{HISTORY}", locked_at=timezone.now(),
                ))  # fmt: skip
    Reception.objects.bulk_create(receptions, batch_size=1000)
    matters = []
    for reception in Reception.objects.filter(summary__endswith=HISTORY).order_by("pk"):
        for _i in range(rng.randint(0, 3)):
            answered = rng.random() < 0.7
            matters.append(ReceptionMatter(
                region_id=reception.region_id, reception=reception,
                content=f"群众反映的事项{HISTORY}",
                outcome=ReceptionMatter.Outcome.ANSWERED if answered else ReceptionMatter.Outcome.FORWARDED,
                answer="已当场答复" if answered else "", solved=answered or rng.random() < 0.5,
            ))  # fmt: skip
    ReceptionMatter.objects.bulk_create(matters, batch_size=1000)
    return len(receptions)
