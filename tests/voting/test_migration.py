"""The migrations that unlink stored ballots (0002–0004) convert existing rows safely: the
channel and the paper entry's link go, every ballot gets a receipt hash and one mark per
candidate, invalid ballots keep no marks, closed votes are resealed and their readings
erased — and the counted marks, the receipts and open votes' work are kept."""

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import DepartmentFactory, UserFactory, make_region
from voting import ballots
from voting.models import Ballot, BallotChoice, PaperEntry

BEFORE = [("voting", "0001_initial")]
DAY = datetime.date(2026, 3, 1)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "voting"]


@pytest.mark.django_db(transaction=True)
def test_the_migrations_unlink_existing_ballots_and_keep_what_was_counted():
    latest = _latest()
    region = make_region("迁移市")
    department = DepartmentFactory(region=region)
    teller = UserFactory(username="migration_teller")
    try:
        made = _old_rows(_migrate(BEFORE), region.pk, department.pk, teller.pk)
    finally:
        _migrate(latest)  # forward again whatever happened, for the tests that follow

    closed, still_open = made["votes"]
    # Nothing left to link: no channel column, no entry pointing at a ballot.
    with connection.cursor() as cursor:
        table = connection.introspection.get_table_description(cursor, "voting_ballot")
        assert "channel" not in {column.name for column in table}
        table = connection.introspection.get_table_description(cursor, "voting_paperentry")
        assert "ballot_id" not in {column.name for column in table}
    # Every ballot has a receipt hash; the electronic voters' receipts still check.
    hashes = list(Ballot.objects.values_list("receipt_hash", flat=True))
    assert all(hashes) and len(set(hashes)) == len(hashes) == 6
    for code in made["receipts"]:
        assert ballots.check_receipt(code) is not None
    # Closed votes are resealed under new keys and their readings erased; open ones keep them.
    assert not set(Ballot.objects.filter(vote_id=closed).values_list("pk", flat=True)) & set(
        made["ballots"]
    )
    assert set(
        PaperEntry.objects.filter(vote_id=closed).values_list("first_reading", "second_reading")
    ) == {(None, None)}
    kept = PaperEntry.objects.filter(vote_id=still_open).order_by("sheet")
    assert [entry.first_reading for entry in kept] == made["open_readings"]
    # One mark per candidate on every ballot; invalid ballots keep only abstentions.
    for ballot in Ballot.objects.all():
        assert sorted(ballot.choices.values_list("candidate_id", flat=True)) == made["candidates"]
    invalid = BallotChoice.objects.filter(ballot__valid=False)
    assert invalid.count() == 4 and set(invalid.values_list("choice", flat=True)) == {"abstain"}
    # The valid marks that were counted are the same.
    for vote_id in (closed, still_open):
        counted = Counter(
            BallotChoice.objects.filter(ballot__vote_id=vote_id, ballot__valid=True)
            .exclude(choice="abstain")
            .values_list("candidate_id", "choice")
        )
        assert counted == made["counted"][vote_id]


def _old_rows(apps, region_id, department_id, teller_id) -> dict:
    """Write rows the way the code before 0002 did, through the models of 0001."""
    Cycle, Candidate, Vote = (apps.get_model("voting", n) for n in ("Cycle", "Candidate", "Vote"))
    Ballot, BallotChoice = (
        apps.get_model("voting", "Ballot"),
        apps.get_model("voting", "BallotChoice"),
    )
    PaperEntry = apps.get_model("voting", "PaperEntry")
    cycle = Cycle.objects.create(
        region_id=region_id, year=2026, title="迁移", stage="vote", seats=1
    )
    candidates = [
        Candidate.objects.create(
            region_id=region_id,
            cycle=cycle,
            number=n,
            title=f"项目{n}",
            description="说明",
            budget="1.00",
            department_id=department_id,
            starts_on=DAY,
            ends_on=DAY,
        )  # fmt: skip
        for n in (1, 2)
    ]
    a, b = (c.pk for c in candidates)
    made = {"candidates": sorted([a, b]), "receipts": [], "ballots": [], "votes": [],
            "counted": {}, "open_readings": []}  # fmt: skip
    for state, round_ in (("closed", 1), ("open", 2)):
        vote = Vote.objects.create(region_id=region_id, cycle=cycle, round=round_, seats=1,
                                   state=state)  # fmt: skip
        vote.candidates.set(candidates)
        made["votes"].append(vote.pk)
        code = ballots.new_receipt()
        made["receipts"].append(code)
        rows = [  # channel, valid, receipt, marks (the paper ballot without a mark for b)
            ("electronic", True, ballots.receipt_hash(code), {a: "yes", b: "no"}),
            ("paper", True, None, {a: "no"}),
            ("paper", False, None, {a: "yes", b: "yes"}),
        ]
        for sheet, (channel, valid, receipt, marks) in enumerate(rows, start=1):
            ballot = Ballot.objects.create(region_id=region_id, vote=vote, channel=channel,
                                           valid=valid, receipt_hash=receipt)  # fmt: skip
            made["ballots"].append(ballot.pk)
            for candidate_id, choice in marks.items():
                BallotChoice.objects.create(region_id=region_id, ballot=ballot,
                                            candidate_id=candidate_id, choice=choice)  # fmt: skip
            if channel == "paper":
                reading = {"invalid": not valid, "choices": {str(k): v for k, v in marks.items()}}
                PaperEntry.objects.create(region_id=region_id, vote=vote, sheet=sheet,
                                          state="counted", first_teller_id=teller_id,
                                          first_reading=reading, second_reading=reading,
                                          ballot=ballot)  # fmt: skip
                if state == "open":
                    made["open_readings"].append(reading)
        made["counted"][vote.pk] = Counter({(a, "yes"): 1, (b, "no"): 1, (a, "no"): 1})
    return made
