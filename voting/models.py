"""Livelihood-project ballots (民生实事项目票决制), seed 001 and DOMAIN.md §5.

A selection ``Cycle`` of a region and year moves through 征集 → 初定 → 审议 → 票决 → 公布 →
监督 → 评估 (``Cycle.TRANSITIONS``). ``Proposal`` rows are collected from citizens, deputies and
departments; ``Candidate`` rows are built from them; each ``Vote`` is one round (a run-off
is a new round that never overwrites an earlier one).

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
(``ballots.reseal_ballots``): inside the closing transaction every ballot and its marks are
rewritten as new rows under new random keys, in random order, and the old rows deleted, so
every stored ballot then carries the same ``xmin`` and its order says nothing; the tellers'
readings of the paper ballots are erased at the same time, so the paper ballots cannot be
told apart from the electronic ones by their marks. The deleted row versions stay in the
table files until VACUUM reclaims them (and in the write-ahead log and backups taken
meanwhile); those who can read them can still link.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.errors import TransitionError
from portal.models import Department, Region


class TransitionMixin:
    """``can_move_to`` / ``ensure_can_move_to`` over the model's ``TRANSITIONS`` table."""

    state_field = "state"

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS.get(getattr(self, self.state_field), set())

    def ensure_can_move_to(self, state: str) -> None:
        if not self.can_move_to(state):
            choices = type(self)._meta.get_field(self.state_field).choices
            labels = dict(choices)
            raise TransitionError.not_allowed(
                self, labels.get(getattr(self, self.state_field)), labels.get(state)
            )


class Cycle(TransitionMixin, models.Model):
    """One year's selection of livelihood projects of a region, with its counting rules."""

    class Stage(models.TextChoices):
        SOLICIT = "solicit", _("Soliciting proposals")
        SHORTLIST = "shortlist", _("Preliminary shortlist")
        DELIBERATE = "deliberate", _("Deliberation")
        VOTE = "vote", _("Vote")
        ANNOUNCE = "announce", _("Announced")
        SUPERVISE = "supervise", _("Implementation supervised")
        EVALUATE = "evaluate", _("Evaluation")

    class PassBase(models.TextChoices):
        ENTITLED = "entitled", _("More than half of all entitled deputies")
        PRESENT = "present", _("More than half of the deputies present")
        VALID = "valid", _("More than half of the valid ballots")

    class EvaluationMode(models.TextChoices):
        LEVELS = "levels", _("Satisfied / basically satisfied / unsatisfied")
        SCORE = "score", _("Score from 0 to 100")

    class SatisfactionRule(models.TextChoices):
        SHARE = "share", _("Satisfaction rate: (satisfied + basically) ÷ rated")
        ZHENHAI = "zhenhai", _("Majority of all members (Zhenhai rule)")

    TRANSITIONS = {
        Stage.SOLICIT: {Stage.SHORTLIST},
        Stage.SHORTLIST: {Stage.DELIBERATE, Stage.SOLICIT},
        Stage.DELIBERATE: {Stage.VOTE, Stage.SHORTLIST},
        Stage.VOTE: {Stage.ANNOUNCE},
        Stage.ANNOUNCE: {Stage.SUPERVISE},
        Stage.SUPERVISE: {Stage.EVALUATE},
        Stage.EVALUATE: set(),
    }
    state_field = "stage"
    PUBLIC_RESULT_STAGES = {Stage.ANNOUNCE, Stage.SUPERVISE, Stage.EVALUATE}

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    stage = models.CharField(
        _("stage"), max_length=16, choices=Stage.choices, default=Stage.SOLICIT
    )
    seats = models.PositiveSmallIntegerField(
        _("projects to adopt"), default=10, validators=[MinValueValidator(1)],
        help_text=_("The number N of projects the vote adopts."),
    )  # fmt: skip
    require_more_candidates = models.BooleanField(
        _("more candidates than projects (差额)"), default=True,
        help_text=_("The vote needs more candidates than projects to adopt."),
    )  # fmt: skip
    pass_base = models.CharField(
        _("a candidate passes with"), max_length=16, choices=PassBase.choices,
        default=PassBase.ENTITLED,
    )  # fmt: skip
    live_tally = models.BooleanField(
        _("show running counts while the vote is open"), default=False,
        help_text=_("Otherwise the projector shows only how many ballots are in until the "
                    "vote closes."),
    )  # fmt: skip
    evaluation_mode = models.CharField(
        _("evaluation"), max_length=16, choices=EvaluationMode.choices,
        default=EvaluationMode.LEVELS,
    )  # fmt: skip
    satisfaction_rule = models.CharField(
        _("satisfaction rule"), max_length=16, choices=SatisfactionRule.choices,
        default=SatisfactionRule.SHARE,
    )  # fmt: skip
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("selection cycle")
        verbose_name_plural = _("selection cycles")
        ordering = ["-year", "region__path", "id"]
        indexes = [models.Index(fields=["region", "year"], name="voting_cycle_region_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year", "title"], name="voting_cycle_unique_title"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="voting_cycle_seats_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.title}" if self.region_id else self.title

    @property
    def results_public(self) -> bool:
        return self.stage in self.PUBLIC_RESULT_STAGES


class Proposal(TransitionMixin, models.Model):
    """A proposed livelihood project (征集), from a citizen, a deputy or a department."""

    class Source(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        DEPUTY = "deputy", _("Deputy")
        DEPARTMENT = "department", _("Department")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        SHORTLISTED = "shortlisted", _("Taken into a candidate")
        MERGED = "merged", _("Merged into another proposal")
        DECLINED = "declined", _("Not taken up")

    TRANSITIONS = {
        State.SUBMITTED: {State.SHORTLISTED, State.MERGED, State.DECLINED},
        State.SHORTLISTED: {State.SUBMITTED},
        State.MERGED: set(),
        State.DECLINED: {State.SUBMITTED},
    }

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("selection cycle"), on_delete=models.CASCADE,
        related_name="proposals",
    )  # fmt: skip
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    proposer_name = models.CharField(_("proposer's name"), max_length=64, blank=True)
    proposer_phone = models.CharField(_("proposer's phone"), max_length=20, blank=True)
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.SUBMITTED
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="merged",
    )  # fmt: skip
    support = models.PositiveIntegerField(
        _("support"), default=1,
        help_text=_("This proposal and the duplicates merged into it."),
    )  # fmt: skip
    decline_reason = models.TextField(_("reason not taken up"), blank=True)
    client_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["cycle", "-support", "id"]
        indexes = [models.Index(fields=["cycle", "state"], name="voting_proposal_cycle_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="merged") | Q(merged_into__isnull=False),
                name="voting_proposal_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="voting_proposal_not_self"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def masked_phone(self) -> str:
        return access.mask_phone(self.proposer_phone)

    @property
    def masked_name(self) -> str:
        return access.mask_name(self.proposer_name)


class Candidate(models.Model):
    """A candidate project (初定/审议); once adopted, the project that is supervised."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Not yet decided")
        ADOPTED = "adopted", _("Adopted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    cycle = models.ForeignKey(
        Cycle, verbose_name=_("selection cycle"), on_delete=models.CASCADE,
        related_name="candidates",
    )  # fmt: skip
    number = models.PositiveSmallIntegerField(_("number on the ballot"))
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    budget = models.DecimalField(
        _("budget (10,000 yuan)"), max_digits=12, decimal_places=2,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    proposals = models.ManyToManyField(
        Proposal, verbose_name=_("proposals"), blank=True, related_name="candidates"
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING
    )
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("candidate project")
        verbose_name_plural = _("candidate projects")
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], name="voting_candidate_number"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="voting_candidate_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Vote(TransitionMixin, models.Model):
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
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


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
        return f"{self.candidate_id}: {self.choice}"


class PaperEntry(TransitionMixin, models.Model):
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
    yes = models.PositiveIntegerField(_("yes"))
    no = models.PositiveIntegerField(_("no"))
    abstain = models.PositiveIntegerField(_("abstain"))
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


# --- implementation and evaluation -----------------------------------------------------


class Milestone(models.Model):
    """A step of an adopted project, with its progress (0–100 %)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="milestones")  # fmt: skip
    title = models.CharField(_("title"), max_length=100)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="voting_milestone_progress_range"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="voting_milestone_weight"),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A report of the responsible department on an adopted project, with photos."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="reports")  # fmt: skip
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="reports",
    )  # fmt: skip
    progress = models.PositiveSmallIntegerField(
        _("milestone progress reported (%)"), null=True, blank=True,
        validators=[MaxValueValidator(100)],
    )  # fmt: skip
    text = models.TextField(_("report"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"),
                               on_delete=models.PROTECT, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.created_at:%Y-%m-%d}"


class ReportPhoto(models.Model):
    """A photo of a progress report, re-encoded on upload (no location data kept)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="voting/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.image.name


class SupervisionVisit(models.Model):
    """Deputies' visit to an adopted project (监督视察)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="visits")  # fmt: skip
    date = models.DateField(_("date"))
    deputies = models.ManyToManyField(
        "stations.Representative", verbose_name=_("deputies"), related_name="+"
    )
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["project", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.date}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Evaluation(models.Model):
    """A deputy's year-end evaluation of an adopted project (测评打分): a rating or a score."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="evaluations")  # fmt: skip
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "representative"], name="voting_evaluation_once"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="voting_score_range"
            ),
            models.CheckConstraint(
                condition=~Q(rating="") | Q(score__isnull=False), name="voting_rating_or_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.representative}"
