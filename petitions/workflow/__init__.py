"""State changes of citizen issues, by stage. Each function checks the actor through
``access``, locks the row, moves it through ``portal.states.move`` (``Petition.TRANSITIONS``,
the audit event) and queues the citizen's notification after commit — all in one
transaction.

- ``intake``: an issue from any channel (``petition_submit``, ``petition_from_reception``);
- ``screening``: accept, reject, mark as a duplicate, answer, escalate, act on a group;
- ``matters``: the entry points of ``supervision`` (put on a matter, settle with it);
- ``handling``: forward to a handling unit, its reply or hand-back;
- ``closure``: the citizen's rating, closing, publishing.

Other apps and the pages import the functions from here.
"""

from petitions.workflow.closure import petition_close, petition_publish, petition_rate
from petitions.workflow.handling import (
    DEFAULT_REPLY_DAYS,
    NOT_FORWARDED_KINDS,
    petition_forward,
    petition_hand_back,
    petition_reply,
    reply_working_days,
    units_for,
    units_for_actor,
)
from petitions.workflow.intake import (
    CODE_ALPHABET,
    MAX_PHOTOS,
    new_tracking_code,
    petition_from_reception,
    petition_submit,
)
from petitions.workflow.matters import petition_put_on_matter, petition_settle_by_matter
from petitions.workflow.screening import (
    petition_accept,
    petition_answer,
    petition_escalate,
    petition_mark_duplicate,
    petition_reject,
    petitions_group_act,
)
from petitions.workflow.topics import topic_confirm, topic_merge, topic_move_out, topic_split

__all__ = [
    "CODE_ALPHABET",
    "DEFAULT_REPLY_DAYS",
    "MAX_PHOTOS",
    "new_tracking_code",
    "petition_accept",
    "petition_answer",
    "petition_close",
    "petition_escalate",
    "petition_forward",
    "petition_from_reception",
    "petition_hand_back",
    "petition_mark_duplicate",
    "petition_publish",
    "petition_put_on_matter",
    "petition_rate",
    "petition_reject",
    "petition_reply",
    "petition_settle_by_matter",
    "petition_submit",
    "petitions_group_act",
    "reply_working_days",
    "topic_confirm",
    "topic_merge",
    "topic_move_out",
    "topic_split",
    "units_for",
    "units_for_actor",
    "NOT_FORWARDED_KINDS",
]
