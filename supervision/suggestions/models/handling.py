"""A suggestion's handling: its units (交办), deadlines and extensions, contacts with the
deputy, co-handling opinions, replies, ratings (测评) and supervision records (督办)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from portal import deadlines
from portal.models import Department, Region
from supervision.suggestions.models.suggestion import ReplyClass, Satisfaction, Suggestion


def _round(number: int) -> str:
    return _("Round %(n)s") % {"n": number}


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
        due = formats.date_format(self.due_on, "DATE_FORMAT")
        return f"{self.suggestion.label} · {_round(self.round)} · {due}"

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
        return f"{self.suggestion.label} · {_round(self.round)} · {self.effective_class_label}"

    @property
    def effective_class(self) -> str:
        return self.office_class or self.reply_class

    @property
    def effective_class_label(self) -> str:
        """Return the label of the class in force (the office's, else the unit's)."""
        return str(ReplyClass(self.effective_class).label) if self.effective_class else ""


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
        return f"{self.suggestion.label} · {_round(self.round)}"

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
