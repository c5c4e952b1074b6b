"""Votes and ballots: each ``Vote`` is one round of the deputies' vote on the candidates
(a run-off is a new round that never overwrites an earlier one), with its roll of entitled
deputies, who voted, the stored ballots, the tellers' paper entries and the frozen results.

Secret ballot: *who* voted is ``VoterRecord`` (one row per deputy and vote, held unique by
the database, with the channel: paper or electronic); *what* was voted is ``Ballot`` +
``BallotChoice``. A stored ballot carries nothing that narrows down its voter: no deputy, no
user, no time, no channel, no sheet number, a random UUID key; every ballot has the same
shape (one mark per candidate, an unmarked candidate stored as an abstention, an invalid
ballot stored with abstentions only); every ballot carries a receipt hash (an electronic
ballot the keyed hash of the code its voter was shown once, a paper ballot that of a code
nobody is shown), so its presence says nothing of the channel. Counts per channel come from
the who-voted records and the tellers' paper entries, which link to no ballot.

What remains on PostgreSQL: an electronic ballot, its voter record and the audit event of the
cast are written in one transaction, so while the vote is open the hidden ``xmin`` column and
the physical row order let a database administrator link a ballot to its voter (nobody else:
no page, list or API shows a ballot of an open vote). Closing the vote reseals the ballots
(``voting.ballots.reseal_ballots``): inside the closing transaction every ballot and its marks are
rewritten as new rows under new random keys, in random order, and the old rows deleted, so
every stored ballot then carries the same ``xmin`` and its order says nothing; the tellers'
readings of the paper ballots are erased at the same time, so the paper ballots cannot be
told apart from the electronic ones by their marks. The deleted row versions stay in the
table files until VACUUM reclaims them (and in the write-ahead log and backups taken
meanwhile); those who can read them can still link.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.models import Region
from portal.states import StateMachine
from voting.models.selection import Candidate, Cycle


class Vote(StateMachine, models.Model):
    """One round of the deputies' vote on the candidates (a run-off is a later round)."""

    class State(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed and counted")

    class Outcome(models.TextChoices):
        PENDING = "", _("Not counted yet")
        DECIDED = "decided", _("Decided")
        RUNOFF = "runoff", _("Tie at the cut-off: run-off needed")

    TRANSITIONS = {
        State.PREPARED: {State.OPEN},
        State.OPEN: {State.CLOSED},
        State.CLOSED: set(),
    }

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("selection cycle"), on_delete=models.CASCADE, related_name="votes"
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    seats = models.PositiveSmallIntegerField(_("projects to adopt in this round"))
    candidates = models.ManyToManyField(
        Candidate, verbose_name=_("candidates"), related_name="votes"
    )
    session = models.CharField(
        _("session"), max_length=100, blank=True, help_text=_("e.g. 石浦镇第十八届人大第五次会议")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PREPARED
    )
    tellers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("tellers"), blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The tally, frozen when the vote closes.
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING,
        blank=True,
    )  # fmt: skip
    entitled = models.PositiveIntegerField(_("entitled (应到)"), default=0)
    present = models.PositiveIntegerField(_("present (实到)"), default=0)
    issued = models.PositiveIntegerField(_("ballots issued"), default=0)
    returned = models.PositiveIntegerField(_("ballots returned"), default=0)
    valid = models.PositiveIntegerField(_("valid ballots"), default=0)
    invalid = models.PositiveIntegerField(_("invalid ballots"), default=0)
    threshold = models.PositiveIntegerField(
        _("yes-votes needed"), default=0, help_text=_("More than half of the pass base.")
    )

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["cycle", "round"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "round"], name="voting_vote_round"),
            models.CheckConstraint(
                condition=Q(returned__lte=models.F("issued")), name="voting_returned_le_issued"
            ),
            models.CheckConstraint(
                condition=Q(valid__lte=models.F("returned")), name="voting_valid_le_returned"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.round}"


class RollEntry(models.Model):
    """An entitled deputy (应到) of a vote, snapshot when the vote is prepared; attendance."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE,
                             related_name="roll")  # fmt: skip
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    present = models.BooleanField(_("present (实到)"), default=False)

    class Meta:
        verbose_name = _("entitled deputy")
        verbose_name_plural = _("roll of entitled deputies")
        ordering = ["vote", "representative__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "representative"], name="voting_roll_once"),
        ]

    def __str__(self) -> str:
        return f"{self.vote} · {self.representative}"


class VoterRecord(models.Model):
    """That a deputy has received a ballot (paper) or cast one (electronic): who voted,
    never what. The unique constraint is the "one ballot per deputy" rule."""

    class Channel(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronic")
        PAPER = "paper", _("Paper")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE,
                             related_name="voters")  # fmt: skip
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)

    class Meta:
        verbose_name = _("ballot issued")
        verbose_name_plural = _("ballots issued")
        ordering = ["vote", "representative__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "representative"], name="voting_one_ballot_per_deputy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote} · {self.representative}"


class Choice(models.TextChoices):
    """A ballot's mark: 赞成 / 反对 / 弃权 (the "ballot" context keeps them apart from the
    portal's plain yes/no, 是/否)."""

    YES = "yes", pgettext_lazy("ballot", "Yes")
    NO = "no", pgettext_lazy("ballot", "No")
    ABSTAIN = "abstain", pgettext_lazy("ballot", "Abstain")


class Ballot(models.Model):
    """A stored ballot: no deputy, no user, no time, no channel, a random key. Every ballot
    has a ``receipt_hash``: the keyed hash of the code shown once to an electronic voter, or
    of a code shown to nobody for a paper ballot."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE,
                             related_name="ballots")  # fmt: skip
    valid = models.BooleanField(_("valid"), default=True)
    receipt_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        ordering = ["vote", "id"]

    def __str__(self) -> str:
        return str(self.id)[:8]


class BallotChoice(models.Model):
    """The mark of one ballot for one candidate (every ballot has one for each candidate)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("choice"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("ballot mark")
        verbose_name_plural = _("ballot marks")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "candidate"], name="voting_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.get_choice_display()}"


class PaperEntry(StateMachine, models.Model):
    """A paper ballot read by two tellers: the first enters it, a second teller enters it
    again independently; it is counted only when both readings agree or a mismatch has
    been resolved. The counted ballot is stored apart, with no link back to its entry; the
    readings are erased when the vote closes."""

    class State(models.TextChoices):
        ENTERED = "entered", _("Awaiting the second teller")
        MISMATCH = "mismatch", _("Tellers disagree")
        COUNTED = "counted", _("Counted")
        DISCARDED = "discarded", _("Discarded")

    TRANSITIONS = {
        State.ENTERED: {State.COUNTED, State.MISMATCH, State.DISCARDED},
        State.MISMATCH: {State.COUNTED, State.DISCARDED},
        State.COUNTED: set(),
        State.DISCARDED: set(),
    }

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    vote = models.ForeignKey(Vote, verbose_name=_("vote"), on_delete=models.CASCADE,
                             related_name="paper_entries")  # fmt: skip
    sheet = models.PositiveIntegerField(
        _("sheet number"), help_text=_("The number the tellers write on the paper ballot.")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.ENTERED
    )
    first_teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("first teller"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    first_reading = models.JSONField(_("first reading"), null=True, blank=True)
    second_teller = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("second teller"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    second_reading = models.JSONField(_("second reading"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    resolution_note = models.TextField(_("resolution"), blank=True)

    class Meta:
        verbose_name = _("paper ballot entry")
        verbose_name_plural = _("paper ballot entries")
        ordering = ["vote", "sheet"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "sheet"], name="voting_paper_sheet_once"),
            models.CheckConstraint(
                condition=Q(second_teller__isnull=True)
                | ~Q(second_teller=models.F("first_teller")),
                name="voting_paper_two_tellers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote} · #{self.sheet}"


class VoteResult(models.Model):
    """A candidate's count in one closed round (frozen; a run-off adds its own rows)."""

    class Status(models.TextChoices):
        ADOPTED = "adopted", _("Adopted")
        TIED = "tied", _("Tied at the cut-off: run-off")
        PASSED = "passed", _("Passed, outside the projects to adopt")
        FAILED = "failed", _("Did not pass")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="results")
    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="results")
    yes = models.PositiveIntegerField(pgettext_lazy("ballot", "yes"))
    no = models.PositiveIntegerField(pgettext_lazy("ballot", "no"))
    abstain = models.PositiveIntegerField(pgettext_lazy("ballot", "abstain"))
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    status = models.CharField(_("result"), max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = _("vote result")
        verbose_name_plural = _("vote results")
        ordering = ["vote", "-yes", "candidate__number"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "candidate"], name="voting_result_once"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} {self.yes}"
