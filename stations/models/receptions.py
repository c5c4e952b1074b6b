"""The reception log (民情工作日志) and the matters raised at each reception."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from stations.models.deputies import Representative
from stations.models.stations import Station


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
        indexes = [
            models.Index(fields=["region", "date"], name="reception_region_date_idx"),
            # The reception log's order (newest first) without sorting the whole table.
            models.Index(fields=["date", "id"], name="reception_date_id_idx"),
        ]

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
    # The citizen issue a forwarded matter became (stations.workflow fills it in after the issue workflow created it).
    petition = models.OneToOneField(
        "petitions.Petition", verbose_name=_("citizen issue"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="reception_matter",
    )  # fmt: skip
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

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
