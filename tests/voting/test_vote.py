"""The vote: 浚县 reproduced (15 proposals → 12 candidates → 10 adopted), a tie at the 10th
seat reported for a run-off, one ballot per deputy, the stage rules around the vote."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from portal.errors import DomainError, TransitionError
from portal.models import Event
from tests.voting.conftest import allocate, build_cycle, cast_all
from voting import ballots, queries, workflow
from voting.models import Ballot, BallotChoice, Candidate, Cycle, Proposal, Vote, VoterRecord

pytestmark = pytest.mark.django_db


def prepare(vworld, **settings):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], **settings)
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk, session="第五次会议")
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    return cycle, vote


def candidates_of(vote):
    return list(vote.candidates.order_by("number"))


def independent_count(vote):
    """Count yes/no/abstain from the stored rows, one Python pass over every mark."""
    counts = {}
    for ballot_valid, candidate, choice in BallotChoice.objects.filter(
        ballot__vote=vote
    ).values_list("ballot__valid", "candidate_id", "choice"):
        if ballot_valid:
            counts.setdefault(candidate, {"yes": 0, "no": 0, "abstain": 0})[choice] += 1
    return counts


def test_junxian_15_proposals_12_candidates_10_adopted(vworld, django_assert_max_num_queries):
    cycle, vote = prepare(vworld)
    assert cycle.proposals.count() == 15
    assert cycle.proposals.filter(state=Proposal.State.MERGED).count() == 3
    assert cycle.proposals.get(title="建议0").support == 2  # a duplicate merged into it
    assert vote.roll.count() == 41  # the township deputies with a current mandate
    cands = candidates_of(vote)
    assert len(cands) == 12
    # 39 of 41 entitled deputies vote (2 absent); more than half of 41 is 21 yes-votes.
    targets = dict(
        zip([c.pk for c in cands], [39, 38, 36, 35, 33, 30, 28, 27, 25, 24, 22, 20], strict=True)
    )
    voters = vworld.voters[:39]
    receipts = cast_all(vote, voters, allocate(voters, targets, seats=10))
    assert len(set(receipts.values())) == 39

    with django_assert_max_num_queries(3):
        figures = queries.tally(vote)
    assert (figures.entitled, figures.present, figures.issued) == (41, 39, 39)
    assert (figures.returned, figures.valid, figures.invalid) == (39, 39, 0)
    assert {r.candidate_id: r.yes for r in figures.rows} == targets
    stored = independent_count(vote)
    assert {r.candidate_id: (r.yes, r.no, r.abstain) for r in figures.rows} == {
        pk: (c["yes"], c["no"], c["abstain"]) for pk, c in stored.items()
    }

    vote = ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)
    assert vote.outcome == Vote.Outcome.DECIDED
    assert (vote.entitled, vote.present, vote.issued, vote.returned) == (41, 39, 39, 39)
    assert vote.threshold == 21
    adopted = Candidate.objects.filter(cycle=cycle, outcome="adopted").order_by("rank")
    assert [c.number for c in adopted] == list(range(1, 11))
    assert [c.rank for c in adopted] == list(range(1, 11))
    assert Candidate.objects.filter(cycle=cycle, outcome="not_adopted").count() == 2
    # The 11th passed (22 ≥ 21) but is outside the 10 seats; the 12th failed.
    statuses = dict(vote.results.values_list("candidate__number", "status"))
    assert statuses[11] == "passed" and statuses[12] == "failed"
    workflow.cycle_advance(actor=vworld.staff, cycle_id=cycle.pk, to=Cycle.Stage.ANNOUNCE)
    assert Event.objects.filter(action="vote_close", target_id=vote.pk).exists()


def test_tie_at_the_tenth_seat_is_reported_and_decided_by_a_runoff(vworld):
    cycle, vote = prepare(vworld)
    cands = candidates_of(vote)
    yes = [39, 38, 36, 35, 33, 30, 28, 27, 25, 24, 24, 20]  # the 10th and 11th tie at 24
    targets = dict(zip([c.pk for c in cands], yes, strict=True))
    cast_all(vote, vworld.voters[:39], allocate(vworld.voters[:39], targets, seats=10))
    vote = ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)

    assert vote.outcome == Vote.Outcome.RUNOFF
    tied = set(vote.results.filter(status="tied").values_list("candidate__number", flat=True))
    assert tied == {10, 11}
    assert Candidate.objects.filter(cycle=cycle, outcome="adopted").count() == 9
    assert set(
        Candidate.objects.filter(cycle=cycle, outcome="pending").values_list("number", flat=True)
    ) == {10, 11}
    with pytest.raises(DomainError, match="须再次投票后才能公布"):
        workflow.cycle_advance(actor=vworld.staff, cycle_id=cycle.pk, to=Cycle.Stage.ANNOUNCE)

    runoff = workflow.vote_runoff(actor=vworld.staff, vote_id=vote.pk)
    assert (runoff.round, runoff.seats) == (2, 1)
    assert {c.number for c in runoff.candidates.all()} == {10, 11}
    assert runoff.roll.count() == 41
    with pytest.raises(DomainError):
        workflow.vote_runoff(actor=vworld.staff, vote_id=vote.pk)  # only one run-off per round
    workflow.vote_open(actor=vworld.staff, vote_id=runoff.pk)
    ten, eleven = sorted(runoff.candidates.all(), key=lambda c: c.number)
    marks = {d.pk: {ten.pk: "yes", eleven.pk: "no"} for d in vworld.voters[:25]}
    marks.update({d.pk: {ten.pk: "no", eleven.pk: "yes"} for d in vworld.voters[25:38]})
    cast_all(runoff, vworld.voters[:38], marks)
    runoff = ballots.vote_close(actor=vworld.staff, vote_id=runoff.pk)
    assert runoff.outcome == Vote.Outcome.DECIDED

    ten.refresh_from_db()
    eleven.refresh_from_db()
    assert (ten.outcome, ten.rank) == ("adopted", 10)
    assert eleven.outcome == "not_adopted"
    # The first round is never overwritten by the run-off.
    vote.refresh_from_db()
    assert vote.outcome == Vote.Outcome.RUNOFF
    assert vote.results.get(candidate=ten).yes == 24
    assert vote.results.get(candidate=ten).status == "tied"
    assert Candidate.objects.filter(cycle=cycle, outcome="adopted").count() == 10
    workflow.cycle_advance(actor=vworld.staff, cycle_id=cycle.pk, to=Cycle.Stage.ANNOUNCE)


def test_a_second_ballot_from_the_same_deputy_is_refused(vworld):
    _cycle, vote = prepare(vworld)
    deputy = vworld.voters[0]
    ballots.ballot_cast(actor=deputy.user, vote_id=vote.pk, choices={})
    with pytest.raises(DomainError, match="已在本次票决中投过票"):
        ballots.ballot_cast(actor=deputy.user, vote_id=vote.pk, choices={})
    assert VoterRecord.objects.filter(vote=vote).count() == 1
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_the_database_itself_refuses_a_second_voter_record(vworld):
    _cycle, vote = prepare(vworld)
    deputy = vworld.voters[0]
    VoterRecord.objects.create(region=vote.region, vote=vote, representative=deputy,
                               channel="electronic")  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        VoterRecord.objects.create(region=vote.region, vote=vote, representative=deputy,
                                   channel="paper")  # fmt: skip


def test_deputy_not_on_the_roll_cannot_vote_and_outsiders_get_404(vworld):
    _cycle, vote = prepare(vworld)
    not_on_roll = vworld.base.users["deputy"]  # a townA1 deputy without a mandate
    with pytest.raises(Exception) as error:
        ballots.ballot_cast(actor=not_on_roll, vote_id=vote.pk, choices={})
    assert error.type.__name__ == "Http404"
    with pytest.raises(PermissionDenied):  # staff see the vote but are not on the roll
        ballots.ballot_cast(actor=vworld.staff, vote_id=vote.pk, choices={})


def test_too_many_yes_votes_on_an_electronic_ballot_are_refused(vworld):
    _cycle, vote = prepare(vworld, candidates=12, seats=10)
    marks = {c.pk: "yes" for c in candidates_of(vote)}
    with pytest.raises(DomainError, match="最多对 10 个项目投赞成票"):
        ballots.ballot_cast(actor=vworld.voters[0].user, vote_id=vote.pk, choices=marks)
    assert not VoterRecord.objects.exists()


def test_bad_ballot_input_is_a_clear_error_and_stores_nothing(vworld):
    _cycle, vote = prepare(vworld)
    user = vworld.voters[0].user
    for bad in ({"999999": "yes"}, {"x": "yes"}, {str(candidates_of(vote)[0].pk): "maybe"}):
        with pytest.raises(DomainError):
            ballots.ballot_cast(actor=user, vote_id=vote.pk, choices=bad)
    assert not VoterRecord.objects.exists() and not Ballot.objects.exists()


def test_ballots_only_while_the_vote_is_open(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"])
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    with pytest.raises(DomainError, match="本次投票不在进行中"):
        ballots.ballot_cast(actor=vworld.voters[0].user, vote_id=vote.pk, choices={})
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)
    with pytest.raises(DomainError, match="本次投票不在进行中"):
        ballots.ballot_cast(actor=vworld.voters[0].user, vote_id=vote.pk, choices={})
    with pytest.raises(TransitionError):
        ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)


def test_a_list_without_more_candidates_than_seats_cannot_go_to_the_vote(vworld):
    staff, region = vworld.staff, vworld.base.regions["townA1"]
    with pytest.raises(DomainError, match="须多于拟确定项目数"):
        build_cycle(staff, region, proposals=10, candidates=10, seats=10)
    cycle = build_cycle(
        staff, region, proposals=10, candidates=10, seats=10, require_more_candidates=False
    )
    cycle.refresh_from_db()
    assert cycle.stage == Cycle.Stage.VOTE


def test_pass_base_present_counts_against_the_deputies_present(vworld):
    _cycle, vote = prepare(vworld, candidates=3, proposals=3, seats=1, pass_base="present")
    a, b, c = candidates_of(vote)
    voters = vworld.voters[:11]  # 11 present of 41 entitled: more than half of 11 is 6
    marks = {d.pk: {a.pk: "yes"} for d in voters[:6]}
    marks.update({d.pk: {b.pk: "yes"} for d in voters[6:]})
    cast_all(vote, voters, marks)
    vote = ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)
    assert vote.threshold == 6
    assert dict(vote.results.values_list("candidate_id", "status")) == {
        a.pk: "adopted", b.pk: "failed", c.pk: "failed",
    }  # fmt: skip
