from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal import access, regions, workflow
from portal.errors import DomainError
from portal.models import Region, User


class Command(BaseCommand):
    help = "Give a user a role (viewer, staff, leader) over a region and its subtree, or revoke it."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("region_code", help="division code, e.g. 330225")
        parser.add_argument("role", nargs="?", choices=access.Role.values)
        parser.add_argument("--revoke", action="store_true")

    def handle(self, username, region_code, role, revoke, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": username})
        code = regions.normalize_code(region_code)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise CommandError(_("No region with code %(code)s.") % {"code": region_code})
        try:
            if revoke:
                workflow.region_role_revoke(actor=None, user=user, region=region)
            elif role is None:
                raise CommandError(_("Name a role: viewer, staff or leader."))
            else:
                workflow.region_role_grant(actor=None, user=user, region=region, role=role)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        for held_region, held_role in access.roles_of(user):
            self.stdout.write(
                f"{user.username}: {held_region.name} · {access.Role(held_role).label}"
            )
