from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal import calendar


class Command(BaseCommand):
    help = (
        "Import one year's holidays and make-up workdays from a text file "
        "(date or date..date, holiday/workday, name); all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--source", default="", help="e.g. 国办发明电〔2026〕X号")
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")

    def handle(self, file: Path, year: int, source: str, dry_run: bool, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("The year must lie between 2000 and 2100."))
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
            ) from None
        try:
            days = calendar.parse_year_file(data, year)
        except calendar.CalendarImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(exc.errors)}
            ) from None
        holidays = sum(1 for working, _name in days.values() if not working)
        figures = {"year": year, "holidays": holidays, "workdays": len(days) - holidays}
        if dry_run:
            self.stdout.write(
                _("The file is valid: %(year)d has %(holidays)d weekday holidays and "
                  "%(workdays)d make-up workdays.") % figures
            )  # fmt: skip
            return
        calendar.import_year(year, days, source=source or file.name)
        self.stdout.write(
            _("Imported %(year)d: %(holidays)d weekday holidays and %(workdays)d make-up "
              "workdays.") % figures
        )  # fmt: skip
