"""The staff list of supervision matters (督事事项) as a table (``portal.tables``): the
office's list of its jurisdiction, a deputy's groups, a unit's matters. No bulk action: each
transition of a matter needs its own study, group, deadline or evaluation."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.tables import Column, Preset, Table, Tool, register
from supervision import queries
from supervision.models import Evaluation, GroupMember, Matter

State = Matter.State
VERDICTS = dict(Evaluation.Verdict.choices)


def _listed_on(row):
    return timezone.localdate(row.created_at) if row.created_at else None


def _evaluation_text(verdict: str, number: int, findings: str, rectification: str) -> str:
    """One round's evaluation as the ledger reads it: round, verdict, findings, opinions."""
    text = gettext("Round %(n)d: %(verdict)s. Findings: %(findings)s") % {
        "n": number, "verdict": VERDICTS.get(verdict, verdict), "findings": findings,
    }  # fmt: skip
    if rectification:
        text += gettext(" Rectification opinions: %(text)s") % {"text": rectification}
    return text


class MatterTable(Table):
    key = "matters"
    title = _("Supervision matters")
    url_name = "supervision_desk:matter_list"
    filterset_class = queries.MatterTableFilter
    filter_names = ("region", "state", "mine", "todo", "due_soon", "overdue")
    keyword_label = _("Title or number")
    row_name = _("matter")
    new_url_name = "supervision_desk:matter_new"
    new_label = _("Put a matter on the list")
    default_ordering = ("-created_at", "-id")
    columns = (
        Column("number", _("No."), lambda r: r.pk, kind="link", sort="id"),
        Column("title", _("Title"), kind="link"),
        Column("state", _("State"), lambda r: r.get_state_display(), sort="state"),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("department", _("Responsible department"),
               lambda r: r.department.name if r.department_id else "", sort="department__name"),
        Column("leader", _("Group leader"), lambda r: getattr(r, "group_leader", "")),
        Column("members", _("Group members"), lambda r: getattr(r, "group_size", 0)),
        Column("round", _("Round"), lambda r: r.round or "", sort="round"),
        Column("due_on", _("Deadline"), kind="light", sort="due_on"),
        Column("created_at", _("Listed on"), _listed_on, sort="created_at"),
        Column("source", _("Source"), lambda r: r.get_source_display(), sort="source",
               default=False),
        Column("classification", _("Classification"),
               lambda r: r.get_classification_display(), default=False),
        Column("description", _("Description"), export_only=True),
        Column("evaluation", _("Latest evaluation"), lambda r: getattr(r, "latest_evaluation", ""),
               export_only=True),
    )  # fmt: skip

    def queryset(self, user):
        return queries.matters_for(user)

    def tools(self, user):
        if access.is_office(user) or user.is_superuser:
            return (Tool(_("Statistics"), "supervision_desk:statistics"),)
        return ()

    def may_add(self, user) -> bool:
        return access.is_office(user, access.MANAGE)

    def keyword(self, queryset, q):
        if q.isascii() and q.isdecimal() and len(q) <= 18:
            return queryset.filter(Q(pk=int(q)) | Q(title__icontains=q))
        return queryset.filter(title__icontains=q)

    def detail_url(self, row):
        return reverse("supervision_desk:matter_detail", args=[row.pk])

    def prepare(self, user, rows):
        """Lights, the group's leader and size, and the latest evaluation: two queries."""
        today = timezone.localdate()
        for row in rows:
            row.light = queries.deadline_light(row, today)
        if not rows:
            return
        ids = [row.pk for row in rows]
        leaders, sizes = {}, {}
        members = GroupMember.objects.filter(
            group__matter_id__in=ids, left_at__isnull=True
        ).values_list("group__matter_id", "role", "user__full_name", "user__username")
        for matter_id, role, full_name, username in members:
            sizes[matter_id] = sizes.get(matter_id, 0) + 1
            if role == GroupMember.Role.LEADER:
                leaders[matter_id] = full_name or username
        latest = {}
        evaluations = (
            Evaluation.objects.filter(round__matter_id__in=ids)
            .order_by("round__matter_id", "-round__number")
            .values_list("round__matter_id", "round__number", "verdict", "findings",
                         "rectification")
        )  # fmt: skip
        for matter_id, number, verdict, findings, rectification in evaluations:
            if matter_id not in latest:
                latest[matter_id] = _evaluation_text(verdict, number, findings, rectification)
        for row in rows:
            row.group_leader = leaders.get(row.pk, "")
            row.group_size = sizes.get(row.pk, 0)
            row.latest_evaluation = latest.get(row.pk, "")

    def tweak_form(self, user, form):
        if access.is_office(user):
            super().tweak_form(user, form)

    def filters_for(self, user):
        if access.is_office(user):
            return self.filter_names
        return [name for name in self.filter_names if name != "region"]

    def presets_for(self, user):
        return (
            Preset("todo", _("My to-do"), {"todo": "on"}),
            Preset("due-soon", _("Due soon"), {"due_soon": "on"}),
            Preset("overdue", _("Overdue"), {"overdue": "on"}),
        )


table = register(MatterTable())
