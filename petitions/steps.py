"""The steps of an issue as its citizen sees them on the tracking page: those done, the
current one and those still to come (受理 → 转办 → 答复 → 评价 → 办结), read from its state
(``Petition.TRANSITIONS``) and the actions of its history.

The usual path is drawn ahead; the steps that only some issues take (转办, 督事) are shown
once taken. An issue not accepted or closed as a duplicate ends right there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import pgettext_lazy

from petitions.models import Petition
from petitions.vocabulary import Action

State = Petition.State

SUBMIT, ACCEPT, SUPERVISE, FORWARD, REPLY, RATE, CLOSE = (
    "submit", "accept", "supervise", "forward", "reply", "rate", "close",
)  # fmt: skip
ORDER = (SUBMIT, ACCEPT, SUPERVISE, FORWARD, REPLY, RATE, CLOSE)
LABELS = {
    SUBMIT: pgettext_lazy("tracking step", "Submitted"),
    ACCEPT: pgettext_lazy("tracking step", "Accepted"),
    SUPERVISE: pgettext_lazy("tracking step", "Supervised by the deputies"),
    FORWARD: pgettext_lazy("tracking step", "Forwarded to a handling unit"),
    REPLY: pgettext_lazy("tracking step", "Reply"),
    RATE: pgettext_lazy("tracking step", "Your rating"),
    CLOSE: pgettext_lazy("tracking step", "Closed"),
}
# How an issue ended, as its last step.
ENDINGS = {
    State.RESOLVED: pgettext_lazy("tracking step", "Closed as resolved"),
    State.CLOSED_UNRESOLVED: pgettext_lazy("tracking step", "Closed without resolution"),
    State.REJECTED: pgettext_lazy("tracking step", "Not accepted"),
    State.DUPLICATE: pgettext_lazy("tracking step", "Closed as a duplicate"),
}
# The step an open issue is at, and the usual steps after it.
CURRENT = {
    State.SUBMITTED: (ACCEPT, (FORWARD, REPLY, RATE, CLOSE)),
    State.ACCEPTED: (FORWARD, (REPLY, RATE, CLOSE)),
    State.FORWARDED: (REPLY, (RATE, CLOSE)),
    State.REPLIED: (RATE, (CLOSE,)),
    State.ESCALATED: (SUPERVISE, (CLOSE,)),
}
# The steps that count as done once one of these actions is in the history.
DONE_BY = {
    ACCEPT: {Action.ACCEPT},
    SUPERVISE: {Action.ESCALATE},
    FORWARD: {Action.FORWARD},
    REPLY: {Action.REPLY, Action.ANSWER},
    RATE: {Action.RATE},
}

DONE, NOW, PENDING = "done", "current", "pending"


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    status: str  # DONE, NOW or PENDING


def issue_steps(petition: Petition, actions: set[str]) -> list[Step]:
    """Return the steps of ``petition`` in order, given the ``actions`` of its history."""
    taken = {key for key, done_by in DONE_BY.items() if actions & done_by} | {SUBMIT}
    state = Petition.State(petition.state)
    if state in ENDINGS:
        done = [key for key in ORDER if key in taken and key != CLOSE]
        if state in (State.REJECTED, State.DUPLICATE):
            done = [key for key in done if key in (SUBMIT, ACCEPT)]
        steps = [Step(key, LABELS[key], DONE) for key in done]
        return [*steps, Step(CLOSE, ENDINGS[state], DONE)]
    current, ahead = CURRENT[state]
    before = ORDER[: ORDER.index(current)]
    # Always accepted and (for a reply to rate) replied by then; a unit or the deputies' group
    # only when the issue went there.
    required = {SUBMIT, ACCEPT} | ({REPLY} if current == RATE else set())
    done = [key for key in before if key in required or key in taken]
    return [
        *(Step(key, LABELS[key], DONE) for key in done),
        Step(current, LABELS[current], NOW),
        *(Step(key, LABELS[key], PENDING) for key in ahead),
    ]
