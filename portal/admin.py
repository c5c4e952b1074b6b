from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from portal import access, events, vocabulary
from portal.admin_base import (
    ADMIN_DELETE,
    ReadOnlyScopedAdmin,
    RegionTreeFilter,
    ScopedAdmin,
    state_labels,
)
from portal.context_processors import site as site_context
from portal.models import (
    Department,
    Event,
    Notification,
    Region,
    RegionUserObjectPermission,
    Reminder,
    ReminderRule,
    User,
)

# The platform's name, as on the portal's pages (``PORTAL_SITE_NAME`` or the default). Not the
# template variable ``site_name``: Django's sign-in page sets that to the host's name.
admin.site.site_header = admin.site.site_title = lazy(
    lambda: site_context(None)["site_name"], str
)()
admin.site.index_title = _("Work desk")
# Django's password pages, with the header's links of every other admin page.
admin.site.password_change_template = "admin/portal/password_change_form.html"
admin.site.password_change_done_template = "admin/portal/password_change_done.html"


# Audit actions written here besides the core's own (``events.Action``).
vocabulary.register_actions(
    {
        ADMIN_DELETE: _("Deleted in the admin"),
        "region_grant_add": _("Region grant given"),
        "region_grant_change": _("Region grant changed"),
        "region_grant_delete": _("Region grant removed"),
    }
)


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
        "from_cell",
        "to_cell",
        "region",
    ]
    list_filter = [RegionTreeFilter]  # no value filter on action: DISTINCT over 1M rows
    list_select_related = ["actor", "region"]
    search_fields = ["=target_id", "=action"]
    # Codes read as words: the action and states by their labels, and of the details only
    # the admin's change message (the rest are the workflow's codes, kept for the API).
    fields = [
        "created_at", "actor", "region", "target_type", "target_id", "target_repr",
        "action_cell", "from_cell", "to_cell", "note", "message_cell",
    ]  # fmt: skip
    readonly_fields = fields
    date_hierarchy = None

    def get_actions(self, request):
        return {}

    @admin.display(description=_("action"), ordering="action")
    def action_cell(self, event):
        return vocabulary.action_label(event.action)

    @staticmethod
    def _state(event, code: str) -> str:
        if not code:
            return "-"
        model = ContentType.objects.get_for_id(event.target_type_id).model_class()
        return state_labels(model).get(code, code)

    @admin.display(description=_("from state"))
    def from_cell(self, event):
        return self._state(event, event.from_state)

    @admin.display(description=_("to state"))
    def to_cell(self, event):
        return self._state(event, event.to_state)

    @admin.display(description=_("details"))
    def message_cell(self, event):
        return (event.data or {}).get("message") or "-"


class PasswordStateWidget(forms.Widget):
    """Say whether the account has a password, not the hash's algorithm, salt and digits."""

    read_only = True  # the admin draws it for people who may only look, too

    def render(self, name, value, attrs=None, renderer=None):
        if value and not value.startswith(UNUSABLE_PASSWORD_PREFIX):
            return format_html("<div>{}</div>", gettext("A password is set."))
        return format_html("<div>{}</div>", gettext("No password set."))


class AccountChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordStateWidget()


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    """Accounts: scoped staff may look; only superusers create and change accounts."""

    form = AccountChangeForm
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


PERMISSION_VERBS = {
    "add": _("Add %(model)s"),
    "change": _("Change %(model)s"),
    "delete": _("Delete %(model)s"),
    "view": _("View %(model)s"),
}


def permission_label(permission) -> str:
    """Return a Django permission's name for people: Django stores "Can add <model>" in
    English when it creates the row, so the label is built from the model's own name."""
    model = permission.content_type.model_class()
    verb, _sep, model_name = permission.codename.partition("_")
    if model is not None and verb in PERMISSION_VERBS and model_name == model._meta.model_name:
        name = PERMISSION_VERBS[verb] % {"model": model._meta.verbose_name}
    else:
        name = gettext(permission.name)
    app = model._meta.app_config.verbose_name if model is not None else ""
    return f"{app} | {name}" if app else name


admin.site.unregister(Group)


@admin.register(Group)
class PermissionGroupAdmin(DjangoGroupAdmin):
    """Django's groups, with the permissions named in Chinese."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "permissions":
            # guardian's generic tables are unused: grants live in direct tables
            field.queryset = field.queryset.exclude(content_type__app_label="guardian")
            field.label_from_instance = permission_label
        return field


@admin.register(RegionUserObjectPermission)
class RegionGrantAdmin(admin.ModelAdmin):
    """Region grants (roles) are given by superusers; every change is audited."""

    list_display = ["user_cell", "region_cell", "permission_cell"]
    list_select_related = ["user", "content_object", "permission"]
    search_fields = ["=user__username"]
    autocomplete_fields = ["user", "content_object"]
    labels = {"user": _("user"), "content_object": _("region"), "permission": _("right")}

    @admin.display(description=_("user"), ordering="user__username")
    def user_cell(self, grant):
        return grant.user

    @admin.display(description=_("region"), ordering="content_object__path")
    def region_cell(self, grant):
        return grant.content_object

    @admin.display(description=_("right"))
    def permission_cell(self, grant):
        return gettext(grant.permission.name)

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
        if db_field.name in self.labels:
            kwargs["label"] = self.labels[db_field.name]
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "permission":
            field.label_from_instance = lambda permission: gettext(permission.name)
        return field

    def _audit(self, request, grant, action):
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
        "addressee", kind_cell, "subject", "body", "link", "target_type", "target_id",
        "created_at", "read_at", "delivered_at", "failed_at", "emailed_at", "texted_at",
        "in_digest", "attempts", "last_error",
    ]  # fmt: skip
    readonly_fields = fields

    def get_actions(self, request):
        return {}

    @admin.display(description=_("to"))
    def addressee(self, obj: Notification) -> str:
        return str(obj.recipient) if obj.recipient_id else access.mask_phone(obj.phone)

    @admin.display(description=_("link"))
    def link(self, obj: Notification):
        if not obj.url:
            return "-"
        return format_html('<a href="{}">{}</a>', obj.url, gettext("Open the link"))


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


# The holiday calendar; failed sign-ins and releasing accounts.
from portal import admin_calendar, admin_lexicon, admin_signin  # noqa: E402, F401

# Words of the admin that come from Django's templates (newer than its Chinese catalogue),
# django-guardian and DRF's tokens (no Chinese catalogue of their own; django-axes's are in
# ``admin_signin``). Named here so that ``makemessages`` keeps them in the portal's catalogue.
THIRD_PARTY_MESSAGES = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Search"),
    gettext_noop("Unknown"),
    # django-guardian
    gettext_noop("Permissions"),
    gettext_noop("Permissions saved."),
    gettext_noop("User identification"),
    gettext_noop("Object permissions"),
    gettext_noop("This user does not exist"),
    gettext_noop("This group does not exist"),
    # Django REST framework's tokens
    gettext_noop("Auth Token"),
    gettext_noop("Created"),
    gettext_noop("Token"),
    gettext_noop("Tokens"),
    gettext_noop("User"),
)
