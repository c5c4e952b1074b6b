"""Deadline reminders found by periodic sweeps, each sent exactly once.

Each app registers its sweeps in its own ``reminders.py`` (imported by ``run_all``)::

    register(Sweep(
        kind="petitions.reply_overdue",
        label=_("Citizen issue past its reply deadline"),
        thresholds=(-1, -10),                   # days before the deadline; negative: after
        select=lambda today: Petition.objects.filter(state="forwarded"),
        due_field="due_on",                     # a DateField (or a date annotation)
        recipients=handlers_by_petition,        # list of objects -> {pk: [User, ...]}
        text=petition_text,                     # (object, Reminder) -> (subject, body, url)
    ))

A sweep runs in two steps:

1. **find**: one set-based ``INSERT ... SELECT ... ON CONFLICT DO NOTHING`` per threshold
   writes a ``Reminder`` row for every due object. The unique key (object, kind, threshold,
   deadline) makes a second run, or a second worker, insert nothing. Each object gets only the
   reminder of the threshold it is in now (an item due in 7 days gets the 7-day reminder, not
   the 30- and 15-day ones late); a moved deadline starts its own reminders.
2. **send**: batches of unsent rows are locked with ``FOR UPDATE SKIP LOCKED``; the batch's
   notifications and ``sent_at`` commit together. A worker killed in the middle loses its
   open batch (rolled back, sent by the next run) and never repeats a committed one.

Thresholds are tunable per kind in the admin (``ReminderRule``). No ETA task per deadline:
Redis redelivers long ETA tasks (its visibility timeout), beat runs ``portal.run_sweeps``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from portal import vocabulary
from portal.models import Reminder, ReminderRule, User
from portal.notifications import notify

log = logging.getLogger(__name__)

Recipients = Callable[[list[models.Model]], dict[int, list[User]]]
# ``text(obj, reminder)``; ``reminder.sweep_day`` is the day the sweep runs for (count days
# late or left from it and the object's deadline, not from the threshold).
Text = Callable[[models.Model, Reminder], tuple[str, str, str]]


@dataclass(frozen=True)
class Sweep:
    """One kind of reminder: which objects are open, their deadline, whom to tell, what."""

    kind: str
    label: str
    thresholds: tuple[int, ...]
    select: Callable[[datetime.date], QuerySet]
    recipients: Recipients
    text: Text
    due_field: str = "due_on"
    # The earliest "days left" the smallest threshold still covers: 0 means an item already
    # past its deadline gets no "before the deadline" reminder; None means no bound (overdue).
    floor: int | None = 0

    @property
    def model(self) -> type[models.Model]:
        return self.select(timezone.localdate()).model

    def check_thresholds(self, values: Sequence[int]) -> tuple[int, ...]:
        """Return ``values`` when their sign fits the sweep, else raise ValueError: an overdue
        sweep (no floor) takes only negative days (after the deadline), any other only days
        before it (0 or more)."""
        values = tuple(values)
        if self.floor is None:
            wrong = [v for v in values if v >= 0]
        else:
            wrong = [v for v in values if v < 0]
        if wrong:
            raise ValueError(values)
        return values


REGISTRY: dict[str, Sweep] = {}


def register(sweep: Sweep) -> Sweep:
    """Add (or replace, on re-import) the sweep of ``sweep.kind``."""
    REGISTRY[sweep.kind] = sweep
    vocabulary.register_kinds({sweep.kind: sweep.label}, reminders=True)
    return sweep


def discover() -> dict[str, Sweep]:
    """Import every installed app's ``reminders`` module, so that its sweeps register; an app
    whose module fails to import is logged and left out, the others still run."""
    for app_config in apps.get_app_configs():
        if module_has_submodule(app_config.module, "reminders"):
            try:
                import_module(f"{app_config.name}.reminders")
            except Exception:
                log.exception("could not import %s.reminders", app_config.name)
    return REGISTRY


def parse_thresholds(text: str) -> tuple[int, ...]:
    """Parse "30, 15, 7, 1" into (30, 15, 7, 1); raise ValueError on anything else."""
    values = tuple(int(part) for part in text.replace("，", ",").split(",") if part.strip())
    if not values or any(abs(v) > 3660 for v in values):
        raise ValueError(text)
    return values


def thresholds_of(sweep: Sweep, rules: dict[str, ReminderRule] | None = None) -> tuple[int, ...]:
    """The thresholds in force: the admin's rule when there is one, else the sweep's own.
    An inactive rule switches the sweep off (no thresholds)."""
    rule = (rules or {}).get(sweep.kind) if rules is not None else (
        ReminderRule.objects.filter(kind=sweep.kind).first()
    )  # fmt: skip
    if rule is None:
        return tuple(sweep.thresholds)
    if not rule.is_active:
        return ()
    try:
        return sweep.check_thresholds(parse_thresholds(rule.thresholds))
    except ValueError:
        log.warning("reminder rule %s has bad thresholds %r", rule.kind, rule.thresholds)
        return tuple(sweep.thresholds)


def _buckets(thresholds: Iterable[int], floor: int | None) -> list[tuple[int, int | None, int]]:
    """Return (threshold, exclusive lower bound or None, inclusive upper bound) in days left,
    with ``floor`` as the inclusive lower bound of the smallest threshold."""
    ordered = sorted(set(thresholds))
    buckets = []
    for i, threshold in enumerate(ordered):
        lower = ordered[i - 1] if i else (None if floor is None else floor - 1)
        buckets.append((threshold, lower, threshold))
    return buckets


def find(sweep: Sweep, today: datetime.date, thresholds: Sequence[int] | None = None) -> int:
    """Insert the due reminders of ``sweep`` (set-based); return how many were new."""
    if thresholds is None:
        thresholds = thresholds_of(sweep)
    if not thresholds:
        return 0
    model = sweep.model
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    table = connection.ops.quote_name(Reminder._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    due = sweep.due_field
    inserted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for threshold, lower, upper in _buckets(thresholds, sweep.floor):
            rows = sweep.select(today).filter(
                **{f"{due}__lte": today + datetime.timedelta(days=upper)}
            )
            if lower is not None:
                rows = rows.filter(**{f"{due}__gt": today + datetime.timedelta(days=lower)})
            sql, params = rows.order_by().values_list("pk", due).query.sql_with_params()
            # The table name is ours and ``sql`` is Django's compiled query; values are params.
            statement = (
                f"INSERT INTO {table} (target_type_id, kind, threshold, created_at, "  # noqa: S608
                "recipient_count, skipped, target_id, due_on) "
                f"SELECT %s, %s, %s, %s, 0, %s, q.* FROM ({sql}) q WHERE true "
                "ON CONFLICT DO NOTHING"
            )
            cursor.execute(statement, [content_type.pk, sweep.kind, threshold, now, False, *params])
            inserted += max(cursor.rowcount, 0)
    return inserted


def send(sweep: Sweep, today: datetime.date, *, batch_size: int | None = None) -> int:
    """Send the unsent reminders of ``sweep`` in locked batches; return how many were sent."""
    batch_size = batch_size or getattr(settings, "REMINDER_BATCH_SIZE", 200)
    sent = 0
    due = sweep.due_field
    while True:
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(kind=sweep.kind, sent_at__isnull=True)
                .order_by("id")[:batch_size]
            )
            if not batch:
                return sent
            still_due = {
                obj.pk: obj
                for obj in sweep.select(today).filter(pk__in={r.target_id for r in batch})
            }
            people = sweep.recipients(list(still_due.values())) if still_due else {}
            now = timezone.now()
            for reminder in batch:
                obj = still_due.get(reminder.target_id)
                to = people.get(reminder.target_id, []) if obj is not None else []
                current = getattr(obj, due, None) if obj is not None else None
                if isinstance(current, datetime.datetime):
                    current = timezone.localdate(current)
                if obj is None or current != reminder.due_on or not to:
                    reminder.skipped = True  # closed, moved or nobody to tell since found
                else:
                    reminder.sweep_day = today
                    try:
                        # A savepoint each: one object whose text fails is skipped, not left
                        # unsent at the head of the queue blocking its kind forever.
                        with transaction.atomic():
                            subject, body, url = sweep.text(obj, reminder)
                            rows = notify(
                                recipients=to, kind=sweep.kind, subject=subject, body=body,
                                url=url, target=obj,
                            )  # fmt: skip
                    except Exception:
                        log.exception("reminder %s (%s of %s) failed; skipped",
                                      reminder.pk, sweep.kind, reminder.target_id)  # fmt: skip
                        reminder.skipped = True
                    else:
                        reminder.recipient_count = len(rows)
                        sent += 1
                reminder.sent_at = now
            Reminder.objects.bulk_update(batch, ["sent_at", "skipped", "recipient_count"])


def run(sweep: Sweep, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    found = find(sweep, today)
    return {"found": found, "sent": send(sweep, today)}


def run_all(kinds: Iterable[str] | None = None, today: datetime.date | None = None) -> dict:
    """Run every registered sweep (or those of ``kinds``); a failing sweep does not stop
    the others. Return ``{kind: {"found": n, "sent": n}}``."""
    discover()
    today = today or timezone.localdate()
    wanted = set(kinds) if kinds else None
    rules = {rule.kind: rule for rule in ReminderRule.objects.all()}
    results: dict[str, dict] = {}
    for kind, sweep in sorted(REGISTRY.items()):
        if wanted is not None and kind not in wanted:
            continue
        try:
            found = find(sweep, today, thresholds_of(sweep, rules))
            results[kind] = {"found": found, "sent": send(sweep, today)}
        except Exception:
            log.exception("reminder sweep %s failed", kind)
            results[kind] = {"error": 1}
    return results
