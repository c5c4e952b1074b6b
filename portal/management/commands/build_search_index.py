"""Fill the keyword search's words (``search_text``) of every searchable kind.

Rows are read in id order in batches, each batch written (``search_text`` only) in its own
short transaction, so the tables stay usable while it runs. By default only rows without
words are filled, so after an interruption the same command carries on where it stopped;
``--rebuild`` rewrites every row (after an interruption, ``--from-id`` with the last id the
progress line showed). Works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from portal import search


class Command(BaseCommand):
    help = (
        "Fill the keyword search's words (search_text) of every searchable kind in batches; "
        "only rows without words unless --rebuild."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", action="append", dest="kinds", metavar="KEY",
            help="Only this kind (repeatable): " + ", ".join(k.key for k in search.kinds()),
        )  # fmt: skip
        parser.add_argument("--batch", type=int, default=1000, help="Rows per transaction.")
        parser.add_argument(
            "--rebuild", action="store_true", help="Rewrite the words of every row."
        )
        parser.add_argument(
            "--from-id", type=int, default=0, help="Start at this id (resume a rebuild)."
        )

    def handle(self, *, kinds, batch, rebuild, from_id, **options):
        if batch < 1:
            raise CommandError(_("The batch size must be at least 1."))
        chosen = search.kinds()
        if kinds:
            known = {kind.key for kind in chosen}
            unknown = sorted(set(kinds) - known)
            if unknown:
                raise CommandError(
                    _("Unknown kind %(kind)s; the kinds are: %(kinds)s.")
                    % {"kind": "、".join(unknown), "kinds": "、".join(sorted(known))}
                )
            chosen = [kind for kind in chosen if kind.key in kinds]
        started = time.monotonic()
        written = 0
        for kind in chosen:
            written += self.build(kind, batch=batch, rebuild=rebuild, from_id=from_id)
        self.stdout.write(
            _("Done: the words of %(rows)d records written, %(kinds)d kinds, %(seconds).1f s.")
            % {"rows": written, "kinds": len(chosen), "seconds": time.monotonic() - started}
        )

    def build(self, kind: search.Searchable, *, batch: int, rebuild: bool, from_id: int) -> int:
        """Fill the words of one kind; return how many rows were written."""
        model = kind.model
        rows = model._default_manager.order_by("pk")
        if not rebuild:
            rows = rows.filter(**{search.FIELD: ""})
        if from_id:
            rows = rows.filter(pk__gte=from_id)
        total = rows.count()
        label = str(kind.label)
        if not total:
            self.stdout.write(_("%(kind)s: nothing to do.") % {"kind": label})
            return 0
        done = written = 0
        last = None
        while True:
            with transaction.atomic():
                page = rows if last is None else rows.filter(pk__gt=last)
                # Locked while their words are computed, so an edit cannot be overwritten.
                found = list(page.select_for_update(of=("self",))[:batch])
                if found and kind.prefetch:  # the texts' related rows, one query a batch
                    prefetch_related_objects(found, *kind.prefetch)
                if not found:
                    break
                changed = []
                for obj in found:
                    text = search.text_of(obj)
                    if getattr(obj, search.FIELD) != text:
                        setattr(obj, search.FIELD, text)
                        changed.append(obj)
                model._default_manager.bulk_update(changed, [search.FIELD])
            last = found[-1].pk
            done += len(found)
            written += len(changed)
            self.stdout.write(
                _("%(kind)s: %(done)d/%(total)d (%(percent)d%%), up to id %(last)d")
                % {
                    "kind": label,
                    "done": done,
                    "total": total,
                    "percent": min(100, done * 100 // total),
                    "last": last,
                }  # fmt: skip
            )
        return written
