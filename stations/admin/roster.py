"""Admin of the duty roster: duty rules (with the action generating shifts) and shifts."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.admin_base import RegionTreeFilter, ScopedAdmin, refusal_text, selected_pks
from portal.errors import DomainError
from stations import workflow
from stations.admin.inlines import may_manage_somewhere
from stations.models import DutyRule, DutyShift

# An action over "all N rows" of a million-row list must not run for minutes in one request.
GENERATE_DAYS = 92

DUTY_RULE_FIELDS = [
    "station",
    "frequency",
    "day_of_month",
    "weekday",
    "start_time",
    "end_time",
    "on_non_working_day",
    "valid_from",
    "valid_until",
    "deputies",
    "note",
]


class DutyRuleForm(forms.ModelForm):
    class Meta:
        model = DutyRule
        fields = DUTY_RULE_FIELDS

    def clean(self):
        cleaned = super().clean()
        frequency = cleaned.get("frequency")
        if frequency == DutyRule.Frequency.MONTHLY:
            if cleaned.get("day_of_month") is None or not 1 <= cleaned["day_of_month"] <= 31:
                self.add_error(
                    "day_of_month", _("Enter the day of the month (1–31) for a monthly rule.")
                )
            cleaned["weekday"] = None
        elif frequency == DutyRule.Frequency.WEEKLY:
            if cleaned.get("weekday") is None or not 0 <= cleaned["weekday"] <= 6:
                self.add_error("weekday", _("Enter the weekday (0–6) for a weekly rule."))
            cleaned["day_of_month"] = None
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        valid_from, valid_until = cleaned.get("valid_from"), cleaned.get("valid_until")
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("The end date is before the start date."))
        return cleaned


@admin.register(DutyRule)
class DutyRuleAdmin(ScopedAdmin):
    form = DutyRuleForm
    list_display = [
        "station",
        "frequency",
        "day_of_month",
        "weekday",
        "start_time",
        "end_time",
        "valid_from",
        "valid_until",
    ]
    list_filter = ["frequency", RegionTreeFilter]
    list_select_related = ["station"]
    autocomplete_fields = ["station", "deputies"]
    fields = DUTY_RULE_FIELDS
    actions = ["generate_shifts"]

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.station.region_id
        super().save_model(request, obj, form, change)

    def has_generate_permission(self, request):
        return may_manage_somewhere(request)

    @admin.action(
        description=gettext_lazy("Generate shifts for the next 3 months"),
        permissions=["generate"],
    )
    def generate_shifts(self, request, queryset):
        pks = selected_pks(self, request, queryset)
        if pks is None:
            return
        start = timezone.localdate()
        end = start + datetime.timedelta(days=GENERATE_DAYS)
        for rule in DutyRule.objects.filter(pk__in=pks).select_related("station"):
            try:
                created = workflow.shifts_generate(
                    actor=request.user, rule_id=rule.pk, start=start, end=end
                )
            except (DomainError, PermissionDenied, Http404) as error:
                self.message_user(
                    request,
                    _("%(object)s: %(error)s") % {"object": rule, "error": refusal_text(error)},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "%(object)s: %(count)d shift created.",
                    "%(object)s: %(count)d shifts created.",
                    len(created),
                )
                % {"object": rule, "count": len(created)},
                messages.SUCCESS,
            )


@admin.register(DutyShift)
class DutyShiftAdmin(ScopedAdmin):
    list_display = ["station", "date", "start_time", "end_time", "needs_review", "moved_from"]
    list_filter = ["needs_review", RegionTreeFilter]
    list_select_related = ["station"]
    autocomplete_fields = ["station", "deputies"]
    fields = [
        "station",
        "date",
        "start_time",
        "end_time",
        "deputies",
        "note",
        "needs_review",
        "moved_from",
        "rule",
    ]
    readonly_fields = ["moved_from", "rule"]
    ordering = ["-date", "-start_time"]

    def save_model(self, request, obj, form, change):
        obj.region_id = obj.station.region_id
        super().save_model(request, obj, form, change)
