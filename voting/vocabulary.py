"""The words of livelihood-project ballots' records: notification kinds and audit event
actions. The stored values of ``Action`` are in existing audit rows: never change them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

NOTIFICATION_KINDS = {
    "voting.vote_open": _("Vote open"),
    "voting.evaluate": _("Livelihood projects to evaluate"),
}


class Action(models.TextChoices):
    """Audit event actions of this app, with their labels for people."""

    # selection cycles
    CYCLE_CREATE = "cycle_create", _("Selection cycle opened")
    CYCLE_CONFIGURE = "cycle_configure", _("Selection cycle rules changed")
    CYCLE_ADVANCE = "cycle_advance", _("Selection cycle moved to another stage")
    # proposals
    PROPOSAL_SUBMIT = "proposal_submit", _("Project proposed")
    PROPOSAL_MERGE = "proposal_merge", _("Proposal merged into another")
    PROPOSAL_SUPPORT = "proposal_support", _("Support of a merged proposal added")
    PROPOSAL_DECLINE = "proposal_decline", _("Proposal not taken up")
    PROPOSAL_SHORTLIST = "proposal_shortlist", _("Proposal taken into a candidate")
    PROPOSAL_UNSHORTLIST = "proposal_unshortlist", _("Proposal taken off a candidate")
    # candidate projects
    CANDIDATE_CREATE = "candidate_create", _("Candidate project added")
    CANDIDATE_UPDATE = "candidate_update", _("Candidate project changed")
    CANDIDATE_WITHDRAW = "candidate_withdraw", _("Candidate project withdrawn")
    # votes
    VOTE_PREPARE = "vote_prepare", _("Vote prepared")
    VOTE_RUNOFF = "vote_runoff", _("Run-off prepared")
    VOTE_ATTENDANCE = "vote_attendance", _("Attendance recorded")
    VOTE_OPEN = "vote_open", _("Vote opened")
    VOTE_CLOSE = "vote_close", _("Vote closed and counted")
    BALLOT_CAST = "ballot_cast", _("Ballot cast")
    # paper ballots
    PAPER_ISSUE = "paper_issue", _("Paper ballots issued")
    PAPER_ENTER = "paper_enter", _("Paper ballot entered")
    PAPER_CONFIRM = "paper_confirm", _("Paper ballot confirmed and counted")
    PAPER_MISMATCH = "paper_mismatch", _("Tellers' readings differ")
    PAPER_RESOLVE = "paper_resolve", _("Tellers' mismatch resolved")
    PAPER_DISCARD = "paper_discard", _("Paper ballot entry dropped")
    # adopted projects
    MILESTONE_ADD = "milestone_add", _("Milestone added")
    REPORT_SUBMIT = "report_submit", _("Progress reported")
    VISIT_RECORD = "visit_record", _("Supervision visit recorded")
    EVALUATION_SUBMIT = "evaluation_submit", _("Project evaluated")
