# Convert stored ballots so that none can be told apart from the others by anything but
# its marks, as voting.ballots now stores them:
# - every ballot carries a receipt hash (paper ballots had none: the hash of a code shown
#   to nobody, made as voting.ballots.receipt_hash makes them);
# - every ballot has one mark per candidate of its vote (an unmarked one is an abstention);
# - an invalid ballot keeps no marks (abstentions only; it was never counted);
# - in closed votes, the tellers' readings of the paper ballots are erased and the ballots
#   resealed: rewritten under new random keys, in random order, in this transaction.
# The tally of a closed vote is frozen (Vote, VoteResult) and does not change; the running
# tally of an open vote counts the same valid marks as before.

import secrets
import uuid

from django.db import migrations
from django.utils.crypto import salted_hmac

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def _unshown_receipt_hash():
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _unused in range(12))
    return salted_hmac("voting.receipt", code).hexdigest()


def _reseal(Ballot, BallotChoice, vote_id, region_id):
    old = list(Ballot.objects.filter(vote_id=vote_id).values("id", "valid", "receipt_hash"))
    if not old:
        return
    marks = {}
    for ballot_id, candidate_id, choice in BallotChoice.objects.filter(
        ballot__vote_id=vote_id
    ).values_list("ballot_id", "candidate_id", "choice"):
        marks.setdefault(ballot_id, []).append((candidate_id, choice))
    secrets.SystemRandom().shuffle(old)
    new_id = {row["id"]: uuid.uuid4() for row in old}
    BallotChoice.objects.filter(ballot__vote_id=vote_id).delete()
    Ballot.objects.filter(vote_id=vote_id).delete()
    Ballot.objects.bulk_create(
        [
            Ballot(id=new_id[row["id"]], region_id=region_id, vote_id=vote_id,
                   valid=row["valid"], receipt_hash=row["receipt_hash"])
            for row in old
        ],
        batch_size=1000,
    )
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(region_id=region_id, ballot_id=new_id[row["id"]],
                         candidate_id=candidate_id, choice=choice)
            for row in old
            for candidate_id, choice in sorted(marks.get(row["id"], []))
        ],
        batch_size=2000,
    )


def convert(apps, schema_editor):
    Ballot = apps.get_model("voting", "Ballot")
    BallotChoice = apps.get_model("voting", "BallotChoice")
    PaperEntry = apps.get_model("voting", "PaperEntry")
    Vote = apps.get_model("voting", "Vote")

    missing = list(Ballot.objects.filter(receipt_hash__isnull=True).values_list("pk", flat=True))
    for pk in missing:
        Ballot.objects.filter(pk=pk).update(receipt_hash=_unshown_receipt_hash())

    BallotChoice.objects.filter(ballot__valid=False).exclude(choice="abstain").update(
        choice="abstain"
    )

    for vote in list(Vote.objects.only("pk", "region_id")):
        candidates = set(vote.candidates.values_list("pk", flat=True))
        have = {}
        for ballot_id, candidate_id in BallotChoice.objects.filter(
            ballot__vote_id=vote.pk
        ).values_list("ballot_id", "candidate_id"):
            have.setdefault(ballot_id, set()).add(candidate_id)
        ballot_ids = Ballot.objects.filter(vote_id=vote.pk).values_list("pk", flat=True)
        BallotChoice.objects.bulk_create(
            [
                BallotChoice(region_id=vote.region_id, ballot_id=ballot_id,
                             candidate_id=candidate_id, choice="abstain")
                for ballot_id in ballot_ids
                for candidate_id in sorted(candidates - have.get(ballot_id, set()))
            ],
            batch_size=2000,
        )

    for vote in list(Vote.objects.filter(state="closed").only("pk", "region_id")):
        PaperEntry.objects.filter(vote_id=vote.pk).update(first_reading=None, second_reading=None)
        _reseal(Ballot, BallotChoice, vote.pk, vote.region_id)


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0002_ballots_unlinked'),
    ]

    operations = [
        migrations.RunPython(convert, migrations.RunPython.noop),
    ]
