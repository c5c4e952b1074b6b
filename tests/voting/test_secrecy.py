"""Secret ballot: nothing in the database or the API links a stored ballot to its voter;
the receipt check confirms a ballot was counted without showing how it was marked."""

import json

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from portal.models import Event, Notification
from tests.voting.conftest import build_cycle
from voting import ballots, workflow
from voting.models import Ballot, BallotChoice, VoterRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def voted(vworld):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3,
                        candidates=3, seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    a, b, c = vote.candidates.order_by("number")
    receipts = {}
    for n, deputy in enumerate(vworld.voters[:5]):
        marks = {a.pk: "yes", b.pk: "no" if n % 2 else "yes", c.pk: "abstain"}
        receipts[deputy.pk] = ballots.ballot_cast(actor=deputy.user, vote_id=vote.pk, choices=marks)
    vworld.vote, vworld.receipts, vworld.cands = vote, receipts, (a, b, c)
    return vworld


def columns(model) -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    return {column.name for column in description}


def test_ballot_tables_hold_no_voter_no_user_no_time_and_no_serial_key():
    assert columns(Ballot) == {"id", "region_id", "vote_id", "valid", "receipt_hash"}
    assert columns(BallotChoice) == {"id", "region_id", "ballot_id", "candidate_id", "choice"}
    for model in (Ballot, BallotChoice):
        assert model._meta.pk.get_internal_type() == "UUIDField"
        related = {f.related_model.__name__ for f in model._meta.fields if f.is_relation}
        assert not related & {"Representative", "User", "VoterRecord", "RollEntry", "Event"}
        kinds = {f.get_internal_type() for f in model._meta.fields}
        assert not kinds & {"DateTimeField", "DateField", "AutoField", "BigAutoField"}
    # And who voted holds nothing of what was voted.
    assert "ballot_id" not in columns(VoterRecord)


def test_no_audit_event_or_notification_names_a_ballot_or_a_receipt(voted):
    ballot_ids = {str(pk) for pk in Ballot.objects.values_list("id", flat=True)}
    texts = [
        json.dumps([e.target_repr, e.note, e.data, e.target_type.model], ensure_ascii=False)
        for e in Event.objects.select_related("target_type")
    ] + [f"{n.subject} {n.body} {n.url}" for n in Notification.objects.all()]
    casts = Event.objects.filter(action="ballot_cast")
    assert casts.count() == 5
    assert set(casts.values_list("target_type__model", flat=True)) == {"voterrecord"}
    for text in texts:
        assert not any(ballot_id in text for ballot_id in ballot_ids)
        assert not any(code in text for code in voted.receipts.values())
        assert 'ballot"' not in text


def test_receipt_codes_are_not_stored_only_their_keyed_hash(voted):
    stored = list(Ballot.objects.values_list("receipt_hash", flat=True))
    for code in voted.receipts.values():
        assert code not in stored
        assert ballots.receipt_hash(code) in stored


def test_the_api_shows_ballots_without_voters_and_voters_without_ballots(voted, client):
    staff = voted.staff
    ballots.vote_close(actor=staff, vote_id=voted.vote.pk)
    token = Token.objects.create(user=staff)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    listed = client.get("/api/v1/voting-ballots/", **auth).json()["results"]
    assert len(listed) == 5
    for row in listed:
        assert set(row) == {"id", "vote", "valid", "choices"}
        assert all(set(mark) == {"candidate", "choice"} for mark in row["choices"])
    voters = client.get("/api/v1/voting-voters/", **auth).json()["results"]
    assert len(voters) == 5
    ballot_ids = {row["id"] for row in listed}
    for row in voters:
        assert set(row) == {"id", "vote", "representative", "representative_name", "channel"}
        assert not ballot_ids & {str(value) for value in row.values()}
    # The ballots' order says nothing of the order of voting: it is the random key's order.
    assert [row["id"] for row in listed] == sorted(ballot_ids)


def test_ballots_of_an_open_vote_are_not_listed(voted, client):
    token = Token.objects.create(user=voted.staff)
    listed = client.get("/api/v1/voting-ballots/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert listed.json()["results"] == []


def test_a_deputy_sees_neither_ballots_nor_others_voter_records(voted, client):
    deputy = voted.voters[0].user
    token = Token.objects.create(user=deputy)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    ballots.vote_close(actor=voted.staff, vote_id=voted.vote.pk)
    assert client.get("/api/v1/voting-ballots/", **auth).json()["results"] == []
    mine = client.get("/api/v1/voting-voters/", **auth).json()["results"]
    assert [row["representative"] for row in mine] == [voted.voters[0].pk]


def test_receipt_check_confirms_counting_without_showing_the_marks(voted, client):
    code = ballots.format_receipt(voted.receipts[voted.voters[0].pk])
    response = client.post("/voting/receipt/", {"code": code.lower()})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="receipt-result"' in page
    for candidate in voted.cands:
        assert candidate.title not in page
    for mark in ("赞成", "反对", "弃权", "yes", "abstain"):
        assert mark not in page.split('id="receipt-result"')[1].split("</section>")[0]
    wrong = client.post("/voting/receipt/", {"code": "ZZZZ-ZZZZ-ZZZZ"})
    assert 'id="receipt-result"' not in wrong.content.decode()
    assert "errorlist" in wrong.content.decode()


def test_receipt_check_is_rate_limited(voted, client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "track_ip": (2, 600)}
    for _n in range(2):
        client.post("/voting/receipt/", {"code": "AAAA"})
    assert client.post("/voting/receipt/", {"code": "AAAA"}).status_code == 429


def _xmins(table: str, where: str = "", params=()) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT xmin::text FROM {table} {where}", params)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_closing_reseals_ballots_so_no_xmin_links_a_ballot_to_its_voter(vworld, client):
    cycle = build_cycle(vworld.staff, vworld.base.regions["townA1"], proposals=3,
                        candidates=3, seats=2)  # fmt: skip
    vote = workflow.vote_prepare(actor=vworld.staff, cycle_id=cycle.pk)
    workflow.vote_open(actor=vworld.staff, vote_id=vote.pk)
    a, b, c = vote.candidates.order_by("number")
    receipts = [
        ballots.ballot_cast(actor=deputy.user, vote_id=vote.pk,
                            choices={a.pk: "yes", b.pk: "yes" if n < 3 else "no"})
        for n, deputy in enumerate(vworld.voters[:5])
    ]  # fmt: skip
    ballot_where = ("WHERE vote_id = %s", [vote.pk])
    linked = _xmins("portal_event") | _xmins("voting_voterrecord")
    # While the vote is open, each ballot shares its transaction with the cast's event.
    assert _xmins("voting_ballot", *ballot_where) & linked
    before = set(Ballot.objects.values_list("id", flat=True))

    ballots.vote_close(actor=vworld.staff, vote_id=vote.pk)

    linked = _xmins("portal_event") | _xmins("voting_voterrecord")
    sealed = _xmins("voting_ballot", *ballot_where)
    marks = _xmins("voting_ballotchoice", "WHERE ballot_id IN (SELECT id FROM voting_ballot "
                   "WHERE vote_id = %s)", [vote.pk])  # fmt: skip
    assert len(sealed) == 1 and not sealed & linked and not marks & linked
    assert not before & set(Ballot.objects.values_list("id", flat=True))
    assert Ballot.objects.count() == 5 and BallotChoice.objects.count() == 15
    results = {r.candidate_id: r.yes for r in vote.results.all()}
    assert results == {a.pk: 5, b.pk: 3, c.pk: 0}
    for code in receipts:
        assert ballots.check_receipt(code) is not None
    page = client.post("/voting/receipt/", {"code": ballots.format_receipt(receipts[0])})
    assert 'id="receipt-result"' in page.content.decode()
