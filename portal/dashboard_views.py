"""The leaders' dashboard pages (``/desk/dashboard/``): the page, its Excel export and the
action that recomputes a period. What they show is ``portal.dashboard.build``.

Office staff and leaders see their own jurisdiction and drill down to any region under it
that keeps figures (city, county, township), then to a station or a handling unit; a
region, station or unit outside it is a 404, as if it did not exist.
"""

from __future__ import annotations

import io
import logging
import re
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from portal import access, dashboard
from portal.figures import periods
from portal.models import Region

log = logging.getLogger(__name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECOMPUTE_MONTHS = 24  # a recompute covers the whole portal: at most two years at a time
FIELD_LABELS = {"period": _lazy("Period"), "month": _lazy("Month"), "year": _lazy("Year"),
                "quarter": _lazy("Quarter"), "from": _lazy("From"), "to": _lazy("To")}  # fmt: skip


def roots_of(user, action: str = access.VIEW) -> list[Region]:
    """The regions whose dashboards ``user`` may open (their jurisdiction's tops)."""
    if user.is_superuser:
        return list(Region.objects.filter(parent__isnull=True).order_by("code"))
    paths = access.region_paths(user, action)
    return list(Region.objects.filter(path__in=paths).order_by("path"))


def region_asked(raw: str | None, roots: list[Region]) -> Region | None:
    """The region a request names (``raw``: its id; empty: the user's own), when it keeps
    figures (city, county, township) and lies in ``roots``; else None. A village office has
    no dashboard of its own: villages roll into their township, which it may not see."""
    if not roots:
        return None
    if not raw:
        region = roots[0]
    elif raw.isascii() and raw.isdigit() and len(raw) <= 18:
        region = Region.objects.filter(pk=int(raw)).first()
    else:
        return None
    if region is None or region.level > Region.Level.TOWNSHIP:
        return None
    return region if any(region.path.startswith(r.path) for r in roots) else None


def _region(request, roots: list[Region]) -> Region:
    region = region_asked(request.GET.get("region", ""), roots)
    if region is None:
        raise Http404
    return region


def _context(request):
    if not access.is_office(request.user):
        raise PermissionDenied(_("Only congress office staff see this page."))
    roots = roots_of(request.user)
    if not roots:
        raise PermissionDenied(_("Only congress office staff see this page."))
    region = _region(request, roots)
    period, errors = periods.parse(request.GET)
    return roots, region, period, errors


def _link(period):
    def link(**params):
        query = {**params, **period.query()}
        return reverse("dashboard") + "?" + urlencode(query)

    return link


@login_required
def page(request):
    roots, region, period, errors = _context(request)
    station_view = None
    for dimension in dashboard.FOCUS:  # one station, or one handling unit
        bucket = request.GET.get(dimension, "")
        if bucket:
            station_view = (
                dashboard.focus_view(region, dimension, bucket, period)
                if bucket.isdigit()
                else None
            )
            if station_view is None:
                raise Http404
            break
    data = dashboard.build(region, period, link=_link(period))
    may_recompute = any(
        region.path.startswith(r.path) for r in roots_of(request.user, access.MANAGE)
    )
    query = urlencode({"region": region.pk, **period.query()})
    labelled = [
        (str(FIELD_LABELS.get(f, f)), message) for f, ms in errors.items() for message in ms
    ]
    return render(
        request, "portal/dashboard.html",
        {**data, "errors": labelled, "error_fields": set(errors), "crumbs": dashboard.ancestors_within(region, roots),
         "station_view": station_view, "query": query, "may_recompute": may_recompute,
         "charts_json": [c.as_json() for c in data["charts"]] +
                        ([station_view["chart"].as_json()] if station_view else []),
         "quarters": [1, 2, 3, 4], "quarter": (period.start.month - 1) // 3 + 1,
         "query_period": urlencode(period.query())},
    )  # fmt: skip


def workbook(data) -> bytes:
    """The dashboard as an Excel workbook: the figures with their formulas, the children's
    table, then one sheet per chart with the table behind it."""
    from openpyxl import Workbook

    from portal.tables.exports import safe as safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append([f"{data['region'].name} · {data['period'].label}"])
    sheet.append([_("Module"), _("Figure"), _("Value"), _("Previous period"), _("Change"),
                  _("Unit"), _("Formula")])  # fmt: skip
    for value in data["values"]:
        figure = value.figure
        sheet.append([safe_cell(str(figure.module)), safe_cell(str(figure.label)),
                      value.display, value.previous_display, value.change_display,
                      str(figure.unit), safe_cell(str(figure.formula))])  # fmt: skip
    if data["children"]:
        lower = book.create_sheet(_("Regions")[:31])
        lower.append([_("Region"), *(str(f.label) for f in data["child_columns"])])
        for row in data["children"]:
            lower.append([safe_cell(row["region"].name), *row["cells"]])
    for index, chart in enumerate(data["charts"], start=1):
        title = re.sub(r"[\[\]:*?/\\：]", " ", f"{index} {chart.title}")
        page = book.create_sheet(title[:31])
        page.append([chart.title])
        page.append(["", *(name for name, _values in chart.series)])
        for row in chart.rows:
            page.append([safe_cell(str(row[0])), *(float(v) if v is not None else None
                                                   for v in row[1:])])  # fmt: skip
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@login_required
def export(request):
    _roots, region, period, errors = _context(request)
    if errors:
        text = "；".join(f"{FIELD_LABELS.get(f, f)}：{m}" for f, ms in errors.items() for m in ms)
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    data = dashboard.build(region, period)
    response = HttpResponse(workbook(data), content_type=XLSX)
    name = f"{region.name}_{_('Dashboard')}_{period.label}.xlsx".replace(" ", "")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
def recompute(request):
    """Recompute the figures of the period shown (all sources), by a worker when one is
    reachable, else at once."""
    if not access.is_office(request.user, access.MANAGE):
        raise PermissionDenied(_("Only congress office staff see this page."))
    roots = roots_of(request.user, access.MANAGE)
    if not roots:
        raise PermissionDenied(_("Only congress office staff see this page."))
    request.GET = request.POST  # the same parameters, sent by the form
    region = _region(request, roots)
    period, errors = periods.parse(request.POST)
    back = reverse("dashboard") + "?" + urlencode({"region": region.pk, **period.query()})
    if errors:
        messages.error(request, _("Choose a valid period."))
        return redirect(back)
    if len(period.months) > RECOMPUTE_MONTHS:
        messages.error(
            request, _("Recompute at most %(n)d months at a time.") % {"n": RECOMPUTE_MONTHS}
        )
        return redirect(back)
    months = [m.strftime("%Y-%m") for m in period.months]
    try:
        from portal.queue import task

        task("portal.refresh_figures").delay(months=months)
        messages.success(request, _("Recomputing the figures of %(period)s; reload in a few minutes.")
                         % {"period": period.label})  # fmt: skip
    except Exception:  # the broker is down: compute now
        log.warning("refresh_figures could not be queued; computing now", exc_info=True)
        from portal.figures import snapshots

        snapshots.refresh(period.months)
        messages.success(request, _("The figures of %(period)s were recomputed.")
                         % {"period": period.label})  # fmt: skip
    return redirect(back)
