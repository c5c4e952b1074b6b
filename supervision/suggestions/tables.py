"""The staff list of deputies' suggestions (代表建议) as a table (``portal.tables``): the
office's ledger, a unit's work and a deputy's own suggestions, with the office's bulk
assignment (交办) to a lead unit through the workflow."""

from __future__ import annotations

import re

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.filters import IdField
from portal.models import Department
from portal.tables import BulkAction, Column, Preset, Table, Tool, register
from supervision.suggestions import queries, queries_lists, workflow
from supervision.suggestions.models import Reply, Session, Suggestion

State = Suggestion.State
# 第12号, 12号 or 12: a session's number; 未编号-35: the id of one not numbered yet.
NUMBER_RE = re.compile(r"第?(\d{1,9})号?")
UNNUMBERED_RE = re.compile(r"\D{1,6}-(\d{1,18})")


def _session(row) -> str:
    if row.session_id:
        return row.session.name
    return f"{row.region.name} · {row.get_period_display()}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.region.name}）"


class BulkAssignForm(forms.Form):
    """What an assignment needs besides the suggestions: the lead unit, the lead leader
    (牵头领导) and the date the unit received it (default today)."""

    lead_unit = UnitChoiceField(
        label=_("Lead handling unit"), queryset=Department.objects.none(),
        empty_label=_("Choose a unit"),
    )  # fmt: skip
    lead_leader = forms.CharField(
        label=_("Lead leader"), max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("Lead leader"), "size": 10}),
    )  # fmt: skip
    received_on = forms.DateField(
        label=_("Received on"), required=False,
        widget=forms.DateInput(attrs={"type": "date", "title": _("Received on")}),
    )  # fmt: skip

    def __init__(self, user, data=None):
        super().__init__(data, prefix="assign")
        self.fields["lead_unit"].queryset = queries_lists.assignable_units(user)


def _assign(user, suggestion, data) -> None:
    """The assignment meeting's workflow call for one suggestion (its own transaction)."""
    workflow.suggestions_assign_batch(
        actor=user,
        rows=[{"suggestion_id": suggestion.pk, "lead_unit_id": data["lead_unit"].pk,
               "lead_leader": data["lead_leader"]}],
        received_on=data.get("received_on"),
    )  # fmt: skip


class SuggestionTable(Table):
    key = "suggestions"
    title = _("Deputies' suggestions")
    url_name = "suggestions_desk:list"
    filterset_class = queries_lists.SuggestionTableFilter
    filter_names = (
        "region", "session", "state", "period", "todo", "due_soon", "overdue", "key", "unit_work",
    )  # fmt: skip
    keyword_label = _("Title, number or lead deputy")
    row_name = _("suggestion")
    new_url_name = "suggestions_desk:new"
    new_label = _("Write a suggestion")
    default_ordering = ("-id",)
    columns = (
        Column("label", _("Number"), lambda r: r.label, kind="link", sort="number"),
        Column("title", _("Title"), kind="link"),
        Column("lead", _("Lead deputy"), lambda r: r.lead.name, sort="lead__name"),
        Column("state", _("State"), lambda r: r.get_state_display(), sort="state"),
        Column("session", _("Session"), _session, sort="session__opens_on"),
        Column("lead_unit", _("Lead handling unit"),
               lambda r: r.lead_unit.name if r.lead_unit_id else "", sort="lead_unit__name"),
        Column("reply_class", _("Reply class"),
               lambda r: r.get_reply_class_display() if r.reply_class else "", sort="reply_class"),
        Column("due_on", _("Reply due"), kind="light", sort="due_on"),
        Column("submitted_at", _("Submitted at"), sort="submitted_at"),
        Column("category", _("Category"), lambda r: r.get_category_display(), sort="category",
               default=False),
        Column("is_key", _("Key supervision"), sort="is_key", default=False),
        Column("lead_leader", _("Lead leader"), default=False),
        Column("content", _("Full text"), export_only=True),
        Column("reply", _("Latest reply"), lambda r: getattr(r, "latest_reply", ""),
               export_only=True),
    )  # fmt: skip
    bulk_actions = {
        "assign": BulkAction(
            _("Assign to the lead unit"), _("assigned"), _assign,
            lambda u, s: s.state == State.ACCEPTED,
            form=BulkAssignForm, may=lambda u: access.is_office(u, access.MANAGE),
        ),
    }  # fmt: skip

    def queryset(self, user):
        return queries.suggestions_for(user)

    def tools(self, user):
        if access.is_office(user, access.MANAGE):
            return (
                Tool(_("Assignment meeting"), "suggestions_desk:assign_batch"),
                Tool(_("Statistics"), "suggestions_desk:statistics"),
            )
        return ()

    def may_add(self, user) -> bool:
        return queries.representative_of(user) is not None

    def keyword(self, queryset, q):
        found = Q(title__icontains=q) | Q(lead__name__icontains=q)
        number = NUMBER_RE.fullmatch(q)
        if number:
            found |= Q(number=int(number.group(1)))
        unnumbered = UNNUMBERED_RE.fullmatch(q)
        if unnumbered:
            found |= Q(pk=int(unnumbered.group(1)), number__isnull=True)
        return queryset.filter(found)

    def detail_url(self, row):
        return reverse("suggestions_desk:detail", args=[row.pk])

    def prepare(self, user, rows):
        """Lights and the latest reply of each row: one query."""
        today = timezone.localdate()
        for row in rows:
            row.light = queries.deadline_light(row, today)
        if not rows:
            return
        latest = {}
        replies = (
            Reply.objects.filter(suggestion_id__in=[r.pk for r in rows])
            .order_by("suggestion_id", "-round")
            .values_list("suggestion_id", "text")
        )
        for suggestion_id, text in replies:
            latest.setdefault(suggestion_id, text)
        for row in rows:
            row.latest_reply = latest.get(row.pk, "")

    def tweak_form(self, user, form):
        """The region and session boxes offer the user's own; a session that came from a
        link stays chosen."""
        fields = form.fields
        if access.is_office(user):
            super().tweak_form(user, form)
        if "session" in fields:
            sessions = queries_lists.session_choices(user)
            chosen = (form.data.get("session") or "").strip() if form.data else ""
            if chosen and chosen not in {str(s.pk) for s in sessions}:
                try:
                    pk = IdField().clean(chosen)
                except forms.ValidationError:
                    pk = None
                sessions += list(Session.objects.filter(pk=pk).only("pk", "name")) if pk else []
            fields["session"].label = _("Session")
            fields["session"].widget = forms.Select(
                choices=[("", _("All")), *((s.pk, s.name) for s in sessions)]
            )

    def filters_for(self, user):
        names = list(self.filter_names)
        if not access.is_office(user):
            names.remove("region")
        if not getattr(user, "department_id", None):
            names.remove("unit_work")
        return names

    def presets_for(self, user):
        return (
            Preset("todo", _("My to-do"), {"todo": "on"}),
            Preset("due-soon", _("Due soon"), {"due_soon": "on"}),
            Preset("overdue", _("Overdue"), {"overdue": "on"}),
        )


table = register(SuggestionTable())
