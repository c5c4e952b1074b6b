"""The staff lists of the stations app as tables (``portal.tables``): the reception log, the
deputy roster and the liaison stations, each scoped by ``portal.access``.

Counts are correlated subqueries, so a page sorts and counts without grouping the whole
jurisdiction; ``prepare`` adds the many-to-many cells of a page in one query each.
"""

from __future__ import annotations

import calendar
from collections import defaultdict

from django import forms
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal import access
from portal.tables import Column, Preset, Table, region_box, register
from stations import queries, queries_lists
from stations.models import (
    MandateLevel,
    Reception,
    ReceptionMatter,
    Representative,
    Station,
    StationMembership,
)


def _count(rows, field: str, **conditions):
    """The number of ``rows`` whose ``field`` is the outer row, as an annotation."""
    counted = (
        rows.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _office(user) -> bool:
    return access.is_office(user) or user.is_superuser


def _is_deputy(user) -> bool:
    return getattr(user, "representative", None) is not None


def _station_box(user, form) -> None:
    stations = queries_lists.station_choices(user)
    if "station" in form.fields and stations is not None:
        form.fields["station"].widget = forms.Select(
            choices=[("", _("All")), *((s.pk, s.name) for s in stations)]
        )


def _date_boxes(form) -> None:
    for name, label in (("date_from", _("Start date")), ("date_to", _("End date"))):
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _all_choice(form, name) -> None:
    """Offer "All" rather than dashes as the empty choice of a choice box."""
    if name in form.fields:
        field = form.fields[name]
        field.widget.choices = [("", _("All")), *((k, v) for k, v in field.choices if k != "")]


def _without_station_box(user, names):
    if queries_lists.has_station_box(user):
        return names
    return [name for name in names if name != "station"]


# --- the reception log (民情工作日志) ---------------------------------------------------


def _matters_text(matters) -> str:
    lines = []
    for number, (content, outcome, answer) in enumerate(matters, start=1):
        line = f"{number}. {content}（{ReceptionMatter.Outcome(outcome).label}）"
        if answer:
            line += f" {gettext('Answer')}：{answer}"
        lines.append(line)
    return "\n".join(lines)


class ReceptionTable(Table):
    key = "receptions"
    title = _("Reception log")
    url_name = "stations_desk:reception_list"
    filterset_class = queries_lists.ReceptionListFilter
    filter_names = ("station", "region", "date_from", "date_to", "mine")
    keyword_label = _("Station name or matter")
    row_name = _("reception")
    new_url_name = "stations_desk:reception_new"
    new_label = _("Log a reception")
    default_ordering = ("-date", "-id")
    columns = (
        Column("date", _("Date"), kind="link", sort="date"),
        Column("station", _("Station"), lambda r: r.station.name, sort="station__name"),
        Column("deputies", _("Deputies present"), lambda r: getattr(r, "deputy_names", "")),
        Column("people_count", _("People received"), sort="people_count"),
        Column("matter_count", _("Number of matters"), sort="matter_count"),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("forwarded_count", _("Number forwarded"), sort="forwarded_count"),
        Column("recorded_by", _("Recorded by"), lambda r: r.recorded_by.display_name),
        Column("form", _("Form"), lambda r: r.get_form_display(), sort="form", default=False),
        Column("locked", _("Locked"), lambda r: r.locked_at is not None, default=False),
        Column("summary", _("Summary"), export_only=True),
        Column("matters", _("Matters raised"), lambda r: getattr(r, "matters_text", ""),
               export_only=True),
    )  # fmt: skip

    def queryset(self, user):
        # The scoping of the reception log: what access shows (the office's jurisdiction; a
        # deputy's own receptions, recorded or attended).
        matters = ReceptionMatter.objects.all()
        return (
            access.visible(user, Reception.objects.all())
            .select_related("station", "region", "recorded_by")
            .annotate(
                matter_count=_count(matters, "reception"),
                forwarded_count=_count(
                    matters, "reception", outcome=ReceptionMatter.Outcome.FORWARDED
                ),
            )
        )

    def may_add(self, user) -> bool:
        return queries.recording_stations(user).exists()

    def keyword(self, queryset, q):
        matching = ReceptionMatter.objects.filter(content__icontains=q).values("reception_id")
        return queryset.filter(Q(station__name__icontains=q) | Q(pk__in=matching))

    def detail_url(self, row):
        return reverse("stations_desk:reception_edit", args=[row.pk])

    def prepare(self, user, rows):
        if not rows:
            return
        ids = [row.pk for row in rows]
        names = defaultdict(list)
        present = (
            Reception.deputies.through.objects.filter(reception_id__in=ids)
            .order_by("representative__name", "representative_id")
            .values_list("reception_id", "representative__name")
        )
        for reception_id, name in present:
            names[reception_id].append(name)
        matters = defaultdict(list)
        for reception_id, content, outcome, answer in (
            ReceptionMatter.objects.filter(reception_id__in=ids)
            .order_by("id")
            .values_list("reception_id", "content", "outcome", "answer")
        ):
            matters[reception_id].append((content, outcome, answer))
        for row in rows:
            row.deputy_names = "、".join(names[row.pk])
            row.matters_text = _matters_text(matters[row.pk])

    def tweak_form(self, user, form):
        _date_boxes(form)
        _station_box(user, form)
        region_box(user, form)

    def filters_for(self, user):
        names = list(self.filter_names)
        if not _office(user):
            names.remove("region")  # a deputy's own receptions: the station says enough
        if not _is_deputy(user):
            names.remove("mine")
        return _without_station_box(user, names)

    def presets_for(self, user):
        today = timezone.localdate()
        last = calendar.monthrange(today.year, today.month)[1]
        presets = [
            Preset("this-month", _("This month"), {
                "date_from": today.replace(day=1).isoformat(),
                "date_to": today.replace(day=last).isoformat(),
            }),
        ]  # fmt: skip
        if _is_deputy(user):
            presets.append(Preset("mine", _("Mine"), {"mine": "on"}))
        return presets


# --- the deputy roster (代表名册) -------------------------------------------------------


class DeputyTable(Table):
    key = "deputies"
    title = _("Deputy roster")
    url_name = "stations_desk:deputy_list"
    filterset_class = queries_lists.DeputyListFilter
    filter_names = ("level", "region", "station", "active")
    keyword_label = _("Name")
    searched = False  # part of a name (a surname) finds the deputy: a substring, not words
    row_name = _("deputy")
    default_ordering = ("region__path", "name", "id")
    columns = (
        Column("name", _("Name"), kind="link", sort="name"),
        Column("levels", _("Congress level"), lambda r: getattr(r, "levels", "")),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("stations", _("Liaison stations"), lambda r: getattr(r, "station_names", "")),
        Column("phone", _("Mobile phone"), lambda r: getattr(r, "shown_phone", "")),
        Column("terms", _("Term"), lambda r: getattr(r, "terms", "")),
        Column("is_active", _("In office"), sort="is_active"),
        Column("group", _("Deputy group"), lambda r: r.group.name if r.group else "",
               sort="group__name", default=False),
        Column("work_unit", _("Work unit and post"), default=False),
        Column("id_code", _("Roster number"), sort="id_code", default=False),
    )  # fmt: skip

    def queryset(self, user):
        return access.visible(user, Representative.objects.select_related("region", "group"))

    def may_view(self, user) -> bool:
        return _office(user)

    def keyword(self, queryset, q):
        return queryset.filter(name__icontains=q)

    def detail_url(self, row):
        return reverse("stations_desk:archive", args=[row.pk])

    def prepare(self, user, rows):
        if not rows:
            return
        ids = [row.pk for row in rows]
        order = {level: index for index, level in enumerate(MandateLevel.values)}
        mandates = defaultdict(list)
        for mandate in queries_lists.current_mandates().filter(representative_id__in=ids):
            mandates[mandate.representative_id].append(mandate)
        stations = defaultdict(list)
        for representative_id, name in (
            StationMembership.objects.filter(representative_id__in=ids)
            .order_by("station__name", "station_id")
            .values_list("representative_id", "station__name")
        ):
            stations[representative_id].append(name)
        for row in rows:
            held = sorted(mandates[row.pk], key=lambda m: (order.get(m.level, 99), m.term))
            row.levels = "、".join(m.get_level_display() for m in held)
            row.terms = "、".join(dict.fromkeys(m.term for m in held))
            row.station_names = "、".join(stations[row.pk])
            # The office that keeps the deputy's records sees the phone; others masked.
            if access.may_see_personal_data(user, row, owner_user_id=row.user_id):
                row.shown_phone = row.phone
            else:
                row.shown_phone = access.mask_phone(row.phone)

    def tweak_form(self, user, form):
        _station_box(user, form)
        region_box(user, form)
        _all_choice(form, "level")
        if "station" in form.fields:
            form.fields["station"].label = _("Station")

    def filters_for(self, user):
        return _without_station_box(user, self.filter_names)


# --- the liaison stations (联络站) -------------------------------------------------------


class StationTable(Table):
    key = "stations"
    title = _("Liaison stations")
    url_name = "stations_desk:station_list"
    filterset_class = queries_lists.StationListFilter
    filter_names = ("kind", "region", "active")
    keyword_label = _("Station name")
    row_name = _("liaison station")
    default_ordering = ("region__path", "kind", "name", "id")
    columns = (
        Column("name", _("Station name"), kind="link", sort="name"),
        Column("kind", _("Kind"), lambda r: r.get_kind_display(), sort="kind"),
        Column("region", _("Region"), lambda r: r.region.name, sort="region__path"),
        Column("address", _("Address")),
        Column("deputy_count", _("Deputies stationed"), sort="deputy_count"),
        Column("receptions_this_year", _("Receptions this year"), sort="receptions_this_year"),
        Column("is_active", _("Station open"), sort="is_active"),
        Column("phone", _("Station phone"), default=False),
        Column("chief", _("Station chief"), lambda r: r.chief.name if r.chief else "",
               default=False),
        Column("liaison_officer", _("Liaison officer"), default=False),
        Column("opening_hours", _("Opening hours"), default=False),
    )  # fmt: skip

    def queryset(self, user):
        year = timezone.localdate().year
        members = StationMembership.objects.filter(representative__is_active=True)
        return (
            access.visible(user, Station.objects.all())
            .select_related("region", "chief")
            .annotate(
                deputy_count=_count(members, "station"),
                receptions_this_year=_count(Reception.objects.all(), "station", date__year=year),
            )
        )

    def may_view(self, user) -> bool:
        return _office(user)

    def keyword(self, queryset, q):
        return queryset.filter(name__icontains=q)

    def detail_url(self, row):
        return getattr(row, "url", None)

    def prepare(self, user, rows):
        # No desk page of its own: the admin's for those who use it, else the public page.
        admin = access.can_use_admin(user)
        for row in rows:
            if admin:
                row.url = reverse("admin:stations_station_change", args=[row.pk])
            elif row.is_active:
                row.url = reverse("stations:detail", args=[row.pk])
            else:
                row.url = None

    def tweak_form(self, user, form):
        region_box(user, form)
        _all_choice(form, "kind")


receptions = register(ReceptionTable())
deputies = register(DeputyTable())
stations = register(StationTable())
