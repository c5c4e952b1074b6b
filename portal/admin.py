from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.admin_base import ReadOnlyScopedAdmin, RegionTreeFilter, ScopedAdmin
from portal.models import Department, Event, Region, RegionUserObjectPermission, User

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
        "action",
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
