"""State changes of selection cycles, proposals and candidates, and the preparation of a
vote: the entry points the admin, the API and the pages call.

By stage: ``cycles`` (a cycle, its rules and stages), ``proposals`` (proposals and the
candidate projects built from them), ``rounds`` (preparing, run-offs, attendance, opening).
Ballots, paper entry and counting are in ``voting.ballots``; implementation and evaluation
in ``voting.projects``. Each function checks the actor through ``access``, locks the row,
moves it through ``portal.states.move`` (the model's ``TRANSITIONS`` table) and writes the
audit event, all in one transaction.
"""

from voting.workflow.cycles import (
    CYCLE_SETTINGS,
    cycle_advance,
    cycle_configure,
    cycle_create,
)
from voting.workflow.proposals import (
    candidate_create,
    candidate_update,
    candidate_withdraw,
    proposal_decline,
    proposal_merge,
    proposal_submit,
)
from voting.workflow.rounds import (
    vote_open,
    vote_prepare,
    vote_runoff,
    vote_set_attendance,
)

__all__ = [
    "CYCLE_SETTINGS",
    "candidate_create",
    "candidate_update",
    "candidate_withdraw",
    "cycle_advance",
    "cycle_configure",
    "cycle_create",
    "proposal_decline",
    "proposal_merge",
    "proposal_submit",
    "vote_open",
    "vote_prepare",
    "vote_runoff",
    "vote_set_attendance",
]
