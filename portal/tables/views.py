"""The pages of a staff list: the table (GET), bulk actions, saved views and column choice
(POST), the export (``?export=xlsx``) and a long export's progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.pagination import EstimatedCountPaginator
from portal.tablemodels import ExportJob, SavedView, TablePreference
from portal.tables import exports
from portal.tables.core import PAGE_SIZES, Table

BULK_MAX = 500  # rows one bulk action moves ("all N matching" beyond this is refused)
SAVED_MAX = 20


def table_view(table: Table):
    """Return the view serving ``table`` (the list, its POSTs and its export)."""

    @login_required
    def view(request):
        user = request.user
        if not table.may_view(user):
            raise PermissionDenied(_("You may not use this list."))
        if request.method == "POST":
            return _post(request, table)
        preference = TablePreference.objects.filter(user=user, table=table.key).first()
        params = request.GET.copy()
        if "page_size" not in params and preference and preference.page_size:
            params["page_size"] = str(preference.page_size)
        listing = table.filter(user, params)
        chosen = preference.columns if preference else None
        if params.get("export"):
            if params["export"] != "xlsx" or listing.errors:
                return _render(request, table, listing, chosen, status=400)
            result = exports.start(table, user, listing, chosen)
            if result[0] == "job":
                return redirect("tables:export_status", pk=result[1].pk)
            _kind, handle, filename = result
            return FileResponse(handle, as_attachment=True, filename=filename)
        return _render(request, table, listing, chosen)

    view.table = table
    return view


def _query_without(params: QueryDict, *names: str) -> str:
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _render(request, table: Table, listing, chosen, *, status: int = 200):
    user = request.user
    page = EstimatedCountPaginator(listing.queryset, listing.page_size).get_page(
        request.GET.get("page")
    )
    rows = list(page.object_list)
    table.prepare(user, rows)
    columns = table.screen_columns(chosen)
    shown_keys = {c.key for c in columns}
    body = [
        {
            "pk": row.pk,
            "row": row,
            "url": table.detail_url(row),
            "light": getattr(row, "light", ""),
            "css": table.row_class(row),
            "cells": [(c, c.cell(row)) for c in columns],
        }
        for row in rows
    ]
    query = _query_without(listing.params, "page", "export", "view")
    form = listing.filterset.form if listing.filterset is not None else None
    saved = list(SavedView.objects.filter(user=user, table=table.key)[:SAVED_MAX])
    active_view = request.GET.get("view", "")
    for view in saved:
        view.active = active_view == f"saved-{view.pk}"
    bulk = [
        (name, action, action.form(user) if action.form else None)
        for name, action in table.bulk_for(user).items()
    ]
    sorts = table.orderings()
    headers = []
    for column in columns:
        state = ""
        if listing.ordering.lstrip("-") == column.key:
            state = "descending" if listing.ordering.startswith("-") else "ascending"
        next_order = "" if not column.sort else ("-" if state == "ascending" else "") + column.key
        headers.append({"column": column, "sortable": column.key in sorts, "state": state,
                        "next": next_order})  # fmt: skip
    context = {
        "table": table,
        "title": table.heading(user),
        "listing": listing,
        "page": page,
        "rows": body,
        "headers": headers,
        "columns": columns,
        "all_columns": [(c, c.key in shown_keys) for c in _chooser_order(table, columns)],
        "filter_fields": [
            form[name] for name in table.filters_for(user) if form and name in form.fields
        ],
        "filter_errors": listing.errors,
        "errors": listing.labelled_errors(),
        "query": query,
        "page_sizes": PAGE_SIZES,
        "bulk": bulk,
        "presets": table.presets_for(user),
        "saved": saved,
        "active_view": active_view,
        "count_is_estimate": getattr(page.paginator, "count_is_estimate", False),
        "may_add": bool(table.new_url_name) and table.may_add(user),
        "tools": table.tools(user),
        "inline_max": exports.INLINE_MAX,
    }
    return render(request, "portal/table.html", context, status=status)


def _chooser_order(table: Table, shown):
    keys = [c.key for c in shown]
    rest = [c for c in table.columns if not c.export_only and c.key not in keys]
    return list(shown) + rest


def _back(request, table: Table, query: str = "") -> HttpResponseRedirect:
    url = reverse(table.url_name)
    return HttpResponseRedirect(f"{url}?{query}" if query else url)


def _post(request, table: Table):
    op = request.POST.get("op", "")
    query = request.POST.get("query", "")[:2000]
    if op == "columns":
        return _save_columns(request, table, query)
    if op == "save_view":
        return _save_view(request, table, query)
    if op == "delete_view":
        SavedView.objects.filter(
            user=request.user, table=table.key, pk=_int(request.POST.get("view_id"))
        ).delete()
        messages.success(request, _("The view has been deleted."))
        return _back(request, table, query)
    if op == "bulk":
        return _bulk(request, table, query)
    messages.error(request, _("Unknown request."))
    return _back(request, table, query)


def _int(raw) -> int | None:
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdecimal() and len(raw) <= 18 else None


def _save_columns(request, table: Table, query: str):
    known = {c.key for c in table.columns if not c.export_only}
    chosen = [k for k in request.POST.getlist("col") if k in known]
    size = _int(request.POST.get("page_size"))
    if request.POST.get("reset"):
        TablePreference.objects.filter(user=request.user, table=table.key).delete()
        messages.success(request, _("The list shows its standard columns again."))
        return _back(request, table, query)
    if not chosen:
        messages.error(request, _("Choose at least one column."))
        return _back(request, table, query)
    TablePreference.objects.update_or_create(
        user=request.user, table=table.key,
        defaults={"columns": chosen, "page_size": size if size in PAGE_SIZES else None},
    )  # fmt: skip
    messages.success(request, _("Your columns have been saved."))
    return _back(request, table, _query_without(QueryDict(query), "page_size"))


def _save_view(request, table: Table, query: str):
    name = (request.POST.get("name") or "").strip()
    if not name or len(name) > 40:
        messages.error(request, _("Give the view a name of at most 40 characters."))
        return _back(request, table, query)
    clean = _query_without(QueryDict(query), "page", "export", "view")
    listing = table.filter(request.user, QueryDict(clean))
    if listing.errors:
        messages.error(request, _("A filter is wrong; the view was not saved."))
        return _back(request, table, query)
    if SavedView.objects.filter(user=request.user, table=table.key).count() >= SAVED_MAX:
        messages.error(request, _("At most %(n)d saved views per list.") % {"n": SAVED_MAX})
        return _back(request, table, query)
    view, created = SavedView.objects.update_or_create(
        user=request.user, table=table.key, name=name, defaults={"query": clean}
    )
    messages.success(request, _("The view “%(name)s” has been saved.") % {"name": name})
    return _back(
        request, table, f"{clean}&view=saved-{view.pk}" if clean else f"view=saved-{view.pk}"
    )


def _bulk(request, table: Table, query: str):
    user = request.user
    actions = table.bulk_for(user)
    name = request.POST.get("bulk", "")
    action = actions.get(name)
    if action is None:
        messages.error(request, _("Choose an action."))
        return _back(request, table, query)
    data = {}
    if action.form:
        form = action.form(user, data=request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                text = "；".join(str(e) for e in errors)
                messages.error(request, f"{label}：{text}" if label else text)
            return _back(request, table, query)
        data = form.cleaned_data
    listing = table.filter(user, QueryDict(_query_without(QueryDict(query), "page", "view")))
    if listing.errors:
        messages.error(request, _("A filter is wrong; nothing was done."))
        return _back(request, table, query)
    if request.POST.get("scope") == "all":
        ids = list(listing.queryset.values_list("pk", flat=True)[: BULK_MAX + 1])
    else:
        ids = [i for i in map(_int, request.POST.getlist("pk")) if i is not None]
    if not ids:
        messages.error(request, _("Select at least one row."))
        return _back(request, table, query)
    if len(ids) > BULK_MAX:
        messages.error(
            request,
            _("At most %(n)d rows at a time: narrow the filter.") % {"n": BULK_MAX},
        )
        return _back(request, table, query)
    rows = {row.pk: row for row in listing.queryset.filter(pk__in=ids)}
    moved, changed, refused = 0, 0, []
    for pk in ids:
        row = rows.get(pk)
        if row is None or not action.allowed(user, row):
            changed += 1
            continue
        try:
            with transaction.atomic():
                action.run(user, row, data)
        except DomainError as exc:
            refused.append(exc.message)
        except PermissionDenied:
            refused.append(_("not allowed"))
        else:
            moved += 1
    parts = [_("%(n)d %(done)s") % {"n": moved, "done": action.done}]
    if changed:
        parts.append(_("%(n)d skipped: their state has changed") % {"n": changed})
    if refused:
        parts.append(_("%(n)d refused: %(reason)s") % {"n": len(refused), "reason": refused[0]})
    level = messages.success if moved and not (changed or refused) else messages.warning
    level(request, "，".join(parts))
    return _back(request, table, query)


# --- a long export ---------------------------------------------------------------------


def _own_job(request, pk) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404(_("No such export."))
    return job


@login_required
def export_status(request, pk):
    job = _own_job(request, pk)
    waiting = job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING)
    return render(request, "portal/export_status.html", {"job": job, "waiting": waiting})


@login_required
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.path:
        raise Http404(_("The export is not ready."))
    try:
        handle = open(job.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    except OSError:
        raise Http404(_("The export has expired; export the list again.")) from None
    return FileResponse(handle, as_attachment=True, filename=job.filename)
