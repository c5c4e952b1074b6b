"""The words of liaison stations' records (event actions: see ``Action``)."""

from django.db import models

NOTIFICATION_KINDS: dict = {}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people."""
