"""Preparing a vote: the roll and the tellers come from the cycle's own region; a
candidate's proposals follow its edits."""

import pytest
from rest_framework.authtoken.models import Token

from portal.errors import DomainError
from portal.models import Event
from tests.factories import UserFactory
from tests.voting.conftest import START, build_cycle, make_deputies
from voting import workflow
from voting.models import Proposal, Vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(vworld):
    return build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                       seats=2)  # fmt: skip


def test_tellers_of_another_city_or_a_sibling_township_are_refused(vworld, cycle, client):
    regions = vworld.base.regions
    elsewhere = UserFactory(username="t_city2", is_staff=False, region=regions["city2"])
    sibling = UserFactory(username="t_a2", is_staff=False, region=regions["townA2"])
    county = vworld.base.users["county"]  # manages both townships, still refused: not the vote's
    for actor in (vworld.staff, county):
        for teller in (elsewhere, sibling):
            with pytest.raises(DomainError) as error:
                workflow.vote_prepare(actor=actor, cycle_id=cycle.pk, teller_ids=[teller.pk])
            assert error.value.field == "tellers"
    assert not Vote.objects.exists()
    token = Token.objects.create(user=vworld.staff)
    response = client.post("/api/v1/voting-votes/", {"cycle": cycle.pk, "tellers": [sibling.pk]},
                           content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {token.key}")  # fmt: skip
    assert response.status_code == 400 and "tellers" in response.content.decode()
    village = UserFactory(username="t_v", is_staff=False, region=regions["villageA1"])
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk, teller_ids=[village.pk])
    assert list(vote.tellers.all()) == [village]


def test_an_explicit_roll_is_refused_outside_the_cycles_congress(vworld, cycle):
    sibling = make_deputies(vworld.base.regions["townA2"], 1, prefix="a2")[0]
    county = vworld.base.users["county"]  # sees deputies of both townships
    with pytest.raises(DomainError) as error:
        workflow.vote_prepare(actor=county, cycle_id=cycle.pk,
                              representative_ids=[vworld.voters[0].pk, sibling.pk])  # fmt: skip
    assert error.value.field == "roll"
    vote = workflow.vote_prepare(actor=county, cycle_id=cycle.pk,
                                 representative_ids=[d.pk for d in vworld.voters[:3]])  # fmt: skip
    assert vote.roll.count() == 3


def test_a_proposal_unlinked_from_its_candidate_goes_back_to_submitted(vworld):
    staff, region = vworld.staff, vworld.base.regions["townA1"]
    cycle = workflow.cycle_create(actor=staff, region_id=region.pk, year=2026, title="民生实事")
    first, second, spare = (
        workflow.proposal_submit(cycle_id=cycle.pk, source="citizen", title=f"建议{n}",
                                 description="内容")
        for n in range(3)
    )  # fmt: skip
    workflow.cycle_advance(actor=staff, cycle_id=cycle.pk, to="shortlist")
    fields = {"title": "项目", "description": "说明", "budget": "5",
              "department": region.departments.first(), "starts_on": START, "ends_on": START}  # fmt: skip
    candidate = workflow.candidate_create(actor=staff, cycle_id=cycle.pk,
                                          proposal_ids=[first.pk], **fields)  # fmt: skip
    other = workflow.candidate_create(actor=staff, cycle_id=cycle.pk,
                                      proposal_ids=[second.pk], **fields)  # fmt: skip
    workflow.candidate_update(actor=staff, candidate_id=candidate.pk, proposal_ids=[spare.pk],
                              **fields)  # fmt: skip
    first.refresh_from_db()
    spare.refresh_from_db()
    assert list(candidate.proposals.all()) == [spare]
    assert (first.state, spare.state) == (Proposal.State.SUBMITTED, Proposal.State.SHORTLISTED)
    event = Event.objects.get(action="proposal_unshortlist", target_id=first.pk)
    assert (event.from_state, event.to_state) == ("shortlisted", "submitted")
    # A proposal still behind another candidate stays shortlisted.
    workflow.candidate_update(actor=staff, candidate_id=other.pk,
                              proposal_ids=[second.pk, spare.pk], **fields)  # fmt: skip
    workflow.candidate_update(actor=staff, candidate_id=candidate.pk, proposal_ids=[], **fields)
    spare.refresh_from_db()
    assert spare.state == Proposal.State.SHORTLISTED
    assert not candidate.proposals.exists()
