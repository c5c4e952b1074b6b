"""Serializers of the voting API: representations (read-only) and inputs that validate
shape only (the workflow functions hold the rules).

A stored ballot's representation carries no voter, no time and no channel (the channel is on
who voted); who voted carries no ballot.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal import access
from voting import ballots, queries
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


@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^\d{1,10}(?:\.\d{1,2})?$",
        "example": "120.50",
    }
)
class BudgetField(serializers.DecimalField):
    """A budget in 10,000 yuan: at least 0, at most ten whole digits and two decimals. The
    schema says so; DRF's own pattern would also allow "", "." and negative amounts."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=12, decimal_places=2, min_value=0, **kwargs)


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
        # The model allows a blank outcome: the schema says so (a read-only field drops it).
        extra_kwargs = {"outcome": {"allow_blank": True}}


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
    budget = BudgetField()
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


class EvaluationLineOutput(serializers.Serializer):
    """One adopted project's evaluation result (``queries.EvaluationLine``)."""

    project = serializers.IntegerField(help_text=gettext_lazy("Id of the adopted project"))
    title = serializers.CharField()
    rated = serializers.IntegerField(min_value=0)
    satisfied = serializers.IntegerField(min_value=0)
    basically = serializers.IntegerField(min_value=0)
    unsatisfied = serializers.IntegerField(min_value=0)
    rate = serializers.FloatField(
        allow_null=True,
        help_text=gettext_lazy("Satisfied and basically satisfied, in percent of those rated"),
    )
    average = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Average score, when the cycle scores")
    )
    verdict = serializers.ChoiceField(
        choices=Rating.choices,
        allow_blank=True,
        help_text=gettext_lazy("Verdict by the Zhenhai rule; empty under other rules"),
    )


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
