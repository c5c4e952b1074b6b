"""The words of deputies' suggestions' records: notification kinds and audit event actions.

The stored values of ``Action`` are the codes of existing events: never change one.
"""

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

    SESSION_CREATE = "suggestion_session_create", _("Congress session added")
    SESSION_UPDATE = "suggestion_session_update", _("Congress session corrected")
    # proposing (提议)
    DRAFT = "suggestion_draft", _("Drafted")
    UPDATE = "suggestion_update", _("Revised")
    SUBMIT = "suggestion_submit", _("Submitted")
    WITHDRAW = "suggestion_withdraw", _("Withdrawn")
    # review (初审, 审核)
    FIRST_REVIEW = "suggestion_first_review", _("Passed the first review")
    RETURN = "suggestion_return", _("Returned for revision")
    ACCEPT = "suggestion_accept", _("Accepted")
    EXPLAIN = "suggestion_explain", _("Answered by explanation")
    CONVERT = "suggestion_convert", _("Converted")
    # assignment (交办) and deadlines
    ASSIGN = "suggestion_assign", _("Assigned")
    PLAN = "suggestion_plan", _("五定 recorded")
    CO_RETURN = "suggestion_co_return", _("Returned by a co-handling unit")
    RETURN_MISASSIGNED = (
        "suggestion_return_misassigned",
        _("Returned by the lead unit: not its responsibility"),
    )
    REQUEST_EXTENSION = "suggestion_request_extension", _("Extension requested")
    APPROVE_EXTENSION = "suggestion_approve_extension", _("Extension approved")
    REFUSE_EXTENSION = "suggestion_refuse_extension", _("Extension refused")
    # handling and reply (承办, 答复)
    CONTACT = "suggestion_contact", _("Contact with the deputy")
    CO_OPINION = "suggestion_co_opinion", _("Co-handling opinion")
    REPLY = "suggestion_reply", _("Replied")
    RECLASSIFY = "suggestion_reclassify", _("Reply class changed")
    # evaluation (测评)
    RATE = "suggestion_rate", _("Rated")
    REOPEN = "suggestion_reopen", _("Handled again: the deputy is not satisfied")
    CLOSE = "suggestion_close", _("Completed without a rating")
    # supervision (督办); MEETING, SITE and RECHECK are "suggestion_" + SupervisionRecord.Kind
    MARK_KEY = "suggestion_mark_key", _("Put under key supervision")
    MEETING = "suggestion_meeting", _("Supervision meeting")
    SITE = "suggestion_site", _("On-site supervision")
    RECHECK = "suggestion_recheck", _("Re-check (回头看)")
