"""Selection of livelihood projects (征集 → 初定 → 审议 → 票决 → 公布 → 监督 → 评估): the
``Cycle`` of a region and year with its counting rules, the ``Proposal`` rows collected from
citizens, deputies and departments, and the ``Candidate`` projects built from them (once
adopted, the projects that are supervised)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.models import Department, Region
from portal.states import StateMachine


class Cycle(StateMachine, models.Model):
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

    def stages_next(self) -> list["Cycle.Stage"]:
        """Return the stages the table allows from here, in the order of the stages."""
        return [stage for stage in self.Stage if stage in self.next_states()]

    def forward_stage(self) -> str:
        """Return the next stage forward that the table allows ("" at the last stage)."""
        order = list(self.Stage)
        here = order.index(self.stage)
        return next((stage for stage in self.stages_next() if order.index(stage) > here), "")


class Proposal(StateMachine, models.Model):
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
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

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
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

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
