"""The staff's admin of supervision matters.

Matters are read here, never edited: every change is a ``supervision.workflow`` function,
run by the admin actions below or the desk pages (which carry the forms with dates,
members and verdicts). A refused action becomes an error message per matter, never a 500.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal import access
from portal.admin_base import (
    ReadOnlyScopedAdmin,
    ReadOnlyScopedInline,
    RegionTreeFilter,
    deadline_cell,
)
from supervision import queries, workflow
from supervision.models import Evaluation, Matter, MatterIssue, Round, WorkLog


class MatterActionForm(helpers.ActionForm):
    text = forms.CharField(
        label=gettext_lazy("Text for the action"), required=False, max_length=5000,
        help_text=gettext_lazy("The decision of the study, or the department's report."),
    )  # fmt: skip


class IssueInline(ReadOnlyScopedInline):
    model = MatterIssue
    fields = ["petition"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("petition")


class RoundInline(ReadOnlyScopedInline):
    model = Round
    fields = ["number", "department", "due_on", "rectification", "completed_at",
              "completion_report"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("department")


class LogInline(ReadOnlyScopedInline):
    model = WorkLog
    fields = ["round", "kind", "happened_on", "text", "author"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Matter)
class MatterAdmin(ReadOnlyScopedAdmin):
    """Supervision matters: read-only; actions call the workflow."""

    list_display = ["title", "region", "state", "round", "department", "deadline", "created_at"]
    list_filter = ["state", "classification", "source", RegionTreeFilter]
    list_select_related = ["region", "department"]
    search_fields = ["=id"]
    search_help_text = gettext_lazy("Search by the exact number of the matter.")
    fields = [
        "title", "description", "region", "source", "state", "classification", "studied_on",
        "study_decision", "explanation", "department", "round", "due_on", "result",
        "published", "published_title", "published_summary", "created_by", "created_at",
        "closed_at",
    ]  # fmt: skip
    readonly_fields = fields
    inlines = [IssueInline, RoundInline, LogInline]
    action_form = MatterActionForm
    # Publication needs words edited for the public: it is done on the desk page.
    actions = ["classify_supervise", "report_completion"]

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if not (term.isascii() and term.isdecimal() and len(term) <= 18):
            return queryset.none(), False
        return queryset.filter(pk=int(term)), False

    @admin.display(description=gettext_lazy("deadline"), ordering="due_on")
    def deadline(self, obj):
        return deadline_cell(obj.due_on, queries.deadline_light(obj))

    def has_office_permission(self, request):
        return access.can_use_admin(request.user) and access.is_office(request.user, access.MANAGE)

    def _text(self, request) -> str:
        return (request.POST.get("text") or "").strip()[:5000]

    @admin.action(
        description=gettext_lazy("Study: put the selected matters under supervision"),
        permissions=["office"],
    )
    def classify_supervise(self, request, queryset):
        decision = self._text(request) or _("The leadership group decided to supervise the matter.")
        self.run_workflow_action(
            request, queryset,
            lambda pk: workflow.matter_study(
                actor=request.user, matter_id=pk, studied_on=timezone.localdate(),
                decision=decision, classification=Matter.Classification.SUPERVISE,
            ),
            lambda n: ngettext("Classified %(count)d matter for supervision.",
                               "Classified %(count)d matters for supervision.", n),
        )  # fmt: skip

    @admin.action(
        description=gettext_lazy("Report the round done on the department's behalf (text)"),
        permissions=["office"],
    )
    def report_completion(self, request, queryset):
        report = self._text(request)
        self.run_workflow_action(
            request, queryset,
            lambda pk: workflow.matter_report_completion(actor=request.user, matter_id=pk,
                                                         report=report),
            lambda n: ngettext("Reported %(count)d matter done.",
                               "Reported %(count)d matters done.", n),
        )  # fmt: skip


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyScopedAdmin):
    """Every round's evaluation (一事一评), for the office's review."""

    list_display = ["round", "matter_title", "verdict", "checked_on", "evaluated_by"]
    list_filter = ["verdict", RegionTreeFilter]
    list_select_related = ["round__matter", "evaluated_by"]
    fields = ["round", "verdict", "checked_on", "findings", "rectification", "evaluated_by",
              "created_at"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=gettext_lazy("matter"))
    def matter_title(self, obj):
        return obj.round.matter.title
