"""Admin of double contact (households, committee members' deputies, visits) and duty
activities."""

from django.contrib import admin

from portal.admin_base import ReadOnlyScopedAdmin, RegionTreeFilter, ScopedAdmin
from stations.models import Activity, CommitteeContact, ContactVisit, Household


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["name", "kind", "representative", "region", "is_active"]
    list_filter = ["kind", "is_active", RegionTreeFilter]
    list_select_related = ["representative", "region"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "representative"]
    fields = ["region", "representative", "name", "kind", "phone", "address", "is_active"]


@admin.register(CommitteeContact)
class CommitteeContactAdmin(ScopedAdmin):
    list_display = ["member", "representative", "region", "is_active"]
    list_filter = ["is_active", RegionTreeFilter]
    list_select_related = ["member", "representative", "region"]
    search_fields = ["^representative__name"]
    autocomplete_fields = ["region", "member", "representative"]
    fields = ["region", "member", "representative", "is_active"]


@admin.register(ContactVisit)
class ContactVisitAdmin(ReadOnlyScopedAdmin):
    """Visits are recorded through ``workflow.contact_visit_record``; read here."""

    list_display = ["date", "method", "household", "committee_contact", "recorded_by", "region"]
    list_filter = ["method", RegionTreeFilter]
    list_select_related = [
        "household",
        "committee_contact__member",
        "committee_contact__representative",
        "recorded_by",
        "region",
    ]
    fields = ["region", "household", "committee_contact", "date", "method", "note", "recorded_by"]


@admin.register(Activity)
class ActivityAdmin(ScopedAdmin):
    list_display = ["title", "kind", "date", "region"]
    list_filter = ["kind", RegionTreeFilter]
    list_select_related = ["region"]
    search_fields = ["^title"]
    autocomplete_fields = ["region", "participants"]
    fields = ["region", "kind", "title", "date", "participants", "note"]
