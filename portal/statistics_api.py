"""The statistics of the API: ``/api/v1/statistics/`` lists the figures (name, formula, unit,
minimum cases); ``/api/v1/statistics/<figure>/`` gives one figure for a region and period —
the same snapshots and the same arithmetic as the dashboard — with an optional breakdown by
child region, month, handling unit, category, station, weekday or stage.

Parameters are strict: an unknown one, a bad period or a breakdown the figure does not have
is a 400 naming it; a region outside the caller's jurisdiction is a 404.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from portal import access, dashboard, figures
from portal.dashboard_views import region_asked, roots_of
from portal.figures import periods, snapshots
from portal.filters import StrictQueryMixin
from portal.models import Region

BREAKDOWNS = ("children", "month", "unit", "category", "station", "weekday", "stage")
PARAMS = {"region", "period", "month", "year", "quarter", "from", "to", "breakdown", "format"}


class FigureSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    module = serializers.CharField()
    formula = serializers.CharField()
    unit = serializers.CharField()
    is_rate = serializers.BooleanField()
    min_cases = serializers.IntegerField()
    url = serializers.CharField()


def _describe(figure: figures.Figure, request) -> dict:
    from django.urls import reverse

    return {
        "key": figure.key, "label": str(figure.label), "module": str(figure.module),
        "formula": str(figure.formula), "unit": str(figure.unit), "is_rate": figure.is_rate,
        "min_cases": figure.min_cases,
        "url": request.build_absolute_uri(reverse("statistic-detail", args=[figure.key])),
    }  # fmt: skip


def _number(value):
    return None if value is None else float(value)


ENTRIES = inline_serializer(
    "StatisticEntry",
    many=True,
    required=False,
    fields={
        "key": serializers.CharField(), "label": serializers.CharField(),
        "value": serializers.FloatField(allow_null=True), "display": serializers.CharField(),
        "cases": serializers.IntegerField(), "ranked": serializers.BooleanField(),
    },
)  # fmt: skip
DETAIL = inline_serializer(
    "StatisticDetail",
    {
        "figure": FigureSerializer(),
        "region": inline_serializer("StatisticRegion", {"id": serializers.IntegerField(),
                                                        "name": serializers.CharField()}),
        "period": inline_serializer("StatisticPeriod", {
            "kind": serializers.CharField(), "start": serializers.DateField(),
            "end": serializers.DateField(), "label": serializers.CharField()}),
        "value": serializers.FloatField(allow_null=True),
        "display": serializers.CharField(),
        "cases": serializers.IntegerField(),
        "previous": serializers.FloatField(allow_null=True),
        "computed_at": serializers.DateTimeField(allow_null=True),
        "breakdown": ENTRIES,
    },
)  # fmt: skip


class StatisticViewSet(StrictQueryMixin, viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated]
    lists_filtered = False

    @property
    def extra_query_params(self):
        return PARAMS if self.action == "retrieve" else ()

    lookup_value_regex = "[a-z_]+"

    def _office(self, request):
        if not access.is_office(request.user):
            raise PermissionDenied(_("Only congress office staff see this page."))

    @extend_schema(responses={200: FigureSerializer(many=True)},
                   summary="The figures and how each is computed")  # fmt: skip
    def list(self, request):
        self._office(request)
        return Response([_describe(f, request) for f in figures.figures()])

    @extend_schema(
        summary="One figure for a region and a period",
        parameters=[
            OpenApiParameter("region", OpenApiTypes.INT, description="Region id (default: your jurisdiction)"),
            OpenApiParameter("period", OpenApiTypes.STR, enum=[*periods.KINDS]),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM (period=month)"),
            OpenApiParameter("year", OpenApiTypes.INT, description="period=quarter or year"),
            OpenApiParameter("quarter", OpenApiTypes.INT, enum=[1, 2, 3, 4]),
            OpenApiParameter("from", OpenApiTypes.STR, description="YYYY-MM (period=custom)"),
            OpenApiParameter("to", OpenApiTypes.STR, description="YYYY-MM (period=custom)"),
            OpenApiParameter("breakdown", OpenApiTypes.STR, enum=[*BREAKDOWNS]),
        ],
        responses={200: DETAIL},
    )  # fmt: skip
    def retrieve(self, request, pk=None):
        self._office(request)
        figure = figures.figure(pk or "")
        if figure is None:
            raise Http404(_("No such figure."))
        region = self._region(request)
        period, errors = periods.parse(request.query_params)
        if errors:
            raise ValidationError(errors)
        months = period.months
        values = snapshots.totals([region.pk], months, figure.measures)[region.pk]
        before = snapshots.totals([region.pk], period.previous().months, figure.measures)
        body = {
            "figure": _describe(figure, request), "region": {"id": region.pk, "name": region.name},
            "period": {"kind": period.kind, "start": period.start, "end": period.last_day,
                       "label": period.label},
            "value": _number(figure.value(values)), "display": figure.display(figure.value(values)),
            "cases": figure.cases(values), "previous": _number(figure.value(before[region.pk])),
            "computed_at": snapshots.computed_at(months),
        }  # fmt: skip
        breakdown = request.query_params.get("breakdown")
        if breakdown:
            body["breakdown"] = self._breakdown(figure, region, period, breakdown)
        return Response(body)

    def _region(self, request) -> Region:
        raw = request.query_params.get("region", "")
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            raise ValidationError({"region": [_("Enter a whole number.")]})
        region = region_asked(raw, roots_of(request.user))
        if region is None:
            raise Http404(_("No such region in your jurisdiction."))
        return region

    def _breakdown(self, figure, region, period, breakdown) -> list[dict]:
        if breakdown not in BREAKDOWNS:
            raise ValidationError(
                {"breakdown": [_("Choose one of: %(list)s.") % {"list": ", ".join(BREAKDOWNS)}]}
            )
        entries = []
        if breakdown == "children":
            children = dashboard.children_of(region)
            totals = snapshots.totals([c.pk for c in children], period.months, figure.measures)
            entries = [(str(c.pk), c.name, totals[c.pk]) for c in children]
        elif breakdown == "month":
            rows = snapshots.by_month(region.pk, period.months, figure.measures)
            entries = [
                (m.strftime("%Y-%m"), periods.month_label(m), rows.get(m, {}))
                for m in period.months
            ]
        else:
            source = figures.source(figure.source)
            if breakdown not in source.dimensions or any(
                figures.source(m.split(".")[0]) is not source for m in figure.measures
            ):
                raise ValidationError({"breakdown": [_("This figure has no such breakdown.")]})
            parts = snapshots.breakdown(region.pk, breakdown, period.months, figure.measures)
            names = dashboard.labels_of(source.key, breakdown, list(parts))
            entries = [(bucket, names[bucket], parts[bucket]) for bucket in sorted(parts)]
        return [
            {"key": key, "label": label, "value": _number(figure.value(values)),
             "display": figure.display(figure.value(values)), "cases": figure.cases(values),
             "ranked": figure.ranked(values)}
            for key, label, values in entries
        ]  # fmt: skip
