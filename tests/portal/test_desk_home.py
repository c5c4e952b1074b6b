"""The desk shows a deputy first what waits for them (a vote to cast, a group evaluation, a
reply to rate, today's duty at a station), in a fixed number of queries, and nothing meant
for developers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stations import workflow as stations_workflow
from stations.models import DutyShift, Mandate, MandateLevel
from supervision import workflow as supervision_workflow
from tests.factories import UserFactory
from tests.suggestions.conftest import gworld, replied  # noqa: F401  (fixtures)
from tests.supervision.conftest import (  # noqa: F401  (fixtures)
    matter_in_handling,
    mworld,
    pworld,
    sworld,
    world,
)
from tests.voting.conftest import build_cycle
from voting import workflow as voting_workflow

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def open_vote(sw):
    """An open vote of townA1 with m_deputy on the roll."""
    Mandate.objects.create(
        representative=sw.deps["a1"], region=sw.base.regions["townA1"],
        level=MandateLevel.TOWNSHIP, term="第十八届",
    )  # fmt: skip
    staff = sw.base.users["township"]
    cycle = build_cycle(staff, sw.base.regions["townA1"], proposals=3, candidates=3, seats=2)
    vote = voting_workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    voting_workflow.vote_open(actor=staff, vote_id=vote.pk)
    return vote


def matter_to_evaluate(mworld):  # noqa: F811
    """A townA1 matter whose round the group (with m_deputy) now evaluates."""
    matter = matter_in_handling(mworld)
    supervision_workflow.matter_report_completion(
        actor=mworld.p.handlers["townA1"], matter_id=matter.pk, report="增加两班"
    )
    return matter


def duty_today(sw, station="a1"):
    shift = DutyShift.objects.create(
        region=sw.stations[station].region, station=sw.stations[station], date=TODAY(),
        start_time=datetime.time(9), end_time=datetime.time(11, 30),
    )  # fmt: skip
    shift.deputies.add(sw.deps["a1"])
    return shift


def todo_links(html: str) -> str:
    start = html.index('id="todo-card"')
    return html[start : html.index("</section>", start)]


def test_the_deputys_desk_lists_what_waits_first(client, gworld, mworld):  # noqa: F811
    sw = gworld.s
    vote = open_vote(sw)
    matter = matter_to_evaluate(mworld)
    suggestion = replied(gworld)
    duty_today(sw)
    client.force_login(sw.base.users["deputy"])
    html = client.get("/desk/").content.decode()
    todo = todo_links(html)
    assert "待办" in todo
    assert f'href="/desk/voting/votes/{vote.pk}/ballot/"' in todo
    assert f'href="/desk/matters/{matter.pk}/"' in todo and "待督事小组评议：公交班次" in todo
    assert f'href="/desk/suggestions/{suggestion.pk}/"' in todo and "待评价建议答复" in todo
    assert f'href="/desk/receptions/new/?station={sw.stations["a1"].pk}"' in todo
    assert "今天在甲一镇中心联络站驻站（09:00–11:30）：登记接待" in todo
    # First: before any card of the desk.
    first = html.index("<section", html.index("<h1"))
    assert html.index('<section class="card" id="todo-card"') == first
    assert html.index('id="todo-card"') < html.index("inbox-card")


def test_what_is_done_leaves_the_list(client, sworld):  # noqa: F811
    vote = open_vote(sworld)
    duty_today(sworld)
    deputy = sworld.base.users["deputy"]
    from voting import ballots

    candidates = list(vote.candidates.order_by("number"))
    ballots.ballot_cast(
        actor=deputy, vote_id=vote.pk, choices={candidates[0].pk: "yes", candidates[1].pk: "no"}
    )
    stations_workflow.reception_record(
        actor=deputy, station_id=sworld.stations["a1"].pk, date=TODAY(), form="sitting",
        people_count=1, deputy_ids=[sworld.deps["a1"].pk],
    )  # fmt: skip
    client.force_login(deputy)
    todo = todo_links(client.get("/desk/").content.decode())
    assert "/ballot/" not in todo and "/desk/receptions/new/" not in todo
    assert "暂无待办事项" in todo


def test_others_duty_and_yesterdays_duty_are_not_listed(client, sworld):  # noqa: F811
    shift = duty_today(sworld)
    shift.date = TODAY() - datetime.timedelta(days=1)
    shift.save()
    other = DutyShift.objects.create(
        region=sworld.stations["a1"].region, station=sworld.stations["a1"], date=TODAY(),
        start_time=datetime.time(14), end_time=datetime.time(16),
    )  # fmt: skip
    other.deputies.add(sworld.deps["a1b"])
    client.force_login(sworld.base.users["deputy"])
    assert "驻站" not in todo_links(client.get("/desk/").content.decode())


def test_the_list_costs_the_same_queries_however_much_waits(client, sworld):  # noqa: F811
    deputy = sworld.base.users["deputy"]
    client.force_login(deputy)
    client.get("/desk/")  # warm the caches of the session and the content types
    duty_today(sworld)
    with CaptureQueriesContext(connection) as one:
        client.get("/desk/")
    for station in ("a1v",):
        duty_today(sworld, station)
    for hour in (13, 15, 17):
        shift = DutyShift.objects.create(
            region=sworld.stations["a1"].region, station=sworld.stations["a1"], date=TODAY(),
            start_time=datetime.time(hour), end_time=datetime.time(hour, 45),
        )  # fmt: skip
        shift.deputies.add(sworld.deps["a1"])
    with CaptureQueriesContext(connection) as five:
        html = client.get("/desk/").content.decode()
    assert todo_links(html).count("<li>") == 5
    assert len(five) == len(one)


def test_staff_see_no_empty_list(client, sworld):  # noqa: F811
    client.force_login(sworld.base.users["township"])
    assert 'id="todo-card"' not in client.get("/desk/").content.decode()


def test_the_api_card_is_shown_to_superusers_only(client, sworld):  # noqa: F811
    client.force_login(sworld.base.users["deputy"])
    assert "/api/" not in client.get("/desk/").content.decode()
    client.force_login(sworld.base.users["township"])
    assert "/api/" not in client.get("/desk/").content.decode()
    client.force_login(UserFactory(username="m_root", is_superuser=True, is_staff=True))
    html = client.get("/desk/").content.decode()
    assert "/api/" in html and "数据接口" in html
