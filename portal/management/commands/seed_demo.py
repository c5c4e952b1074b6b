import io

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from petitions import demo as petitions_demo
from portal.demo import core
from portal.models import Department, Region, User
from stations import demo as stations_demo
from supervision import demo as supervision_demo
from supervision.suggestions import demo as suggestions_demo
from voting import demo as voting_demo


class Command(BaseCommand):
    help = "Build the demo jurisdiction and accounts of CONTRACT.md (idempotent)."

    def handle(self, **options):
        regions = core.build()
        stations_demo.build(regions)
        petitions_demo.build(regions)
        supervision_demo.build(regions)
        suggestions_demo.build(regions)
        voting_demo.build(regions)
        # Demo rows written directly get their words for the keyword search.
        call_command("build_search_index", verbosity=0, stdout=io.StringIO())
        self.stdout.write(
            _("Demo data ready: %(regions)d regions, %(units)d handling units, %(users)d accounts.")
            % {
                "regions": Region.objects.count(),
                "units": Department.objects.count(),
                "users": User.objects.count(),
            }
        )
        self.stdout.write(
            _("Demo accounts (password %(password)s):") % {"password": core.DEMO_PASSWORD}
        )
        for username in ["admin"] + [row[0] for row in core.ACCOUNTS] + ["shipu_gov"]:
            self.stdout.write(f"  {username}")
