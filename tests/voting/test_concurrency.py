"""500 deputies cast electronic ballots at once against the real server (PostgreSQL):
every ballot is counted once, a second ballot from the same deputy is refused, and the
tally equals a count made independently from the stored ballots."""

import json
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from rest_framework.authtoken.models import Token

from tests.voting.conftest import build_cycle, make_deputies
from voting import ballots, queries, workflow
from voting.models import Ballot, BallotChoice, Vote, VoterRecord

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DEPUTIES = 500
CLIENTS = 20  # concurrent clients (each a server thread with its own connection)


def post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def marks_for(n: int, candidates: list[int], seats: int) -> dict:
    """A deterministic, varied ballot: yes for a rotating window of ``seats`` candidates
    (one in seven deputies votes yes for fewer), no or abstain for the rest."""
    width = seats if n % 7 else seats - 2
    chosen = {candidates[(n + k) % len(candidates)] for k in range(width)}
    return {
        str(pk): "yes" if pk in chosen else ("no" if (n + pk) % 3 else "abstain")
        for pk in candidates
    }


def test_500_deputies_vote_at_once_each_counted_once(live_server, sworld):
    region = sworld.base.regions["townA1"]
    staff = sworld.base.users["township"]
    deputies = make_deputies(region, DEPUTIES, prefix="c")
    tokens = Token.objects.bulk_create(
        [Token(user=d.user, key=Token.generate_key()) for d in deputies]
    )
    cycle = build_cycle(staff, region, proposals=12, candidates=12, seats=10)
    vote = workflow.vote_prepare(actor=staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=staff, vote_id=vote.pk)
    candidates = list(vote.candidates.order_by("number").values_list("pk", flat=True))
    url = f"{live_server.url}/api/v1/voting-votes/{vote.pk}/ballot/"
    jobs = [(tokens[n].key, {"choices": marks_for(n, candidates, 10)}) for n in range(DEPUTIES)]

    with ThreadPoolExecutor(CLIENTS) as pool:
        first = list(pool.map(lambda job: post(url, *job), jobs))
        # Every deputy tries again, concurrently with the others' second tries.
        second = list(pool.map(lambda job: post(url, *job), jobs))

    assert Counter(status for status, _body in first) == {201: DEPUTIES}
    receipts = [body["receipt"] for _status, body in first]
    assert len(set(receipts)) == DEPUTIES
    assert Counter(status for status, _body in second) == {400: DEPUTIES}
    assert all(
        "已在本次票决中投过票" in json.dumps(body, ensure_ascii=False) for _status, body in second
    )
    assert VoterRecord.objects.filter(vote=vote).count() == DEPUTIES
    assert Ballot.objects.filter(vote=vote).count() == DEPUTIES

    # The expected count from what was sent, and an independent count of the stored rows.
    sent = Counter((int(pk), mark) for _token, body in jobs for pk, mark in body["choices"].items())
    stored = Counter(
        BallotChoice.objects.filter(ballot__vote=vote, ballot__valid=True).values_list(
            "candidate_id", "choice"
        )
    )
    assert stored == sent
    figures = queries.tally(vote)
    counted = Counter()
    for row in figures.rows:
        counted.update({(row.candidate_id, "yes"): row.yes, (row.candidate_id, "no"): row.no,
                        (row.candidate_id, "abstain"): row.abstain})  # fmt: skip
    assert +counted == +stored
    assert (figures.entitled, figures.present, figures.issued, figures.returned) == (
        DEPUTIES, DEPUTIES, DEPUTIES, DEPUTIES,
    )  # fmt: skip

    closed = ballots.vote_close(actor=staff, vote_id=vote.pk)
    assert closed.state == Vote.State.CLOSED
    results = {r.candidate_id: r.yes for r in closed.results.all()}
    assert results == {pk: sent[(pk, "yes")] for pk in candidates}
    # A ballot after the close is refused.
    status, _body = post(url, tokens[0].key, {"choices": {}})
    assert status == 400
