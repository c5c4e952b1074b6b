"""The counting rule of a vote round, as a pure function of the counts.

Default (seed 001 practice): a candidate passes with more yes-votes than half of the pass
base (all entitled deputies unless the cycle says otherwise); passed candidates are ranked by
yes-votes; the top N are adopted. When the N-th and the (N+1)-th passed candidates have the
same yes-votes, every candidate with that count is *tied*: the ones above the tie are
adopted, the tied ones go to a run-off for the seats left. A tie is never broken silently.
"""

from __future__ import annotations

from dataclasses import dataclass

ADOPTED, TIED, PASSED, FAILED = "adopted", "tied", "passed", "failed"
DECIDED, RUNOFF = "decided", "runoff"


@dataclass
class Line:
    candidate_id: int
    number: int
    yes: int = 0
    no: int = 0
    abstain: int = 0
    rank: int | None = None
    status: str = FAILED


@dataclass
class Outcome:
    lines: list[Line]
    outcome: str
    threshold: int
    runoff_seats: int = 0

    @property
    def adopted(self) -> list[Line]:
        return [line for line in self.lines if line.status == ADOPTED]

    @property
    def tied(self) -> list[Line]:
        return [line for line in self.lines if line.status == TIED]


def threshold_for(base: int) -> int:
    """Return the yes-votes needed for "more than half of ``base``"."""
    return base // 2 + 1


def count(lines: list[Line], *, seats: int, base: int) -> Outcome:
    """Rank ``lines`` by yes-votes and decide each one's status under the rule above."""
    needed = threshold_for(base)
    ordered = sorted(lines, key=lambda line: (-line.yes, line.number))
    # Competition ranking (1, 2, 2, 4) over every candidate by yes-votes.
    for position, line in enumerate(ordered, start=1):
        previous = ordered[position - 2] if position > 1 else None
        line.rank = previous.rank if previous and previous.yes == line.yes else position
    passed = [line for line in ordered if line.yes >= needed]
    for line in ordered:
        line.status = FAILED
    if len(passed) <= seats:
        for line in passed:
            line.status = ADOPTED
        return Outcome(ordered, DECIDED, needed)
    cut = passed[seats - 1].yes
    above = [line for line in passed if line.yes > cut]
    at_cut = [line for line in passed if line.yes == cut]
    for line in passed:
        line.status = PASSED
    if len(above) + len(at_cut) == seats:  # the tie (if any) fits in the seats
        for line in above + at_cut:
            line.status = ADOPTED
        return Outcome(ordered, DECIDED, needed)
    for line in above:
        line.status = ADOPTED
    for line in at_cut:
        line.status = TIED
    return Outcome(ordered, RUNOFF, needed, runoff_seats=seats - len(above))
