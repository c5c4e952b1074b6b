"""REST API of the portal core: regions, handling units and audit events (read-only)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from portal import access, api_errors, departments, queries, ratelimit, signin, vocabulary
from portal.filters import ID_MAX, StrictQueryMixin
from portal.models import Department, Event, Region


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "parent", "path"]


class DepartmentSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "kind",
            "kind_display",
            "region",
            "region_name",
            "phone",
            "is_active",
        ]


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    target_type = serializers.SerializerMethodField()
    action_label = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id",
            "created_at",
            "actor",
            "region",
            "target_type",
            "target_id",
            "target_repr",
            "action",
            "action_label",
            "from_state",
            "to_state",
            "note",
            "data",
        ]

    def get_action_label(self, event) -> str:
        return vocabulary.action_label(event.action)

    def get_target_type(self, event) -> str:
        return f"{event.target_type.app_label}.{event.target_type.model}"


class ScopedViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    """A read-only viewset whose rows are filtered through ``access.visible``; each object's
    audit trail at ``{id}/history/`` (a 404 for an object the caller does not see)."""

    base_queryset = None

    def get_queryset(self):
        return access.visible(self.request.user, self.base_queryset.all())

    @extend_schema(
        summary=_("History of this object: its audit events, oldest first"),
        responses={200: EventSerializer(many=True)},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        target = self.get_object()
        kind = ContentType.objects.get_for_model(type(target))
        events = access.visible(
            request.user,
            Event.objects.filter(target_type=kind, target_id=target.pk)
            .select_related("actor", "target_type")
            .order_by("id"),
        )
        page = self.paginate_queryset(events)
        return self.get_paginated_response(EventSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(summary=_("List regions")),
    retrieve=extend_schema(summary=_("Region details")),
)
class RegionViewSet(ScopedViewSet):
    serializer_class = RegionSerializer
    base_queryset = Region.objects.order_by("path")
    filterset_class = queries.RegionFilter


class DepartmentInput(serializers.Serializer):
    region = serializers.IntegerField(
        min_value=1, max_value=ID_MAX, help_text=_("Region id (inside your jurisdiction)")
    )
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Department.Kind.choices)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False)
    is_active = serializers.BooleanField(required=False)


class HandlerInput(serializers.Serializer):
    full_name = serializers.CharField(max_length=64)
    phone = serializers.CharField(max_length=32, help_text=_("Mobile phone: the code goes there"))
    username = serializers.CharField(max_length=150, allow_blank=True, default="")


class HandlerAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    activated = serializers.BooleanField()


@extend_schema_view(
    list=extend_schema(summary=_("List handling units")),
    retrieve=extend_schema(summary=_("Handling unit details")),
    create=extend_schema(summary=_("Add a handling unit"), request=DepartmentInput,
                         responses={201: DepartmentSerializer}),
    partial_update=extend_schema(summary=_("Correct a handling unit"),
                                 request=DepartmentInput(partial=True),
                                 responses={200: DepartmentSerializer}),
)  # fmt: skip
class DepartmentViewSet(ScopedViewSet):
    """Handling units; the office adds and corrects those of its jurisdiction and opens
    accounts for their handlers (activated by the code sent by SMS)."""

    serializer_class = DepartmentSerializer
    base_queryset = Department.objects.select_related("region").order_by(
        "region__path", "name", "id"
    )
    filterset_class = queries.DepartmentFilter
    parser_classes = [JSONParser]

    def create(self, request):
        data = valid_input(DepartmentInput, request)
        unit = departments.department_create(actor=request.user, data=data)
        return Response(self.get_serializer(unit).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = valid_input(DepartmentInput, request, partial=True)
        unit = departments.department_update(
            actor=request.user, department_id=path_id(pk), data=data
        )
        return Response(self.get_serializer(unit).data)

    @extend_schema(
        summary=_("Open an account for a handler of this unit"),
        request=HandlerInput, responses={201: HandlerAccountSerializer},
    )  # fmt: skip
    @action(detail=True, methods=["post"], filter_backends=[])
    def handlers(self, request, pk=None):
        data = valid_input(HandlerInput, request)
        user = departments.handler_create(actor=request.user, department_id=path_id(pk), **data)
        body = {"id": user.pk, "username": user.username, "activated": False}
        return Response(body, status=status.HTTP_201_CREATED)


def valid_input(serializer_class, request, **kwargs) -> dict:
    """The request's body checked by ``serializer_class`` (a 400 naming the fields)."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def path_id(pk) -> int:
    """A path's object id as a number; anything else is no object (404)."""
    if not str(pk).isdigit():
        raise Http404
    return int(pk)


@extend_schema_view(
    list=extend_schema(summary=_("List audit events")),
    retrieve=extend_schema(summary=_("Audit event details")),
)
class EventViewSet(ScopedViewSet):
    """The audit trail: read-only; there is no way to change or delete an event. Filter by
    region, or by one object (``target_type`` and ``target_id``) for its whole history."""

    serializer_class = EventSerializer
    base_queryset = Event.objects.select_related("actor", "target_type").order_by("-id")
    history = None  # events have no history of their own
    filterset_class = queries.EventFilter


class ClientAddressThrottle(BaseThrottle):
    """A DRF throttle on the portal's own limits (``settings.RATE_LIMITS[scope]``), keyed by
    ``ratelimit.client_ip``: a caller cannot pick its address by sending X-Forwarded-For."""

    scope = "token"

    def allow_request(self, request, view):
        return ratelimit.hit(self.scope, ratelimit.client_ip(request))

    def wait(self):
        return settings.RATE_LIMITS[self.scope][1]


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (``Authorization: Token <key>``).

    Limited per client address, and counted per account like every sign-in: a locked
    account is answered 429 with the Chinese reason, even with the right password."""

    throttle_classes = [ClientAddressThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            if signin.is_locked_out(request):
                body = api_errors.error_body("account_locked", signin.lockout_message(request))
                return Response(body, status=429)
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        # A sign-in that succeeds ends the count of failures, as the sign-in pages do.
        signin.clear_failures(user, lockouts=False)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
