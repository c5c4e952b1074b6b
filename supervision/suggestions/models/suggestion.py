"""A suggestion as filed and reviewed: the suggestion itself, its co-signers, its submissions
and the review decisions, with the sessions and committees of the congress."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Region
from portal.states import StateMachine


class Category(models.TextChoices):
    ECONOMY = "economy", _("Economic development")
    URBAN_RURAL = "urban_rural", _("Urban and rural construction")
    AGRICULTURE = "agriculture", _("Agriculture and villages")
    SOCIAL = "social", _("Education, science, culture and health")
    WELFARE = "welfare", _("Social security and livelihood")
    ENVIRONMENT = "environment", _("Ecology and environment")
    LAW = "law", _("Rule of law and public safety")
    OTHER = "other", _("Other")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


SATISFIED_VALUES = (Satisfaction.SATISFIED, Satisfaction.BASICALLY)


class ReplyClass(models.TextChoices):
    A = "A", _("A: solved or basically solved")
    B = "B", _("B: being solved or planned")
    C = "C", _("C: cannot be solved now; kept for reference")
    D = "D", _("D: other (explained)")


class Session(models.Model):
    """A session of a people's congress (e.g. 县第十八届人大第三次会议): suggestions filed
    during it are numbered 第1号, 第2号, … per session."""

    region = models.ForeignKey(
        Region, verbose_name=_("congress of"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    # The last number given; raised under a row lock by ``workflow.review.next_number``.
    last_number = models.PositiveIntegerField(_("last number given"), default=0, editable=False)

    class Meta:
        verbose_name = _("congress session")
        verbose_name_plural = _("congress sessions")
        ordering = ["-opens_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="suggestion_session_name"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="session_closes_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A special committee (专门委员会) or working body that supervises key suggestions."""

    region = models.ForeignKey(
        Region, verbose_name=_("congress of"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("supervising committee")
        verbose_name_plural = _("supervising committees")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="suggestion_committee_name")
        ]

    def __str__(self) -> str:
        return self.name


class Suggestion(StateMachine, models.Model):
    """One suggestion, criticism or opinion of a deputy (代表建议).

    ``TRANSITIONS`` is the only table of allowed state changes; ``workflow`` changes state
    only through ``portal.states.move``."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        FIRST_REVIEW = "first_review", _("Awaiting the township's first review")
        SUBMITTED = "submitted", _("Awaiting review")
        RETURNED = "returned", _("Returned for revision")
        ACCEPTED = "accepted", _("Accepted, awaiting assignment")
        HANDLING = "handling", _("Being handled")
        REPLIED = "replied", _("Replied, awaiting rating")
        COMPLETED = "completed", _("Completed")
        EXPLAINED = "explained", _("Answered by explanation")
        CONVERTED = "converted", _("Converted to another channel")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        State.DRAFT: {State.FIRST_REVIEW, State.SUBMITTED, State.WITHDRAWN},
        State.FIRST_REVIEW: {State.SUBMITTED, State.RETURNED, State.WITHDRAWN},
        State.SUBMITTED: {
            State.ACCEPTED, State.RETURNED, State.EXPLAINED, State.CONVERTED, State.WITHDRAWN,
        },
        State.RETURNED: {State.FIRST_REVIEW, State.SUBMITTED, State.WITHDRAWN},
        State.ACCEPTED: {State.HANDLING, State.EXPLAINED, State.CONVERTED},
        # Back to ACCEPTED: the lead unit returned it as not its responsibility.
        State.HANDLING: {State.REPLIED, State.ACCEPTED},
        # Back to HANDLING: the deputy is not satisfied, a new round with a new deadline.
        State.REPLIED: {State.COMPLETED, State.HANDLING},
        State.COMPLETED: set(),
        State.EXPLAINED: set(),
        State.CONVERTED: set(),
        State.WITHDRAWN: set(),
    }  # fmt: skip
    CLOSED_STATES = {State.COMPLETED, State.EXPLAINED, State.CONVERTED, State.WITHDRAWN}
    EDITABLE_STATES = {State.DRAFT, State.RETURNED}
    ASSIGNED_STATES = {State.HANDLING, State.REPLIED, State.COMPLETED}

    class Period(models.TextChoices):
        SESSION = "session", _("During the session")
        INTERIM = "interim", _("Between sessions")

    region = models.ForeignKey(
        Region, verbose_name=_("congress of"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The congress whose office reviews, assigns and supervises it."),
    )  # fmt: skip
    origin_region = models.ForeignKey(
        Region, verbose_name=_("from township"), on_delete=models.PROTECT, related_name="+",
        null=True, blank=True,
        help_text=_("The township whose congress does the first review, when it comes from one."),
    )  # fmt: skip
    period = models.CharField(_("filed"), max_length=10, choices=Period.choices)
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="suggestions",
    )  # fmt: skip
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    lead = models.ForeignKey(
        "stations.Representative", verbose_name=_("lead deputy"), on_delete=models.PROTECT,
        related_name="suggestions_led",
    )  # fmt: skip
    cosigners = models.ManyToManyField(
        "stations.Representative", through="Cosigner", verbose_name=_("co-signing deputies"),
        related_name="suggestions_cosigned", blank=True,
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(_("drafted at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    revision = models.PositiveSmallIntegerField(_("submissions"), default=0)
    # assignment (交办)
    lead_unit = models.ForeignKey(
        Department, verbose_name=_("lead handling unit"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    lead_leader = models.CharField(_("lead leader"), max_length=64, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("handling round"), default=0)
    due_on = models.DateField(_("reply due"), null=True, blank=True, db_index=True)
    # supervision (督办)
    is_key = models.BooleanField(_("key supervision"), default=False)
    committee = models.ForeignKey(
        Committee, verbose_name=_("supervising committee"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="suggestions",
    )  # fmt: skip
    # figures kept by the workflow for the statistics
    first_replied_on = models.DateField(_("first replied on"), null=True, blank=True)
    replied_in_time = models.BooleanField(_("first reply in time"), null=True, blank=True)
    reply_class = models.CharField(
        _("reply class"), max_length=1, choices=ReplyClass.choices, blank=True
    )
    first_reply_rating = models.CharField(
        _("first reply rating"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    first_implementation_rating = models.CharField(
        _("first implementation rating"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    reply_rating = models.CharField(
        _("reply rating"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    implementation_rating = models.CharField(
        _("implementation rating"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.TextField(_("closing note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("deputy's suggestion")
        verbose_name_plural = _("deputies' suggestions")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "id"], name="suggestion_region_idx"),
            models.Index(fields=["lead_unit", "state"], name="suggestion_unit_idx"),
            models.Index(fields=["state", "due_on"], name="suggestion_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="suggestion_number_unique"),
            models.CheckConstraint(
                condition=Q(period="session", session__isnull=False)
                | Q(period="interim", session__isnull=True),
                name="suggestion_session_matches_period",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(session__isnull=False),
                name="suggestion_number_needs_session",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["handling", "replied"]) | Q(lead_unit__isnull=False),
                name="suggestion_handled_has_unit",
            ),
            models.CheckConstraint(
                condition=~Q(state="handling") | Q(due_on__isnull=False),
                name="suggestion_handling_has_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.title}"

    @property
    def label(self) -> str:
        """Return the one name of the suggestion on every page, export, notification and
        in the admin: 第12号 once the session has numbered it, else 未编号-<id> (drafts,
        suggestions awaiting review and those filed between sessions), which cannot be
        mistaken for a number."""
        if self.number:
            return _("No. %(n)d") % {"n": self.number}
        if self.pk is None:
            return str(_("Unnumbered"))
        return _("Unnumbered-%(id)d") % {"id": self.pk}

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES


class Cosigner(models.Model):
    """A deputy who co-signs (附议) a suggestion."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE)
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("co-signing deputy")
        verbose_name_plural = _("co-signing deputies")
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "representative"], name="suggestion_cosigner_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.representative)


class Submission(models.Model):
    """The text as it was at each submission, so a returned and revised suggestion keeps
    what was returned."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="submissions")
    revision = models.PositiveSmallIntegerField(_("submission"))
    title = models.CharField(_("title"), max_length=100)
    content = models.TextField(_("content"))
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["suggestion", "revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "revision"], name="suggestion_submission_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.suggestion.label} · {_('Submission %(n)s') % {'n': self.revision}}"


class Review(models.Model):
    """A decision of the first review (初审) or the secretariat's review (审核)."""

    class Stage(models.TextChoices):
        FIRST = "first", _("First review by the township congress")
        OFFICE = "office", _("Review by the secretariat")

    class Decision(models.TextChoices):
        PASS = "pass", _("Passed on")
        ACCEPT = "accept", _("Accepted")
        RETURN = "return", _("Returned for revision")
        CONVERT = "convert", _("Converted")
        EXPLAIN = "explain", _("Answered by explanation")

    class Reason(models.TextChoices):
        OUTSIDE = "outside", _("Outside the jurisdiction")
        PERSONAL = "personal", _("A personal matter of the deputy")
        ACCUSATION = "accusation", _("A report or accusation")
        FORMAT = "format", _("Wrong format or unclear content")
        OTHER = "other", _("Other")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reviews")
    revision = models.PositiveSmallIntegerField(_("submission"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewer"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["suggestion", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="return") | ~Q(reason=""), name="suggestion_return_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.suggestion.label} · {self.get_decision_display()}"
