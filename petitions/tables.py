"""The staff list of citizen issues as a table (``portal.tables``): the office's ledger and a
handling unit's worklist, with bulk accept and forward through the workflow."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions import queries, workflow
from petitions.models import Category, Channel, Petition, PetitionReply
from portal.models import Department
from portal.tables import BulkAction, Column, Preset, Table, label_of, register

State = Petition.State


def _citizen(row) -> str:
    """The citizen as every list shows them: masked (the issue's page shows the rest to
    those who need it)."""
    return " ".join(p for p in (row.masked_name, row.masked_phone) if p)


def _contact(row) -> str:
    """The citizen in the export: in full for the managing office and the assigned unit,
    who call them back; masked for everyone else."""
    if getattr(row, "citizen_visible", False):
        return " ".join(p for p in (row.citizen_name, row.citizen_phone) if p)
    return _citizen(row)


class BulkForwardForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Handling unit"), queryset=Department.objects.none(), empty_label=_("Choose a unit")
    )

    def __init__(self, user, data=None):
        super().__init__(data, prefix="forward")
        self.fields["department"].queryset = workflow.units_for_actor(user)


def _forward(user, petition, data):
    workflow.petition_forward(
        actor=user, petition_id=petition.pk, department_id=data["department"].pk, note=""
    )


class PetitionTable(Table):
    key = "petitions"
    title = _("Citizen issues")
    url_name = "petitions_desk:petition_list"
    filterset_class = queries.PetitionFilter
    filter_names = (
        "state", "category", "region", "submitted_from", "submitted_to", "overdue", "due_soon",
    )  # fmt: skip
    keyword_label = _("Keywords, tracking code or phone's last digits")
    row_name = _("issue")
    new_url_name = "petitions_desk:petition_new"
    new_label = _("Enter an issue")
    default_ordering = ("-id",)
    columns = (
        Column("tracking_code", _("Tracking code"), kind="link", sort="id"),
        Column("title", _("Title"), kind="link"),
        Column("state", _("State"), label_of("state", State), sort="state"),
        Column("category", _("Category"), label_of("category", Category), sort="category"),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("department", _("Handling unit"), lambda r: r.department.name if r.department else ""),
        Column("submitted_at", _("Submitted at"), sort="submitted_at"),
        Column("due_on", _("Reply due"), kind="light", sort="due_on"),
        Column("channel", _("Channel"), label_of("channel", Channel), sort="channel", default=False),
        Column("station", _("Liaison station"), lambda r: r.station.name if r.station else "", default=False),
        Column("citizen", _("Citizen"), _citizen),
        Column("round", _("Handling round"), sort="round", default=False),
        Column("contact", _("Citizen's contact"), _contact, export_only=True),
        Column("description", _("Description"), export_only=True),
        Column("reply", _("Latest reply"), lambda r: getattr(r, "latest_reply", ""), export_only=True),
    )  # fmt: skip
    bulk_actions = {
        "accept": BulkAction(
            _("Accept"), _("accepted"),
            lambda u, p, d: workflow.petition_accept(actor=u, petition_id=p.pk, note=""),
            lambda u, p: p.state == State.SUBMITTED,
            may=lambda u: queries.may_enter(u),
        ),
        "forward": BulkAction(
            _("Forward to the unit"), _("forwarded"), _forward,
            lambda u, p: p.can_move_to(State.FORWARDED),
            form=BulkForwardForm, may=lambda u: queries.may_enter(u),
        ),
    }  # fmt: skip

    def queryset(self, user):
        rows = queries.petitions_for(user)
        if queries.is_handler(user):
            rows = rows.filter(department_id=user.department_id)
        return rows

    def may_view(self, user) -> bool:
        return queries.is_office(user) or queries.is_handler(user) or user.is_superuser

    def may_add(self, user) -> bool:
        return queries.may_enter(user)

    def detail_url(self, row):
        return reverse("petitions_desk:petition_detail", args=[row.pk])

    def prepare(self, user, rows):
        today = timezone.localdate()
        for row in rows:
            row.light = queries.deadline_light(row, today)
            row.citizen_visible = queries.may_see_citizen(user, row)
        if rows and any(c.key == "reply" for c in self.columns):
            latest = {}
            replies = (
                PetitionReply.objects.filter(petition_id__in=[r.pk for r in rows])
                .exclude(kind=PetitionReply.Kind.HAND_BACK)
                .order_by("petition_id", "-id")
                .values_list("petition_id", "text")
            )
            for petition_id, text in replies:
                latest.setdefault(petition_id, text)
            for row in rows:
                row.latest_reply = latest.get(row.pk, "")

    def heading(self, user):
        return _("Issues assigned to my unit") if queries.is_handler(user) else self.title

    def filters_for(self, user):
        if queries.is_handler(user):
            return [name for name in self.filter_names if name != "region"]
        return self.filter_names

    def presets_for(self, user):
        mine = (
            {"state": State.FORWARDED} if queries.is_handler(user) else {"state": State.SUBMITTED}
        )
        return (
            Preset("todo", _("My to-do"), mine),
            Preset("due-soon", _("Due soon"), {"due_soon": "on"}),
            Preset("overdue", _("Overdue"), {"overdue": "on"}),
        )


table = register(PetitionTable())
