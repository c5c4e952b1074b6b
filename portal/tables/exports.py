"""Excel exports (台账) of every staff list: the rows of the current filter, the columns the
user sees plus the full text, safe against formula injection.

Rows are read in batches and written by openpyxl's write-only workbook, which keeps only the
current row in memory; the file is served from disk. Small lists download at once; a list
longer than ``INLINE_MAX`` is written by a Celery worker (``ExportJob``) while the page
shows its progress.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from portal.db_router import replica
from portal.pagination import fast_count
from portal.queue import task
from portal.tablemodels import ExportJob
from portal.tables.core import Column, Table, get_table, jurisdiction_name, local

log = logging.getLogger(__name__)

INLINE_MAX = 5_000  # rows written within the request; more go to a worker
BATCH = 1_000  # rows read per query
PROGRESS_EVERY = 2_000  # rows between progress updates of a job
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)


def safe(value):
    """A cell value that cannot run as a formula, break the file, or be a lazy string."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (int, float)):
        return value
    value = local(value)
    if hasattr(value, "year"):  # a date or a naive datetime
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def filename_for(table: Table, user) -> str:
    """<jurisdiction>_<list>台账_<date>.xlsx — what an office files it under."""
    place = jurisdiction_name(user)
    stem = "_".join(p for p in (place, _("%(list)s ledger") % {"list": table.title}) if p)
    safe_stem = "".join(ch for ch in stem if ch not in '\\/:*?"<>|\r\n')
    return f"{safe_stem}_{timezone.localdate():%Y-%m-%d}.xlsx"


def _batches(table: Table, user, queryset) -> Iterator[list]:
    batch = []
    for row in queryset.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            table.prepare(user, batch)
            yield batch
            batch = []
    if batch:
        table.prepare(user, batch)
        yield batch


def write_xlsx(table: Table, user, queryset, columns: list[Column], out, progress=None) -> int:
    """Write the rows of ``queryset`` to the file object ``out``; return the row count.
    ``progress(n)`` is called every ``PROGRESS_EVERY`` rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(table.title)[:31])
    for index, column in enumerate(columns):
        letter = _letter(index)
        sheet.column_dimensions[letter].width = 60 if column.export_only else 18
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=safe(column.label))
        cell.font = BOLD
        header.append(cell)
    sheet.append(header)
    written = 0
    for batch in _batches(table, user, queryset):
        for row in batch:
            sheet.append([safe(column.export_value(row)) for column in columns])
        before = written
        written += len(batch)
        if progress and written // PROGRESS_EVERY != before // PROGRESS_EVERY:
            progress(written)
    workbook.save(out)
    return written


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(table: Table, user, listing, chosen: list[str]):
    """Export ``listing``: return ``("file", handle, filename)`` for a short list, or
    ``("job", job)`` when a worker writes it."""
    filename = filename_for(table, user)
    columns = table.export_columns(chosen)
    total, estimated = fast_count(listing.queryset)
    if estimated:
        # The planner's estimate of a scoped list can be far off (an OR of scope rules):
        # count for real, but never past the limit.
        capped = listing.queryset.order_by()[: INLINE_MAX + 1].count()
        if capped <= INLINE_MAX:
            total, estimated = capped, False
    if total <= INLINE_MAX and not estimated:
        handle = tempfile.TemporaryFile(dir=export_dir())  # noqa: SIM115 (FileResponse closes it)
        write_xlsx(table, user, listing.queryset, columns, handle)
        handle.seek(0)
        return ("file", handle, filename)
    query = listing.params.copy()
    for name in ("export", "page"):
        query.pop(name, None)
    job = ExportJob.objects.create(
        user=user, table=table.key, query=query.urlencode()[:2000],
        columns=[c.key for c in columns], filename=filename, total=total,
    )  # fmt: skip
    transaction.on_commit(lambda: _queue(job.pk))
    return ("job", job)


def _queue(job_id: int) -> None:
    try:
        task("portal.run_export").apply_async(args=[job_id], retry=False)
    except Exception:  # the broker is down: the sweep of stale jobs picks it up
        log.warning("export %s could not be queued; it waits for the sweep", job_id)


def run(job_id: int) -> str:
    """Write the export ``job_id`` (the worker's side); return its final state."""
    claimed = ExportJob.objects.filter(
        pk=job_id, state__in=[ExportJob.State.QUEUED, ExportJob.State.FAILED]
    ).update(state=ExportJob.State.RUNNING, done=0)
    if not claimed:
        return "skipped"
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    table = get_table(job.table)
    if table is None or not job.user.is_active:
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED, error=_("This list no longer exists.")
        )
        return ExportJob.State.FAILED
    listing = table.filter(job.user, QueryDict(job.query))
    by_key = table.columns_by_key()
    columns = [by_key[k] for k in job.columns if k in by_key]
    path = export_dir() / f"job-{job.pk}.xlsx"

    def progress(n: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(done=n)

    try:
        # The rows may lag a little: read them from the replica when there is one.
        with open(path, "wb") as out, replica.reads():
            written = write_xlsx(table, job.user, listing.queryset, columns, out, progress)
    except Exception as exc:
        log.exception("export %s failed", job_id)
        ExportJob.objects.filter(pk=job_id).update(
            state=ExportJob.State.FAILED, error=str(exc)[:300]
        )
        return ExportJob.State.FAILED
    ExportJob.objects.filter(pk=job_id).update(
        state=ExportJob.State.DONE, done=written, total=written, path=str(path),
        finished_at=timezone.now(),
    )  # fmt: skip
    return ExportJob.State.DONE


def sweep(max_age_hours: int = 24) -> dict:
    """Queue jobs the broker lost; delete export files older than ``max_age_hours``."""
    now = timezone.now()
    stale = ExportJob.objects.filter(
        state=ExportJob.State.QUEUED, created_at__lt=now - timezone.timedelta(minutes=2)
    ).values_list("pk", flat=True)[:20]
    queued = 0
    for pk in stale:
        _queue(pk)
        queued += 1
    old = ExportJob.objects.filter(created_at__lt=now - timezone.timedelta(hours=max_age_hours))
    removed = 0
    for job in old.exclude(path=""):
        Path(job.path).unlink(missing_ok=True)
        removed += 1
    old.delete()
    return {"queued": queued, "removed": removed}
