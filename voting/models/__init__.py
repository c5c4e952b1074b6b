"""Livelihood-project ballots (民生实事项目票决制), seed 001 and DOMAIN.md §5.

A selection ``Cycle`` of a region and year moves through 征集 → 初定 → 审议 → 票决 → 公布 →
监督 → 评估 (``Cycle.TRANSITIONS``). The models live by sub-domain:

- ``selection``: cycles, proposals and candidate projects;
- ``votes``: votes (rounds), the roll, who voted, stored ballots, paper entries, results
  (and what ballot secrecy holds and what remains of it);
- ``implementation``: milestones, progress reports, supervision visits and evaluations.
"""

from voting.models.implementation import (
    Evaluation,
    Milestone,
    ProgressReport,
    Rating,
    ReportPhoto,
    SupervisionVisit,
)
from voting.models.selection import Candidate, Cycle, Proposal
from voting.models.votes import (
    Ballot,
    BallotChoice,
    Choice,
    PaperEntry,
    RollEntry,
    Vote,
    VoteResult,
    VoterRecord,
)

__all__ = [
    "Ballot",
    "BallotChoice",
    "Candidate",
    "Choice",
    "Cycle",
    "Evaluation",
    "Milestone",
    "PaperEntry",
    "ProgressReport",
    "Proposal",
    "Rating",
    "ReportPhoto",
    "RollEntry",
    "SupervisionVisit",
    "Vote",
    "VoteResult",
    "VoterRecord",
]
