"""Who am I, and whom may I choose: ``/api/v1/me/`` (the caller's account, roles and
jurisdiction) and ``/api/v1/users/`` (a lookup of the accounts in the caller's jurisdiction,
for choosing supervision group members, tellers and handlers).

The lookup is for congress office staff; it shows names, kinds, regions and units — never a
phone number or an e-mail address — and only accounts whose region lies in the caller's
jurisdiction (a sibling's or a parent's staff are not listed).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import access
from portal.filters import IdFilter, RegionSubtreeFilter, StrictFilterSet, StrictQueryMixin
from portal.models import Region, User


class PlaceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level"]


class UserSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region = PlaceSerializer(read_only=True, allow_null=True)
    department = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "kind", "kind_display", "region", "department"]

    def get_department(self, user) -> dict | None:
        unit = user.department
        return {"id": unit.pk, "name": unit.name} if unit else None


class RoleSerializer(serializers.Serializer):
    region = PlaceSerializer()
    role = serializers.CharField()
    role_display = serializers.CharField()


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()
    is_office = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "roles", "is_office"]

    @extend_schema(responses=RoleSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        labels = dict(access.Role.choices)
        return [
            {"region": PlaceSerializer(region).data, "role": role,
             "role_display": str(labels.get(role, role))}
            for region, role in access.roles_of(user)
        ]  # fmt: skip

    def get_is_office(self, user) -> bool:
        return access.is_office(user)


class MeView(StrictQueryMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary=gettext_lazy("Who am I: account, roles and jurisdiction"),
                   responses={200: MeSerializer})  # fmt: skip
    def get(self, request):
        me = User.objects.select_related("region", "department").get(pk=request.user.pk)
        return Response(MeSerializer(me).data)


class UserFilter(StrictFilterSet):
    q = django_filters.CharFilter(
        method="search", label=gettext_lazy("Name or user name contains"), max_length=64
    )
    kind = django_filters.ChoiceFilter(choices=User.Kind.choices, label=gettext_lazy("User kind"))
    region = RegionSubtreeFilter(
        help_text=gettext_lazy("Only list records of this region and the regions below it")
    )
    department = IdFilter(field_name="department_id", label=gettext_lazy("Handling unit id"))

    class Meta:
        model = User
        fields = ["q", "kind", "region", "department"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(full_name__icontains=value) | Q(username__icontains=value))


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Look up accounts in your jurisdiction")),
    retrieve=extend_schema(summary=gettext_lazy("An account in your jurisdiction")),
)
class UserViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = UserSerializer
    filterset_class = UserFilter
    permission_classes = [permissions.IsAuthenticated]
    queryset = User.objects.none()  # for the schema; get_queryset scopes every request

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return User.objects.none()
        user = self.request.user
        if not access.is_office(user):
            raise PermissionDenied(_("Only congress office staff see this page."))
        rows = User.objects.filter(is_active=True).select_related("region", "department")
        return access.visible(user, rows).order_by("region__path", "username")
