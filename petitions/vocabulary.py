"""The words of citizen issues' records: audit event actions and notification kinds.

Every page, the API and exports take an action's label from here (through
``portal.vocabulary.action_label``); the staff's history and the citizen's tracking page
read the same words, so each label suits both.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "petitions.forwarded": _("Citizen issue forwarded to the unit"),
}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people. The values are stored
    in every event row: never change one."""

    SUBMIT = "petition_submit", _("Submitted")
    ACCEPT = "petition_accept", _("Accepted by the congress office")
    REJECT = "petition_reject", _("Not accepted")
    DUPLICATE = "petition_duplicate", _("Closed as a duplicate")
    ANSWER = "petition_answer", _("Answered by the congress office")
    ESCALATE = "petition_escalate", _("Put on the supervision list")
    RETURN = "petition_return", _("Returned from supervision for ordinary handling")
    FORWARD = "petition_forward", _("Forwarded to a handling unit")
    REPLY = "petition_reply", _("Replied by the handling unit")
    HAND_BACK = "petition_hand_back", _("Handed back by the handling unit")
    RATE = "petition_rate", _("Resolved after the citizen's rating")
    REOPEN = "petition_reopen", _("Handled again: the citizen was not satisfied with the reply")
    CLOSE = "petition_close", _("Closed")
    PUBLISH = "petition_publish", _("Outcome published")
    TOPIC_CONFIRM = "topic_confirm", _("Concentrated issue confirmed")
    TOPIC_SPLIT = "topic_split", _("Concentrated issue split")
    TOPIC_MOVE_OUT = "topic_move_out", _("Issues moved out of the concentrated issue")
    TOPIC_MERGE = "topic_merge", _("Concentrated issues merged")


# How a closure (``Action.CLOSE``) ended, in words for the citizen: by the state it closed in.
CLOSE_OUTCOMES = {
    "resolved": _("Closed as resolved"),
    "closed_unresolved": _("Closed without resolution"),
}
