"""The matter's life: made from citizen issues, studied, one group, time-limited rounds and
one evaluation per round until it is closed with all its issues (seed 000)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from petitions import workflow as petitions_workflow
from petitions.models import Petition, PetitionReply
from portal.errors import DomainError
from portal.models import Event, Notification
from supervision import workflow
from supervision.models import Evaluation, GroupMember, Matter, Round
from tests.supervision.conftest import future, matter_in_handling, three_issues, today

State = Matter.State


@pytest.fixture
def told(monkeypatch):
    """The citizens' text messages, as (issue id, which message), in order."""
    from petitions.tasks import status_text
    from portal import notifications

    messages = []

    def record(*, phone, text, target=None):
        kind = next(
            (k for k in ("received", "replied", "closed") if text == status_text(target, k)), text
        )
        messages.append((target.pk, kind))

    monkeypatch.setattr(notifications, "notify_citizen", record)
    return messages


def inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True)
    )


def test_a_matter_from_three_issues_through_two_rounds_closes_them_all(mworld, told):
    staff, deputy = mworld.users["township"], mworld.users["deputy"]
    handler = mworld.p.handlers["townA1"]
    issues = three_issues(mworld)
    told.clear()

    matter = workflow.matter_create(
        actor=staff, region_id=mworld.regions["townA1"].pk, title="公交班次",
        description="多名群众反映去石浦的公交班次太少", petition_ids=[p.pk for p in issues],
    )  # fmt: skip
    assert matter.state == State.LISTED and matter.source == Matter.Source.ISSUES
    assert set(Petition.objects.filter(pk__in=[p.pk for p in issues]).values_list("state", flat=True)) == {
        Petition.State.ESCALATED
    }  # fmt: skip

    workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(),
                          decision="列入督事清单", classification="supervise")  # fmt: skip
    matter.refresh_from_db()
    assert matter.state == State.ORGANIZING

    workflow.matter_form_group(
        actor=staff, matter_id=matter.pk, duties="督促增加班次",
        members=[(staff.pk, "leader", "组长"), (deputy.pk, "member", "走访群众")],
    )  # fmt: skip
    assert inbox(deputy) == ["supervision.member"]
    workflow.matter_start(actor=staff, matter_id=matter.pk,
                          department_id=mworld.p.units["townA1"].pk, due_on=future(20))  # fmt: skip
    matter.refresh_from_db()
    assert (matter.state, matter.round, matter.due_on) == (State.HANDLING, 1, future(20))
    assert inbox(handler) == ["supervision.assigned"]

    workflow.matter_log(actor=deputy, matter_id=matter.pk, kind="site_visit",
                        happened_on=today(), text="到车站查看")  # fmt: skip
    workflow.matter_log(actor=handler, matter_id=matter.pk, kind="progress",
                        happened_on=today(), text="已与公交公司协调")  # fmt: skip
    workflow.matter_report_completion(actor=handler, matter_id=matter.pk, report="增加两班")
    matter.refresh_from_db()
    assert matter.state == State.EVALUATING

    # Round 1: not satisfied → rectification and round 2.
    workflow.matter_evaluate(
        actor=deputy, matter_id=matter.pk, round_number=1, verdict="unsatisfied",
        checked_on=today(), findings="早班仍然拥挤", rectification="早上七点前再加一班",
        new_due_on=future(30),
    )  # fmt: skip
    matter.refresh_from_db()
    assert (matter.state, matter.round, matter.due_on) == (State.HANDLING, 2, future(30))
    assert Round.objects.get(matter=matter, number=2).rectification == "早上七点前再加一班"
    assert told == []  # citizens hear only the final result
    assert set(Petition.objects.filter(pk__in=[p.pk for p in issues]).values_list("state", flat=True)) == {
        Petition.State.ESCALATED
    }  # fmt: skip

    workflow.matter_report_completion(actor=handler, matter_id=matter.pk, report="七点前加一班")
    # Round 2: satisfied → closed with every issue.
    workflow.matter_evaluate(
        actor=staff, matter_id=matter.pk, round_number=2, verdict="satisfied",
        checked_on=today(), findings="早班不再拥挤", result="已增加早班公交两班",
    )  # fmt: skip
    matter.refresh_from_db()
    assert matter.state == State.CLOSED and matter.closed_at is not None
    for petition in Petition.objects.filter(pk__in=[p.pk for p in issues]):
        assert petition.state == Petition.State.RESOLVED
        reply = PetitionReply.objects.get(petition=petition)
        assert (reply.kind, reply.text) == (PetitionReply.Kind.SUPERVISION, "已增加早班公交两班")
    assert sorted(told) == sorted((p.pk, "closed") for p in issues)  # once each: closed

    assert [e.verdict for e in Evaluation.objects.filter(round__matter=matter).order_by("round__number")] == [
        "unsatisfied", "satisfied"
    ]  # fmt: skip
    assert list(
        Event.objects.filter(target_id=matter.pk, target_type__model="matter")
        .order_by("pk")
        .values_list("action", "from_state", "to_state")
    ) == [
        ("matter_create", "", "listed"),
        ("matter_study", "listed", "organizing"),
        ("matter_form_group", "", ""),
        ("matter_member_join", "", ""),
        ("matter_member_join", "", ""),
        ("matter_start", "organizing", "handling"),
        ("matter_log", "", ""),
        ("matter_log", "", ""),
        ("matter_report", "handling", "evaluating"),
        ("matter_rectify", "evaluating", "handling"),
        ("matter_report", "handling", "evaluating"),
        ("matter_close", "evaluating", "closed"),
    ]
    for petition in issues:
        actions = list(
            Event.objects.filter(target_id=petition.pk, target_type__model="petition")
            .order_by("pk").values_list("action", flat=True)
        )  # fmt: skip
        assert actions == [
            "petition_submit",
            "petition_accept",
            "petition_escalate",
            "petition_close",
        ]
    assert inbox(deputy) == [
        "supervision.member", "supervision.started", "supervision.progress",
        "supervision.evaluate", "supervision.rectify", "supervision.evaluate",
        "supervision.closed",
    ]  # fmt: skip
    assert inbox(handler) == ["supervision.assigned", "supervision.rectify", "supervision.closed"]


def test_ordinary_handling_returns_the_issues_to_screening(mworld, told):
    staff = mworld.users["township"]
    issues = three_issues(mworld)
    matter = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="路灯", description="路灯坏了",
                                    petition_ids=[issues[0].pk])  # fmt: skip
    workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(),
                          decision="一般事项", classification="ordinary")  # fmt: skip
    matter.refresh_from_db()
    assert matter.state == State.HANDED_OVER
    assert Petition.objects.get(pk=issues[0].pk).state == Petition.State.ACCEPTED


def test_an_explanation_is_the_citizens_answer(mworld, told):
    staff = mworld.users["township"]
    issues = three_issues(mworld)
    told.clear()
    matter = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="修路", description="修路太慢",
                                    petition_ids=[p.pk for p in issues[:2]])  # fmt: skip
    with pytest.raises(DomainError) as refused:
        workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(),
                              decision="解释说明", classification="explain")  # fmt: skip
    assert refused.value.field == "explanation"
    workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(),
                          decision="解释说明", classification="explain",
                          explanation="道路已列入明年计划")  # fmt: skip
    for petition in Petition.objects.filter(pk__in=[p.pk for p in issues[:2]]):
        assert petition.state == Petition.State.REPLIED
        assert petition.replies.get().text == "道路已列入明年计划"
    assert sorted(told) == sorted((p.pk, "replied") for p in issues[:2])  # once each: answered


def test_an_issue_on_a_matter_moves_only_with_it(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld)
    petition_id = matter.links.first().petition_id
    with pytest.raises(DomainError):
        petitions_workflow.petition_close(actor=staff, petition_id=petition_id, resolved=True)
    with pytest.raises(DomainError):
        petitions_workflow.petition_answer(actor=staff, petition_id=petition_id, text="答复")
    with pytest.raises(DomainError) as twice:
        workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk, title="再次",
                               description="再次", petition_ids=[petition_id])  # fmt: skip
    assert twice.value.field == "petitions"


def test_nothing_is_stored_when_one_issue_cannot_be_linked(mworld):
    staff = mworld.users["township"]
    good = three_issues(mworld)[0]
    closed = three_issues(mworld)[1]
    petitions_workflow.petition_reject(actor=staff, petition_id=closed.pk, reason="不属于职责")
    with pytest.raises(DomainError):
        workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk, title="混合",
                               description="混合", petition_ids=[good.pk, closed.pk])  # fmt: skip
    assert not Matter.objects.exists()
    assert Petition.objects.get(pk=good.pk).state == Petition.State.SUBMITTED


# --- every transition outside the table is refused -------------------------------------------

ACTIONS = {
    "study": lambda w, m: workflow.matter_study(
        actor=w.users["township"], matter_id=m.pk, studied_on=today(), decision="研究",
        classification="supervise"),
    "start": lambda w, m: workflow.matter_start(
        actor=w.users["township"], matter_id=m.pk, department_id=w.p.units["townA1"].pk,
        due_on=future()),
    "report": lambda w, m: workflow.matter_report_completion(
        actor=w.users["township"], matter_id=m.pk, report="完成"),
    "evaluate": lambda w, m: workflow.matter_evaluate(
        actor=w.users["township"], matter_id=m.pk, round_number=m.round, verdict="satisfied",
        checked_on=today(), findings="现场查看", result="已解决"),
}  # fmt: skip
# Which actions each state allows (the rest must be refused).
ALLOWED = {
    State.LISTED: {"study"},
    State.ORGANIZING: {"start"},
    State.HANDLING: {"report"},
    State.EVALUATING: {"evaluate"},
    State.CLOSED: set(),
    State.HANDED_OVER: set(),
    State.EXPLAINED: set(),
}


def matter_in(mworld, state) -> Matter:
    staff = mworld.users["township"]
    if state in (State.HANDLING, State.EVALUATING, State.CLOSED):
        matter = matter_in_handling(mworld, issues=[])
        if state != State.HANDLING:
            workflow.matter_report_completion(actor=staff, matter_id=matter.pk, report="完成")
        if state == State.CLOSED:
            workflow.matter_evaluate(actor=staff, matter_id=matter.pk, round_number=1,
                                     verdict="satisfied", checked_on=today(), findings="好",
                                     result="已解决")  # fmt: skip
        matter.refresh_from_db()
        return matter
    matter = workflow.matter_create(actor=staff, region_id=mworld.regions["townA1"].pk,
                                    title="议题", description="议题")  # fmt: skip
    if state == State.LISTED:
        return matter
    classification = {State.ORGANIZING: "supervise", State.HANDED_OVER: "ordinary",
                      State.EXPLAINED: "explain"}[state]  # fmt: skip
    workflow.matter_study(actor=staff, matter_id=matter.pk, studied_on=today(), decision="研究",
                          classification=classification, explanation="说明")  # fmt: skip
    if state == State.ORGANIZING:
        workflow.matter_form_group(actor=staff, matter_id=matter.pk, duties="",
                                   members=[(staff.pk, "leader", "")])  # fmt: skip
    matter.refresh_from_db()
    return matter


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_transition_outside_the_table_is_refused(mworld, state, action):
    matter = matter_in(mworld, state)
    assert matter.state == state
    if action in ALLOWED[state]:
        ACTIONS[action](mworld, matter)
        matter.refresh_from_db()
        assert matter.state != state
        return
    events = Event.objects.count()
    with pytest.raises(DomainError) as refused:
        ACTIONS[action](mworld, matter)
    assert str(refused.value.message)
    matter.refresh_from_db()
    assert matter.state == state
    assert Event.objects.count() == events


def test_the_state_table_matches_the_allowed_actions():
    moves = {"study": {State.ORGANIZING, State.HANDED_OVER, State.EXPLAINED},
             "start": {State.HANDLING}, "report": {State.EVALUATING},
             "evaluate": {State.CLOSED, State.HANDLING}}  # fmt: skip
    for state, targets in Matter.TRANSITIONS.items():
        assert (
            targets == set().union(*(moves[a] for a in ALLOWED[state]))
            if ALLOWED[state]
            else not targets
        )


# --- the group ------------------------------------------------------------------------------


def test_one_group_per_matter_and_one_leader(mworld):
    staff, deputy = mworld.users["township"], mworld.users["deputy"]
    matter = matter_in_handling(mworld, issues=[])
    with pytest.raises(DomainError):
        workflow.matter_form_group(actor=staff, matter_id=matter.pk, duties="",
                                   members=[(deputy.pk, "leader", "")])  # fmt: skip
    with pytest.raises(DomainError) as second_leader:
        workflow.matter_add_member(actor=staff, matter_id=matter.pk,
                                   user_id=mworld.users["deputy2"].pk, role="leader")  # fmt: skip
    assert second_leader.value.field == "role"
    with pytest.raises(DomainError):
        workflow.matter_add_member(actor=staff, matter_id=matter.pk, user_id=deputy.pk)


def test_a_deputy_of_a_sibling_township_cannot_join(mworld):
    staff = mworld.users["township"]
    matter = matter_in_handling(mworld, issues=[])
    with pytest.raises(DomainError) as refused:
        workflow.matter_add_member(actor=staff, matter_id=matter.pk,
                                   user_id=mworld.users["deputy3"].pk)  # fmt: skip
    assert refused.value.field == "members"


def test_a_member_who_left_loses_access(mworld):
    staff, deputy = mworld.users["township"], mworld.users["deputy"]
    matter = matter_in_handling(mworld, issues=[])
    workflow.matter_log(actor=deputy, matter_id=matter.pk, kind="note", happened_on=today(),
                        text="记录")  # fmt: skip
    member = GroupMember.objects.get(group__matter=matter, user=deputy)
    workflow.matter_remove_member(actor=staff, matter_id=matter.pk, member_id=member.pk,
                                  reason="工作调动")  # fmt: skip
    with pytest.raises(Http404):
        workflow.matter_log(actor=deputy, matter_id=matter.pk, kind="note", happened_on=today(),
                            text="再记录")  # fmt: skip
    assert GroupMember.objects.get(pk=member.pk).left_at is not None


def test_a_member_cannot_act_for_the_office_or_the_department(mworld):
    deputy = mworld.users["deputy"]
    matter = matter_in_handling(mworld, issues=[])
    with pytest.raises(PermissionDenied):
        workflow.matter_report_completion(actor=deputy, matter_id=matter.pk, report="完成")
    with pytest.raises(PermissionDenied):
        workflow.matter_publish(actor=deputy, matter_id=matter.pk, title="t", summary="s")
    with pytest.raises(PermissionDenied):
        workflow.matter_log(actor=mworld.p.handlers["townA1"], matter_id=matter.pk,
                            kind="site_visit", happened_on=today(), text="x")  # fmt: skip


def test_bad_dates_are_refused(mworld):
    staff = mworld.users["township"]
    matter = matter_in(mworld, State.ORGANIZING)
    for due in ("", "not-a-date", today(), "2020-01-01"):
        with pytest.raises(DomainError) as refused:
            workflow.matter_start(actor=staff, matter_id=matter.pk,
                                  department_id=mworld.p.units["townA1"].pk, due_on=due)  # fmt: skip
        assert refused.value.field == "due_on"
    with pytest.raises(DomainError) as sibling_unit:
        workflow.matter_start(actor=staff, matter_id=matter.pk,
                              department_id=mworld.p.units["townA2"].pk, due_on=future())  # fmt: skip
    assert sibling_unit.value.field == "department"


def test_publication_only_when_closed_and_without_citizens(mworld):
    staff = mworld.users["township"]
    matter = matter_in(mworld, State.HANDLING)
    with pytest.raises(DomainError):
        workflow.matter_publish(actor=staff, matter_id=matter.pk, title="公交", summary="加班次")
    closed = matter_in(mworld, State.CLOSED)
    workflow.matter_publish(actor=staff, matter_id=closed.pk, title="公交", summary="加班次")
    closed.refresh_from_db()
    assert closed.published and closed.published_summary == "加班次"


# --- the same refusals through the API, the pages and the admin --------------------------------

API_BODIES = {
    "study": lambda w, m: {"studied_on": today().isoformat(), "decision": "研究",
                           "classification": "supervise"},
    "start": lambda w, m: {"department": w.p.units["townA1"].pk, "due_on": future().isoformat()},
    "report": lambda w, m: {"report": "完成"},
    "evaluate": lambda w, m: {"round": max(m.round, 1), "verdict": "satisfied",
                              "checked_on": today().isoformat(), "findings": "现场",
                              "result": "已解决"},
}  # fmt: skip
PAGE_BODIES = {
    "study": lambda w, m: {"studied_on": today().isoformat(), "decision": "研究",
                           "classification": "supervise"},
    "start": lambda w, m: {"department": w.p.units["townA1"].pk, "due_on": future().isoformat()},
    "report": lambda w, m: {"report": "完成"},
    "evaluate": lambda w, m: {"verdict": "satisfied", "checked_on": today().isoformat(),
                              "findings": "现场", "result": "已解决"},
}  # fmt: skip


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_refused_transitions_are_clear_errors_in_api_and_pages(mworld, client, state, action):
    from rest_framework.test import APIClient

    if action in ALLOWED[state]:
        return  # the allowed moves are walked in the tests above
    staff = mworld.users["township"]
    matter = matter_in(mworld, state)
    api = APIClient()
    api.force_authenticate(staff)
    response = api.post(f"/api/v1/supervision-matters/{matter.pk}/{action}/",
                        API_BODIES[action](mworld, matter), format="json")  # fmt: skip
    assert response.status_code == 400
    assert any(str(v) for v in response.json().values())
    client.force_login(staff)
    page = client.post(f"/desk/matters/{matter.pk}/{action}/", PAGE_BODIES[action](mworld, matter))
    assert page.status_code == 400
    assert 'role="alert"' in page.content.decode()
    matter.refresh_from_db()
    assert matter.state == state


@pytest.mark.parametrize(
    "state,action",
    [(State.HANDLING, "classify_supervise"), (State.LISTED, "report_completion"),
     (State.CLOSED, "report_completion")],
)  # fmt: skip
def test_refused_transitions_are_messages_in_the_admin(mworld, client, state, action):
    staff = mworld.users["township"]
    matter = matter_in(mworld, state)
    client.force_login(staff)
    response = client.post(
        "/admin/supervision/matter/",
        {"action": action, "_selected_action": [matter.pk], "text": "说明", "index": 0},
        follow=True,
    )
    assert response.status_code == 200
    errors = [m for m in response.context["messages"] if m.level_tag == "error"]
    assert errors and matter.title in str(errors[0])
    matter.refresh_from_db()
    assert matter.state == state


def test_the_admin_runs_an_allowed_action(mworld, client):
    staff = mworld.users["township"]
    matter = matter_in(mworld, State.LISTED)
    client.force_login(staff)
    client.post("/admin/supervision/matter/",
                {"action": "classify_supervise", "_selected_action": [matter.pk], "text": "研究决定",
                 "index": 0})  # fmt: skip
    matter.refresh_from_db()
    assert (matter.state, matter.study_decision) == (State.ORGANIZING, "研究决定")
