"""A ballot is marked 赞成 / 反对 / 弃权 on every page that shows one, never 是 / 否."""

import re

import pytest

from tests.factories import UserFactory
from tests.voting.conftest import build_cycle, cast_all
from voting import ballots, workflow
from voting.models import BallotChoice, Choice, VoteResult

pytestmark = pytest.mark.django_db

MARKS = ["赞成", "反对", "弃权"]


def assert_ballot_words(html: str) -> None:
    """The page names the three marks and never a plain yes/no."""
    for word in MARKS:
        assert word in html
    assert not re.search(r">\s*[是否]\s*<", html)  # a cell, a heading or a radio label
    assert not re.search(r"\s[是否]</label>", html)


@pytest.fixture
def open_vote(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3, candidates=3,
                        seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    vworld.cycle, vworld.vote = cycle, vote
    vworld.cands = list(vote.candidates.order_by("number"))
    return vworld


def test_the_marks_are_labelled_for_a_vote():
    assert [str(label) for _value, label in Choice.choices] == MARKS
    assert [
        str(VoteResult._meta.get_field(f).verbose_name) for f in ("yes", "no", "abstain")
    ] == MARKS


def test_the_deputys_ballot_offers_for_against_abstain(open_vote, client):
    client.force_login(open_vote.voters[0].user)
    page = client.get(f"/desk/voting/votes/{open_vote.vote.pk}/ballot/").content.decode()
    assert_ballot_words(page)
    labels = re.findall(r'<label class="choice choice-(\w+)">.*?\s(\S+)</label>', page)
    assert set(labels) == {("yes", "赞成"), ("no", "反对"), ("abstain", "弃权")}
    assert 'data-label="赞成"' in page  # the running count of yes-marks


def test_the_tellers_paper_ballot_uses_the_same_words(open_vote, client):
    vote = open_vote.vote
    second = UserFactory(username="teller_w", is_staff=False)
    vote.tellers.add(second)
    client.force_login(open_vote.staff)
    page = client.get(f"/desk/voting/votes/{vote.pk}/paper/").content.decode()
    assert_ballot_words(page)
    a = open_vote.cands[0]
    client.post(f"/desk/voting/votes/{vote.pk}/issue/", {"deputies": [open_vote.voters[0].pk]})
    client.post(f"/desk/voting/votes/{vote.pk}/enter/", {"new-sheet": "1", f"new-c{a.pk}": "no"})
    client.force_login(second)
    assert_ballot_words(client.get(f"/desk/voting/votes/{vote.pk}/paper/").content.decode())


def test_results_and_the_projector_count_for_against_abstain(open_vote, client):
    vote, (a, b, c) = open_vote.vote, open_vote.cands
    voters = open_vote.voters[:25]
    cast_all(vote, voters, {v.pk: {a.pk: "yes", b.pk: "no", c.pk: "abstain"} for v in voters})
    ballots.vote_close(actor=open_vote.staff, vote_id=vote.pk)
    live = client.get(f"/voting/votes/{vote.pk}/live/").content.decode()
    assert "<th>赞成</th><th>反对</th><th>弃权</th>" in live
    assert_ballot_words(live)
    workflow.cycle_advance(actor=open_vote.staff, cycle_id=open_vote.cycle.pk, to="announce")
    cycle = client.get(f"/voting/cycles/{open_vote.cycle.pk}/").content.decode()
    assert "<th>赞成</th><th>反对</th><th>弃权</th>" in cycle
    assert_ballot_words(cycle)
    mark = BallotChoice.objects.filter(candidate=b).first()
    assert str(mark).endswith(": 反对")
