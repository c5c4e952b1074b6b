"""Deputies (人大代表), their mandates and deputy groups."""

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
    # The words of its texts, for the keyword search (portal.search; GIN-indexed on PostgreSQL).
    search_text = models.TextField(editable=False, blank=True, default="", db_default="")

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
