"""Admin of liaison stations: the six-haves checklist as boxes, member deputies inline."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin_base import RegionTreeFilter, ScopedAdmin
from stations.admin.inlines import ScopedInline
from stations.models import CHECKLIST_ITEMS, Station, StationMembership


def _checklist_field(key: str) -> str:
    return f"checklist_{key}"


STATION_FIELDS = [
    "region",
    "name",
    "kind",
    "is_active",
    "address",
    "opening_hours",
    "phone",
    "chief",
    "liaison_officer",
]

# The six boxes are declared on a base class so the admin's fieldsets may name them.
_ChecklistFields = type(
    "_ChecklistFields",
    (forms.Form,),
    {
        _checklist_field(key): forms.BooleanField(label=label, required=False)
        for key, label in CHECKLIST_ITEMS
    },
)


class StationForm(_ChecklistFields, forms.ModelForm):
    """A station with its six-haves checklist (六有) edited as six boxes."""

    class Meta:
        model = Station
        fields = [*STATION_FIELDS, "activity_plan", "rules"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.checklist or {}
        for key, _label in CHECKLIST_ITEMS:
            self.initial.setdefault(_checklist_field(key), bool(current.get(key)))
        if self.instance.pk and "region" in self.fields:
            # Receptions, shifts and memberships carry the station's region: moving a
            # station would leave them behind, so the region is fixed once created.
            self.fields["region"].disabled = True
            self.fields["region"].help_text = _("A station's region is fixed once it is created.")

    def clean(self):
        cleaned = super().clean()
        checklist = dict(self.instance.checklist or {})
        for key, _label in CHECKLIST_ITEMS:
            checklist[key] = bool(cleaned.get(_checklist_field(key)))
        self.instance.checklist = checklist
        return cleaned


class StationMembershipInline(ScopedInline, admin.TabularInline):
    model = StationMembership
    fields = ["representative", "joined_on"]
    autocomplete_fields = ["representative"]
    extra = 0
    # Memberships have no end date: a deputy leaving the station is a deletion.
    allow_delete = True


@admin.register(Station)
class StationAdmin(ScopedAdmin):
    form = StationForm
    list_display = ["name", "kind", "region", "is_active", "member_count"]
    list_filter = ["kind", "is_active", RegionTreeFilter]
    list_select_related = ["region"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "chief"]
    fieldsets = [
        (None, {"fields": STATION_FIELDS}),
        (
            gettext_lazy("Six-haves checklist"),
            {"fields": [_checklist_field(key) for key, _label in CHECKLIST_ITEMS]},
        ),
        (gettext_lazy("Plans and rules"), {"fields": ["activity_plan", "rules"]}),
    ]
    inlines = [StationMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description=gettext_lazy("members"), ordering="member_count")
    def member_count(self, obj):
        return obj.member_count

    def save_formset(self, request, form, formset, change):
        if formset.model is not StationMembership:
            return super().save_formset(request, form, formset, change)
        station = form.instance
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            membership.delete()
        for membership in memberships:
            membership.region_id = station.region_id
            membership.save()
        formset.save_m2m()
