"""The staff's admin of deputies' suggestions, sessions and supervising committees.

Suggestions are read here, never edited: every change is a ``workflow`` function run by an
admin action (accept; assign at an assignment meeting, 交办会, through an intermediate page
with one lead unit per suggestion) or by the desk pages. A refused action becomes an error
message, never a 500.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal import access
from portal.admin_base import (
    ReadOnlyScopedAdmin,
    ReadOnlyScopedInline,
    RegionTreeFilter,
    ScopedAdmin,
    deadline_cell,
    refusal_text,
    selected_pks,
)
from portal.errors import DomainError
from portal.models import Department, Region
from supervision.suggestions import queries, workflow
from supervision.suggestions.models import (
    Committee,
    Rating,
    Reply,
    Session,
    Suggestion,
    UnitAssignment,
)


class UnitInline(ReadOnlyScopedInline):
    model = UnitAssignment
    fields = [
        "department",
        "role",
        "received_on",
        "due_on",
        "active",
        "handler_name",
        "return_reason",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


class ReplyInline(ReadOnlyScopedInline):
    model = Reply
    fields = [
        "round",
        "department",
        "reply_class",
        "office_class",
        "signed_off_by",
        "in_time",
        "created_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


class RatingInline(ReadOnlyScopedInline):
    model = Rating
    fields = ["round", "reply_rating", "implementation_rating", "via", "created_at"]
    readonly_fields = fields


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("deadline")
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", _("Overdue")), ("near", _("Due soon"))]

    def queryset(self, request, queryset):
        if self.value() == "overdue":
            return queryset.filter(queries.overdue_q())
        if self.value() == "near":
            return queryset.filter(queries.near_q())
        return queryset


@admin.register(Suggestion)
class SuggestionAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "label",
        "title",
        "session",
        "lead",
        "state",
        "lead_unit",
        "deadline",
        "reply_class",
        "is_key",
    ]
    list_filter = [
        "state",
        "period",
        "session",
        OverdueFilter,
        "is_key",
        "reply_class",
        RegionTreeFilter,
    ]
    list_select_related = ["session", "lead", "lead_unit", "region"]
    search_fields = ["=number"]
    search_help_text = gettext_lazy("Search by the exact number.")
    inlines = [UnitInline, ReplyInline, RatingInline]
    actions = ["accept_suggestions", "assign_suggestions"]
    exclude = ["cosigners"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if not (term.isascii() and term.isdecimal()) or len(term) > 9:
            return queryset.none(), False
        return queryset.filter(number=int(term)), False

    @admin.display(description=gettext_lazy("number"), ordering="number")
    def label(self, obj):
        return obj.label

    @admin.display(description=gettext_lazy("reply due"), ordering="due_on")
    def deadline(self, obj):
        return deadline_cell(obj.due_on, queries.deadline_light(obj))

    def has_office_permission(self, request):
        return access.can_use_admin(request.user) and access.is_office(request.user, access.MANAGE)

    @admin.action(
        description=gettext_lazy("Accept the selected suggestions"), permissions=["office"]
    )
    def accept_suggestions(self, request, queryset):
        self.run_workflow_action(
            request, queryset,
            lambda pk: workflow.suggestion_accept(actor=request.user, suggestion_id=pk),
            lambda n: ngettext("Accepted %(count)d suggestion.", "Accepted %(count)d suggestions.", n),
        )  # fmt: skip

    @admin.action(
        description=gettext_lazy("Assign at an assignment meeting (交办会)"), permissions=["office"]
    )
    def assign_suggestions(self, request, queryset):
        """Show one row per selected accepted suggestion with a lead unit and leader; on
        "apply", assign all of them in one transaction (all or nothing)."""
        pks = selected_pks(self, request, queryset)
        if pks is None:
            return None
        waiting = list(
            Suggestion.objects.filter(pk__in=pks, state=Suggestion.State.ACCEPTED)
            .select_related("region", "session").order_by("number", "id")
        )  # fmt: skip
        if not waiting:
            self.message_user(request, _("Select accepted suggestions to assign."), messages.ERROR)
            return None
        paths = {p for s in waiting for p in Region.ancestor_paths_of(s.region.path)}
        units = list(
            Department.objects.filter(region__path__in=paths, is_active=True).order_by(
                "-region__level", "name"
            )
        )
        if request.POST.get("apply"):
            rows = []
            for s in waiting:
                unit = request.POST.get(f"unit_{s.pk}", "")
                if unit.isascii() and unit.isdecimal():
                    rows.append({"suggestion_id": s.pk, "lead_unit_id": int(unit),
                                 "lead_leader": request.POST.get(f"leader_{s.pk}", "")[:64]})  # fmt: skip
            try:
                done = workflow.suggestions_assign_batch(
                    actor=request.user, rows=rows, meeting=request.POST.get("meeting", "")[:200]
                )
            except (DomainError, PermissionDenied, Http404) as error:
                self.message_user(request, refusal_text(error), messages.ERROR)
            else:
                self.message_user(
                    request, _("%(n)d suggestions assigned.") % {"n": done}, messages.SUCCESS
                )
                return None
        context = {
            **self.admin_site.each_context(request), "title": _("Assignment meeting (交办会)"),
            "opts": self.model._meta, "waiting": waiting, "units": units,
            "action_name": "assign_suggestions", "selected": pks,
        }  # fmt: skip
        return TemplateResponse(request, "suggestions/admin_assign.html", context)


@admin.register(Session)
class SessionAdmin(ScopedAdmin):
    list_display = ["name", "region", "opens_on", "closes_on", "last_number"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["region"]
    fields = ["region", "name", "opens_on", "closes_on", "last_number"]
    readonly_fields = ["last_number"]


@admin.register(Committee)
class CommitteeAdmin(ScopedAdmin):
    list_display = ["name", "region"]
    list_filter = [RegionTreeFilter]
    list_select_related = ["region"]
    fields = ["region", "name", "members"]
    filter_horizontal = ["members"]
