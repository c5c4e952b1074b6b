"""Admin of deputies with their mandates, and of deputy groups."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from portal.admin_base import RegionTreeFilter, ScopedAdmin
from stations.admin.inlines import ScopedInline
from stations.models import Mandate, Representative, RepresentativeGroup


class MandateForm(forms.ModelForm):
    class Meta:
        model = Mandate
        fields = ["level", "term", "region", "constituency", "started_on", "ended_on"]

    def clean(self):
        cleaned = super().clean()
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("A mandate cannot end before it starts."))
        return cleaned


class MandateInline(ScopedInline, admin.TabularInline):
    model = Mandate
    form = MandateForm
    fields = ["level", "term", "region", "constituency", "started_on", "ended_on"]
    autocomplete_fields = ["region"]
    extra = 0
    allow_delete = True


@admin.register(Representative)
class RepresentativeAdmin(ScopedAdmin):
    list_display = ["name", "id_code", "region", "group", "is_active", "user"]
    list_filter = ["is_active", RegionTreeFilter]
    list_select_related = ["region", "group", "user"]
    search_fields = ["=id_code", "^name"]
    autocomplete_fields = ["region", "group", "user"]
    fields = [
        "region",
        "name",
        "gender",
        "id_code",
        "phone",
        "work_unit",
        "public_contact",
        "photo",
        "group",
        "user",
        "is_active",
    ]
    inlines = [MandateInline]


@admin.register(RepresentativeGroup)
class RepresentativeGroupAdmin(ScopedAdmin):
    list_display = ["name", "region", "leader"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["region", "leader"]
    search_fields = ["^name"]
    autocomplete_fields = ["region", "leader"]
    fields = ["region", "name", "leader"]
