"""The staff's admin of citizen issues and reply deadlines.

Issues are read here, never edited: every change is a ``petitions.workflow`` function, run
by the admin actions (accept, reject as outside the deputies' remit) or the desk pages. A
refused action becomes an error message, never a 500. The citizen's phone is masked in the
list, and on the page too unless the user's office manages the region or the user works for
the assigned unit.
"""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from petitions import queries, workflow
from petitions.models import Petition, PetitionRating, PetitionReply, ReplyDeadline
from portal import access
from portal.admin_base import (
    ReadOnlyScopedAdmin,
    ReadOnlyScopedInline,
    RegionTreeFilter,
    ScopedAdmin,
    deadline_cell,
)
from portal.models import Region

# An action over "all N rows" of a million-row list must not run for minutes in one request.


def _may_manage_somewhere(request) -> bool:
    return access.can_use_admin(request.user) and queries.may_enter(request.user)


class ReplyInline(ReadOnlyScopedInline):
    model = PetitionReply
    fields = ["round", "kind", "department", "text", "author", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department", "author")


class RatingInline(ReadOnlyScopedInline):
    model = PetitionRating
    fields = ["round", "rating", "comment", "via", "recorder", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")

    @admin.display(description=gettext_lazy("recorded by"))
    def recorder(self, rating):
        return rating.recorded_by or "-"


PETITION_FIELDS = [
    "tracking_code", "state", "region", "station", "channel", "category", "title",
    "description", "CITIZEN", "wants_feedback", "department", "round", "due_on", "duplicate_of",
    "public_reason", "submitted_at", "closed_at", "published", "published_title",
    "published_summary", "created_by",
]  # fmt: skip


@admin.register(Petition)
class PetitionAdmin(ReadOnlyScopedAdmin):
    """Citizen issues: read-only; screening actions call the workflow."""

    list_display = [
        "tracking_code", "title", "region", "state", "department", "deadline", "channel",
        "citizen_phone_masked",
    ]  # fmt: skip
    list_filter = ["state", "channel", "category", RegionTreeFilter]
    list_select_related = ["region", "department"]
    search_fields = ["=tracking_code"]
    search_help_text = gettext_lazy(
        "Search by words of the title, description or replies, or by the whole tracking code."
    )
    readonly_fields = ["citizen_masked", "citizen_full"]
    inlines = [ReplyInline, RatingInline]
    actions = ["accept_petitions", "reject_outside_remit"]

    def get_fields(self, request, obj=None):
        shown = ["citizen_full"] if obj and queries.may_see_citizen(request.user, obj) else []
        citizen = shown or ["citizen_masked"]
        fields = []
        for name in PETITION_FIELDS:
            fields.extend(citizen if name == "CITIZEN" else [name])
        return fields

    @admin.display(description=gettext_lazy("reply due"), ordering="due_on")
    def deadline(self, obj):
        return deadline_cell(obj.due_on, queries.deadline_light(obj))

    @admin.display(description=gettext_lazy("citizen's phone"))
    def citizen_phone_masked(self, obj):
        return obj.masked_phone or "-"

    @admin.display(description=gettext_lazy("citizen"))
    def citizen_masked(self, obj):
        return f"{obj.masked_name or '-'} {obj.masked_phone}".strip()

    @admin.display(description=gettext_lazy("citizen"))
    def citizen_full(self, obj):
        return f"{obj.citizen_name or '-'} {obj.citizen_phone}".strip()

    # --- the screening actions ---

    def has_screen_permission(self, request):
        return _may_manage_somewhere(request)

    @admin.action(description=gettext_lazy("Accept the selected issues"), permissions=["screen"])
    def accept_petitions(self, request, queryset):
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.petition_accept(actor=request.user, petition_id=pk),
            lambda n: ngettext("Accepted %(count)d issue.", "Accepted %(count)d issues.", n),
        )

    @admin.action(
        description=gettext_lazy("Do not accept: outside the remit of the deputies"),
        permissions=["screen"],
    )
    def reject_outside_remit(self, request, queryset):
        reason = _(
            "This matter is outside the remit of the people's congress deputies; please "
            "contact the competent authority."
        )
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.petition_reject(actor=request.user, petition_id=pk, reason=reason),
            lambda n: ngettext(
                "Did not accept %(count)d issue.", "Did not accept %(count)d issues.", n
            ),
        )


@admin.register(ReplyDeadline)
class ReplyDeadlineAdmin(ScopedAdmin):
    """How many working days handling units have to reply, per region (inherited down)."""

    list_display = ["region", "working_days"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["region"]
    fields = ["region", "working_days"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "region" and field is not None:
            # Deadlines are set by the offices of cities, counties and townships.
            field.queryset = field.queryset.filter(level__lte=Region.Level.TOWNSHIP).order_by(
                "path"
            )
        return field
