"""Pagination that stays fast at a million rows.

A full ``COUNT(*)`` over a large scoped list costs more than the page itself. On PostgreSQL
the planner's row estimate is used when it says the list is large; small lists are counted
exactly.
"""

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

EXACT_COUNT_BELOW = 10_000


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
        bounded = queryset.order_by().values("pk")[:EXACT_COUNT_BELOW].count()
        if bounded < EXACT_COUNT_BELOW:
            return bounded, False
        return estimate, True
    return queryset.count(), False


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
