"""The words of Open311's records: audit event actions (registered in ``apps.py``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """Audit event actions of this app. The values are stored in event rows: never change one."""

    RECEIVE = "open311_receive", _("Received through Open311")
    CLIENT_CREATE = "open311_client_create", _("Open311 key issued")
    CLIENT_REKEY = "open311_client_rekey", _("Open311 key replaced")
    CLIENT_ENABLE = "open311_client_enable", _("Open311 key enabled")
    CLIENT_DISABLE = "open311_client_disable", _("Open311 key disabled")
