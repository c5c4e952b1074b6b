"""The words of deputies' suggestions' records: notification kinds (event actions: see
``Action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "suggestions.returned": _("Suggestion returned"),
    "suggestions.converted": _("Suggestion handled through another channel"),
    "suggestions.explained": _("Suggestion answered with an explanation"),
    "suggestions.assigned": _("Suggestion assigned to the unit"),
    "suggestions.extended": _("Suggestion deadline extended"),
    "suggestions.co_opinion": _("Co-handling opinion on a suggestion"),
    "suggestions.replied": _("Suggestion replied to"),
    "suggestions.reopened": _("Suggestion to handle again"),
    "suggestions.key": _("Suggestion under key supervision"),
}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people."""
