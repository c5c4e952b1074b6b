"""How the portal's states read in Open311: the spec's ``open``/``closed`` and the extended
statuses of FixMyStreet's updates extension (lower case, as FixMyStreet's own endpoints
write them), and which statuses a handling unit's system may push.

| portal state                  | status | extended status               |
|-------------------------------|--------|-------------------------------|
| submitted (awaiting screening)| open   | open                          |
| accepted                      | open   | investigating                 |
| forwarded (being handled)     | open   | in_progress                   |
| escalated (supervision list)  | open   | in_progress                   |
| replied (awaiting the rating) | open   | action_scheduled              |
| resolved                      | closed | fixed                         |
| rejected (not accepted)       | closed | not_councils_responsibility   |
| duplicate                     | closed | duplicate                     |
| closed_unresolved             | closed | unable_to_fix                 |
"""

from __future__ import annotations

from petitions.models import Petition

State = Petition.State
OPEN, CLOSED = "open", "closed"
BASIC = (OPEN, CLOSED)

EXTENDED = {
    State.SUBMITTED: "open",
    State.ACCEPTED: "investigating",
    State.FORWARDED: "in_progress",
    State.ESCALATED: "in_progress",
    State.REPLIED: "action_scheduled",
    State.RESOLVED: "fixed",
    State.REJECTED: "not_councils_responsibility",
    State.DUPLICATE: "duplicate",
    State.CLOSED_UNRESOLVED: "unable_to_fix",
}

# What a unit's pushed status does: its reply to the citizen (the citizen then rates it), or
# the hand-back of an issue the unit is not responsible for. Progress notes (open,
# investigating, in_progress) and the office's own decisions (duplicate) are not taken: the
# portal records a unit's final reply per handling round, as the desk does.
REPLY = "reply"
HAND_BACK = "hand_back"
PUSHED = {
    "fixed": REPLY,
    "closed": REPLY,
    "action_scheduled": REPLY,
    "unable_to_fix": REPLY,
    "no_further_action": REPLY,
    "not_councils_responsibility": HAND_BACK,
    "internal_referral": HAND_BACK,
}


def basic(state: str) -> str:
    """Return ``open`` or ``closed`` for a portal state."""
    return CLOSED if state in Petition.CLOSED_STATES else OPEN


def extended(state: str) -> str:
    """Return the extended status of a portal state (``open`` for an unknown one)."""
    return EXTENDED.get(state, OPEN)


def states_with(status: str) -> list[str]:
    """Return the portal states whose basic status is ``status``."""
    return [state for state in State.values if basic(state) == status]
