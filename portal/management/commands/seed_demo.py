import io

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from open311 import demo as open311_demo
from petitions import demo as petitions_demo
from petitions import demo_history as petitions_history
from portal.demo import core
from portal.figures.periods import add_months, first
from portal.models import Department, Region, User
from stations import demo as stations_demo
from stations import demo_history as stations_history
from supervision import demo as supervision_demo
from supervision.suggestions import demo as suggestions_demo
from supervision.suggestions import demo_history as suggestions_history
from voting import demo as voting_demo


def _months_ago(count: int) -> str:
    from django.utils import timezone

    return add_months(first(timezone.localdate()), -count).strftime("%Y-%m")


class Command(BaseCommand):
    help = "Build the demo jurisdiction and accounts of CONTRACT.md (idempotent)."

    def handle(self, **options):
        regions = core.build()
        stations_demo.build(regions)
        petitions_demo.build(regions)
        supervision_demo.build(regions)
        suggestions_demo.build(regions)
        voting_demo.build(regions)
        open311_demo.build(regions)  # the city systems' demo key (needs county_staff)
        # Two years of history for the dashboards' trends, and their figures.
        petitions_history.build()
        stations_history.build()
        suggestions_history.build()
        call_command(
            "compute_figures", "--from", _months_ago(24), verbosity=0, stdout=io.StringIO()
        )
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
        self.stdout.write(
            _("Open311 demo key: %(key)s (jurisdiction_id %(code)s)")
            % {"key": open311_demo.DEMO_KEY, "code": "330225"}
        )
