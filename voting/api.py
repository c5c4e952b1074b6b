"""REST endpoints of voting: cycles, proposals, candidates, votes (with the deputy's ballot
and the tellers' paper entries), stored ballots, who voted, and adopted projects.

Reads start from ``portal.access`` (``ScopedViewSet``); writes call the workflow functions.
Stored ballots are listed only once their vote has closed, and carry no voter, no time and no
channel (the channel is on who voted); the list of who voted carries no ballot.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from portal import access
from portal.api import REGION_PARAM, ScopedViewSet
from voting import ballots, projects, queries, workflow
from voting.models import (
    Ballot,
    BallotChoice,
    Candidate,
    Choice,
    Cycle,
    PaperEntry,
    Proposal,
    Rating,
    Vote,
    VoterRecord,
)

MAX_ID = 2**63 - 1
TEXT_MAX = 5000


# --- representations ------------------------------------------------------------------


class CycleSerializer(serializers.ModelSerializer):
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "id", "region", "region_name", "year", "title", "description", "stage",
            "stage_display", "seats", "require_more_candidates", "pass_base", "live_tally",
            "evaluation_mode", "satisfaction_rule",
        ]  # fmt: skip
        read_only_fields = fields


class ProposalSerializer(serializers.ModelSerializer):
    proposer_name = serializers.SerializerMethodField()
    proposer_phone = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id", "cycle", "source", "title", "description", "proposer_name", "proposer_phone",
            "representative", "department", "state", "merged_into", "support", "submitted_at",
        ]  # fmt: skip
        read_only_fields = fields

    def _full(self, proposal) -> bool:
        request = self.context.get("request")
        return access.may_see_personal_data(getattr(request, "user", None), proposal)

    def get_proposer_name(self, proposal) -> str:
        return proposal.proposer_name if self._full(proposal) else proposal.masked_name

    def get_proposer_phone(self, proposal) -> str:
        return proposal.proposer_phone if self._full(proposal) else proposal.masked_phone


class CandidateSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Candidate
        fields = [
            "id", "cycle", "number", "title", "description", "budget", "department",
            "department_name", "starts_on", "ends_on", "proposals", "withdrawn", "outcome", "rank",
        ]  # fmt: skip
        read_only_fields = fields


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vote
        fields = [
            "id", "cycle", "round", "seats", "session", "state", "candidates", "opened_at",
            "closed_at", "outcome", "entitled", "present", "issued", "returned", "valid",
            "invalid", "threshold",
        ]  # fmt: skip
        read_only_fields = fields


class BallotChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = BallotChoice
        fields = ["candidate", "choice"]
        read_only_fields = fields


class BallotSerializer(serializers.ModelSerializer):
    """A stored ballot: its marks (one per candidate), and nothing that names, dates or
    channels the voter."""

    choices = BallotChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = Ballot
        fields = ["id", "vote", "valid", "choices"]
        read_only_fields = fields


class VoterRecordSerializer(serializers.ModelSerializer):
    representative_name = serializers.CharField(source="representative.name", read_only=True)

    class Meta:
        model = VoterRecord
        fields = ["id", "vote", "representative", "representative_name", "channel"]
        read_only_fields = fields


class PaperEntrySerializer(serializers.ModelSerializer):
    first_reading = serializers.SerializerMethodField()

    class Meta:
        model = PaperEntry
        fields = [
            "id", "vote", "sheet", "state", "first_teller", "first_reading", "second_teller",
            "second_reading", "resolved_by", "resolution_note",
        ]  # fmt: skip
        read_only_fields = fields

    def get_first_reading(self, entry) -> dict | None:
        # The second teller enters the ballot blind.
        return entry.first_reading if ballots.reading_visible(entry) else None


class ProjectSerializer(CandidateSerializer):
    progress = serializers.SerializerMethodField(
        help_text=gettext_lazy("Progress rolled up from the milestones, weighted (0–100)")
    )

    class Meta(CandidateSerializer.Meta):
        fields = [*CandidateSerializer.Meta.fields, "progress"]
        read_only_fields = fields

    def get_progress(self, project) -> int:
        return queries.progress_of(project)


# --- input (shape only) -----------------------------------------------------------------


class CycleCreateInput(serializers.Serializer):
    region = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=100)
    seats = serializers.IntegerField(min_value=1, max_value=500, default=10)
    require_more_candidates = serializers.BooleanField(default=True)
    pass_base = serializers.ChoiceField(choices=Cycle.PassBase.choices, default="entitled")
    live_tally = serializers.BooleanField(default=False)
    evaluation_mode = serializers.ChoiceField(choices=Cycle.EvaluationMode.choices,
                                              default="levels")  # fmt: skip
    satisfaction_rule = serializers.ChoiceField(choices=Cycle.SatisfactionRule.choices,
                                                default="share")  # fmt: skip


class AdvanceInput(serializers.Serializer):
    to = serializers.ChoiceField(choices=Cycle.Stage.choices)
    note = serializers.CharField(max_length=2000, allow_blank=True, default="")


class ProposalInput(serializers.Serializer):
    cycle = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    source = serializers.ChoiceField(choices=Proposal.Source.choices)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=TEXT_MAX)
    proposer_name = serializers.CharField(max_length=64, allow_blank=True, default="")
    proposer_phone = serializers.CharField(max_length=20, allow_blank=True, default="")


class MergeInput(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class VotingReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class CandidateInput(serializers.Serializer):
    cycle = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=TEXT_MAX)
    budget = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    department = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    proposals = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=200, default=list
    )


class PrepareInput(serializers.Serializer):
    cycle = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    session = serializers.CharField(max_length=100, allow_blank=True, default="")
    roll = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=5000,
        required=False, help_text=gettext_lazy("Deputy ids; default: every deputy of the congress"),
    )  # fmt: skip
    tellers = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=50, default=list
    )


class BallotInput(serializers.Serializer):
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=Choice.choices),
        help_text=gettext_lazy("Candidate id → yes / no / abstain; unmarked is abstain"),
    )

    def validate_choices(self, value):
        if len(value) > 500:
            raise serializers.ValidationError(_("Too many marks."))
        return value


class ReceiptOutput(serializers.Serializer):
    receipt = serializers.CharField(help_text=gettext_lazy("Shown once; keep it to check that "
                                                           "the ballot was counted"))  # fmt: skip


class DeputiesInput(serializers.Serializer):
    deputies = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), min_length=1,
        max_length=5000,
    )  # fmt: skip


class PaperInput(BallotInput):
    invalid = serializers.BooleanField(default=False)


class PaperEnterInput(PaperInput):
    sheet = serializers.IntegerField(min_value=1, max_value=100_000)


class ResolveInput(PaperInput):
    note = serializers.CharField(max_length=2000)


class VotingNoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class MilestoneInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    weight = serializers.IntegerField(min_value=1, max_value=100, default=1)


class ReportInput(serializers.Serializer):
    text = serializers.CharField(max_length=TEXT_MAX)
    milestone = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                         allow_null=True, default=None)  # fmt: skip
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False,
                                        allow_null=True, default=None)  # fmt: skip


class VisitInput(serializers.Serializer):
    date = serializers.DateField()
    findings = serializers.CharField(max_length=TEXT_MAX)
    deputies = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=500,
        default=list,
    )  # fmt: skip


class EvaluateInput(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, required=False, default="")
    score = serializers.IntegerField(min_value=0, max_value=100, required=False, default=None)


ERRORS = {
    400: OpenApiResponse(description=gettext_lazy("Invalid input or not allowed now")),
    403: OpenApiResponse(description=gettext_lazy("No permission for this operation")),
    404: OpenApiResponse(description=gettext_lazy("Not found or outside the caller's scope")),
}


def _schema(summary, request, response):
    return extend_schema(summary=summary, request=request, responses={200: response, **ERRORS})


class _Base(ScopedViewSet):
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def represent(self, obj, serializer_class=None, code=status.HTTP_200_OK) -> Response:
        serializer = (serializer_class or self.serializer_class)(
            obj, context=self.get_serializer_context()
        )
        return Response(serializer.data, status=code)


# --- viewsets ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List selection cycles"), parameters=[REGION_PARAM]),
    retrieve=extend_schema(summary=gettext_lazy("Selection cycle details")),
    create=_schema(gettext_lazy("Open a selection cycle"), CycleCreateInput, CycleSerializer),
)
class CycleViewSet(_Base):
    serializer_class = CycleSerializer
    base_queryset = Cycle.objects.select_related("region").order_by("-year", "id")

    def get_queryset(self):
        return self.region_subtree(super().get_queryset(), "region")

    def create(self, request, *args, **kwargs):
        data = self.body(CycleCreateInput)
        region = data.pop("region")
        cycle = workflow.cycle_create(actor=request.user, region_id=region, **data)
        return self.represent(cycle, code=status.HTTP_201_CREATED)

    @_schema(gettext_lazy("Move the cycle to another stage"), AdvanceInput, CycleSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        cycle = self.get_object()
        data = self.body(AdvanceInput)
        return self.represent(
            workflow.cycle_advance(
                actor=request.user, cycle_id=cycle.pk, to=data["to"], note=data["note"]
            )  # fmt: skip
        )

    @extend_schema(summary=gettext_lazy("Evaluation results of the adopted projects"),
                   responses={200: dict})  # fmt: skip
    @action(detail=True, methods=["get"])
    def evaluation(self, request, pk=None):
        cycle = self.get_object()
        lines = queries.evaluation_results(cycle)
        return Response([
            {"project": line.project.pk, "title": line.project.title, "rated": line.rated,
             "satisfied": line.satisfied, "basically": line.basically,
             "unsatisfied": line.unsatisfied, "rate": line.rate, "average": line.average,
             "verdict": line.verdict}
            for line in lines
        ])  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List proposals"), parameters=[REGION_PARAM]),
    retrieve=extend_schema(summary=gettext_lazy("Proposal details")),
    create=_schema(gettext_lazy("Enter a proposal"), ProposalInput, ProposalSerializer),
)
class ProposalViewSet(_Base):
    serializer_class = ProposalSerializer
    base_queryset = Proposal.objects.select_related("region").order_by("cycle", "-support", "id")

    def get_queryset(self):
        return self.region_subtree(super().get_queryset(), "region")

    def create(self, request, *args, **kwargs):
        data = self.body(ProposalInput)
        cycle = data.pop("cycle")
        proposal = workflow.proposal_submit(actor=request.user, cycle_id=cycle, **data)
        return self.represent(proposal, code=status.HTTP_201_CREATED)

    @_schema(gettext_lazy("Merge a duplicate into another proposal"), MergeInput,
             ProposalSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        proposal = self.get_object()
        data = self.body(MergeInput)
        target = workflow.proposal_merge(actor=request.user, proposal_id=proposal.pk,
                                         into_id=data["into"])  # fmt: skip
        return self.represent(target)

    @_schema(gettext_lazy("Do not take a proposal up"), VotingReasonInput, ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        proposal = self.get_object()
        data = self.body(VotingReasonInput)
        return self.represent(workflow.proposal_decline(
            actor=request.user, proposal_id=proposal.pk, reason=data["reason"]))  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List candidate projects"), parameters=[REGION_PARAM]),
    retrieve=extend_schema(summary=gettext_lazy("Candidate project details")),
    create=_schema(gettext_lazy("Add a candidate project"), CandidateInput, CandidateSerializer),
)
class CandidateViewSet(_Base):
    serializer_class = CandidateSerializer
    base_queryset = (
        Candidate.objects.select_related("department")
        .prefetch_related(Prefetch("proposals", Proposal.objects.only("pk")))
        .order_by("cycle", "number")
    )

    def get_queryset(self):
        return self.region_subtree(super().get_queryset(), "region")

    def create(self, request, *args, **kwargs):
        data = self.body(CandidateInput)
        cycle, proposal_ids = data.pop("cycle"), data.pop("proposals")
        candidate = workflow.candidate_create(actor=request.user, cycle_id=cycle,
                                              proposal_ids=proposal_ids, **data)  # fmt: skip
        return self.represent(candidate, code=status.HTTP_201_CREATED)

    @_schema(gettext_lazy("Withdraw a candidate"), VotingReasonInput, CandidateSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        candidate = self.get_object()
        data = self.body(VotingReasonInput)
        return self.represent(workflow.candidate_withdraw(
            actor=request.user, candidate_id=candidate.pk, reason=data["reason"]))  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List votes"), parameters=[REGION_PARAM]),
    retrieve=extend_schema(summary=gettext_lazy("Vote details with the frozen tally")),
    create=_schema(
        gettext_lazy("Prepare the first round of a cycle's vote"), PrepareInput, VoteSerializer
    ),  # fmt: skip
)
class VoteViewSet(_Base):
    serializer_class = VoteSerializer
    base_queryset = Vote.objects.prefetch_related(
        Prefetch("candidates", Candidate.objects.only("pk"))
    ).order_by("cycle", "round")

    def get_queryset(self):
        return self.region_subtree(super().get_queryset(), "region")

    def create(self, request, *args, **kwargs):
        data = self.body(PrepareInput)
        vote = workflow.vote_prepare(
            actor=request.user, cycle_id=data["cycle"], session=data["session"],
            representative_ids=data.get("roll"), teller_ids=data["tellers"],
        )  # fmt: skip
        return self.represent(vote, code=status.HTTP_201_CREATED)

    def _run(self, function, **kwargs):
        vote = self.get_object()
        function(actor=self.request.user, vote_id=vote.pk, **kwargs)
        return self.represent(Vote.objects.get(pk=vote.pk))

    @_schema(gettext_lazy("Open the vote"), None, VoteSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        return self._run(workflow.vote_open)

    @_schema(gettext_lazy("Close and count the vote"), None, VoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(ballots.vote_close)

    @_schema(gettext_lazy("Prepare the run-off of a tied round"), None, VoteSerializer)
    @action(detail=True, methods=["post"])
    def runoff(self, request, pk=None):
        vote = self.get_object()
        runoff = workflow.vote_runoff(actor=request.user, vote_id=vote.pk)
        return self.represent(runoff, code=status.HTTP_201_CREATED)

    @_schema(gettext_lazy("Record attendance"), DeputiesInput, VoteSerializer)
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        data = self.body(DeputiesInput)
        return self._run(workflow.vote_set_attendance, representative_ids=data["deputies"])

    @_schema(gettext_lazy("Cast my ballot"), BallotInput, ReceiptOutput)
    @action(detail=True, methods=["post"])
    def ballot(self, request, pk=None):
        data = self.body(BallotInput)
        receipt = ballots.ballot_cast(actor=request.user, vote_id=self._vote_id(pk),
                                      choices=data["choices"])  # fmt: skip
        return Response({"receipt": ballots.format_receipt(receipt)}, status=201)

    def _vote_id(self, pk) -> int:
        # The workflow answers 404/403 itself, after one indexed look-up of the roll: a
        # ballot costs no scoped visibility query.
        return int(pk)

    @extend_schema(summary=gettext_lazy("Running tally"), responses={200: dict})
    @action(detail=True, methods=["get"])
    def tally(self, request, pk=None):
        vote = self.get_object()
        if not access.can_by_region(request.user, access.VIEW, vote):
            raise PermissionDenied(_("Only the congress office sees the running tally."))
        return Response(queries.live(vote) | {"tally": queries.tally(vote).summary()})

    @_schema(gettext_lazy("Issue paper ballots to deputies"), DeputiesInput, VoteSerializer)
    @action(detail=True, methods=["post"], url_path="paper-issue")
    def paper_issue(self, request, pk=None):
        data = self.body(DeputiesInput)
        return self._run(ballots.paper_issue, representative_ids=data["deputies"])

    @_schema(gettext_lazy("Enter a paper ballot (first teller)"), PaperEnterInput,
             PaperEntrySerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def paper(self, request, pk=None):
        vote = self.get_object()
        data = self.body(PaperEnterInput)
        entry = ballots.paper_enter(actor=request.user, vote_id=vote.pk, sheet=data["sheet"],
                                    choices=data["choices"], invalid=data["invalid"])  # fmt: skip
        return self.represent(entry, PaperEntrySerializer, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List paper ballot entries")),
    retrieve=extend_schema(summary=gettext_lazy("Paper ballot entry")),
)
class PaperEntryViewSet(_Base):
    serializer_class = PaperEntrySerializer
    base_queryset = PaperEntry.objects.order_by("vote", "sheet")

    @_schema(gettext_lazy("Enter the ballot again (second teller)"), PaperInput,
             PaperEntrySerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        entry = self.get_object()
        data = self.body(PaperInput)
        return self.represent(ballots.paper_confirm(
            actor=request.user, entry_id=entry.pk, choices=data["choices"],
            invalid=data["invalid"]))  # fmt: skip

    @_schema(gettext_lazy("Resolve a mismatch from the paper"), ResolveInput,
             PaperEntrySerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        entry = self.get_object()
        data = self.body(ResolveInput)
        return self.represent(ballots.paper_resolve(
            actor=request.user, entry_id=entry.pk, choices=data["choices"],
            invalid=data["invalid"], note=data["note"]))  # fmt: skip

    @_schema(gettext_lazy("Drop an entry made in error"), VotingNoteInput, PaperEntrySerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        entry = self.get_object()
        data = self.body(VotingNoteInput)
        return self.represent(
            ballots.paper_discard(actor=request.user, entry_id=entry.pk, note=data["note"])
        )


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List the stored ballots of closed votes")),
    retrieve=extend_schema(summary=gettext_lazy("Stored ballot")),
)
class BallotViewSet(ScopedViewSet):
    """Stored ballots, for counting them independently: only of closed votes, no voter."""

    serializer_class = BallotSerializer
    base_queryset = (
        Ballot.objects.filter(vote__state=Vote.State.CLOSED)
        .prefetch_related(
            Prefetch(
                "choices",
                BallotChoice.objects.only("ballot_id", "candidate_id", "choice").order_by(
                    "candidate_id"
                ),
            )
        )  # fmt: skip
        .order_by("vote", "id")
    )
    lookup_value_regex = r"[0-9a-f-]{36}"


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List who has voted")),
    retrieve=extend_schema(summary=gettext_lazy("Who has voted")),
)
class VoterRecordViewSet(ScopedViewSet):
    """Who received or cast a ballot in each vote, never what they voted."""

    serializer_class = VoterRecordSerializer
    base_queryset = VoterRecord.objects.select_related("representative").order_by(
        "vote", "representative__name", "id"
    )
    lookup_value_regex = r"[0-9]{1,18}"


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List adopted projects with their progress")),
    retrieve=extend_schema(summary=gettext_lazy("Adopted project")),
)
class ProjectViewSet(_Base):
    serializer_class = ProjectSerializer
    base_queryset = Candidate.objects.filter(outcome=Candidate.Outcome.ADOPTED).select_related(
        "department"
    ).prefetch_related(Prefetch("proposals", Proposal.objects.only("pk")))  # fmt: skip

    def get_queryset(self):
        return queries.with_progress(super().get_queryset()).order_by("cycle", "rank")

    def _project(self):
        project = self.get_object()
        return project

    def _fresh(self, project):
        return self.represent(queries.with_progress(Candidate.objects.filter(pk=project.pk)).get())

    @_schema(gettext_lazy("Add a milestone"), MilestoneInput, ProjectSerializer)
    @action(detail=True, methods=["post"])
    def milestone(self, request, pk=None):
        project = self._project()
        data = self.body(MilestoneInput)
        projects.milestone_add(actor=request.user, project_id=project.pk, **data)
        return self._fresh(project)

    @_schema(gettext_lazy("Report progress (photos through the desk page)"), ReportInput,
             ProjectSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        project = self._project()
        data = self.body(ReportInput)
        projects.report_submit(actor=request.user, project_id=project.pk, text=data["text"],
                               milestone_id=data["milestone"], progress=data["progress"])  # fmt: skip
        return self._fresh(project)

    @_schema(gettext_lazy("Record a supervision visit"), VisitInput, ProjectSerializer)
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        project = self._project()
        data = self.body(VisitInput)
        projects.visit_record(actor=request.user, project_id=project.pk, date=data["date"],
                              findings=data["findings"], representative_ids=data["deputies"])  # fmt: skip
        return self._fresh(project)

    @_schema(gettext_lazy("Evaluate the project"), EvaluateInput, ProjectSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        project = self._project()
        data = self.body(EvaluateInput)
        projects.evaluation_submit(actor=request.user, project_id=project.pk,
                                   rating=data["rating"], score=data["score"])  # fmt: skip
        return self._fresh(project)


def register(router) -> None:
    """Add this app's viewsets to the portal's API router."""
    router.register("voting-cycles", CycleViewSet, basename="voting-cycle")
    router.register("voting-proposals", ProposalViewSet, basename="voting-proposal")
    router.register("voting-candidates", CandidateViewSet, basename="voting-candidate")
    router.register("voting-votes", VoteViewSet, basename="voting-vote")
    router.register("voting-paper", PaperEntryViewSet, basename="voting-paper")
    router.register("voting-ballots", BallotViewSet, basename="voting-ballot")
    router.register("voting-voters", VoterRecordViewSet, basename="voting-voter")
    router.register("voting-projects", ProjectViewSet, basename="voting-project")
