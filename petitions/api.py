"""REST API of citizen issues for the congress office and the handling units.

Reads start from ``portal.access`` (``ScopedViewSet``); every write calls
``petitions.workflow``. Serializers check the shape of the input only; ``DomainError``,
``PermissionDenied`` and ``Http404`` become 400, 403 and 404. The citizen's name and phone are
masked except for the office that manages the region and the assigned handling unit.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from petitions import queries, workflow
from petitions.forms_desk import ENTRY_CHANNELS
from petitions.models import (
    Category,
    Channel,
    Petition,
    PetitionPhoto,
    PetitionRating,
    PetitionReply,
    Rating,
)
from portal import access, deadlines
from portal.api import REGION_PARAM, ScopedViewSet
from portal.models import Region

TEXT_MAX = 5000
MAX_ID = 2**63 - 1
LIGHTS = deadlines.API_LIGHTS


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- representations ----------------------------------------------------------------


class PetitionSerializer(serializers.ModelSerializer):
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    station_name = serializers.SerializerMethodField()
    department_name = serializers.SerializerMethodField()
    citizen_name = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Full name for congress office staff of the region and the handling unit; masked for everyone else"
        )
    )
    citizen_phone = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Full number for congress office staff of the region and the handling unit; masked for everyone else"
        )
    )
    deadline_light = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Reply deadline hint: red overdue, yellow due within three days, empty string no hint"
        )
    )
    overdue = serializers.SerializerMethodField(
        help_text=gettext_lazy("Whether the handling unit is past the reply deadline")
    )

    class Meta:
        model = Petition
        fields = [
            "id", "tracking_code", "channel", "channel_display", "category", "category_display",
            "title", "description", "region", "region_name", "station", "station_name", "state",
            "state_display", "department", "department_name", "round", "due_on", "deadline_light",
            "overdue", "citizen_name", "citizen_phone", "wants_feedback", "submitted_at",
            "closed_at", "duplicate_of", "public_reason", "published", "published_title",
            "published_summary",
        ]  # fmt: skip
        read_only_fields = fields

    def get_station_name(self, petition) -> str | None:
        return petition.station.name if petition.station_id else None

    def get_department_name(self, petition) -> str | None:
        return petition.department.name if petition.department_id else None

    def get_citizen_name(self, petition) -> str:
        if queries.may_see_citizen(_user(self), petition):
            return petition.citizen_name
        return petition.masked_name

    def get_citizen_phone(self, petition) -> str:
        if queries.may_see_citizen(_user(self), petition):
            return petition.citizen_phone
        return petition.masked_phone

    def get_deadline_light(self, petition) -> str:
        return LIGHTS[queries.deadline_light(petition, self.context.get("today"))]

    def get_overdue(self, petition) -> bool:
        return queries.deadline_light(petition, self.context.get("today")) == queries.LIGHT_RED


class ReplySerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    department_name = serializers.SerializerMethodField()
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = PetitionReply
        fields = [
            "id", "round", "kind", "kind_display", "department", "department_name", "text",
            "author_name", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_department_name(self, reply) -> str | None:
        return reply.department.name if reply.department_id else None


class RatingSerializer(serializers.ModelSerializer):
    rating_display = serializers.CharField(source="get_rating_display", read_only=True)
    via_display = serializers.CharField(source="get_via_display", read_only=True)

    class Meta:
        model = PetitionRating
        fields = [
            "id", "round", "rating", "rating_display", "comment", "via", "via_display", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class PhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Photo URL (login required; served according to permissions)")
    )

    class Meta:
        model = PetitionPhoto
        fields = ["id", "width", "height", "url"]
        read_only_fields = fields

    def get_url(self, photo) -> str:
        return reverse("petitions_desk:petition_photo", args=[photo.pk])


class PetitionDetailSerializer(PetitionSerializer):
    replies = ReplySerializer(many=True, read_only=True)
    ratings = RatingSerializer(many=True, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta(PetitionSerializer.Meta):
        fields = [*PetitionSerializer.Meta.fields, "replies", "ratings", "photos"]
        read_only_fields = fields


# --- input (shape only) -------------------------------------------------------------


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_MAX, **kwargs)


class PetitionCreateSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        help_text=gettext_lazy(
            "hotline: hotline, letter: letter, visit: visit to the office, online_station: online liaison station"
        ),
    )
    region = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=gettext_lazy(
            "Id of the region where the problem is (must be within the jurisdiction the caller manages)"
        ),
    )
    category = serializers.ChoiceField(choices=Category.choices)
    title = serializers.CharField(max_length=100)
    description = _text()
    citizen_name = serializers.CharField(max_length=64, allow_blank=True, default="")
    citizen_phone = serializers.CharField(max_length=20, allow_blank=True, default="")
    wants_feedback = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy("Whether the citizen wants to be told the result by SMS"),
    )

    def validate_channel(self, value):
        if value not in ENTRY_CHANNELS:
            raise ValidationError(
                _("Staff enter issues received by hotline, letter, visit or the online station.")
            )
        return value


class NoteInput(serializers.Serializer):
    note = _text(allow_blank=True, default="", help_text=gettext_lazy("Optional note"))


class ReasonInput(serializers.Serializer):
    reason = _text(
        help_text=gettext_lazy(
            "Reason (visible to the citizen when the issue is not accepted or cannot be resolved)"
        )
    )


class DuplicateInput(serializers.Serializer):
    original_id = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=gettext_lazy("Original issue id")
    )
    original_code = serializers.CharField(
        max_length=12,
        required=False,
        help_text=gettext_lazy("Tracking code of the original issue (either this or original_id)"),
    )

    def validate(self, attrs):
        if not attrs.get("original_id") and not attrs.get("original_code"):
            raise ValidationError({"original_id": [_("Give the original issue.")]})
        return attrs


class TextInput(serializers.Serializer):
    text = _text(help_text=gettext_lazy("Reply text (visible to the citizen)"))


class ForwardInput(serializers.Serializer):
    department = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=gettext_lazy(
            "Handling unit id (a unit of the issue's region or of a region above it)"
        ),
    )
    note = _text(allow_blank=True, default="", help_text=gettext_lazy("Optional note"))


class CloseInput(serializers.Serializer):
    resolved = serializers.BooleanField(
        help_text=gettext_lazy(
            "true: closed as resolved; false: closed as unresolved, a reason is required"
        )
    )
    reason = _text(
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Reason visible to the citizen when unresolved"),
    )


class RateInput(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(
        max_length=2000,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required when unsatisfied: the problems that remain"),
    )


class PublishInput(serializers.Serializer):
    title = serializers.CharField(
        max_length=100,
        help_text=gettext_lazy("Published title (without the citizen's personal information)"),
    )
    summary = _text(
        help_text=gettext_lazy("Published outcome (without the citizen's personal information)")
    )


class PetitionFilter(serializers.Serializer):
    state = serializers.ChoiceField(choices=Petition.State.choices, required=False)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    department = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=gettext_lazy("Handling unit id")
    )
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("Only list issues past the reply deadline"),
    )


# --- the viewset --------------------------------------------------------------------

WRITE_ERRORS = {
    400: OpenApiResponse(
        description=gettext_lazy(
            "Invalid input or not allowed in the current state; field errors attached"
        )
    ),
    403: OpenApiResponse(description=gettext_lazy("No permission for this operation")),
    404: OpenApiResponse(
        description=gettext_lazy("The object does not exist or is outside the caller's scope")
    ),
}


def _action_schema(summary: str, request, description: str = ""):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: PetitionSerializer, **WRITE_ERRORS},
    )


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List citizen issues"), parameters=[REGION_PARAM, PetitionFilter]
    ),
    retrieve=extend_schema(
        summary=gettext_lazy("Citizen issue details"), responses=PetitionDetailSerializer
    ),
    create=extend_schema(
        summary=gettext_lazy(
            "Enter a citizen issue (hotline, letter, visit, online liaison station)"
        ),
        request=PetitionCreateSerializer,
        responses={201: PetitionSerializer, **WRITE_ERRORS},
    ),
)
class PetitionViewSet(ScopedViewSet):
    """Citizen issues: read within scope; the office and the handling units act on them."""

    serializer_class = PetitionSerializer
    base_queryset = Petition.objects.select_related("region", "department", "station").order_by(
        "-id"
    )
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_serializer_class(self):
        return PetitionDetailSerializer if self.action == "retrieve" else PetitionSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.prefetch_related(
                Prefetch("replies", PetitionReply.objects.select_related("author", "department")),
                Prefetch("ratings", PetitionRating.objects.order_by("round", "id")),
                "photos",
            )
        if self.action != "list":
            return queryset
        queryset = self.region_subtree(queryset, "region")
        params = PetitionFilter(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        lookups = {"state": "state", "category": "category", "department": "department_id"}
        for name, lookup in lookups.items():
            if data.get(name) is not None:
                queryset = queryset.filter(**{lookup: data[name]})
        if data.get("overdue"):
            queryset = queryset.filter(queries.overdue_q())
        return queryset

    # --- helpers ---

    def _body(self, serializer_class) -> dict:
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def _office_petition(self) -> Petition:
        """Return the issue in scope (else 404) when the user's office manages its region
        (else 403), before the body is read."""
        petition = self.get_object()
        if not access.can_by_region(self.request.user, access.MANAGE, petition):
            raise PermissionDenied(_("Only the congress office of the region does this."))
        return petition

    def _unit_petition(self) -> Petition:
        petition = self.get_object()
        access.require(self.request.user, access.MANAGE, petition)
        return petition

    def _represent(self, petition: Petition, status_code: int = status.HTTP_200_OK) -> Response:
        petition = Petition.objects.select_related("region", "department", "station").get(
            pk=petition.pk
        )
        serializer = PetitionSerializer(petition, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    # --- writes ---

    def create(self, request, *args, **kwargs):
        if not queries.may_enter(request.user):
            raise PermissionDenied(_("Only congress office staff enter issues."))
        data = self._body(PetitionCreateSerializer)
        managed = access.visible(request.user, Region.objects.all(), access.MANAGE)
        if not managed.filter(pk=data["region"]).exists():
            raise ValidationError({"region": [_("Choose a region of your jurisdiction.")]})
        petition = workflow.petition_submit(
            actor=request.user, channel=data["channel"], region_id=data["region"],
            category=data["category"], title=data["title"], description=data["description"],
            citizen_name=data["citizen_name"], citizen_phone=data["citizen_phone"],
            wants_feedback=data["wants_feedback"],
        )  # fmt: skip
        return self._represent(petition, status.HTTP_201_CREATED)

    @_action_schema(gettext_lazy("Accept a citizen issue"), NoteInput)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(NoteInput)
        return self._represent(
            workflow.petition_accept(actor=request.user, petition_id=petition.pk, note=data["note"])
        )

    @_action_schema(
        gettext_lazy("Do not accept"),
        ReasonInput,
        gettext_lazy("The reason will be shown to the citizen."),
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(ReasonInput)
        return self._represent(
            workflow.petition_reject(
                actor=request.user, petition_id=petition.pk, reason=data["reason"]
            )
        )

    @_action_schema(
        gettext_lazy("Mark as a duplicate issue"),
        DuplicateInput,
        gettext_lazy("Name the original issue (id or tracking code)."),
    )
    @action(detail=True, methods=["post"])
    def duplicate(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(DuplicateInput)
        originals = queries.petitions_for(request.user)
        if data.get("original_id"):
            original = originals.filter(pk=data["original_id"]).first()
        else:
            original = originals.filter(tracking_code=data["original_code"].strip().upper()).first()
        if original is None:
            raise ValidationError({"original_id": [_("No such issue.")]})
        return self._represent(
            workflow.petition_mark_duplicate(
                actor=request.user, petition_id=petition.pk, original_id=original.pk
            )
        )

    @_action_schema(gettext_lazy("Answer directly by the congress office"), TextInput)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(TextInput)
        return self._represent(
            workflow.petition_answer(actor=request.user, petition_id=petition.pk, text=data["text"])
        )

    @_action_schema(
        gettext_lazy("Forward the issue to a handling unit"),
        ForwardInput,
        gettext_lazy("The reply deadline is counted in working days as set for the region."),
    )
    @action(detail=True, methods=["post"])
    def forward(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(ForwardInput)
        return self._represent(
            workflow.petition_forward(
                actor=request.user,
                petition_id=petition.pk,
                department_id=data["department"],
                note=data["note"],
            )
        )

    @_action_schema(
        gettext_lazy("Hand back by the handling unit"),
        ReasonInput,
        gettext_lazy(
            "The handling unit hands the issue back to the congress office when it is not the unit's responsibility."
        ),
    )
    @action(detail=True, methods=["post"])
    def hand_back(self, request, pk=None):
        petition = self._unit_petition()
        data = self._body(ReasonInput)
        return self._represent(
            workflow.petition_hand_back(
                actor=request.user, petition_id=petition.pk, reason=data["reason"]
            )
        )

    @_action_schema(gettext_lazy("Reply by the handling unit"), TextInput)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        petition = self._unit_petition()
        data = self._body(TextInput)
        return self._represent(
            workflow.petition_reply(actor=request.user, petition_id=petition.pk, text=data["text"])
        )

    @_action_schema(gettext_lazy("Put on the supervision list"), NoteInput)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(NoteInput)
        return self._represent(
            workflow.petition_escalate(
                actor=request.user, petition_id=petition.pk, note=data["note"]
            )
        )

    @_action_schema(gettext_lazy("Close"), CloseInput)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(CloseInput)
        return self._represent(
            workflow.petition_close(
                actor=request.user,
                petition_id=petition.pk,
                resolved=data["resolved"],
                reason=data["reason"],
            )
        )

    @_action_schema(
        gettext_lazy("Record a call-back rating"),
        RateInput,
        gettext_lazy(
            "After calling the citizen back, the congress office records the satisfaction; if unsatisfied, the issue is assigned again."
        ),
    )
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(RateInput)
        return self._represent(
            workflow.petition_rate(
                actor=request.user,
                petition_id=petition.pk,
                rating=data["rating"],
                comment=data["comment"],
            )
        )

    @_action_schema(
        gettext_lazy("Publish the outcome"),
        PublishInput,
        gettext_lazy("Only resolved issues can be published."),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        petition = self._office_petition()
        data = self._body(PublishInput)
        return self._represent(
            workflow.petition_publish(
                actor=request.user,
                petition_id=petition.pk,
                title=data["title"],
                summary=data["summary"],
            )
        )
