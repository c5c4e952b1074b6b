"""Serializers of the stations API: representations, and input checked for shape only.

The rules live in ``stations.workflow``; the viewsets are in ``stations.api``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from portal import access
from portal.filters import ID_MAX
from stations.models import (
    Activity,
    ContactVisit,
    DutyShift,
    Household,
    Mandate,
    MandateLevel,
    Reception,
    ReceptionMatter,
    Representative,
    Station,
)

TEXT_MAX = 10_000
MAX_DEPUTIES = 200


def _id_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


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


class AccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    activated = serializers.BooleanField(help_text=_("False until the owner sets a password"))


class RepresentativeSerializer(serializers.ModelSerializer):
    mandates = MandateSerializer(source="active_mandates", many=True, read_only=True)
    phone = serializers.SerializerMethodField(
        help_text=_("Visible only to congress office staff of the region; otherwise null")
    )
    account = serializers.SerializerMethodField(
        help_text=_("The deputy's account, for the office of the region; otherwise null")
    )

    class Meta:
        model = Representative
        fields = [
            "id", "name", "gender", "id_code", "work_unit", "public_contact", "phone", "group",
            "region", "is_active", "mandates", "account"
        ]  # fmt: skip

    @extend_schema_field(AccountSerializer(allow_null=True))
    def get_account(self, representative) -> dict | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        account = representative.user
        if account is None or not access.can_by_region(user, access.MANAGE, representative):
            return None
        return {"id": account.pk, "username": account.username,
                "activated": account.has_usable_password()}  # fmt: skip

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


# --- the office's writes of deputies and stations (stations.records) ----------------


class MandateInputSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=MandateLevel.choices)
    region = _id_field(help_text=_("Electing region id"))
    term = serializers.CharField(max_length=32, help_text=_("e.g. 第十七届"))
    constituency = serializers.CharField(max_length=100, allow_blank=True, default="")
    started_on = serializers.DateField(required=False, allow_null=True, default=None)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)


class RepresentativeWriteSerializer(serializers.Serializer):
    region = _id_field(help_text=_("Managing region id (inside your jurisdiction)"))
    name = serializers.CharField(max_length=64)
    gender = serializers.ChoiceField(
        choices=Representative.Gender.choices, allow_blank=True, required=False
    )
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False)
    work_unit = serializers.CharField(max_length=200, allow_blank=True, required=False)
    public_contact = serializers.CharField(max_length=200, allow_blank=True, required=False)
    group = _id_field(required=False, allow_null=True, help_text=_("Deputy group id"))
    is_active = serializers.BooleanField(required=False)


class RepresentativeCreateSerializer(RepresentativeWriteSerializer):
    id_code = serializers.CharField(max_length=32, help_text=_("Roster number, unique"))
    mandates = MandateInputSerializer(many=True, required=False, max_length=10)
    create_account = serializers.BooleanField(
        default=False,
        help_text=_("Open an account; the deputy activates it with a code sent by SMS"),
    )
    username = serializers.CharField(
        max_length=150, allow_blank=True, default="",
        help_text=_("User name of the account (default: deputy-<roster number>)"),
    )  # fmt: skip


class AccountInputSerializer(serializers.Serializer):
    username = serializers.CharField(
        max_length=150, allow_blank=True, default="",
        help_text=_("User name of the account (default: deputy-<roster number>)"),
    )  # fmt: skip


class StationWriteSerializer(serializers.Serializer):
    region = _id_field(help_text=_("Region id (inside your jurisdiction)"))
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=Station.Kind.choices)
    address = serializers.CharField(max_length=200, allow_blank=True, required=False)
    opening_hours = serializers.CharField(max_length=200, allow_blank=True, required=False)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False)
    chief = _id_field(required=False, allow_null=True, help_text=_("Station chief (deputy id)"))
    liaison_officer = serializers.CharField(max_length=64, allow_blank=True, required=False)
    checklist = serializers.DictField(child=serializers.BooleanField(), required=False)
    activity_plan = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, required=False)
    rules = serializers.CharField(max_length=TEXT_MAX, allow_blank=True, required=False)
    members = serializers.ListField(
        child=_id_field(), max_length=MAX_DEPUTIES, required=False,
        help_text=_("Member deputies' ids (the whole list)"),
    )  # fmt: skip
    is_active = serializers.BooleanField(required=False)
