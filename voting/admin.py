"""The staff's admin of livelihood-project ballots.

Cycles, proposals and candidates are entered here; saving calls the workflow functions
(which check the stage and write the audit events), and stages move by admin actions.
Votes, ballots, who voted and paper entries are read-only here: votes open and close by
actions; ballots are cast on the desk pages. Stored ballots are listed only once their vote
has closed (and resealed them), by their random key, with nothing that names, dates or
sorts them by their voter or channel.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy, ngettext

from portal.admin_base import (
    ReadOnlyScopedAdmin,
    ReadOnlyScopedInline,
    RegionTreeFilter,
    ScopedAdmin,
    refusal_text,
)
from portal.errors import DomainError
from voting import ballots, workflow
from voting.models import (
    Ballot,
    Candidate,
    Cycle,
    Evaluation,
    Milestone,
    PaperEntry,
    ProgressReport,
    Proposal,
    SupervisionVisit,
    Vote,
    VoteResult,
    VoterRecord,
)

SETTINGS = list(workflow.CYCLE_SETTINGS)


class WorkflowFormAdmin(ScopedAdmin):
    """An admin whose add/change form saves through a workflow function, called while the
    form is cleaned (inside the admin's transaction): a refusal is a form error, never a
    500, and nothing is stored partially."""

    def run(self, request, obj, data: dict, changed: list[str]):
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class WorkflowForm(form_class):
            def _post_clean(self):
                super()._post_clean()  # the model's own validation first
                if self.errors:
                    return
                try:
                    self.workflow_result = model_admin.run(
                        request, obj, self.cleaned_data, self.changed_data
                    )
                except (DomainError, PermissionDenied) as error:
                    field = getattr(error, "field", None)
                    self.add_error(field if field in self.fields else None, refusal_text(error))

        return WorkflowForm

    def save_model(self, request, obj, form, change):
        result = getattr(form, "workflow_result", None)
        if result is not None:
            obj.pk = result.pk

    def save_related(self, request, form, formsets, change):
        """The workflow saved the relations."""

    def log_addition(self, request, obj, message):
        return None  # the workflow wrote the audit event

    def log_change(self, request, obj, message):
        return None


@admin.register(Cycle)
class CycleAdmin(WorkflowFormAdmin):
    list_display = ["title", "region", "year", "stage", "seats"]
    list_filter = ["stage", "year", RegionTreeFilter]
    list_select_related = ["region"]
    search_fields = ["=year"]
    actions = ["advance"]

    def get_fields(self, request, obj=None):
        return (["region", "year", "title"] if obj is None else ["stage"]) + SETTINGS

    def get_readonly_fields(self, request, obj=None):
        return ["stage"] if obj is not None else []

    def run(self, request, obj, data, changed):
        settings = {name: data[name] for name in SETTINGS if name in data}
        if obj is not None:
            changed = {name: settings[name] for name in changed if name in settings}
            return workflow.cycle_configure(actor=request.user, cycle_id=obj.pk, **changed)
        return workflow.cycle_create(
            actor=request.user, region_id=data["region"].pk, year=data["year"],
            title=data["title"], **settings,
        )  # fmt: skip

    @admin.action(description=gettext_lazy("Move the selected cycles to the next stage"))
    def advance(self, request, queryset):
        self.run_workflow_action(
            request, queryset,
            lambda pk: workflow.cycle_advance(actor=request.user, cycle_id=pk),
            lambda n: ngettext("Moved %(count)d cycle.", "Moved %(count)d cycles.", n),
        )  # fmt: skip


@admin.register(Proposal)
class ProposalAdmin(WorkflowFormAdmin):
    list_display = ["title", "cycle", "source", "state", "support", "proposer_phone_masked"]
    list_filter = ["state", "source", RegionTreeFilter]
    list_select_related = ["cycle__region"]
    search_fields = ["=id"]
    fields = ["cycle", "source", "title", "description", "proposer_name", "proposer_phone"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    @admin.display(description=gettext_lazy("proposer's phone"))
    def proposer_phone_masked(self, obj):
        return obj.masked_phone or "-"

    def run(self, request, obj, data, changed):
        return workflow.proposal_submit(
            actor=request.user, cycle_id=data["cycle"].pk, source=data["source"],
            title=data["title"], description=data["description"],
            proposer_name=data["proposer_name"], proposer_phone=data["proposer_phone"],
        )  # fmt: skip


@admin.register(Candidate)
class CandidateAdmin(WorkflowFormAdmin):
    list_display = ["number", "title", "cycle", "department", "budget", "outcome", "rank"]
    list_filter = ["outcome", RegionTreeFilter]
    list_select_related = ["cycle__region", "department"]
    search_fields = ["=number"]
    fields = ["cycle", "title", "description", "budget", "department", "starts_on", "ends_on",
              "proposals"]  # fmt: skip
    filter_horizontal = ["proposals"]

    def get_readonly_fields(self, request, obj=None):
        return ["cycle"] if obj is not None else []

    def run(self, request, obj, data, changed):
        fields = {name: data[name] for name in
                  ("title", "description", "budget", "department", "starts_on", "ends_on")}  # fmt: skip
        proposal_ids = [p.pk for p in data.get("proposals", [])]
        if obj is not None:
            return workflow.candidate_update(actor=request.user, candidate_id=obj.pk,
                                             proposal_ids=proposal_ids, **fields)  # fmt: skip
        return workflow.candidate_create(actor=request.user, cycle_id=data["cycle"].pk,
                                         proposal_ids=proposal_ids, **fields)  # fmt: skip


class ResultInline(ReadOnlyScopedInline):
    model = VoteResult
    fields = readonly_fields = ["project", "yes", "no", "abstain", "rank", "status"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("candidate")

    @admin.display(description=gettext_lazy("candidate project"))
    def project(self, result):
        return result.candidate


@admin.register(Vote)
class VoteAdmin(ReadOnlyScopedAdmin):
    list_display = ["cycle", "round", "state", "outcome", "entitled", "present", "issued",
                    "returned", "valid", "invalid"]  # fmt: skip
    list_filter = ["state", "outcome", RegionTreeFilter]
    list_select_related = ["cycle__region"]
    exclude = ["candidates", "tellers"]
    inlines = [ResultInline]
    actions = ["open_votes", "close_votes", "prepare_runoffs"]

    def has_act_permission(self, request):
        return super(ReadOnlyScopedAdmin, self).has_change_permission(request)

    def _act(self, request, queryset, function, message):
        self.run_workflow_action(
            request, queryset, lambda pk: function(actor=request.user, vote_id=pk), message
        )

    @admin.action(description=gettext_lazy("Open the selected votes"), permissions=["act"])
    def open_votes(self, request, queryset):
        self._act(request, queryset, workflow.vote_open,
                  lambda n: ngettext("Opened %(count)d vote.", "Opened %(count)d votes.", n))  # fmt: skip

    @admin.action(description=gettext_lazy("Close and count the selected votes"),
                  permissions=["act"])  # fmt: skip
    def close_votes(self, request, queryset):
        self._act(request, queryset, ballots.vote_close,
                  lambda n: ngettext("Counted %(count)d vote.", "Counted %(count)d votes.", n))  # fmt: skip

    @admin.action(description=gettext_lazy("Prepare the run-off of a tied vote"),
                  permissions=["act"])  # fmt: skip
    def prepare_runoffs(self, request, queryset):
        self._act(request, queryset, workflow.vote_runoff,
                  lambda n: ngettext("Prepared %(count)d run-off.", "Prepared %(count)d run-offs.", n))  # fmt: skip


@admin.register(PaperEntry)
class PaperEntryAdmin(ReadOnlyScopedAdmin):
    list_display = ["vote", "sheet", "state", "first_teller", "second_teller", "resolved_by"]
    list_filter = ["state", RegionTreeFilter]
    list_select_related = ["vote__cycle__region", "first_teller", "second_teller", "resolved_by"]

    def get_exclude(self, request, obj=None):
        # The second teller enters the ballot blind: no reading while it waits for them.
        if obj is not None and not ballots.reading_visible(obj):
            return ["first_reading", "second_reading"]
        return []


@admin.register(Ballot)
class BallotAdmin(ReadOnlyScopedAdmin):
    """Stored ballots of closed votes: no voter, no time, no channel; ordered by their
    random key. While a vote is open none of its ballots is listed or shown."""

    list_display = ["id", "vote", "valid"]
    list_filter = ["valid", RegionTreeFilter]
    list_select_related = ["vote__cycle__region"]
    fields = ["id", "vote", "valid"]
    readonly_fields = ["id"]
    ordering = ["vote", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(vote__state=Vote.State.CLOSED)


@admin.register(VoterRecord)
class VoterRecordAdmin(ReadOnlyScopedAdmin):
    """Who received or cast a ballot, never what was voted."""

    list_display = ["vote", "representative", "channel"]
    list_filter = ["channel", RegionTreeFilter]
    list_select_related = ["vote__cycle__region", "representative"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "project", "due_on", "weight", "progress"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["project"]


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyScopedAdmin):
    list_display = ["project", "milestone", "progress", "author", "created_at"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["project", "milestone", "author"]


@admin.register(SupervisionVisit)
class SupervisionVisitAdmin(ReadOnlyScopedAdmin):
    list_display = ["project", "date", "recorded_by"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["project", "recorded_by"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyScopedAdmin):
    list_display = ["project", "representative", "rating", "score", "created_at"]
    list_filter = ["rating", RegionTreeFilter]
    list_select_related = ["project", "representative"]
