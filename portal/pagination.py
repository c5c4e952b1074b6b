"""Pagination that stays fast at a million rows.

A full ``COUNT(*)`` over a large scoped list costs more than the page itself. On PostgreSQL
the planner's row estimate is used when it says the list is large; small lists are counted
exactly.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import OperationalError, connections, transaction
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

EXACT_COUNT_BELOW = 10_000
# How long checking a large estimate may take (ms). A keyword common across the city (路灯)
# makes PostgreSQL read every match in the city before the scope filters them: past this,
# the list is large and the estimate stands.
CHECK_BUDGET_MS = 20


def estimated_count(queryset) -> int | None:
    """Return the planner's row estimate of ``queryset`` on PostgreSQL, else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def fast_count(queryset) -> tuple[int, bool]:
    """Return (count, is_estimate): exact for small lists, the estimate for large ones.

    The planner's estimate can be far off (statistics from before a large delete, a filter
    it misjudges), so a large estimate is checked by counting at most ``EXACT_COUNT_BELOW``
    rows: a list that turns out small is counted exactly, never shown as "about 20,000"."""
    estimate = estimated_count(queryset)
    if estimate is not None and estimate >= EXACT_COUNT_BELOW:
        bounded = _bounded_count(queryset, EXACT_COUNT_BELOW)
        if bounded is not None and bounded < EXACT_COUNT_BELOW:
            return bounded, False
        return estimate, True
    return queryset.count(), False


def _bounded_count(queryset, limit: int) -> int | None:
    """The rows of ``queryset``, counted up to ``limit``; None when that takes longer than
    ``CHECK_BUDGET_MS``. A statement timeout for this count only: set inside a savepoint,
    put back after it (a cancelled count rolls the savepoint back, and the setting with it)."""
    rows = queryset.order_by().values("pk")[:limit]
    try:
        with transaction.atomic(using=queryset.db), connections[queryset.db].cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            previous = cursor.fetchone()[0]
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [f"{CHECK_BUDGET_MS}ms"]
            )
            count = rows.count()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
            return count
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) == "57014":  # query_canceled: too long
            return None
        raise


class EstimatedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        if hasattr(self.object_list, "query"):
            count, self.count_is_estimate = fast_count(self.object_list)
            return count
        self.count_is_estimate = False
        return len(self.object_list)


class PortalPagination(PageNumberPagination):
    """Page numbers with ``count`` and ``count_is_estimate``; at most 200 rows a page."""

    django_paginator_class = EstimatedCountPaginator
    last_page_strings = ()  # "last" is no page number here
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        """The page size asked for (more than 200 is 200); one that is not a whole number of at
        least 1 is a 400 naming the parameter, never silently the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            from django.utils.translation import gettext as _
            from rest_framework.exceptions import ValidationError

            if not raw.isdigit() or int(raw) < 1:
                message = _("Enter a whole number of at least 1 (at most %(max)d rows a page).") % {
                    "max": self.max_page_size
                }
                raise ValidationError({self.page_size_query_param: [message]})
        return super().get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        """A page number that is no whole number of at least 1, or past the last page, is a
        400 naming ``page`` (DRF answers 404, which reads as "no such list")."""
        from django.utils.translation import gettext as _
        from rest_framework.exceptions import NotFound, ValidationError

        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (not raw.isdigit() or int(raw) < 1):
            message = _("Enter a page number of at least 1.")
            raise ValidationError({self.page_query_param: [message]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise ValidationError({self.page_query_param: [_("There is no such page.")]}) from None

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] in (self.page_query_param, self.page_size_query_param):
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_is_estimate"] = getattr(
            self.page.paginator, "count_is_estimate", False
        )
        return response

    def get_paginated_response_schema(self, schema):
        result = super().get_paginated_response_schema(schema)
        result["properties"]["count_is_estimate"] = {"type": "boolean"}
        return result
