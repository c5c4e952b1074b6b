"""Open311 GeoReport v2 clients and what they sent.

An ``ApiClient`` is one city or hotline system (12345), or one handling unit's system,
allowed to use the Open311 interface for a jurisdiction (a region and its subtree). Its key
is never stored: only its SHA-256, looked up by an index (``keys``). A handling unit's
client acts through a service account of that unit (``account``), so that its replies go
through the same workflow functions, permissions and audit events as a reply typed on the
desk.

``SubmittedRequest`` keeps what an issue received through Open311 had beyond the issue
itself (the client, its token, the location as sent); ``PushedUpdate`` keeps each update a
unit's system pushed, so that a repeated ``update_id`` answers what the first one did.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models import Petition
from portal.models import Department, Region


class ApiClient(models.Model):
    """A system allowed to use the Open311 interface for one jurisdiction."""

    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, verbose_name=_("jurisdiction"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The key reads and submits issues of this region and the regions below it."),
    )  # fmt: skip
    department = models.ForeignKey(
        Department, verbose_name=_("handling unit"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
        help_text=_(
            "Only for a handling unit's system that pushes the unit's replies; leave empty "
            "for a hotline or city system that submits issues."
        ),
    )  # fmt: skip
    # The service account a unit's system acts as (a handler of ``department``, no password).
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("service account"), on_delete=models.PROTECT,
        null=True, blank=True, editable=False, related_name="+",
    )  # fmt: skip
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    key_hint = models.CharField(_("key begins with"), max_length=12, editable=False)
    is_active = models.BooleanField(_("active"), default=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
        null=True, blank=True, editable=False, related_name="+",
    )  # fmt: skip
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["region__path", "name"]
        indexes = [models.Index(fields=["region", "id"], name="open311_client_region_idx")]

    def __str__(self) -> str:
        return self.name


class SubmittedRequest(models.Model):
    """What an issue received through Open311 came with: its client, token and location."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    petition = models.OneToOneField(
        Petition, verbose_name=_("citizen issue"), on_delete=models.CASCADE,
        related_name="open311_request",
    )  # fmt: skip
    client = models.ForeignKey(
        ApiClient, verbose_name=_("Open311 client"), on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(_("token"), max_length=32, unique=True)
    address_string = models.CharField(_("address"), max_length=255, blank=True)
    address_id = models.CharField(_("address id"), max_length=64, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    long = models.FloatField(_("longitude"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("issue received through Open311")
        verbose_name_plural = _("issues received through Open311")
        constraints = [
            models.CheckConstraint(
                condition=(Q(lat__isnull=True) & Q(long__isnull=True))
                | (Q(lat__gte=-90, lat__lte=90) & Q(long__gte=-180, long__lte=180)),
                name="open311_request_coordinates",
            ),
        ]

    def __str__(self) -> str:
        return self.token


class PushedUpdate(models.Model):
    """One update a handling unit's system pushed (its reply or hand-back)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        ApiClient, verbose_name=_("Open311 client"), on_delete=models.PROTECT, related_name="+"
    )
    # The update's id in the client's own system; a repeat answers the first push.
    external_id = models.CharField(_("update id of the client"), max_length=100, blank=True)
    petition = models.ForeignKey(
        Petition, verbose_name=_("citizen issue"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=32)
    event_id = models.PositiveBigIntegerField(_("audit event"), null=True, blank=True)
    stated_at = models.DateTimeField(_("time given by the client"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        verbose_name = _("update pushed through Open311")
        verbose_name_plural = _("updates pushed through Open311")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"],
                condition=~Q(external_id=""),
                name="open311_update_once_per_client_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.external_id or self.pk}"
