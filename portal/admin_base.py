"""The base of every model admin: scoped through ``portal.access`` and audited.

Every admin of every app derives from ``ScopedAdmin``. Its queryset, its permissions, its
foreign-key choices and its autocomplete all go through ``access``; an object outside the
user's scope is a 404; every add, change and deletion is written to the audit trail; and the
object's history page shows the audit events.
"""

import json

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access, deadlines, events
from portal.errors import DomainError
from portal.models import Region
from portal.pagination import EstimatedCountPaginator


def _boolean_icon(value):
    """Django's yes/no icon, with its text for screen readers in Chinese (Django writes
    "True" and "False"). Every list, read-only field and inline of the admin draws it."""
    icon = {True: "yes", False: "no", None: "unknown"}[value]
    text = {True: _("Yes"), False: _("No"), None: _("Unknown")}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


# Django's helpers import the icon from this module when they draw it, so this one is used.
admin_list._boolean_icon = _boolean_icon


def state_labels(model) -> dict[str, str]:
    """Return {code: label} for the states an audit event of ``model`` records: those of its
    state field, then those of its other choice fields (an evaluation records its rating),
    and yes/no for the flags some events record as "true"/"false"."""
    labels = {"true": _("Yes"), "false": _("No")}
    if model is None:
        return labels
    state_field = getattr(model, "state_field", "state")
    fields = [field for field in model._meta.concrete_fields if field.choices]
    fields.sort(key=lambda field: field.name == state_field)  # the state field's labels win
    for field in fields:
        labels.update((str(code), str(label)) for code, label in field.flatchoices)
    return labels


class RegionTreeFilter(admin.SimpleListFilter):
    """Filter by a region and everything below it, offering only regions the user sees."""

    title = gettext_lazy("region (with subordinate regions)")
    parameter_name = "region_tree"
    region_field = "region"
    max_level = Region.Level.TOWNSHIP

    def lookups(self, request, model_admin):
        regions = access.visible(
            request.user, Region.objects.filter(level__lte=self.max_level)
        ).only("pk", "name", "level")[:300]
        return [(str(r.pk), ("　" * (r.level - 1)) + r.name) for r in regions]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        region = access.visible(
            request.user,
            Region.objects.filter(pk=value)
            if value.isascii() and value.isdecimal()
            else Region.objects.none(),
        ).first()
        if region is None:
            return queryset.none()
        field = self.region_field
        if field is None:
            return queryset.filter(path__startswith=region.path)
        return queryset.filter(
            **{f"{field}__in": Region.objects.filter(path__startswith=region.path).values("pk")}
        )


MAX_ACTION_ROWS = 500


def refusal_text(error: Exception) -> str:
    """Return the message of a refused workflow call, for the admin's messages."""
    if isinstance(error, DomainError):
        return error.message
    return str(error) or _("You do not have permission to do this.")


def selected_pks(model_admin, request, queryset) -> list[int] | None:
    """Return the selected ids, or None (with a message) when too many are selected."""
    pks = list(queryset.order_by().values_list("pk", flat=True)[: MAX_ACTION_ROWS + 1])
    if len(pks) > MAX_ACTION_ROWS:
        model_admin.message_user(
            request,
            _("Select at most %(count)d rows at a time.") % {"count": MAX_ACTION_ROWS},
            messages.ERROR,
        )
        return None
    return pks


class ScopedAdmin(admin.ModelAdmin):
    """A model admin that shows and changes only what ``access`` allows."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    object_history_template = "admin/portal/event_history.html"

    # --- reads ---
    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        # Out of scope and missing look the same: 404 before any permission check, so an
        # id never reveals whether it exists.
        try:
            obj = super().get_object(request, object_id, from_field)
        except (ValueError, TypeError):
            obj = None
        if obj is None:
            raise Http404(_("No such object."))
        return obj

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from portal import search

        search.refresh(obj)  # the record's words, for the keyword search

    def get_search_results(self, request, queryset, search_term):
        """The search box is the portal's keyword search (``portal.search``) for searchable
        records: Chinese words, exact codes; Django's own field search otherwise."""
        from portal import search

        term = (search_term or "").strip()
        if term and search.kind_of(queryset.model) is not None:
            return search.matching(queryset, term[: search.QUERY_MAX], request.user), False
        return super().get_search_results(request, queryset, search_term)

    # --- permissions ---
    def has_module_permission(self, request):
        return access.can_use_admin(request.user) and access.may_list(request.user, self.model)

    def has_view_permission(self, request, obj=None):
        if not access.can_use_admin(request.user):
            return False
        if obj is None:
            return access.may_list(request.user, self.model)
        return access.can(request.user, access.VIEW, obj)

    def has_change_permission(self, request, obj=None):
        if not access.can_use_admin(request.user):
            return False
        if obj is None:
            return (
                bool(access.region_paths(request.user, access.MANAGE)) or request.user.is_superuser
            )
        return access.can(request.user, access.MANAGE, obj)

    def has_add_permission(self, request):
        return self.has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    # --- foreign keys: only choices the user may act on ---
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and access.is_scoped(db_field.related_model):
            field.queryset = access.visible(request.user, field.queryset, access.MANAGE)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and access.is_scoped(db_field.related_model):
            field.queryset = access.visible(request.user, field.queryset, access.MANAGE)
        return field

    # --- admin actions that call workflow functions ---
    def run_workflow_action(self, request, queryset, change, done_message) -> None:
        """Call ``change(pk)`` for each selected row; a refusal becomes an error message for
        that row, never a 500; ``done_message(n)`` reports the rows that moved."""
        pks = selected_pks(self, request, queryset)
        if pks is None:
            return
        done = 0
        for obj in queryset.model._default_manager.filter(pk__in=pks).order_by("pk"):
            try:
                change(obj.pk)
            except (DomainError, PermissionDenied, Http404) as error:
                self.message_user(
                    request,
                    _("%(object)s: %(error)s") % {"object": obj, "error": refusal_text(error)},
                    messages.ERROR,
                )
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)

    # --- the audit trail ---
    def log_addition(self, request, obj, message):
        events.record(
            actor=request.user,
            target=obj,
            action=events.Action.ADMIN_CREATE,
            data={"message": admin_message_text(message)},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        events.record(
            actor=request.user,
            target=obj,
            action=events.Action.ADMIN_CHANGE,
            data={"message": admin_message_text(message)},
        )
        return super().log_change(request, obj, message)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if not self.has_view_permission(request, obj):
            raise Http404(_("No such object."))
        labels = state_labels(type(obj))
        rows = list(events.history(obj)[:500])
        for event in rows:
            event.from_label = labels.get(event.from_state, event.from_state)
            event.to_label = labels.get(event.to_state, event.to_state)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History: %s") % obj,
            "subtitle": None,
            "object": obj,
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "events": rows,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.object_history_template, context)


def _has_own_label(model, name: str) -> bool:
    """Return True when the model field ``name`` declares a verbose name (Django's default is
    the field's name, in English)."""
    return model._meta.get_field(name).verbose_name != name.replace("_", " ")


ADMIN_DELETE = "admin_delete"  # the audit action of a deletion in the admin


def admin_message_text(message) -> str:
    """Return the admin's change message as the readable sentence the history shows."""
    if isinstance(message, str):
        return message
    return LogEntry(change_message=json.dumps(message)).get_change_message()


class ReadOnlyScopedAdmin(ScopedAdmin):
    """An admin whose rows nobody changes through the admin."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        # The region key a child table copies from its parent often has no verbose name of
        # its own (Django would write "Region"): shown under the core's word instead.
        if "region" in fields and not _has_own_label(self.model, "region"):
            fields = ["region_cell" if name == "region" else name for name in fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "region_cell"]

    @admin.display(description=gettext_lazy("region"))
    def region_cell(self, obj):
        return obj.region

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


LIGHT_STYLES = {
    deadlines.LIGHT_RED: "color:#b71c1c;font-weight:600",
    deadlines.LIGHT_YELLOW: "color:#b26a00",
}


def deadline_cell(due_on, light: str):
    """Show a deadline in an admin list, coloured by its light."""
    if due_on is None:
        return "-"
    style = LIGHT_STYLES.get(light)
    if style is None:
        return due_on.isoformat()
    return format_html('<span style="{}">{}</span>', style, due_on.isoformat())


class ReadOnlyScopedInline(admin.TabularInline):
    """An inline of rows written by the workflow: scoped through ``access``, never edited."""

    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        if not access.can_use_admin(request.user):
            return False
        if obj is None:
            return access.may_list(request.user, self.model)
        return access.can(request.user, access.VIEW, obj)

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
