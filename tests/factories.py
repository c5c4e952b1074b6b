"""Factories that build rows the way the portal does (regions with their paths)."""

import itertools

import factory

from portal import access
from portal.models import Department, Region, User

WIDTH = {
    Region.Level.CITY: 2,
    Region.Level.COUNTY: 2,
    Region.Level.TOWNSHIP: 3,
    Region.Level.VILLAGE: 3,
}
PREFIX = {
    Region.Level.CITY: 2,
    Region.Level.COUNTY: 4,
    Region.Level.TOWNSHIP: 6,
    Region.Level.VILLAGE: 9,
}


def make_region(name: str, parent: Region | None = None, code: str | None = None) -> Region:
    """Create a region one level under ``parent`` with the next free code under the parent's."""
    level = Region.Level.CITY if parent is None else parent.level + 1
    if code is None:
        prefix = "33" if parent is None else parent.code[: PREFIX[level]]
        for n in itertools.count(1):
            code = f"{prefix}{n:0{WIDTH[level]}d}".ljust(12, "0")
            if not Region.objects.filter(code=code).exists():
                break
    return Region.objects.create(
        code=code, name=name, level=level, parent=parent, path=Region.build_path(code, parent)
    )


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"承办单位{n}")
    kind = Department.Kind.GOVERNMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pw-for-tests-2026")
    kind = User.Kind.STAFF
    is_staff = True


PASSWORD = "pw-for-tests-2026"


def staff_with_role(region: Region, role: str = access.Role.STAFF, **kwargs) -> User:
    user = UserFactory(region=region, **kwargs)
    access.grant_role(user, region, role)
    return user
