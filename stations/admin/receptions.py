"""Admin of the reception log: read here, locked and unlocked by the office."""

from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.admin_base import ReadOnlyScopedAdmin, RegionTreeFilter
from stations import workflow
from stations.admin.inlines import ScopedInline, may_manage_somewhere
from stations.models import Reception, ReceptionMatter

MATTER_FIELDS = [
    "content",
    "outcome",
    "answer",
    "citizen_name",
    "citizen_phone",
    "solved",
    "petition_cell",
]


class ReceptionMatterInline(ScopedInline, admin.TabularInline):
    """The matters raised: written by the deputies' pages and the API, read here."""

    model = ReceptionMatter
    fields = MATTER_FIELDS
    readonly_fields = MATTER_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("citizen issue"))
    def petition_cell(self, matter):
        return matter.petition_id or "-"  # the id only: no query per row


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyScopedAdmin):
    """The reception log: read here, locked and unlocked by the office."""

    list_display = ["date", "station", "form", "people_count", "recorded_by", "locked"]
    list_filter = ["form", RegionTreeFilter]
    list_select_related = ["station", "recorded_by"]
    search_fields = ["=id"]
    search_help_text = gettext_lazy("Search by reception number.")
    fields = [
        "station",
        "region",
        "date",
        "form",
        "people_count",
        "deputies",
        "summary",
        "recorded_by",
        "created_at",
        "locked_at",
        "locked_by",
    ]
    inlines = [ReceptionMatterInline]
    actions = ["lock_receptions", "unlock_receptions"]

    def get_search_results(self, request, queryset, search_term):
        # Only the exact number: an indexed lookup, and no database error on other input.
        term = search_term.strip()
        if not term:
            return queryset, False
        if term.isascii() and term.isdecimal() and len(term) <= 18:
            return queryset.filter(pk=int(term)), False
        return queryset.none(), False

    @admin.display(description=gettext_lazy("locked"), boolean=True, ordering="locked_at")
    def locked(self, obj):
        return obj.is_locked

    def has_lock_permission(self, request):
        return may_manage_somewhere(request)

    @admin.action(description=gettext_lazy("Lock the selected receptions"), permissions=["lock"])
    def lock_receptions(self, request, queryset):
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.reception_lock(actor=request.user, reception_id=pk),
            lambda n: ngettext("Locked %(count)d reception.", "Locked %(count)d receptions.", n),
        )

    @admin.action(description=gettext_lazy("Unlock the selected receptions"), permissions=["lock"])
    def unlock_receptions(self, request, queryset):
        note = _("Unlocked in the administration")
        self.run_workflow_action(
            request,
            queryset,
            lambda pk: workflow.reception_unlock(actor=request.user, reception_id=pk, note=note),
            lambda n: ngettext(
                "Unlocked %(count)d reception.", "Unlocked %(count)d receptions.", n
            ),
        )
