"""REST endpoints of deputies' suggestions.

Reads start from ``portal.access`` (``ScopedViewSet``) and lists are filtered by the
filter sets of ``queries`` (the desk list's too); every write calls
``supervision.suggestions.workflow``. Serializers check the shape of the input only;
``DomainError``, ``PermissionDenied`` and ``Http404`` become 400, 403 and 404 in the
portal's exception handler.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from portal import deadlines
from portal.api import ScopedViewSet, path_id, valid_input
from portal.filters import ID_MAX
from supervision.suggestions import queries, workflow
from supervision.suggestions.models import (
    Category,
    Review,
    Satisfaction,
    Session,
    Suggestion,
)

TEXT_MAX = 5000
LIGHTS = deadlines.API_LIGHTS


class SuggestionSessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "region", "name", "opens_on", "closes_on"]


class SuggestionSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    label = serializers.CharField(read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    session_name = serializers.SerializerMethodField()
    lead_unit_name = serializers.SerializerMethodField()
    deadline_light = serializers.SerializerMethodField(
        help_text=_("red overdue, yellow due soon, empty otherwise")
    )

    class Meta:
        model = Suggestion
        fields = [
            "id", "label", "number", "period", "session", "session_name", "region", "title",
            "content", "category", "category_display", "state", "state_display", "lead",
            "lead_name", "lead_unit", "lead_unit_name", "lead_leader", "round", "due_on",
            "deadline_light", "reply_class", "replied_in_time", "reply_rating",
            "implementation_rating", "is_key", "submitted_at", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields
        # not yet replied or rated: blank, as the model allows
        extra_kwargs = {
            name: {"allow_blank": True}
            for name in ("reply_class", "reply_rating", "implementation_rating")
        }

    def get_session_name(self, s) -> str | None:
        return s.session.name if s.session_id else None

    def get_lead_unit_name(self, s) -> str | None:
        return s.lead_unit.name if s.lead_unit_id else None

    def get_deadline_light(self, s) -> str:
        return LIGHTS[queries.deadline_light(s, self.context.get("today"))]


def _text(**kwargs):
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)


class SuggestionDraftInput(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    content = serializers.CharField(max_length=20000)
    category = serializers.ChoiceField(choices=Category.choices)
    session = serializers.IntegerField(min_value=1, max_value=ID_MAX, required=False)
    region = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, required=False,
        help_text=_("The congress addressed, for a suggestion between sessions"),
    )  # fmt: skip
    cosigners = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=50, default=list
    )

    def validate(self, attrs):
        if not attrs.get("session") and not attrs.get("region"):
            raise serializers.ValidationError({"session": [_("Give the session or the region.")]})
        return attrs


class SuggestionNoteInput(serializers.Serializer):
    note = _text(allow_blank=True, default="")


class SuggestionRequiredNoteInput(serializers.Serializer):
    note = _text()


class SuggestionFirstReviewInput(serializers.Serializer):
    passed = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=Review.Reason.choices, required=False, default="")
    note = _text(allow_blank=True, default="")


class SuggestionReturnInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Review.Reason.choices)
    note = _text(allow_blank=True, default="")


class SuggestionTextInput(serializers.Serializer):
    text = _text()


class SuggestionAssignInput(serializers.Serializer):
    lead_unit = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    co_units = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX), max_length=20, default=list
    )
    lead_leader = serializers.CharField(max_length=64)
    received_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = _text(allow_blank=True, default="")


class SuggestionReplyInput(serializers.Serializer):
    reply_class = serializers.ChoiceField(choices=[])
    text = serializers.CharField(max_length=20000)
    signed_off_by = serializers.CharField(max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The classes in use are a setting: read them when the input is built.
        self.fields["reply_class"].choices = workflow.reply_classes()


class SuggestionRateInput(serializers.Serializer):
    reply_rating = serializers.ChoiceField(choices=Satisfaction.choices)
    implementation_rating = serializers.ChoiceField(choices=Satisfaction.choices)
    reply_comment = _text(allow_blank=True, default="")
    implementation_comment = _text(allow_blank=True, default="")


class SuggestionExtensionInput(serializers.Serializer):
    months = serializers.IntegerField(min_value=1, max_value=deadlines.SUGGESTION_CAP_MONTHS)
    reason = _text()


class SuggestionDecisionInput(serializers.Serializer):
    approve = serializers.BooleanField()
    note = _text(allow_blank=True, default="")


# drf-spectacular leaves out the description and bounds of a filter whose schema is declared
# on its class (``RegionSubtreeFilter``, ``IdFilter``): state them for the lists here.
REGION_PARAM = OpenApiParameter(
    "region", int, description=_("Only list records of this region and the regions below it")
)
SESSION_PARAM = OpenApiParameter(
    "session", {"type": "integer", "format": "int64", "minimum": 1, "maximum": ID_MAX}
)
LIST_PARAMS = [
    REGION_PARAM,
    SESSION_PARAM,
    OpenApiParameter("overdue", bool, description=_("Overdue only")),
    OpenApiParameter("key", bool, description=_("Key supervision only")),
    OpenApiParameter("unit_work", bool, description=_("Only my unit's work")),
]


def _schema(summary, request):
    return extend_schema(summary=summary, request=request, responses={200: SuggestionSerializer})


@extend_schema_view(
    list=extend_schema(summary=_("List deputies' suggestions"), parameters=LIST_PARAMS),
    retrieve=extend_schema(summary=_("Suggestion details")),
    create=extend_schema(summary=_("Draft a suggestion (deputies)"), request=SuggestionDraftInput,
                         responses={201: SuggestionSerializer}),
)  # fmt: skip
class SuggestionViewSet(ScopedViewSet):
    """Deputies' suggestions within the caller's scope; writes are workflow functions."""

    serializer_class = SuggestionSerializer
    filterset_class = queries.SuggestionFilter
    base_queryset = Suggestion.objects.select_related(
        "region", "session", "lead", "lead_unit"
    ).order_by("-id")
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def _body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def _represent(self, pk, status_code=status.HTTP_200_OK) -> Response:
        s = queries.suggestion_for(self.request.user, pk)
        return Response(
            SuggestionSerializer(s, context=self.get_serializer_context()).data, status=status_code
        )

    def _run(self, serializer_class, call):
        suggestion = self.get_object()  # 404 outside the scope, before the body is read
        data = self._body(serializer_class)
        call(suggestion.pk, data)
        return self._represent(suggestion.pk)

    def create(self, request, *args, **kwargs):
        data = self._body(SuggestionDraftInput)
        s = workflow.suggestion_draft(
            actor=request.user, title=data["title"], content=data["content"],
            category=data["category"], session_id=data.get("session"),
            region_id=data.get("region"), cosigner_ids=data["cosigners"],
        )  # fmt: skip
        return self._represent(s.pk, status.HTTP_201_CREATED)

    @_schema(_("Submit or resubmit"), SuggestionNoteInput)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._run(
            SuggestionNoteInput,
            lambda i, d: workflow.suggestion_submit(actor=request.user, suggestion_id=i),
        )

    @_schema(_("First review by the township congress"), SuggestionFirstReviewInput)
    @action(detail=True, methods=["post"], url_path="first-review")
    def first_review(self, request, pk=None):
        return self._run(SuggestionFirstReviewInput, lambda i, d: workflow.suggestion_first_review(
            actor=request.user, suggestion_id=i, **d))  # fmt: skip

    @_schema(_("Accept"), SuggestionNoteInput)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._run(
            SuggestionNoteInput,
            lambda i, d: workflow.suggestion_accept(actor=request.user, suggestion_id=i, **d),
        )

    @_schema(_("Return for revision"), SuggestionReturnInput)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._run(
            SuggestionReturnInput,
            lambda i, d: workflow.suggestion_return(actor=request.user, suggestion_id=i, **d),
        )

    @_schema(_("Answer by explanation"), SuggestionTextInput)
    @action(detail=True, methods=["post"])
    def explain(self, request, pk=None):
        return self._run(
            SuggestionTextInput,
            lambda i, d: workflow.suggestion_explain(actor=request.user, suggestion_id=i, **d),
        )

    @_schema(_("Convert to another channel"), SuggestionRequiredNoteInput)
    @action(detail=True, methods=["post"])
    def convert(self, request, pk=None):
        return self._run(
            SuggestionRequiredNoteInput,
            lambda i, d: workflow.suggestion_convert(actor=request.user, suggestion_id=i, **d),
        )

    @_schema(_("Assign to handling units"), SuggestionAssignInput)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self._run(SuggestionAssignInput, lambda i, d: workflow.suggestion_assign(
            actor=request.user, suggestion_id=i, lead_unit_id=d["lead_unit"], co_unit_ids=d["co_units"],
            lead_leader=d["lead_leader"], received_on=d["received_on"], note=d["note"]))  # fmt: skip

    @_schema(_("Reply by the lead unit"), SuggestionReplyInput)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        return self._run(
            SuggestionReplyInput,
            lambda i, d: workflow.suggestion_reply(actor=request.user, suggestion_id=i, **d),
        )

    @_schema(_("Rate the reply and the implementation"), SuggestionRateInput)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        return self._run(
            SuggestionRateInput,
            lambda i, d: workflow.suggestion_rate(actor=request.user, suggestion_id=i, **d),
        )

    @_schema(_("Ask for an extension"), SuggestionExtensionInput)
    @action(detail=True, methods=["post"])
    def extension(self, request, pk=None):
        return self._run(SuggestionExtensionInput, lambda i, d: workflow.suggestion_request_extension(
            actor=request.user, suggestion_id=i, **d))  # fmt: skip

    @_schema(_("Approve or refuse the extension"), SuggestionDecisionInput)
    @action(detail=True, methods=["post"], url_path="decide-extension")
    def decide_extension(self, request, pk=None):
        return self._run(SuggestionDecisionInput, lambda i, d: workflow.suggestion_decide_extension(
            actor=request.user, suggestion_id=i, **d))  # fmt: skip


class SessionInput(serializers.Serializer):
    region = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        help_text=_("The congress's region (inside your jurisdiction)"),
    )
    name = serializers.CharField(max_length=100, help_text=_("e.g. 象山县第十八届人大第三次会议"))
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()


@extend_schema_view(
    list=extend_schema(summary=_("List congress sessions"), parameters=[REGION_PARAM]),
    retrieve=extend_schema(summary=_("Congress session details")),
    create=extend_schema(summary=_("Add a congress session"), request=SessionInput,
                         responses={201: SuggestionSessionSerializer}),
    partial_update=extend_schema(summary=_("Correct a congress session"),
                                 request=SessionInput(partial=True),
                                 responses={200: SuggestionSessionSerializer}),
)  # fmt: skip
class SuggestionSessionViewSet(ScopedViewSet):
    """Congress sessions: suggestions are numbered per session; the office of a congress
    adds and corrects its own."""

    serializer_class = SuggestionSessionSerializer
    filterset_class = queries.SessionFilter
    base_queryset = Session.objects.order_by("-opens_on", "id")
    parser_classes = [JSONParser]

    def create(self, request):
        data = valid_input(SessionInput, request)
        session = workflow.session_create(
            actor=request.user, region_id=data["region"], name=data["name"],
            opens_on=data["opens_on"], closes_on=data["closes_on"],
        )  # fmt: skip
        return Response(self.get_serializer(session).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = valid_input(SessionInput, request, partial=True)
        session = workflow.session_update(actor=request.user, session_id=path_id(pk), data=data)
        return Response(self.get_serializer(session).data)


def register(router) -> None:
    """Add this app's viewsets to the portal's API router."""
    router.register("suggestions", SuggestionViewSet, basename="suggestion")
    router.register("suggestion-sessions", SuggestionSessionViewSet, basename="suggestion-session")
