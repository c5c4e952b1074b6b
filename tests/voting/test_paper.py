"""Paper ballots: two tellers, mismatches flagged and not counted until resolved, returned
never above issued, over-marked ballots invalid."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.errors import DomainError
from portal.models import Event
from tests.factories import UserFactory
from tests.voting.conftest import build_cycle
from voting import ballots, queries, workflow
from voting.models import Ballot, BallotChoice, PaperEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper_vote(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=4,
                        candidates=4, seats=2)  # fmt: skip
    town = vworld.base.regions["townA1"]
    teller1 = UserFactory(username="teller1", is_staff=False, region=town)
    teller2 = UserFactory(username="teller2", is_staff=False, region=town)
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk,
                                 teller_ids=[teller1.pk, teller2.pk])  # fmt: skip
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    ballots.paper_issue(actor=teller1, vote_id=vote.pk,
                        representative_ids=[d.pk for d in vworld.voters[:3]])  # fmt: skip
    a, b, c, d = vote.candidates.order_by("number")
    vworld.vote, vworld.tellers, vworld.cands = vote, (teller1, teller2), (a, b, c, d)
    return vworld


def test_matching_readings_count_the_ballot(paper_vote):
    vote, (t1, t2), (a, b, c, _d) = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    marks = {a.pk: "yes", b.pk: "no"}
    entry = ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=1, choices=marks)
    assert queries.tally(vote).returned == 0  # not counted on one teller's word
    with pytest.raises(DomainError, match="另一名计票人核录"):
        ballots.paper_confirm(actor=t1, entry_id=entry.pk, choices=marks)
    entry = ballots.paper_confirm(actor=t2, entry_id=entry.pk, choices=marks)
    assert entry.state == PaperEntry.State.COUNTED
    figures = queries.tally(vote)
    assert (figures.returned, figures.valid, figures.paper_returned) == (1, 1, 1)
    rows = {row.candidate_id: (row.yes, row.no, row.abstain) for row in figures.rows}
    assert rows[a.pk] == (1, 0, 0) and rows[b.pk] == (0, 1, 0) and rows[c.pk] == (0, 0, 1)


def test_a_mismatch_is_flagged_and_not_counted_until_resolved(paper_vote):
    vote, (t1, t2), (a, *_rest) = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    staff = paper_vote.staff
    entry = ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=7, choices={a.pk: "yes"})
    entry = ballots.paper_confirm(actor=t2, entry_id=entry.pk, choices={a.pk: "no"})
    assert entry.state == PaperEntry.State.MISMATCH
    assert not Ballot.objects.filter(vote=vote).exists()
    figures = queries.tally(vote)
    assert (figures.returned, figures.mismatched_paper, figures.pending_paper) == (0, 1, 1)
    assert Event.objects.filter(action="paper_mismatch", target_id=entry.pk).exists()
    with pytest.raises(DomainError, match="待第二计票人核录或待处理"):
        ballots.vote_close(actor=staff, vote_id=vote.pk)
    with pytest.raises(DomainError, match="不一致是如何核实处理"):
        ballots.paper_resolve(actor=t1, entry_id=entry.pk, choices={a.pk: "yes"}, note="")
    entry = ballots.paper_resolve(actor=t1, entry_id=entry.pk, choices={a.pk: "yes"},
                                  note="两名计票人共同核对原票：赞成")  # fmt: skip
    assert entry.state == PaperEntry.State.COUNTED
    figures = queries.tally(vote)
    assert figures.returned == 1 and figures.pending_paper == 0
    assert {r.candidate_id: r.yes for r in figures.rows}[a.pk] == 1
    stored = Ballot.objects.get(vote=vote).pk
    closed = ballots.vote_close(actor=staff, vote_id=vote.pk)
    assert (closed.issued, closed.returned, closed.valid) == (3, 1, 1)
    # The note never reached the append-only audit trail; closing reseals the ballot under
    # a new key and erases the tellers' readings and notes; the entry keeps sheet and state.
    assert not Event.objects.filter(note__contains="赞成").exists()
    resealed = Ballot.objects.get(vote=vote)
    assert resealed.pk != stored and resealed.choices.get(candidate=a).choice == "yes"
    entry = PaperEntry.objects.get(pk=entry.pk)
    assert (entry.first_reading, entry.second_reading) == (None, None)
    assert (entry.sheet, entry.state, entry.resolution_note) == (7, PaperEntry.State.COUNTED, "")


def test_ballots_returned_never_exceed_ballots_issued(paper_vote):
    vote, (t1, _t2), _cands = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    for sheet in (1, 2, 3):
        ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=sheet, choices={})
    with pytest.raises(DomainError, match="收回票数不得多于发出票数"):
        ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=4, choices={})
    assert PaperEntry.objects.filter(vote=vote).count() == 3


def test_a_sheet_number_is_entered_once(paper_vote):
    vote, (t1, t2), _cands = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=5, choices={})
    with pytest.raises(DomainError, match="该票号已录入"):
        ballots.paper_enter(actor=t2, vote_id=vote.pk, sheet=5, choices={})


def test_marking_more_candidates_than_seats_makes_the_ballot_invalid(paper_vote):
    vote, (t1, t2), (a, b, c, _d) = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    marks = {a.pk: "yes", b.pk: "yes", c.pk: "yes"}  # 3 yes for 2 seats
    entry = ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=1, choices=marks)
    ballots.paper_confirm(actor=t2, entry_id=entry.pk, choices=marks)
    spoiled = ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=2, choices={}, invalid=True)
    ballots.paper_confirm(actor=t2, entry_id=spoiled.pk, choices={}, invalid=True)
    figures = queries.tally(vote)
    assert (figures.returned, figures.valid, figures.invalid) == (2, 0, 2)
    assert all(row.yes == 0 for row in figures.rows)  # invalid ballots carry no votes
    assert Ballot.objects.filter(vote=vote, valid=False).count() == 2
    # Nor do they keep the marks that made them invalid: one abstention per candidate.
    marks = BallotChoice.objects.filter(ballot__vote=vote)
    assert marks.count() == 8 and set(marks.values_list("choice", flat=True)) == {"abstain"}


def test_a_deputy_with_a_paper_ballot_cannot_also_vote_electronically(paper_vote):
    vote, deputy = paper_vote.vote, paper_vote.voters[0]
    with pytest.raises(DomainError, match="已在本次票决中投过票"):
        ballots.ballot_cast(actor=deputy.user, vote_id=vote.pk, choices={})
    with pytest.raises(DomainError, match="已领取或已投选票"):
        ballots.paper_issue(actor=paper_vote.tellers[0], vote_id=vote.pk,
                            representative_ids=[deputy.pk])  # fmt: skip


def test_only_tellers_or_the_office_enter_paper(paper_vote):
    vote = paper_vote.vote
    stranger = UserFactory(username="stranger", is_staff=False)
    with pytest.raises(Exception) as error:
        ballots.paper_enter(actor=stranger, vote_id=vote.pk, sheet=1, choices={})
    assert error.type.__name__ == "Http404"
    deputy = paper_vote.voters[5].user  # sees the vote (on the roll) but is no teller
    with pytest.raises(PermissionDenied):
        ballots.paper_enter(actor=deputy, vote_id=vote.pk, sheet=1, choices={})
    entry = ballots.paper_enter(actor=paper_vote.staff, vote_id=vote.pk, sheet=1, choices={})
    assert entry.first_teller == paper_vote.staff


def test_readings_are_hidden_in_the_admin_and_the_api_until_the_second_teller(paper_vote, client):
    from rest_framework.authtoken.models import Token

    vote, (t1, t2), (a, *_rest) = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    entry = ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=7, choices={a.pk: "yes"})
    staff = paper_vote.staff
    client.force_login(staff)
    change = f"/admin/voting/paperentry/{entry.pk}/change/"
    token = Token.objects.create(user=staff)
    api = f"/api/v1/voting-paper/{entry.pk}/"
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}

    page = client.get(change).content.decode()
    assert "field-sheet" in page and "field-first_reading" not in page
    assert "field-second_reading" not in page
    assert client.get(api, **auth).json()["first_reading"] is None

    ballots.paper_confirm(actor=t2, entry_id=entry.pk, choices={a.pk: "yes"})
    assert "field-first_reading" in client.get(change).content.decode()
    assert client.get(api, **auth).json()["first_reading"]["choices"][str(a.pk)] == "yes"


def test_paper_is_not_entered_after_the_vote_closed(paper_vote):
    vote, (t1, _t2), _cands = paper_vote.vote, paper_vote.tellers, paper_vote.cands
    ballots.vote_close(actor=paper_vote.staff, vote_id=vote.pk)
    with pytest.raises(DomainError) as error:
        ballots.paper_enter(actor=t1, vote_id=vote.pk, sheet=1, choices={})
    assert error.value.field is None
    assert not PaperEntry.objects.filter(vote=vote).exists()
