"""REST API of the stations app: deputies, stations, the duty roster, receptions and contacts.

Reads start from ``portal.access`` (``ScopedViewSet``); writes call ``stations.workflow``.
Serializers check the shape of the input only; the rules live in the workflow, whose
``DomainError``, ``PermissionDenied`` and ``Http404`` become 400, 403 and 404.
"""

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from portal import access
from portal.api import REGION_PARAM, ScopedViewSet
from stations import workflow
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

MAX_ID = 2**63 - 1
TEXT_MAX = 10_000
MAX_DEPUTIES = 200


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


# --- representations ----------------------------------------------------------------


class DeputyRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Representative
        fields = ["id", "name"]


class MandateSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Mandate
        fields = ["id", "level", "level_display", "term", "region", "constituency"]


class RepresentativeSerializer(serializers.ModelSerializer):
    mandates = MandateSerializer(source="active_mandates", many=True, read_only=True)
    phone = serializers.SerializerMethodField(
        help_text=_("Visible only to congress office staff of the region; otherwise null")
    )

    class Meta:
        model = Representative
        fields = [
            "id", "name", "gender", "id_code", "work_unit", "public_contact", "phone", "group",
            "region", "is_active", "mandates"
        ]  # fmt: skip

    def get_phone(self, representative) -> str | None:
        # A region grant, as access.can(MANAGE) answers for deputies (no participation
        # gives MANAGE on a Representative), without a query per row.
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if access.can_by_region(user, access.MANAGE, representative):
            return representative.phone
        return None


class StationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    members = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Station
        fields = [
            "id", "region", "name", "kind", "kind_display", "address", "opening_hours", "phone",
            "chief", "liaison_officer", "checklist", "activity_plan", "rules", "members",
            "is_active"
        ]  # fmt: skip


class ShiftSerializer(serializers.ModelSerializer):
    deputies = DeputyRefSerializer(many=True, read_only=True)

    class Meta:
        model = DutyShift
        fields = [
            "id", "region", "station", "date", "start_time", "end_time", "deputies", "moved_from",
            "needs_review", "note"
        ]  # fmt: skip


class MatterSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReceptionMatter
        fields = [
            "id", "reception", "content", "outcome", "answer", "citizen_name", "citizen_phone",
            "solved", "petition_id"
        ]  # fmt: skip
        read_only_fields = fields

    def to_representation(self, matter):
        data = super().to_representation(matter)
        owner = matter.reception.recorded_by_id
        if not access.may_see_personal_data(self.context["request"].user, matter, owner):
            data["citizen_name"] = access.mask_name(matter.citizen_name)
            data["citizen_phone"] = access.mask_phone(matter.citizen_phone)
        return data


class ReceptionSerializer(serializers.ModelSerializer):
    station_name = serializers.CharField(source="station.name", read_only=True)
    form_display = serializers.CharField(source="get_form_display", read_only=True)
    deputies = DeputyRefSerializer(many=True, read_only=True)
    matters = MatterSerializer(many=True, read_only=True)
    recorded_by_name = serializers.CharField(source="recorded_by.full_name", read_only=True)
    is_locked = serializers.BooleanField(read_only=True)

    class Meta:
        model = Reception
        fields = [
            "id", "region", "station", "station_name", "date", "form", "form_display",
            "people_count", "deputies", "summary", "matters", "recorded_by", "recorded_by_name",
            "created_at", "locked_at", "locked_by", "is_locked"
        ]  # fmt: skip
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = Household
        fields = ["id", "region", "representative", "name", "kind", "phone", "address", "is_active"]

    def to_representation(self, household):
        data = super().to_representation(household)
        owner = household.representative.user_id
        if not access.may_see_personal_data(self.context["request"].user, household, owner):
            data["phone"] = access.mask_phone(household.phone)
            data["address"] = ""
        return data


class ContactVisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactVisit
        fields = [
            "id", "region", "household", "committee_contact", "date", "method", "note",
            "recorded_by"
        ]  # fmt: skip
        read_only_fields = fields


class ActivitySerializer(serializers.ModelSerializer):
    participants = DeputyRefSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = ["id", "region", "kind", "title", "date", "participants", "note"]


# --- input (shape only) -------------------------------------------------------------


class MatterInputSerializer(serializers.Serializer):
    content = serializers.CharField(max_length=TEXT_MAX, allow_blank=True)
    outcome = serializers.CharField(
        max_length=16,
        allow_blank=True,
        help_text=_("answered: answered on the spot; forwarded: forwarded for handling"),
    )
    answer = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, default="")
    citizen_name = serializers.CharField(max_length=64, allow_blank=True, default="")
    citizen_phone = serializers.CharField(max_length=32, allow_blank=True, default="")


class ReceptionWriteSerializer(serializers.Serializer):
    station = _id_field(
        required=False,
        help_text=_("May be omitted when editing; the liaison station cannot be changed"),
    )
    date = serializers.DateField()
    form = serializers.CharField(max_length=20, default=Reception.Form.SITTING)
    people_count = serializers.IntegerField()
    deputies = serializers.ListField(
        child=_id_field(),
        max_length=MAX_DEPUTIES,
        help_text=_("Ids of the deputies present (must be deputies of this station)"),
    )
    summary = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, default="")
    matters = MatterInputSerializer(
        many=True,
        default=list,
        help_text=_(
            "Matters raised; replaced as a whole when editing (matters already forwarded as citizen issues are kept, do not submit them again)"
        ),
    )


class ReceptionCreateSerializer(ReceptionWriteSerializer):
    station = _id_field(help_text=_("Liaison station id"))


class UnlockSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=TEXT_MAX, allow_blank=True, default="", help_text=_("Reason for unlocking")
    )


class SolvedSerializer(serializers.Serializer):
    solved = serializers.BooleanField()


class ContactVisitWriteSerializer(serializers.Serializer):
    household = _id_field(required=False, allow_null=True, default=None)
    committee_contact = _id_field(required=False, allow_null=True, default=None)
    date = serializers.DateField()
    method = serializers.CharField(max_length=16, default=ContactVisit.Method.VISIT)
    note = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, default="")


# --- filters (query parameters) -----------------------------------------------------


class PeriodFilter(serializers.Serializer):
    date_from = serializers.DateField(
        required=False, help_text=_("Start date (inclusive), YYYY-MM-DD")
    )
    date_to = serializers.DateField(required=False, help_text=_("End date (inclusive), YYYY-MM-DD"))

    def validate(self, attrs):
        start, end = attrs.get("date_from"), attrs.get("date_to")
        if start and end and end < start:
            raise ValidationError({"date_to": [_("The end date is before the start date.")]})
        return attrs


class RepresentativeFilter(serializers.Serializer):
    station = _id_field(
        required=False, help_text=_("Only list the deputies stationed at this liaison station")
    )


class StationFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Station.Kind.choices, required=False)


class ShiftFilter(PeriodFilter):
    station = _id_field(required=False, help_text=_("Liaison station id"))


class ReceptionFilter(PeriodFilter):
    station = _id_field(required=False, help_text=_("Liaison station id"))


class MatterFilter(serializers.Serializer):
    reception = _id_field(required=False, help_text=_("Reception id"))
    solved = serializers.BooleanField(
        required=False, allow_null=True, help_text=_("Whether it has been solved")
    )


class HouseholdFilter(serializers.Serializer):
    representative = _id_field(required=False, help_text=_("Deputy id"))
    kind = serializers.ChoiceField(choices=Household.Kind.choices, required=False)


class ContactVisitFilter(PeriodFilter):
    household = _id_field(required=False, help_text=_("Contact household id"))
    committee_contact = _id_field(
        required=False,
        help_text=_("Id of the link between a committee member and the deputy they contact"),
    )


class ActivityFilter(PeriodFilter):
    kind = serializers.ChoiceField(choices=Activity.Kind.choices, required=False)


# --- viewsets -----------------------------------------------------------------------


class StationsViewSet(ScopedViewSet):
    """A scoped viewset whose list takes ``region`` plus the fields of ``filter_class``."""

    filter_class = None
    region_field = "region"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action != "list":
            return queryset
        queryset = self.region_subtree(queryset, self.region_field)
        if self.filter_class is None:
            return queryset
        params = self.filter_class(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return self.narrow(queryset, params.validated_data)

    def narrow(self, queryset, params: dict):
        """Apply the validated list filters; the period filter by default."""
        return _exact(queryset, params, date_from="date__gte", date_to="date__lte")


def _exact(queryset, params: dict, **lookups: str):
    """Filter on each parameter given: ``lookups`` maps a parameter to its field lookup."""
    for name, lookup in lookups.items():
        if params.get(name) is not None:
            queryset = queryset.filter(**{lookup: params[name]})
    return queryset


@extend_schema_view(
    list=extend_schema(summary=_("List deputies"), parameters=[REGION_PARAM, RepresentativeFilter]),
    retrieve=extend_schema(summary=_("Deputy details")),
)
class RepresentativeViewSet(StationsViewSet):
    """Deputies with their current mandates; the mobile phone only for the office."""

    serializer_class = RepresentativeSerializer
    base_queryset = Representative.objects.select_related("region")
    filter_class = RepresentativeFilter

    def get_queryset(self):
        today = timezone.localdate()
        current = Mandate.objects.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("mandates", queryset=current, to_attr="active_mandates"))
        )

    def narrow(self, queryset, params):
        return _exact(queryset, params, station="stations")


@extend_schema_view(
    list=extend_schema(
        summary=_("List liaison stations"), parameters=[REGION_PARAM, StationFilter]
    ),
    retrieve=extend_schema(summary=_("Liaison station details")),
)
class StationViewSet(StationsViewSet):
    serializer_class = StationSerializer
    base_queryset = Station.objects.prefetch_related(
        Prefetch("members", queryset=Representative.objects.only("id"))
    ).order_by("region__path", "kind", "name", "id")
    filter_class = StationFilter

    def narrow(self, queryset, params):
        return _exact(queryset, params, kind="kind")


@extend_schema_view(
    list=extend_schema(summary=_("List duty shifts"), parameters=[REGION_PARAM, ShiftFilter]),
    retrieve=extend_schema(summary=_("Duty shift details")),
)
class ShiftViewSet(StationsViewSet):
    serializer_class = ShiftSerializer
    base_queryset = DutyShift.objects.prefetch_related(
        Prefetch("deputies", queryset=Representative.objects.only("id", "name"))
    ).order_by("date", "start_time", "id")
    filter_class = ShiftFilter

    def narrow(self, queryset, params):
        return _exact(super().narrow(queryset, params), params, station="station_id")


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
    list=extend_schema(
        summary=_("List receptions (reception log)"), parameters=[REGION_PARAM, ReceptionFilter]
    ),
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
class ReceptionViewSet(StationsViewSet):
    """The reception log: read, record and correct; the office locks and unlocks."""

    serializer_class = ReceptionSerializer
    base_queryset = Reception.objects.select_related("station", "recorded_by").prefetch_related(
        Prefetch("deputies", queryset=Representative.objects.only("id", "name")),
        Prefetch("matters", queryset=ReceptionMatter.objects.select_related("region")),
    )
    filter_class = ReceptionFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action in ("update", "partial_update"):
            # Read what a partial update keeps under the row lock the workflow takes.
            queryset = queryset.select_for_update(of=("self",))
        return queryset

    def narrow(self, queryset, params):
        return _exact(super().narrow(queryset, params), params, station="station_id")

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
    list=extend_schema(
        summary=_("List reception matters"), parameters=[REGION_PARAM, MatterFilter]
    ),
    retrieve=extend_schema(summary=_("Reception matter details")),
)
class MatterViewSet(StationsViewSet):
    serializer_class = MatterSerializer
    base_queryset = ReceptionMatter.objects.select_related("region", "reception").order_by(
        "-reception_id", "id"
    )
    filter_class = MatterFilter
    parser_classes = [JSONParser]

    def narrow(self, queryset, params):
        return _exact(queryset, params, reception="reception_id", solved="solved")

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
    list=extend_schema(
        summary=_("List dual-contact households"), parameters=[REGION_PARAM, HouseholdFilter]
    ),
    retrieve=extend_schema(summary=_("Contact household details")),
)
class HouseholdViewSet(StationsViewSet):
    serializer_class = HouseholdSerializer
    base_queryset = Household.objects.select_related("region", "representative").order_by(
        "representative_id", "kind", "name", "id"
    )
    filter_class = HouseholdFilter

    def narrow(self, queryset, params):
        return _exact(queryset, params, representative="representative_id", kind="kind")


@extend_schema_view(
    list=extend_schema(
        summary=_("List contact visits"), parameters=[REGION_PARAM, ContactVisitFilter]
    ),
    retrieve=extend_schema(summary=_("Contact visit details")),
    create=extend_schema(
        summary=_("Record a contact visit"),
        description=_("Give either household or committee_contact, not both."),
        request=ContactVisitWriteSerializer,
        responses={201: ContactVisitSerializer, **WRITE_ERRORS},
    ),
)
class ContactVisitViewSet(StationsViewSet):
    serializer_class = ContactVisitSerializer
    base_queryset = ContactVisit.objects.order_by("-date", "-id")
    filter_class = ContactVisitFilter
    parser_classes = [JSONParser]

    def narrow(self, queryset, params):
        return _exact(
            super().narrow(queryset, params),
            params,
            household="household_id",
            committee_contact="committee_contact_id",
        )

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
    list=extend_schema(
        summary=_("List duty activities"), parameters=[REGION_PARAM, ActivityFilter]
    ),
    retrieve=extend_schema(summary=_("Duty activity details")),
)
class ActivityViewSet(StationsViewSet):
    serializer_class = ActivitySerializer
    base_queryset = Activity.objects.prefetch_related(
        Prefetch("participants", queryset=Representative.objects.only("id", "name"))
    ).order_by("-date", "-id")
    filter_class = ActivityFilter

    def narrow(self, queryset, params):
        return _exact(super().narrow(queryset, params), params, kind="kind")
