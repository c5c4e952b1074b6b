from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from portal import access, vocabulary
from portal.admin_base import ReadOnlyScopedAdmin, RegionTreeFilter, ScopedAdmin
from portal.models import (
    CalendarDay,
    CalendarYear,
    Department,
    Event,
    Notification,
    Region,
    RegionUserObjectPermission,
    Reminder,
    ReminderRule,
    User,
)

admin.site.site_header = _("Deputy work portal · administration")
admin.site.site_title = _("Deputy work portal")
admin.site.index_title = _("Work desk")


class RegionPathFilter(RegionTreeFilter):
    region_field = None


@admin.register(Region)
class RegionAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level", RegionPathFilter]
    list_select_related = ["parent"]
    search_fields = ["=code", "^name"]
    ordering = ["path"]


@admin.register(Department)
class DepartmentAdmin(ScopedAdmin):
    list_display = ["name", "kind", "region", "phone", "is_active"]
    list_filter = ["kind", "is_active", RegionTreeFilter]
    list_select_related = ["region"]
    search_fields = ["^name"]
    autocomplete_fields = ["region"]
    fields = ["region", "name", "kind", "phone", "is_active"]


@admin.register(Event)
class EventAdmin(ReadOnlyScopedAdmin):
    """The audit trail: readable within scope, never changed or deleted."""

    list_display = [
        "created_at",
        "actor",
        "target_repr",
        "action_cell",
        "from_state",
        "to_state",
        "region",
    ]
    list_filter = [RegionTreeFilter]  # no value filter on action: DISTINCT over 1M rows
    list_select_related = ["actor", "region"]
    search_fields = ["=target_id", "=action"]
    readonly_fields = [f.name for f in Event._meta.fields]
    date_hierarchy = None

    def get_actions(self, request):
        return {}

    @admin.display(description=_("action"), ordering="action")
    def action_cell(self, event):
        return vocabulary.action_label(event.action)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    """Accounts: scoped staff may look; only superusers create and change accounts."""

    list_display = ["username", "full_name", "kind", "region", "department", "is_active"]
    list_filter = ["kind", "is_active", RegionTreeFilter]
    list_select_related = ["region", "department"]
    search_fields = ["=username", "^full_name"]
    autocomplete_fields = ["region", "department"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("full_name", "phone", "email", "kind", "region", "department")}),
        (_("Rights"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        (_("Person"), {"fields": ("full_name", "phone", "kind", "region", "department")}),
    )

    def has_change_permission(self, request, obj=None):
        return access.can_use_admin(request.user) and request.user.is_superuser

    def has_add_permission(self, request):
        return self.has_change_permission(request)


@admin.register(RegionUserObjectPermission)
class RegionGrantAdmin(admin.ModelAdmin):
    """Region grants (roles) are given by superusers; every change is audited."""

    list_display = ["user", "content_object", "permission"]
    list_select_related = ["user", "content_object", "permission"]
    search_fields = ["=user__username"]
    autocomplete_fields = ["user", "content_object"]

    @staticmethod
    def _superuser(request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._superuser(request)

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "permission":
            kwargs["queryset"] = access.Permission.objects.filter(
                content_type__app_label="portal", codename__in=access.SCOPE_CODENAMES.values()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _audit(self, request, grant, action):
        from portal import events

        events.record(
            actor=request.user,
            target=grant.content_object,
            action=action,
            data={"user": grant.user.username, "permission": grant.permission.codename},
        )

    def log_addition(self, request, obj, message):
        self._audit(request, obj, "region_grant_add")
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, obj, "region_grant_change")
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for grant in queryset.select_related("user", "permission", "content_object"):
            self._audit(request, grant, "region_grant_delete")
        return super().log_deletions(request, queryset)


# --- notifications, reminders, calendar -----------------------------------------------------


class KindFilter(admin.SimpleListFilter):
    """Filter by kind from the known kinds (no ``SELECT DISTINCT`` over the table)."""

    title = _("kind")
    parameter_name = "kind"
    reminders_only = False

    def lookups(self, request, model_admin):
        return vocabulary.kind_choices(reminders_only=self.reminders_only)

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(kind=value) if value else queryset


class ReminderKindFilter(KindFilter):
    reminders_only = True


@admin.display(description=_("kind"), ordering="kind")
def kind_cell(obj) -> str:
    return vocabulary.kind_label(obj.kind)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyScopedAdmin):
    """What was sent to whom and when. Staff see the messages of the people in their scope
    and everyone their own (``Notification``'s scope rule); text messages to citizens (no
    account) only superusers, with the phone masked."""

    list_display = [
        "created_at", "addressee", kind_cell, "subject", "read_at", "delivered_at",
        "failed_at", "emailed_at", "texted_at", "attempts",
    ]  # fmt: skip
    list_filter = [
        KindFilter,
        ("delivered_at", admin.EmptyFieldListFilter),
        ("failed_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["recipient"]
    search_fields = ["=recipient__username", "=target_id"]
    fields = [
        "addressee", kind_cell, "subject", "body", "url", "target_type", "target_id",
        "created_at", "read_at", "delivered_at", "failed_at", "emailed_at", "texted_at",
        "in_digest", "attempts", "last_error",
    ]  # fmt: skip
    readonly_fields = fields

    def get_actions(self, request):
        return {}

    @admin.display(description=_("to"))
    def addressee(self, obj: Notification) -> str:
        return str(obj.recipient) if obj.recipient_id else access.mask_phone(obj.phone)


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyScopedAdmin):
    """Every reminder the sweeps found: for which object, threshold and deadline, when sent
    and to how many people (their messages are under notifications). Superusers only."""

    list_display = [
        kind_cell, "target_id", "threshold", "due_on", "created_at", "sent_at",
        "recipient_count", "skipped",
    ]  # fmt: skip
    list_filter = [ReminderKindFilter, "skipped", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["=target_id"]
    readonly_fields = [f.name for f in Reminder._meta.fields]

    def get_actions(self, request):
        return {}

    def has_module_permission(self, request):
        return access.can_use_admin(request.user) and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)


class ReminderRuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["kind", "thresholds", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from portal.reminders import discover

        sweeps = discover()
        self.fields["kind"] = forms.ChoiceField(
            label=_("reminder kind"),
            choices=[
                (kind, f"{sweep.label} ({', '.join(map(str, sweep.thresholds))})")
                for kind, sweep in sorted(sweeps.items())
            ],
        )

    def clean_thresholds(self):
        from portal.reminders import parse_thresholds

        try:
            values = parse_thresholds(self.cleaned_data["thresholds"])
        except ValueError:
            raise forms.ValidationError(
                _("Enter whole numbers of days separated by commas, e.g. 30,15,7,1.")
            ) from None
        return ",".join(str(v) for v in sorted(set(values), reverse=True))

    def clean(self):
        from portal.reminders import REGISTRY, parse_thresholds

        cleaned = super().clean()
        sweep = REGISTRY.get(cleaned.get("kind") or "")
        if sweep is not None and cleaned.get("thresholds"):
            try:
                sweep.check_thresholds(parse_thresholds(cleaned["thresholds"]))
            except ValueError:
                self.add_error(
                    "thresholds",
                    _("This reminder comes after the deadline: enter negative days, e.g. -1,-10.")
                    if sweep.floor is None
                    else _("This reminder comes before the deadline: enter 0 or more days."),
                )
        return cleaned


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    """Thresholds of the reminder sweeps, changed by staff with the Django permission."""

    form = ReminderRuleForm
    list_display = ["kind", "thresholds", "is_active", "updated_at"]


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


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
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
class CalendarYearAdmin(admin.ModelAdmin):
    """A year listed here is known: its dates are no longer flagged for review."""

    list_display = ["year", "source"]


from portal import admin_signin  # noqa: E402,F401  (failed sign-ins and releasing accounts)
