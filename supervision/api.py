"""REST API of supervision matters. Reads start from ``portal.access`` (``ScopedViewSet``:
the office's jurisdiction, the group's members, the responsible department) and the list's
filters are ``supervision.queries.MatterFilter``; every write calls ``supervision.workflow``.
Serializers check the shape of the input only; ``DomainError``, ``PermissionDenied`` and
``Http404`` become 400, 403 and 404."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from portal import deadlines
from portal.api import ScopedViewSet
from portal.filters import ID_MAX
from supervision import queries, workflow
from supervision.models import Evaluation, GroupMember, Matter, Round, WorkLog

TEXT_MAX = 5000


class SupervisionMemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.display_name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = GroupMember
        fields = ["id", "user", "name", "role", "role_display", "duties", "joined_at", "left_at"]
        read_only_fields = fields


class SupervisionEvaluationSerializer(serializers.ModelSerializer):
    verdict_display = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["verdict", "verdict_display", "checked_on", "findings", "rectification",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class SupervisionRoundSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)
    evaluation = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = ["number", "department", "department_name", "due_on", "rectification",
                  "started_at", "completed_at", "completion_report", "evaluation"]  # fmt: skip
        read_only_fields = fields

    def get_evaluation(self, round_) -> dict | None:
        evaluation = getattr(round_, "evaluation", None)
        return SupervisionEvaluationSerializer(evaluation).data if evaluation else None


class SupervisionLogSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = WorkLog
        fields = ["id", "round", "kind", "kind_display", "happened_on", "text", "author_name",
                  "created_at"]  # fmt: skip
        read_only_fields = fields


class SupervisionMatterSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    department_name = serializers.SerializerMethodField()
    deadline_light = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Deadline hint: red overdue, yellow due within three days, empty string no hint"
        )
    )

    class Meta:
        model = Matter
        fields = [
            "id", "title", "description", "region", "region_name", "source", "state",
            "state_display", "classification", "studied_on", "study_decision", "explanation",
            "department", "department_name", "round", "due_on", "deadline_light", "result",
            "published", "published_title", "published_summary", "created_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields
        # Blank until the study classifies the matter: the schema says so (a read-only field
        # drops the model's blank=True).
        extra_kwargs = {"classification": {"allow_blank": True}}

    def get_department_name(self, matter) -> str | None:
        return matter.department.name if matter.department_id else None

    def get_deadline_light(self, matter) -> str:
        light = queries.deadline_light(matter)
        return deadlines.API_LIGHTS[light]


class SupervisionMatterDetailSerializer(SupervisionMatterSerializer):
    members = serializers.SerializerMethodField()
    rounds = SupervisionRoundSerializer(many=True, read_only=True)
    logs = SupervisionLogSerializer(many=True, read_only=True)
    issues = serializers.SerializerMethodField(
        help_text=gettext_lazy("Tracking codes of the linked citizen issues")
    )

    class Meta(SupervisionMatterSerializer.Meta):
        fields = [*SupervisionMatterSerializer.Meta.fields, "members", "rounds", "logs", "issues"]
        read_only_fields = fields

    def get_members(self, matter) -> list[dict]:
        group = getattr(matter, "group", None)
        if group is None:
            return []
        return SupervisionMemberSerializer(group.members.select_related("user"), many=True).data

    def get_issues(self, matter) -> list[str]:
        return [link.petition.tracking_code for link in matter.links.all()]


# --- input (shape only) -------------------------------------------------------------------


def _text(**kwargs):
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)


def _id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


class SupervisionMatterCreateInput(serializers.Serializer):
    region = _id(help_text=gettext_lazy("Id of the matter's region"))
    title = serializers.CharField(max_length=100)
    description = _text()
    petitions = serializers.ListField(child=_id(), max_length=500, required=False, default=list)
    source = serializers.ChoiceField(choices=Matter.Source.choices, required=False)


class SupervisionStudyInput(serializers.Serializer):
    studied_on = serializers.DateField()
    classification = serializers.ChoiceField(choices=Matter.Classification.choices)
    decision = _text()
    explanation = _text(allow_blank=True, default="")


class SupervisionMemberInput(serializers.Serializer):
    user = _id()
    role = serializers.ChoiceField(choices=GroupMember.Role.choices, default="member")
    duties = serializers.CharField(max_length=200, allow_blank=True, default="")


class SupervisionGroupInput(serializers.Serializer):
    duties = _text(allow_blank=True, default="")
    members = SupervisionMemberInput(many=True, allow_empty=False, max_length=100)


class SupervisionLeaveInput(serializers.Serializer):
    member = _id(help_text=gettext_lazy("Id of the membership"))
    reason = serializers.CharField(max_length=500, allow_blank=True, default="")


class SupervisionStartInput(serializers.Serializer):
    department = _id()
    due_on = serializers.DateField()


class SupervisionLogInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WorkLog.Kind.choices)
    happened_on = serializers.DateField()
    text = _text()


class SupervisionReportInput(serializers.Serializer):
    report = _text()


class SupervisionEvaluateInput(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, max_value=1000)
    verdict = serializers.ChoiceField(choices=Evaluation.Verdict.choices)
    checked_on = serializers.DateField()
    findings = _text()
    result = _text(allow_blank=True, default="")
    rectification = _text(allow_blank=True, default="")
    new_due_on = serializers.DateField(required=False, allow_null=True, default=None)


class SupervisionPublishInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    summary = _text()


WRITE_ERRORS = {
    400: OpenApiResponse(description=gettext_lazy(
        "Invalid input or not allowed in the current state; field errors attached")),
    403: OpenApiResponse(description=gettext_lazy("No permission for this operation")),
    404: OpenApiResponse(description=gettext_lazy(
        "The object does not exist or is outside the caller's scope")),
}  # fmt: skip


def _schema(summary, request):
    return extend_schema(summary=summary, request=request,
                         responses={200: SupervisionMatterSerializer, **WRITE_ERRORS})  # fmt: skip


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("List supervision matters")),
    retrieve=extend_schema(summary=gettext_lazy("Supervision matter details"),
                           responses=SupervisionMatterDetailSerializer),
    create=extend_schema(summary=gettext_lazy("Put a matter on the supervision list"),
                         request=SupervisionMatterCreateInput,
                         responses={201: SupervisionMatterSerializer, **WRITE_ERRORS}),
)  # fmt: skip
class MatterViewSet(ScopedViewSet):
    """Supervision matters (督事): read within scope; each role acts through the workflow."""

    serializer_class = SupervisionMatterSerializer
    base_queryset = Matter.objects.select_related("region", "department").order_by("-id")
    filterset_class = queries.MatterFilter
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_serializer_class(self):
        return (
            SupervisionMatterDetailSerializer
            if self.action == "retrieve"
            else SupervisionMatterSerializer
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related(
                Prefetch("rounds", Round.objects.select_related("department", "evaluation")),
                Prefetch("logs", WorkLog.objects.select_related("author")),
                "links__petition",
            )
        return queryset

    def _body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def _done(self, matter, code=status.HTTP_200_OK) -> Response:
        matter = queries.matter_for(self.request.user, matter.pk)
        return Response(SupervisionMatterSerializer(matter).data, status=code)

    def create(self, request):
        data = self._body(SupervisionMatterCreateInput)
        matter = workflow.matter_create(
            actor=request.user, region_id=data["region"], title=data["title"],
            description=data["description"], petition_ids=data["petitions"],
            source=data.get("source"),
        )  # fmt: skip
        return self._done(matter, status.HTTP_201_CREATED)

    @_schema(gettext_lazy("Record the study and classification"), SupervisionStudyInput)
    @action(detail=True, methods=["post"])
    def study(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionStudyInput)
        return self._done(workflow.matter_study(actor=request.user, matter_id=matter.pk, **data))

    @_schema(gettext_lazy("Form the supervision group (exactly one leader)"), SupervisionGroupInput)
    @action(detail=True, methods=["post"])
    def group(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionGroupInput)
        members = [(m["user"], m["role"], m["duties"]) for m in data["members"]]
        workflow.matter_form_group(actor=request.user, matter_id=matter.pk,
                                   duties=data["duties"], members=members)  # fmt: skip
        return self._done(matter)

    @_schema(gettext_lazy("Add a member to the group"), SupervisionMemberInput)
    @action(detail=True, methods=["post"], url_path="members")
    def add_member(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionMemberInput)
        workflow.matter_add_member(actor=request.user, matter_id=matter.pk, user_id=data["user"],
                                   role=data["role"], duties=data["duties"])  # fmt: skip
        return self._done(matter)

    @_schema(gettext_lazy("A member leaves the group"), SupervisionLeaveInput)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionLeaveInput)
        workflow.matter_remove_member(actor=request.user, matter_id=matter.pk,
                                      member_id=data["member"], reason=data["reason"])  # fmt: skip
        return self._done(matter)

    @_schema(
        gettext_lazy("Hand to the responsible department with a deadline"), SupervisionStartInput
    )
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionStartInput)
        return self._done(workflow.matter_start(
            actor=request.user, matter_id=matter.pk, department_id=data["department"],
            due_on=data["due_on"]))  # fmt: skip

    @_schema(gettext_lazy("Log work (group) or report progress (department)"), SupervisionLogInput)
    @action(detail=True, methods=["post"])
    def log(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionLogInput)
        workflow.matter_log(actor=request.user, matter_id=matter.pk, **data)
        return self._done(matter)

    @_schema(gettext_lazy("Report the round's work done (department)"), SupervisionReportInput)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionReportInput)
        return self._done(workflow.matter_report_completion(
            actor=request.user, matter_id=matter.pk, report=data["report"]))  # fmt: skip

    @_schema(
        gettext_lazy("Evaluate the round (group; one evaluation per round)"),
        SupervisionEvaluateInput,
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionEvaluateInput)
        workflow.matter_evaluate(
            actor=request.user, matter_id=matter.pk, round_number=data["round"],
            verdict=data["verdict"], checked_on=data["checked_on"], findings=data["findings"],
            result=data["result"], rectification=data["rectification"],
            new_due_on=data["new_due_on"],
        )  # fmt: skip
        return self._done(matter)

    @_schema(gettext_lazy("Publish a closed matter anonymized"), SupervisionPublishInput)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        matter = self.get_object()
        data = self._body(SupervisionPublishInput)
        return self._done(workflow.matter_publish(actor=request.user, matter_id=matter.pk,
                                                  **data))  # fmt: skip


def register(router) -> None:
    """Add this app's viewsets to the portal's API router."""
    router.register("supervision-matters", MatterViewSet, basename="supervision-matter")
