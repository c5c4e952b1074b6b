"""Serializers of the citizen issues' API: representations, and the input of each write
(its shape only; the rules live in ``petitions.workflow``). The citizen's name and phone are
masked except for the office that manages the region and the assigned handling unit.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from petitions import queries
from petitions.forms_desk import ENTRY_CHANNELS
from petitions.models import (
    Category,
    Petition,
    PetitionPhoto,
    PetitionRating,
    PetitionReply,
    Rating,
)
from portal import deadlines
from portal.filters import ID_MAX

TEXT_MAX = 5000
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
    # Only the channels staff receive issues by: the schema's enum is what is accepted.
    channel = serializers.ChoiceField(
        choices=[(c.value, c.label) for c in ENTRY_CHANNELS],
        error_messages={
            "invalid_choice": gettext_lazy(
                "Staff enter issues received by hotline, letter, visit or the online station."
            )
        },
        help_text=gettext_lazy(
            "hotline: hotline, letter: letter, visit: visit to the office, online_station: online liaison station"
        ),
    )
    region = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
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
        min_value=1, max_value=ID_MAX, required=False, help_text=gettext_lazy("Original issue id")
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
        max_value=ID_MAX,
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
