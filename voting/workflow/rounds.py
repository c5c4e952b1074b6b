"""Preparing a vote (the roll of entitled deputies, the tellers), a run-off round,
attendance, and opening the vote. Casting, paper entry and closing are in ``voting.ballots``."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import access, events, states
from portal.errors import DomainError
from portal.models import Region, User
from portal.notifications import notify
from stations.models import MandateLevel, Representative
from voting.models import Cycle, RollEntry, Vote, VoteResult
from voting.vocabulary import Action
from voting.workflow.cycles import check_candidate_count, office_object, open_candidates

Stage = Cycle.Stage
# The mandate level of the deputies of a congress at each region level.
MANDATE_OF_LEVEL = {
    Region.Level.CITY: MandateLevel.MUNICIPAL,
    Region.Level.COUNTY: MandateLevel.COUNTY,
    Region.Level.TOWNSHIP: MandateLevel.TOWNSHIP,
}


def default_roll(cycle: Cycle):
    """Return the deputies entitled to vote in the cycle's congress: active deputies with a
    current mandate of that congress's level elected in its region."""
    level = MANDATE_OF_LEVEL.get(cycle.region.level)
    today = timezone.localdate()
    current = Q(mandates__ended_on__isnull=True) | Q(mandates__ended_on__gte=today)
    return Representative.objects.filter(
        current, is_active=True, mandates__region=cycle.region, mandates__level=level
    ).distinct()


def _write_roll(vote: Vote, representative_ids) -> int:
    rows = [
        RollEntry(region=vote.region, vote=vote, representative_id=pk)
        for pk in sorted(set(representative_ids))
    ]
    RollEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


@transaction.atomic
def vote_prepare(
    *, actor, cycle_id: int, session: str = "", representative_ids: Sequence[int] | None = None,
    teller_ids: Sequence[int] = (),
) -> Vote:  # fmt: skip
    """Prepare round 1: the candidates on the ballot and the roll of entitled deputies
    (应到), a snapshot taken now (by default every deputy of the congress)."""
    cycle = office_object(actor, Cycle.objects.select_related("region"), cycle_id)
    if cycle.stage not in (Stage.DELIBERATE, Stage.VOTE):
        raise DomainError(_("A vote is prepared while deliberating or voting."))
    if cycle.votes.exists():
        raise DomainError(_("The cycle already has a vote; a tie goes to a run-off round."))
    check_candidate_count(cycle)
    if representative_ids is None:
        ids = list(default_roll(cycle).values_list("pk", flat=True))
    else:
        # An explicit roll is a part of the congress's deputies, never someone else's.
        ids = list(
            access.visible(
                actor, default_roll(cycle).filter(pk__in=set(representative_ids))
            ).values_list("pk", flat=True)
        )
        if len(ids) != len(set(representative_ids)):
            raise DomainError(
                _("Choose active deputies of this congress with a current mandate."),
                field="roll",
            )
    if not ids:
        raise DomainError(_("The roll of entitled deputies is empty."), field="roll")
    vote = Vote.objects.create(
        region=cycle.region, cycle=cycle, round=1, seats=cycle.seats,
        session=(session or "").strip()[:100],
    )  # fmt: skip
    vote.candidates.set(open_candidates(cycle))
    entitled = _write_roll(vote, ids)
    _set_tellers(actor, vote, teller_ids)
    events.record(actor=actor, target=vote, action=Action.VOTE_PREPARE, after=vote.state,
                  data={"entitled": entitled, "candidates": vote.candidates.count()})  # fmt: skip
    return vote


def _set_tellers(actor, vote: Vote, teller_ids: Sequence[int]) -> None:
    if not teller_ids:
        return
    # Tellers are active accounts of the vote's region (or below) that the office manages.
    candidates = User.objects.filter(
        pk__in=set(teller_ids), is_active=True, region__path__startswith=vote.region.path
    )
    tellers = list(access.visible(actor, candidates, access.MANAGE))
    if len(tellers) != len(set(teller_ids)):
        raise DomainError(
            _("Choose active accounts of the vote's region as tellers."), field="tellers"
        )
    vote.tellers.set(tellers)


@transaction.atomic
def vote_runoff(*, actor, vote_id: int) -> Vote:
    """Prepare the run-off among the candidates tied at the cut-off: a new round for the
    seats left, with the same roll; the earlier round stays as it was counted."""
    previous = office_object(actor, Vote.objects.select_related("cycle"), vote_id)
    if previous.state != Vote.State.CLOSED or previous.outcome != Vote.Outcome.RUNOFF:
        raise DomainError(_("Only a counted round with a tie at the cut-off has a run-off."))
    if Vote.objects.filter(cycle=previous.cycle, round__gt=previous.round).exists():
        raise DomainError(_("The run-off of this round has already been prepared."))
    tied = previous.results.filter(status=VoteResult.Status.TIED).values_list(
        "candidate_id", flat=True
    )
    adopted = previous.results.filter(status=VoteResult.Status.ADOPTED).count()
    vote = Vote.objects.create(
        region=previous.region, cycle=previous.cycle, round=previous.round + 1,
        seats=previous.seats - adopted, session=previous.session,
    )  # fmt: skip
    vote.candidates.set(list(tied))
    _write_roll(vote, previous.roll.values_list("representative_id", flat=True))
    vote.tellers.set(previous.tellers.all())
    events.record(actor=actor, target=vote, action=Action.VOTE_RUNOFF, after=vote.state,
                  data={"after_round": previous.round, "tied": sorted(tied),
                        "seats": vote.seats})  # fmt: skip
    return vote


@transaction.atomic
def vote_set_attendance(*, actor, vote_id: int, representative_ids: Sequence[int],
                        present: bool = True) -> int:  # fmt: skip
    """Record attendance (实到) of deputies on the roll; return how many rows changed."""
    vote = office_object(actor, Vote.objects.all(), vote_id)
    if vote.state == Vote.State.CLOSED:
        raise DomainError(_("The vote has been closed."))
    ids = set(representative_ids)
    on_roll = RollEntry.objects.filter(vote=vote, representative_id__in=ids)
    if on_roll.count() != len(ids):
        raise DomainError(_("Choose deputies on the roll of this vote."), field="roll")
    if not present and vote.voters.filter(representative_id__in=ids).exists():
        raise DomainError(_("A deputy who has a ballot is present."), field="roll")
    changed = on_roll.exclude(present=present).update(present=present)
    events.record(actor=actor, target=vote, action=Action.VOTE_ATTENDANCE,
                  data={"present": present, "deputies": sorted(ids), "changed": changed})  # fmt: skip
    return changed


@transaction.atomic
def vote_open(*, actor, vote_id: int) -> Vote:
    """Open the vote: deputies on the roll may cast their ballots and tellers enter paper."""
    vote = office_object(actor, Vote.objects.select_related("cycle"), vote_id)
    if vote.cycle.stage != Stage.VOTE:
        raise DomainError(_("Move the cycle to the vote stage first."))
    states.move(vote, Vote.State.OPEN, actor=actor, action=Action.VOTE_OPEN,
                changes={"opened_at": timezone.now()})  # fmt: skip
    _notify_roll(vote)
    return vote


def _notify_roll(vote: Vote) -> None:
    users = User.objects.filter(
        representative__in=vote.roll.values("representative_id"), is_active=True
    )
    notify(
        recipients=users, kind="voting.vote_open",
        subject=_("The vote on “%(cycle)s” is open") % {"cycle": vote.cycle.title},
        url=reverse("voting_desk:ballot", args=[vote.pk]), target=vote,
    )  # fmt: skip
