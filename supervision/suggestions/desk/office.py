"""The office's pages: the assignment meeting (交办会, many suggestions at once), the
statistics (办结率, 答复满意率, 落实满意率 with their formulas) and the yearly report with its
Excel ledger (台账)."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access
from portal.errors import DomainError
from portal.models import Department, Region
from supervision.suggestions import exports, queries, workflow
from supervision.suggestions import forms as f
from supervision.suggestions.models import Suggestion

State = Suggestion.State


def _require_office(user) -> None:
    if not queries.is_office(user):
        raise PermissionDenied(_("Only congress office staff see this page."))


@login_required
def assign_batch(request):
    """交办会: assign many accepted suggestions at once, one lead unit per row."""
    user = request.user
    _require_office(user)
    waiting = list(
        queries.suggestions_for(user, access.MANAGE)
        .filter(state=State.ACCEPTED)
        .order_by("session_id", "number", "id")[:200]
    )
    region_paths = {s.region.path for s in waiting}
    ancestor_paths = {p for path in region_paths for p in Region.ancestor_paths_of(path)}
    units = list(
        Department.objects.filter(region__path__in=ancestor_paths, is_active=True)
        .select_related("region").order_by("-region__level", "name")
    )  # fmt: skip
    error = None
    if request.method == "POST":
        rows = []
        for s in waiting:
            unit = request.POST.get(f"unit_{s.pk}", "")
            if unit.isascii() and unit.isdecimal():
                rows.append({"suggestion_id": s.pk, "lead_unit_id": int(unit),
                             "lead_leader": request.POST.get(f"leader_{s.pk}", "")[:64]})  # fmt: skip
        date_field = forms.DateField(required=False)
        try:
            received_on = date_field.clean(request.POST.get("received_on") or None)
        except forms.ValidationError:
            received_on, error = None, _("Enter a valid date.")
        if error is None:
            try:
                done = workflow.suggestions_assign_batch(
                    actor=user, rows=rows, received_on=received_on,
                    meeting=request.POST.get("meeting", "")[:200],
                )  # fmt: skip
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, _("%(n)d suggestions assigned.") % {"n": done})
                return redirect("suggestions_desk:list")
    return render(
        request, "suggestions/desk_assign.html",
        {"waiting": waiting, "units": units, "error": error, "today": timezone.localdate()},
        status=400 if error else 200,
    )  # fmt: skip


def _report_scope(request):
    user = request.user
    _require_office(user)
    regions = list(
        access.visible(user, Region.objects.filter(level__lte=Region.Level.TOWNSHIP)).only(
            "pk", "name", "level", "path"
        )[:300]
    )
    # Without ?year= the page shows this year, and so does the year box.
    query = request.GET.copy()
    if not query.get("year", "").strip():
        query["year"] = str(timezone.localdate().year)
    form = f.ReportForm(query, regions=regions)
    form.is_valid()
    data = form.cleaned_data
    year = data.get("year") or timezone.localdate().year
    rows = queries.in_period(queries.suggestions_for(user), year=year)
    region = next((r for r in regions if r.pk == data.get("region")), None)
    if region is not None:
        rows = rows.filter(
            region__in=Region.objects.filter(path__startswith=region.path).values("pk")
        )
    return form, year, region, rows


# The note under a table whose all-zero rows were left out, per grouping.
EMPTY_NOTES = {
    "unit": gettext_lazy("Units with no data are not listed."),
    "region": gettext_lazy("Regions with no data are not listed."),
    "session": gettext_lazy("Sessions with no data are not listed."),
    "period": gettext_lazy("Rows with no data are not listed."),
}


def _shown(rows: list[tuple[str, queries.Figures]], grouping: str) -> tuple[list, str]:
    """Return the rows with a figure to show, and the note to print when some were left
    out (else '')."""
    shown = [(label, figures) for label, figures in rows if not figures.is_empty]
    return shown, (str(EMPTY_NOTES[grouping]) if len(shown) < len(rows) else "")


@login_required
def statistics(request):
    """办结率, 按时答复率, 答复满意率, 落实满意率 with their formulas, by unit, region,
    session, period."""
    form, year, region, rows = _report_scope(request)
    grouped = [
        (queries.GROUPINGS[key][2], *_shown(queries.figures_by(rows, key), key))
        for key in queries.GROUPINGS
    ]
    return render(request, "suggestions/desk_statistics.html", {
        "form": form, "year": year, "region": region, "total": queries.figures(rows),
        "interim": queries.interim_figures(rows), "grouped": grouped,
        "formulas": queries.FORMULAS, "basis": queries.basis_text(),
    })  # fmt: skip


@login_required
def report(request):
    """The yearly handling report, printable: the figures and one row per suggestion."""
    form, year, region, rows = _report_scope(request)
    ledger = list(queries.ledger_queryset(rows))
    by_unit, by_unit_hidden = _shown(queries.figures_by(rows, "unit"), "unit")
    return render(request, "suggestions/desk_report.html", {
        "form": form, "year": year, "region": region, "total": queries.figures(rows),
        "columns": queries.ledger_columns(), "rows": [queries.ledger_row(s) for s in ledger],
        "formulas": queries.FORMULAS, "basis": queries.basis_text(),
        "by_unit": by_unit, "by_unit_hidden": by_unit_hidden,
        "query": form.data.urlencode(),
    })  # fmt: skip


@login_required
def report_xlsx(request):
    """The yearly ledger (台账) as an Excel file with the report page's columns."""
    _form, year, region, rows = _report_scope(request)
    title = _("Handling of deputies' suggestions, %(year)d") % {"year": year}
    if region is not None:
        title = f"{region.name} · {title}"
    workbook = exports.ledger_workbook(queries.ledger_queryset(rows), queries.figures(rows), title)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="suggestions-{year}.xlsx"'
    return response
