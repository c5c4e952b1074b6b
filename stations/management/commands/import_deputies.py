from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from stations import importer


class Command(BaseCommand):
    help = (
        "Import the deputy roster from a .csv or .xlsx file (roster number, name, level, term, "
        "region code, …); all or nothing, matched by roster number."
    )

    def add_arguments(self, parser):
        parser.add_argument("roster_file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check the file only.")
        parser.add_argument(
            "--accounts", action="store_true",
            help="Open an account for each deputy without one who has a mobile phone; the "
            "deputy activates it with the code sent by SMS.",
        )  # fmt: skip

    def handle(self, roster_file: Path, dry_run: bool, accounts: bool = False, **options):
        try:
            data = roster_file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": roster_file, "error": exc.strerror}
            ) from None
        try:
            rows = importer.parse(data, importer.file_format(roster_file.name, data))
        except importer.DeputyImportError as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(
                _("Nothing was imported: %(n)d error(s).") % {"n": len(exc.errors)}
            ) from None
        deputies = len({row.id_code for row in rows})
        if dry_run:
            self.stdout.write(
                _("The roster is valid: %(rows)d rows, %(deputies)d deputies.")
                % {"rows": len(rows), "deputies": deputies}
            )
            return
        with transaction.atomic():
            report = importer.import_rows(rows, accounts=accounts)
        self.stdout.write(
            _(
                "Imported: %(created)d deputies created, %(updated)d updated, %(unchanged)d "
                "unchanged; %(mandates)d mandates, %(memberships)d station memberships and "
                "%(groups)d deputy groups added."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "mandates": report.mandates,
                "memberships": report.memberships,
                "groups": report.groups,
            }
        )
        if accounts:
            self.stdout.write(
                _("Accounts opened: %(n)d (an activation code goes to each by SMS).")
                % {"n": report.accounts}
            )
            for line in report.account_errors:
                self.stdout.write(_("No account: %(reason)s") % {"reason": line})
            if report.no_phone:
                self.stdout.write(
                    _("No account for want of a mobile phone: %(codes)s")
                    % {"codes": "、".join(report.no_phone)}
                )
