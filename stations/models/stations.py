"""Liaison stations (代表联络站) and the deputies entered into them."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from stations.models.deputies import Representative

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
