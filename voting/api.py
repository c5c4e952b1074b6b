"""REST endpoints of voting: cycles, proposals, candidates, votes (with the deputy's ballot
and the tellers' paper entries), stored ballots, who voted, and adopted projects.

Reads start from ``portal.access`` (``ScopedViewSet``) and each list's filters are declared
once in ``voting.queries``; writes call the workflow functions; serializers are in
``voting.serializers``. Stored ballots are listed only once their vote has closed, and carry
no voter, no time and no channel (the channel is on who voted); the list of who voted carries
no ballot.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from portal import access
from portal.api import ScopedViewSet
from voting import ballots, projects, queries, workflow
from voting.models import (
    Ballot,
    BallotChoice,
    Candidate,
    Cycle,
    PaperEntry,
    Proposal,
    Vote,
    VoterRecord,
)
from voting.serializers import (
    AdvanceInput,
    BallotInput,
    BallotSerializer,
    CandidateInput,
    CandidateSerializer,
    CycleCreateInput,
    CycleSerializer,
    DeputiesInput,
    EvaluateInput,
    EvaluationLineOutput,
    MergeInput,
    MilestoneInput,
    PaperEnterInput,
    PaperEntrySerializer,
    PaperInput,
    PrepareInput,
    ProjectSerializer,
    ProposalInput,
    ProposalSerializer,
    ReceiptOutput,
    ReportInput,
    ResolveInput,
    VisitInput,
    VoterRecordSerializer,
    VoteSerializer,
    VotingNoteInput,
    VotingReasonInput,
)

ERRORS = {
    400: OpenApiResponse(description=gettext_lazy("Invalid input or not allowed now")),
    403: OpenApiResponse(description=gettext_lazy("No permission for this operation")),
    404: OpenApiResponse(description=gettext_lazy("Not found or outside the caller's scope")),
}


def _schema(summary, request, response, code=status.HTTP_200_OK):
    """The schema of a write: ``code`` is the status it answers on success (201 when it
    creates a record)."""
    return extend_schema(summary=summary, request=request, responses={code: response, **ERRORS})


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
    list=extend_schema(summary=gettext_lazy("List selection cycles")),
    retrieve=extend_schema(summary=gettext_lazy("Selection cycle details")),
    create=_schema(gettext_lazy("Open a selection cycle"), CycleCreateInput, CycleSerializer, 201),
)
class CycleViewSet(_Base):
    serializer_class = CycleSerializer
    base_queryset = Cycle.objects.select_related("region").order_by("-year", "id")
    filterset_class = queries.CycleFilter

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

    # One line per adopted project, all at once: no paging, no list filters.
    @extend_schema(summary=gettext_lazy("Evaluation results of the adopted projects"),
                   responses={200: EvaluationLineOutput(many=True)}, filters=False)  # fmt: skip
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
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
    list=extend_schema(summary=gettext_lazy("List proposals")),
    retrieve=extend_schema(summary=gettext_lazy("Proposal details")),
    create=_schema(gettext_lazy("Enter a proposal"), ProposalInput, ProposalSerializer, 201),
)
class ProposalViewSet(_Base):
    serializer_class = ProposalSerializer
    base_queryset = Proposal.objects.select_related("region").order_by("cycle", "-support", "id")
    filterset_class = queries.ProposalFilter

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
    list=extend_schema(summary=gettext_lazy("List candidate projects")),
    retrieve=extend_schema(summary=gettext_lazy("Candidate project details")),
    create=_schema(
        gettext_lazy("Add a candidate project"), CandidateInput, CandidateSerializer, 201
    ),
)
class CandidateViewSet(_Base):
    serializer_class = CandidateSerializer
    base_queryset = (
        Candidate.objects.select_related("department")
        .prefetch_related(Prefetch("proposals", Proposal.objects.only("pk")))
        .order_by("cycle", "number")
    )
    filterset_class = queries.CandidateFilter

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
    list=extend_schema(summary=gettext_lazy("List votes")),
    retrieve=extend_schema(summary=gettext_lazy("Vote details with the frozen tally")),
    create=_schema(
        gettext_lazy("Prepare the first round of a cycle's vote"),
        PrepareInput,
        VoteSerializer,
        201,
    ),
)
class VoteViewSet(_Base):
    serializer_class = VoteSerializer
    base_queryset = Vote.objects.prefetch_related(
        Prefetch("candidates", Candidate.objects.only("pk"))
    ).order_by("cycle", "round")
    filterset_class = queries.VoteFilter

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

    @_schema(gettext_lazy("Prepare the run-off of a tied round"), None, VoteSerializer, 201)
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

    @_schema(gettext_lazy("Cast my ballot"), BallotInput, ReceiptOutput, 201)
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
             PaperEntrySerializer, 201)  # fmt: skip
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
    filterset_class = queries.PaperEntryFilter

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

    history = None  # a ballot is anonymous and never changes
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
    filterset_class = queries.BallotFilter


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
    filterset_class = queries.VoterRecordFilter


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List adopted projects with their progress")),
    retrieve=extend_schema(summary=gettext_lazy("Adopted project")),
)
class ProjectViewSet(_Base):
    serializer_class = ProjectSerializer
    base_queryset = Candidate.objects.filter(outcome=Candidate.Outcome.ADOPTED).select_related(
        "department"
    ).prefetch_related(Prefetch("proposals", Proposal.objects.only("pk")))  # fmt: skip

    filterset_class = queries.ProjectFilter

    def get_queryset(self):
        return queries.with_progress(super().get_queryset()).order_by("cycle", "rank")

    def _fresh(self, project):
        return self.represent(queries.with_progress(Candidate.objects.filter(pk=project.pk)).get())

    @_schema(gettext_lazy("Add a milestone"), MilestoneInput, ProjectSerializer)
    @action(detail=True, methods=["post"])
    def milestone(self, request, pk=None):
        project = self.get_object()
        data = self.body(MilestoneInput)
        projects.milestone_add(actor=request.user, project_id=project.pk, **data)
        return self._fresh(project)

    @_schema(gettext_lazy("Report progress (photos through the desk page)"), ReportInput,
             ProjectSerializer)  # fmt: skip
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        project = self.get_object()
        data = self.body(ReportInput)
        projects.report_submit(actor=request.user, project_id=project.pk, text=data["text"],
                               milestone_id=data["milestone"], progress=data["progress"])  # fmt: skip
        return self._fresh(project)

    @_schema(gettext_lazy("Record a supervision visit"), VisitInput, ProjectSerializer)
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        project = self.get_object()
        data = self.body(VisitInput)
        projects.visit_record(actor=request.user, project_id=project.pk, date=data["date"],
                              findings=data["findings"], representative_ids=data["deputies"])  # fmt: skip
        return self._fresh(project)

    @_schema(gettext_lazy("Evaluate the project"), EvaluateInput, ProjectSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        project = self.get_object()
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
