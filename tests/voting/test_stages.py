"""Stage transitions as data, their audit events, proposals and candidates, and who may
act on a cycle: each role against its own region, children, siblings and parent."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal import access
from portal.errors import DomainError, TransitionError
from portal.models import Event
from tests.voting.conftest import START, build_cycle, cast_all
from voting import ballots, workflow
from voting.models import Cycle, Proposal, Vote

pytestmark = pytest.mark.django_db
Stage = Cycle.Stage


def test_cycle_advance_refuses_exactly_the_pairs_outside_the_table(vworld):
    staff = vworld.staff
    cycle = build_cycle(staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                        seats=2, pass_base="valid")  # fmt: skip
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    a, b, _c = vote.candidates.order_by("number")
    cast_all(vote, vworld.voters[:3], {d.pk: {a.pk: "yes", b.pk: "yes"} for d in vworld.voters[:3]})
    assert ballots.vote_close(actor=staff, vote_id=vote.pk).outcome == Vote.Outcome.DECIDED
    for current, target in itertools.product(Stage.values, Stage.values):
        Cycle.objects.filter(pk=cycle.pk).update(stage=current)  # set up the pair
        if target in Cycle.TRANSITIONS[current]:
            moved = workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=target)
            assert moved.stage == target, (current, target)
        else:
            with pytest.raises(TransitionError):
                workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=target)
            assert Cycle.objects.get(pk=cycle.pk).stage == current, (current, target)


def test_a_stage_change_writes_an_audit_event_and_a_skipped_stage_is_refused(vworld):
    staff = vworld.staff
    cycle = workflow.cycle_create(actor=staff, region_id=vworld.base.regions["townA1"].pk,
                                  year=2026, title="民生实事")  # fmt: skip
    with pytest.raises(TransitionError):
        workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Stage.VOTE)
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Stage.SHORTLIST, note="征集结束")
    event = Event.objects.get(action="cycle_advance", target_id=cycle.pk)
    assert (event.from_state, event.to_state, event.note, event.actor) == (
        "solicit", "shortlist", "征集结束", staff,
    )  # fmt: skip
    with pytest.raises(DomainError, match="尚无候选项目"):
        workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Stage.DELIBERATE)
    with pytest.raises(DomainError, match="未知阶段"):
        workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to="bogus")


def test_announce_needs_a_counted_vote(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                        seats=2)  # fmt: skip
    with pytest.raises(DomainError, match="投票结束并计票后才能公布"):
        workflow.cycle_advance(actor=vworld.staff, cycle_id=cycle.pk, to=Stage.ANNOUNCE)


def test_proposals_only_while_soliciting_and_duplicates_add_support(vworld):
    staff = vworld.staff
    cycle = workflow.cycle_create(actor=staff, region_id=vworld.base.regions["townA1"].pk,
                                  year=2026, title="民生实事")  # fmt: skip
    first = workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title="修路",
                                     description="村道坑洼", client_token="tok-1")  # fmt: skip
    again = workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title="修路",
                                     description="村道坑洼", client_token="tok-1")  # fmt: skip
    assert again.pk == first.pk  # a double click stores one proposal
    dup = workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title="村道",
                                   description="路不好走")  # fmt: skip
    dup2 = workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title="村道2",
                                    description="路不好走")  # fmt: skip
    workflow.proposal_merge(actor=staff, proposal_id=dup2.pk, into_id=dup.pk)
    target = workflow.proposal_merge(actor=staff, proposal_id=dup.pk, into_id=first.pk)
    assert target.support == 3
    assert Proposal.objects.get(pk=dup2.pk).merged_into_id == first.pk  # follows to the root
    with pytest.raises(DomainError, match="不能与自身合并"):
        workflow.proposal_merge(actor=staff, proposal_id=first.pk, into_id=first.pk)
    with pytest.raises(PermissionDenied):  # a signed-out citizen proposes as a citizen only
        workflow.proposal_submit(cycle_id=cycle.pk, source="deputy", title="x", description="y")
    with pytest.raises(DomainError, match="有效的电话号码"):
        workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title="x", description="y",
                                 proposer_phone="12345")  # fmt: skip
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Stage.SHORTLIST)
    with pytest.raises(DomainError, match="已停止征集建议"):
        workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title="x", description="y")


def test_a_deputy_proposes_as_a_deputy_of_the_region_only(vworld):
    cycle_a1 = workflow.cycle_create(actor=vworld.staff, year=2026, title="甲一",
                                     region_id=vworld.base.regions["townA1"].pk)  # fmt: skip
    deputy = vworld.voters[0]
    proposal = workflow.proposal_submit(actor=deputy.user, cycle_id=cycle_a1.pk, source="deputy",
                                        title="建议", description="内容")  # fmt: skip
    assert proposal.representative == deputy
    county = vworld.base.users["county"]
    cycle_a2 = workflow.cycle_create(actor=county, year=2026, title="甲二",
                                     region_id=vworld.base.regions["townA2"].pk)  # fmt: skip
    with pytest.raises(PermissionDenied):  # within reach, but no department
        workflow.proposal_submit(actor=deputy.user, cycle_id=cycle_a1.pk, source="department",
                                 title="建议", description="内容")  # fmt: skip
    # Another township's cycle is out of reach: answered as if it did not exist.
    with pytest.raises(DomainError, match="征集周期不存在") as error:
        workflow.proposal_submit(actor=deputy.user, cycle_id=cycle_a2.pk, source="deputy",
                                 title="建议", description="内容")  # fmt: skip
    assert error.value.field == "cycle"


def test_candidates_keep_their_proposals_and_are_refused_outside_the_stage(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=4, candidates=3,
                        seats=2)  # fmt: skip
    first = cycle.candidates.get(number=1)
    assert [p.title for p in first.proposals.all()] == ["建议0"]
    assert first.proposals.get().state == Proposal.State.SHORTLISTED
    with pytest.raises(DomainError, match="须在初定或审议阶段"):
        workflow.candidate_create(actor=vworld.staff, cycle_id=cycle.pk, title="晚了",
                                  description="x", budget="1", department=first.department,
                                  starts_on=first.starts_on, ends_on=first.ends_on)  # fmt: skip


# --- who may act ---------------------------------------------------------------------

# role → position → (sees the cycle, may move its stage)
CASES = {
    "city": {"own": (True, True), "child": (True, True), "sibling": (False, False)},
    "county": {"own": (True, True), "child": (True, True), "sibling": (False, False),
               "parent": (False, False)},
    "township": {"own": (True, True), "sibling": (False, False), "parent": (False, False)},
    "viewer": {"own": (True, False), "child": (True, False), "sibling": (False, False),
               "parent": (False, False)},
    "deputy": {"own": (False, False)},
    "handler": {"own": (False, False)},
}  # fmt: skip
POSITIONS = {
    "city": {"own": "city", "child": "countyA", "sibling": "city2"},
    "county": {"own": "countyA", "child": "townA1", "sibling": "countyB", "parent": "city"},
    "township": {"own": "townA1", "sibling": "townA2", "parent": "countyA"},
    "viewer": {"own": "countyA", "child": "townA1", "sibling": "countyB", "parent": "city"},
    "deputy": {"own": "townA1"},
    "handler": {"own": "countyA"},
}
FLAT = [(role, pos) for role, positions in CASES.items() for pos in positions]


@pytest.mark.parametrize(("role", "position"), FLAT)
def test_who_sees_and_moves_a_cycle(vworld, role, position):
    regions = vworld.base.regions
    region = regions[POSITIONS[role][position]]
    owner = vworld.base.users["city"] if region != regions["city2"] else None
    if owner is None:
        from tests.factories import staff_with_role

        owner = staff_with_role(regions["city2"], username="m_city2")
    cycle = workflow.cycle_create(actor=owner, region_id=region.pk, year=2026, title="民生实事")
    user = vworld.base.users[role]
    sees, moves = CASES[role][position]
    assert access.visible(user, Cycle.objects.filter(pk=cycle.pk)).exists() == sees
    if moves:
        workflow.cycle_advance(actor=user, cycle_id=cycle.pk, to=Stage.SHORTLIST)
    else:
        with pytest.raises(Http404 if not sees else PermissionDenied):
            workflow.cycle_advance(actor=user, cycle_id=cycle.pk, to=Stage.SHORTLIST)


def test_deputies_on_the_roll_see_the_cycle_and_the_vote_but_not_the_ballots(vworld):
    from voting.models import Ballot

    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                        seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    deputy = vworld.voters[0].user
    assert access.visible(deputy, Cycle.objects.filter(pk=cycle.pk)).exists()
    assert access.visible(deputy, Vote.objects.filter(pk=vote.pk)).exists()
    assert not access.may_list(deputy, Ballot)
    outsider = vworld.base.users["deputy3"]  # a deputy of the sibling township
    assert not access.visible(outsider, Cycle.objects.filter(pk=cycle.pk)).exists()


# --- who may run the vote's own steps ---------------------------------------------------


def _step(vworld, name):
    """Set up ``name`` on a townA1 cycle; return a function running it as an actor."""
    staff, town = vworld.staff, vworld.base.regions["townA1"]
    if name in ("proposal_merge", "candidate_create"):
        cycle = workflow.cycle_create(actor=staff, region_id=town.pk, year=2026, title="民生实事")
        one, two = (workflow.proposal_submit(cycle_id=cycle.pk, source="citizen",
                                             title=f"建议{n}", description="内容")
                    for n in range(2))  # fmt: skip
        workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to=Stage.SHORTLIST)
        if name == "proposal_merge":
            return lambda actor: workflow.proposal_merge(actor=actor, proposal_id=two.pk,
                                                         into_id=one.pk)  # fmt: skip
        return lambda actor: workflow.candidate_create(
            actor=actor, cycle_id=cycle.pk, proposal_ids=[one.pk], title="项目",
            description="说明", budget="1", department=town.departments.first(),
            starts_on=START, ends_on=START,
        )  # fmt: skip
    cycle = build_cycle(staff, town, proposals=3, candidates=3, seats=2)
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    if name == "vote_open":
        return lambda actor: workflow.vote_open(actor=actor, vote_id=vote.pk)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    if name == "vote_close":
        return lambda actor: ballots.vote_close(actor=actor, vote_id=vote.pk)
    return lambda actor: ballots.paper_issue(actor=actor, vote_id=vote.pk,
                                             representative_ids=[vworld.voters[0].pk])  # fmt: skip


STEPS = ["vote_open", "vote_close", "paper_issue", "proposal_merge", "candidate_create"]
WHO = {"sibling": Http404, "viewer": PermissionDenied, "county": None}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("step", STEPS)
def test_sibling_township_gets_404_viewer_403_and_the_county_may(vworld, step, who):
    from tests.factories import staff_with_role

    run = _step(vworld, step)
    users = vworld.base.users
    actor = (staff_with_role(vworld.base.regions["townA2"], username="m_a2")
             if who == "sibling" else users[who])  # fmt: skip
    before = Event.objects.count()
    if WHO[who] is None:
        run(actor)
        assert Event.objects.filter(actor=actor).exists()
    else:
        with pytest.raises(WHO[who]):
            run(actor)
        assert Event.objects.count() == before


def test_a_vote_opens_only_in_the_vote_stage_and_is_prepared_once(vworld):
    staff = vworld.staff
    cycle = build_cycle(staff, vworld.base.regions["townA1"], proposals=3, candidates=3, seats=2,
                        stage=Stage.DELIBERATE)  # fmt: skip
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    with pytest.raises(DomainError, match="请先进入票决阶段"):
        workflow.vote_open(actor=staff, vote_id=vote.pk)
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.PREPARED
    with pytest.raises(DomainError, match="本次工作已有票决"):
        workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    assert cycle.votes.count() == 1
