"""Double contact (双联系): households, committee members' deputies, visits; duty activities."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from stations.models.deputies import Representative


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
