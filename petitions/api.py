"""REST API of citizen issues for the congress office and the handling units.

Reads start from ``portal.access`` (``ScopedViewSet``) and the list's filters are
``queries.PetitionFilter``, shared with the desk; every write calls ``petitions.workflow``
with input checked by ``petitions.serializers``. ``DomainError``, ``PermissionDenied`` and
``Http404`` become 400, 403 and 404.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from petitions import queries, workflow
from petitions.models import Petition, PetitionRating, PetitionReply
from petitions.serializers import (
    CloseInput,
    DuplicateInput,
    ForwardInput,
    NoteInput,
    PetitionCreateSerializer,
    PetitionDetailSerializer,
    PetitionSerializer,
    PublishInput,
    RateInput,
    ReasonInput,
    TextInput,
)
from portal import access
from portal.api import ScopedViewSet
from portal.models import Region

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
    list=extend_schema(summary=gettext_lazy("List citizen issues")),
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
    filterset_class = queries.PetitionFilter
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
