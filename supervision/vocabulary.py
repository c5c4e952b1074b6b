"""The words of supervised matters' records: notification kinds and audit event actions.

The stored values of ``Action`` are the codes already in the audit trail: never change one.
"""

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

    CREATE = "matter_create", _("Put on the matter list")
    LINK = "matter_link", _("Citizen issues added")
    STUDY = "matter_study", _("Studied and classified")
    RELEASE = "matter_release", _("Citizen issues handed back for ordinary handling")
    FORM_GROUP = "matter_form_group", _("Supervision group formed")
    MEMBER_JOIN = "matter_member_join", _("A member joined the group")
    MEMBER_LEAVE = "matter_member_leave", _("A member left the group")
    START = "matter_start", _("Handed to the department with a deadline")
    LOG = "matter_log", _("Work logged")
    REPORT = "matter_report", _("Completion reported")
    RECTIFY = "matter_rectify", _("Not satisfied: rectification and a new round")
    CLOSE = "matter_close", _("Satisfied: closed as solved")
    PUBLISH = "matter_publish", _("Outcome published")
