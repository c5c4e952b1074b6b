"""A small two-city world used by the permission matrix.

    城市甲 (city)                     城市乙 (city2, the city's sibling)
    ├── 甲县 (countyA)                 └── 乙城区 (city2county)
    │   ├── 甲一镇 (townA1)
    │   │   └── 甲一村 (villageA1)
    │   └── 甲二镇 (townA2)
    └── 乙县 (countyB)
        └── 乙一镇 (townB1)

Every region has one handling unit; countyA has a second one (countyA_other).
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import AnonymousUser

from portal import access
from portal.models import Department, Region, User
from tests.factories import DepartmentFactory, UserFactory, make_region, staff_with_role

# Where each role stands and which regions are its own, child, sibling and parent.
POSITIONS = {
    "city": {"own": "city", "child": "countyA", "sibling": "city2", "parent": None},
    "county": {"own": "countyA", "child": "townA1", "sibling": "countyB", "parent": "city"},
    "township": {"own": "townA1", "child": "villageA1", "sibling": "townA2", "parent": "countyA"},
    "viewer": {"own": "countyA", "child": "townA1", "sibling": "countyB", "parent": "city"},
    "deputy": {"own": "townA1", "child": "villageA1", "sibling": "townA2", "parent": "countyA"},
    "handler": {"own": "countyA", "child": "townA1", "sibling": "countyB", "parent": "city"},
    "anonymous": {"own": "countyA", "child": "townA1", "sibling": "countyB", "parent": "city"},
}
ALL = {"own", "child"}
# Which positions each role may see/change. Anything not listed is denied.
EXPECTED = {
    "city": {"region_view": ALL, "dept_view": ALL, "dept_manage": ALL},
    "county": {"region_view": ALL, "dept_view": ALL, "dept_manage": ALL},
    "township": {"region_view": ALL, "dept_view": ALL, "dept_manage": ALL},
    "viewer": {"region_view": ALL, "dept_view": ALL, "dept_manage": set()},
    "deputy": {"region_view": {"own"}, "dept_view": set(), "dept_manage": set()},
    "handler": {"region_view": {"own"}, "dept_view": {"own"}, "dept_manage": set()},
    "anonymous": {"region_view": set(), "dept_view": set(), "dept_manage": set()},
}
CASES = [
    (role, position)
    for role, positions in POSITIONS.items()
    for position, key in positions.items()
    if key is not None
]


@dataclass
class World:
    regions: dict[str, Region] = field(default_factory=dict)
    depts: dict[str, Department] = field(default_factory=dict)
    users: dict[str, User | AnonymousUser] = field(default_factory=dict)

    def region_at(self, role: str, position: str) -> Region:
        return self.regions[POSITIONS[role][position]]

    def dept_at(self, role: str, position: str) -> Department:
        return self.depts[POSITIONS[role][position]]


@pytest.fixture
def world(db) -> World:
    w = World()
    r = w.regions
    r["city"] = make_region("城市甲")
    r["city2"] = make_region("城市乙")
    r["city2county"] = make_region("乙城区", r["city2"])
    r["countyA"] = make_region("甲县", r["city"])
    r["countyB"] = make_region("乙县", r["city"])
    r["townA1"] = make_region("甲一镇", r["countyA"])
    r["townA2"] = make_region("甲二镇", r["countyA"])
    r["townB1"] = make_region("乙一镇", r["countyB"])
    r["villageA1"] = make_region("甲一村", r["townA1"])
    for key, region in r.items():
        w.depts[key] = DepartmentFactory(region=region, name=f"{region.name}单位")
    w.depts["countyA_other"] = DepartmentFactory(region=r["countyA"], name="甲县另一单位")

    u = w.users
    u["city"] = staff_with_role(r["city"], username="m_city")
    u["county"] = staff_with_role(r["countyA"], username="m_county")
    u["township"] = staff_with_role(r["townA1"], username="m_township")
    u["viewer"] = staff_with_role(r["countyA"], access.Role.VIEWER, username="m_viewer")
    u["deputy"] = UserFactory(
        username="m_deputy", kind=User.Kind.DEPUTY, region=r["townA1"], is_staff=False
    )
    u["handler"] = UserFactory(
        username="m_handler",
        kind=User.Kind.HANDLER,
        region=r["countyA"],
        department=w.depts["countyA"],
        is_staff=True,
    )
    u["anonymous"] = AnonymousUser()
    return w
