"""The words of supervised matters' records: notification kinds (event actions: see ``Action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "supervision.member": _("Joined a supervision group"),
    "supervision.assigned": _("Supervised matter assigned to the unit"),
    "supervision.started": _("Supervision started"),
    "supervision.progress": _("Progress on a supervised matter"),
    "supervision.evaluate": _("Supervised matter to evaluate"),
    "supervision.closed": _("Supervised matter closed"),
    "supervision.rectify": _("Supervised matter to rectify"),
}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people."""
