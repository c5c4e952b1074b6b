"""Deputies, liaison stations, the duty roster, receptions, double contact and activities.

Every row carries the ``region`` of the office that manages it (a station's region for its
shifts and receptions), so ``portal.access`` scopes all of them with one prefix filter.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region


class MandateLevel(models.TextChoices):
    NATIONAL = "national", _("National People's Congress")
    PROVINCIAL = "provincial", _("Provincial people's congress")
    MUNICIPAL = "municipal", _("Municipal people's congress")
    COUNTY = "county", _("County people's congress")
    TOWNSHIP = "township", _("Township people's congress")


class RepresentativeGroup(models.Model):
    """A deputy group (代表小组) of a township or district."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=64)
    leader = models.ForeignKey(
        "Representative", verbose_name=_("group leader"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("deputy group")
        verbose_name_plural = _("deputy groups")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """A person who is a deputy (人大代表); the mandates say at which levels."""

    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    region = models.ForeignKey(
        Region, verbose_name=_("managing region"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The region whose congress office keeps this deputy's records."),
    )  # fmt: skip
    name = models.CharField(_("full name"), max_length=64)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    id_code = models.CharField(
        _("roster number"), max_length=32, unique=True,
        help_text=_("The number of the deputy in the office's roster, unique in the portal."),
    )  # fmt: skip
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    work_unit = models.CharField(_("work unit and post"), max_length=200, blank=True)
    public_contact = models.CharField(
        _("public contact channel"), max_length=200, blank=True,
        help_text=_("Shown on the public station page, e.g. the station's phone or a mailbox."),
    )  # fmt: skip
    photo = models.ImageField(_("photo"), upload_to="deputies/", blank=True)
    group = models.ForeignKey(
        RepresentativeGroup, verbose_name=_("deputy group"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="members",
    )  # fmt: skip
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="representative",
    )  # fmt: skip
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deputy")
        verbose_name_plural = _("deputies")
        ordering = ["region__path", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    """One mandate of a deputy: level, electing region, term and constituency."""

    representative = models.ForeignKey(
        Representative, verbose_name=_("deputy"), on_delete=models.CASCADE, related_name="mandates"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("electing region"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=16, choices=MandateLevel.choices)
    term = models.CharField(_("term"), max_length=32, help_text=_("e.g. 第十七届"))
    constituency = models.CharField(_("constituency"), max_length=100, blank=True)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("mandate")
        verbose_name_plural = _("mandates")
        ordering = ["representative", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["representative", "level", "term"], name="mandate_unique_level_term"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="mandate_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.representative} · {self.get_level_display()} {self.term}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


CHECKLIST_ITEMS = [
    ("organization", _("Organization (有组织)")),
    ("premises", _("Premises (有场所)")),
    ("rules", _("Rules (有制度)")),
    ("signboard", _("Sign board (有标牌)")),
    ("equipment", _("Equipment (有设施)")),
    ("opinion_box", _("Opinion box (有意见箱)")),
]


class Station(models.Model):
    """A deputies' liaison station (代表联络站)."""

    class Kind(models.TextChoices):
        CENTRAL = "central", _("Township central station")
        VILLAGE = "village", _("Village/community station")
        ONLINE = "online", _("Online station")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=200, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("station phone"), max_length=32, blank=True)
    chief = models.ForeignKey(
        Representative, verbose_name=_("station chief"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    liaison_officer = models.CharField(_("liaison officer"), max_length=64, blank=True)
    checklist = models.JSONField(_("six-haves checklist"), default=dict, blank=True)
    activity_plan = models.TextField(_("activity plan"), blank=True)
    rules = models.TextField(_("working rules"), blank=True)
    members = models.ManyToManyField(
        Representative, through="StationMembership", verbose_name=_("member deputies"),
        related_name="stations", blank=True,
    )  # fmt: skip
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("liaison station")
        verbose_name_plural = _("liaison stations")
        ordering = ["region__path", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="station_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def checklist_items(self) -> list[tuple[str, str, bool]]:
        return [(key, label, bool(self.checklist.get(key))) for key, label in CHECKLIST_ITEMS]


class StationMembership(models.Model):
    """A deputy entered into a station (进站)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(Station, verbose_name=_("station"), on_delete=models.CASCADE)
    representative = models.ForeignKey(
        Representative, verbose_name=_("deputy"), on_delete=models.CASCADE
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("station member")
        verbose_name_plural = _("station members")
        constraints = [
            models.UniqueConstraint(fields=["station", "representative"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.representative} @ {self.station}"


class NonWorkingDay(models.TextChoices):
    KEEP = "keep", _("Keep the date")
    NEXT = "next", _("Move to the next working day")
    PREVIOUS = "previous", _("Move to the previous working day")
    SKIP = "skip", _("Skip that time")


class DutyRule(models.Model):
    """A recurring duty (轮流驻站): monthly on a day, or weekly on a weekday."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("Every month")
        WEEKLY = "weekly", _("Every week")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="duty_rules"
    )
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    day_of_month = models.PositiveSmallIntegerField(
        _("day of the month"), null=True, blank=True,
        help_text=_("1–31; a month without that day uses its last day."),
    )  # fmt: skip
    weekday = models.PositiveSmallIntegerField(
        _("weekday"), null=True, blank=True, help_text=_("0 = Monday … 6 = Sunday")
    )
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    on_non_working_day = models.CharField(
        _("when the day is not a working day"), max_length=16,
        choices=NonWorkingDay.choices, default=NonWorkingDay.NEXT,
    )  # fmt: skip
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    deputies = models.ManyToManyField(
        Representative, verbose_name=_("deputies on duty"), blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty rule")
        verbose_name_plural = _("duty rules")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(frequency="monthly", day_of_month__gte=1, day_of_month__lte=31)
                    | Q(frequency="weekly", weekday__gte=0, weekday__lte=6)
                ),
                name="duty_rule_day_matches_frequency",
            ),  # fmt: skip
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="duty_rule_times"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.get_frequency_display()}"


class DutyShift(models.Model):
    """One duty shift at a station, announced in advance (工作预告)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.CASCADE, related_name="shifts"
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    deputies = models.ManyToManyField(
        Representative, verbose_name=_("deputies on duty"), blank=True, related_name="shifts"
    )
    rule = models.ForeignKey(
        DutyRule,
        verbose_name=_("duty rule"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="shifts",
    )
    moved_from = models.DateField(_("moved from"), null=True, blank=True)
    needs_review = models.BooleanField(
        _("needs review"), default=False,
        help_text=_("The date lies in a year whose holidays are not known yet."),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["date", "start_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date", "start_time"], name="shift_unique_slot"
            ),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="shift_times"
            ),
        ]
        indexes = [models.Index(fields=["station", "date"], name="shift_station_date_idx")]

    def __str__(self) -> str:
        return f"{self.station} {self.date} {self.start_time:%H:%M}"


class Reception(models.Model):
    """A reception log entry (民情工作日志): who received how many people, and what was raised."""

    class Form(models.TextChoices):
        SITTING = "sitting", _("Sitting at the station (坐诊)")
        HOUSE_CALL = "house_call", _("House call (出诊)")
        EVENING_CHAT = "evening_chat", _("Evening chat (代表夜聊)")
        VILLAGERS_TALK = "villagers_talk", _("Villagers' talk (村民说事)")
        ONLINE = "online", _("Online (网上)")
        VISIT = "visit", _("Visit (走访)")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("station"), on_delete=models.PROTECT, related_name="receptions"
    )
    date = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, default=Form.SITTING)
    people_count = models.PositiveIntegerField(_("people received"))
    deputies = models.ManyToManyField(
        Representative, verbose_name=_("deputies present"), related_name="receptions"
    )
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("locked by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )  # fmt: skip

    class Meta:
        verbose_name = _("reception")
        verbose_name_plural = _("reception log")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(people_count__lte=10000), name="reception_people_bound"
            ),
        ]
        indexes = [models.Index(fields=["region", "date"], name="reception_region_date_idx")]

    def __str__(self) -> str:
        return f"{self.station} {self.date}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ReceptionMatter(models.Model):
    """One matter raised at a reception: answered on the spot or forwarded as a citizen issue."""

    class Outcome(models.TextChoices):
        ANSWERED = "answered", _("Answered on the spot")
        FORWARDED = "forwarded", _("Forwarded")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    reception = models.ForeignKey(
        Reception, verbose_name=_("reception"), on_delete=models.CASCADE, related_name="matters"
    )
    content = models.TextField(_("matter raised"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    answer = models.TextField(_("answer given"), blank=True)
    citizen_name = models.CharField(_("citizen's name"), max_length=64, blank=True)
    citizen_phone = models.CharField(_("citizen's phone"), max_length=32, blank=True)
    solved = models.BooleanField(_("solved"), default=False)
    # The citizen issue a forwarded matter became (petitions.workflow fills it in).
    petition = models.OneToOneField(
        "petitions.Petition", verbose_name=_("citizen issue"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="reception_matter",
    )  # fmt: skip

    class Meta:
        verbose_name = _("reception matter")
        verbose_name_plural = _("reception matters")
        ordering = ["reception", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="answered") | ~Q(answer=""), name="matter_answer_when_answered"
            ),
        ]

    def __str__(self) -> str:
        return self.content[:40]


class Household(models.Model):
    """A household a deputy keeps in contact with (双联系)."""

    class Kind(models.TextChoices):
        WEALTH_LEADER = "wealth_leader", _("Leader in getting rich (致富带头人)")
        POOR = "poor", _("Household in difficulty (贫困群众)")
        WORTHY = "worthy", _("Local worthy (乡贤)")
        OTHER = "other", _("Other household")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    representative = models.ForeignKey(
        Representative,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="households",
    )
    name = models.CharField(_("head of household"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("in contact"), default=True)

    class Meta:
        verbose_name = _("contact household")
        verbose_name_plural = _("contact households")
        ordering = ["representative", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class CommitteeContact(models.Model):
    """A standing-committee member (or presidium member) who contacts a deputy (双联系)."""

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("committee member"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    representative = models.ForeignKey(
        Representative,
        verbose_name=_("deputy"),
        on_delete=models.CASCADE,
        related_name="committee_contacts",
    )
    is_active = models.BooleanField(_("in contact"), default=True)

    class Meta:
        verbose_name = _("committee member's deputy")
        verbose_name_plural = _("committee members' deputies")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "representative"], name="committee_contact_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.representative}"


class ContactVisit(models.Model):
    """A meeting with a contact household, or of a committee member with a deputy."""

    class Method(models.TextChoices):
        VISIT = "visit", _("Home visit")
        PHONE = "phone", _("Phone call")
        MEETING = "meeting", _("Meeting")
        ONLINE = "online", _("Online")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
    )
    committee_contact = models.ForeignKey(
        CommitteeContact, verbose_name=_("committee contact"), on_delete=models.CASCADE,
        null=True, blank=True, related_name="visits",
    )  # fmt: skip
    date = models.DateField(_("date"))
    method = models.CharField(
        _("method"), max_length=16, choices=Method.choices, default=Method.VISIT
    )
    note = models.TextField(_("what was discussed"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contact visit")
        verbose_name_plural = _("contact visits")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(household__isnull=False, committee_contact__isnull=True)
                | Q(household__isnull=True, committee_contact__isnull=False),
                name="visit_has_one_contact",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.household or self.committee_contact}"


class Activity(models.Model):
    """An inspection, research visit, appraisal, training or other duty activity of deputies."""

    class Kind(models.TextChoices):
        INSPECTION = "inspection", _("Inspection (视察)")
        RESEARCH = "research", _("Research (调研)")
        APPRAISAL = "appraisal", _("Appraisal (评议)")
        TRAINING = "training", _("Training (培训)")
        MEETING = "meeting", _("Meeting (会议)")
        OTHER = "other", _("Other activity")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    participants = models.ManyToManyField(
        Representative, verbose_name=_("deputies taking part"), related_name="activities"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("duty activity")
        verbose_name_plural = _("duty activities")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title
