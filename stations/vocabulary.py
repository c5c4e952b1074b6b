"""The words of liaison stations' records (event actions: see ``Action``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS: dict = {}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people.

    The values are stored in ``Event.action``: never change one."""

    RECEPTION_RECORD = "reception_record", _("Reception recorded")
    RECEPTION_UPDATE = "reception_update", _("Reception corrected")
    RECEPTION_LOCK = "reception_lock", _("Reception locked")
    RECEPTION_UNLOCK = "reception_unlock", _("Reception unlocked")
    MATTER_SOLVED = "matter_solved", _("Matter marked solved")
    MATTER_UNSOLVED = "matter_unsolved", _("Matter marked unsolved")
    SHIFTS_GENERATE = "shifts_generate", _("Duty shifts generated")
    CONTACT_VISIT_RECORD = "contact_visit_record", _("Contact visit recorded")
    DEPUTY_IMPORT_CREATE = "deputy_import_create", _("Deputy created by import")
    DEPUTY_IMPORT_UPDATE = "deputy_import_update", _("Deputy updated by import")
    DEPUTY_GROUP_IMPORT_CREATE = "deputy_group_import_create", _("Deputy group created by import")
    DEPUTY_CREATE = "deputy_create", _("Deputy added")
    DEPUTY_UPDATE = "deputy_update", _("Deputy corrected")
    STATION_CREATE = "station_create", _("Liaison station added")
    STATION_UPDATE = "station_update", _("Liaison station corrected")
