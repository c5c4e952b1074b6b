"""State changes of deputies' suggestions: 提议 → 审核 → 交办 → 承办 → 答复 → 测评, and 督办.

Each function checks the actor through ``portal.access``, locks the suggestion, changes its
state only through ``portal.states.move`` (which checks ``Suggestion.TRANSITIONS`` and
writes the audit event) and creates the inbox notifications (delivered after commit) — all
in one transaction. A refusal raises ``DomainError`` / ``TransitionError`` (shown as a
message), ``PermissionDenied`` (403) or ``Http404`` (out of scope), and stores nothing.

One module per stage: ``proposal``, ``review``, ``assignment`` (with deadlines),
``handling`` (with the reply), ``evaluation``, ``supervision``; ``common`` holds what they
share. Callers use the functions from here.
"""

from supervision.suggestions.workflow.assignment import (
    suggestion_assign,
    suggestion_decide_extension,
    suggestion_request_extension,
    suggestion_return_misassigned,
    suggestions_assign_batch,
)
from supervision.suggestions.workflow.common import units_for
from supervision.suggestions.workflow.evaluation import suggestion_close, suggestion_rate
from supervision.suggestions.workflow.handling import (
    reply_classes,
    suggestion_co_opinion,
    suggestion_contact,
    suggestion_plan,
    suggestion_reclassify,
    suggestion_reply,
)
from supervision.suggestions.workflow.proposal import (
    suggestion_draft,
    suggestion_submit,
    suggestion_update,
    suggestion_withdraw,
)
from supervision.suggestions.workflow.review import (
    suggestion_accept,
    suggestion_convert,
    suggestion_explain,
    suggestion_first_review,
    suggestion_return,
)
from supervision.suggestions.workflow.sessions import session_create, session_update
from supervision.suggestions.workflow.supervision import (
    suggestion_mark_key,
    suggestion_recheck,
    suggestion_supervise,
)

__all__ = [
    "session_create",
    "session_update",
    "reply_classes",
    "suggestion_accept",
    "suggestion_assign",
    "suggestion_close",
    "suggestion_co_opinion",
    "suggestion_contact",
    "suggestion_convert",
    "suggestion_decide_extension",
    "suggestion_draft",
    "suggestion_explain",
    "suggestion_first_review",
    "suggestion_mark_key",
    "suggestion_plan",
    "suggestion_rate",
    "suggestion_recheck",
    "suggestion_reclassify",
    "suggestion_reply",
    "suggestion_request_extension",
    "suggestion_return",
    "suggestion_return_misassigned",
    "suggestion_submit",
    "suggestion_supervise",
    "suggestion_update",
    "suggestion_withdraw",
    "suggestions_assign_batch",
    "units_for",
]
