"""Signed-in pages of the stations app: the deputies' reception log (phone first), the
office's statistics and double-contact compliance, and each deputy's archive."""

import datetime
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal import access
from portal.errors import DomainError, show_on_form
from stations import queries, workflow
from stations.forms import MatterFormSet, ReceptionForm
from stations.models import Reception, ReceptionMatter, Representative, Station


def _station_id(value, stations) -> int | None:
    """Return ``value`` as the id of one of ``stations``, else None."""
    value = str(value or "")
    if value.isascii() and value.isdecimal() and stations.filter(pk=int(value)).exists():
        return int(value)
    return None


def _matters_from(formset) -> list[workflow.MatterInput]:
    return [
        workflow.MatterInput(
            content=f.cleaned_data["content"],
            outcome=f.cleaned_data["outcome"],
            answer=f.cleaned_data.get("answer", ""),
            citizen_name=f.cleaned_data.get("citizen_name", ""),
            citizen_phone=f.cleaned_data.get("citizen_phone", ""),
            category=f.cleaned_data.get("category", "")
            if f.cleaned_data["outcome"] == ReceptionMatter.Outcome.FORWARDED
            else "",
        )
        for f in formset.forms
        if f.cleaned_data and (f.cleaned_data.get("content") or "").strip()
    ]


def _saved_message(user, reception, *, updated=False, known_issue_ids=frozenset()) -> str:
    """Say that ``reception`` was recorded (or ``updated``) and which citizen issues its
    forwarded matters became (those not in ``known_issue_ids``): linked to the issue's page when ``user`` may open
    it, else by tracking code."""
    issues = [
        matter.petition
        for matter in reception.matters.filter(petition__isnull=False)
        .exclude(petition_id__in=known_issue_ids)
        .select_related("petition")
        .order_by("id")
    ]
    if not issues:
        if updated:
            return _("The reception has been updated.")
        return _("The reception has been recorded.")
    links = format_html_join(
        "、", "{}", ((_issue_link(user, issue),) for issue in issues)
    )  # fmt: skip
    if updated:
        text = ngettext(
            "The reception has been updated. %(count)d citizen issue was created: %(issues)s",
            "The reception has been updated. %(count)d citizen issues were created: %(issues)s",
            len(issues),
        )
    else:
        text = ngettext(
            "The reception has been recorded. %(count)d citizen issue was created: %(issues)s",
            "The reception has been recorded. %(count)d citizen issues were created: %(issues)s",
            len(issues),
        )
    return mark_safe(conditional_escape(text) % {"count": len(issues), "issues": links})  # noqa: S308


def _issue_link(user, issue) -> str:
    if access.can(user, access.VIEW, issue):
        url = reverse("petitions_desk:petition_detail", args=[issue.pk])
        return format_html('<a href="{}">{}</a>', url, issue.tracking_code)
    return conditional_escape(issue.tracking_code)


@login_required
def reception_new(request):
    """Log a reception; the form opens ready: the usual station chosen (``?station=`` picks
    another; the page's script reloads the deputies that way), only its deputies listed with
    the user ticked, today, one person. The saved message links the issues it created."""
    user = request.user
    stations = queries.recording_stations(user)
    if not stations.exists():
        raise PermissionDenied(_("You are not a deputy of any station."))
    if request.method == "POST":
        station_id = _station_id(request.POST.get("station"), stations)
    else:
        station_id = _station_id(request.GET.get("station"), stations)
        if station_id is None:
            station_id = queries.usual_station_id(user, stations)
    deputies = queries.station_deputies(station_id)
    initial = {
        "station": station_id,
        "deputies": list(deputies.filter(user_id=user.pk).values_list("pk", flat=True)),
    }
    form = ReceptionForm(
        request.POST or None, initial=initial, stations=stations, deputies=deputies
    )
    formset = MatterFormSet(request.POST or None, prefix="matters")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            reception = workflow.reception_record(
                actor=user, station_id=data["station"].pk, date=data["date"],
                form=data["form"], people_count=data["people_count"],
                deputy_ids=[d.pk for d in data["deputies"]], summary=data["summary"],
                matters=_matters_from(formset),
            )  # fmt: skip
        except DomainError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, _saved_message(user, reception))
            return redirect("stations_desk:reception_list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "stations/desk_reception_form.html",
        {"form": form, "formset": formset, "is_new": True, "stations_to_switch": _switchable(stations)},
        status=status,
    )  # fmt: skip


# Without script, the form lists the user's other stations as links when there are few.
SWITCH_LINKS = 10


def _switchable(stations) -> list:
    found = list(stations.only("pk", "name")[: SWITCH_LINKS + 1])
    return found if 1 < len(found) <= SWITCH_LINKS else []


@login_required
def reception_edit(request, pk):
    reception = access.get_object_or_404(
        request.user, Reception.objects.select_related("station"), pk=pk
    )
    can_edit = access.can(request.user, access.MANAGE, reception)
    if not can_edit and request.method == "POST":
        raise PermissionDenied(_("This reception can no longer be changed by you."))
    forwarded = reception.matters.filter(petition__isnull=False).select_related("petition")
    if not can_edit:
        return render(
            request, "stations/desk_reception_detail.html",
            {"reception": reception, "matters": reception.matters.select_related("petition"),
             "deputies": reception.deputies.all()},
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
        request.POST or None, initial=initial, stations=stations,
        deputies=queries.station_deputies(reception.station_id),
    )  # fmt: skip
    formset = MatterFormSet(request.POST or None, initial=matters_initial, prefix="matters")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        known = {m.petition_id for m in forwarded}
        try:
            workflow.reception_update(
                actor=request.user, reception_id=reception.pk, date=data["date"], form=data["form"],
                people_count=data["people_count"], deputy_ids=[d.pk for d in data["deputies"]],
                summary=data["summary"], matters=_matters_from(formset),
            )  # fmt: skip
        except (DomainError, PermissionDenied) as exc:
            show_on_form(form, exc if isinstance(exc, DomainError) else DomainError(str(exc)))
        else:
            message = _saved_message(request.user, reception, updated=True, known_issue_ids=known)
            messages.success(request, message)
            return redirect("stations_desk:reception_list")
    status = 400 if request.method == "POST" else 200
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
    # A whole city has thousands of stations: list them only for a smaller jurisdiction.
    all_nodes = queries.station_statistics(
        request.user, date_from, date_to, station_limit=STATION_ROWS
    )
    show_stations = any(node.stations for node in all_nodes)
    nodes, hidden = queries.statistics_rows(all_nodes)
    from portal.figures import periods, snapshots

    computed_at = snapshots.computed_at(periods.months_between(date_from, date_to))
    return render(
        request, "stations/desk_statistics.html",
        {"nodes": nodes, "year": date_from.year, "years": _years(date_from.year),
         "show_stations": show_stations, "hidden": hidden, "computed_at": computed_at},
    )  # fmt: skip


STATION_ROWS = 300


def _years(shown: int | None = None) -> list[int]:
    """Return the years of the year box, newest first: the last five, and the year shown
    when it is outside them, so the box always shows the year on the page."""
    this_year = timezone.localdate().year
    years = list(range(this_year, this_year - 5, -1))
    if shown is not None and shown not in years:
        years = sorted([*years, shown], reverse=True)
    return years


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
            "members": members, "year": date_from.year, "years": _years(date_from.year),
            "show_all": show_all,
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
    return queries.archive(representative, year) | {"year": year, "year_choices": _years(year)}


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
