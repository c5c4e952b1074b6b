"""Notifications and deadline reminders of the portal core (re-exported by
``portal.models``): an inbox row per message, each person's delivery preferences, the
reminder thresholds and the reminders found."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import vocabulary


class Notification(models.Model):
    """One message to one person: an inbox row first, then delivered through channels.

    ``portal.notifications.notify`` creates the rows inside the caller's transaction; a Celery
    task scheduled after commit delivers them (email, SMS). Rows whose delivery never ran (the
    broker was down) are picked up by the periodic delivery sweep. A citizen without an account
    gets a row with ``phone`` and no ``recipient`` (SMS only).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    phone = models.CharField(
        _("citizen phone"),
        max_length=32,
        blank=True,
        help_text=_("Only for a text message to a citizen without an account."),
    )
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivered_at = models.DateTimeField(
        _("delivered"),
        null=True,
        blank=True,
        help_text=_("When the channels were worked through; empty while delivery is pending."),
    )
    failed_at = models.DateTimeField(
        _("delivery given up"),
        null=True,
        blank=True,
        help_text=_("Every delivery attempt failed; the inbox row stays, nothing was sent."),
    )
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    texted_at = models.DateTimeField(_("text message sent"), null=True, blank=True)
    in_digest = models.BooleanField(
        _("waits for the daily digest"),
        default=False,
        help_text=_("The recipient wants one daily email instead of instant emails."),
    )
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            models.Index(
                fields=["id"],
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="notification_pending_idx",
            ),
            models.Index(
                fields=["recipient", "id"],
                condition=Q(in_digest=True),
                name="notification_digest_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(phone=""),
                name="notification_has_addressee",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """How a person wants to be told: channels and a daily digest instead of instant emails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    by_email = models.BooleanField(_("by email"), default=True)
    by_sms = models.BooleanField(_("by text message"), default=False)
    daily_digest = models.BooleanField(
        _("daily digest"),
        default=False,
        help_text=_("One email a day listing the notifications instead of one email each."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class ReminderRule(models.Model):
    """Staff-tunable thresholds of one reminder sweep (days before the deadline; negative
    numbers are days after it). Without a rule the sweep's built-in thresholds apply."""

    kind = models.CharField(_("reminder kind"), max_length=64, unique=True)
    thresholds = models.CharField(
        _("thresholds (days)"),
        max_length=100,
        help_text=_(
            "Comma-separated days before the deadline, e.g. 30,15,7,1; "
            "negative numbers are days after it."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.kind


class Reminder(models.Model):
    """One reminder of one object, kind, threshold and deadline: the unique key that makes a
    sweep idempotent. The sweep inserts due rows (INSERT ... ON CONFLICT DO NOTHING), then sends
    the unsent ones under ``FOR UPDATE SKIP LOCKED``; ``sent_at`` commits with the notifications.
    """

    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    kind = models.CharField(_("reminder kind"), max_length=64)
    threshold = models.SmallIntegerField(_("threshold (days)"))
    due_on = models.DateField(_("deadline"))
    created_at = models.DateTimeField(_("found"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    skipped = models.BooleanField(
        _("skipped"),
        default=False,
        help_text=_("The object was no longer due when the reminder was sent, or had nobody."),
    )

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["target_type", "target_id", "kind", "threshold", "due_on"],
                name="reminder_unique_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "id"],
                condition=Q(sent_at__isnull=True),
                name="reminder_unsent_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{vocabulary.kind_label(self.kind)} {self.target_id} {self.threshold}"
