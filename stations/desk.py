"""Signed-in pages of the stations app: the deputies' reception log (phone first), the
office's statistics and double-contact compliance, and each deputy's archive."""

import datetime
import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from portal import access
from portal.errors import DomainError, show_on_form
from portal.filters import filter_list
from portal.pagination import EstimatedCountPaginator
from stations import queries, workflow
from stations.forms import MatterFormSet, ReceptionForm
from stations.models import Reception, Representative, Station


def _deputies_of(stations):
    return Representative.objects.filter(stations__in=stations).distinct().order_by("name")


def _matters_from(formset) -> list[workflow.MatterInput]:
    return [
        workflow.MatterInput(
            content=f.cleaned_data["content"],
            outcome=f.cleaned_data["outcome"],
            answer=f.cleaned_data.get("answer", ""),
            citizen_name=f.cleaned_data.get("citizen_name", ""),
            citizen_phone=f.cleaned_data.get("citizen_phone", ""),
        )
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("content") or "").strip()
    ]


# The station box lists the user's stations when there are few; beyond, ?station= still works.
STATION_CHOICES = 100
RECEPTION_FILTERS = ("station", "date_from", "date_to")


def _reception_filter_fields(request, form) -> list[str]:
    """Name the filter fields the reception list shows, with a station box of few choices."""
    for name in ("date_from", "date_to"):
        form.fields[name].widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    stations = list(
        access.visible(request.user, Station.objects.only("id", "name")).order_by("name", "pk")[
            : STATION_CHOICES + 1
        ]
    )
    if len(stations) > STATION_CHOICES:
        return ["date_from", "date_to"]
    form.fields["station"].widget = forms.Select(
        choices=[("", _("All")), *((station.pk, station.name) for station in stations)]
    )
    return list(RECEPTION_FILTERS)


@login_required
def reception_list(request):
    """The receptions the user sees, newest first, filtered by station, region and period.
    A filter that is not one, or a value that does not fit it, is shown beside the filter
    bar with an empty list."""
    receptions = (
        access.visible(request.user, Reception.objects.all())
        .select_related("station")
        .annotate(matter_count=Count("matters"))
        .order_by("-date", "-id")
    )
    filters, receptions = filter_list(request, queries.ReceptionFilter, receptions)
    form = filters.form
    shown = _reception_filter_fields(request, form)
    page = EstimatedCountPaginator(receptions, 20).get_page(request.GET.get("page"))
    editable = set(
        access.visible(request.user, Reception.objects.filter(pk__in=[r.pk for r in page]), access.MANAGE)
        .values_list("pk", flat=True)
    )  # fmt: skip
    kept = request.GET.copy()
    kept.pop("page", None)
    return render(
        request,
        "stations/desk_reception_list.html",
        {
            "page": page,
            "editable": editable,
            "can_record": queries.recording_stations(request.user).exists(),
            "filter_fields": [form[name] for name in shown],
            "filter_names": shown,
            "filter_errors": filters.errors if filters.is_bound else {},
            "filtered": filters.is_bound,
            "pager_query": kept.urlencode(),
        },
    )


@login_required
def reception_new(request):
    stations = queries.recording_stations(request.user)
    if not stations.exists():
        raise PermissionDenied(_("You are not a deputy of any station."))
    form = ReceptionForm(request.POST or None, stations=stations, deputies=_deputies_of(stations))
    if request.method == "GET":
        mine = Representative.objects.filter(user=request.user).first()
        if mine is not None:
            form.fields["deputies"].initial = [mine.pk]
    formset = MatterFormSet(request.POST or None, prefix="matters")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            workflow.reception_record(
                actor=request.user, station_id=data["station"].pk, date=data["date"],
                form=data["form"], people_count=data["people_count"],
                deputy_ids=[d.pk for d in data["deputies"]], summary=data["summary"],
                matters=_matters_from(formset),
            )  # fmt: skip
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _("The reception has been recorded."))
            return redirect("stations_desk:reception_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "stations/desk_reception_form.html", {"form": form, "formset": formset, "is_new": True},
        status=status,
    )  # fmt: skip


@login_required
def reception_edit(request, pk):
    reception = access.get_object_or_404(
        request.user, Reception.objects.select_related("station"), pk=pk
    )
    can_edit = access.can(request.user, access.MANAGE, reception)
    if not can_edit and request.method == "POST":
        raise PermissionDenied(_("This reception can no longer be changed by you."))
    if not can_edit:
        return render(
            request, "stations/desk_reception_detail.html",
            {"reception": reception, "matters": reception.matters.all(), "deputies": reception.deputies.all()},
        )  # fmt: skip
    stations = Station.objects.filter(pk=reception.station_id)
    initial = {
        "station": reception.station, "date": reception.date, "form": reception.form,
        "people_count": reception.people_count, "summary": reception.summary,
        "deputies": list(reception.deputies.values_list("pk", flat=True)),
    }  # fmt: skip
    matters_initial = [
        {"content": m.content, "outcome": m.outcome, "answer": m.answer,
         "citizen_name": m.citizen_name, "citizen_phone": m.citizen_phone}
        for m in reception.matters.filter(petition_id__isnull=True)
    ]  # fmt: skip
    form = ReceptionForm(
        request.POST or None, initial=initial, stations=stations, deputies=_deputies_of(stations)
    )
    formset = MatterFormSet(request.POST or None, initial=matters_initial, prefix="matters")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            workflow.reception_update(
                actor=request.user, reception_id=reception.pk, date=data["date"], form=data["form"],
                people_count=data["people_count"], deputy_ids=[d.pk for d in data["deputies"]],
                summary=data["summary"], matters=_matters_from(formset),
            )  # fmt: skip
        except (DomainError, PermissionDenied) as exc:
            show_on_form(form, exc if isinstance(exc, DomainError) else DomainError(str(exc)))
        else:
            messages.success(request, _("The reception has been updated."))
            return redirect("stations_desk:reception_list")
    status = 400 if request.method == "POST" else 200
    forwarded = reception.matters.filter(petition__isnull=False).select_related("petition")
    return render(
        request, "stations/desk_reception_form.html",
        {"form": form, "formset": formset, "is_new": False, "reception": reception,
         "forwarded": forwarded},
        status=status,
    )  # fmt: skip


def _period(request) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = min(max(year, 2000), today.year + 1)
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _staff_only(user) -> None:
    if not access.is_office(user):
        raise PermissionDenied(_("Only congress office staff see this page."))


@login_required
def statistics(request):
    _staff_only(request.user)
    date_from, date_to = _period(request)
    nodes = queries.station_statistics(request.user, date_from, date_to)
    # A whole city has thousands of stations: list them only for a smaller jurisdiction.
    show_stations = sum(len(node.stations) for node in nodes) <= STATION_ROWS
    return render(
        request, "stations/desk_statistics.html",
        {"nodes": nodes, "year": date_from.year, "years": _years(), "show_stations": show_stations},
    )  # fmt: skip


STATION_ROWS = 300


def _years() -> list[int]:
    this_year = timezone.localdate().year
    return list(range(this_year, this_year - 5, -1))


@login_required
def contact_compliance(request):
    _staff_only(request.user)
    date_from, _unused = _period(request)
    deputies, members = queries.contact_compliance(request.user, date_from.year)
    show_all = request.GET.get("all") == "1"
    return render(
        request, "stations/desk_compliance.html",
        {
            "deputies": deputies if show_all else [d for d in deputies if not d.compliant],
            "deputy_total": len(deputies),
            "short_total": sum(1 for d in deputies if not d.compliant),
            "members": members, "year": date_from.year, "years": _years(), "show_all": show_all,
            "quota": queries.HOUSEHOLD_QUOTA, "visits_quota": queries.VISITS_PER_HOUSEHOLD,
        },
    )  # fmt: skip


def _archive_of(request, pk) -> dict:
    representative = access.get_object_or_404(
        request.user, Representative.objects.select_related("region", "group"), pk=pk
    )
    year = request.GET.get("year")
    year = (
        int(year)
        if year and year.isascii() and year.isdecimal() and 2000 <= int(year) <= 2100
        else None
    )
    return queries.archive(representative, year) | {"year": year, "year_choices": _years()}


@login_required
def archive(request, pk):
    return render(request, "stations/desk_archive.html", _archive_of(request, pk))


@login_required
def archive_export(request, pk):
    data = _archive_of(request, pk)
    from stations.exports import archive_workbook

    buffer = io.BytesIO()
    archive_workbook(data).save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # The roster number is free text; the file is named by the deputy's id instead.
    response["Content-Disposition"] = content_disposition_header(
        True, f"archive-{data['representative'].pk}.xlsx"
    )
    return response
