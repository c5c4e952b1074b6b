"""Seed 002's figures reproduced through the workflow functions, and the grouped figures."""

import datetime

import pytest
from django.utils import timezone

from portal.models import User
from supervision.suggestions import queries, workflow
from supervision.suggestions.models import Suggestion
from tests.factories import UserFactory
from tests.stations.conftest import make_deputy


@pytest.fixture
def county_deputy(gworld):
    user = UserFactory(username="m_county_deputy", kind=User.Kind.DEPUTY, is_staff=False,
                       region=gworld.regions["countyA"])  # fmt: skip
    return make_deputy(gworld.regions["countyA"], "县代表", "D-CA", user)


def _file(gw, deputy, n, **where):
    s = workflow.suggestion_draft(
        actor=deputy.user, title=f"建议{n}", content="内容", category="economy", **where
    )
    workflow.suggestion_submit(actor=deputy.user, suggestion_id=s.pk)
    return s


def _assign_and_reply(gw, s, reply=True):
    staff = gw.users["county"]
    workflow.suggestion_accept(actor=staff, suggestion_id=s.pk)
    workflow.suggestion_assign(
        actor=staff, suggestion_id=s.pk, lead_unit_id=gw.units["lead"].pk, lead_leader="王副县长"
    )
    if reply:
        workflow.suggestion_reply(
            actor=gw.users["handler"], suggestion_id=s.pk, reply_class="A", text="已办理",
            signed_off_by="李局长",
        )  # fmt: skip


def test_seed_002_session_figures(gworld, county_deputy):
    """87 suggestions of one session, all replied in time: 办结率 100%; 85 of 87 rated
    satisfied (or basically): 满意率 97.7%."""
    for n in range(87):
        s = _file(gworld, county_deputy, n, session_id=gworld.session.pk)
        _assign_and_reply(gworld, s)
        satisfied = n >= 2
        workflow.suggestion_rate(
            actor=county_deputy.user, suggestion_id=s.pk,
            reply_rating=("satisfied" if n % 3 else "basically") if satisfied else "unsatisfied",
            implementation_rating=("satisfied" if n % 3 else "basically") if satisfied else "unsatisfied",
            reply_comment="" if satisfied else "未解决", implementation_comment="" if satisfied else "未落实",
        )  # fmt: skip
    numbers = sorted(Suggestion.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 88))
    result = queries.figures(Suggestion.objects.filter(session=gworld.session))
    assert (result.assigned, result.replied_in_time, result.rated) == (87, 87, 87)
    assert (result.reply_satisfied, result.implementation_satisfied) == (85, 85)
    assert result.completion_rate == "100.0%"
    assert result.reply_satisfaction_rate == "97.7%"
    assert result.implementation_satisfaction_rate == "97.7%"
    # the two unsatisfied ones are being handled again, in round 2, with a new deadline
    again = Suggestion.objects.filter(state="handling")
    assert again.count() == 2 and set(again.values_list("round", flat=True)) == {2}
    by_session = dict(queries.figures_by(Suggestion.objects.all(), "session"))
    assert by_session[gworld.session.name].reply_satisfaction_rate == "97.7%"


def test_seed_002_between_sessions_figures(gworld, county_deputy):
    """45 collected between sessions: 32 forwarded to departments, 13 answered by
    explanation, 18 replied so far, the rest being handled."""
    county = gworld.regions["countyA"].pk
    for n in range(45):
        s = _file(gworld, county_deputy, n, region_id=county)
        if n < 13:
            workflow.suggestion_explain(
                actor=gworld.users["county"], suggestion_id=s.pk, text="解释答复"
            )
        else:
            _assign_and_reply(gworld, s, reply=n < 13 + 18)
    result = queries.interim_figures(Suggestion.objects.all())
    assert (result.collected, result.forwarded, result.explained, result.replied, result.handling) == (
        45, 32, 13, 18, 14,
    )  # fmt: skip


def test_percent_rounds_half_up_and_shows_a_dash_for_nothing():
    assert queries.percent(85, 87) == "97.7%"
    assert queries.percent(87, 87) == "100.0%"
    assert queries.percent(1, 8) == "12.5%"
    assert queries.percent(1, 16) == "6.3%"  # 6.25 → 6.3, not banker's 6.2
    assert queries.percent(0, 0) == "—"


def test_late_and_overdue_lower_the_completion_rate_and_group_by_unit(gworld, county_deputy):
    late_start = timezone.localdate() - datetime.timedelta(days=150)
    staff = gworld.users["county"]
    on_time = _file(gworld, county_deputy, 1, session_id=gworld.session.pk)
    _assign_and_reply(gworld, on_time)
    overdue = _file(gworld, county_deputy, 2, session_id=gworld.session.pk)
    workflow.suggestion_accept(actor=staff, suggestion_id=overdue.pk)
    workflow.suggestion_assign(
        actor=staff, suggestion_id=overdue.pk, lead_unit_id=gworld.units["co"].pk,
        lead_leader="王", received_on=late_start,
    )  # fmt: skip
    result = queries.figures(Suggestion.objects.all())
    assert (result.assigned, result.replied_in_time, result.overdue) == (2, 1, 1)
    assert result.completion_rate == "50.0%"
    assert list(Suggestion.objects.filter(queries.overdue_q())) == [overdue]
    by_unit = dict(queries.figures_by(Suggestion.objects.all(), "unit"))
    assert by_unit[gworld.units["lead"].name].completion_rate == "100.0%"
    assert by_unit[gworld.units["co"].name].completion_rate == "0.0%"
    by_period = dict(queries.figures_by(Suggestion.objects.all(), "period"))
    assert by_period[str(Suggestion.Period.SESSION.label)].assigned == 2


def test_first_round_basis_is_a_setting(gworld, county_deputy, settings):
    s = _file(gworld, county_deputy, 1, session_id=gworld.session.pk)
    _assign_and_reply(gworld, s)
    user = county_deputy.user
    workflow.suggestion_rate(actor=user, suggestion_id=s.pk, reply_rating="unsatisfied",
                             implementation_rating="satisfied", reply_comment="答非所问")  # fmt: skip
    workflow.suggestion_reply(actor=gworld.users["handler"], suggestion_id=s.pk, reply_class="A",
                              text="重新答复", signed_off_by="李局长")  # fmt: skip
    workflow.suggestion_rate(actor=user, suggestion_id=s.pk, reply_rating="satisfied",
                             implementation_rating="satisfied")  # fmt: skip
    assert queries.figures(Suggestion.objects.all()).reply_satisfaction_rate == "100.0%"
    settings.SUGGESTIONS = {"SATISFACTION_ROUND": "first"}
    assert queries.figures(Suggestion.objects.all()).reply_satisfaction_rate == "0.0%"
