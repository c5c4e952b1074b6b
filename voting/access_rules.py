"""Scope rules of the voting app: region grants, plus what deputies, tellers and the
responsible departments take part in. Secret ballots (``Ballot``, ``BallotChoice``) and the
tellers' paper entries are seen only through region grants, never by participation."""

from django.db.models import Q

from portal import access
from portal.access import MANAGE, VIEW, ScopeRule
from stations.models import Representative
from voting.models import (
    Ballot,
    BallotChoice,
    Candidate,
    Cycle,
    Evaluation,
    Milestone,
    PaperEntry,
    ProgressReport,
    Proposal,
    ReportPhoto,
    RollEntry,
    SupervisionVisit,
    Vote,
    VoteResult,
    VoterRecord,
)


def _my_votes(user):
    return RollEntry.objects.filter(representative__user=user).values("vote_id")


def _teller_votes(user):
    return Vote.tellers.through.objects.filter(user_id=user.pk).values("vote_id")


def _my_cycles(user) -> Q:
    """Cycles a user takes part in: on a roll, a teller, or a responsible department."""
    votes = Vote.objects.filter(Q(pk__in=_my_votes(user)) | Q(pk__in=_teller_votes(user)))
    condition = Q(pk__in=votes.values("cycle_id"))
    if user.department_id:
        departments = Candidate.objects.filter(department_id=user.department_id)
        condition |= Q(pk__in=departments.values("cycle_id"))
    return condition


def _cycle(user, action):
    return _my_cycles(user) if action == VIEW else None


def _vote(user, action):
    if action == VIEW:
        return Q(pk__in=_my_votes(user)) | Q(pk__in=_teller_votes(user))
    return None


def _in_my_cycle(user, action):
    if action != VIEW:
        return None
    return Q(cycle_id__in=Cycle.objects.filter(_my_cycles(user)).values("pk"))


def _candidate(user, action):
    condition = _in_my_cycle(user, action)
    if action == VIEW and user.department_id:
        condition |= Q(department_id=user.department_id)
    return condition


def _project_child(user, action):
    """Milestones and reports: seen with the project; the responsible department writes."""
    if action == VIEW:
        projects = access.visible(user, Candidate.objects.all()).values("pk")
        return Q(project_id__in=projects)
    if action == MANAGE and user.department_id:
        return Q(project__department_id=user.department_id)
    return None


def _photo(user, action):
    if action != VIEW:
        return None
    reports = access.visible(user, ProgressReport.objects.all()).values("pk")
    return Q(report_id__in=reports)


def _visit(user, action):
    if action != VIEW:
        return None
    projects = access.visible(user, Candidate.objects.all()).values("pk")
    return Q(project_id__in=projects)


def _own_rows(user, action):
    return Q(representative__user=user) if action == VIEW else None


def _proposal(user, action):
    if action != VIEW:
        return None
    # A subquery, not a join: the nullable link would be an outer join, which row locks
    # (SELECT ... FOR UPDATE) refuse on PostgreSQL.
    deputies = Representative.objects.filter(user=user).values("pk")
    mine = Q(submitted_by=user) | Q(representative_id__in=deputies)
    return mine | Q(department_id=user.department_id) if user.department_id else mine


def _result(user, action):
    if action != VIEW:
        return None
    return Q(vote_id__in=_my_votes(user)) | Q(vote_id__in=_teller_votes(user))


def _paper(user, action):
    if action in (VIEW, MANAGE):
        return Q(vote_id__in=_teller_votes(user))
    return None


access.register(Cycle, ScopeRule(participant=_cycle))
access.register(Proposal, ScopeRule(participant=_proposal))
access.register(Candidate, ScopeRule(participant=_candidate))
access.register(Vote, ScopeRule(participant=_vote))
access.register(RollEntry, ScopeRule(participant=_own_rows))
access.register(VoterRecord, ScopeRule(participant=_own_rows))
access.register(Ballot, ScopeRule())
access.register(BallotChoice, ScopeRule())
access.register(PaperEntry, ScopeRule(participant=_paper))
access.register(VoteResult, ScopeRule(participant=_result))
access.register(Milestone, ScopeRule(participant=_project_child))
access.register(ProgressReport, ScopeRule(participant=_project_child))
access.register(ReportPhoto, ScopeRule(participant=_photo))
access.register(SupervisionVisit, ScopeRule(participant=_visit))
access.register(Evaluation, ScopeRule(participant=_own_rows))
