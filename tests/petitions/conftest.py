"""Citizen issues on top of the stations world (tests/stations/conftest.py)."""

import pytest

from petitions import workflow
from portal.models import User
from tests.factories import DepartmentFactory, UserFactory
from tests.stations.conftest import StationWorld, sworld, world  # noqa: F401  (fixtures)

# the helper modules of these tests assert too: have pytest explain their failures
pytest.register_assert_rewrite("tests.petitions.desk_helpers", "tests.petitions.public_helpers")


@pytest.fixture
def pworld(sworld):  # noqa: F811
    """Adds a township government unit of townA1 with a handler, and one of townA2."""
    regions = sworld.base.regions
    units = {
        "townA1": DepartmentFactory(
            region=regions["townA1"], name="甲一镇人民政府", kind="township_government"
        ),
        "townA2": DepartmentFactory(
            region=regions["townA2"], name="甲二镇人民政府", kind="township_government"
        ),
    }
    handlers = {
        key: UserFactory(
            username=f"h_{key}", kind=User.Kind.HANDLER, department=unit, region=unit.region
        )
        for key, unit in units.items()
    }
    sworld.units = units
    sworld.handlers = handlers
    return sworld


@pytest.fixture
def _media(settings, tmp_path):
    """Keep uploads in a temporary folder (the citizens' pages tests use it on every test)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def submit(pworld: StationWorld, region_key="villageA1", **kwargs):
    values = {
        "channel": "web", "region_id": pworld.base.regions[region_key].pk, "category": "traffic",
        "title": "公交班次太少", "description": "早上去石浦的公交车太挤", "citizen_name": "李大姐",
        "citizen_phone": "13800001111", "wants_feedback": True,
    }  # fmt: skip
    values.update(kwargs)
    return workflow.petition_submit(**values)
