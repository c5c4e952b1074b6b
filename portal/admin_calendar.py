"""The holiday calendar in the admin: every office reads it; the office of a whole city
enters and corrects it (``access.may_edit_calendar``); every change is audited."""

from django import forms
from django.contrib import admin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from portal import access, events
from portal.admin_base import ADMIN_DELETE, admin_message_text
from portal.models import CalendarDay, CalendarYear


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working", "name"]

    def clean(self):
        cleaned = super().clean()
        date, working = cleaned.get("date"), cleaned.get("is_working")
        if date is not None and working is not None and working == (date.weekday() < 5):
            raise forms.ValidationError(
                _(
                    "Only enter days that break the weekday rule: a holiday on a weekday or a "
                    "make-up workday on a weekend."
                )
            )
        return cleaned


class CalendarAdmin(admin.ModelAdmin):
    """The holiday calendar: every office reads it; the office of a whole city enters and
    corrects it (``access.may_edit_calendar``), as do accounts given Django's permissions.
    Every addition, change and deletion is written to the audit trail."""

    def _may_edit(self, request, django_right) -> bool:
        user = request.user
        return access.can_use_admin(user) and (access.may_edit_calendar(user) or django_right)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return access.can_use_admin(user) and (
            access.is_office(user) or super().has_view_permission(request, obj)
        )

    def has_add_permission(self, request):
        return self._may_edit(request, super().has_add_permission(request))

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, super().has_change_permission(request, obj))

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, super().has_delete_permission(request, obj))

    def log_addition(self, request, obj, message):
        events.record(
            actor=request.user, target=obj, action=events.Action.ADMIN_CREATE,
            data={"message": admin_message_text(message)},
        )  # fmt: skip
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        events.record(
            actor=request.user, target=obj, action=events.Action.ADMIN_CHANGE,
            data={"message": admin_message_text(message)},
        )  # fmt: skip
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            events.record(actor=request.user, target=obj, action=ADMIN_DELETE)
        return super().log_deletions(request, queryset)


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarAdmin):
    """Holidays and make-up workdays: staff enter a new year from the State Council's notice
    (or ``manage.py import_calendar``), then mark the year as known under calendar years."""

    form = CalendarDayForm
    list_display = ["date", "weekday", "is_working", "name"]
    list_filter = ["is_working"]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])  # 星期五, not the C locale's "Fri"


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdmin):
    """A year listed here is known: its dates are no longer flagged for review."""

    list_display = ["year", "source"]
