"""Supervision of matters (督事): the matter list, one group per matter (一事一组), time-limited
handling in numbered rounds and one evaluation per round (一事一评) until the matter is closed
(办结销号). Deputies' suggestions live beside them in ``supervision.suggestions``."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.models import Department, Region
from portal.states import StateMachine


class Matter(StateMachine, models.Model):
    """A matter on the supervision list (督事事项), made from citizen issues or entered directly."""

    class State(models.TextChoices):
        LISTED = "listed", _("On the matter list")
        ORGANIZING = "organizing", _("Forming the supervision group")
        HANDLING = "handling", _("Time-limited handling")
        EVALUATING = "evaluating", _("Awaiting the group's evaluation")
        CLOSED = "closed", _("Closed as solved")
        HANDED_OVER = "handed_over", _("Handed over for ordinary handling")
        EXPLAINED = "explained", _("Answered by explanation")

    class Classification(models.TextChoices):
        SUPERVISE = "supervise", _("Supervise (督事)")
        ORDINARY = "ordinary", _("Hand to a department for ordinary handling")
        EXPLAIN = "explain", _("Answer by explanation")

    class Source(models.TextChoices):
        ISSUES = "issues", _("Citizen issues")
        TOPIC = "topic", _("Concentrated issues")
        DIRECT = "direct", _("Entered directly")

    TRANSITIONS = {
        State.LISTED: {State.ORGANIZING, State.HANDED_OVER, State.EXPLAINED},
        State.ORGANIZING: {State.HANDLING},
        State.HANDLING: {State.EVALUATING},
        State.EVALUATING: {State.CLOSED, State.HANDLING},
        State.CLOSED: set(),
        State.HANDED_OVER: set(),
        State.EXPLAINED: set(),
    }
    CLOSED_STATES = {State.CLOSED, State.HANDED_OVER, State.EXPLAINED}

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.LISTED)
    # 专题研究: the leadership group's study and its classification.
    classification = models.CharField(
        _("classification"), max_length=10, choices=Classification.choices, blank=True
    )
    studied_on = models.DateField(_("studied on"), null=True, blank=True)
    study_decision = models.TextField(_("decision of the study"), blank=True)
    explanation = models.TextField(_("explanation to the citizens"), blank=True)
    # The current round's handling unit and deadline (限时办理); rounds keep the history.
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="matters",
    )  # fmt: skip
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    result = models.TextField(_("result told to the citizens"), blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_title = models.CharField(_("published title"), max_length=100, blank=True)
    published_summary = models.TextField(_("published outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("supervision matter")
        verbose_name_plural = _("supervision matters")
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_matter", _("Can approve supervision matters"))]
        indexes = [
            models.Index(fields=["region", "state"]),
            models.Index(fields=["state", "due_on"]),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES


class MatterUserObjectPermission(UserObjectPermissionBase):
    """Per-matter grants of the group's members (guardian, direct foreign key)."""

    content_object = models.ForeignKey(Matter, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("matter grant (user)")
        verbose_name_plural = _("matter grants (users)")


class MatterGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Matter, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("matter grant (group)")
        verbose_name_plural = _("matter grants (groups)")


class MatterIssue(models.Model):
    """A citizen issue linked to a matter; an issue belongs to at most one matter."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="links"
    )
    petition = models.OneToOneField(
        "petitions.Petition", verbose_name=_("citizen issue"), on_delete=models.PROTECT,
        related_name="matter_link",
    )  # fmt: skip

    class Meta:
        verbose_name = _("linked citizen issue")
        verbose_name_plural = _("linked citizen issues")

    def __str__(self):
        return f"{self.matter_id} ← {self.petition_id}"


class SupervisionGroup(models.Model):
    """The one group of a matter (一事一组); the one-to-one key is the database's guarantee."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    matter = models.OneToOneField(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="group"
    )
    duties = models.TextField(_("duties of the group"), blank=True)
    created_at = models.DateTimeField(_("formed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision group")
        verbose_name_plural = _("supervision groups")

    def __str__(self):
        return str(self.matter)


class GroupMember(models.Model):
    """A member of a supervision group: presidium or committee member, or a deputy."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Group leader")
        MEMBER = "member", _("Member")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        SupervisionGroup, verbose_name=_("group"), on_delete=models.CASCADE,
        related_name="members",
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.PROTECT,
        related_name="supervision_memberships",
    )  # fmt: skip
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="supervision_memberships",
    )  # fmt: skip
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    duties = models.CharField(_("duties"), max_length=200, blank=True)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        ordering = ["role", "joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"], condition=Q(left_at__isnull=True),
                name="supervision_member_once",
            ),
            models.UniqueConstraint(
                fields=["group"], condition=Q(left_at__isnull=True, role="leader"),
                name="supervision_one_leader",
            ),
        ]  # fmt: skip

    def __str__(self):
        return self.user.display_name if hasattr(self.user, "display_name") else str(self.user)

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Round(models.Model):
    """One round of time-limited handling (限时办理) and the unit's reports in it."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    department = models.ForeignKey(
        Department, verbose_name=_("responsible department"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    due_on = models.DateField(_("deadline"))
    rectification = models.TextField(_("rectification opinions"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completion reported at"), null=True, blank=True)
    completion_report = models.TextField(_("completion report"), blank=True)

    class Meta:
        verbose_name = _("handling round")
        verbose_name_plural = _("handling rounds")
        ordering = ["matter", "number"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "number"], name="supervision_round_once")
        ]

    def __str__(self):
        return _("Round %(number)d") % {"number": self.number}

    @property
    def on_time(self) -> bool | None:
        if self.completed_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.completed_at) <= self.due_on


class Evaluation(models.Model):
    """The group's one evaluation of a round (一事一评), recorded after checking on site."""

    class Verdict(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied: close the matter")
        UNSATISFIED = "unsatisfied", _("Not satisfied: rectify and supervise again")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    round = models.OneToOneField(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="evaluation"
    )
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    checked_on = models.DateField(_("checked on site on"))
    findings = models.TextField(_("findings on site"))
    rectification = models.TextField(_("rectification opinions"), blank=True)
    evaluated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return self.get_verdict_display()


class WorkLog(models.Model):
    """What the group and the unit did on a matter: visits, meetings, notes, progress."""

    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", _("Site visit")
        MEETING = "meeting", _("Meeting")
        NOTE = "note", _("Note")
        PROGRESS = "progress", _("Progress report of the department")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="logs"
    )
    round = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    text = models.TextField(_("text"))
    photo = models.ImageField(_("photo"), upload_to="supervision/%Y/%m/", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")
        ordering = ["-happened_on", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.happened_on}"
