"""The words of citizen issues' records: notification kinds (event actions: see ``Action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "petitions.forwarded": _("Citizen issue forwarded to the unit"),
}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people."""
