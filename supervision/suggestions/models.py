"""Deputies' suggestions (建议办理): 提议 → 审核 → 交办 → 承办 → 答复 → 测评, with 督办 beside.

``Suggestion.TRANSITIONS`` is the only table of allowed state changes; ``workflow.py`` is the
only code that changes state. Every row carries the ``region`` of the congress whose office
handles the suggestion, so ``portal.access`` scopes all of them by one prefix filter.
Figures the statistics count (first reply in time, ratings) are kept on the suggestion by the
workflow, so a report over a year is one query on one table.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import deadlines
from portal.errors import TransitionError
from portal.models import Department, Region


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
    # The last number given; raised under a row lock by ``workflow.next_number``.
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


class Suggestion(models.Model):
    """One suggestion, criticism or opinion of a deputy (代表建议)."""

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
        """Return 第12号 for a numbered suggestion, else its internal id."""
        if self.number:
            return _("No. %(n)d") % {"n": self.number}
        return f"#{self.pk}"

    def can_move_to(self, state: str) -> bool:
        return state in self.TRANSITIONS.get(self.state, set())

    def ensure_can_move_to(self, state: str) -> None:
        if not self.can_move_to(state):
            raise TransitionError.not_allowed(
                self, self.State(self.state).label, self.State(state).label
            )

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
        return f"{self.suggestion_id} v{self.revision}"


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
        return f"{self.suggestion_id} {self.get_decision_display()}"


class UnitAssignment(models.Model):
    """A handling unit on a suggestion: the lead unit (主办) or a co-handling unit (协办)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead unit")
        CO = "co", _("Co-handling unit")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="units")
    department = models.ForeignKey(
        Department, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("due on"))
    active = models.BooleanField(_("active"), default=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    # 五定: the lead unit fixes its leader, handler, measures and standard (the deadline is
    # ``Suggestion.due_on``).
    unit_leader = models.CharField(_("responsible leader"), max_length=64, blank=True)
    handler_name = models.CharField(_("handler"), max_length=64, blank=True)
    handler_phone = models.CharField(_("handler's phone"), max_length=32, blank=True)
    measures = models.TextField(_("measures"), blank=True)
    standard = models.TextField(_("standard"), blank=True)
    created_at = models.DateTimeField(_("assigned at"), default=timezone.now)

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")
        ordering = ["suggestion", "role", "id"]
        indexes = [
            models.Index(fields=["department", "active"], name="suggestion_unit_dept_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion"], condition=Q(role="lead", active=True),
                name="suggestion_one_active_lead",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "department"], condition=Q(active=True),
                name="suggestion_unit_once",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.department} ({self.get_role_display()})"


class HandlingDeadline(models.Model):
    """The deadline of one handling round, as a record: what started it, the rule, the
    extensions (``DeadlineExtension``), the computed due date and its explanation."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="deadlines")
    round = models.PositiveSmallIntegerField(_("handling round"))
    started_on = models.DateField(_("started on"))
    started_by = models.CharField(_("started by"), max_length=100)
    months = models.PositiveSmallIntegerField(_("months"))
    cap_months = models.PositiveSmallIntegerField(_("at most months in all"))
    due_on = models.DateField(_("due on"))
    explanation = models.TextField(_("how it was computed"))

    class Meta:
        verbose_name = _("handling deadline")
        verbose_name_plural = _("handling deadlines")
        ordering = ["suggestion", "round"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="suggestion_deadline_once")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} #{self.round} {self.due_on}"

    def as_deadline(self, approved=None) -> deadlines.Deadline:
        """Return the computable deadline of this record and its approved extensions."""
        rows = approved if approved is not None else self.extensions.filter(state="approved")
        return deadlines.Deadline(
            started_on=self.started_on, started_by=self.started_by, months=self.months,
            cap_months=self.cap_months,
            extensions=tuple(
                deadlines.Extension(
                    e.months, e.reason, e.decided_by.display_name if e.decided_by else "",
                    e.decided_at.date() if e.decided_at else self.started_on,
                )
                for e in rows
            ),
        )  # fmt: skip


class DeadlineExtension(models.Model):
    """A lead unit's request to extend a round's deadline, and the office's decision."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    deadline = models.ForeignKey(
        HandlingDeadline, on_delete=models.CASCADE, related_name="extensions"
    )
    months = models.PositiveSmallIntegerField(_("months"))
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline"], condition=Q(state="requested"),
                name="suggestion_one_open_extension",
            ),
            models.CheckConstraint(condition=Q(months__gte=1), name="extension_months_positive"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"+{self.months} {self.get_state_display()}"


class ContactLog(models.Model):
    """三联系: the handling unit's contact with the deputy before, during and after handling."""

    class Stage(models.TextChoices):
        BEFORE = "before", _("Before handling")
        DURING = "during", _("During handling")
        AFTER = "after", _("After handling")

    class Method(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")
        SITE = "site", _("Site inspection with the deputy")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="contacts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("handling round"))
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("what was discussed"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contact with the deputy")
        verbose_name_plural = _("contacts with the deputy")
        ordering = ["suggestion", "date", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} · {self.get_method_display()} · {self.date}"


class CoHandlerOpinion(models.Model):
    """A co-handling unit's view sent to the lead unit (会签), before the lead's reply."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="opinions")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(_("handling round"))
    text = models.TextField(_("opinion"))
    signed_off_by = models.CharField(_("signed off by"), max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("co-handling unit's opinion")
        verbose_name_plural = _("co-handling units' opinions")
        ordering = ["suggestion", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "round", "department"], name="suggestion_opinion_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} #{self.round}"


class Reply(models.Model):
    """The lead unit's reply (答复) of one round, signed off by the unit's leader."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("handling round"))
    department = models.ForeignKey(
        Department, verbose_name=_("handling unit"), on_delete=models.PROTECT, related_name="+"
    )
    reply_class = models.CharField(
        _("class chosen by the unit"), max_length=1, choices=ReplyClass.choices
    )
    office_class = models.CharField(
        _("class set by the office"), max_length=1, choices=ReplyClass.choices, blank=True
    )
    text = models.TextField(_("reply"))
    attachment = models.FileField(_("attachment"), upload_to="suggestions/%Y/", blank=True)
    signed_off_by = models.CharField(_("signed off by (unit leader)"), max_length=64)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    due_on = models.DateField(_("due on"))
    in_time = models.BooleanField(_("in time"))

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["suggestion", "round"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="suggestion_reply_once")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} #{self.round} {self.effective_class}"

    @property
    def effective_class(self) -> str:
        return self.office_class or self.reply_class


class Rating(models.Model):
    """The lead deputy's rating of one round: the reply and its implementation, separately.

    One per round (a database constraint): the rating belongs to the suggestion, as the
    feedback form (征询意见表) of a joint suggestion is filled in by its lead deputy."""

    class Via(models.TextChoices):
        DEPUTY = "deputy", _("By the deputy online")
        PAPER = "paper", _("From the deputy's paper form")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(_("handling round"))
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    reply_rating = models.CharField(_("reply"), max_length=12, choices=Satisfaction.choices)
    reply_comment = models.TextField(_("comment on the reply"), blank=True)
    implementation_rating = models.CharField(
        _("implementation"), max_length=12, choices=Satisfaction.choices
    )
    implementation_comment = models.TextField(_("comment on the implementation"), blank=True)
    via = models.CharField(_("recorded"), max_length=8, choices=Via.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["suggestion", "round"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "round"], name="suggestion_rating_once")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} #{self.round}"

    @property
    def unsatisfied(self) -> bool:
        return Satisfaction.UNSATISFIED in (self.reply_rating, self.implementation_rating)


class SupervisionRecord(models.Model):
    """督办: a supervision meeting or site visit, or a re-check (回头看) of a B or C reply."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Supervision meeting")
        SITE = "site", _("On-site supervision")
        RECHECK = "recheck", _("Re-check (回头看)")

    class Result(models.TextChoices):
        IMPLEMENTED = "implemented", _("Implemented as replied")
        PROGRESSING = "progressing", _("Progressing")
        STALLED = "stalled", _("Not implemented")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="supervision")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"))
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("supervision record")
        verbose_name_plural = _("supervision records")
        ordering = ["suggestion", "date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="recheck") | ~Q(result=""), name="suggestion_recheck_result"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"
