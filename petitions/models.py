"""Citizen issues (群众诉求): intake from the web form, stations and staff; screening;
routing to handling units; replies; the citizen's rating; closure and publication.

The lifecycle follows seed 004: 收集 → 梳理 → 提出意见 → 反馈分流 → 监督评议 → 事结公示.
``Petition.TRANSITIONS`` is the only table of allowed state changes; ``workflow.py`` is the
only code that changes state.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Department, Region
from portal.states import StateMachine


class Category(models.TextChoices):
    TRAFFIC = "traffic", _("Roads and transport")
    HOUSING = "housing", _("Housing and construction")
    ENVIRONMENT = "environment", _("Environment and sanitation")
    AGRICULTURE = "agriculture", _("Agriculture and villages")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health and medical care")
    SOCIAL = "social", _("Social security and welfare")
    SAFETY = "safety", _("Public safety")
    ECONOMY = "economy", _("Jobs and the economy")
    OTHER = "other", _("Other")


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    RECEPTION = "reception", _("Station reception")
    ONLINE_STATION = "online_station", _("Online station")
    HOTLINE = "hotline", _("Hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit to the office")
    OPEN311 = "open311", _("City system (Open311)")


class Petition(StateMachine, models.Model):
    """One issue raised by a citizen."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting screening")
        ACCEPTED = "accepted", _("Accepted")
        FORWARDED = "forwarded", _("Being handled")
        REPLIED = "replied", _("Replied")
        ESCALATED = "escalated", _("Put on the supervision list")
        RESOLVED = "resolved", _("Resolved")
        REJECTED = "rejected", _("Not accepted")
        DUPLICATE = "duplicate", _("Duplicate")
        CLOSED_UNRESOLVED = "closed_unresolved", _("Closed without resolution")

    TRANSITIONS = {
        State.SUBMITTED: {State.ACCEPTED, State.REJECTED, State.DUPLICATE},
        State.ACCEPTED: {
            State.FORWARDED,
            State.REPLIED,
            State.ESCALATED,
            State.REJECTED,
            State.DUPLICATE,
        },
        State.FORWARDED: {State.REPLIED, State.ACCEPTED, State.FORWARDED},
        State.REPLIED: {State.RESOLVED, State.FORWARDED, State.ACCEPTED, State.CLOSED_UNRESOLVED},
        # Out of supervision: closed with its matter, returned for ordinary handling, or
        # answered by the matter's explanation.
        State.ESCALATED: {State.RESOLVED, State.CLOSED_UNRESOLVED, State.ACCEPTED, State.REPLIED},
        State.RESOLVED: set(),
        State.REJECTED: set(),
        State.DUPLICATE: set(),
        State.CLOSED_UNRESOLVED: set(),
    }
    CLOSED_STATES = {State.RESOLVED, State.REJECTED, State.DUPLICATE, State.CLOSED_UNRESOLVED}

    region = models.ForeignKey(
        Region, verbose_name=_("where"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("liaison station"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="petitions",
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"))
    citizen_name = models.CharField(_("citizen's name"), max_length=64, blank=True)
    citizen_phone = models.CharField(_("citizen's phone"), max_length=20, blank=True)
    wants_feedback = models.BooleanField(_("wants feedback"), default=False)
    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True)
    # A token the submitting page sends once; a retried or double-clicked submission carries
    # the same token and finds the issue it already created.
    client_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    department = models.ForeignKey(
        Department, verbose_name=_("handling unit"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="petitions",
    )  # fmt: skip
    round = models.PositiveSmallIntegerField(_("handling round"), default=1)
    due_on = models.DateField(_("reply due"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="duplicates",
    )  # fmt: skip
    public_reason = models.TextField(
        _("reason shown to the citizen"), blank=True,
        help_text=_("Why the issue was not accepted or closed without resolution."),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_title = models.CharField(_("published title"), max_length=100, blank=True)
    published_summary = models.TextField(_("published outcome"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

    class Meta:
        verbose_name = _("citizen issue")
        verbose_name_plural = _("citizen issues")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["region", "id"], name="petition_region_idx"),
            models.Index(fields=["department", "state"], name="petition_department_idx"),
            models.Index(fields=["state", "due_on"], name="petition_due_idx"),
            # The ledger sorted by its deadline column, page by page.
            models.Index(fields=["due_on", "id"], name="petition_due_id_idx"),
            # Issues being handled, by place and deadline: what is overdue where, counted from
            # the index alone (the dashboard's overdue items by age).
            models.Index(
                fields=["region", "due_on"],
                condition=Q(state="forwarded"),
                name="petition_forwarded_due_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="duplicate") | Q(duplicate_of__isnull=False),
                name="petition_duplicate_has_original",
            ),
            models.CheckConstraint(
                condition=~Q(state="forwarded") | Q(department__isnull=False),
                name="petition_forwarded_has_department",
            ),
            models.CheckConstraint(
                condition=~Q(duplicate_of=models.F("id")), name="petition_not_own_duplicate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    @property
    def is_closed(self) -> bool:
        return self.state in self.CLOSED_STATES

    @property
    def masked_phone(self) -> str:
        phone = self.citizen_phone
        return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else ("****" if phone else "")

    @property
    def masked_name(self) -> str:
        return f"{self.citizen_name[:1]}**" if self.citizen_name else ""


class PetitionPhoto(models.Model):
    """A photo of an issue, re-encoded on upload; the original bytes are never kept."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="petitions/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class PetitionReply(models.Model):
    """A reply to the citizen, a hand-back by a unit, or a staff note, per handling round."""

    class Kind(models.TextChoices):
        REPLY = "reply", _("Reply of the handling unit")
        DIRECT_ANSWER = "direct_answer", _("Answer of the congress office")
        HAND_BACK = "hand_back", _("Handed back by the unit")
        SUPERVISION = "supervision", _("Result of the supervision of the matter")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey(
        Petition, verbose_name=_("citizen issue"), on_delete=models.CASCADE, related_name="replies"
    )
    round = models.PositiveSmallIntegerField(_("handling round"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["petition", "id"]

    def __str__(self) -> str:
        return f"{self.petition.tracking_code} #{self.round} {self.get_kind_display()}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class PetitionRating(models.Model):
    """The citizen's rating of one round's reply, online or by a staff call-back (回访)."""

    class Via(models.TextChoices):
        CITIZEN = "citizen", _("By the citizen online")
        CALLBACK = "callback", _("By a staff call-back")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    petition = models.ForeignKey(
        Petition, verbose_name=_("citizen issue"), on_delete=models.CASCADE, related_name="ratings"
    )
    round = models.PositiveSmallIntegerField(_("handling round"))
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    via = models.CharField(_("recorded"), max_length=16, choices=Via.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["petition", "round"], name="rating_once_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} #{self.round} {self.get_rating_display()}"


class ReplyDeadline(models.Model):
    """How many working days a handling unit has to reply, set per region (inherited down)."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    working_days = models.PositiveSmallIntegerField(_("working days to reply"), default=15)

    class Meta:
        verbose_name = _("reply deadline")
        verbose_name_plural = _("reply deadlines")
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1, working_days__lte=120), name="reply_days_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region}: {self.working_days}"


from petitions.topic_models import IssueTopic, TopicGroup  # noqa: E402,F401
