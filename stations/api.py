"""REST API of the stations app: deputies, stations, the duty roster, receptions and contacts.

Reads start from ``portal.access`` (``ScopedViewSet``) and take the list filters declared in
``stations.queries``; writes call ``stations.workflow``. Serializers (``stations.serializers``)
check the shape of the input only; the rules live in the workflow, whose ``DomainError``,
``PermissionDenied`` and ``Http404`` become 400, 403 and 404.
"""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from portal import access
from portal.api import ScopedViewSet, path_id, valid_input
from stations import queries, records, workflow
from stations.models import (
    Activity,
    ContactVisit,
    DutyShift,
    Household,
    Mandate,
    Reception,
    ReceptionMatter,
    Representative,
    Station,
)
from stations.serializers import (
    AccountInputSerializer,
    AccountSerializer,
    ActivitySerializer,
    ContactVisitSerializer,
    ContactVisitWriteSerializer,
    HouseholdSerializer,
    MatterSerializer,
    ReceptionCreateSerializer,
    ReceptionSerializer,
    ReceptionWriteSerializer,
    RepresentativeCreateSerializer,
    RepresentativeSerializer,
    RepresentativeWriteSerializer,
    ShiftSerializer,
    SolvedSerializer,
    StationSerializer,
    StationWriteSerializer,
    UnlockSerializer,
)


@extend_schema_view(
    list=extend_schema(summary=_("List deputies")),
    retrieve=extend_schema(summary=_("Deputy details")),
    create=extend_schema(
        summary=_("Add a deputy (with mandates, and an account on request)"),
        request=RepresentativeCreateSerializer, responses={201: RepresentativeSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Correct a deputy's particulars"),
        request=RepresentativeWriteSerializer(partial=True),
        responses={200: RepresentativeSerializer},
    ),
)  # fmt: skip
class RepresentativeViewSet(ScopedViewSet):
    """Deputies with their current mandates; the mobile phone and the account only for the
    office. The office adds deputies of its jurisdiction and opens their accounts: the
    deputy activates one with the code sent by SMS (``/accounts/activate/``)."""

    serializer_class = RepresentativeSerializer
    base_queryset = Representative.objects.select_related("region", "user")
    filterset_class = queries.RepresentativeFilter
    parser_classes = [JSONParser]

    def create(self, request):
        data = valid_input(RepresentativeCreateSerializer, request)
        deputy = records.representative_create(
            actor=request.user, data=data, mandates=data.get("mandates", []),
            account=data["create_account"], username=data["username"],
        )  # fmt: skip
        return Response(self._shown(deputy.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = valid_input(RepresentativeWriteSerializer, request, partial=True)
        deputy = records.representative_update(
            actor=request.user, representative_id=path_id(pk), data=data
        )
        return Response(self._shown(deputy.pk))

    @extend_schema(
        summary=_("Open the deputy's account, or send a new activation code"),
        request=AccountInputSerializer, responses={200: AccountSerializer},
    )  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=[])
    def account(self, request, pk=None):
        data = valid_input(AccountInputSerializer, request)
        user = records.representative_give_account(
            actor=request.user, representative_id=path_id(pk), username=data["username"]
        )
        return Response({"id": user.pk, "username": user.username,
                         "activated": user.has_usable_password()})  # fmt: skip

    def _shown(self, pk: int) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    def get_queryset(self):
        today = timezone.localdate()
        current = Mandate.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("mandates", queryset=current, to_attr="active_mandates"))
        )


@extend_schema_view(
    list=extend_schema(summary=_("List liaison stations")),
    retrieve=extend_schema(summary=_("Liaison station details")),
    create=extend_schema(
        summary=_("Add a liaison station"),
        request=StationWriteSerializer, responses={201: StationSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Correct a liaison station (members: the whole list)"),
        request=StationWriteSerializer(partial=True), responses={200: StationSerializer},
    ),
)  # fmt: skip
class StationViewSet(ScopedViewSet):
    """Liaison stations with their member deputies and six-haves checklist; the office adds
    and corrects the stations of its jurisdiction."""

    parser_classes = [JSONParser]

    def create(self, request):
        data = valid_input(StationWriteSerializer, request)
        station = records.station_create(
            actor=request.user, data=data, member_ids=data.pop("members", [])
        )
        return Response(self._shown(station.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = valid_input(StationWriteSerializer, request, partial=True)
        station = records.station_update(
            actor=request.user,
            station_id=path_id(pk),
            data=data,
            member_ids=data.pop("members", None),
        )
        return Response(self._shown(station.pk))

    def _shown(self, pk: int) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=pk)).data

    serializer_class = StationSerializer
    base_queryset = Station.objects.prefetch_related(
        Prefetch("members", queryset=Representative.objects.only("id"))
    ).order_by("region__path", "kind", "name", "id")
    filterset_class = queries.StationFilter


@extend_schema_view(
    list=extend_schema(summary=_("List duty shifts")),
    retrieve=extend_schema(summary=_("Duty shift details")),
)
class ShiftViewSet(ScopedViewSet):
    """The duty roster: shifts announced in advance, with the deputies on duty."""

    serializer_class = ShiftSerializer
    base_queryset = DutyShift.objects.prefetch_related(
        Prefetch("deputies", queryset=Representative.objects.only("id", "name"))
    ).order_by("date", "start_time", "id")
    filterset_class = queries.ShiftFilter


def _matter_inputs(items) -> list[workflow.MatterInput]:
    return [workflow.MatterInput(**item) for item in items]


def _workflow_arguments(data: dict) -> dict:
    return {
        "date": data["date"],
        "form": data["form"],
        "people_count": data["people_count"],
        "deputy_ids": data["deputies"],
        "summary": data["summary"],
        "matters": _matter_inputs(data.get("matters", [])),
    }


def _as_input(reception: Reception) -> dict:
    """Return the reception as a write body: what a partial update keeps."""
    return {
        "date": reception.date.isoformat(),
        "form": reception.form,
        "people_count": reception.people_count,
        "deputies": [deputy.pk for deputy in reception.deputies.all()],
        "summary": reception.summary,
        # Matters that became citizen issues stay anyway; sending them would copy them.
        "matters": [
            {
                "content": m.content,
                "outcome": m.outcome,
                "answer": m.answer,
                "citizen_name": m.citizen_name,
                "citizen_phone": m.citizen_phone,
            }
            for m in reception.matters.all()
            if m.petition_id is None
        ],
    }


WRITE_ERRORS = {
    400: OpenApiResponse(
        description=_("Invalid input or not allowed by the rules; field errors attached")
    ),
    403: OpenApiResponse(description=_("No permission for this operation")),
    404: OpenApiResponse(
        description=_("The object does not exist or is outside the caller's scope")
    ),
}


@extend_schema_view(
    list=extend_schema(summary=_("List receptions (reception log)")),
    retrieve=extend_schema(summary=_("Reception details")),
    create=extend_schema(
        summary=_("Record a reception"),
        request=ReceptionCreateSerializer,
        responses={201: ReceptionSerializer, **WRITE_ERRORS},
    ),
    update=extend_schema(
        summary=_("Edit a reception"),
        description=_(
            "The recorder may edit it until the congress office locks it; congress office staff may edit it at any time."
        ),
        request=ReceptionWriteSerializer,
        responses={200: ReceptionSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary=_("Partially edit a reception"),
        description=_(
            "Fields not submitted stay unchanged; submitting matters replaces the matters as a whole."
        ),
        request=ReceptionWriteSerializer,
        responses={200: ReceptionSerializer, **WRITE_ERRORS},
    ),
)
class ReceptionViewSet(ScopedViewSet):
    """The reception log: read, record and correct; the office locks and unlocks."""

    serializer_class = ReceptionSerializer
    base_queryset = Reception.objects.select_related("station", "recorded_by").prefetch_related(
        Prefetch("deputies", queryset=Representative.objects.only("id", "name")),
        Prefetch("matters", queryset=ReceptionMatter.objects.select_related("region")),
    )
    filterset_class = queries.ReceptionFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("update", "partial_update"):
            # Read what a partial update keeps under the row lock the workflow takes.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def _represent(self, reception_id: int, status_code: int = status.HTTP_200_OK) -> Response:
        reception = access.visible(self.request.user, self.base_queryset.all()).get(pk=reception_id)
        serializer = self.get_serializer(reception)
        return Response(serializer.data, status=status_code)

    def create(self, request, *args, **kwargs):
        body = ReceptionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        reception = workflow.reception_record(
            actor=request.user, station_id=data["station"], **_workflow_arguments(data)
        )
        return self._represent(reception.pk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            reception = self.get_object()
            data = request.data
            keep_matters = not (isinstance(data, dict) and "matters" in data)
            if partial and isinstance(data, dict):
                data = {**_as_input(reception), **data}
            body = ReceptionWriteSerializer(data=data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
            if data.get("station") not in (None, reception.station_id):
                raise ValidationError(
                    {"station": [_("The station of a reception cannot be changed.")]}
                )
            arguments = _workflow_arguments(data)
            if keep_matters:  # a body without matters leaves them as they are
                arguments["matters"] = None
            workflow.reception_update(actor=request.user, reception_id=reception.pk, **arguments)
        return self._represent(reception.pk)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(
        summary=_("Lock a reception"),
        description=_("Once congress office staff lock it, deputies can no longer edit it."),
        request=None,
        responses={200: ReceptionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def lock(self, request, pk=None):
        workflow.reception_lock(actor=request.user, reception_id=pk)
        return self._represent(pk)

    @extend_schema(
        summary=_("Unlock a reception"),
        description=_("The reason for unlocking must be given (note)."),
        request=UnlockSerializer,
        responses={200: ReceptionSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def unlock(self, request, pk=None):
        body = UnlockSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        workflow.reception_unlock(
            actor=request.user, reception_id=pk, note=body.validated_data["note"]
        )
        return self._represent(pk)


@extend_schema_view(
    list=extend_schema(summary=_("List reception matters")),
    retrieve=extend_schema(summary=_("Reception matter details")),
)
class MatterViewSet(ScopedViewSet):
    """Matters raised at receptions; the office marks those answered on the spot solved."""

    serializer_class = MatterSerializer
    base_queryset = ReceptionMatter.objects.select_related("region", "reception").order_by(
        "-reception_id", "id"
    )
    filterset_class = queries.MatterFilter
    parser_classes = [JSONParser]

    @extend_schema(
        summary=_("Mark whether a matter is solved"),
        request=SolvedSerializer,
        responses={200: MatterSerializer, **WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def solved(self, request, pk=None):
        body = SolvedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        matter = workflow.matter_set_solved(
            actor=request.user, matter_id=pk, solved=body.validated_data["solved"]
        )
        return Response(self.get_serializer(matter).data)


@extend_schema_view(
    list=extend_schema(summary=_("List dual-contact households")),
    retrieve=extend_schema(summary=_("Contact household details")),
)
class HouseholdViewSet(ScopedViewSet):
    """Households the deputies keep in contact with (double contact)."""

    serializer_class = HouseholdSerializer
    base_queryset = Household.objects.select_related("region", "representative").order_by(
        "representative_id", "kind", "name", "id"
    )
    filterset_class = queries.HouseholdFilter


@extend_schema_view(
    list=extend_schema(summary=_("List contact visits")),
    retrieve=extend_schema(summary=_("Contact visit details")),
    create=extend_schema(
        summary=_("Record a contact visit"),
        description=_("Give either household or committee_contact, not both."),
        request=ContactVisitWriteSerializer,
        responses={201: ContactVisitSerializer, **WRITE_ERRORS},
    ),
)
class ContactVisitViewSet(ScopedViewSet):
    """Contact visits: read, and record through the workflow; never changed."""

    serializer_class = ContactVisitSerializer
    base_queryset = ContactVisit.objects.order_by("-date", "-id")
    filterset_class = queries.ContactVisitFilter
    parser_classes = [JSONParser]

    def create(self, request, *args, **kwargs):
        body = ContactVisitWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        visit = workflow.contact_visit_record(
            actor=request.user,
            date=data["date"],
            method=data["method"],
            note=data["note"],
            household_id=data["household"],
            committee_contact_id=data["committee_contact"],
        )
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("List duty activities")),
    retrieve=extend_schema(summary=_("Duty activity details")),
)
class ActivityViewSet(ScopedViewSet):
    """Duty activities of deputies: inspections, research, appraisals, trainings."""

    serializer_class = ActivitySerializer
    base_queryset = Activity.objects.prefetch_related(
        Prefetch("participants", queryset=Representative.objects.only("id", "name"))
    ).order_by("-date", "-id")
    filterset_class = queries.ActivityFilter
