"""The staff lists of livelihood-project ballots as tables (``portal.tables``): the
proposals collected (征集) with the office's bulk "not taken up", and the candidate projects
with their vote figures once the round is closed and their progress once adopted."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal import access
from portal.tables import BulkAction, Column, Preset, Table, register
from voting import queries, queries_tables, workflow
from voting.models import Candidate, Proposal

Source = Proposal.Source


def _office(user) -> bool:
    return access.is_office(user)


def _cycle(row) -> str:
    return f"{row.cycle.year} {row.cycle.title}"


# --- proposals ---------------------------------------------------------------------------


def _proposer(row) -> str:
    """Who proposed it, as every list shows them: a citizen masked (name only, no phone), a
    deputy or a department by name."""
    if row.source == Source.DEPUTY and row.representative is not None:
        return row.representative.name
    if row.source == Source.DEPARTMENT and row.department is not None:
        return row.department.name
    return row.masked_name


def _decision(row) -> str:
    if row.state == Proposal.State.DECLINED and row.decline_reason:
        return f"{row.get_state_display()}：{row.decline_reason}"
    return row.get_state_display()


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason not taken up"), max_length=2000,
        error_messages={"required": _("Say why it is not taken up.")},
        widget=forms.TextInput(attrs={"placeholder": _("Reason not taken up")}),
    )  # fmt: skip

    def __init__(self, user, data=None):
        super().__init__(data, prefix="decline")


def _decline(user, proposal, data) -> None:
    workflow.proposal_decline(actor=user, proposal_id=proposal.pk, reason=data["reason"])


class ProposalTable(Table):
    key = "voting-proposals"
    title = _("Project proposals")
    url_name = "voting_desk:proposal_list"
    filterset_class = queries_tables.ProposalTableFilter
    filter_names = ("cycle", "state", "source", "region")
    keyword_label = _("Title")
    row_name = _("proposal")
    default_ordering = ("-submitted_at", "-id")
    columns = (
        Column("title", _("Title"), kind="link", sort="title"),
        Column("cycle", _("Selection cycle"), _cycle, sort="cycle__year"),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("source", _("Proposer kind"), lambda r: r.get_source_display(), sort="source"),
        Column("proposer", _("Proposer"), _proposer),
        Column("state", _("State"), _decision, sort="state"),
        Column("support", _("support"), sort="support", default=False),
        Column("submitted_on", _("Submitted on"),
               lambda r: timezone.localtime(r.submitted_at).date(), sort="submitted_at"),
        Column("description", _("Text of the proposal"), export_only=True),
    )  # fmt: skip
    bulk_actions = {
        "decline": BulkAction(
            _("Do not take up"), _("not taken up"), _decline,
            lambda u, p: p.can_move_to(Proposal.State.DECLINED),
            form=DeclineForm, may=lambda u: access.is_office(u, access.MANAGE),
        ),
    }  # fmt: skip

    def queryset(self, user):
        return queries_tables.proposal_rows(user)

    def may_view(self, user) -> bool:
        return _office(user)

    def detail_url(self, row):
        # A proposal has no page of its own: the office screens it on its cycle's page.
        return reverse("voting_desk:cycle", args=[row.cycle_id])

    def presets_for(self, user):
        return (Preset("todo", _("To screen"), {"state": Proposal.State.SUBMITTED}),)


# --- candidates ----------------------------------------------------------------------------


def _figure(name: str):
    """A vote figure of the candidate's latest closed round; nothing while a round is open."""

    def value(row):
        return None if row.vote_open else getattr(row, f"result_{name}")

    return value


def _outcome(row) -> str:
    if row.withdrawn:
        return str(_("Withdrawn from the ballot"))
    if row.vote_open:
        return str(_("Vote in progress"))
    return row.get_outcome_display()


def _progress(row) -> str:
    if row.outcome != Candidate.Outcome.ADOPTED:
        return ""
    return f"{queries.progress_of(row)}%"


def _progress_number(row):
    return queries.progress_of(row) if row.outcome == Candidate.Outcome.ADOPTED else None


class CandidateTable(Table):
    key = "voting-candidates"
    title = _("Candidate projects")
    url_name = "voting_desk:candidate_list"
    filterset_class = queries_tables.CandidateTableFilter
    filter_names = ("cycle", "outcome", "region")
    keyword_label = _("Title")
    row_name = _("candidate project")
    default_ordering = ("-cycle__year", "cycle_id", "number")
    columns = (
        Column("number", _("number on the ballot"), sort="number", default=False),
        Column("title", _("Title"), kind="link", sort="title"),
        Column("cycle", _("Selection cycle"), _cycle, sort="cycle__year"),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("department", _("Responsible department"), lambda r: r.department.name,
               sort="department__name"),
        Column("budget", _("Budget (10,000 yuan)"), sort="budget", export=lambda r: float(r.budget)),
        Column("yes", pgettext_lazy("ballot", "Yes"), _figure("yes")),
        Column("no", pgettext_lazy("ballot", "No"), _figure("no")),
        Column("abstain", pgettext_lazy("ballot", "Abstain"), _figure("abstain")),
        Column("outcome", _("Result of the vote"), _outcome, sort="outcome"),
        Column("progress", _("Implementation progress"), _progress, export=_progress_number),
        Column("starts_on", _("starts on"), sort="starts_on", default=False),
        Column("ends_on", _("ends on"), sort="ends_on", default=False),
        Column("description", _("Description of the project"), export_only=True),
    )  # fmt: skip

    def queryset(self, user):
        return queries_tables.candidate_rows(user)

    def may_view(self, user) -> bool:
        return _office(user)

    def detail_url(self, row):
        if row.outcome == Candidate.Outcome.ADOPTED:
            return reverse("voting_desk:project", args=[row.pk])
        return reverse("voting_desk:cycle", args=[row.cycle_id])

    def presets_for(self, user):
        return (Preset("adopted", _("Adopted"), {"outcome": Candidate.Outcome.ADOPTED}),)


proposal_table = register(ProposalTable())
candidate_table = register(CandidateTable())
