"""The staff's search page (``/desk/search/?q=``): one box over every searchable kind of
record, results grouped by kind, each group only from what the user may see."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal import search
from portal.pagination import fast_count

PER_KIND = 5
RANK_BELOW = 2_000  # matches ranked by relevance; more are shown newest first (ranking
# thousands of rows costs more than a page: bench/README.md, search)


@login_required
def search_page(request):
    q = (request.GET.get("q") or "").strip()
    error = ""
    groups = []
    if len(q) > search.QUERY_MAX:
        error = _("At most %(limit)d characters.") % {"limit": search.QUERY_MAX}
    elif q:
        for kind in search.kinds():
            rows = search.matching(kind.rows(request.user), q, request.user)
            count, estimated = fast_count(rows)
            if not count:
                continue
            if count <= RANK_BELOW and not estimated:
                rows = search.matching(kind.rows(request.user), q, request.user, ranked=True)
            else:
                rows = rows.order_by("-pk")
            found = list(rows[:PER_KIND])
            if not found:
                continue
            try:
                more = f"{reverse(kind.list_url)}?{urlencode({'q': q})}" if kind.list_url else ""
            except NoReverseMatch:
                more = ""
            groups.append({
                "kind": kind, "count": count, "estimated": estimated, "more": more,
                "results": [
                    {"title": search.highlight(kind.title(obj), q, 120),
                     "snippet": search.highlight(kind.body(obj), q), "url": kind.url(obj)}
                    for obj in found
                ],
            })  # fmt: skip
    status = 400 if error else 200
    return render(
        request, "portal/search.html",
        {"q": q, "groups": groups, "error": error, "searched": bool(q) and not error},
        status=status,
    )  # fmt: skip
