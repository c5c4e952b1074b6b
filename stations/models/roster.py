"""The duty roster (轮流驻站): recurring duty rules and the shifts announced from them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from stations.models.deputies import Representative
from stations.models.stations import Station


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
