"""Deputies' suggestions (建议办理): 提议 → 审核 → 交办 → 承办 → 答复 → 测评, with 督办 beside.

``Suggestion.TRANSITIONS`` is the only table of allowed state changes; ``workflow`` is the
only code that changes state. Every row carries the ``region`` of the congress whose office
handles the suggestion, so ``portal.access`` scopes all of them by one prefix filter.
Figures the statistics count (first reply in time, ratings) are kept on the suggestion by the
workflow, so a report over a year is one query on one table.

``suggestion`` holds the suggestion as filed and reviewed, ``handling`` what follows its
assignment; both are imported from here.
"""

from supervision.suggestions.models.handling import (
    CoHandlerOpinion,
    ContactLog,
    DeadlineExtension,
    HandlingDeadline,
    Rating,
    Reply,
    SupervisionRecord,
    UnitAssignment,
)
from supervision.suggestions.models.suggestion import (
    SATISFIED_VALUES,
    Category,
    Committee,
    Cosigner,
    ReplyClass,
    Review,
    Satisfaction,
    Session,
    Submission,
    Suggestion,
)

__all__ = [
    "SATISFIED_VALUES",
    "Category",
    "CoHandlerOpinion",
    "Committee",
    "ContactLog",
    "Cosigner",
    "DeadlineExtension",
    "HandlingDeadline",
    "Rating",
    "Reply",
    "ReplyClass",
    "Review",
    "Satisfaction",
    "Session",
    "Submission",
    "Suggestion",
    "SupervisionRecord",
    "UnitAssignment",
]
