from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal import regions


class Command(BaseCommand):
    help = "Import regions from a CSV file (code, name, level, parent_code); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")

    def handle(self, csv_file: Path, dry_run: bool, **options):
        try:
            data = csv_file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": csv_file, "error": exc.strerror}
            ) from None
        try:
            rows = regions.parse(data)
        except regions.RegionImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(exc.errors)}
            ) from None
        if dry_run:
            self.stdout.write(_("The file is valid: %(n)d regions.") % {"n": len(rows)})
            return
        report = regions.import_rows(rows)
        self.stdout.write(
            _("Imported: %(created)d created, %(updated)d renamed, %(unchanged)d unchanged.")
            % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        )
        from portal import search

        search.forget_places()  # the keyword search learns the new place names
