"""Compute the dashboards' figures (``portal.figures.snapshots``) for a run of months.

    manage.py compute_figures                      # this month and the twelve before it
    manage.py compute_figures --from 2024-01 --to 2026-12
    manage.py compute_figures --source petitions --resume

Whole months are rewritten, each in one transaction; ``--resume`` skips the months this
command already wrote in the last day (a run that was stopped goes on where it stopped).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal import figures
from portal.figures import periods, snapshots


def _month(raw: str) -> datetime.date:
    try:
        year, month = (int(part) for part in raw.split("-"))
        return datetime.date(year, month, 1)
    except ValueError as error:
        raise CommandError(f"not a month (YYYY-MM): {raw}") from error


class Command(BaseCommand):
    help = "Compute the dashboards' figures for a run of months."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="First month, YYYY-MM.")
        parser.add_argument("--to", dest="end", help="Last month, YYYY-MM (default: this month).")
        parser.add_argument("--source", action="append", help="Only these sources (repeatable).")
        parser.add_argument("--resume", action="store_true",
                            help="Skip months written in the last 24 hours.")  # fmt: skip

    def handle(self, *args, **options):
        this = periods.first(timezone.localdate())
        end = _month(options["end"]) if options["end"] else this
        start = _month(options["start"]) if options["start"] else periods.add_months(end, -12)
        if end < start:
            raise CommandError("--to comes before --from")
        known = {s.key for s in figures.sources()}
        unknown = set(options["source"] or ()) - known
        if unknown:
            raise CommandError(
                f"unknown source(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
        months = periods.months_between(start, end)
        since = timezone.now() - datetime.timedelta(days=1) if options["resume"] else None

        def progress(source, month, rows):
            self.stdout.write(f"  {source:<24} {month:%Y-%m}  {rows:>7} rows")

        written = snapshots.refresh(
            months, options["source"], resume_since=since, progress=progress
        )
        total = sum(written.values())
        self.stdout.write(self.style.SUCCESS(
            f"{len(months)} month(s), {total} rows written ({', '.join(f'{k} {v}' for k, v in written.items())})"
        ))  # fmt: skip
