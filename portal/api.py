"""REST API of the portal core: regions, handling units and audit events (read-only)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from portal import access, api_errors, queries, ratelimit, signin, vocabulary
from portal.filters import StrictQueryMixin
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
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
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


@extend_schema_view(
    list=extend_schema(summary=_("List handling units")),
    retrieve=extend_schema(summary=_("Handling unit details")),
)
class DepartmentViewSet(ScopedViewSet):
    serializer_class = DepartmentSerializer
    base_queryset = Department.objects.select_related("region").order_by(
        "region__path", "name", "id"
    )
    filterset_class = queries.DepartmentFilter


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
