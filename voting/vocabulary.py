"""The words of livelihood-project ballots' records: notification kinds (event actions: see
``Action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "voting.vote_open": _("Vote open"),
    "voting.evaluate": _("Livelihood projects to evaluate"),
}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people."""
