"""Stations on top of the portal's two-city world (see tests/portal/conftest.py).

townA1: station "甲一镇中心联络站" (central) with deputies dep_a1 (account m_deputy) and
        dep_a1b (account m_deputy2); village station "甲一村联络站" in villageA1 with dep_a1
townA2: station "甲二镇中心联络站" with dep_a2 (account m_deputy3), the sibling township
townB1: station "乙一镇中心联络站" with dep_b1 (no account)
"""

from dataclasses import dataclass

import pytest

from stations.models import Representative, Station, StationMembership
from tests.factories import UserFactory
from tests.portal.conftest import World, world  # noqa: F401  (fixture re-exported)


@dataclass
class StationWorld:
    base: World
    deps: dict
    stations: dict


def make_deputy(region, name, code, user=None) -> Representative:
    return Representative.objects.create(region=region, name=name, id_code=code, user=user)


def join(station, deputy) -> None:
    StationMembership.objects.create(region=station.region, station=station, representative=deputy)


@pytest.fixture
def sworld(world) -> StationWorld:  # noqa: F811
    r = world.regions
    from portal.models import User

    deputy2 = UserFactory(
        username="m_deputy2", kind=User.Kind.DEPUTY, region=r["townA1"], is_staff=False
    )
    deputy3 = UserFactory(
        username="m_deputy3", kind=User.Kind.DEPUTY, region=r["townA2"], is_staff=False
    )
    deps = {
        "a1": make_deputy(r["townA1"], "甲一代表", "D-A1", world.users["deputy"]),
        "a1b": make_deputy(r["townA1"], "甲一乙代表", "D-A1B", deputy2),
        "a2": make_deputy(r["townA2"], "甲二代表", "D-A2", deputy3),
        "b1": make_deputy(r["townB1"], "乙一代表", "D-B1"),
    }
    world.users["deputy2"] = deputy2
    world.users["deputy3"] = deputy3
    stations = {
        "a1": Station.objects.create(region=r["townA1"], name="甲一镇中心联络站", kind=Station.Kind.CENTRAL,
                                     address="甲一镇人民路1号", phone="0574-1000001"),
        "a1v": Station.objects.create(region=r["villageA1"], name="甲一村联络站", kind=Station.Kind.VILLAGE),
        "a2": Station.objects.create(region=r["townA2"], name="甲二镇中心联络站", kind=Station.Kind.CENTRAL),
        "b1": Station.objects.create(region=r["townB1"], name="乙一镇中心联络站", kind=Station.Kind.CENTRAL),
    }  # fmt: skip
    join(stations["a1"], deps["a1"])
    join(stations["a1"], deps["a1b"])
    join(stations["a1v"], deps["a1"])
    join(stations["a2"], deps["a2"])
    join(stations["b1"], deps["b1"])
    return StationWorld(world, deps, stations)
