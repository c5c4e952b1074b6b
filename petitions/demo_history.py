"""Two years of citizen issues for the demo's dashboards (written directly, not through the
workflow: a history, not a story). Deterministic: the same rows on every machine.

Each month brings 14–30 issues per county over its townships and villages; the older an
issue, the likelier it is closed. Issues sent to a unit get a deadline (15 days), most are
answered — some late — and many answers are rated.
"""

import datetime
import random
import zoneinfo

from django.conf import settings
from django.utils import timezone

from petitions.models import Channel, Petition, PetitionRating, PetitionReply, Rating
from portal.figures.periods import add_months
from portal.models import Department, Region, User

State = Petition.State
COUNTIES = ("330225000000", "330205000000")  # 象山县, 江北区
HISTORY = "群众反映的问题（演示历史数据）。"
TITLES = {
    "traffic": ["路灯不亮", "村道坑洼", "公交班次太少", "路口缺少红绿灯"],
    "environment": ["垃圾清运不及时", "夜间施工噪音", "河道发臭", "饭店油烟扰民"],
    "housing": ["老小区加装电梯", "屋顶漏水", "物业不作为", "停水没有通知"],
    "social": ["高龄津贴未发", "低保审核太慢", "老年食堂供餐"],
    "economy": ["工地拖欠工资", "菜场缺斤短两"],
    "health": ["村卫生室缺医生", "医保报销麻烦"],
    "education": ["学校门口拥堵", "幼儿园学位紧张"],
}


def build(months: int = 24, today: datetime.date | None = None) -> int:
    """Write the history once (skipped when it is there); return the issues written."""
    if Petition.objects.filter(description=HISTORY).exists():
        return 0
    rng = random.Random(20261206)
    today = today or timezone.localdate()
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first = today.replace(day=1)
    issues, number = [], 0
    for code in COUNTIES:
        county = Region.objects.get(code=code)
        places = list(Region.objects.filter(path__startswith=county.path, level__gte=3))
        units = list(
            Department.objects.filter(
                region=county, is_active=True, kind=Department.Kind.GOVERNMENT
            )
        )
        for back in range(months, -1, -1):
            month = add_months(first, -back)
            for _i in range(rng.randint(14, 30)):
                day = month + datetime.timedelta(days=rng.randrange(28))
                if day > today:
                    continue
                number += 1
                category = rng.choice(list(TITLES))
                at = datetime.datetime.combine(day, datetime.time(rng.randint(8, 20)), zone)
                issues.append(_issue(rng, number, rng.choice(places), category, at, today, units))
    Petition.objects.bulk_create(issues, batch_size=1000)
    _answers(rng, today, zone)
    return len(issues)


def _issue(rng, number, region, category, at, today, units) -> Petition:
    age = (today - at.date()).days
    roll = rng.random()
    if roll < 0.05:
        state = State.REJECTED
    elif age < 5:
        state = State.SUBMITTED if roll < 0.5 else State.FORWARDED
    elif age < 40:
        state = rng.choice([State.FORWARDED, State.REPLIED, State.RESOLVED, State.RESOLVED])
    else:
        # A few stay with their unit long past the deadline (the overdue items by age).
        state = rng.choice([State.RESOLVED] * 24 + [State.CLOSED_UNRESOLVED] * 4
                           + [State.REPLIED] * 4 + [State.FORWARDED])  # fmt: skip
    sent = state not in (State.SUBMITTED, State.REJECTED)
    closed = state in (State.RESOLVED, State.CLOSED_UNRESOLVED)
    return Petition(
        region=region, channel=rng.choice([Channel.WEB, Channel.HOTLINE, Channel.WEB, Channel.VISIT]), category=category,
        title=rng.choice(TITLES[category]), description=HISTORY,
        tracking_code=f"H{number:09d}", state=state,
        department=rng.choice(units) if sent and units else None,
        due_on=(at.date() + datetime.timedelta(days=15)) if sent else None,
        submitted_at=at,
        closed_at=min(at + datetime.timedelta(days=rng.randint(10, 40)), timezone.now()) if closed else None,
    )  # fmt: skip


def _answers(rng, today, zone) -> None:
    answered = Petition.objects.filter(
        description=HISTORY,
        state__in=[State.REPLIED, State.RESOLVED, State.CLOSED_UNRESOLVED],
    ).values_list("pk", "region_id", "due_on", "state", "department_id")
    author = User.objects.filter(is_superuser=True).order_by("pk").first()
    replies, ratings = [], []
    for pk, region_id, due_on, state, department_id in answered:
        late = rng.random() < 0.15
        day = due_on + datetime.timedelta(days=rng.randint(1, 9) if late else -rng.randint(0, 12))
        at = datetime.datetime.combine(min(day, today), datetime.time(10), zone)
        replies.append(PetitionReply(region_id=region_id, petition_id=pk, round=1,
                                     kind=PetitionReply.Kind.REPLY, department_id=department_id,
                                     text="已核实处理（演示历史数据）。", author=author,
                                     created_at=at))  # fmt: skip
        if state != State.REPLIED and rng.random() < 0.7:
            rating = rng.choices(list(Rating.values), weights=[70, 20, 10])[0]
            ratings.append(PetitionRating(region_id=region_id, petition_id=pk, round=1,
                                          rating=rating, via=PetitionRating.Via.CITIZEN,
                                          created_at=at))  # fmt: skip
    PetitionReply.objects.bulk_create(replies, batch_size=1000)
    PetitionRating.objects.bulk_create(ratings, batch_size=1000)
