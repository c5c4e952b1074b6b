"""Demo data of voting (called by seed_demo): one selection cycle in each stage, in 石浦镇,
大徐镇 and 象山县. Every write goes through the workflow functions with the demo account that
would do it; a cycle that already exists (region, year, title) is left as it is."""

from __future__ import annotations

import datetime

from django.db import transaction

from portal.models import Department, Region, User
from stations.models import Representative
from voting import ballots, projects, workflow
from voting.models import Candidate, Cycle, Proposal

SHIPU, DAXU, XIANGSHAN = "330225100000", "330225108000", "330225000000"
Stage = Cycle.Stage

PROPOSALS = [
    (
        "东门渔港码头加装护栏",
        "东门渔港北侧码头没有护栏，孩子在附近玩耍很危险，建议加装不锈钢护栏。",
    ),
    ("番西村主干道路灯改造", "番西村主干道路灯老化，晚上经常不亮，建议更换为太阳能路灯。"),
    ("延昌社区老年食堂", "延昌社区老人多，建议设立老年食堂，解决助餐难题。"),
    ("沙塘湾村饮用水管网改造", "沙塘湾村供水管网老旧，水质发黄，建议整体改造。"),
    ("石浦至沙塘湾公交加密班次", "早晚高峰公交太挤，建议增加班次。"),
    ("石浦中学周边交通安全设施", "上下学时段车多人多，建议增设减速带和护学岗。"),
]
# title, budget (10,000 yuan), description
CANDIDATES = [
    ("东门渔港码头安全护栏工程", "85", "在东门渔港北侧码头加装约600米不锈钢护栏和警示标识。"),
    ("番西村等3个村道路灯提升", "120", "更换番西村、东门村、昌国村主干道路灯共210盏。"),
    ("延昌社区居家养老服务中心（老年食堂）", "60", "改造社区用房，设立老年食堂，每日供应午餐。"),
    ("沙塘湾村供水管网改造", "150", "更换供水主管网3.2公里，入户管网同步改造。"),
]
STAGE_CYCLES = [
    # stage, region, year, title
    (Stage.EVALUATE, SHIPU, 2023, "2023年石浦镇民生实事项目"),
    (Stage.SUPERVISE, SHIPU, 2024, "2024年石浦镇民生实事项目"),
    (Stage.ANNOUNCE, SHIPU, 2025, "2025年石浦镇民生实事项目"),
    (Stage.VOTE, SHIPU, 2026, "2026年石浦镇民生实事项目"),
    (Stage.DELIBERATE, DAXU, 2026, "2026年大徐镇民生实事项目"),
    (Stage.SHORTLIST, XIANGSHAN, 2026, "2026年象山县民生实事项目"),
    (Stage.SOLICIT, SHIPU, 2027, "2027年石浦镇民生实事项目"),
]
ORDER = [Stage.SOLICIT, Stage.SHORTLIST, Stage.DELIBERATE, Stage.VOTE, Stage.ANNOUNCE,
         Stage.SUPERVISE, Stage.EVALUATE]  # fmt: skip
# Yes-votes of the 4 candidates from the 6 paper ballots of a closed vote: 3 adopted.
YES_PATTERN = [[0, 1, 2], [0, 1, 3], [0, 1, 2], [0, 2, 3], [0, 1, 2], [1, 2]]


def _staff_of(region: Region) -> User:
    return User.objects.get(username={SHIPU: "shipu_staff", DAXU: "daxu_staff"}.get(
        region.code, "county_staff"))  # fmt: skip


def _department(region: Region) -> Department:
    return Department.objects.filter(region=region, kind="township_government").first() or (
        Department.objects.filter(region=region).order_by("name").first()
    )


def _fill(staff: User, cycle: Cycle) -> None:
    """Proposals (one a duplicate) in the soliciting stage."""
    made = [
        workflow.proposal_submit(
            actor=None,
            cycle_id=cycle.pk,
            source=Proposal.Source.CITIZEN,
            title=title,
            description=text,
            proposer_name="群众",
            proposer_phone="13800000000",
        )  # fmt: skip
        for title, text in PROPOSALS
    ]
    made.append(workflow.proposal_submit(
        actor=None, cycle_id=cycle.pk, source=Proposal.Source.CITIZEN, title="码头护栏",
        description="渔港码头没有护栏，太危险。",
    ))  # fmt: skip
    cycle.demo_proposals = made


def _candidates(staff: User, cycle: Cycle) -> None:
    made = cycle.demo_proposals
    workflow.proposal_merge(actor=staff, proposal_id=made[-1].pk, into_id=made[0].pk)
    department = _department(cycle.region)
    year = cycle.year
    for n, (title, budget, text) in enumerate(CANDIDATES):
        workflow.candidate_create(
            actor=staff, cycle_id=cycle.pk, proposal_ids=[made[n].pk], title=title,
            description=text, budget=budget, department=department,
            starts_on=datetime.date(year, 3, 1), ends_on=datetime.date(year, 12, 31),
        )  # fmt: skip


def _vote(staff: User, cycle: Cycle, *, close: bool) -> None:
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk,
                                 session=f"石浦镇第十八届人民代表大会第{cycle.year - 2021}次会议")  # fmt: skip
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    roll = list(vote.roll.exclude(representative__user__username="deputy_shipu")
                .values_list("representative_id", flat=True))  # fmt: skip
    if not close:
        ballots.paper_issue(actor=staff, vote_id=vote.pk, representative_ids=roll[:2])
        return
    ballots.paper_issue(actor=staff, vote_id=vote.pk, representative_ids=roll)
    second_teller = User.objects.get(username="county_staff")
    candidates = list(vote.candidates.order_by("number").values_list("pk", flat=True))
    for sheet, pattern in enumerate(YES_PATTERN[: len(roll)], start=1):
        marks = {pk: ("yes" if n in pattern else "no") for n, pk in enumerate(candidates)}
        entry = ballots.paper_enter(actor=staff, vote_id=vote.pk, sheet=sheet, choices=marks)
        ballots.paper_confirm(actor=second_teller, entry_id=entry.pk, choices=marks)
    ballots.vote_close(actor=staff, vote_id=vote.pk)


def _supervise(staff: User, cycle: Cycle) -> None:
    for project in Candidate.objects.filter(cycle=cycle, outcome="adopted").order_by("rank"):
        first = projects.milestone_add(actor=staff, project_id=project.pk, title="设计与招标",
                                       due_on=datetime.date(cycle.year, 5, 31))  # fmt: skip
        projects.milestone_add(actor=staff, project_id=project.pk, title="施工",
                               due_on=datetime.date(cycle.year, 10, 31), weight=3)  # fmt: skip
        projects.report_submit(actor=staff, project_id=project.pk, milestone_id=first.pk,
                               progress=100, text="设计已完成，招标已结束，施工单位已进场。")  # fmt: skip
        deputy = Representative.objects.filter(user__username="deputy_shipu").first()
        if deputy is not None and cycle.region.code == SHIPU:
            projects.visit_record(actor=staff, project_id=project.pk,
                                  date=datetime.date(cycle.year, 7, 10),
                                  findings="现场查看施工进度，要求注意施工安全、按期完工。",
                                  representative_ids=[deputy.pk])  # fmt: skip


def _evaluate(cycle: Cycle) -> None:
    deputy_user = User.objects.filter(username="deputy_shipu").first()
    if deputy_user is None:
        return
    for project in Candidate.objects.filter(cycle=cycle, outcome="adopted"):
        projects.evaluation_submit(actor=deputy_user, project_id=project.pk, rating="satisfied")


def _build(regions: dict[str, Region], stage: str, code: str, year: int, title: str) -> None:
    region = regions[code]
    staff = _staff_of(region)
    cycle = workflow.cycle_create(actor=staff, region_id=region.pk, year=year, title=title,
                                  seats=3, description="按照“由民作主”的要求，民生实事项目由人大代表票决产生。")  # fmt: skip
    _fill(staff, cycle)
    target = ORDER.index(stage)

    def move(to):
        workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=to)

    if target >= ORDER.index(Stage.SHORTLIST):
        move(Stage.SHORTLIST)
        _candidates(staff, cycle)
    if target >= ORDER.index(Stage.DELIBERATE):
        move(Stage.DELIBERATE)
    if target >= ORDER.index(Stage.VOTE):
        move(Stage.VOTE)
        _vote(staff, cycle, close=target > ORDER.index(Stage.VOTE))
    for later in (Stage.ANNOUNCE, Stage.SUPERVISE, Stage.EVALUATE):
        if target >= ORDER.index(later):
            move(later)
            if later == Stage.SUPERVISE:
                _supervise(staff, cycle)
    if stage == Stage.EVALUATE:
        _evaluate(cycle)


@transaction.atomic
def build(regions) -> None:
    """Add this app's demo records to the demo jurisdiction (idempotent)."""
    for stage, code, year, title in STAGE_CYCLES:
        if not Cycle.objects.filter(region=regions[code], year=year, title=title).exists():
            _build(regions, stage, code, year, title)
