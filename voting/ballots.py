"""Casting, entering and counting ballots (workflow functions of the vote itself).

Secrecy: an electronic ballot is written as two unrelated rows in one transaction — a
``VoterRecord`` (this deputy has voted, electronically; unique per vote and deputy, so the
database refuses a second ballot) and a ``Ballot`` with its marks (random UUID keys, no
deputy, no user, no time, no channel). The audit event of the cast names the voter record,
never the ballot. The voter's receipt code is returned once and kept only as a keyed hash on
the ballot. Because the three rows share a transaction (PostgreSQL's ``xmin``), closing the
vote reseals the ballots as new rows (``reseal_ballots``); see ``voting.models`` for what
remains.

Paper ballots: a teller issues a ballot to a deputy (a ``VoterRecord`` of channel paper);
one teller enters each paper ballot under its sheet number and a second, different teller
enters it again independently. Matching readings are counted; a mismatch is flagged and
counted only after it is resolved against the paper. A counted paper ballot is stored
exactly like an electronic one — same shape, a receipt hash of a code nobody is shown — and
its entry keeps no link to it; the readings are erased when the vote closes.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from portal import access, events, states
from portal.errors import DomainError, required_text
from stations.models import Representative
from voting import counting, queries
from voting.models import (
    Ballot,
    BallotChoice,
    Candidate,
    Choice,
    Cycle,
    PaperEntry,
    RollEntry,
    Vote,
    VoteResult,
    VoterRecord,
)
from voting.vocabulary import Action
from voting.workflow.cycles import office_object

RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECEIPT_LENGTH = 12
Channel = VoterRecord.Channel


def new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _unused in range(RECEIPT_LENGTH))


def normalize_receipt(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[: RECEIPT_LENGTH * 2]


def receipt_hash(code: str) -> str:
    """Return the keyed hash stored for a receipt code (the code itself is never stored)."""
    return salted_hmac("voting.receipt", normalize_receipt(code)).hexdigest()


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _lock_shared(vote_id: int) -> Vote:
    """Return the vote with a shared row lock: ballots go in side by side, while closing
    (an exclusive lock) waits for every ballot in flight and no ballot follows it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM voting_vote WHERE id = %s FOR SHARE", [vote_id])
    vote = Vote.objects.select_related("cycle").filter(pk=vote_id).first()
    if vote is None:
        raise Http404(_("No such object."))
    return vote


def _reading(vote: Vote, candidate_ids: Sequence[int], choices: Mapping, invalid: bool) -> dict:
    """Return a complete, canonical reading of a ballot: every candidate of the vote gets a
    mark (unmarked counts as abstain); unknown candidates or marks are refused."""
    marks: dict[str, str] = {}
    for key, value in (choices or {}).items():
        try:
            candidate_id = int(key)
        except (TypeError, ValueError):
            raise DomainError(_("Unknown candidate on the ballot."), field="choices") from None
        if candidate_id not in candidate_ids:
            raise DomainError(_("Unknown candidate on the ballot."), field="choices")
        if value not in Choice.values:
            raise DomainError(_("Mark each candidate yes, no or abstain."), field="choices")
        marks[str(candidate_id)] = value
    full = {str(pk): marks.get(str(pk), Choice.ABSTAIN) for pk in sorted(candidate_ids)}
    return {"invalid": bool(invalid), "choices": full}


def _yes_count(reading: dict) -> int:
    return sum(1 for value in reading["choices"].values() if value == Choice.YES)


def _store_ballot(vote: Vote, reading: dict, receipt: str | None = None) -> Ballot:
    """Store a ballot the same way whatever its channel: one mark per candidate, a receipt
    hash (of a code nobody is shown when there is no voter to show it to). An invalid
    ballot counts for nobody, so its marks are not kept: it is stored as abstentions, and
    an over-marked paper ballot says nothing of the deputy who marked it."""
    valid = not reading["invalid"] and _yes_count(reading) <= vote.seats
    ballot = Ballot.objects.create(
        region_id=vote.region_id, vote=vote, valid=valid,
        receipt_hash=receipt_hash(receipt or new_receipt()),
    )  # fmt: skip
    BallotChoice.objects.bulk_create(
        [
            BallotChoice(region_id=vote.region_id, ballot=ballot, candidate_id=int(pk),
                         choice=mark if valid else Choice.ABSTAIN)
            for pk, mark in reading["choices"].items()
        ]
    )  # fmt: skip
    return ballot


def _candidate_ids(vote: Vote) -> list[int]:
    return list(vote.candidates.values_list("pk", flat=True))


# --- electronic ballots ---------------------------------------------------------------


@transaction.atomic
def ballot_cast(*, actor, vote_id: int, choices: Mapping) -> str:
    """Cast the actor's electronic ballot; return the receipt code (shown once).

    ``choices`` maps candidate ids to yes/no/abstain; an unmarked candidate is an
    abstention. Marking more candidates yes than there are seats is refused (it would make
    the ballot invalid)."""
    vote = _lock_shared(vote_id)
    entry = (
        RollEntry.objects.filter(vote=vote, representative__user=actor)
        .select_related("representative")
        .first()
        if actor is not None and actor.is_authenticated
        else None
    )
    if entry is None:
        access.require(actor, access.VIEW, vote)
        raise PermissionDenied(_("You are not on the roll of this vote."))
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("The vote is not open."))
    reading = _reading(vote, _candidate_ids(vote), choices, invalid=False)
    if _yes_count(reading) > vote.seats:
        raise DomainError(
            _("Vote yes for at most %(seats)d projects; more would make the ballot invalid.")
            % {"seats": vote.seats},
            field="choices",
        )
    try:
        with transaction.atomic():
            record = VoterRecord.objects.create(
                region_id=vote.region_id, vote=vote, representative=entry.representative,
                channel=Channel.ELECTRONIC,
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(_("You have already voted in this vote."), field="ballot") from None
    if not entry.present:
        RollEntry.objects.filter(pk=entry.pk).update(present=True)
    receipt = new_receipt()
    _store_ballot(vote, reading, receipt)
    events.record(actor=actor, target=record, action=Action.BALLOT_CAST, region=vote.region,
                  data={"vote": vote.pk, "channel": Channel.ELECTRONIC})  # fmt: skip
    return receipt


def check_receipt(code: str) -> Ballot | None:
    """Return the ballot a receipt code belongs to (for the public check), or None.

    What a receipt proves: a ballot cast with this code is stored in this vote — and, once
    the vote has closed, was among the ballots counted — whatever the resealing at close
    did to its key. It shows neither the marks (a receipt must not let a voter prove how
    they voted) nor anything that names the voter."""
    if not normalize_receipt(code):
        return None
    return (
        Ballot.objects.filter(receipt_hash=receipt_hash(code))
        .select_related("vote__cycle__region")
        .only("id", "valid", "vote__state", "vote__round", "vote__cycle__title",
              "vote__cycle__year", "vote__cycle__region__name")
        .first()
    )  # fmt: skip


# --- paper ballots --------------------------------------------------------------------


def reading_visible(entry: PaperEntry) -> bool:
    """Return True when the tellers' readings of a paper entry may be shown: not while it
    waits for the second teller, who enters the ballot blind."""
    return entry.state != PaperEntry.State.ENTERED


def teller_vote(actor, vote_id: int, *, lock: bool = True) -> Vote:
    """Return the vote (locked) when the actor is one of its tellers or its office."""
    queryset = Vote.objects.select_related("cycle", "region")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    vote = access.get_object_or_404(actor, queryset, pk=vote_id)
    if not (
        access.can_by_region(actor, access.MANAGE, vote)
        or vote.tellers.filter(pk=actor.pk).exists()
    ):
        raise PermissionDenied(_("Only the tellers of the vote do this."))
    return vote


@transaction.atomic
def paper_issue(*, actor, vote_id: int, representative_ids: Sequence[int]) -> int:
    """Hand paper ballots to deputies on the roll (they are then present and cannot vote
    electronically); return how many were issued."""
    vote = teller_vote(actor, vote_id)
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("The vote is not open."))
    ids = sorted(set(representative_ids))
    if not ids:
        raise DomainError(_("Choose the deputies."), field="roll")
    on_roll = RollEntry.objects.filter(vote=vote, representative_id__in=ids)
    if on_roll.count() != len(ids):
        raise DomainError(_("Choose deputies on the roll of this vote."), field="roll")
    already = VoterRecord.objects.filter(vote=vote, representative_id__in=ids)
    if already.exists():
        names = ", ".join(
            Representative.objects.filter(pk__in=already.values("representative_id")).values_list(
                "name", flat=True
            )[:5]
        )
        raise DomainError(_("Already has a ballot: %(names)s") % {"names": names}, field="roll")
    try:
        with transaction.atomic():
            VoterRecord.objects.bulk_create(
                [VoterRecord(region_id=vote.region_id, vote=vote, representative_id=pk,
                             channel=Channel.PAPER) for pk in ids]
            )  # fmt: skip
    except IntegrityError:
        raise DomainError(
            _("A deputy voted at the same moment; try again."), field="roll"
        ) from None
    on_roll.update(present=True)
    events.record(actor=actor, target=vote, action=Action.PAPER_ISSUE,
                  data={"deputies": ids, "count": len(ids)})  # fmt: skip
    return len(ids)


def _check_reading_vote(vote: Vote) -> None:
    if vote.state != Vote.State.OPEN:
        raise DomainError(_("Paper ballots are entered while the vote is open."))


@transaction.atomic
def paper_enter(*, actor, vote_id: int, sheet: int, choices: Mapping,
                invalid: bool = False) -> PaperEntry:  # fmt: skip
    """The first teller enters one paper ballot under its sheet number."""
    vote = teller_vote(actor, vote_id)
    _check_reading_vote(vote)
    if not isinstance(sheet, int) or not 1 <= sheet <= 100_000:
        raise DomainError(_("Enter the sheet number written on the ballot."), field="sheet")
    issued = vote.voters.filter(channel=Channel.PAPER).count()
    entered = vote.paper_entries.exclude(state=PaperEntry.State.DISCARDED).count()
    if entered >= issued:
        raise DomainError(
            _("Ballots returned cannot exceed ballots issued (%(issued)d paper ballots).")
            % {"issued": issued},
            field="sheet",
        )
    if vote.paper_entries.filter(sheet=sheet).exists():
        raise DomainError(_("This sheet number has already been entered."), field="sheet")
    reading = _reading(vote, _candidate_ids(vote), choices, invalid)
    entry = PaperEntry.objects.create(
        region_id=vote.region_id, vote=vote, sheet=sheet, first_teller=actor,
        first_reading=reading,
    )  # fmt: skip
    events.record(actor=actor, target=entry, action=Action.PAPER_ENTER, after=entry.state,
                  region=vote.region)  # fmt: skip
    return entry


def _teller_entry(actor, entry_id: int) -> tuple[PaperEntry, Vote]:
    entry = access.get_object_or_404(actor, PaperEntry.objects.all(), pk=entry_id)
    vote = teller_vote(actor, entry.vote_id)
    entry = PaperEntry.objects.select_for_update().get(pk=entry.pk)
    _check_reading_vote(vote)
    return entry, vote


@transaction.atomic
def paper_confirm(*, actor, entry_id: int, choices: Mapping, invalid: bool = False) -> PaperEntry:
    """A second teller enters the same paper ballot again without seeing the first
    reading: the same reading counts the ballot; a different one flags a mismatch."""
    entry, vote = _teller_entry(actor, entry_id)
    if entry.state != PaperEntry.State.ENTERED:
        raise DomainError(_("This entry is not waiting for a second teller."))
    if entry.first_teller_id == actor.pk:
        raise DomainError(_("A second, different teller confirms the entry."), field="teller")
    reading = _reading(vote, _candidate_ids(vote), choices, invalid)
    if reading == entry.first_reading:
        to, action = PaperEntry.State.COUNTED, Action.PAPER_CONFIRM
        _store_ballot(vote, reading)
    else:
        to, action = PaperEntry.State.MISMATCH, Action.PAPER_MISMATCH
    states.move(entry, to, actor=actor, action=action,
                changes={"second_teller": actor, "second_reading": reading})  # fmt: skip
    return entry


@transaction.atomic
def paper_resolve(*, actor, entry_id: int, choices: Mapping, invalid: bool = False,
                  note: str) -> PaperEntry:  # fmt: skip
    """Settle a mismatch from the paper ballot itself, in front of both tellers."""
    entry, vote = _teller_entry(actor, entry_id)
    if entry.state != PaperEntry.State.MISMATCH:
        raise DomainError(_("Only a mismatch is resolved."))
    note = required_text(note, "note", _("Say how the mismatch was settled."), 2000)
    reading = _reading(vote, _candidate_ids(vote), choices, invalid)
    _store_ballot(vote, reading)
    # The note may say how the sheet was marked: it stays on the entry only until the vote
    # closes (``forget_readings``) and never goes into the append-only audit trail.
    states.move(entry, PaperEntry.State.COUNTED, actor=actor, action=Action.PAPER_RESOLVE,
                changes={"resolved_by": actor, "resolution_note": note})  # fmt: skip
    return entry


@transaction.atomic
def paper_discard(*, actor, entry_id: int, note: str) -> PaperEntry:
    """Drop an entry made in error (a wrong sheet number) before it was counted."""
    entry, vote = _teller_entry(actor, entry_id)
    entry.ensure_can_move_to(PaperEntry.State.DISCARDED)
    note = required_text(note, "note", _("Say why the entry is dropped."), 2000)
    states.move(entry, PaperEntry.State.DISCARDED, actor=actor, action=Action.PAPER_DISCARD,
                changes={"resolved_by": actor, "resolution_note": note})  # fmt: skip
    return entry


# --- closing and counting -------------------------------------------------------------


def _base(vote: Vote, figures: queries.Tally) -> int:
    base = vote.cycle.pass_base
    if base == Cycle.PassBase.PRESENT:
        return figures.present
    if base == Cycle.PassBase.VALID:
        return figures.valid
    return figures.entitled


@transaction.atomic
def vote_close(*, actor, vote_id: int) -> Vote:
    """Close the vote and count it (当场计票): freeze the figures and each candidate's
    result; adopted candidates are marked, a tie at the cut-off is reported for a run-off."""
    vote = office_object(actor, Vote.objects.select_related("cycle", "region"), vote_id)
    vote.ensure_can_move_to(Vote.State.CLOSED)
    figures = queries.tally(vote)
    if figures.pending_paper:
        raise DomainError(
            _("%(count)d paper ballots still wait for the second teller or a resolution.")
            % {"count": figures.pending_paper}
        )
    if figures.returned > figures.issued:  # pragma: no cover - held by paper_enter
        raise DomainError(_("Ballots returned exceed ballots issued."))
    lines = [
        counting.Line(row.candidate_id, row.number, row.yes, row.no, row.abstain)
        for row in figures.rows
    ]
    outcome = counting.count(lines, seats=vote.seats, base=_base(vote, figures))
    VoteResult.objects.bulk_create(
        [
            VoteResult(region_id=vote.region_id, vote=vote, candidate_id=line.candidate_id,
                       yes=line.yes, no=line.no, abstain=line.abstain, rank=line.rank,
                       status=line.status)
            for line in outcome.lines
        ]
    )  # fmt: skip
    _mark_candidates(vote, outcome)
    frozen = {name: getattr(figures, name) for name in
              ("entitled", "present", "issued", "returned", "valid", "invalid")}  # fmt: skip
    reseal_ballots(vote)
    forget_readings(vote)
    states.move(
        vote, Vote.State.CLOSED, actor=actor, action=Action.VOTE_CLOSE,
        changes={"closed_at": timezone.now(), "outcome": outcome.outcome,
                 "threshold": outcome.threshold, **frozen},
        data={"outcome": outcome.outcome,
              "adopted": [line.candidate_id for line in outcome.adopted],
              "tied": [line.candidate_id for line in outcome.tied], **figures.summary()},
    )  # fmt: skip
    return vote


def reseal_ballots(vote: Vote) -> int:
    """Rewrite every ballot of the vote and its marks as new rows, in random order and
    under new random keys, and delete the old rows; return how many ballots were resealed.

    A ballot cast electronically was written in the same transaction as its voter record
    and the audit event of the cast, and a paper ballot in that of its entry's second
    reading, so PostgreSQL's hidden ``xmin`` (and the physical row order, SQLite's rowid)
    would link it to its voter or its sheet. Called inside the closing transaction, in its
    own savepoint, this gives every stored ballot the same ``xmin`` (the savepoint's, shared
    by no event and no voter record) and an order that says nothing of the order of voting.
    Receipt hashes and validity are kept.
    """
    old = list(Ballot.objects.filter(vote=vote).values("id", "valid", "receipt_hash"))
    if not old:
        return 0
    marks: dict = {}
    for ballot_id, candidate_id, choice in BallotChoice.objects.filter(
        ballot__vote=vote
    ).values_list("ballot_id", "candidate_id", "choice"):
        marks.setdefault(ballot_id, []).append((candidate_id, choice))
    secrets.SystemRandom().shuffle(old)
    new_id = {row["id"]: uuid.uuid4() for row in old}
    with transaction.atomic():
        BallotChoice.objects.filter(ballot__vote=vote).delete()
        Ballot.objects.filter(vote=vote).delete()
        Ballot.objects.bulk_create(
            [
                Ballot(id=new_id[row["id"]], region_id=vote.region_id, vote_id=vote.pk,
                       valid=row["valid"], receipt_hash=row["receipt_hash"])
                for row in old
            ],
            batch_size=1000,
        )  # fmt: skip
        new_marks = [
            BallotChoice(region_id=vote.region_id, ballot_id=new_id[row["id"]],
                         candidate_id=candidate_id, choice=choice)
            for row in old
            for candidate_id, choice in sorted(marks.get(row["id"], []))
        ]  # fmt: skip
        BallotChoice.objects.bulk_create(new_marks, batch_size=2000)
    return len(old)


def forget_readings(vote: Vote) -> int:
    """Erase the tellers' readings of the vote's paper entries; return how many entries.

    The readings were needed to compare the two tellers' entries while the vote was open.
    Kept after the count, they would tell the paper ballots apart from the electronic ones
    by their marks (subtract them from the stored ballots and, when one deputy voted
    electronically, his ballot is what remains). The paper ballots themselves are the
    record; each entry keeps its sheet number, state and tellers. The tellers' notes on a
    mismatch go too: they may say how the sheet was marked."""
    return PaperEntry.objects.filter(vote=vote).update(
        first_reading=None, second_reading=None, resolution_note=""
    )


def _mark_candidates(vote: Vote, outcome: counting.Outcome) -> None:
    earlier = Candidate.objects.filter(
        cycle_id=vote.cycle_id, outcome=Candidate.Outcome.ADOPTED
    ).count()
    by_id = {c.pk: c for c in Candidate.objects.select_for_update().filter(votes=vote)}
    adopted = sorted(outcome.adopted, key=lambda line: (-line.yes, line.number))
    for position, line in enumerate(adopted, start=1):
        by_id[line.candidate_id].outcome = Candidate.Outcome.ADOPTED
        by_id[line.candidate_id].rank = earlier + position
    for line in outcome.lines:
        if line.status not in (counting.ADOPTED, counting.TIED):
            by_id[line.candidate_id].outcome = Candidate.Outcome.NOT_ADOPTED
            by_id[line.candidate_id].rank = None
    Candidate.objects.bulk_update(by_id.values(), ["outcome", "rank"])
